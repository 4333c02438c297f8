// node:url: the WHATWG URL (the globals), Node's file-URL helpers, and the
// legacy API (url.parse/format/resolve and the Url object they use), which
// many packages still call. The legacy parser follows Node's own rules, not
// the WHATWG ones: it never fails on a relative URL, keeps what it does not
// understand in `pathname`, and leaves `slashes`, `auth` and `query` as Node
// reports them, since code reads those fields directly.

import { ops } from "../core_ops.ts";
import { coded, invalidArgType, notImplemented } from "./internal/errors.ts";
import { resolve as resolvePath } from "./path_posix.ts";
import { process } from "./internal/process.ts";
import { parse as parseQuery, stringify as stringifyQuery } from "./querystring.ts";

const URLClass = globalThis.URL;
const emitWarning = (...args: Parameters<typeof process.emitWarning>) => process.emitWarning(...args);
const URLSearchParamsClass = globalThis.URLSearchParams;
export { URLClass as URL, URLSearchParamsClass as URLSearchParams };

// Protocols that never have a host, and those that always do (`//`).
const hostless = new Set(["javascript", "javascript:"]);
const slashed = new Set([
  "http", "http:", "https", "https:", "ftp", "ftp:", "gopher", "gopher:", "file", "file:", "ws", "ws:", "wss", "wss:",
]);

const protocolPattern = /^[a-z0-9.+-]+:/i;
const portPattern = /:[0-9]*$/;
const hostWithAuth = /^\/\/[^@/]+@[^@/]+/;
const simplePath = /^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/;
const forbiddenHostChars = /[\0\t\n\r #%/:<>?@[\\\]^|]/;
const forbiddenIpv6HostChars = /[\0\t\n\r #%/<>?@\\^|]/;
const hostnameMaxLength = 255;
let warnedInvalidPort = false;

// Characters escaped in the part after the host (RFC 2396 "unwise" and
// delimiters), as Node escapes them.
const autoEscape: Record<string, string> = {
  "\t": "%09", "\n": "%0A", "\r": "%0D", " ": "%20", '"': "%22", "'": "%27", "<": "%3C", ">": "%3E",
  "\\": "%5C", "^": "%5E", "`": "%60", "{": "%7B", "|": "%7C", "}": "%7D",
};
const autoEscapeChars = /[\t\n\r "'<>\\^`{|}]/g;

// The ASCII characters `auth` keeps unescaped when formatted.
const authKept = /[A-Za-z0-9!$&'()*+,\-.:;=_~]/;

function invalidUrl(input: string): TypeError {
  return Object.assign(coded(new TypeError("Invalid URL"), "ERR_INVALID_URL"), { input });
}

function isBracketed(host: string): boolean {
  return host.length >= 2 && host[0] === "[" && host[host.length - 1] === "]";
}

/** Node's legacy URL object: every field null until parse() fills it. */
export class Url {
  protocol: string | null = null;
  slashes: boolean | null = null;
  auth: string | null = null;
  host: string | null = null;
  port: string | null = null;
  hostname: string | null = null;
  hash: string | null = null;
  search: string | null = null;
  query: string | Record<string, unknown> | null = null;
  pathname: string | null = null;
  path: string | null = null;
  href: string | null = null;

  parse(url: unknown, parseQueryString?: boolean, slashesDenoteHost?: boolean): this {
    if (typeof url !== "string") throw invalidArgType("url", "of type string", url);
    let rest = trimAndFlipBackslashes(url);
    const beforeSplit = rest.search(/[?#]/);
    const head = beforeSplit === -1 ? rest : rest.slice(0, beforeSplit);
    const hasHash = rest.includes("#");
    const hasAt = head.includes("@");

    if (!slashesDenoteHost && !hasHash && !hasAt) {
      const simple = simplePath.exec(rest);
      if (simple) {
        this.path = rest;
        this.href = rest;
        this.pathname = simple[1];
        if (simple[2]) {
          this.search = simple[2];
          this.query = parseQueryString ? queryObject(this.search.slice(1)) : this.search.slice(1);
        } else if (parseQueryString) {
          this.search = null;
          this.query = queryObject("");
        }
        return this;
      }
    }

    const protoMatch = protocolPattern.exec(rest);
    let proto = "";
    let lowerProto = "";
    if (protoMatch) {
      proto = protoMatch[0];
      lowerProto = proto.toLowerCase();
      this.protocol = lowerProto;
      rest = rest.slice(proto.length);
    }

    let slashes = false;
    if (slashesDenoteHost || proto || hostWithAuth.test(rest)) {
      slashes = rest.startsWith("//");
      if (slashes && !(proto && hostless.has(lowerProto))) {
        rest = rest.slice(2);
        this.slashes = true;
      }
    }

    if (!hostless.has(lowerProto) && (slashes || (proto && !slashed.has(proto)))) {
      rest = this.#parseAuthority(rest, url);
    }

    if (lowerProto !== "javascript") rest = rest.replace(autoEscapeChars, (c) => autoEscape[c]);

    const hashAt = rest.indexOf("#");
    if (hashAt !== -1) this.hash = rest.slice(hashAt);
    const beforeHash = hashAt === -1 ? rest : rest.slice(0, hashAt);
    const questionAt = beforeHash.indexOf("?");
    if (questionAt !== -1) {
      this.search = beforeHash.slice(questionAt);
      const q = beforeHash.slice(questionAt + 1);
      this.query = parseQueryString ? queryObject(q) : q;
    } else if (parseQueryString) {
      this.search = null;
      this.query = queryObject("");
    }
    const pathEnd = questionAt !== -1 ? questionAt : hashAt;
    if (pathEnd === -1) {
      if (rest.length > 0) this.pathname = rest;
    } else if (pathEnd > 0) {
      this.pathname = rest.slice(0, pathEnd);
    }
    if (slashed.has(lowerProto) && this.hostname && !this.pathname) this.pathname = "/";
    if (this.pathname || this.search) this.path = (this.pathname || "") + (this.search || "");
    this.href = this.format();
    return this;
  }

  /** Takes `auth@host:port` off the front of `rest`; returns what follows. */
  #parseAuthority(rest: string, url: string): string {
    // The host ends at the first of `/?#`, or earlier at a character no
    // host may hold (unless an `@` comes later: then that was the auth).
    let hostEnd = -1;
    let atSign = -1;
    let nonHost = -1;
    for (let i = 0; i < rest.length && hostEnd === -1; i++) {
      const c = rest[i];
      if (c === "#" || c === "/" || c === "?") {
        if (nonHost === -1) nonHost = i;
        hostEnd = i;
      } else if (c === "@") {
        atSign = i;
        nonHost = -1;
      } else if ("\t\n\r \"%';<>\\^`{|}".includes(c)) {
        if (nonHost === -1) nonHost = i;
      }
    }
    let start = 0;
    if (atSign !== -1) {
      this.auth = decodeURIComponent(rest.slice(0, atSign));
      start = atSign + 1;
    }
    if (nonHost === -1) {
      this.host = rest.slice(start);
      rest = "";
    } else {
      this.host = rest.slice(start, nonHost);
      rest = rest.slice(nonHost);
    }
    this.#splitPort();
    if (typeof this.hostname !== "string") this.hostname = "";
    const ipv6 = isBracketed(this.hostname);
    if (!ipv6) {
      // A hostname holding `/\#?:` ends there; the remainder joins the path.
      const bad = this.hostname.search(/[/\\#?:]/);
      if (bad !== -1 && this.hostname[bad] === ":" && !warnedInvalidPort) {
        // An invalid port: Node warns (once per process) and carries on.
        warnedInvalidPort = true;
        emitWarning(`The URL ${url} is invalid. Future versions of Node.js will throw an error.`, "DeprecationWarning", "DEP0170");
      }
      if (bad !== -1) {
        rest = `/${this.hostname.slice(bad)}${rest}`;
        this.hostname = this.hostname.slice(0, bad);
      }
    }
    this.hostname = this.hostname.length > hostnameMaxLength ? "" : this.hostname.toLowerCase();
    if (this.hostname !== "") {
      if (ipv6) {
        if (forbiddenIpv6HostChars.test(this.hostname)) throw invalidUrl(url);
      } else {
        this.hostname = hostnameToASCII(this.hostname);
        if (forbiddenHostChars.test(this.hostname)) throw invalidUrl(url);
      }
    }
    this.host = this.hostname + (this.port ? `:${this.port}` : "");
    if (ipv6) {
      this.hostname = this.hostname.slice(1, -1);
      if (rest[0] !== "/") rest = `/${rest}`;
    }
    return rest;
  }

  #splitPort(): void {
    let host = this.host || "";
    const port = portPattern.exec(host);
    if (port) {
      if (port[0] !== ":") this.port = port[0].slice(1);
      host = host.slice(0, host.length - port[0].length);
    }
    if (host) this.hostname = host;
  }

  format(): string {
    let auth = this.auth || "";
    if (auth) auth = `${escapeAuth(auth)}@`;
    let protocol = this.protocol || "";
    let pathname = this.pathname || "";
    let hash = this.hash || "";
    let host = "";
    if (this.host) {
      host = auth + this.host;
    } else if (this.hostname) {
      const h = this.hostname;
      host = auth + (h.includes(":") && !isBracketed(h) ? `[${h}]` : h);
      if (this.port) host += `:${this.port}`;
    }
    const query = this.query !== null && typeof this.query === "object" ? stringifyQuery(this.query as never) : "";
    let search = this.search || (query && `?${query}`) || "";
    if (protocol && !protocol.endsWith(":")) protocol += ":";
    pathname = pathname.replace(/[#?]/g, (c) => (c === "#" ? "%23" : "%3F"));
    // Only the slashed protocols get `//` (mailto: and the like only when
    // they had it); a file URL without a host still does.
    if (this.slashes || slashed.has(protocol)) {
      if (this.slashes || host) {
        if (pathname && pathname[0] !== "/") pathname = `/${pathname}`;
        host = `//${host}`;
      } else if (protocol.startsWith("file")) {
        host = "//";
      }
    }
    search = search.replace(/#/g, "%23");
    if (hash && hash[0] !== "#") hash = `#${hash}`;
    if (search && search[0] !== "?") search = `?${search}`;
    return protocol + host + pathname + search + hash;
  }

  resolve(relative: string): string {
    return this.resolveObject(urlParse(relative, false, true)).format();
  }

  resolveObject(relative: string | Url): Url {
    const rel = typeof relative === "string" ? urlParse(relative, false, true) : relative;
    return resolveUrl(this, rel);
  }
}

/** The string with surrounding whitespace dropped and `\` turned into `/` before the first `?` or `#`. */
function trimAndFlipBackslashes(url: string): string {
  const isWs = (c: number) => c < 33 || c === 0xa0 || c === 0xfeff;
  let start = 0;
  let end = url.length;
  while (start < end && isWs(url.charCodeAt(start))) start++;
  while (end > start && isWs(url.charCodeAt(end - 1))) end--;
  const s = url.slice(start, end);
  const split = s.search(/[?#]/);
  return split === -1 ? s.replace(/\\/g, "/") : s.slice(0, split).replace(/\\/g, "/") + s.slice(split);
}

function queryObject(q: string): Record<string, unknown> {
  return Object.assign(Object.create(null), parseQuery(q));
}

/** `auth` as formatted: percent-encoded UTF-8 except the characters Node keeps. */
function escapeAuth(auth: string): string {
  let out = "";
  for (const ch of auth) {
    if (ch.length === 1 && ch.charCodeAt(0) < 128) {
      out += authKept.test(ch) ? ch : `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
    } else {
      try {
        out += encodeURIComponent(ch);
      } catch {
        throw coded(new URIError("URI malformed"), "ERR_INVALID_URI");
      }
    }
  }
  return out;
}

function hostnameToASCII(hostname: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(hostname)) return hostname;
  return ops.domainToASCII(hostname);
}

/** Url.prototype.resolveObject: `rel` taken relative to `base`, as Node's legacy resolver does. */
function resolveUrl(base: Url, rel: Url): Url {
  const result = Object.assign(new Url(), base);
  // The hash always comes from `rel`, even when it has none.
  result.hash = rel.hash;
  if (rel.href === "") {
    result.href = result.format();
    return result;
  }
  // `//host/path` keeps only the protocol.
  if (rel.slashes && !rel.protocol) {
    for (const key of Object.keys(rel) as (keyof Url)[]) {
      if (key !== "protocol") (result as unknown as Record<string, unknown>)[key] = rel[key];
    }
    if (slashed.has(result.protocol ?? "") && result.hostname && !result.pathname) result.path = result.pathname = "/";
    result.href = result.format();
    return result;
  }
  if (rel.protocol && rel.protocol !== result.protocol) {
    // Another protocol: a non-slashed one is absolute as it stands; a
    // slashed one needs a host (file: excepted), taken from the path.
    if (!slashed.has(rel.protocol)) {
      Object.assign(result, rel);
      result.href = result.format();
      return result;
    }
    result.protocol = rel.protocol;
    if (!rel.host && !/^file:?$/.test(rel.protocol) && !hostless.has(rel.protocol)) {
      const relPath = (rel.pathname || "").split("/");
      while (relPath.length && !(rel.host = relPath.shift() ?? null));
      if (!rel.host) rel.host = "";
      if (!rel.hostname) rel.hostname = "";
      if (relPath[0] !== "") relPath.unshift("");
      if (relPath.length < 2) relPath.unshift("");
      result.pathname = relPath.join("/");
    } else {
      result.pathname = rel.pathname;
    }
    result.search = rel.search;
    result.query = rel.query;
    result.host = rel.host || "";
    result.auth = rel.auth;
    result.hostname = rel.hostname || rel.host;
    result.port = rel.port;
    if (result.pathname || result.search) result.path = (result.pathname || "") + (result.search || "");
    result.slashes = result.slashes || rel.slashes;
    result.href = result.format();
    return result;
  }

  const isSourceAbs = result.pathname?.[0] === "/";
  const isRelAbs = !!rel.host || rel.pathname?.[0] === "/";
  let mustEndAbs = isRelAbs || isSourceAbs || !!(result.host && rel.pathname);
  const removeAllDots = mustEndAbs;
  let srcPath: string[] = result.pathname ? result.pathname.split("/") : [];
  const relPath: string[] = rel.pathname ? rel.pathname.split("/") : [];
  // A non-slashed URL (mailto:) keeps its "host" as the path's first part,
  // so `..` can climb into it.
  const noLeadingSlashes = !!result.protocol && !slashed.has(result.protocol);
  if (noLeadingSlashes) {
    result.hostname = "";
    result.port = null;
    if (result.host) {
      if (srcPath[0] === "") srcPath[0] = result.host;
      else srcPath.unshift(result.host);
    }
    result.host = "";
    if (rel.protocol) {
      rel.hostname = null;
      rel.port = null;
      if (rel.host) {
        if (relPath[0] === "") relPath[0] = rel.host;
        else relPath.unshift(rel.host);
      }
      rel.host = null;
    }
    mustEndAbs = mustEndAbs && (relPath[0] === "" || srcPath[0] === "");
  }

  if (isRelAbs) {
    if (rel.host || rel.host === "") {
      if (result.host !== rel.host) result.auth = null;
      result.host = rel.host;
      result.port = rel.port;
    }
    if (rel.hostname || rel.hostname === "") {
      if (result.hostname !== rel.hostname) result.auth = null;
      result.hostname = rel.hostname;
    }
    result.search = rel.search;
    result.query = rel.query;
    srcPath = relPath;
  } else if (relPath.length) {
    // Relative: the base's last segment is replaced.
    srcPath.pop();
    srcPath = srcPath.concat(relPath);
    result.search = rel.search;
    result.query = rel.query;
  } else if (rel.search !== null && rel.search !== undefined) {
    // Only a query (`?x`).
    if (noLeadingSlashes) {
      result.hostname = result.host = srcPath.shift() ?? null;
      splitAuthFromHost(result);
    }
    result.search = rel.search;
    result.query = rel.query;
    if (result.pathname !== null || result.search !== null) {
      result.path = (result.pathname ? result.pathname : "") + (result.search ? result.search : "");
    }
    result.href = result.format();
    return result;
  }

  if (!srcPath.length) {
    result.pathname = null;
    result.path = result.search ? `/${result.search}` : null;
    result.href = result.format();
    return result;
  }

  // A path ending in `.` or `..` (or empty) keeps a trailing slash.
  let last = srcPath[srcPath.length - 1];
  const hasTrailingSlash =
    ((result.host || rel.host || srcPath.length > 1) && (last === "." || last === "..")) || last === "";
  let up = 0;
  for (let i = srcPath.length - 1; i >= 0; i--) {
    last = srcPath[i];
    if (last === ".") {
      srcPath.splice(i, 1);
    } else if (last === "..") {
      srcPath.splice(i, 1);
      up++;
    } else if (up) {
      srcPath.splice(i, 1);
      up--;
    }
  }
  // A relative result may climb above where it started.
  if (!mustEndAbs && !removeAllDots) {
    while (up--) srcPath.unshift("..");
  }
  if (mustEndAbs && srcPath[0] !== "" && (!srcPath[0] || srcPath[0][0] !== "/")) srcPath.unshift("");
  if (hasTrailingSlash && !srcPath.join("/").endsWith("/")) srcPath.push("");
  const isAbsolute = srcPath[0] === "" || (!!srcPath[0] && srcPath[0][0] === "/");
  if (noLeadingSlashes) {
    result.hostname = result.host = isAbsolute ? "" : srcPath.length ? (srcPath.shift() as string) : "";
    splitAuthFromHost(result);
  }
  mustEndAbs = mustEndAbs || !!(result.host && srcPath.length);
  if (mustEndAbs && !isAbsolute) srcPath.unshift("");
  if (srcPath.length > 0) {
    result.pathname = srcPath.join("/");
  } else {
    result.pathname = null;
    result.path = null;
  }
  if (result.pathname !== null || result.search !== null) {
    result.path = (result.pathname ? result.pathname : "") + (result.search ? result.search : "");
  }
  result.auth = rel.auth || result.auth;
  result.slashes = result.slashes || rel.slashes;
  result.href = result.format();
  return result;
}

/** `user@host` left in host by a non-slashed URL (mailto:) goes back to auth. */
function splitAuthFromHost(result: Url): void {
  const host = result.host;
  if (host && host.indexOf("@") > 0) {
    const [auth, rest] = host.split("@");
    result.auth = auth;
    result.host = result.hostname = rest;
  }
}

function urlParse(url: unknown, parseQueryString?: boolean, slashesDenoteHost?: boolean): Url {
  if (url instanceof Url) return url;
  return new Url().parse(url, parseQueryString, slashesDenoteHost);
}
export { urlParse as parse };

/** url.format: a legacy object (or a string, parsed first) as Node formats it; a WHATWG URL with options. */
export function format(
  urlObject: unknown,
  options?: { auth?: boolean; fragment?: boolean; search?: boolean; unicode?: boolean },
): string {
  if (typeof urlObject === "string") return urlParse(urlObject).format();
  if (typeof urlObject !== "object" || urlObject === null) {
    throw invalidArgType("urlObject", "one of type object or string", urlObject);
  }
  if (urlObject instanceof URLClass) {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw invalidArgType("options", "of type object", options);
    }
    const u = new URLClass(urlObject.href);
    if (options?.auth === false) {
      u.username = "";
      u.password = "";
    }
    if (options?.fragment === false) u.hash = "";
    if (options?.search === false) u.search = "";
    if (options?.unicode === true && u.hostname) {
      const unicodeHost = domainToUnicode(u.hostname);
      return u.href.replace(`//${hostWithCredentials(u)}${u.hostname}`, `//${hostWithCredentials(u)}${unicodeHost}`);
    }
    return u.href;
  }
  return Url.prototype.format.call(urlObject as Url);
}

function hostWithCredentials(u: URL): string {
  if (!u.username && !u.password) return "";
  return `${u.username}${u.password ? `:${u.password}` : ""}@`;
}

/** url.resolve(from, to): `to` taken relative to `from`, by the legacy rules. */
export function resolve(from: string, to: string): string {
  return urlParse(from, false, true).resolve(to);
}

export function resolveObject(source: unknown, relative: string): Url | string {
  if (!source) return relative;
  return urlParse(source, false, true).resolveObject(relative);
}

/** The punycode (ASCII) form of a domain; "" when it is not a valid domain. */
export function domainToASCII(domain: unknown): string {
  return ops.domainToASCII(String(domain));
}

/** The Unicode form of a domain; "" when it is not a valid domain. */
export function domainToUnicode(domain: unknown): string {
  return ops.domainToUnicode(String(domain));
}

/** The absolute path a file: URL names (POSIX rules: no host, no encoded `/`). */
export function fileURLToPath(path: unknown, options?: { windows?: boolean }): string {
  let url: URL;
  if (typeof path === "string") url = new URLClass(path);
  else if (path instanceof URLClass) url = path;
  else throw invalidArgType("path", "of type string or an instance of URL", path);
  if (url.protocol !== "file:") throw coded(new TypeError("The URL must be of scheme file"), "ERR_INVALID_URL_SCHEME");
  if (options?.windows) throw notImplemented("url.fileURLToPath with { windows: true }");
  if (url.hostname !== "") {
    throw coded(
      new TypeError('File URL host must be "localhost" or empty on linux'),
      "ERR_INVALID_FILE_URL_HOST",
    );
  }
  const pathname = url.pathname;
  if (/%2f/i.test(pathname)) {
    throw coded(new TypeError("File URL path must not include encoded / characters"), "ERR_INVALID_FILE_URL_PATH");
  }
  return decodeURIComponent(pathname);
}

/** A file: URL for a path (made absolute against the working directory), escaping what a URL would misread. */
export function pathToFileURL(filepath: unknown, options?: { windows?: boolean }): URL {
  if (typeof filepath !== "string") throw invalidArgType("path", "of type string", filepath);
  if (options?.windows) throw notImplemented("url.pathToFileURL with { windows: true }");
  let resolved = resolvePath(filepath);
  if (filepath.endsWith("/") && !resolved.endsWith("/")) resolved += "/";
  // Escaped before parsing: what the URL parser would read as syntax (`?`,
  // `#`, `%`, `\\`) or drop (tabs and newlines, a trailing space), and the
  // characters Node escapes besides (`[]^|~`).
  return new URLClass(`file://${resolved.replace(fileUrlEscaped, (c) => fileUrlEscapes[c])}`);
}

const fileUrlEscaped = /[%\\\t\n\r ?#[\]^|~"<>`{}]/g;
const fileUrlEscapes: Record<string, string> = Object.fromEntries(
  [..."%\\\t\n\r ?#[]^|~\"<>`{}"].map((c) => [c, `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`]),
);

/** The options object http.request takes, from a WHATWG URL. */
export function urlToHttpOptions(url: URL): Record<string, unknown> {
  const options: Record<string, unknown> = {
    protocol: url.protocol,
    hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    hash: url.hash,
    search: url.search,
    pathname: url.pathname,
    path: `${url.pathname || ""}${url.search || ""}`,
    href: url.href,
  };
  if (url.port !== "") options.port = Number(url.port);
  if (url.username || url.password) {
    options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  }
  return options;
}

export default {
  Url, parse: urlParse, format, resolve, resolveObject, domainToASCII, domainToUnicode, fileURLToPath, pathToFileURL,
  urlToHttpOptions, URL: URLClass, URLSearchParams: URLSearchParamsClass,
};
