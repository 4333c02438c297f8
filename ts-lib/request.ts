// WHATWG Request (https://fetch.spec.whatwg.org/#request-class).
//
// Two kinds of Request share this class so that `req instanceof Request`
// holds for both:
// - user-made (`new Request(url, init)`): every field is set eagerly;
// - server-made (serverRequest(r)): a handle into the batch and nothing
//   else. method, url, headers and the body are read from Rust the first
//   time the handler asks; a handler that never reads req.url costs no
//   string at all. The handle's lifetime is handle.ts's business.

import { ops } from "./core_ops.ts";
import { Headers, appendTrusted, hasTrusted, copyHeaders, lazyHeaders, type HeadersInit } from "./headers.ts";
import {
  bodyStream,
  bodyUsed,
  cloneBody,
  consumeArrayBuffer,
  consumeBlob,
  consumeBytes,
  consumeFormData,
  consumeJson,
  consumeText,
  extractBody,
  parseBodyFormData,
  toArrayBuffer,
  type BodySource,
} from "./body.ts";
import { DETACHED, liveHandle } from "./handle.ts";
import { URL } from "./url.ts";
import { AbortSignal, addAbortAlgorithm, newAbortSignal, signalAbort } from "./abort.ts";
import { Blob } from "./blob.ts";
import { DOMException } from "./event.ts";
import type { FormData } from "./formdata.ts";
import type { ReadableStream } from "./streams.ts";
import { customInspect, inspect, type InspectOptions } from "./format.ts";
import { enumerable, ownMembers, toStringTag } from "./webidl.ts";

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: unknown;
  signal?: AbortSignal | null;
  redirect?: string;
  cache?: string;
  credentials?: string;
  mode?: string;
  referrer?: string;
  referrerPolicy?: string;
  integrity?: string;
  keepalive?: boolean;
  duplex?: string;
  priority?: string;
  window?: unknown;
}

/** The less-used fields, kept together; null on a request means all defaults. */
interface Options {
  cache: string;
  credentials: string;
  mode: string;
  redirect: string;
  referrer: string;
  referrerPolicy: string;
  integrity: string;
  keepalive: boolean;
  priority: string;
}

const DEFAULTS: Options = Object.freeze({
  cache: "default",
  credentials: "same-origin",
  mode: "cors",
  redirect: "follow",
  referrer: "about:client",
  referrerPolicy: "",
  integrity: "",
  keepalive: false,
  priority: "auto",
});

const ENUMS: Record<string, readonly string[]> = {
  cache: ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"],
  credentials: ["omit", "same-origin", "include"],
  mode: ["same-origin", "no-cors", "cors", "navigate"],
  redirect: ["follow", "error", "manual"],
  referrerPolicy: [
    "",
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
  ],
  priority: ["high", "low", "auto"],
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_METHODS = ["CONNECT", "TRACE", "TRACK"];
// fetch's "normalize a method" upper-cases only these; "patch" stays as
// written, as in browsers.
const NORMALIZED_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/** Marks a body that still lives in Rust (a server request not yet read). */
const SERVER_BODY = Object.freeze({ serverBody: true });
/** Constructor token for server requests. */
const SERVER_REQUEST = Symbol("server request");

/**
 * Server requests whose `signal` was read while deferred, by handle: the
 * drain callback aborts them when their client goes away (server.ts).
 */
export const watchedSignals = new Map<number, Request>();

function normalizeMethod(m: unknown): string {
  const s = `${m}`;
  if (!TOKEN.test(s)) throw new TypeError(`Invalid request method: ${JSON.stringify(s)}`);
  const upper = s.toUpperCase();
  if (FORBIDDEN_METHODS.includes(upper)) throw new TypeError(`Request method ${upper} is forbidden`);
  return NORMALIZED_METHODS.includes(upper) ? upper : s;
}

function enumValue(name: string, v: unknown): string {
  const s = `${v}`;
  if (!ENUMS[name].includes(s)) {
    throw new TypeError(`Failed to construct 'Request': '${s}' is not a valid value for ${name}`);
  }
  return s;
}

export class Request {
  /** Server request handle, or DETACHED (user-made, or answered). */
  declare _r: number;
  /** "host:port" to use when a server request has no Host header; null for user-made. */
  declare _defaultHost: string | null;
  declare _method: string | null;
  declare _url: string | null;
  declare _headers: Headers | null;
  declare _src: BodySource | object;
  declare _stream: ReadableStream<Uint8Array> | null;
  declare _used: boolean;
  declare _signal: AbortSignal | null;
  declare _opts: Options | null;

  constructor(input: string | URL | Request, init?: RequestInit) {
    this._r = DETACHED;
    this._defaultHost = null;
    this._method = null;
    this._url = null;
    this._headers = null;
    this._src = SERVER_BODY;
    this._stream = null;
    this._used = false;
    this._signal = null;
    this._opts = null;
    if ((input as unknown) === SERVER_REQUEST) return;
    construct(this, input, init);
  }

  get method(): string {
    const m = this._method;
    return m !== null ? m : (this._method = ops.reqMethod(liveHandle(this)));
  }

  get url(): string {
    const u = this._url;
    return u !== null ? u : (this._url = serverUrl(this));
  }

  get headers(): Headers {
    const h = this._headers;
    return h !== null ? h : (this._headers = lazyHeaders(this));
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this._src === SERVER_BODY) loadServerBody(this);
    return bodyStream(this);
  }

  get bodyUsed(): boolean {
    return bodyUsed(this);
  }

  get signal(): AbortSignal {
    let s = this._signal;
    if (s === null) {
      s = this._signal = newAbortSignal();
      if (this._defaultHost !== null && this._r < 0) watchSignal(this);
    }
    return s;
  }

  get cache(): string {
    return (this._opts ?? DEFAULTS).cache;
  }
  get credentials(): string {
    return (this._opts ?? DEFAULTS).credentials;
  }
  get destination(): string {
    return "";
  }
  get integrity(): string {
    return (this._opts ?? DEFAULTS).integrity;
  }
  get keepalive(): boolean {
    return (this._opts ?? DEFAULTS).keepalive;
  }
  get mode(): string {
    return (this._opts ?? DEFAULTS).mode;
  }
  get redirect(): string {
    return (this._opts ?? DEFAULTS).redirect;
  }
  get referrer(): string {
    const r = (this._opts ?? DEFAULTS).referrer;
    return r === "no-referrer" ? "" : r;
  }
  get referrerPolicy(): string {
    return (this._opts ?? DEFAULTS).referrerPolicy;
  }
  get isHistoryNavigation(): boolean {
    return false;
  }
  get isReloadNavigation(): boolean {
    return false;
  }
  get duplex(): string {
    return "half";
  }

  // ---- body: a server request reads Rust's copy directly ------------------

  text(): Promise<string> {
    if (this._src === SERVER_BODY) {
      return serverBody(this, (r) => ops.reqBodyText(r));
    }
    return consumeText(this);
  }

  json(): Promise<any> {
    if (this._src === SERVER_BODY) {
      return serverBody(this, (r) => JSON.parse(ops.reqBodyText(r)));
    }
    return consumeJson(this);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    if (this._src === SERVER_BODY) {
      return serverBody(this, (r) => toArrayBuffer(ops.reqBody(r)));
    }
    return consumeArrayBuffer(this);
  }

  bytes(): Promise<Uint8Array> {
    if (this._src === SERVER_BODY) {
      return serverBody(this, (r) => ops.reqBody(r));
    }
    return consumeBytes(this);
  }

  blob(): Promise<Blob> {
    const type = this.headers.get("content-type");
    if (this._src === SERVER_BODY) {
      return serverBody(this, (r) => new Blob([ops.reqBody(r)], { type: type ?? "" }));
    }
    return consumeBlob(this, type);
  }

  formData(): Promise<FormData> {
    const type = this.headers.get("content-type");
    if (this._src === SERVER_BODY) {
      return serverBody(this, (r) => parseBodyFormData(ops.reqBody(r), type));
    }
    return consumeFormData(this, type);
  }

  clone(): Request {
    if (bodyUsed(this)) throw new TypeError("Request.clone: the body has already been read");
    const c = new Request(SERVER_REQUEST as never);
    c._method = this.method;
    c._url = this.url;
    c._headers = copyHeaders(this.headers);
    c._opts = this._opts;
    if (this._src === SERVER_BODY) loadServerBody(this);
    cloneBody(this, c);
    if (this._signal !== null || this._defaultHost !== null) {
      // The clone follows this request's signal (fetch's "clone a request").
      const s = (c._signal = newAbortSignal());
      const parent = this.signal;
      if (parent.aborted) signalAbort(s, parent.reason);
      else addAbortAlgorithm(parent, () => signalAbort(s, parent.reason));
    }
    return c;
  }

  [customInspect](depth: number, options: InspectOptions): string {
    if (this._r === DETACHED && this._defaultHost !== null && (this._method === null || this._url === null)) {
      return "Request { <answered> }";
    }
    const shown = {
      method: this.method,
      url: this.url,
      headers: this.headers,
      body: this._src === SERVER_BODY ? "<unread>" : this._src === null ? null : this._src,
      bodyUsed: this.bodyUsed,
      redirect: this.redirect,
      signal: this._signal ?? "<not created>",
    };
    return `Request ${inspect(shown, { ...options, depth })}`;
  }
}

// IDL members are enumerable; the tag is a data property (webidl.ts).
enumerable(Request.prototype, ownMembers(Request.prototype));
toStringTag(Request.prototype, "Request");

// ---- user-made requests -----------------------------------------------------

function construct(req: Request, input: string | URL | Request, init: RequestInit | undefined): void {
  let opts: Options | null = null;
  let inputReq: Request | null = null;
  if (input instanceof Request) {
    inputReq = input;
    req._method = input.method;
    req._url = input.url;
    opts = input._opts;
  } else {
    let parsed: URL;
    try {
      parsed = new URL(`${input}`);
    } catch {
      throw new TypeError(`Failed to construct 'Request': Invalid URL ${JSON.stringify(`${input}`)}`);
    }
    if (parsed.username !== "" || parsed.password !== "") {
      throw new TypeError("Failed to construct 'Request': the URL includes credentials");
    }
    req._url = parsed.href;
    req._method = "GET";
  }
  if (init === undefined || init === null) init = {};
  if (typeof init !== "object") throw new TypeError("Failed to construct 'Request': init must be an object");

  // The less-used options.
  let o: Options | null = null;
  const set = <K extends keyof Options>(k: K, v: Options[K]) => {
    o ??= { ...(opts ?? DEFAULTS) };
    o[k] = v;
  };
  if (init.mode !== undefined) {
    const mode = enumValue("mode", init.mode);
    if (mode === "navigate") throw new TypeError("Failed to construct 'Request': mode 'navigate' is not allowed");
    set("mode", mode);
  } else if (inputReq !== null && opts?.mode === "navigate") {
    set("mode", "same-origin");
  }
  if (init.credentials !== undefined) set("credentials", enumValue("credentials", init.credentials));
  if (init.cache !== undefined) set("cache", enumValue("cache", init.cache));
  if (init.redirect !== undefined) set("redirect", enumValue("redirect", init.redirect));
  if (init.referrerPolicy !== undefined) set("referrerPolicy", enumValue("referrerPolicy", init.referrerPolicy));
  if (init.priority !== undefined) set("priority", enumValue("priority", init.priority));
  if (init.integrity !== undefined) set("integrity", `${init.integrity}`);
  if (init.keepalive !== undefined) set("keepalive", !!init.keepalive);
  if (init.referrer !== undefined) {
    const r = `${init.referrer}`;
    if (r === "") {
      set("referrer", "no-referrer");
    } else {
      let href: string;
      try {
        href = new URL(r).href;
      } catch {
        throw new TypeError(`Failed to construct 'Request': Invalid referrer URL ${JSON.stringify(r)}`);
      }
      set("referrer", href);
    }
  }
  const finalOpts: Options | null = o ?? opts;
  if (finalOpts !== null && finalOpts.cache === "only-if-cached" && finalOpts.mode !== "same-origin") {
    throw new TypeError("Failed to construct 'Request': 'only-if-cached' can be set only with 'same-origin' mode");
  }
  req._opts = finalOpts;

  if (init.window !== undefined && init.window !== null) {
    throw new TypeError("Failed to construct 'Request': window can only be null");
  }
  if (init.method !== undefined) req._method = normalizeMethod(init.method);
  if (finalOpts !== null && finalOpts.mode === "no-cors") {
    const m = req._method!;
    if (m !== "GET" && m !== "HEAD" && m !== "POST") {
      throw new TypeError(`Failed to construct 'Request': '${m}' is unsupported in no-cors mode`);
    }
  }

  // Signal: the new request's signal follows init.signal, else input's.
  const parentSignal = init.signal !== undefined ? init.signal : inputReq !== null ? inputReq.signal : null;
  if (parentSignal !== null && parentSignal !== undefined) {
    if (!(parentSignal instanceof AbortSignal)) {
      throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal");
    }
    const s = (req._signal = newAbortSignal());
    if (parentSignal.aborted) signalAbort(s, parentSignal.reason);
    else addAbortAlgorithm(parentSignal, () => signalAbort(s, parentSignal.reason));
  }

  // Headers.
  let headers: Headers;
  if (init.headers !== undefined) headers = new Headers(init.headers);
  else if (inputReq !== null) headers = copyHeaders(inputReq.headers);
  else headers = new Headers();
  req._headers = headers;

  // Body.
  const method = req._method!;
  const hasInitBody = init.body !== undefined && init.body !== null;
  const inputHasBody = inputReq !== null && inputReq.body !== null;
  if ((hasInitBody || inputHasBody) && (method === "GET" || method === "HEAD")) {
    throw new TypeError("Failed to construct 'Request': a GET or HEAD request cannot have a body");
  }
  req._src = null;
  if (hasInitBody) {
    const ctype = extractBody(req, init.body);
    if (ctype !== null && !hasTrusted(headers, "content-type")) appendTrusted(headers, "content-type", ctype);
    if (req._stream !== null && init.duplex !== "half") {
      throw new TypeError("Failed to construct 'Request': duplex: 'half' is required for a ReadableStream body");
    }
  } else if (inputHasBody) {
    // The body moves to the new request; the input is used up.
    if (bodyUsed(inputReq!)) throw new TypeError("Failed to construct 'Request': the input's body is already used");
    cloneBody(inputReq!, req);
    inputReq!._used = true;
  }
}

// ---- server requests --------------------------------------------------------

/** A request of the current batch; everything is read lazily. */
export function serverRequest(r: number, defaultHost: string): Request {
  const req = new Request(SERVER_REQUEST as never);
  req._r = r;
  req._defaultHost = defaultHost;
  return req;
}

function serverUrl(req: Request): string {
  const r = liveHandle(req);
  // The usual case (origin-form target with a Host header), made in one op.
  const url = ops.reqUrl(r);
  if (url !== "") return url;
  const target = ops.reqTarget(r);
  let host = ops.reqHost(r);
  if (host === "") host = req._defaultHost!;
  // origin-form, the usual case.
  if (target.charCodeAt(0) === 47 /* / */) return `http://${host}${target}`;
  // absolute-form (a proxy request): it is already a URL.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(target)) return target;
  // asterisk-form (OPTIONS *) and authority-form (CONNECT).
  return `http://${host}/`;
}

function serverBody<T>(req: Request, read: (r: number) => T): Promise<T> {
  if (req._used) return Promise.reject(new TypeError("Body is unusable: it has already been read"));
  try {
    const r = liveHandle(req);
    req._used = true;
    return Promise.resolve(read(r));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Copies a server request's body into JS (for `.body` and clone()). */
function loadServerBody(req: Request): void {
  const r = liveHandle(req);
  const bytes = ops.reqBody(r);
  // A request without a body has a null body, not an empty one.
  req._src =
    bytes.length !== 0 || ops.reqHeader(r, "content-length") !== null || ops.reqHeader(r, "transfer-encoding") !== null
      ? bytes
      : null;
}

function watchSignal(req: Request): void {
  const h = req._r;
  watchedSignals.set(h, req);
  if (ops.reqClosed(h)) abortRequest(h);
}

/** A deferred request was deferred or answered: keep the signal registry in step. */
export function onDeferred(req: Request, h: number): void {
  req._r = h;
  if (req._signal !== null) watchSignal(req);
}

export function onAnswered(req: Request): void {
  const h = req._r;
  if (h < 0 && req._signal !== null) watchedSignals.delete(h);
  req._r = DETACHED;
}

/** The client of deferred request `h` went away. */
export function abortRequest(h: number): void {
  const req = watchedSignals.get(h);
  if (req === undefined) return;
  watchedSignals.delete(h);
  signalAbort(req._signal!, new DOMException("The client disconnected before the response was sent", "AbortError"));
}
