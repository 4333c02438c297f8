// ECMAScript built-ins newer than V8 10.2 (ES2023-ES2025), installed only
// where missing, as non-enumerable writable configurable properties like
// the built-ins they stand in for. Each follows its spec algorithm (core-js
// is the reference for semantics; this is separate code): argument checks
// in spec order, Get-based reads that see holes as undefined, -0 keys
// normalised, iterators closed on abrupt completion.
//
// ArrayBuffer.prototype.transfer copies and then detaches its source with
// the engine's detachArrayBuffer op (JS alone has no way to detach a buffer
// in V8 10.2); `detached` reports real detachment.

import { webOps } from "./web_ops.ts";

type AnyFn = (...args: any[]) => any;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

/** Installs `methods` on `target` where absent, non-enumerable like built-ins. */
function install(target: object, methods: Record<string, unknown>): void {
  for (const name of Object.keys(methods)) {
    if (Object.prototype.hasOwnProperty.call(target, name)) continue;
    const d = Object.getOwnPropertyDescriptor(methods, name)!;
    Object.defineProperty(target, name, {
      value: d.value,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
}

function installGetter(target: object, name: string, get: () => unknown): void {
  if (Object.prototype.hasOwnProperty.call(target, name)) return;
  Object.defineProperty(target, name, { get, enumerable: false, configurable: true });
}

function toIntegerOrInfinity(v: unknown): number {
  const n = Number(v);
  if (Number.isNaN(n) || n === 0) return 0;
  return Math.trunc(n);
}

function toObject(v: unknown, where: string): object {
  if (v === null || v === undefined) throw new TypeError(`${where} called on null or undefined`);
  return Object(v) as object;
}

function lengthOfArrayLike(o: object): number {
  const len = toIntegerOrInfinity((o as { length?: unknown }).length);
  return len <= 0 ? 0 : Math.min(len, MAX_SAFE);
}

function isCallable(v: unknown): v is AnyFn {
  return typeof v === "function";
}

function isObject(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

function isConstructor(f: unknown): boolean {
  if (typeof f !== "function") return false;
  try {
    // Reflect.construct checks newTarget is a constructor without calling it.
    Reflect.construct(String, [], f);
    return true;
  } catch {
    return false;
  }
}

function arrayCreate(len: number): unknown[] {
  if (len > MAX_ARRAY_LENGTH) throw new RangeError("Invalid array length");
  return new Array(len);
}

function createDataProperty(o: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

// ---- Array.prototype (change array by copy, ES2023) ------------------------

const arrayMethods = {
  toReversed(this: unknown): unknown[] {
    const o = toObject(this, "Array.prototype.toReversed") as Record<number, unknown>;
    const len = lengthOfArrayLike(o);
    const a = arrayCreate(len);
    for (let k = 0; k < len; k++) a[k] = o[len - k - 1];
    return a;
  },

  toSorted(this: unknown, comparefn: unknown): unknown[] {
    if (comparefn !== undefined && !isCallable(comparefn)) {
      throw new TypeError("Array.prototype.toSorted: the comparison function must be a function or undefined");
    }
    const o = toObject(this, "Array.prototype.toSorted") as Record<number, unknown>;
    const len = lengthOfArrayLike(o);
    const a = arrayCreate(len);
    for (let k = 0; k < len; k++) a[k] = o[k];
    // A dense copy: the built-in sort is stable and puts undefined last, as
    // SortIndexedProperties with holes read as undefined requires.
    return Array.prototype.sort.call(a, comparefn as (x: unknown, y: unknown) => number);
  },

  toSpliced(this: unknown, start: unknown, skipCount: unknown, ...items: unknown[]): unknown[] {
    const o = toObject(this, "Array.prototype.toSpliced") as Record<number, unknown>;
    const len = lengthOfArrayLike(o);
    const relStart = toIntegerOrInfinity(start);
    const actualStart = relStart === -Infinity ? 0 : relStart < 0 ? Math.max(len + relStart, 0) : Math.min(relStart, len);
    let actualSkip: number;
    if (arguments.length === 0) actualSkip = 0;
    else if (arguments.length === 1) actualSkip = len - actualStart;
    else actualSkip = Math.min(Math.max(toIntegerOrInfinity(skipCount), 0), len - actualStart);
    const newLen = len + items.length - actualSkip;
    if (newLen > MAX_SAFE) throw new TypeError("Array.prototype.toSpliced: the result would be too long");
    const a = arrayCreate(newLen);
    let i = 0;
    let r = actualStart + actualSkip;
    for (; i < actualStart; i++) a[i] = o[i];
    for (const item of items) a[i++] = item;
    for (; i < newLen; i++, r++) a[i] = o[r];
    return a;
  },

  with(this: unknown, index: unknown, value: unknown): unknown[] {
    const o = toObject(this, "Array.prototype.with") as Record<number, unknown>;
    const len = lengthOfArrayLike(o);
    const rel = toIntegerOrInfinity(index);
    const actual = rel >= 0 ? rel : len + rel;
    if (actual >= len || actual < 0) throw new RangeError("Array.prototype.with: index out of range");
    const a = arrayCreate(len);
    for (let k = 0; k < len; k++) a[k] = k === actual ? value : o[k];
    return a;
  },

  findLast(this: unknown, predicate: unknown, thisArg?: unknown): unknown {
    const o = toObject(this, "Array.prototype.findLast") as Record<number, unknown>;
    const len = lengthOfArrayLike(o);
    if (!isCallable(predicate)) throw new TypeError("Array.prototype.findLast: predicate is not a function");
    for (let k = len - 1; k >= 0; k--) {
      const v = o[k];
      if (predicate.call(thisArg, v, k, o)) return v;
    }
    return undefined;
  },

  findLastIndex(this: unknown, predicate: unknown, thisArg?: unknown): number {
    const o = toObject(this, "Array.prototype.findLastIndex") as Record<number, unknown>;
    const len = lengthOfArrayLike(o);
    if (!isCallable(predicate)) throw new TypeError("Array.prototype.findLastIndex: predicate is not a function");
    for (let k = len - 1; k >= 0; k--) {
      if (predicate.call(thisArg, o[k], k, o)) return k;
    }
    return -1;
  },
};

// ---- %TypedArray%.prototype --------------------------------------------------

type TA = { length: number; [i: number]: unknown; set(a: ArrayLike<unknown>): void };
type TACtor = new (len: number) => TA;

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;
const taTagGetter = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag)!.get!;
const taLengthGetter = Object.getOwnPropertyDescriptor(TypedArrayPrototype, "length")!.get!;
const taSort = (TypedArrayPrototype as { sort: AnyFn }).sort;
const TA_CTORS: Record<string, TACtor> = {};
for (const C of [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
]) {
  TA_CTORS[C.name] = C as unknown as TACtor;
}

/** ValidateTypedArray: the intrinsic constructor of a live typed array. */
function validateTypedArray(o: unknown, where: string): { ctor: TACtor; len: number; big: boolean } {
  const tag = taTagGetter.call(o) as string | undefined;
  if (tag === undefined) throw new TypeError(`${where}: this is not a typed array`);
  const ta = o as { buffer: ArrayBuffer };
  if (isDetached(ta.buffer)) throw new TypeError(`${where}: the typed array's buffer is detached`);
  return { ctor: TA_CTORS[tag]!, len: taLengthGetter.call(o) as number, big: tag.startsWith("Big") };
}

function toBigIntStrict(v: unknown): bigint {
  // ToBigInt, unlike BigInt(), refuses numbers.
  if (typeof v === "number") throw new TypeError(`Cannot convert ${v} to a BigInt`);
  return BigInt(v as string | boolean | bigint);
}

const typedArrayMethods = {
  toReversed(this: unknown): TA {
    const { ctor, len } = validateTypedArray(this, "%TypedArray%.prototype.toReversed");
    const o = this as TA;
    const a = new ctor(len);
    for (let k = 0; k < len; k++) a[k] = o[len - k - 1];
    return a;
  },

  toSorted(this: unknown, comparefn: unknown): TA {
    if (comparefn !== undefined && !isCallable(comparefn)) {
      throw new TypeError("%TypedArray%.prototype.toSorted: the comparison function must be a function or undefined");
    }
    const { ctor, len } = validateTypedArray(this, "%TypedArray%.prototype.toSorted");
    const o = this as TA;
    const a = new ctor(len);
    for (let k = 0; k < len; k++) a[k] = o[k];
    return taSort.call(a, comparefn) as TA;
  },

  with(this: unknown, index: unknown, value: unknown): TA {
    const { ctor, len, big } = validateTypedArray(this, "%TypedArray%.prototype.with");
    const o = this as TA;
    const rel = toIntegerOrInfinity(index);
    const actual = rel >= 0 ? rel : len + rel;
    const v = big ? toBigIntStrict(value) : Number(value);
    // IsValidIntegerIndex re-reads the length: the conversion may have
    // shrunk or detached the buffer.
    if (!(actual >= 0 && actual < (taLengthGetter.call(o) as number))) {
      throw new RangeError("%TypedArray%.prototype.with: index out of range");
    }
    const a = new ctor(len);
    for (let k = 0; k < len; k++) a[k] = k === actual ? v : o[k];
    return a;
  },

  findLast(this: unknown, predicate: unknown, thisArg?: unknown): unknown {
    const { len } = validateTypedArray(this, "%TypedArray%.prototype.findLast");
    if (!isCallable(predicate)) throw new TypeError("%TypedArray%.prototype.findLast: predicate is not a function");
    const o = this as TA;
    for (let k = len - 1; k >= 0; k--) {
      const v = o[k];
      if (predicate.call(thisArg, v, k, o)) return v;
    }
    return undefined;
  },

  findLastIndex(this: unknown, predicate: unknown, thisArg?: unknown): number {
    const { len } = validateTypedArray(this, "%TypedArray%.prototype.findLastIndex");
    if (!isCallable(predicate)) throw new TypeError("%TypedArray%.prototype.findLastIndex: predicate is not a function");
    const o = this as TA;
    for (let k = len - 1; k >= 0; k--) if (predicate.call(thisArg, o[k], k, o)) return k;
    return -1;
  },
};

// ---- grouping (ES2024) -----------------------------------------------------

function groupBy(items: unknown, callback: unknown, where: string, toKey: (k: unknown) => unknown): [unknown, unknown[]][] {
  if (items === null || items === undefined) throw new TypeError(`${where}: items is null or undefined`);
  if (!isCallable(callback)) throw new TypeError(`${where}: callback is not a function`);
  const groups = new Map<unknown, unknown[]>();
  let k = 0;
  // for-of closes the iterator if the callback throws (IteratorClose).
  for (const value of items as Iterable<unknown>) {
    const key = toKey(callback(value, k));
    k++;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(value);
  }
  return [...groups];
}

function toPropertyKey(v: unknown): string | symbol {
  return typeof v === "symbol" ? v : String(v);
}

const objectStatics = {
  groupBy(items: unknown, callback: unknown): Record<PropertyKey, unknown[]> {
    const out = Object.create(null) as Record<PropertyKey, unknown[]>;
    for (const [k, g] of groupBy(items, callback, "Object.groupBy", toPropertyKey)) {
      createDataProperty(out, k as PropertyKey, g);
    }
    return out;
  },
};

const mapStatics = {
  groupBy(items: unknown, callback: unknown): Map<unknown, unknown[]> {
    // Map keys normalise -0 to +0 (CanonicalizeKeyedCollectionKey).
    return new Map(groupBy(items, callback, "Map.groupBy", (k) => (k === 0 ? 0 : k)));
  },
};

// ---- Promise ---------------------------------------------------------------

function newPromiseCapability(C: unknown, where: string) {
  if (!isConstructor(C)) throw new TypeError(`${where}: this is not a constructor`);
  let resolve: unknown;
  let reject: unknown;
  const promise = new (C as PromiseConstructor)((res, rej) => {
    if (resolve !== undefined || reject !== undefined) throw new TypeError(`${where}: the executor was called twice`);
    resolve = res;
    reject = rej;
  });
  if (!isCallable(resolve) || !isCallable(reject)) throw new TypeError(`${where}: resolve or reject is not callable`);
  return { promise, resolve: resolve as (v?: unknown) => void, reject: reject as (e?: unknown) => void };
}

const promiseStatics = {
  withResolvers(this: unknown) {
    return newPromiseCapability(this, "Promise.withResolvers");
  },

  try(this: unknown, callbackfn: unknown, ...args: unknown[]): Promise<unknown> {
    if (!isObject(this)) throw new TypeError("Promise.try: this is not an object");
    const cap = newPromiseCapability(this, "Promise.try");
    try {
      cap.resolve((callbackfn as AnyFn)(...args));
    } catch (e) {
      cap.reject(e);
    }
    return cap.promise;
  },
};

// ---- Set methods (ES2025) --------------------------------------------------

const setSizeGetter = Object.getOwnPropertyDescriptor(Set.prototype, "size")!.get!;
const setHas = Set.prototype.has;
const setAdd = Set.prototype.add;
const setDelete = Set.prototype.delete;
const setValues = Set.prototype.values;
const setIteratorNext = Object.getPrototypeOf(new Set().values()).next as AnyFn;

interface SetRecord {
  set: object;
  size: number;
  has: AnyFn;
  keys: AnyFn;
}

function thisSetSize(o: unknown, where: string): number {
  try {
    return setSizeGetter.call(o) as number;
  } catch {
    throw new TypeError(`${where}: this is not a Set`);
  }
}

function getSetRecord(obj: unknown, where: string): SetRecord {
  if (!isObject(obj)) throw new TypeError(`${where}: the argument must be an object`);
  const rawSize = (obj as { size?: unknown }).size;
  const numSize = Number(rawSize);
  if (Number.isNaN(numSize)) throw new TypeError(`${where}: the argument's size is not a number`);
  const intSize = toIntegerOrInfinity(numSize);
  if (intSize < 0) throw new RangeError(`${where}: the argument's size is negative`);
  const has = (obj as { has?: unknown }).has;
  if (!isCallable(has)) throw new TypeError(`${where}: the argument's has is not a function`);
  const keys = (obj as { keys?: unknown }).keys;
  if (!isCallable(keys)) throw new TypeError(`${where}: the argument's keys is not a function`);
  return { set: obj, size: intSize, has, keys };
}

/**
 * GetIteratorFromMethod(rec.set, rec.keys) now (the spec calls keys()
 * before copying this set), then IteratorStepValue lazily.
 */
function keysOf(rec: SetRecord, where: string): Generator<unknown, void, undefined> {
  const it = rec.keys.call(rec.set) as unknown;
  if (!isObject(it)) throw new TypeError(`${where}: keys() did not return an object`);
  const next = (it as { next?: unknown }).next;
  return (function* () {
    let done = false;
    try {
      for (;;) {
        const r = (next as AnyFn).call(it) as unknown;
        if (!isObject(r)) throw new TypeError(`${where}: the iterator result is not an object`);
        if ((r as IteratorResult<unknown>).done) {
          done = true;
          return;
        }
        const v = (r as IteratorResult<unknown>).value;
        yield v === 0 ? 0 : v; // -0 → +0
      }
    } catch (e) {
      done = true; // the iterator's own error: no IteratorClose
      throw e;
    } finally {
      // Early exit by the consumer (isSupersetOf, isDisjointFrom): IteratorClose.
      if (!done) {
        const ret = (it as { return?: unknown }).return;
        if (ret !== undefined && ret !== null) (ret as AnyFn).call(it);
      }
    }
  })();
}

/** Iterates a Set's own data live (entries added meanwhile are visited). */
function* setData(o: object): Generator<unknown, void, undefined> {
  const it = setValues.call(o);
  for (;;) {
    const r = setIteratorNext.call(it) as IteratorResult<unknown>;
    if (r.done) return;
    yield r.value;
  }
}

function copySet(o: object): Set<unknown> {
  const out = new Set<unknown>();
  for (const v of setData(o)) setAdd.call(out, v);
  return out;
}

const setMethods = {
  union(this: unknown, other: unknown): Set<unknown> {
    thisSetSize(this, "Set.prototype.union");
    const rec = getSetRecord(other, "Set.prototype.union");
    const keys = keysOf(rec, "Set.prototype.union");
    const result = copySet(this as object);
    for (const v of keys) setAdd.call(result, v);
    return result;
  },

  intersection(this: unknown, other: unknown): Set<unknown> {
    thisSetSize(this, "Set.prototype.intersection");
    const rec = getSetRecord(other, "Set.prototype.intersection");
    // Sized after GetSetRecord: its getters may change this set.
    const size = setSizeGetter.call(this) as number;
    const result = new Set<unknown>();
    if (size <= rec.size) {
      for (const e of setData(this as object)) {
        if (rec.has.call(rec.set, e)) setAdd.call(result, e);
      }
    } else {
      for (const v of keysOf(rec, "Set.prototype.intersection")) {
        if (setHas.call(this, v)) setAdd.call(result, v);
      }
    }
    return result;
  },

  difference(this: unknown, other: unknown): Set<unknown> {
    thisSetSize(this, "Set.prototype.difference");
    const rec = getSetRecord(other, "Set.prototype.difference");
    // Sized after GetSetRecord: its getters may change this set.
    const size = setSizeGetter.call(this) as number;
    const result = copySet(this as object);
    if (size <= rec.size) {
      // Over the copy as it was: has() may change this set meanwhile.
      for (const e of Array.from(result)) {
        if (rec.has.call(rec.set, e)) setDelete.call(result, e);
      }
    } else {
      for (const v of keysOf(rec, "Set.prototype.difference")) setDelete.call(result, v);
    }
    return result;
  },

  symmetricDifference(this: unknown, other: unknown): Set<unknown> {
    thisSetSize(this, "Set.prototype.symmetricDifference");
    const rec = getSetRecord(other, "Set.prototype.symmetricDifference");
    const keys = keysOf(rec, "Set.prototype.symmetricDifference");
    const result = copySet(this as object);
    for (const v of keys) {
      if (setHas.call(this, v)) setDelete.call(result, v);
      else setAdd.call(result, v);
    }
    return result;
  },

  isSubsetOf(this: unknown, other: unknown): boolean {
    thisSetSize(this, "Set.prototype.isSubsetOf");
    const rec = getSetRecord(other, "Set.prototype.isSubsetOf");
    // Sized after GetSetRecord: its getters may change this set.
    const size = setSizeGetter.call(this) as number;
    if (size > rec.size) return false;
    for (const e of setData(this as object)) {
      if (!rec.has.call(rec.set, e)) return false;
    }
    return true;
  },

  isSupersetOf(this: unknown, other: unknown): boolean {
    thisSetSize(this, "Set.prototype.isSupersetOf");
    const rec = getSetRecord(other, "Set.prototype.isSupersetOf");
    // Sized after GetSetRecord: its getters may change this set.
    const size = setSizeGetter.call(this) as number;
    if (size < rec.size) return false;
    for (const v of keysOf(rec, "Set.prototype.isSupersetOf")) {
      if (!setHas.call(this, v)) return false;
    }
    return true;
  },

  isDisjointFrom(this: unknown, other: unknown): boolean {
    thisSetSize(this, "Set.prototype.isDisjointFrom");
    const rec = getSetRecord(other, "Set.prototype.isDisjointFrom");
    // Sized after GetSetRecord: its getters may change this set.
    const size = setSizeGetter.call(this) as number;
    if (size <= rec.size) {
      for (const e of setData(this as object)) {
        if (rec.has.call(rec.set, e)) return false;
      }
    } else {
      for (const v of keysOf(rec, "Set.prototype.isDisjointFrom")) {
        if (setHas.call(this, v)) return false;
      }
    }
    return true;
  },
};

// ---- Array.fromAsync (ES2026) ----------------------------------------------

const arrayStatics = {
  fromAsync(this: unknown, asyncItems: unknown, mapfn?: unknown, thisArg?: unknown): Promise<unknown> {
    const C = this;
    return (async () => {
      if (mapfn !== undefined && !isCallable(mapfn)) throw new TypeError("Array.fromAsync: mapfn is not a function");
      if (asyncItems === null || asyncItems === undefined) throw new TypeError("Array.fromAsync: items is null or undefined");
      const items = asyncItems as Record<symbol, unknown>;
      const usingAsync = items[Symbol.asyncIterator];
      const usingSync = usingAsync === undefined || usingAsync === null ? items[Symbol.iterator] : undefined;
      if ((usingAsync !== undefined && usingAsync !== null) || (usingSync !== undefined && usingSync !== null)) {
        const a = (isConstructor(C) ? new (C as new () => object)() : []) as Record<number, unknown>;
        let k = 0;
        // for await takes @@asyncIterator or wraps @@iterator exactly as
        // CreateAsyncFromSyncIterator does, and closes it on abrupt exits.
        for await (const value of asyncItems as AsyncIterable<unknown>) {
          if (k >= MAX_SAFE) throw new TypeError("Array.fromAsync: too many items");
          const mapped = mapfn !== undefined ? await (mapfn as AnyFn).call(thisArg, value, k) : value;
          createDataProperty(a, k, mapped);
          k++;
        }
        (a as { length: number }).length = k;
        return a;
      }
      const arrayLike = toObject(asyncItems, "Array.fromAsync") as Record<number, unknown>;
      const len = lengthOfArrayLike(arrayLike);
      const a = (isConstructor(C) ? new (C as new (n: number) => object)(len) : arrayCreate(len)) as Record<number, unknown>;
      for (let k = 0; k < len; k++) {
        const v = await arrayLike[k];
        const mapped = mapfn !== undefined ? await (mapfn as AnyFn).call(thisArg, v, k) : v;
        createDataProperty(a, k, mapped);
      }
      (a as { length: number }).length = len;
      return a;
    })();
  },
};

// ---- ArrayBuffer transfer (ES2024) -----------------------------------------

const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get!;

function isDetached(b: ArrayBuffer): boolean {
  if ((abByteLength.call(b) as number) !== 0) return false;
  try {
    // Constructing a view over a detached buffer throws; an empty one does not.
    new Uint8Array(b);
    return false;
  } catch {
    return true;
  }
}

function thisArrayBuffer(o: unknown, where: string): ArrayBuffer {
  try {
    abByteLength.call(o); // throws for non-ArrayBuffers and SharedArrayBuffers
  } catch {
    throw new TypeError(`${where}: this is not an ArrayBuffer`);
  }
  return o as ArrayBuffer;
}

function toIndex(v: unknown, where: string): number {
  if (v === undefined) return 0;
  const i = toIntegerOrInfinity(v);
  if (i < 0 || i > MAX_SAFE) throw new RangeError(`${where}: invalid length`);
  return i;
}

function transfer(this: unknown, newLength: unknown, where: string): ArrayBuffer {
  const o = thisArrayBuffer(this, where);
  const len = newLength === undefined ? (abByteLength.call(o) as number) : toIndex(newLength, where);
  if (isDetached(o)) throw new TypeError(`${where}: the ArrayBuffer is detached`);
  const out = new ArrayBuffer(len);
  const n = Math.min(len, abByteLength.call(o) as number);
  new Uint8Array(out).set(new Uint8Array(o, 0, n));
  // webOps is set at bootstrap, before any user code can call transfer.
  webOps?.detachArrayBuffer(o);
  return out;
}

const arrayBufferMethods = {
  transfer(this: unknown, newLength?: unknown): ArrayBuffer {
    return transfer.call(this, newLength, "ArrayBuffer.prototype.transfer");
  },
  transferToFixedLength(this: unknown, newLength?: unknown): ArrayBuffer {
    return transfer.call(this, newLength, "ArrayBuffer.prototype.transferToFixedLength");
  },
};

// ---- well-formed strings (ES2024) ------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function thisString(v: unknown, where: string): string {
  if (v === null || v === undefined) throw new TypeError(`${where} called on null or undefined`);
  return String(v);
}

const stringMethods = {
  isWellFormed(this: unknown): boolean {
    return !LONE_SURROGATE.test(thisString(this, "String.prototype.isWellFormed"));
  },
  toWellFormed(this: unknown): string {
    return thisString(this, "String.prototype.toWellFormed").replace(LONE_SURROGATES, "\uFFFD");
  },
};

// ---- iterator helpers (ES2025) ---------------------------------------------

const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;

interface IteratorRecord {
  iterator: object;
  next: unknown;
}

function getIteratorDirect(o: object): IteratorRecord {
  return { iterator: o, next: (o as { next?: unknown }).next };
}

/** IteratorStepValue: the next value, or DONE. */
const DONE: unique symbol = Symbol("done");
function step(rec: IteratorRecord): unknown {
  const r = (rec.next as AnyFn).call(rec.iterator) as unknown;
  if (!isObject(r)) throw new TypeError("Iterator result is not an object");
  if ((r as IteratorResult<unknown>).done) return DONE;
  return (r as IteratorResult<unknown>).value;
}

/** IteratorClose with a normal completion: return() must give an object. */
function closeIterator(iterator: object): void {
  const ret = (iterator as { return?: unknown }).return;
  if (ret === undefined || ret === null) return;
  const r = (ret as AnyFn).call(iterator) as unknown;
  if (!isObject(r)) throw new TypeError("iterator.return() did not return an object");
}

/** IteratorClose with a throw completion: the original error wins. */
function closeIteratorOnError(iterator: object, error: unknown): never {
  try {
    const ret = (iterator as { return?: unknown }).return;
    if (ret !== undefined && ret !== null) (ret as AnyFn).call(iterator);
  } catch {
    // ignored: the completion being thrown is the original error
  }
  throw error;
}

function thisIterator(o: unknown, where: string): object {
  if (!isObject(o)) throw new TypeError(`${where}: this is not an object`);
  return o;
}

function requireCallable(o: object, f: unknown, where: string): asserts f is AnyFn {
  if (!isCallable(f)) closeIteratorOnError(o, new TypeError(`${where}: the argument is not a function`));
}

function toLimit(o: object, limit: unknown, where: string): number {
  let n: number;
  try {
    n = Number(limit);
  } catch (e) {
    closeIteratorOnError(o, e);
  }
  if (Number.isNaN(n)) closeIteratorOnError(o, new RangeError(`${where}: limit is NaN`));
  const i = toIntegerOrInfinity(n);
  if (i < 0) closeIteratorOnError(o, new RangeError(`${where}: limit is negative`));
  return i;
}

// Iterator helper objects: a generator does the work; the helper object
// has %IteratorHelperPrototype% and forwards next/return to it.
interface HelperState {
  gen: Generator<unknown, unknown, undefined>;
  underlying: object;
  started: boolean;
  done: boolean;
}

const helpers = new WeakMap<object, HelperState>();

const IteratorHelperPrototype = Object.create(IteratorPrototype) as object;
install(IteratorHelperPrototype, {
  next(this: unknown): IteratorResult<unknown> {
    const s = isObject(this) ? helpers.get(this) : undefined;
    if (s === undefined) throw new TypeError("Iterator Helper.prototype.next: this is not an Iterator Helper");
    s.started = true;
    const r = s.gen.next();
    if (r.done) s.done = true;
    return { value: r.done ? undefined : r.value, done: !!r.done };
  },
  return(this: unknown): IteratorResult<unknown> {
    const s = isObject(this) ? helpers.get(this) : undefined;
    if (s === undefined) throw new TypeError("Iterator Helper.prototype.return: this is not an Iterator Helper");
    if (s.done) return { value: undefined, done: true };
    if (!s.started) {
      // Suspended at start: no generator code runs, so close here.
      s.done = true;
      s.gen.return(undefined);
      closeIterator(s.underlying);
      return { value: undefined, done: true };
    }
    s.done = true;
    s.gen.return(undefined);
    return { value: undefined, done: true };
  },
});
Object.defineProperty(IteratorHelperPrototype, Symbol.toStringTag, { value: "Iterator Helper", configurable: true });

function makeHelper(underlying: object, gen: Generator<unknown, unknown, undefined>): object {
  const h = Object.create(IteratorHelperPrototype) as object;
  helpers.set(h, { gen, underlying, started: false, done: false });
  return h;
}

/**
 * Yields `value`; if the consumer calls return() while suspended there,
 * closes `iterated` (IfAbruptCloseIterator on the Yield completion).
 */
function* yieldClosing(iterated: object, value: unknown): Generator<unknown, void, undefined> {
  let returned = true;
  try {
    yield value;
    returned = false;
  } finally {
    if (returned) closeIterator(iterated);
  }
}

/** GetIteratorFlattenable(obj, primitiveHandling). */
function getIteratorFlattenable(obj: unknown, iterateStrings: boolean): IteratorRecord {
  if (!isObject(obj) && !(iterateStrings && typeof obj === "string")) {
    throw new TypeError("Iterator.flatMap/from: value is not an object");
  }
  const method = (obj as Record<symbol, unknown>)[Symbol.iterator];
  let iterator: unknown;
  if (method === undefined || method === null) {
    iterator = obj;
  } else {
    if (!isCallable(method)) throw new TypeError("@@iterator is not a function");
    iterator = method.call(obj);
  }
  if (!isObject(iterator)) throw new TypeError("The iterator is not an object");
  return getIteratorDirect(iterator);
}

const iteratorMethods = {
  map(this: unknown, mapper: unknown): object {
    const o = thisIterator(this, "Iterator.prototype.map");
    requireCallable(o, mapper, "Iterator.prototype.map");
    const rec = getIteratorDirect(o);
    return makeHelper(o, (function* () {
      for (let counter = 0; ; counter++) {
        const value = step(rec);
        if (value === DONE) return;
        let mapped: unknown;
        try {
          mapped = mapper(value, counter);
        } catch (e) {
          closeIteratorOnError(o, e);
        }
        yield* yieldClosing(o, mapped);
      }
    })());
  },

  filter(this: unknown, predicate: unknown): object {
    const o = thisIterator(this, "Iterator.prototype.filter");
    requireCallable(o, predicate, "Iterator.prototype.filter");
    const rec = getIteratorDirect(o);
    return makeHelper(o, (function* () {
      for (let counter = 0; ; counter++) {
        const value = step(rec);
        if (value === DONE) return;
        let selected: unknown;
        try {
          selected = predicate(value, counter);
        } catch (e) {
          closeIteratorOnError(o, e);
        }
        if (selected) yield* yieldClosing(o, value);
      }
    })());
  },

  take(this: unknown, limit: unknown): object {
    const o = thisIterator(this, "Iterator.prototype.take");
    const n = toLimit(o, limit, "Iterator.prototype.take");
    const rec = getIteratorDirect(o);
    return makeHelper(o, (function* () {
      let remaining = n;
      for (;;) {
        if (remaining === 0) {
          closeIterator(o);
          return;
        }
        if (remaining !== Infinity) remaining--;
        const value = step(rec);
        if (value === DONE) return;
        yield* yieldClosing(o, value);
      }
    })());
  },

  drop(this: unknown, limit: unknown): object {
    const o = thisIterator(this, "Iterator.prototype.drop");
    const n = toLimit(o, limit, "Iterator.prototype.drop");
    const rec = getIteratorDirect(o);
    return makeHelper(o, (function* () {
      let remaining = n;
      while (remaining > 0) {
        if (remaining !== Infinity) remaining--;
        if (step(rec) === DONE) return;
      }
      for (;;) {
        const value = step(rec);
        if (value === DONE) return;
        yield* yieldClosing(o, value);
      }
    })());
  },

  flatMap(this: unknown, mapper: unknown): object {
    const o = thisIterator(this, "Iterator.prototype.flatMap");
    requireCallable(o, mapper, "Iterator.prototype.flatMap");
    const rec = getIteratorDirect(o);
    return makeHelper(o, (function* () {
      for (let counter = 0; ; counter++) {
        const value = step(rec);
        if (value === DONE) return;
        let inner: IteratorRecord;
        try {
          inner = getIteratorFlattenable(mapper(value, counter), false);
        } catch (e) {
          closeIteratorOnError(o, e);
        }
        for (;;) {
          let innerValue: unknown;
          try {
            innerValue = step(inner);
          } catch (e) {
            closeIteratorOnError(o, e);
          }
          if (innerValue === DONE) break;
          let returned = true;
          try {
            yield innerValue;
            returned = false;
          } finally {
            if (returned) {
              // Close the inner iterator, then the outer one.
              try {
                closeIterator(inner.iterator);
              } catch (e) {
                closeIteratorOnError(o, e);
              }
              closeIterator(o);
            }
          }
        }
      }
    })());
  },

  reduce(this: unknown, reducer: unknown, ...rest: unknown[]): unknown {
    const o = thisIterator(this, "Iterator.prototype.reduce");
    requireCallable(o, reducer, "Iterator.prototype.reduce");
    const rec = getIteratorDirect(o);
    let acc: unknown;
    let counter: number;
    if (rest.length === 0) {
      acc = step(rec);
      if (acc === DONE) throw new TypeError("Reduce of empty iterator with no initial value");
      counter = 1;
    } else {
      acc = rest[0];
      counter = 0;
    }
    for (;; counter++) {
      const value = step(rec);
      if (value === DONE) return acc;
      try {
        acc = reducer(acc, value, counter);
      } catch (e) {
        closeIteratorOnError(o, e);
      }
    }
  },

  toArray(this: unknown): unknown[] {
    const o = thisIterator(this, "Iterator.prototype.toArray");
    const rec = getIteratorDirect(o);
    const items: unknown[] = [];
    for (;;) {
      const value = step(rec);
      if (value === DONE) return items;
      items.push(value);
    }
  },

  forEach(this: unknown, fn: unknown): void {
    const o = thisIterator(this, "Iterator.prototype.forEach");
    requireCallable(o, fn, "Iterator.prototype.forEach");
    const rec = getIteratorDirect(o);
    for (let counter = 0; ; counter++) {
      const value = step(rec);
      if (value === DONE) return;
      try {
        fn(value, counter);
      } catch (e) {
        closeIteratorOnError(o, e);
      }
    }
  },

  some(this: unknown, predicate: unknown): boolean {
    const o = thisIterator(this, "Iterator.prototype.some");
    requireCallable(o, predicate, "Iterator.prototype.some");
    const rec = getIteratorDirect(o);
    for (let counter = 0; ; counter++) {
      const value = step(rec);
      if (value === DONE) return false;
      let r: unknown;
      try {
        r = predicate(value, counter);
      } catch (e) {
        closeIteratorOnError(o, e);
      }
      if (r) {
        closeIterator(o);
        return true;
      }
    }
  },

  every(this: unknown, predicate: unknown): boolean {
    const o = thisIterator(this, "Iterator.prototype.every");
    requireCallable(o, predicate, "Iterator.prototype.every");
    const rec = getIteratorDirect(o);
    for (let counter = 0; ; counter++) {
      const value = step(rec);
      if (value === DONE) return true;
      let r: unknown;
      try {
        r = predicate(value, counter);
      } catch (e) {
        closeIteratorOnError(o, e);
      }
      if (!r) {
        closeIterator(o);
        return false;
      }
    }
  },

  find(this: unknown, predicate: unknown): unknown {
    const o = thisIterator(this, "Iterator.prototype.find");
    requireCallable(o, predicate, "Iterator.prototype.find");
    const rec = getIteratorDirect(o);
    for (let counter = 0; ; counter++) {
      const value = step(rec);
      if (value === DONE) return undefined;
      let r: unknown;
      try {
        r = predicate(value, counter);
      } catch (e) {
        closeIteratorOnError(o, e);
      }
      if (r) {
        closeIterator(o);
        return value;
      }
    }
  },
};

/** %WrapForValidIteratorPrototype%: what Iterator.from wraps foreign iterators in. */
const wrapped = new WeakMap<object, IteratorRecord>();
const WrapForValidIteratorPrototype = Object.create(IteratorPrototype) as object;
install(WrapForValidIteratorPrototype, {
  next(this: unknown): unknown {
    const rec = isObject(this) ? wrapped.get(this) : undefined;
    if (rec === undefined) throw new TypeError("next: this is not a wrapped iterator");
    return (rec.next as AnyFn).call(rec.iterator);
  },
  return(this: unknown): unknown {
    const rec = isObject(this) ? wrapped.get(this) : undefined;
    if (rec === undefined) throw new TypeError("return: this is not a wrapped iterator");
    const ret = (rec.iterator as { return?: unknown }).return;
    if (ret === undefined || ret === null) return { value: undefined, done: true };
    return (ret as AnyFn).call(rec.iterator);
  },
});

function installIteratorHelpers(g: Record<string, unknown>): void {
  if (typeof g.Iterator !== "function") {
    // The abstract %Iterator% constructor: only subclasses may construct.
    const Iterator = function Iterator(this: unknown): void {
      if (new.target === undefined || new.target === Iterator) {
        throw new TypeError("Abstract class Iterator not directly constructable");
      }
    } as unknown as { prototype: object; from: AnyFn };
    Object.defineProperty(Iterator, "prototype", { value: IteratorPrototype, writable: false, enumerable: false, configurable: false });
    install(Iterator, {
      from(o: unknown): object {
        const rec = getIteratorFlattenable(o, true);
        if (rec.iterator instanceof (Iterator as unknown as AnyFn)) return rec.iterator;
        const w = Object.create(WrapForValidIteratorPrototype) as object;
        wrapped.set(w, rec);
        return w;
      },
    });
    // constructor and @@toStringTag are accessors whose setters ignore
    // writes to the prototype itself (web compatibility, as specified).
    const ignoringSetter = (key: PropertyKey) =>
      function (this: unknown, v: unknown): void {
        if (!isObject(this)) throw new TypeError("setter called on a non-object");
        if (this === IteratorPrototype) throw new TypeError("Cannot assign to a read-only property of Iterator.prototype");
        if (Object.getOwnPropertyDescriptor(this, key) === undefined) createDataProperty(this, key, v);
        else (this as Record<PropertyKey, unknown>)[key] = v;
      };
    if (!Object.prototype.hasOwnProperty.call(IteratorPrototype, Symbol.toStringTag)) {
      Object.defineProperty(IteratorPrototype, Symbol.toStringTag, {
        get: () => "Iterator",
        set: ignoringSetter(Symbol.toStringTag),
        enumerable: false,
        configurable: true,
      });
    }
    if (!Object.prototype.hasOwnProperty.call(IteratorPrototype, "constructor")) {
      Object.defineProperty(IteratorPrototype, "constructor", {
        get: () => Iterator,
        set: ignoringSetter("constructor"),
        enumerable: false,
        configurable: true,
      });
    }
    Object.defineProperty(g, "Iterator", { value: Iterator, writable: true, enumerable: false, configurable: true });
  }
  install(IteratorPrototype, iteratorMethods);
}

/** Installs every missing built-in. Calls no op (it runs while a startup snapshot is made). */
export function installPolyfills(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  install(Array.prototype, arrayMethods);
  install(TypedArrayPrototype, typedArrayMethods);
  install(Object, objectStatics);
  install(Map, mapStatics);
  install(Promise, promiseStatics);
  install(Set.prototype, setMethods);
  install(Array, arrayStatics);
  install(ArrayBuffer.prototype, arrayBufferMethods);
  installGetter(ArrayBuffer.prototype, "detached", function detached(this: unknown): boolean {
    return isDetached(thisArrayBuffer(this, "ArrayBuffer.prototype.detached"));
  } as () => boolean);
  install(String.prototype, stringMethods);
  installIteratorHelpers(g);
  // Array.prototype[@@unscopables] lists the new array methods.
  const unscopables = (Array.prototype as unknown as Record<symbol, Record<string, boolean>>)[Symbol.unscopables];
  if (unscopables) {
    for (const k of ["toReversed", "toSorted", "toSpliced", "findLast", "findLastIndex"]) {
      if (!(k in unscopables)) unscopables[k] = true;
    }
  }
}
