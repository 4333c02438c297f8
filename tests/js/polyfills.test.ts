// The ES2023+ built-ins ts-lib/polyfills.ts installs on V8 10.2, checked
// against their spec semantics (cases modelled on test262's).
import { assert, assertEquals, assertRejects, assertThrows, run, test } from "./assert.ts";

// Typed loosely: lib.es2022 does not declare most of these.
const A = Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
const any = (v: unknown) => v as any;

test("installed non-enumerable like built-ins", () => {
  for (const [obj, name] of [
    [Array.prototype, "toSorted"], [Array.prototype, "with"], [Object, "groupBy"], [Map, "groupBy"],
    [Promise, "withResolvers"], [Set.prototype, "union"], [Array, "fromAsync"], [ArrayBuffer.prototype, "transfer"],
    [String.prototype, "isWellFormed"], [globalThis, "Iterator"],
  ] as [object, string][]) {
    const d = Object.getOwnPropertyDescriptor(obj, name);
    assert(d !== undefined, name);
    assertEquals([d!.enumerable, d!.configurable], [false, true], name);
  }
  assertEquals(A.toSpliced!.length, 2);
  assertEquals(A.with!.name, "with");
  assertThrows(() => new (A.toSorted as unknown as new () => unknown)(), TypeError);
});

test("Array change-by-copy methods", () => {
  const a = [3, 1, 2];
  assertEquals(any(a).toSorted(), [1, 2, 3]);
  assertEquals(a, [3, 1, 2], "original untouched");
  assertEquals(any(a).toSorted((x: number, y: number) => y - x), [3, 2, 1]);
  assertEquals(any(a).toReversed(), [2, 1, 3]);
  assertEquals(any(a).with(-1, 9), [3, 1, 9]);
  assertThrows(() => any(a).with(3, 0), RangeError);
  assertEquals(any([1, 2, 3, 4]).toSpliced(1, 2, "x"), [1, "x", 4]);
  assertEquals(any([1, 2, 3]).toSpliced(1), [1]);
  assertEquals(any([1, 2, 3]).toSpliced(), [1, 2, 3]);
  // Holes read as undefined.
  assertEquals(any([1, , 3]).toReversed(), [3, undefined, 1]);
  assertEquals(any([, 2, undefined, 1]).toSorted(), [1, 2, undefined, undefined]);
  assertThrows(() => any([]).toSorted("nope"), TypeError);
  // Generic over array-likes.
  assertEquals(A.toReversed!.call({ length: 2, 0: "a", 1: "b" }), ["b", "a"]);
  assertThrows(() => A.toReversed!.call({ length: 2 ** 32 }), RangeError);
  assertEquals(any([1, 2, 3]).findLast((x: number) => x < 3), 2);
  assertEquals(any([1, 2, 3]).findLastIndex((x: number) => x > 5), -1);
});

test("TypedArray change-by-copy methods", () => {
  const t = new Uint8Array([3, 1, 2]);
  const sorted = any(t).toSorted();
  assert(sorted instanceof Uint8Array);
  assertEquals([...sorted], [1, 2, 3]);
  assertEquals([...any(t).toReversed()], [2, 1, 3]);
  assertEquals([...any(t).with(0, 7)], [7, 1, 2]);
  assertThrows(() => any(t).with(5, 1), RangeError);
  assertEquals([...any(new BigInt64Array([1n])).with(0, 5n)], [5n]);
  assertThrows(() => any(new BigInt64Array([1n])).with(0, 5), TypeError);
  assertEquals([...any(new Float64Array([10, 9, 1])).toSorted()], [1, 9, 10], "numeric sort");
  assertThrows(() => (Object.getPrototypeOf(Int8Array.prototype) as any).toReversed.call([1]), TypeError);
});

test("Object.groupBy and Map.groupBy", () => {
  const g = any(Object).groupBy([1, 2, 3, 4], (x: number) => (x % 2 ? "odd" : "even"));
  assertEquals(Object.getPrototypeOf(g), null);
  assertEquals({ ...g }, { odd: [1, 3], even: [2, 4] });
  const m = any(Map).groupBy([-0, 0, 1], (x: number) => x);
  assertEquals([...m.keys()], [0, 1]);
  assert(Object.is(m.keys().next().value, 0), "-0 normalised");
  assertThrows(() => any(Object).groupBy(null, () => 1), TypeError);
  let closed = false;
  const it = { [Symbol.iterator]() { return { next: () => ({ value: 1, done: false }), return() { closed = true; return {}; } }; } };
  assertThrows(() => any(Object).groupBy(it, () => { throw new Error("x"); }), Error);
  assert(closed, "iterator closed on abrupt completion");
});

test("Promise.withResolvers and Promise.try", async () => {
  const { promise, resolve } = any(Promise).withResolvers();
  resolve(5);
  assertEquals(await promise, 5);
  class MyPromise extends Promise<unknown> {}
  assert(any(MyPromise).withResolvers().promise instanceof MyPromise);
  assertThrows(() => any(Promise).withResolvers.call(undefined), TypeError);
  assertEquals(await any(Promise).try((a: number, b: number) => a + b, 1, 2), 3);
  await assertRejects(() => any(Promise).try(() => { throw new Error("sync"); }), Error, "sync");
});

test("Set methods", () => {
  const s = new Set([1, 2, 3]);
  const o = new Set([3, 4]);
  assertEquals([...any(s).union(o)], [1, 2, 3, 4]);
  assertEquals([...any(s).intersection(o)], [3]);
  assertEquals([...any(s).difference(o)], [1, 2]);
  assertEquals([...any(s).symmetricDifference(o)], [1, 2, 4]);
  assert(any(new Set([1])).isSubsetOf(s));
  assert(any(s).isSupersetOf(new Set([2, 3])));
  assert(any(s).isDisjointFrom(new Set([9])));
  assert(!any(s).isDisjointFrom(o));
  // Set-like arguments: size, has, keys.
  const setLike = { size: 2, has: (x: number) => x === 1 || x === 9, keys: () => [1, 9][Symbol.iterator]() };
  assertEquals([...any(s).union(setLike)], [1, 2, 3, 9]);
  assertEquals([...any(s).intersection(setLike)], [1]);
  assertThrows(() => any(s).union([1]), TypeError, undefined);
  assertThrows(() => any(s).union({ size: -1, has() {}, keys() {} }), RangeError);
  assertThrows(() => any(s).union({ size: NaN, has() {}, keys() {} }), TypeError);
  assertThrows(() => any(Set.prototype).union.call([], s), TypeError);
});

test("Array.fromAsync", async () => {
  async function* gen() {
    yield 1;
    yield 2;
  }
  assertEquals(await any(Array).fromAsync(gen()), [1, 2]);
  assertEquals(await any(Array).fromAsync([Promise.resolve(3), 4], (x: number) => x * 2), [6, 8]);
  assertEquals(await any(Array).fromAsync({ length: 2, 0: "a", 1: Promise.resolve("b") }), ["a", "b"]);
  await assertRejects(() => any(Array).fromAsync([1], "nope"), TypeError);
});

test("ArrayBuffer.prototype.transfer and detached", () => {
  const view = new Uint8Array([1, 2, 3]);
  const b = view.buffer;
  const t = any(b).transfer(5);
  assertEquals(t.byteLength, 5);
  assertEquals([...new Uint8Array(t)], [1, 2, 3, 0, 0]);
  // The source is detached: no length, its views empty, no second transfer.
  assertEquals([any(b).detached, b.byteLength, view.length], [true, 0, 0]);
  assertThrows(() => any(b).transfer(), TypeError);
  assertEquals(any(new Uint8Array(4).buffer).transferToFixedLength(2).byteLength, 2);
  assertEquals(any(new ArrayBuffer(0)).detached, false);
  assertThrows(() => any(ArrayBuffer.prototype).transfer.call({}), TypeError);
});

test("String.prototype.isWellFormed / toWellFormed", () => {
  assert(any("abc😀").isWellFormed());
  assert(!any("a\uD800").isWellFormed());
  assertEquals(any("a\uD800b\uDC00").toWellFormed(), "a\uFFFDb\uFFFD");
  assertThrows(() => any(String.prototype).isWellFormed.call(null), TypeError);
});

test("Iterator helpers", () => {
  function* nat() {
    for (let i = 0; ; i++) yield i;
  }
  const I = (globalThis as any).Iterator;
  assert(typeof I === "function");
  assertThrows(() => new I(), TypeError);
  assert(nat() instanceof I);
  assertEquals(any(nat()).map((x: number) => x * 2).filter((x: number) => x % 3 === 0).take(3).toArray(), [0, 6, 12]);
  assertEquals(any(nat()).drop(5).take(2).toArray(), [5, 6]);
  assertEquals(any([1, 2].values()).flatMap((x: number) => [x, x]).toArray(), [1, 1, 2, 2]);
  assertEquals(any([1, 2, 3].values()).reduce((a: number, b: number) => a + b), 6);
  assertEquals(any([1, 2, 3].values()).reduce((a: number, b: number) => a + b, 10), 16);
  assertThrows(() => any([].values()).reduce((a: number) => a), TypeError);
  assert(any(nat()).some((x: number) => x > 3));
  assert(!any([1, 2].values()).every((x: number) => x > 1));
  assertEquals(any(nat()).find((x: number) => x > 2), 3);
  const seen: number[] = [];
  any([1, 2].values()).forEach((x: number) => seen.push(x));
  assertEquals(seen, [1, 2]);
  assertEquals(Object.prototype.toString.call(any(nat()).map((x: number) => x)), "[object Iterator Helper]");
  assertThrows(() => any(nat()).take(-1), RangeError);
  assertThrows(() => any(nat()).map(1), TypeError);
});

test("Iterator helpers close the underlying iterator", () => {
  let closed = 0;
  const make = () => ({
    i: 0,
    next() { return { value: this.i++, done: false }; },
    return() { closed++; return { done: true }; },
    __proto__: (globalThis as any).Iterator.prototype,
  });
  any(make()).take(1).toArray(); // take reaching its limit closes
  assertEquals(closed, 1);
  const h = any(make()).map((x: number) => x);
  h.next();
  h.return();
  assertEquals(closed, 2);
  any(make()).map((x: number) => x).return(); // not started: still closes
  assertEquals(closed, 3);
  assert(any(make()).some((x: number) => x === 2));
  assertEquals(closed, 4);
});

test("Iterator.from wraps iterables and iterator-likes", () => {
  const I = (globalThis as any).Iterator;
  assertEquals(I.from([1, 2]).map((x: number) => x + 1).toArray(), [2, 3]);
  let n = 0;
  const plain = { next: () => (n < 2 ? { value: n++, done: false } : { value: undefined, done: true }) };
  const wrapped = I.from(plain);
  assert(wrapped instanceof I);
  assertEquals(wrapped.toArray(), [0, 1]);
  assertEquals(I.from("ab").toArray(), ["a", "b"]);
  assertThrows(() => I.from(5), TypeError);
});

await run();
