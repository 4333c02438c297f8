// node:http's IncomingMessage (a Readable) and the socket stand-in that
// req.socket / res.socket return.
//
// A request is a handle into the loop's batch (a batch index while the
// dispatch call runs, a deferred handle after; http_server.ts keeps it
// current). method and url are read when the message is made, because
// nearly every app reads them and frameworks assign to them; headers,
// rawHeaders, httpVersion and the socket are read from Rust the first
// time they are asked for. The body has already been received in full by
// the loop (its limits apply before JS runs): _read pushes it as one chunk.

import { ops } from "../../core_ops.ts";
import { EventEmitter } from "./events.ts";
import { Readable } from "./stream.ts";
import { Buffer } from "./buffer.ts";
import { addHeaderLine } from "./http_common.ts";

/** What req.socket and res.socket are: the connection's addresses, no I/O. */
export class ServerSocket extends EventEmitter {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  remoteFamily: string | undefined;
  localAddress: string | undefined;
  localPort: number | undefined;
  readable = true;
  writable = true;
  destroyed = false;
  encrypted: boolean | undefined = undefined;
  timeout = 0;

  constructor(remote: string | undefined, local: { address: string; port: number } | null) {
    super();
    // "ip:port" or "[ipv6]:port" from Rust.
    if (remote !== undefined) {
      const colon = remote.lastIndexOf(":");
      const host = remote.slice(0, colon);
      this.remoteAddress = host.startsWith("[") ? host.slice(1, -1) : host;
      this.remotePort = Number(remote.slice(colon + 1));
      this.remoteFamily = this.remoteAddress.includes(":") ? "IPv6" : "IPv4";
    }
    this.localAddress = local?.address;
    this.localPort = local?.port;
  }

  address(): { address: string; family: string; port: number } | {} {
    if (this.localAddress === undefined) return {};
    return {
      address: this.localAddress,
      family: this.localAddress.includes(":") ? "IPv6" : "IPv4",
      port: this.localPort!,
    };
  }

  setTimeout(ms: number, cb?: () => void): this {
    this.timeout = ms;
    if (typeof cb === "function") this.once("timeout", cb);
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  cork(): void {}
  uncork(): void {}
  /** The loop owns the connection: destroying the stand-in only marks it. */
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.readable = this.writable = false;
    }
    return this;
  }
  end(): this {
    return this;
  }
}

export interface RequestHost {
  /** The listening address, for socket.localAddress/localPort. */
  local(): { address: string; port: number } | null;
}

export class IncomingMessage extends Readable {
  /** The loop's handle for this request (batch index, then deferred handle). */
  _h: number;
  method: string;
  url: string;
  complete = false;
  aborted = false;
  upgrade = false;
  trailers: Record<string, string> = {};
  rawTrailers: string[] = [];
  statusCode: number | null = null;
  statusMessage: string | null = null;
  #host: RequestHost;
  #headers: Record<string, string | string[]> | null = null;
  #rawHeaders: string[] | null = null;
  #minor = -1;
  #socket: ServerSocket | null = null;
  #bodyTaken = false;

  constructor(h: number, host: RequestHost) {
    super();
    this._h = h;
    this.#host = host;
    this.method = ops.reqMethod(h);
    this.url = ops.reqTarget(h);
  }

  get headers(): Record<string, string | string[]> {
    let headers = this.#headers;
    if (headers === null) {
      headers = {};
      const list = ops.reqHeaders(this._h);
      for (let i = 0; i < list.length; i += 2) addHeaderLine(headers, list[i], list[i + 1]);
      this.#headers = headers;
    }
    return headers;
  }
  set headers(v: Record<string, string | string[]>) {
    this.#headers = v;
  }

  get headersDistinct(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const raw = this.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) (out[raw[i].toLowerCase()] ??= []).push(raw[i + 1]);
    return out;
  }

  get rawHeaders(): string[] {
    return (this.#rawHeaders ??= ops.reqRawHeaders(this._h));
  }
  set rawHeaders(v: string[]) {
    this.#rawHeaders = v;
  }

  #minorVersion(): number {
    if (this.#minor < 0) this.#minor = ops.reqHttpMinor(this._h) ?? 1;
    return this.#minor;
  }
  get httpVersion(): string {
    return `1.${this.#minorVersion()}`;
  }
  get httpVersionMajor(): number {
    return 1;
  }
  get httpVersionMinor(): number {
    return this.#minorVersion();
  }

  get socket(): ServerSocket {
    return (this.#socket ??= new ServerSocket(ops.reqRemote(this._h), this.#host.local()));
  }
  set socket(v: ServerSocket) {
    this.#socket = v;
  }
  get connection(): ServerSocket {
    return this.socket;
  }

  setTimeout(ms: number, cb?: () => void): this {
    this.socket.setTimeout(ms, cb);
    return this;
  }

  /** Reads the body now, while the handle is valid (before the response ends). */
  _takeBody(): void {
    if (this.#bodyTaken) return;
    this.#bodyTaken = true;
    const bytes = ops.reqBody(this._h);
    if (bytes.length > 0) this.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    this.complete = true;
    this.push(null);
  }

  _read(): void {
    this._takeBody();
  }

  /** The client went away before the response ended. */
  _abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("aborted");
    if (!this.destroyed) this.destroy();
  }
}
