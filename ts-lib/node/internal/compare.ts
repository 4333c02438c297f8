// Deep equality as node:assert and util.isDeepStrictEqual define it: the
// strict mode compares primitives with Object.is, prototypes and type tags,
// and own enumerable symbol keys; the loose mode (assert.deepEqual) uses ==
// for primitives and ignores prototypes. Cycles are followed once.

import * as types from "./types.ts";

const tagOf = (v: object): string => Object.prototype.toString.call(v);
const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;

type Memo = Map<object, Set<object>>;

export function isDeepEqual(a: unknown, b: unknown, strict: boolean): boolean {
  return innerEqual(a, b, strict, new Map());
}

function primitiveEqual(a: unknown, b: unknown, strict: boolean): boolean {
  if (strict) return Object.is(a, b);
  // eslint-disable-next-line eqeqeq
  return a == b || (Number.isNaN(a) && Number.isNaN(b));
}

function innerEqual(a: unknown, b: unknown, strict: boolean, memo: Memo): boolean {
  if (a === b) return !strict || a !== 0 || Object.is(a, b);
  const aObj = typeof a === "object" ? a !== null : typeof a === "function";
  const bObj = typeof b === "object" ? b !== null : typeof b === "function";
  if (!aObj || !bObj) {
    if (aObj || bObj) return !strict && !aObj && !bObj ? primitiveEqual(a, b, strict) : false;
    return primitiveEqual(a, b, strict);
  }
  if (typeof a === "function" || typeof b === "function") return false;
  const x = a as object, y = b as object;
  if (strict && Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
  const tag = tagOf(x);
  if (tag !== tagOf(y)) return false;
  // A pair already under comparison is assumed equal (cycles).
  let seen = memo.get(x);
  if (seen?.has(y)) return true;
  if (seen === undefined) memo.set(x, (seen = new Set()));
  seen.add(y);

  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      const ha = hasOwn.call(x, i), hb = hasOwn.call(y, i);
      if (ha !== hb && strict) return false;
      if (!innerEqual(x[i], (y as unknown[])[i], strict, memo)) return false;
    }
    return keysEqual(x, y, strict, memo, true);
  }
  if (types.isDate(x)) {
    if (!types.isDate(y) || x.getTime() !== y.getTime()) return false;
  } else if (types.isRegExp(x)) {
    if (!types.isRegExp(y) || x.source !== y.source || x.flags !== y.flags || x.lastIndex !== y.lastIndex) return false;
  } else if (types.isNativeError(x) || x instanceof Error) {
    const e = x as Error, f = y as Error;
    if (e.message !== f.message || e.name !== f.name) return false;
  } else if (types.isBoxedPrimitive(x)) {
    if (!Object.is((x as Number).valueOf(), (y as Number).valueOf())) return false;
  } else if (ArrayBuffer.isView(x)) {
    if (!ArrayBuffer.isView(y)) return false;
    const xa = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const ya = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    if (!strict && (types.isFloat32Array(x) || types.isFloat64Array(x))) {
      const xf = x as unknown as ArrayLike<number>, yf = y as unknown as ArrayLike<number>;
      if (xf.length !== yf.length) return false;
      for (let i = 0; i < xf.length; i++) if (xf[i] !== yf[i]) return false;
    } else {
      if (xa.length !== ya.length) return false;
      for (let i = 0; i < xa.length; i++) if (xa[i] !== ya[i]) return false;
    }
    return keysEqual(x, y, strict, memo, true);
  } else if (types.isAnyArrayBuffer(x)) {
    const xa = new Uint8Array(x as ArrayBuffer), ya = new Uint8Array(y as ArrayBuffer);
    if (xa.length !== ya.length) return false;
    for (let i = 0; i < xa.length; i++) if (xa[i] !== ya[i]) return false;
  } else if (types.isSet(x)) {
    if (!types.isSet(y) || !setEqual(x, y as Set<unknown>, strict, memo)) return false;
  } else if (types.isMap(x)) {
    if (!types.isMap(y) || !mapEqual(x, y as Map<unknown, unknown>, strict, memo)) return false;
  } else if (types.isWeakMap(x) || types.isWeakSet(x) || types.isPromise(x)) {
    return false;
  }
  return keysEqual(x, y, strict, memo, false);
}

function ownKeys(o: object, strict: boolean, skipIndices: boolean): (string | symbol)[] {
  let keys: (string | symbol)[] = Object.keys(o);
  if (skipIndices) keys = keys.filter((k) => !/^(0|[1-9][0-9]*)$/.test(k as string));
  if (strict) {
    for (const s of Object.getOwnPropertySymbols(o)) if (isEnumerable.call(o, s)) keys.push(s);
  }
  return keys;
}

function keysEqual(x: object, y: object, strict: boolean, memo: Memo, skipIndices: boolean): boolean {
  const kx = ownKeys(x, strict, skipIndices);
  const ky = ownKeys(y, strict, skipIndices);
  if (kx.length !== ky.length) return false;
  for (const k of kx) {
    if (!isEnumerable.call(y, k)) return false;
  }
  for (const k of kx) {
    if (!innerEqual((x as Record<string | symbol, unknown>)[k], (y as Record<string | symbol, unknown>)[k], strict, memo)) return false;
  }
  return true;
}

const isObjectLike = (v: unknown): boolean => (typeof v === "object" && v !== null) || typeof v === "function";

function setEqual(x: Set<unknown>, y: Set<unknown>, strict: boolean, memo: Memo): boolean {
  if (x.size !== y.size) return false;
  const pending: unknown[] = [];
  for (const v of x) {
    if (isObjectLike(v) || (!strict && !y.has(v))) pending.push(v);
    else if (!y.has(v)) return false;
  }
  if (pending.length === 0) return true;
  const candidates = [...y].filter((v) => isObjectLike(v) || !strict);
  for (const v of pending) {
    const i = candidates.findIndex((c) => innerEqual(v, c, strict, memo));
    if (i === -1) return false;
    candidates.splice(i, 1);
  }
  return true;
}

function mapEqual(x: Map<unknown, unknown>, y: Map<unknown, unknown>, strict: boolean, memo: Memo): boolean {
  if (x.size !== y.size) return false;
  const pending: [unknown, unknown][] = [];
  for (const [k, v] of x) {
    if (!isObjectLike(k) && y.has(k)) {
      if (!innerEqual(v, y.get(k), strict, memo)) return false;
    } else if (!isObjectLike(k) && strict) {
      return false;
    } else pending.push([k, v]);
  }
  if (pending.length === 0) return true;
  const candidates = [...y].filter(([k]) => isObjectLike(k) || !strict);
  for (const [k, v] of pending) {
    const i = candidates.findIndex(([ck, cv]) => innerEqual(k, ck, strict, memo) && innerEqual(v, cv, strict, memo));
    if (i === -1) return false;
    candidates.splice(i, 1);
  }
  return true;
}
