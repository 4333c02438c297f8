// CommonJS packages through the CommonJS loader: ajv (about a hundred
// CommonJS files, required from one another) and lodash (one 540 KB file),
// each imported by an ES module (facades with named exports).
import Ajv from "ajv";
import _ from "lodash";

const validate = new Ajv.default().compile({ type: "object", properties: { n: { type: "integer" } } });
if (!validate({ n: 1 }) || _.chunk([1, 2, 3], 2).length !== 2) throw new Error("commonjs");
