// URL and URLSearchParams (WHATWG URL Standard §6).
//
// Parsing, setters and the application/x-www-form-urlencoded codec are the
// Rust `url` crate's (ops urlParse, urlSet, formUrlDecode, formUrlEncode):
// this file only keeps the components Rust returns and links a URL with its
// searchParams both ways.

import { DOMException } from "./event.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, inspectAs, inspectSymbol, ownMembers, requireArgs, toStringTag, toUSVString } from "./webidl.ts";

// Positions in the component arrays urlParse/urlSet return.
const HREF = 0;
const PROTOCOL = 1;
const USERNAME = 2;
const PASSWORD = 3;
const HOST = 4;
const HOSTNAME = 5;
const PORT = 6;
const PATHNAME = 7;
const SEARCH = 8;
const HASH = 9;
const ORIGIN = 10;

type Components = string[];

function parseOrThrow(url: string, base: string | undefined): Components {
  const c = webOps.urlParse(url, base);
  if (c === undefined) {
    throw new TypeError(base === undefined ? `Invalid URL: '${url}'` : `Invalid URL: '${url}' with base '${base}'`);
  }
  return c;
}

// Module-private links between a URL and its URLSearchParams (the spec's
// "URL object" of a URLSearchParams and "query object" of a URL).
let setParamsList: (p: URLSearchParams, query: string) => void;
let newLinkedParams: (url: URL, query: string) => URLSearchParams;
let updateQuery: (url: URL, serialized: string) => void;

/** Components URL.parse already has, for the constructor to take over. */
let preParsed: Components | null = null;

export class URL {
  #c: Components;
  #params: URLSearchParams | null = null;

  constructor(url: string | URL, base?: string | URL) {
    if (preParsed !== null) {
      this.#c = preParsed;
      preParsed = null;
      return;
    }
    requireArgs(arguments.length, 1, "Failed to construct 'URL'");
    this.#c = parseOrThrow(toUSVString(url), base === undefined ? undefined : toUSVString(base));
  }

  /** True when `url` parses (against `base`). */
  static canParse(url: string | URL, base?: string | URL): boolean {
    requireArgs(arguments.length, 1, "URL.canParse");
    return webOps.urlParse(toUSVString(url), base === undefined ? undefined : toUSVString(base)) !== undefined;
  }

  /** Like the constructor, but null instead of a TypeError. */
  static parse(url: string | URL, base?: string | URL): URL | null {
    requireArgs(arguments.length, 1, "URL.parse");
    const c = webOps.urlParse(toUSVString(url), base === undefined ? undefined : toUSVString(base));
    if (c === undefined) return null;
    preParsed = c;
    return new URL("");
  }

  static createObjectURL(_obj: unknown): string {
    throw new DOMException("URL.createObjectURL is not supported in Howth", "NotSupportedError");
  }

  static revokeObjectURL(_url: string): void {
    // No blob URL store: nothing to revoke.
  }

  #set(setter: string, value: unknown): void {
    const c = webOps.urlSet(this.#c[HREF]!, setter, toUSVString(value));
    if (c === undefined) throw new TypeError(`Invalid URL: '${toUSVString(value)}'`);
    const queryChanged = c[SEARCH] !== this.#c[SEARCH];
    this.#c = c;
    // The href and search setters replace the query: the searchParams
    // object (if made) must show the new list.
    if (queryChanged && this.#params !== null) setParamsList(this.#params, c[SEARCH]!);
  }

  /** Called by a linked URLSearchParams after it changed (its "update steps"). */
  static #updateQuery(url: URL, serialized: string): void {
    // Empty serialization means a null query, i.e. no "?" at all.
    url.#c = webOps.urlSet(url.#c[HREF]!, "search", serialized)!;
  }

  get href(): string { return this.#c[HREF]!; }
  set href(v: string) { this.#set("href", v); }

  get origin(): string { return this.#c[ORIGIN]!; }

  get protocol(): string { return this.#c[PROTOCOL]!; }
  set protocol(v: string) { this.#set("protocol", v); }

  get username(): string { return this.#c[USERNAME]!; }
  set username(v: string) { this.#set("username", v); }

  get password(): string { return this.#c[PASSWORD]!; }
  set password(v: string) { this.#set("password", v); }

  get host(): string { return this.#c[HOST]!; }
  set host(v: string) { this.#set("host", v); }

  get hostname(): string { return this.#c[HOSTNAME]!; }
  set hostname(v: string) { this.#set("hostname", v); }

  get port(): string { return this.#c[PORT]!; }
  set port(v: string) { this.#set("port", v); }

  get pathname(): string { return this.#c[PATHNAME]!; }
  set pathname(v: string) { this.#set("pathname", v); }

  get search(): string { return this.#c[SEARCH]!; }
  set search(v: string) { this.#set("search", v); }

  get searchParams(): URLSearchParams {
    // Made on first use: the list it shows is the query's at that moment,
    // and every later change flows both ways through the link.
    return (this.#params ??= newLinkedParams(this, this.#c[SEARCH]!));
  }

  get hash(): string { return this.#c[HASH]!; }
  set hash(v: string) { this.#set("hash", v); }

  toString(): string { return this.#c[HREF]!; }

  toJSON(): string { return this.#c[HREF]!; }

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

function parseQuery(query: string): Pair[] {
  const q = query.charCodeAt(0) === 0x3f ? query.slice(1) : query;
  if (q === "") return [];
  const flat = webOps.formUrlDecode(q);
  const list: Pair[] = new Array(flat.length >> 1);
  for (let i = 0; i < flat.length; i += 2) list[i >> 1] = [flat[i]!, flat[i + 1]!];
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
    const flat: string[] = new Array(this.#list.length * 2);
    for (let i = 0; i < this.#list.length; i++) {
      flat[2 * i] = this.#list[i]![0];
      flat[2 * i + 1] = this.#list[i]![1];
    }
    return flat.length === 0 ? "" : webOps.formUrlEncode(flat);
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
