// node:util format and inspect: what console.log shows, for common values.
import util, { format, inspect } from "node:util";

console.log(format("%s %d %i %f %j %o %O %%", "s", 42.5, 42.5, "3.5", { a: 1 }, [1], { b: 2 }));
console.log(format("%s", null), format("%s", undefined), format("%s", 5n), format("%d", "x"), format("%s:%s", "only"));
console.log(format("no specifiers", 1, "two", { three: 3 }), format(1, 2), format(), format("%c styled", "color: red"));
console.log(format("%s", { toString() { return "custom"; } }), format("%s", [1, [2, [3]]]), format("%s", new Error("e").message));
const values = [1, -0, 1.5, NaN, Infinity, 10n, "str", "it's", 'say "hi"', true, null, undefined, Symbol("s"),
  [], [1, 2, 3], new Array(3), [undefined, null], {}, { a: 1, "b-c": 2, [Symbol("k")]: 3 }, { nested: { deeper: { deepest: { gone: 1 } } } },
  new Map([["k", "v"], [1, { x: 1 }]]), new Set([1, "a"]), new Date(0), /re+/gi, function named() {}, () => {},
  class Foo {}, new (class Bar { constructor() { this.x = 1; } })(), Object.create(null), new Uint8Array([1, 2]),
  new ArrayBuffer(3), Promise.resolve(4), new WeakMap(), [1, [2, [3, [4, [5]]]]], "a\nb", { "key with space": 1 },
  Array.from({ length: 120 }, (_, i) => i), "x".repeat(30), { f() {}, g: async () => {}, *h() {} }];
for (const v of values) console.log(inspect(v));
const circ = { name: "c" };
circ.self = circ;
console.log(inspect(circ), inspect({ a: { b: { c: { d: {} } } } }, { depth: 0 }), inspect({ a: { b: { c: {} } } }, { depth: Infinity }));
console.log(inspect("str", { compact: false }), inspect([1, 2], { compact: false }));
console.log(inspect({ z: 1, a: 2 }, { sorted: true }), inspect(Array.from({ length: 5 }, (_, i) => i), { maxArrayLength: 2 }));
console.log(inspect("a".repeat(20), { maxStringLength: 5 }), inspect({ a: 1, b: "two" }, { breakLength: 3 }));
class Custom {
  [util.inspect.custom](depth, opts) {
    return `Custom<${depth},${typeof opts.stylize}>`;
  }
}
console.log(inspect(new Custom()), inspect({ c: new Custom() }), util.inspect.custom === Symbol.for("nodejs.util.inspect.custom"));
const err = new TypeError("bad thing");
console.log(inspect(err).split("\n")[0], format("%s", err).split("\n")[0]);
console.log(inspect(new Error("with props", { cause: "why" })).split("\n")[0]);
console.log(inspect({ long: "x".repeat(70), other: 1 }));
console.log(inspect(new Map([[{ a: 1 }, new Set([[1, 2]])]])));
