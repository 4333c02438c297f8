// Runs WPT's forgiving-base64 data (fetch/data-urls/resources/base64.json)
// against atob, as html/webappapis/atob/base64.any.js does: each input
// decodes to the listed bytes, or atob throws InvalidCharacterError. The
// successful decodes are also checked to round-trip through btoa.

import data from "../wpt/base64.json";
import { Suite, assertEquals, assertThrows, report } from "./wpt_harness.ts";

const suite = new Suite("base64");
for (const [input, output] of data as [string, number[] | null][]) {
  suite.test(`atob(${JSON.stringify(input)})`, () => {
    if (output === null) {
      assertThrows(DOMException, () => atob(input), "InvalidCharacterError");
      return;
    }
    const expected = String.fromCharCode(...output);
    const got = atob(input);
    assertEquals(got, expected, "atob");
    assertEquals(atob(btoa(got)), got, "atob(btoa(x))");
  });
}

report([suite]);
