// node:util: promisify, callbackify, inherits, deprecate, isDeepStrictEqual, types, parseArgs.
import util, { promisify, callbackify, inherits, isDeepStrictEqual, types, parseArgs } from "node:util";
import utilTypes from "node:util/types";

function cbStyle(a, b, cb) {
  setTimeout(() => (a < 0 ? cb(new Error("negative")) : cb(null, a + b)), 1);
}
const p = promisify(cbStyle);
console.log(await p(1, 2));
console.log(await p(-1, 2).catch((e) => `rejected ${e.message}`));
function withCustom() {}
withCustom[promisify.custom] = () => Promise.resolve("custom!");
console.log(await promisify(withCustom)(), promisify(withCustom) === withCustom[promisify.custom], typeof promisify.custom);
const cbd = callbackify(async (x) => {
  if (x) return x * 2;
  throw null;
});
await new Promise((resolve) => cbd(21, (err, v) => (console.log("callbackify", err, v), resolve())));
await new Promise((resolve) => cbd(0, (err) => (console.log("callbackify falsy", err.code, err.message, err.reason), resolve())));
console.log(cbd.name, cbd.length);

function Animal(name) {
  this.name = name;
}
Animal.prototype.speak = function () {
  return `${this.name} speaks`;
};
function Dog(name) {
  Animal.call(this, name);
}
inherits(Dog, Animal);
console.log(new Dog("rex").speak(), Dog.super_ === Animal, new Dog("x") instanceof Animal);

const eq = [
  [{ a: [1, 2, { b: 3 }] }, { a: [1, 2, { b: 3 }] }], [{ a: 1 }, { a: "1" }], [[1, 2], [2, 1]], [new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])],
  [new Set([1, 2]), new Set([2, 1])], [new Set([{ a: 1 }]), new Set([{ a: 1 }])], [0, -0], [NaN, NaN], [new Date(1), new Date(1)],
  [new Date(1), new Date(2)], [/a/g, /a/g], [/a/g, /a/i], [Object.create(null), {}], [new Uint8Array([1]), new Uint8Array([1])],
  [new Uint8Array([1]), new Int8Array([1])], [[1, , 3], [1, undefined, 3]], [{ a: undefined }, {}], [new Error("x"), new Error("x")],
  [new Number(1), new Number(1)], [{ [Symbol.for("s")]: 1 }, { [Symbol.for("s")]: 2 }],
];
const show = (v) => (v instanceof Error ? `Error(${v.message})` : util.inspect(v));
for (const [a, b] of eq) console.log("deepStrictEqual", show(a), show(b), isDeepStrictEqual(a, b));

const samples = { date: new Date(), regexp: /x/, map: new Map(), set: new Set(), promise: Promise.resolve(), u8: new Uint8Array(1),
  f64: new Float64Array(1), ab: new ArrayBuffer(1), dv: new DataView(new ArrayBuffer(1)), err: new RangeError("x"),
  asyncFn: async () => {}, genFn: function* () {}, gen: (function* () {})(), boxed: new String("s"), plain: {}, arr: [],
  weak: new WeakMap(), mapIter: new Map().keys(), args: (function () { return arguments; })(), fake: { [Symbol.toStringTag]: "Date" } };
const checks = ["isDate", "isRegExp", "isMap", "isSet", "isPromise", "isTypedArray", "isUint8Array", "isFloat64Array", "isArrayBuffer",
  "isAnyArrayBuffer", "isDataView", "isArrayBufferView", "isNativeError", "isAsyncFunction", "isGeneratorFunction", "isGeneratorObject",
  "isBoxedPrimitive", "isStringObject", "isWeakMap", "isMapIterator", "isArgumentsObject"];
for (const [name, v] of Object.entries(samples)) {
  console.log(name, checks.filter((c) => types[c](v)).join(","));
}
console.log(utilTypes.isDate === types.isDate || typeof utilTypes.isDate === "function");

const parsed = parseArgs({
  args: ["-f", "--bar", "b", "pos", "--list=1", "--list", "2", "-vx", "--", "--after"],
  options: { foo: { type: "boolean", short: "f" }, bar: { type: "string" }, list: { type: "string", multiple: true },
    verbose: { type: "boolean", short: "v" }, x: { type: "boolean" }, def: { type: "string", default: "dflt" } },
  allowPositionals: true,
});
console.log(JSON.stringify(parsed.values), JSON.stringify(parsed.positionals));
for (const bad of [["--nope"], ["--bar"], ["pos"]]) {
  try {
    parseArgs({ args: bad, options: { bar: { type: "string" } } });
  } catch (e) {
    console.log(e.code, e.message);
  }
}
const dep = util.deprecate(() => "still works", "old() is deprecated", "DEP_TEST");
console.log(dep(), dep());
console.log(util.isArray([]), util.types === types, typeof util.TextEncoder, typeof util.debuglog("x"), util.debuglog("x").enabled);
console.log(util.getSystemErrorName(-2), util.getSystemErrorName(-13), util.stripVTControlCharacters("\u001b[31mred\u001b[39m"));
console.log(util.toUSVString("a\ud800b"));
