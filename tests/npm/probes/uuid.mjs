// uuid: a dual package (its "exports" give node's ESM and CommonJS builds
// by the import and require conditions). v4 and v7 are random: their
// format is printed; v3 and v5 are deterministic and printed in full.
import { createRequire } from "node:module";
import { v1, v3, v4, v5, v7, validate, version, parse, stringify, NIL, MAX } from "uuid";

const require = createRequire(import.meta.url);
const cjs = require("uuid");
const shape = (id) =>
  `${/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)} v${version(id)}`;
const many = new Set(Array.from({ length: 1000 }, () => v4()));
console.log("v4", shape(v4()), many.size, shape(cjs.v4()));
console.log("v7", shape(v7()), v7() < v7() || "same-ms", shape(v1()));
console.log("v5", v5("hello", v5.DNS), v5("https://howth.dev/", v5.URL));
// Two builds: the require condition gives the CommonJS one.
console.log("dual", cjs.v4 === v4, typeof cjs.v4);
console.log("v5 cjs", cjs.v5("hello", cjs.v5.DNS) === v5("hello", v5.DNS));
console.log("v3", v3("hello", v3.DNS));
const bytes = parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
console.log("parse", bytes.constructor.name, Array.from(bytes).join(","), stringify(bytes));
console.log("validate", validate(NIL), validate(MAX), validate("nope"), validate(v4()));
const fixed = v4({ random: Uint8Array.from({ length: 16 }, (_, i) => i * 7) });
console.log("v4 from bytes", fixed);
try {
  parse("not-a-uuid");
} catch (e) {
  console.log("error", e.constructor.name, e.message);
}
