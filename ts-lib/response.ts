// WHATWG Response (https://fetch.spec.whatwg.org/#response-class).
//
// Built for the server's sake: `new Response("Hi")` is a handful of field
// stores, with no Headers object and no stream. The Content-Type a body
// implies is remembered in `_ctype` and only becomes a Headers entry if
// someone reads `.headers`; until then server.ts sends it from a constant
// (or lets Rust add text/plain for a string body).

import { Headers, appendTrusted, hasTrusted, copyHeaders, makeImmutable, type HeadersInit } from "./headers.ts";
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
  type BodySource,
} from "./body.ts";
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

export class Response {
  declare _status: number;
  declare _statusText: string;
  /** null until `.headers` is read or init had headers; `_ctype` stands in. */
  declare _headers: Headers | null;
  /** The Content-Type the body implies, while `_headers` is null. */
  declare _ctype: string | null;
  declare _src: BodySource | object;
  declare _stream: ReadableStream<Uint8Array> | null;
  declare _used: boolean;
  /** "default", "error", ... */
  declare _type: string;
  declare _url: string;

  constructor(body?: unknown, init?: ResponseInit) {
    this._status = 200;
    this._statusText = "";
    this._headers = null;
    this._ctype = null;
    this._src = null;
    this._stream = null;
    this._used = false;
    this._type = "default";
    this._url = "";
    if (body !== undefined && body !== null) {
      if (typeof body === "string") {
        this._src = body;
        this._ctype = TEXT_PLAIN;
      } else {
        this._ctype = extractBody(this, body);
      }
    }
    if (init !== undefined && init !== null) initialize(this, init);
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data);
    if (body === undefined) throw new TypeError("Response.json: the data is not JSON-serializable");
    const res = new Response();
    res._src = body;
    res._ctype = APPLICATION_JSON;
    if (init !== undefined && init !== null) initialize(res, init);
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
    res._status = status;
    const h = new Headers();
    appendTrusted(h, "location", href);
    res._headers = makeImmutable(h);
    return res;
  }

  static error(): Response {
    const res = new Response();
    res._status = 0;
    res._type = "error";
    res._headers = makeImmutable(new Headers());
    return res;
  }

  get status(): number {
    return this._status;
  }

  get statusText(): string {
    return this._statusText;
  }

  get ok(): boolean {
    const s = this._status;
    return s >= 200 && s <= 299;
  }

  get headers(): Headers {
    let h = this._headers;
    if (h === null) {
      h = this._headers = new Headers();
      if (this._ctype !== null) appendTrusted(h, "content-type", this._ctype);
    }
    return h;
  }

  get type(): string {
    return this._type;
  }

  get url(): string {
    return this._url;
  }

  get redirected(): boolean {
    return false;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return bodyStream(this);
  }

  get bodyUsed(): boolean {
    return bodyUsed(this);
  }

  text(): Promise<string> {
    return consumeText(this);
  }

  json(): Promise<any> {
    return consumeJson(this);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return consumeArrayBuffer(this);
  }

  bytes(): Promise<Uint8Array> {
    return consumeBytes(this);
  }

  blob(): Promise<Blob> {
    return consumeBlob(this, this.headers.get("content-type"));
  }

  formData(): Promise<FormData> {
    return consumeFormData(this, this.headers.get("content-type"));
  }

  clone(): Response {
    if (bodyUsed(this) || (this._stream !== null && this._stream.locked)) {
      throw new TypeError("Response.clone: the body has already been read");
    }
    const c = new Response();
    c._status = this._status;
    c._statusText = this._statusText;
    c._headers = this._headers === null ? null : copyHeaders(this._headers);
    c._ctype = this._ctype;
    c._type = this._type;
    c._url = this._url;
    cloneBody(this, c);
    return c;
  }

  [customInspect](depth: number, options: InspectOptions): string {
    const shown = {
      status: this._status,
      statusText: this._statusText,
      headers: this.headers,
      body: this._src,
      bodyUsed: this.bodyUsed,
      ok: this.ok,
      redirected: false,
      type: this._type,
      url: this._url,
    };
    return `Response ${inspect(shown, { ...options, depth })}`;
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

// fetch's "initialize a response": the body is already in place, so the
// null-body-status check and the implied Content-Type can be applied here.
function initialize(res: Response, init: ResponseInit): void {
  if (typeof init !== "object") throw new TypeError("Response: init must be an object");
  const status = init.status;
  if (status !== undefined) {
    const s = typeof status === "number" && (status | 0) === status ? status : toUnsignedShort(status);
    if (s < 200 || s > 599) {
      throw new RangeError(`Response: status ${s} is outside the range [200, 599]`);
    }
    res._status = s;
  }
  const statusText = init.statusText;
  if (statusText !== undefined) {
    const t = `${statusText}`;
    if (!REASON_PHRASE.test(t)) throw new TypeError(`Response: invalid statusText ${JSON.stringify(t)}`);
    res._statusText = t;
  }
  if (init.headers !== undefined) {
    const h = new Headers(init.headers);
    if (res._ctype !== null && !hasTrusted(h, "content-type")) appendTrusted(h, "content-type", res._ctype);
    res._headers = h;
  }
  if (res._src !== null) {
    const s = res._status;
    if (s === 101 || s === 103 || s === 204 || s === 205 || s === 304) {
      throw new TypeError(`Response: a response with status ${s} cannot have a body`);
    }
  }
}
