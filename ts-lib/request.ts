// WHATWG Request (https://fetch.spec.whatwg.org/#request-class).
//
// Two kinds of Request share this class so that `req instanceof Request`
// holds for both:
// - user-made (`new Request(url, init)`): every field is set eagerly;
// - server-made (serverRequest(r)): a handle into the batch and nothing
//   else. method, url, headers and the body are read from Rust the first
//   time the handler asks; a handler that never reads req.url costs no
//   string at all. The handle's lifetime is handle.ts's business.
//
// Either way the fields are #private, out of reach of user code (a
// subclass, a Proxy, Reflect.ownKeys, an assignment); the functions server.ts
// needs are assigned in the class's static block.

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
  type BodyHost,
  type BodySource,
} from "./body.ts";
import { DETACHED, liveHandle, type HandleHolder } from "./handle.ts";
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
const watchedSignals = new Map<number, Request>();

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

// ---- for server.ts and ts-lib (assigned in the static block below) ----------

/** The body fields as body.ts's functions take them. */
export let requestBody!: (req: Request) => BodyHost & HandleHolder;

/** A request of the current batch; everything is read lazily. */
export let serverRequest!: (r: number, defaultHost: string) => Request;

/** A request was deferred (its handle is now `h`): keep the signal registry in step. */
export let onDeferred!: (req: Request, h: number) => void;

/** A request was answered: its handle is gone. */
export let onAnswered!: (req: Request) => void;

/** The client of deferred request `h` went away: abort its signal. */
export let abortRequest!: (h: number) => void;

export class Request {
  /** Server request handle, or DETACHED (user-made, or answered). */
  #r = DETACHED;
  /** "host:port" to use when a server request has no Host header; null for user-made. */
  #defaultHost: string | null = null;
  #method: string | null = null;
  #url: string | null = null;
  #headers: Headers | null = null;
  #src: BodySource | object = SERVER_BODY;
  #stream: ReadableStream<Uint8Array> | null = null;
  #used = false;
  #signal: AbortSignal | null = null;
  #opts: Options | null = null;

  constructor(input: string | URL | Request, init?: RequestInit) {
    if ((input as unknown) === SERVER_REQUEST) return;
    Request.#construct(this, input, init);
  }

  get method(): string {
    return Request.#methodOf(this);
  }

  get url(): string {
    return Request.#urlOf(this);
  }

  get headers(): Headers {
    return Request.#headersOf(this);
  }

  get body(): ReadableStream<Uint8Array> | null {
    return Request.#bodyOf(this);
  }

  get bodyUsed(): boolean {
    return bodyUsed(requestBody(this));
  }

  get signal(): AbortSignal {
    return Request.#signalOf(this);
  }

  get cache(): string {
    return (this.#opts ?? DEFAULTS).cache;
  }
  get credentials(): string {
    return (this.#opts ?? DEFAULTS).credentials;
  }
  get destination(): string {
    return "";
  }
  get integrity(): string {
    return (this.#opts ?? DEFAULTS).integrity;
  }
  get keepalive(): boolean {
    return (this.#opts ?? DEFAULTS).keepalive;
  }
  get mode(): string {
    return (this.#opts ?? DEFAULTS).mode;
  }
  get redirect(): string {
    return (this.#opts ?? DEFAULTS).redirect;
  }
  get referrer(): string {
    const r = (this.#opts ?? DEFAULTS).referrer;
    return r === "no-referrer" ? "" : r;
  }
  get referrerPolicy(): string {
    return (this.#opts ?? DEFAULTS).referrerPolicy;
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
    if (this.#src === SERVER_BODY) {
      return Request.#serverBody(this, (r) => ops.reqBodyText(r));
    }
    return consumeText(requestBody(this));
  }

  json(): Promise<any> {
    if (this.#src === SERVER_BODY) {
      return Request.#serverBody(this, (r) => JSON.parse(ops.reqBodyText(r)));
    }
    return consumeJson(requestBody(this));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#src === SERVER_BODY) {
      return Request.#serverBody(this, (r) => toArrayBuffer(ops.reqBody(r)));
    }
    return consumeArrayBuffer(requestBody(this));
  }

  bytes(): Promise<Uint8Array> {
    if (this.#src === SERVER_BODY) {
      return Request.#serverBody(this, (r) => ops.reqBody(r));
    }
    return consumeBytes(requestBody(this));
  }

  blob(): Promise<Blob> {
    const type = Request.#headersOf(this).get("content-type");
    if (this.#src === SERVER_BODY) {
      return Request.#serverBody(this, (r) => new Blob([ops.reqBody(r)], { type: type ?? "" }));
    }
    return consumeBlob(requestBody(this), type);
  }

  formData(): Promise<FormData> {
    const type = Request.#headersOf(this).get("content-type");
    if (this.#src === SERVER_BODY) {
      return Request.#serverBody(this, (r) => parseBodyFormData(ops.reqBody(r), type));
    }
    return consumeFormData(requestBody(this), type);
  }

  clone(): Request {
    if (bodyUsed(requestBody(this))) throw new TypeError("Request.clone: the body has already been read");
    const c = new Request(SERVER_REQUEST as never);
    c.#method = Request.#methodOf(this);
    c.#url = Request.#urlOf(this);
    c.#headers = copyHeaders(Request.#headersOf(this));
    c.#opts = this.#opts;
    if (this.#src === SERVER_BODY) Request.#loadServerBody(this);
    cloneBody(requestBody(this), requestBody(c));
    if (this.#signal !== null || this.#defaultHost !== null) {
      // The clone follows this request's signal (fetch's "clone a request").
      Request.#followSignal(c, Request.#signalOf(this));
    }
    return c;
  }

  [customInspect](depth: number, options: InspectOptions): string {
    if (this.#r === DETACHED && this.#defaultHost !== null && (this.#method === null || this.#url === null)) {
      return "Request { <answered> }";
    }
    const shown = {
      method: Request.#methodOf(this),
      url: Request.#urlOf(this),
      headers: Request.#headersOf(this),
      body: this.#src === SERVER_BODY ? "<unread>" : this.#src === null ? null : this.#src,
      bodyUsed: bodyUsed(requestBody(this)),
      redirect: (this.#opts ?? DEFAULTS).redirect,
      signal: this.#signal ?? "<not created>",
    };
    return `Request ${inspect(shown, { ...options, depth })}`;
  }

  // ---- the getters' work: ts-lib's own callers use these, not the getters
  // ---- (a subclass may have replaced those) ----------------------------------

  static #methodOf(req: Request): string {
    const m = req.#method;
    return m !== null ? m : (req.#method = ops.reqMethod(liveHandle(req.#r)));
  }

  static #urlOf(req: Request): string {
    const u = req.#url;
    return u !== null ? u : (req.#url = Request.#serverUrl(req));
  }

  static #headersOf(req: Request): Headers {
    const h = req.#headers;
    return h !== null ? h : (req.#headers = lazyHeaders(requestBody(req)));
  }

  static #bodyOf(req: Request): ReadableStream<Uint8Array> | null {
    if (req.#src === SERVER_BODY) Request.#loadServerBody(req);
    return bodyStream(requestBody(req));
  }

  static #signalOf(req: Request): AbortSignal {
    let s = req.#signal;
    if (s === null) {
      s = req.#signal = newAbortSignal();
      if (req.#defaultHost !== null && req.#r < 0) Request.#watchSignal(req);
    }
    return s;
  }

  /** Gives `req` a new signal that aborts when `parent` does. */
  static #followSignal(req: Request, parent: AbortSignal): void {
    const s = (req.#signal = newAbortSignal());
    if (parent.aborted) signalAbort(s, parent.reason);
    else addAbortAlgorithm(parent, () => signalAbort(s, parent.reason));
  }

  // ---- user-made requests ----------------------------------------------------

  static #construct(req: Request, input: string | URL | Request, init: RequestInit | undefined): void {
    let opts: Options | null = null;
    let inputReq: Request | null = null;
    if (input instanceof Request) {
      inputReq = input;
      req.#method = Request.#methodOf(input);
      req.#url = Request.#urlOf(input);
      opts = input.#opts;
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
      req.#url = parsed.href;
      req.#method = "GET";
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
    req.#opts = finalOpts;

    if (init.window !== undefined && init.window !== null) {
      throw new TypeError("Failed to construct 'Request': window can only be null");
    }
    if (init.method !== undefined) req.#method = normalizeMethod(init.method);
    if (finalOpts !== null && finalOpts.mode === "no-cors") {
      const m = req.#method!;
      if (m !== "GET" && m !== "HEAD" && m !== "POST") {
        throw new TypeError(`Failed to construct 'Request': '${m}' is unsupported in no-cors mode`);
      }
    }

    // Signal: the new request's signal follows init.signal, else input's.
    const parentSignal = init.signal !== undefined ? init.signal : inputReq !== null ? Request.#signalOf(inputReq) : null;
    if (parentSignal !== null && parentSignal !== undefined) {
      if (!(parentSignal instanceof AbortSignal)) {
        throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal");
      }
      Request.#followSignal(req, parentSignal);
    }

    // Headers.
    let headers: Headers;
    if (init.headers !== undefined) headers = new Headers(init.headers);
    else if (inputReq !== null) headers = copyHeaders(Request.#headersOf(inputReq));
    else headers = new Headers();
    req.#headers = headers;

    // Body.
    const method = req.#method!;
    const hasInitBody = init.body !== undefined && init.body !== null;
    const inputHasBody = inputReq !== null && Request.#bodyOf(inputReq) !== null;
    if ((hasInitBody || inputHasBody) && (method === "GET" || method === "HEAD")) {
      throw new TypeError("Failed to construct 'Request': a GET or HEAD request cannot have a body");
    }
    req.#src = null;
    if (hasInitBody) {
      const ctype = extractBody(requestBody(req), init.body);
      if (ctype !== null && !hasTrusted(headers, "content-type")) appendTrusted(headers, "content-type", ctype);
      if (req.#stream !== null && init.duplex !== "half") {
        throw new TypeError("Failed to construct 'Request': duplex: 'half' is required for a ReadableStream body");
      }
    } else if (inputHasBody) {
      // The body moves to the new request; the input is used up.
      if (bodyUsed(requestBody(inputReq!))) throw new TypeError("Failed to construct 'Request': the input's body is already used");
      cloneBody(requestBody(inputReq!), requestBody(req));
      inputReq!.#used = true;
    }
  }

  // ---- server requests ------------------------------------------------------

  static #serverUrl(req: Request): string {
    const r = liveHandle(req.#r);
    // The usual case (origin-form target with a Host header), made in one op.
    const url = ops.reqUrl(r);
    if (url !== "") return url;
    const target = ops.reqTarget(r);
    let host = ops.reqHost(r);
    if (host === "") host = req.#defaultHost!;
    // origin-form, the usual case.
    if (target.charCodeAt(0) === 47 /* / */) return `http://${host}${target}`;
    // absolute-form (a proxy request): it is already a URL.
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(target)) return target;
    // asterisk-form (OPTIONS *) and authority-form (CONNECT).
    return `http://${host}/`;
  }

  static #serverBody<T>(req: Request, read: (r: number) => T): Promise<T> {
    if (req.#used) return Promise.reject(new TypeError("Body is unusable: it has already been read"));
    try {
      const r = liveHandle(req.#r);
      req.#used = true;
      return Promise.resolve(read(r));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Copies a server request's body into JS (for `.body` and clone()). */
  static #loadServerBody(req: Request): void {
    const r = liveHandle(req.#r);
    const bytes = ops.reqBody(r);
    // A request without a body has a null body, not an empty one.
    req.#src =
      bytes.length !== 0 || ops.reqHeader(r, "content-length") !== null || ops.reqHeader(r, "transfer-encoding") !== null
        ? bytes
        : null;
  }

  static #watchSignal(req: Request): void {
    const h = req.#r;
    watchedSignals.set(h, req);
    if (ops.reqClosed(h)) abortRequest(h);
  }

  static {
    /** body.ts's view of a Request's body fields, and lazy Headers' view of its handle. */
    class View implements BodyHost, HandleHolder {
      #req: Request;
      constructor(req: Request) {
        this.#req = req;
      }
      get r(): number {
        return this.#req.#r;
      }
      get src(): BodySource | object {
        return this.#req.#src;
      }
      set src(v: BodySource | object) {
        this.#req.#src = v;
      }
      get stream(): ReadableStream<Uint8Array> | null {
        return this.#req.#stream;
      }
      set stream(v: ReadableStream<Uint8Array> | null) {
        this.#req.#stream = v;
      }
      get used(): boolean {
        return this.#req.#used;
      }
      set used(v: boolean) {
        this.#req.#used = v;
      }
    }
    requestBody = (req) => new View(req);

    serverRequest = (r, defaultHost) => {
      const req = new Request(SERVER_REQUEST as never);
      req.#r = r;
      req.#defaultHost = defaultHost;
      return req;
    };

    onDeferred = (req, h) => {
      req.#r = h;
      if (req.#signal !== null) Request.#watchSignal(req);
    };

    onAnswered = (req) => {
      const h = req.#r;
      if (h < 0 && req.#signal !== null) watchedSignals.delete(h);
      req.#r = DETACHED;
    };

    abortRequest = (h) => {
      const req = watchedSignals.get(h);
      if (req === undefined) return;
      watchedSignals.delete(h);
      signalAbort(req.#signal!, new DOMException("The client disconnected before the response was sent", "AbortError"));
    };
  }
}

// IDL members are enumerable; the tag is a data property (webidl.ts).
enumerable(Request.prototype, ownMembers(Request.prototype));
toStringTag(Request.prototype, "Request");
