// Howth.inspect (what console.log prints for non-strings). Every expected
// string here is what Node's util.inspect prints for the same value.
import { assertEquals, assertMatch, test, run } from "./assert.ts";

const inspect = Howth.inspect;

test("primitives", () => {
  assertEquals(inspect("str"), "'str'");
  assertEquals(inspect("it's"), `"it's"`);
  assertEquals(inspect(`both ' and "`), "`both ' and \"`");
  assertEquals(inspect("line\nbreak"), "'line\\nbreak'");
  assertEquals(inspect(1), "1");
  assertEquals(inspect(-0), "-0");
  assertEquals(inspect(NaN), "NaN");
  assertEquals(inspect(10n), "10n");
  assertEquals(inspect(true), "true");
  assertEquals(inspect(undefined), "undefined");
  assertEquals(inspect(null), "null");
  assertEquals(inspect(Symbol("s")), "Symbol(s)");
});

test("arrays and objects", () => {
  assertEquals(inspect([]), "[]");
  assertEquals(inspect([1, 2, 3]), "[ 1, 2, 3 ]");
  assertEquals(inspect({}), "{}");
  assertEquals(inspect({ a: 1, b: "x" }), "{ a: 1, b: 'x' }");
  assertEquals(inspect({ "a-b": 1, [Symbol("k")]: 2 }), "{ 'a-b': 1, [Symbol(k)]: 2 }");
  assertEquals(inspect([1, , , 4]), "[ 1, <2 empty items>, 4 ]");
  const extra: number[] & { foo?: string } = [1, 2];
  extra.foo = "bar";
  assertEquals(inspect(extra), "[ 1, 2, foo: 'bar' ]");
  assertEquals(inspect([undefined, null]), "[ undefined, null ]");
});

test("depth limit and circular references", () => {
  assertEquals(inspect({ a: { b: { c: { d: 1 } } } }), "{ a: { b: { c: [Object] } } }");
  assertEquals(inspect([[1, [2, [3, [4]]]]]), "[ [ 1, [ 2, [Array] ] ] ]");
  const circ: Record<string, unknown> = { a: 1 };
  circ.self = circ;
  assertEquals(inspect(circ), "<ref *1> { a: 1, self: [Circular *1] }");
  assertEquals(inspect({ a: { b: { c: { d: 1 } } } }, { depth: 0 }), "{ a: [Object] }");
  assertEquals(inspect({ a: { b: { c: { d: 1 } } } }, { depth: Infinity }), "{\n  a: { b: { c: { d: 1 } } }\n}");
});

test("class instances, null prototypes, getters", () => {
  class Foo {
    x = 1;
    y = "two";
  }
  class Empty {}
  assertEquals(inspect(new Foo()), "Foo { x: 1, y: 'two' }");
  assertEquals(inspect(new Empty()), "Empty {}");
  const np = Object.create(null);
  np.a = 1;
  assertEquals(inspect(np), "[Object: null prototype] { a: 1 }");
  assertEquals(
    inspect({ get g() { return 1; }, set s(_v: number) {} }),
    "{ g: [Getter], s: [Setter] }",
  );
});

test("Map, Set, Date, RegExp, boxed", () => {
  assertEquals(inspect(new Map([["a", 1]])), "Map(1) { 'a' => 1 }");
  assertEquals(inspect(new Map()), "Map(0) {}");
  assertEquals(inspect(new Set([1, "two"])), "Set(2) { 1, 'two' }");
  assertEquals(inspect(new Date(0)), "1970-01-01T00:00:00.000Z");
  assertEquals(inspect(new Date(NaN)), "Invalid Date");
  assertEquals(inspect(/ab+c/gi), "/ab+c/gi");
  assertEquals(inspect(new Number(3)), "[Number: 3]");
  assertEquals(inspect(new String("b")), "[String: 'b']");
  assertEquals(inspect(new WeakMap()), "WeakMap { <items unknown> }");
});

test("functions and classes", () => {
  assertEquals(inspect(function foo() {}), "[Function: foo]");
  assertEquals(inspect(() => {}), "[Function (anonymous)]");
  assertEquals(inspect(async function af() {}), "[AsyncFunction: af]");
  assertEquals(inspect(function* gen() {}), "[GeneratorFunction: gen]");
  class A {}
  class B extends A {}
  assertEquals(inspect(A), "[class A]");
  assertEquals(inspect(B), "[class B extends A]");
  const f = Object.assign(function named() {}, { prop: 1 });
  assertEquals(inspect(f), "[Function: named] { prop: 1 }");
});

test("typed arrays and buffers", () => {
  assertEquals(inspect(new Uint8Array([1, 2, 3])), "Uint8Array(3) [ 1, 2, 3 ]");
  assertEquals(inspect(new Float64Array(2)), "Float64Array(2) [ 0, 0 ]");
  assertEquals(inspect(new ArrayBuffer(2)), "ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }");
});

test("long arrays are truncated and grouped", () => {
  const big = Array.from({ length: 120 }, (_, i) => i);
  const out = inspect(big);
  assertMatch(out, /\.\.\. 20 more items\n\]$/);
  // Grouped in aligned columns, as in Node.
  assertEquals(out.split("\n")[1], "   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,");
});

test("lines break past 80 columns", () => {
  const o = { alpha: "aaaaaaaaaaaaaaa", beta: "bbbbbbbbbbbbbbbbbbb", gamma: "ccccccccccccccccccccc", delta: 12345 };
  assertEquals(
    inspect(o),
    "{\n  alpha: 'aaaaaaaaaaaaaaa',\n  beta: 'bbbbbbbbbbbbbbbbbbb',\n  gamma: 'ccccccccccccccccccccc',\n  delta: 12345\n}",
  );
});

test("errors print their stack, extra properties and cause", () => {
  const e = new Error("boom");
  const out = inspect(e);
  assertMatch(out, /^Error: boom\n    at /);
  const withCode = Object.assign(new Error("coded"), { code: "E_X" });
  assertMatch(inspect(withCode), /^Error: coded\n    at [^]*\{\n  code: 'E_X'\n\}$/);
  const outer = new Error("outer", { cause: new TypeError("inner") });
  assertMatch(inspect(outer), /^Error: outer\n    at [^]*\[cause\]: TypeError: inner\n      at /);
  class MyError extends Error {}
  assertMatch(inspect(new MyError("m")), /^MyError: m\n/);
  const noStack = new Error("plain");
  noStack.stack = undefined;
  assertEquals(inspect(noStack), "[Error: plain]");
});

test("stack frames are V8-style and point at this TypeScript file", () => {
  const stack = new Error("here").stack!;
  const frame = stack.split("\n")[1];
  assertMatch(frame, /^    at .*core_format\.test\.ts:\d+:\d+\)?$/);
  // The line is this file's line (source-mapped), not the compiled JS line.
  const line = Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
  assertEquals(line, 125);
});

test("custom inspect", () => {
  const o = { [Symbol.for("nodejs.util.inspect.custom")]: () => "CUSTOM" };
  assertEquals(inspect({ inner: o }), "{ inner: CUSTOM }");
});

test("web classes print readably", () => {
  assertEquals(inspect(new Headers({ "Content-Type": "text/plain", "X-A": "1" })), "Headers { 'content-type': 'text/plain', 'x-a': '1' }");
  assertMatch(inspect(new Response("hi", { status: 201 })), /^Response \{[^]*status: 201/);
});

await run();
