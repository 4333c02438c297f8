// node:assert and node:assert/strict: what passes, what throws, and the error's fields.
import assert, { AssertionError } from "node:assert";
import strict from "node:assert/strict";

const attempt = (name, fn) => {
  try {
    fn();
    console.log(name, "passed");
  } catch (e) {
    console.log(name, e.name, e.code, e instanceof AssertionError, e.operator, e.generatedMessage, JSON.stringify(e.actual), JSON.stringify(e.expected));
  }
};
attempt("ok", () => assert(1));
attempt("ok false", () => assert(0));
attempt("ok message", () => assert.ok(false, "custom message"));
attempt("equal loose", () => assert.equal(1, "1"));
attempt("equal fails", () => assert.equal(1, 2));
attempt("strict equal via strict", () => strict.equal(1, "1"));
attempt("strictEqual", () => assert.strictEqual(NaN, NaN));
attempt("notStrictEqual", () => assert.notStrictEqual(1, 1));
attempt("deepEqual loose", () => assert.deepEqual({ a: 1 }, { a: "1" }));
attempt("deepStrictEqual", () => assert.deepStrictEqual({ a: [1, 2] }, { a: [1, 2] }));
attempt("deepStrictEqual fails", () => assert.deepStrictEqual({ a: 1 }, { a: "1" }));
attempt("notDeepStrictEqual", () => assert.notDeepStrictEqual([1], [1]));
attempt("throws", () => assert.throws(() => { throw new TypeError("x"); }, TypeError));
attempt("throws regexp", () => assert.throws(() => { throw new Error("abc"); }, /b/));
attempt("throws object", () => assert.throws(() => { throw new RangeError("r"); }, { name: "RangeError", message: "r" }));
attempt("throws missing", () => assert.throws(() => {}));
attempt("doesNotThrow", () => assert.doesNotThrow(() => {}));
attempt("doesNotThrow fails", () => assert.doesNotThrow(() => { throw new Error("oops"); }));
attempt("match", () => assert.match("hello", /ell/));
attempt("match fails", () => assert.match("hello", /xyz/));
attempt("ifError null", () => assert.ifError(null));
attempt("ifError", () => assert.ifError(new Error("cb error")));
attempt("fail", () => assert.fail("boom"));
attempt("message Error", () => assert.strictEqual(1, 2, new RangeError("mine")));
console.log(assert.strict === strict, strict.strict === strict, typeof assert.rejects);
await assert.rejects(Promise.reject(new Error("no")), /no/).then(() => console.log("rejects passed"));
await assert.rejects(Promise.resolve(1)).catch((e) => console.log("rejects failed", e.code, e.message));
await assert.doesNotReject(async () => 1).then(() => console.log("doesNotReject passed"));
const err = new AssertionError({ actual: 1, expected: 2, operator: "strictEqual" });
console.log(err.name, err.code, err.actual, err.expected, err.operator);
try {
  assert.strictEqual(1, 2);
} catch (e) {
  console.log(JSON.stringify(e.message));
}
try {
  assert.ok(false);
} catch (e) {
  console.log(e.message.split("\n")[0]);
}
