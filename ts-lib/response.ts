// WHATWG Response (https://fetch.spec.whatwg.org/#response-class).
//
// Built for the server's sake: `new Response("Hi")` is a handful of field
// stores, with no Headers object and no stream. The Content-Type a body
// implies is remembered in `_ctype` and only becomes a Headers entry if
// someone reads `.headers`; until then server.ts sends it from a constant
// (or lets Rust add text/plain for a string body).
//
// The fields are #private: user code (a subclass, a Proxy, Reflect.ownKeys,
// an assignment) cannot see or change what the server will send except
// through the spec's API. ts-lib reaches them through the functions this
// module exports (below the class), assigned in its static block.

import {
  Headers,
  appendTrusted,
  hasTrusted,
  copyHeaders,
  headerList,
  makeImmutable,
  type HeadersInit,
} from "./headers.ts";
import {
  APPLICATION_JSON,
  TEXT_PLAIN,
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
  type BodyHost,
  type BodySource,
} from "./body.ts";
import type { ResponseHeaders } from "./ops.d.ts";
import { ops } from "./core_ops.ts";
import { URL } from "./url.ts";
import type { Blob } from "./blob.ts";
import type { FormData } from "./formdata.ts";
import type { ReadableStream } from "./streams.ts";
import { customInspect, inspect, type InspectOptions } from "./format.ts";
import { enumerable, ownMembers, toStringTag } from "./webidl.ts";

export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

// reason-phrase = *( HTAB / SP / VCHAR / obs-text )
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

// ---- for server.ts and ts-lib: the Response's state, without getters a
// ---- subclass could replace. Each is a TypeError for a non-Response.

/** The body fields, for body.ts's functions. */
export let responseBody!: (res: Response) => BodyHost;
/** fetch()'s response from the network: any status, its URL, whether redirects led to it. */
export let networkResponse!: (
  body: ReadableStream<Uint8Array> | null,
  status: number,
  statusText: string,
  headers: Headers,
  url: string,
  redirected: boolean,
) => Response;
export let responseStatus!: (res: Response) => number;
/** True for a real Response (a brand check: a Proxy of one or Object.create(Response.prototype) is not). */
export let isResponse!: (v: object) => boolean;
/**
 * The server's fast path: answers request `r` with `res` in one ops.respond
 * call if its body allows (a string, bytes or none, not streamed, not used;
 * not Response.error()). False, having done nothing, if not.
 */
export let respondDirect!: (r: number, res: Response) => boolean;
/** The headers as ops.respond takes them. */
export let headersToSend!: (res: Response) => ResponseHeaders;

// ops.respond's built-in header set for `content-type: application/json`.
const JSON_HEADERS = 1;

export class Response {
  #status = 200;
  #statusText = "";
  /** null until `.headers` is read or init had headers; `#ctype` stands in. */
  #headers: Headers | null = null;
  /** The Content-Type the body implies, while `#headers` is null. */
  #ctype: string | null = null;
  #src: BodySource | object = null;
  #stream: ReadableStream<Uint8Array> | null = null;
  #used = false;
  /** "default", "error", ... */
  #type = "default";
  #url = "";
  #redirected = false;

  constructor(body?: unknown, init?: ResponseInit) {
    if (body !== undefined && body !== null) {
      if (typeof body === "string") {
        this.#src = body;
        this.#ctype = TEXT_PLAIN;
      } else {
        this.#ctype = extractBody(responseBody(this), body);
      }
    }
    if (init !== undefined && init !== null) Response.#initialize(this, init);
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data);
    if (body === undefined) throw new TypeError("Response.json: the data is not JSON-serializable");
    const res = new Response();
    res.#src = body;
    res.#ctype = APPLICATION_JSON;
    if (init !== undefined && init !== null) Response.#initialize(res, init);
    return res;
  }

  static redirect(url: string | URL, status = 302): Response {
    let href: string;
    try {
      href = new URL(`${url}`).href;
    } catch {
      throw new TypeError(`Response.redirect: Invalid URL ${JSON.stringify(`${url}`)}`);
    }
    status = toUnsignedShort(status);
    if (!REDIRECT_STATUSES.includes(status)) throw new RangeError(`Response.redirect: invalid redirect status ${status}`);
    const res = new Response();
    res.#status = status;
    const h = new Headers();
    appendTrusted(h, "location", href);
    res.#headers = makeImmutable(h);
    return res;
  }

  static error(): Response {
    const res = new Response();
    res.#status = 0;
    res.#type = "error";
    res.#headers = makeImmutable(new Headers());
    return res;
  }

  get status(): number {
    return this.#status;
  }

  get statusText(): string {
    return this.#statusText;
  }

  get ok(): boolean {
    const s = this.#status;
    return s >= 200 && s <= 299;
  }

  get headers(): Headers {
    return Response.#headersOf(this);
  }

  get type(): string {
    return this.#type;
  }

  get url(): string {
    return this.#url;
  }

  get redirected(): boolean {
    return this.#redirected;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return bodyStream(responseBody(this));
  }

  get bodyUsed(): boolean {
    return bodyUsed(responseBody(this));
  }

  text(): Promise<string> {
    return consumeText(responseBody(this));
  }

  json(): Promise<any> {
    return consumeJson(responseBody(this));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return consumeArrayBuffer(responseBody(this));
  }

  bytes(): Promise<Uint8Array> {
    return consumeBytes(responseBody(this));
  }

  blob(): Promise<Blob> {
    return consumeBlob(responseBody(this), Response.#headersOf(this).get("content-type"));
  }

  formData(): Promise<FormData> {
    return consumeFormData(responseBody(this), Response.#headersOf(this).get("content-type"));
  }

  clone(): Response {
    const body = responseBody(this);
    if (bodyUsed(body) || (this.#stream !== null && this.#stream.locked)) {
      throw new TypeError("Response.clone: the body has already been read");
    }
    const c = new Response();
    c.#status = this.#status;
    c.#statusText = this.#statusText;
    c.#headers = this.#headers === null ? null : copyHeaders(this.#headers);
    c.#ctype = this.#ctype;
    c.#type = this.#type;
    c.#url = this.#url;
    cloneBody(body, responseBody(c));
    return c;
  }

  [customInspect](depth: number, options: InspectOptions): string {
    const shown = {
      status: this.#status,
      statusText: this.#statusText,
      headers: Response.#headersOf(this),
      body: this.#src,
      bodyUsed: bodyUsed(responseBody(this)),
      ok: this.ok,
      redirected: false,
      type: this.#type,
      url: this.#url,
    };
    return `Response ${inspect(shown, { ...options, depth })}`;
  }

  /** The `headers` getter: made on first use, from the implied Content-Type. */
  static #headersOf(res: Response): Headers {
    let h = res.#headers;
    if (h === null) {
      h = res.#headers = new Headers();
      if (res.#ctype !== null) appendTrusted(h, "content-type", res.#ctype);
    }
    return h;
  }

  // fetch's "initialize a response": the body is already in place, so the
  // null-body-status check and the implied Content-Type can be applied here.
  static #initialize(res: Response, init: ResponseInit): void {
    if (typeof init !== "object") throw new TypeError("Response: init must be an object");
    const status = init.status;
    if (status !== undefined) {
      const s = typeof status === "number" && (status | 0) === status ? status : toUnsignedShort(status);
      if (s < 200 || s > 599) {
        throw new RangeError(`Response: status ${s} is outside the range [200, 599]`);
      }
      res.#status = s;
    }
    const statusText = init.statusText;
    if (statusText !== undefined) {
      const t = `${statusText}`;
      if (!REASON_PHRASE.test(t)) throw new TypeError(`Response: invalid statusText ${JSON.stringify(t)}`);
      res.#statusText = t;
    }
    if (init.headers !== undefined) {
      const h = new Headers(init.headers);
      if (res.#ctype !== null && !hasTrusted(h, "content-type")) appendTrusted(h, "content-type", res.#ctype);
      res.#headers = h;
    }
    if (res.#src !== null) {
      const s = res.#status;
      if (s === 101 || s === 103 || s === 204 || s === 205 || s === 304) {
        throw new TypeError(`Response: a response with status ${s} cannot have a body`);
      }
    }
  }

  static {
    /** body.ts's view of a Response's body fields (reads and writes them). */
    class Body implements BodyHost {
      #res: Response;
      constructor(res: Response) {
        this.#res = res;
      }
      get src(): BodySource | object {
        return this.#res.#src;
      }
      set src(v: BodySource | object) {
        this.#res.#src = v;
      }
      get stream(): ReadableStream<Uint8Array> | null {
        return this.#res.#stream;
      }
      set stream(v: ReadableStream<Uint8Array> | null) {
        this.#res.#stream = v;
      }
      get used(): boolean {
        return this.#res.#used;
      }
      set used(v: boolean) {
        this.#res.#used = v;
      }
    }
    responseBody = (res) => new Body(res);
    networkResponse = (body, status, statusText, headers, url, redirected) => {
      const res = new Response();
      res.#status = status;
      res.#statusText = statusText;
      res.#headers = headers;
      res.#src = body;
      res.#stream = body;
      res.#url = url;
      res.#redirected = redirected;
      res.#type = "basic";
      return res;
    };
    responseStatus = (res) => res.#status;
    isResponse = (v) => #status in v;
    respondDirect = (r, res) => {
      const src = res.#src;
      const status = res.#status;
      if (
        res.#stream !== null ||
        res.#used ||
        status === 0 ||
        !(typeof src === "string" || src === null || src instanceof Uint8Array)
      ) {
        return false;
      }
      ops.respond(r, status, src, headersToSend(res));
      return true;
    };
    headersToSend = (res) => {
      const h = res.#headers;
      if (h !== null) return headerList(h);
      // No Headers object was made: the implied Content-Type, without one.
      // None at all: Rust adds text/plain;charset=utf-8 for a string body.
      const ctype = res.#ctype;
      if (ctype === null || ctype === TEXT_PLAIN) return undefined;
      if (ctype === APPLICATION_JSON) return JSON_HEADERS;
      return ["content-type", ctype];
    };
  }
}

// IDL members are enumerable; the tag is a data property (webidl.ts).
enumerable(Response.prototype, ownMembers(Response.prototype));
toStringTag(Response.prototype, "Response");

/** WebIDL `unsigned short`: ToNumber, truncate, modulo 2^16. */
function toUnsignedShort(v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n)) return 0;
  const t = Math.trunc(n) % 65536;
  return t < 0 ? t + 65536 : t;
}
