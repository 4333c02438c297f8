// WHATWG Headers (https://fetch.spec.whatwg.org/#headers-class).
//
// Storage is one flat array [name, value, name, value, ...] with lower-cased
// names and one entry per append, which is exactly what ops.respond takes:
// sending a Response's headers passes this array to Rust as is.
//
// A server request's headers start lazily backed by the request: get/has
// ask Rust for one header (ops.reqHeader), and only a mutation or an
// iteration copies them all out (ops.reqHeaders). Most handlers read one or
// two headers, if any.

import { ops } from "./core_ops.ts";
import { customInspect, inspect, type InspectOptions } from "./format.ts";
import { liveHandle, type HandleHolder } from "./handle.ts";
import { enumerable, ownMembers, toStringTag } from "./webidl.ts";

/** What `new Headers(init)` accepts (lib.dom's HeadersInit, structurally). */
export type HeadersInit = Headers | Iterable<Iterable<string>> | Record<string, string> | string[][];

// RFC 9110 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// After trimming, a value may not hold NUL, CR or LF (fetch's "header
// value"), nor anything above U+00FF (WebIDL ByteString conversion).
const INVALID_VALUE = /[\0\r\n]|[^\x00-\xff]/;
const HTTP_WS_EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;

const hasOwn = Object.prototype.hasOwnProperty;

const GUARD_NONE = 0;
const GUARD_IMMUTABLE = 1;

// Header names are few and repeat on every request, and a Map lookup costs
// a fifth of a regex test: validated names are remembered (bounded, so
// odd inputs cannot grow it without limit). The same for short values.
const CACHE_LIMIT = 256;
const nameCache = new Map<string, string>();
const valueCache = new Set<string>();

export function normalizeName(name: unknown): string {
  const s = typeof name === "string" ? name : `${name}`;
  const cached = nameCache.get(s);
  if (cached !== undefined) return cached;
  if (!TOKEN.test(s)) throw new TypeError(`Invalid header name: ${JSON.stringify(s)}`);
  const lower = s.toLowerCase();
  if (nameCache.size < CACHE_LIMIT) nameCache.set(s, lower);
  return lower;
}

function isHttpWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function normalizeValue(value: unknown): string {
  let s = typeof value === "string" ? value : `${value}`;
  if (valueCache.has(s)) return s;
  const n = s.length;
  if (n !== 0 && (isHttpWs(s.charCodeAt(0)) || isHttpWs(s.charCodeAt(n - 1)))) {
    s = s.replace(HTTP_WS_EDGES, "");
  }
  if (INVALID_VALUE.test(s)) throw new TypeError(`Invalid header value: ${JSON.stringify(s)}`);
  // Only values that were already normal: the cache maps a value to itself.
  if (s.length === n && n <= 64 && valueCache.size < CACHE_LIMIT) valueCache.add(s);
  return s;
}

// ---- for request.ts, response.ts and server.ts (assigned in the static
// ---- block of Headers, which alone can reach its #private fields) --------

/** Headers lazily backed by a server request. */
export let lazyHeaders!: (src: HandleHolder) => Headers;
/** The flat [name, value, ...] list, copied out of Rust first if lazy. */
export let headerList!: (h: Headers) => string[];
/** has() for a name already in lower case (no validation). */
export let hasTrusted!: (h: Headers, lowerName: string) => boolean;
/** Appends without validation: for names and values the runtime itself makes. */
export let appendTrusted!: (h: Headers, lowerName: string, value: string) => void;
export let makeImmutable!: (h: Headers) => Headers;
export let isImmutable!: (h: Headers) => boolean;
/** A copy with the same guard (Response.clone keeps the guard too). */
export let copyHeaders!: (h: Headers) => Headers;
/** Fetch's "sort and combine": [name, value, ...] by name, set-cookie kept apart. */
let sortedPairs!: (h: Headers) => string[];

export class Headers {
  /** [lowerName, value, ...]; null while lazily backed by a server request. */
  #list: string[] | null = [];
  /** The server request backing a lazy instance. */
  #src: HandleHolder | null = null;
  #guard = GUARD_NONE;
  /** Sorted-and-combined view for iteration; null when stale. */
  #sorted: string[] | null = null;

  constructor(init?: HeadersInit) {
    if (init !== undefined) Headers.#fill(this, init);
  }

  append(name: string, value: string): void {
    const n = normalizeName(name);
    const v = normalizeValue(value);
    Headers.#checkMutable(this);
    Headers.#materialize(this).push(n, v);
    this.#sorted = null;
  }

  delete(name: string): void {
    const n = normalizeName(name);
    Headers.#checkMutable(this);
    const list = Headers.#materialize(this);
    for (let i = 0; i < list.length; ) {
      if (list[i] === n) list.splice(i, 2);
      else i += 2;
    }
    this.#sorted = null;
  }

  get(name: string): string | null {
    const n = normalizeName(name);
    const list = this.#list;
    if (list === null) return ops.reqHeader(liveHandle(this.#src!.r), n);
    let out: string | null = null;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === n) out = out === null ? list[i + 1] : `${out}, ${list[i + 1]}`;
    }
    return out;
  }

  getSetCookie(): string[] {
    const list = Headers.#materialize(this);
    const out: string[] = [];
    for (let i = 0; i < list.length; i += 2) if (list[i] === "set-cookie") out.push(list[i + 1]);
    return out;
  }

  has(name: string): boolean {
    const n = normalizeName(name);
    const list = this.#list;
    if (list === null) return ops.reqHeader(liveHandle(this.#src!.r), n) !== null;
    for (let i = 0; i < list.length; i += 2) if (list[i] === n) return true;
    return false;
  }

  set(name: string, value: string): void {
    const n = normalizeName(name);
    const v = normalizeValue(value);
    Headers.#checkMutable(this);
    const list = Headers.#materialize(this);
    let found = false;
    for (let i = 0; i < list.length; ) {
      if (list[i] !== n) {
        i += 2;
      } else if (!found) {
        list[i + 1] = v;
        found = true;
        i += 2;
      } else {
        list.splice(i, 2);
      }
    }
    if (!found) list.push(n, v);
    this.#sorted = null;
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    if (typeof callback !== "function") throw new TypeError("Headers.forEach: callback is not a function");
    // Re-read the sorted view each step: the callback may mutate.
    for (let i = 0; ; i += 2) {
      const pairs = Headers.#sortedPairs(this);
      if (i >= pairs.length) break;
      callback.call(thisArg, pairs[i + 1], pairs[i], this);
    }
  }

  entries(): HeadersIterator<[string, string]> {
    return new HeadersIterator(this, KIND_ENTRIES) as HeadersIterator<[string, string]>;
  }

  keys(): HeadersIterator<string> {
    return new HeadersIterator(this, KIND_KEYS) as HeadersIterator<string>;
  }

  values(): HeadersIterator<string> {
    return new HeadersIterator(this, KIND_VALUES) as HeadersIterator<string>;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  [customInspect](depth: number, options: InspectOptions): string {
    const pairs = Headers.#sortedPairs(this);
    const obj: Record<string, string | string[]> = {};
    for (let i = 0; i < pairs.length; i += 2) {
      const k = pairs[i];
      const prev = obj[k];
      if (prev === undefined) obj[k] = pairs[i + 1];
      else obj[k] = Array.isArray(prev) ? [...prev, pairs[i + 1]] : [prev, pairs[i + 1]];
    }
    return `Headers ${inspect(obj, { ...options, depth })}`;
  }


  static #checkMutable(h: Headers): void {
    if (h.#guard === GUARD_IMMUTABLE) throw new TypeError("Headers are immutable");
  }

  static #materialize(h: Headers): string[] {
    let list = h.#list;
    if (list === null) {
      list = h.#list = ops.reqHeaders(liveHandle(h.#src!.r));
      h.#src = null;
    }
    return list;
  }

  static #fill(h: Headers, init: unknown): void {
    if ((typeof init !== "object" && typeof init !== "function") || init === null) {
      throw new TypeError("Headers: init must be an object, an array of [name, value] pairs or a Headers");
    }
    const list = h.#list!;
    // A Headers is copied directly, unless its iterator was replaced (WebIDL
    // converts it as a sequence through @@iterator then).
    if (init instanceof Headers && init[Symbol.iterator] === Headers.prototype[Symbol.iterator]) {
      const src = Headers.#materialize(init);
      for (let i = 0; i < src.length; i++) list.push(src[i]);
      return;
    }
    const iter = (init as { [Symbol.iterator]?: unknown })[Symbol.iterator];
    if (iter !== undefined && iter !== null) {
      if (typeof iter !== "function") throw new TypeError("Headers: init[Symbol.iterator] is not a function");
      for (const pair of init as Iterable<unknown>) {
        if ((typeof pair !== "object" && typeof pair !== "function") || pair === null) {
          throw new TypeError("Headers: each init entry must be a [name, value] pair");
        }
        const arr = Array.isArray(pair) ? pair : Array.from(pair as Iterable<unknown>);
        if (arr.length !== 2) throw new TypeError("Headers: each init entry must have exactly two items");
        list.push(normalizeName(arr[0]), normalizeValue(arr[1]));
      }
      return;
    }
    // A record<ByteString, ByteString>: own enumerable string keys. Like
    // Deno's fast path, for-in is used (it skips symbol keys instead of
    // rejecting them: Object.getOwnPropertySymbols would cost more than the
    // rest of `new Headers({...})` together).
    const record = init as Record<string, unknown>;
    for (const k in record) {
      if (!hasOwn.call(record, k)) continue;
      list.push(normalizeName(k), normalizeValue(record[k]));
    }
  }

  /** Fetch's "sort and combine": [name, value, ...] by name, set-cookie kept apart. */
  static #sortedPairs(h: Headers): string[] {
    const cached = h.#sorted;
    if (cached !== null) return cached;
    const list = Headers.#materialize(h);
    const names: string[] = [];
    for (let i = 0; i < list.length; i += 2) if (!names.includes(list[i])) names.push(list[i]);
    names.sort();
    const out: string[] = [];
    for (const name of names) {
      if (name === "set-cookie") {
        for (let i = 0; i < list.length; i += 2) if (list[i] === name) out.push(name, list[i + 1]);
      } else {
        let value: string | null = null;
        for (let i = 0; i < list.length; i += 2) {
          if (list[i] === name) value = value === null ? list[i + 1] : `${value}, ${list[i + 1]}`;
        }
        out.push(name, value!);
      }
    }
    return (h.#sorted = out);
  }

  static {
    lazyHeaders = (src) => {
      const h = new Headers();
      h.#list = null;
      h.#src = src;
      return h;
    };
    headerList = (h) => Headers.#materialize(h);
    hasTrusted = (h, lowerName) => {
      const list = Headers.#materialize(h);
      for (let i = 0; i < list.length; i += 2) if (list[i] === lowerName) return true;
      return false;
    };
    appendTrusted = (h, lowerName, value) => {
      Headers.#materialize(h).push(lowerName, value);
      h.#sorted = null;
    };
    makeImmutable = (h) => {
      h.#guard = GUARD_IMMUTABLE;
      return h;
    };
    isImmutable = (h) => h.#guard === GUARD_IMMUTABLE;
    copyHeaders = (h) => {
      const c = new Headers();
      const src = Headers.#materialize(h);
      const list = c.#list!;
      for (let i = 0; i < src.length; i++) list.push(src[i]);
      c.#guard = h.#guard;
      return c;
    };
    sortedPairs = Headers.#sortedPairs;
  }
}

const KIND_KEYS = 0;
const KIND_VALUES = 1;
const KIND_ENTRIES = 2;

// The iterator WebIDL defines for pair iterables: it reads the current
// sorted list on every next(), so it sees mutations made while iterating.
class HeadersIterator<T> {
  #headers: Headers;
  #kind: number;
  #index = 0;

  constructor(headers: Headers, kind: number) {
    this.#headers = headers;
    this.#kind = kind;
  }

  next(): IteratorResult<T, undefined> {
    const pairs = sortedPairs(this.#headers);
    const i = this.#index;
    if (i >= pairs.length) return { value: undefined, done: true };
    this.#index = i + 2;
    const kind = this.#kind;
    const value = kind === KIND_KEYS ? pairs[i] : kind === KIND_VALUES ? pairs[i + 1] : [pairs[i], pairs[i + 1]];
    return { value: value as T, done: false };
  }

  // @@iterator (returning this) comes from %IteratorPrototype%.
  declare [Symbol.iterator]: () => HeadersIterator<T>;
}

// %IteratorPrototype% sits between the iterator and Object.prototype, as
// for built-in iterators.
Object.setPrototypeOf(HeadersIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));

// IDL members are enumerable; the tags are data properties (webidl.ts).
enumerable(Headers.prototype, ownMembers(Headers.prototype));
toStringTag(Headers.prototype, "Headers");
enumerable(HeadersIterator.prototype, ["next"]);
toStringTag(HeadersIterator.prototype, "Headers Iterator");
