// URL and URLSearchParams (WHATWG URL Standard §6).
//
// Parsing, setters and the application/x-www-form-urlencoded codec are the
// Rust `url` crate's (ops urlParse, urlSet, urlOrigin, formUrlDecode,
// formUrlEncode): this file keeps the href Rust returns with the offsets of
// its components, slices components on demand, and links a URL with its
// searchParams both ways.

import { DOMException } from "./event.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, inspectAs, inspectSymbol, ownMembers, requireArgs, toStringTag, toUSVString } from "./webidl.ts";

// Indexes into the offsets urlParse/urlSet write (see ops.d.ts).
const PROTOCOL_END = 0;
const USERNAME = 1;
const PASSWORD = 3;
const HOST = 5;
const HOSTNAME = 7;
const PORT = 9;
const PATHNAME = 11;
const SEARCH = 13;
const HASH_START = 15;
const OFFSETS = 16;

/**
 * What the ops write offsets into. Over an explicit ArrayBuffer, so that its
 * memory is off V8's heap from the start: the shim reaches a view's memory
 * through its buffer, and a small on-heap typed array would be moved off the
 * heap (an allocation) on every call. Each URL keeps a copy (`slice()`,
 * 64 bytes, on the heap, cheap to make and read).
 */
const OUT = new Uint32Array(new ArrayBuffer(OFFSETS * 4));

// Module-private links between a URL and its URLSearchParams (the spec's
// "URL object" of a URLSearchParams and "query object" of a URL).
let setParamsList: (p: URLSearchParams, query: string) => void;
let newLinkedParams: (url: URL, query: string) => URLSearchParams;
let updateQuery: (url: URL, serialized: string) => void;

// Parses are pure functions of (input, base), and a server parses the same
// few request URLs over and over: remember recent results. Entries share
// their offsets with the URLs made from them; setters replace, never
// write, a URL's offsets. Bounded: cleared when full, long inputs skipped.
interface Parsed {
  href: string;
  o: Uint32Array;
}
const CACHE_MAX = 512;
const CACHEABLE_LENGTH = 2048;
let cache = new Map<string, Parsed>();

function cacheKey(input: string, base: string | undefined): string {
  // The base's length makes the key unambiguous whatever the strings hold.
  return base === undefined ? input : `${base.length}:${base}${input}`;
}

/** Parses through the cache; undefined when parsing fails. */
function parseURL(input: string, base: string | undefined): Parsed | undefined {
  const key = cacheKey(input, base);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const href = webOps.urlParse(input, base, OUT);
  if (href === undefined) return undefined;
  const parsed = { href, o: OUT.slice() };
  if (key.length <= CACHEABLE_LENGTH) {
    if (cache.size >= CACHE_MAX) cache = new Map();
    cache.set(key, parsed);
  }
  return parsed;
}

/** What URL.parse already has, for the constructor to take over. */
let preParsed: Parsed | null = null;

export class URL {
  #href: string;
  /** Where each component lies in #href (see ops.d.ts urlParse); shared with the cache, never written. */
  #o: Uint32Array;
  #origin: string | null = null;
  #params: URLSearchParams | null = null;

  constructor(url: string | URL, base?: string | URL) {
    if (preParsed !== null) {
      this.#href = preParsed.href;
      this.#o = preParsed.o;
      preParsed = null;
      return;
    }
    requireArgs(arguments.length, 1, "Failed to construct 'URL'");
    const input = toUSVString(url);
    const b = base === undefined ? undefined : toUSVString(base);
    const parsed = parseURL(input, b);
    if (parsed === undefined) {
      // Node's code and `input` too, which Node code branches on.
      const e = new TypeError(b === undefined ? `Invalid URL: '${input}'` : `Invalid URL: '${input}' with base '${b}'`);
      throw Object.assign(e, { code: "ERR_INVALID_URL", input });
    }
    this.#href = parsed.href;
    this.#o = parsed.o;
  }

  /** True when `url` parses (against `base`). */
  static canParse(url: string | URL, base?: string | URL): boolean {
    requireArgs(arguments.length, 1, "URL.canParse");
    return parseURL(toUSVString(url), base === undefined ? undefined : toUSVString(base)) !== undefined;
  }

  /** Like the constructor, but null instead of a TypeError. */
  static parse(url: string | URL, base?: string | URL): URL | null {
    requireArgs(arguments.length, 1, "URL.parse");
    const parsed = parseURL(toUSVString(url), base === undefined ? undefined : toUSVString(base));
    if (parsed === undefined) return null;
    preParsed = parsed;
    return new URL("");
  }

  static createObjectURL(_obj: unknown): string {
    throw new DOMException("URL.createObjectURL is not supported in Howth", "NotSupportedError");
  }

  static revokeObjectURL(_url: string): void {
    // No blob URL store: nothing to revoke.
  }

  #part(i: number): string {
    const o = this.#o;
    return this.#href.slice(o[i]!, o[i + 1]!);
  }

  #set(setter: string, value: unknown): void {
    const v = toUSVString(value);
    const oldSearch = this.search;
    const href = webOps.urlSet(this.#href, setter, v, OUT);
    if (href === undefined) throw new TypeError(`Invalid URL: '${v}'`);
    this.#href = href;
    this.#o = OUT.slice();
    this.#origin = null;
    // The href and search setters replace the query: the searchParams
    // object (if made) must show the new list.
    if (this.#params !== null && this.search !== oldSearch) setParamsList(this.#params, this.search);
  }

  /** Called by a linked URLSearchParams after it changed (its "update steps"). */
  static #updateQuery(url: URL, serialized: string): void {
    // Empty serialization means a null query, i.e. no "?" at all.
    url.#href = webOps.urlSet(url.#href, "search", serialized, OUT)!;
    url.#o = OUT.slice();
    url.#origin = null;
  }

  get href(): string { return this.#href; }
  set href(v: string) { this.#set("href", v); }

  get origin(): string {
    // Derived from scheme and host, so it only changes with the href.
    return (this.#origin ??= webOps.urlOrigin(this.#href));
  }

  get protocol(): string { return this.#href.slice(0, this.#o[PROTOCOL_END]!); }
  set protocol(v: string) { this.#set("protocol", v); }

  get username(): string { return this.#part(USERNAME); }
  set username(v: string) { this.#set("username", v); }

  get password(): string { return this.#part(PASSWORD); }
  set password(v: string) { this.#set("password", v); }

  get host(): string { return this.#part(HOST); }
  set host(v: string) { this.#set("host", v); }

  get hostname(): string { return this.#part(HOSTNAME); }
  set hostname(v: string) { this.#set("hostname", v); }

  get port(): string { return this.#part(PORT); }
  set port(v: string) { this.#set("port", v); }

  get pathname(): string { return this.#part(PATHNAME); }
  set pathname(v: string) { this.#set("pathname", v); }

  get search(): string { return this.#part(SEARCH); }
  set search(v: string) { this.#set("search", v); }

  get searchParams(): URLSearchParams {
    // Made on first use: the list it shows is the query's at that moment,
    // and every later change flows both ways through the link.
    return (this.#params ??= newLinkedParams(this, this.search));
  }

  get hash(): string { return this.#href.slice(this.#o[HASH_START]!); }
  set hash(v: string) { this.#set("hash", v); }

  toString(): string { return this.#href; }

  toJSON(): string { return this.#href; }

  static {
    updateQuery = (url, serialized) => URL.#updateQuery(url, serialized);
  }
}

enumerable(URL.prototype, ownMembers(URL.prototype));
toStringTag(URL.prototype, "URL");
inspectAs<URL>(URL.prototype, (u) => ({
  href: u.href, origin: u.origin, protocol: u.protocol, username: u.username, password: u.password,
  host: u.host, hostname: u.hostname, port: u.port, pathname: u.pathname, search: u.search,
  searchParams: u.searchParams, hash: u.hash,
}));

// ---- URLSearchParams -----------------------------------------------------

type Pair = [string, string];

/** What application/x-www-form-urlencoded serializes unchanged. */
const UNESCAPED = /^[A-Za-z0-9*\-._]*$/;

/** Offsets exchanged with formUrlDecode/formUrlEncode; grown on demand. */
let ends = new Uint32Array(64);

function parseQuery(query: string): Pair[] {
  return decodeForm(query.charCodeAt(0) === 0x3f ? query.slice(1) : query);
}

/** The application/x-www-form-urlencoded parser: [name, value] pairs. */
export function decodeForm(q: string): [string, string][] {
  if (q === "") return [];
  // Without "%" or "+" there is nothing to decode: the parser's steps are
  // then only splitting on "&" and the first "=", done here without the op.
  if (q.indexOf("%") < 0 && q.indexOf("+") < 0) {
    const list: [string, string][] = [];
    for (const seq of q.split("&")) {
      if (seq === "") continue;
      const eq = seq.indexOf("=");
      list.push(eq < 0 ? [seq, ""] : [seq.slice(0, eq), seq.slice(eq + 1)]);
    }
    return list;
  }
  let joined = webOps.formUrlDecode(q, ends);
  if (joined === undefined) {
    // More names and values than `ends` holds: it now says how many.
    ends = new Uint32Array(ends[0]! + 1);
    joined = webOps.formUrlDecode(q, ends)!;
  }
  const n = ends[0]!;
  const list: Pair[] = new Array(n >> 1);
  let at = 0;
  for (let i = 0; i < n; i += 2) {
    const k = ends[i + 1]!;
    const v = ends[i + 2]!;
    list[i >> 1] = [joined.slice(at, k), joined.slice(k, v)];
    at = v;
  }
  return list;
}

function isObject(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

export type URLSearchParamsInit = string | URLSearchParams | Iterable<readonly [string, string]> | Iterable<readonly string[]> | Record<string, string>;

export class URLSearchParams {
  #list: Pair[];
  #url: URL | null = null;

  constructor(init: URLSearchParamsInit = "") {
    if (isObject(init) && typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      // sequence<sequence<USVString>>
      this.#list = [];
      for (const pair of init as Iterable<unknown>) {
        if (!isObject(pair) || typeof (pair as Iterable<unknown>)[Symbol.iterator] !== "function") {
          throw new TypeError("URLSearchParams: each pair must be an iterable [name, value]");
        }
        const items = Array.from(pair as Iterable<unknown>);
        if (items.length !== 2) {
          throw new TypeError("URLSearchParams: each pair must have exactly two items");
        }
        this.#list.push([toUSVString(items[0]), toUSVString(items[1])]);
      }
    } else if (isObject(init)) {
      // record<USVString, USVString>: own enumerable string keys, in order.
      this.#list = [];
      for (const key of Reflect.ownKeys(init)) {
        if (typeof key !== "string") continue;
        const d = Reflect.getOwnPropertyDescriptor(init, key);
        if (d === undefined || !d.enumerable) continue;
        this.#list.push([toUSVString(key), toUSVString((init as Record<string, unknown>)[key])]);
      }
    } else {
      this.#list = parseQuery(toUSVString(init));
    }
  }

  static {
    newLinkedParams = (url, query) => {
      const p = new URLSearchParams();
      p.#list = parseQuery(query);
      p.#url = url;
      return p;
    };
    setParamsList = (p, query) => {
      p.#list = parseQuery(query);
    };
  }

  #update(): void {
    if (this.#url !== null) updateQuery(this.#url, this.toString());
  }

  get size(): number {
    return this.#list.length;
  }

  append(name: string, value: string): void {
    requireArgs(arguments.length, 2, "URLSearchParams.append");
    this.#list.push([toUSVString(name), toUSVString(value)]);
    this.#update();
  }

  delete(name: string, value?: string): void {
    requireArgs(arguments.length, 1, "URLSearchParams.delete");
    const n = toUSVString(name);
    if (value === undefined) {
      this.#list = this.#list.filter((p) => p[0] !== n);
    } else {
      const v = toUSVString(value);
      this.#list = this.#list.filter((p) => p[0] !== n || p[1] !== v);
    }
    this.#update();
  }

  get(name: string): string | null {
    requireArgs(arguments.length, 1, "URLSearchParams.get");
    const n = toUSVString(name);
    for (const p of this.#list) if (p[0] === n) return p[1];
    return null;
  }

  getAll(name: string): string[] {
    requireArgs(arguments.length, 1, "URLSearchParams.getAll");
    const n = toUSVString(name);
    const out: string[] = [];
    for (const p of this.#list) if (p[0] === n) out.push(p[1]);
    return out;
  }

  has(name: string, value?: string): boolean {
    requireArgs(arguments.length, 1, "URLSearchParams.has");
    const n = toUSVString(name);
    if (value === undefined) return this.#list.some((p) => p[0] === n);
    const v = toUSVString(value);
    return this.#list.some((p) => p[0] === n && p[1] === v);
  }

  set(name: string, value: string): void {
    requireArgs(arguments.length, 2, "URLSearchParams.set");
    const n = toUSVString(name);
    const v = toUSVString(value);
    const i = this.#list.findIndex((p) => p[0] === n);
    if (i < 0) {
      this.#list.push([n, v]);
    } else {
      this.#list[i]![1] = v;
      // Keep the first, drop the other pairs with that name.
      this.#list = this.#list.filter((p, j) => j <= i || p[0] !== n);
    }
    this.#update();
  }

  sort(): void {
    // Stable, by UTF-16 code units of the names: exactly what comparing
    // JS strings with < does, and Array.prototype.sort is stable.
    this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.#update();
  }

  forEach(callback: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: unknown): void {
    requireArgs(arguments.length, 1, "URLSearchParams.forEach");
    if (typeof callback !== "function") throw new TypeError("URLSearchParams.forEach: callback is not a function");
    // Live: reads the list at each step, as WebIDL's iterable forEach does.
    for (let i = 0; i < this.#list.length; i++) {
      const p = this.#list[i]!;
      callback.call(thisArg, p[1], p[0], this);
    }
  }

  entries(): IterableIterator<[string, string]> {
    return new ParamsIterator(this, "entries") as unknown as IterableIterator<[string, string]>;
  }

  keys(): IterableIterator<string> {
    return new ParamsIterator(this, "keys") as unknown as IterableIterator<string>;
  }

  values(): IterableIterator<string> {
    return new ParamsIterator(this, "values") as unknown as IterableIterator<string>;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  toString(): string {
    const list = this.#list;
    const n = list.length * 2;
    if (n === 0) return "";
    // Names and values made only of the serializer's unescaped bytes
    // (alphanumerics and *-._) serialize as themselves: skip the op.
    let plain = true;
    for (let i = 0; i < list.length && plain; i++) plain = UNESCAPED.test(list[i]![0]) && UNESCAPED.test(list[i]![1]);
    if (plain) {
      let out = "";
      for (let i = 0; i < list.length; i++) out += (i === 0 ? "" : "&") + list[i]![0] + "=" + list[i]![1];
      return out;
    }
    if (n > ends.length) ends = new Uint32Array(n);
    // Names and values laid end to end, cut by their UTF-16 end offsets.
    let joined = "";
    for (let i = 0; i < list.length; i++) {
      joined += list[i]![0];
      ends[2 * i] = joined.length;
      joined += list[i]![1];
      ends[2 * i + 1] = joined.length;
    }
    return webOps.formUrlEncode(joined, ends, n);
  }

  /** For ParamsIterator: the pair at `i`, read live. */
  static pairAt(p: URLSearchParams, i: number): Pair | undefined {
    return p.#list[i];
  }
}

enumerable(URLSearchParams.prototype, ownMembers(URLSearchParams.prototype));
Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, {
  value: URLSearchParams.prototype.entries,
  writable: true,
  enumerable: false,
  configurable: true,
});
toStringTag(URLSearchParams.prototype, "URLSearchParams");
// Node's form: URLSearchParams { 'a' => '1', 'b' => '2' }
Object.defineProperty(URLSearchParams.prototype, inspectSymbol, {
  value: function (this: URLSearchParams, depth: number, opts: object, inspect?: (v: unknown, o?: object) => string) {
    if (depth < 0) return "[URLSearchParams]";
    const show = typeof inspect === "function" ? (v: unknown) => inspect(v, opts) : (v: unknown) => JSON.stringify(v);
    const pairs = [...this].map(([k, v]) => `${show(k)} => ${show(v)}`);
    return pairs.length === 0 ? "URLSearchParams {}" : `URLSearchParams { ${pairs.join(", ")} }`;
  },
  writable: true,
  enumerable: false,
  configurable: true,
});
const pairAt = URLSearchParams.pairAt;
delete (URLSearchParams as { pairAt?: unknown }).pairAt;

// WebIDL's default iterator objects: live over the list, sharing a
// prototype that inherits from %IteratorPrototype%.
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;

class ParamsIterator {
  #target: URLSearchParams;
  #kind: "entries" | "keys" | "values";
  #index = 0;

  constructor(target: URLSearchParams, kind: "entries" | "keys" | "values") {
    this.#target = target;
    this.#kind = kind;
  }

  next(): IteratorResult<string | [string, string]> {
    const p = pairAt(this.#target, this.#index);
    if (p === undefined) return { value: undefined, done: true };
    this.#index++;
    const value = this.#kind === "keys" ? p[0] : this.#kind === "values" ? p[1] : ([p[0], p[1]] as [string, string]);
    return { value, done: false };
  }
}

Object.setPrototypeOf(ParamsIterator.prototype, IteratorPrototype);
enumerable(ParamsIterator.prototype, ["next"]);
toStringTag(ParamsIterator.prototype, "URLSearchParams Iterator");
