// Runs WPT's URL data against the URL global: urltestdata.json as
// url-constructor.any.js / url-origin.any.js do, and setters_tests.json as
// url-setters.any.js does. Every case runs; see wpt_harness.ts for output.

import urlData from "../wpt/urltestdata.json";
import settersData from "../wpt/setters_tests.json";
import known from "../wpt/url_known_failures.json";
import { Suite, assertEquals, assertThrows, report } from "./wpt_harness.ts";

type UrlCase = {
  input: string;
  base: string | null;
  failure?: boolean;
  relativeTo?: string;
  [component: string]: unknown;
};

const COMPONENTS = ["href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"] as const;

const urlSuite = new Suite("url", known.url);
for (const c of urlData as unknown[]) {
  if (typeof c === "string") continue; // section comments
  const t = c as UrlCase;
  const id = t.base === null ? `<${t.input}>` : `<${t.input}> against <${t.base}>`;
  urlSuite.test(id, () => {
    const make = () => (t.base === null ? new URL(t.input) : new URL(t.input, t.base));
    if (t.failure) {
      assertThrows(TypeError, make);
      assertEquals(t.base === null ? URL.canParse(t.input) : URL.canParse(t.input, t.base), false, "URL.canParse");
      assertEquals(t.base === null ? URL.parse(t.input) : URL.parse(t.input, t.base), null, "URL.parse");
      return;
    }
    const url = make();
    for (const k of COMPONENTS) assertEquals(url[k], t[k], k);
    if ("origin" in t) assertEquals(url.origin, t.origin, "origin");
    if ("searchParams" in t) assertEquals(url.searchParams.toString(), t.searchParams, "searchParams");
    assertEquals(url.toString(), t.href, "toString()");
    assertEquals(url.toJSON(), t.href, "toJSON()");
    assertEquals(t.base === null ? URL.canParse(t.input) : URL.canParse(t.input, t.base), true, "URL.canParse");
  });
}

type SetterCase = { href: string; new_value: string; expected: Record<string, string>; comment?: string };
const settersSuite = new Suite("setters", known.setters);
for (const [setter, cases] of Object.entries(settersData as Record<string, unknown>)) {
  if (setter === "comment") continue;
  for (const t of cases as SetterCase[]) {
    settersSuite.test(`<${t.href}> set ${setter} to <${t.new_value}>`, () => {
      const url = new URL(t.href);
      (url as unknown as Record<string, string>)[setter] = t.new_value;
      for (const [k, v] of Object.entries(t.expected)) {
        assertEquals((url as unknown as Record<string, string>)[k], v, k);
      }
    });
  }
}

report([urlSuite, settersSuite]);
// A listed case that passes means the list is stale: fail, so that it is
// kept to exactly the cases that fail (report() only prints them).
const stale = [...urlSuite.fixedKnown, ...settersSuite.fixedKnown];
if (stale.length > 0) throw new Error(`${stale.length} known URL failure(s) now pass: remove them from tests/wpt/url_known_failures.json`);
