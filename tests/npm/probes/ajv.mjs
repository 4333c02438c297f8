import Ajv from "ajv";
const ajv = new Ajv.default({ allErrors: true });
const validate = ajv.compile({ type: "object", properties: { n: { type: "integer", minimum: 1 }, s: { type: "string" } }, required: ["n"] });
console.log("ajv", validate({ n: 3, s: "x" }), validate({ n: 0, s: 1 }), JSON.stringify(validate.errors.map((e) => [e.instancePath, e.keyword])));
