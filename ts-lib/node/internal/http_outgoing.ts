// node:http's ServerResponse. Like Node's OutgoingMessage it is a legacy
// Stream with write/end of its own, not a Writable.
//
// A response ended before anything was written (res.end(body), the common
// case, Express's res.send included) is one ops.respond call: Rust
// serialises status line, headers, Content-Length and body straight into
// the connection's write buffer. Writes before end() are held until the
// next tick (Node corks the socket for that long too); a response that is
// still open then goes out chunked through respondStart/respondChunk, and
// write() returns false when the connection's buffer is over its
// high-water mark ('drain' follows).

import { ops } from "../../core_ops.ts";
import { Stream } from "./stream.ts";
import { Buffer } from "./buffer.ts";
import { coded, invalidArgType } from "./errors.ts";
import { process } from "./process.ts";
import { STATUS_CODES, headersSentError, validateHeaderName, validateHeaderValue } from "./http_common.ts";
import type { IncomingMessage, ServerSocket } from "./http_incoming.ts";

type HeaderValue = string | number | readonly string[];
type Chunk = string | Uint8Array;
type Cb = (err?: Error | null) => void;

/** Nothing sent yet / head sent, chunks streaming / ended. */
const OPEN = 0;
const STREAMING = 1;
const ENDED = 2;

/** What http_server.ts does for a response (handles and the drain callback). */
export interface ResponseHost {
  /** The response's handle changed (respondStart deferred the request). */
  rehandle(res: ServerResponse, h: number): void;
  /** The response is over: forget its handle. */
  done(res: ServerResponse): void;
}

const noHeaders: string[] = [];

export class ServerResponse extends Stream {
  /** The loop's handle, shared with req._h (http_server.ts keeps both current). */
  _h: number;
  req: IncomingMessage;
  statusCode = 200;
  statusMessage: string | undefined = undefined;
  sendDate = true;
  finished = false;
  writableEnded = false;
  writableFinished = false;
  writable = true;
  destroyed = false;
  chunkedEncoding = false;
  shouldKeepAlive = true;
  useChunkedEncodingByDefault = true;
  strictContentLength = false;
  #host: ResponseHost;
  #state = OPEN;
  /** Lower-cased names, names as set, values: one entry per header. */
  #keys: string[] = [];
  #names: string[] = [];
  #values: HeaderValue[] = [];
  /** The head as sent: set by writeHead (explicit or implicit). */
  #head: string[] | null = null;
  #pending: Chunk[] | null = null;
  #pendingBytes = 0;
  #needDrain = false;

  constructor(req: IncomingMessage, host?: ResponseHost) {
    super();
    this.req = req;
    this._h = req._h;
    this.#host = host ?? { rehandle() {}, done() {} };
  }

  get socket(): ServerSocket | null {
    return this.#state === ENDED && this.writableFinished ? null : this.req.socket;
  }
  get connection(): ServerSocket | null {
    return this.socket;
  }
  get headersSent(): boolean {
    return this.#head !== null;
  }
  get writableLength(): number {
    return this.#pendingBytes;
  }
  get writableHighWaterMark(): number {
    return 16384;
  }
  get writableCorked(): number {
    return 0;
  }
  get writableNeedDrain(): boolean {
    return this.#needDrain;
  }
  get _header(): string | null {
    return this.#head === null ? null : "";
  }

  // ---- headers ------------------------------------------------------------------

  // The headers set so far as three parallel lists (a handful of entries:
  // a linear search beats an object keyed by lower-cased name, which V8
  // keeps in slow dictionary mode once names are added and deleted).

  #find(lower: string): number {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === lower) return i;
    return -1;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.#head !== null) throw headersSentError("set");
    validateHeaderName(name);
    checkValue(name, value);
    const lower = name.toLowerCase();
    const i = this.#find(lower);
    if (i < 0) {
      this.#keys.push(lower);
      this.#names.push(name);
      this.#values.push(value);
    } else {
      this.#names[i] = name;
      this.#values[i] = value;
    }
    return this;
  }

  appendHeader(name: string, value: HeaderValue): this {
    if (this.#head !== null) throw headersSentError("append");
    validateHeaderName(name);
    checkValue(name, value);
    const i = this.#find(name.toLowerCase());
    if (i < 0) return this.setHeader(name, value);
    const prev = this.#values[i];
    const list = Array.isArray(prev) ? [...(prev as string[])] : [String(prev)];
    if (Array.isArray(value)) list.push(...(value as string[]));
    else list.push(String(value));
    this.#values[i] = list;
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    if (typeof name !== "string") throw invalidArgType("name", "of type string", name);
    const i = this.#find(name.toLowerCase());
    return i < 0 ? undefined : this.#values[i];
  }

  getHeaders(): Record<string, HeaderValue> {
    const out = Object.create(null) as Record<string, HeaderValue>;
    for (let i = 0; i < this.#keys.length; i++) out[this.#keys[i]] = this.#values[i];
    return out;
  }

  getHeaderNames(): string[] {
    return this.#keys.slice();
  }

  getRawHeaderNames(): string[] {
    return this.#names.slice();
  }

  hasHeader(name: string): boolean {
    if (typeof name !== "string") throw invalidArgType("name", "of type string", name);
    return this.#find(name.toLowerCase()) >= 0;
  }

  removeHeader(name: string): void {
    if (typeof name !== "string") throw invalidArgType("name", "of type string", name);
    if (this.#head !== null) throw headersSentError("remove");
    const i = this.#find(name.toLowerCase());
    if (i >= 0) {
      this.#keys.splice(i, 1);
      this.#names.splice(i, 1);
      this.#values.splice(i, 1);
    }
  }

  /** Fixes status and headers; they go out with the first write or end. */
  writeHead(statusCode: number, reason?: unknown, obj?: unknown): this {
    if (this.#head !== null) throw headersSentError("write");
    const code = statusCode | 0;
    if (code < 100 || code > 999 || code !== Number(statusCode)) {
      throw coded(new RangeError(`Invalid status code: ${statusCode}`), "ERR_HTTP_INVALID_STATUS_CODE");
    }
    if (typeof reason === "string") this.statusMessage = reason;
    else if (obj === undefined) obj = reason;
    this.statusCode = code;
    this.statusMessage ??= STATUS_CODES[code] ?? "unknown";
    if (Array.isArray(obj)) {
      // [[name, value], ...] or the flat raw form [name, value, ...].
      if (obj.length > 0 && Array.isArray(obj[0])) {
        for (const [k, v] of obj as [string, HeaderValue][]) this.appendHeader(k, v);
      } else {
        if (obj.length % 2 !== 0) {
          throw coded(new TypeError(`The argument 'headers' is invalid. Received ${obj}`), "ERR_INVALID_ARG_VALUE");
        }
        for (let i = 0; i < obj.length; i += 2) this.appendHeader(obj[i], obj[i + 1]);
      }
    } else if (obj !== undefined && obj !== null) {
      const o = obj as Record<string, HeaderValue>;
      for (const k in o) if (o[k] !== undefined) this.setHeader(k, o[k]);
    }
    this.#head = flatHeaders(this.#names, this.#values);
    return this;
  }

  /** Node's hook for a head nobody wrote: through writeHead, which libraries wrap (on-headers). */
  _implicitHeader(): void {
    this.writeHead(this.statusCode);
  }

  flushHeaders(): void {
    if (this.#head === null) this._implicitHeader();
    if (this.#state === OPEN && !this.writableEnded) this.#start();
  }

  // ---- body -----------------------------------------------------------------------

  write(chunk: Chunk, encoding?: string | Cb, cb?: Cb): boolean {
    if (typeof encoding === "function") {
      cb = encoding;
      encoding = undefined;
    }
    if (this.writableEnded) {
      const err = coded(new Error("write after end"), "ERR_STREAM_WRITE_AFTER_END");
      process.nextTick(() => {
        if (typeof cb === "function") cb(err);
        this.emit("error", err);
      });
      return false;
    }
    const data = toChunk(chunk, encoding);
    if (this.#head === null) this._implicitHeader();
    let ok = true;
    if (this.#state === OPEN) {
      if (data.length > 0) {
        (this.#pending ??= []).push(data);
        if (this.#pendingBytes === 0) process.nextTick(startIfOpen, this);
        this.#pendingBytes += data.length;
      }
      if (this.#pendingBytes >= 16384) ok = this.#start();
    } else if (this.#state === STREAMING && !this.destroyed) {
      ok = data.length === 0 || ops.respondChunk(this._h, data);
    } else {
      ok = false;
    }
    if (!ok) this.#needDrain = true;
    if (typeof cb === "function") process.nextTick(cb, null);
    return ok;
  }

  end(chunk?: Chunk | Cb | null, encoding?: string | Cb, cb?: Cb): this {
    if (typeof chunk === "function") {
      cb = chunk;
      chunk = undefined;
    } else if (typeof encoding === "function") {
      cb = encoding;
      encoding = undefined;
    }
    if (this.writableEnded) {
      if (typeof cb === "function") process.nextTick(cb, null);
      return this;
    }
    const data = chunk === undefined || chunk === null ? null : toChunk(chunk, encoding);
    if (this.#head === null) this._implicitHeader();
    this.writableEnded = this.finished = true;
    this.writable = false;
    if (this.#state === OPEN) {
      this.#respondWhole(data);
    } else if (this.#state === STREAMING) {
      if (!this.destroyed) {
        if (data !== null && data.length > 0) ops.respondChunk(this._h, data);
        ops.respondEnd(this._h);
      }
    }
    this.#state = ENDED;
    this.#host.done(this);
    if (typeof cb === "function") this.once("finish", cb);
    // 'finish' and 'close' come on the next tick (listeners added after
    // end() still hear them); one tick serves every response ended in it.
    if (finishing.push(this) === 1) process.nextTick(emitFinishes);
    return this;
  }

  /** The whole response in one ops.respond: head, Content-Length, body. */
  #respondWhole(last: Chunk | null): void {
    let body: Chunk | null = last;
    const pending = this.#pending;
    if (pending !== null) {
      if (last !== null) pending.push(last);
      body = pending.length === 1 ? pending[0] : Buffer.concat(pending.map(asBytes));
      this.#pending = null;
      this.#pendingBytes = 0;
    }
    if (this.destroyed) return;
    ops.respond(this._h, this.statusCode, body, this.#head ?? noHeaders);
  }

  /** Sends the head (chunked) and what was written; returns respondChunk's verdict. */
  #start(): boolean {
    if (this.#state !== OPEN || this.destroyed) return true;
    this.#state = STREAMING;
    this.chunkedEncoding = true;
    const h = ops.respondStart(this._h, this.statusCode, this.#head ?? noHeaders);
    if (h !== this._h) this.#host.rehandle(this, h);
    let ok = true;
    const pending = this.#pending;
    if (pending !== null) {
      for (const c of pending) ok = ops.respondChunk(this._h, c);
      this.#pending = null;
      this.#pendingBytes = 0;
    }
    return ok;
  }

  /** Held writes go out once the tick that wrote them is over. */
  _startIfOpen(): void {
    if (this.#state === OPEN && !this.writableEnded && this.#pending !== null) {
      if (!this.#start()) this.#needDrain = true;
    }
  }

  /** The connection's buffer drained (from http_server.ts's drain watch). */
  _drained(): void {
    if (this.#needDrain) {
      this.#needDrain = false;
      this.emit("drain");
    }
  }

  /** The client went away (from the drain watch). */
  _clientGone(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.writable = false;
    this.#host.done(this);
    this.req._abort();
    this.emit("close");
  }

  destroy(err?: Error): this {
    if (this.destroyed) return this;
    if (this.#state === STREAMING && !this.writableEnded && typeof ops.respondAbort === "function") {
      ops.respondAbort(this._h);
    } else if (this.#state === OPEN && !this.writableEnded) {
      // Nothing was sent: a 500 tells the client more than a dropped connection.
      try {
        ops.respond(this._h, 500, null, noHeaders);
      } catch {
        // Already gone.
      }
    }
    this.#state = ENDED;
    this.destroyed = true;
    this.writable = false;
    this.#host.done(this);
    process.nextTick(() => {
      if (err) this.emit("error", err);
      this.emit("close");
    });
    return this;
  }

  setTimeout(ms: number, cb?: () => void): this {
    if (typeof cb === "function") this.once("timeout", cb);
    void ms;
    return this;
  }

  cork(): void {}
  uncork(): void {}
  addTrailers(): void {}
  writeContinue(): void {}
  writeProcessing(): void {}
  writeEarlyHints(): void {}
  assignSocket(): void {}
  detachSocket(): void {}
}

function startIfOpen(res: ServerResponse): void {
  res._startIfOpen();
}

/** Responses ended in this tick, waiting for their 'finish'. */
let finishing: ServerResponse[] = [];

function emitFinishes(): void {
  const list = finishing;
  finishing = [];
  // A listener that throws does not keep the other responses' events back.
  let failed = false;
  let failure: unknown;
  for (let i = 0; i < list.length; i++) {
    try {
      emitFinish(list[i]);
    } catch (e) {
      if (!failed) failure = e;
      failed = true;
    }
  }
  if (failed) throw failure;
}

function emitFinish(res: ServerResponse): void {
  res.writableFinished = true;
  res.emit("finish");
  if (!res.destroyed) {
    res.destroyed = true;
    res.emit("close");
  }
  const req = res.req;
  if (!req.destroyed) {
    if (!req.readableEnded) req.complete = true;
    req.emit("close");
  }
}

function checkValue(name: string, value: HeaderValue): void {
  if (Array.isArray(value)) {
    for (const v of value) validateHeaderValue(name, v);
  } else {
    validateHeaderValue(name, value);
  }
}

function toChunk(chunk: unknown, encoding: unknown): Chunk {
  if (typeof chunk === "string") {
    if (encoding === undefined || encoding === "utf8" || encoding === "utf-8") return chunk;
    return Buffer.from(chunk, encoding as never);
  }
  if (chunk instanceof Uint8Array) return chunk;
  throw invalidArgType("chunk", "of type string or an instance of Buffer or Uint8Array", chunk);
}

function asBytes(c: Chunk): Uint8Array {
  return typeof c === "string" ? Buffer.from(c) : c;
}

/** The set headers as ops.respond's flat list, an array value as one line each. */
function flatHeaders(names: string[], values: HeaderValue[]): string[] {
  if (names.length === 0) return noHeaders;
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const value = values[i];
    if (typeof value === "string") {
      out.push(names[i], value);
    } else if (Array.isArray(value)) {
      for (const v of value) out.push(names[i], String(v));
    } else {
      out.push(names[i], String(value));
    }
  }
  return out;
}
