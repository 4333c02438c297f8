// fs.ReadStream / fs.createReadStream: a Readable over the pool's open, read
// and close calls. Opening is the stream's construct step, so 'open' and
// 'ready' come before the first read as in Node; each _read asks for at
// most highWaterMark bytes at the stream's own position (reads between
// `start` and `end`, inclusive, as Node counts them), and the file is
// closed when the stream is destroyed (autoClose) — which Express's `send`
// and Koa rely on when a client goes away mid-file.

import { Readable } from "../node/internal/stream.ts";
import { Buffer } from "../node/buffer.ts";
import * as core from "./fs_core.ts";
import { invalidArgType } from "./errors.ts";

type Cb = (err?: Error | null) => void;

interface ReadStreamOptions {
  flags?: string;
  encoding?: string;
  fd?: number | null;
  mode?: number;
  autoClose?: boolean;
  emitClose?: boolean;
  start?: number;
  end?: number;
  highWaterMark?: number;
}

export interface ReadStream extends Readable {
  path: string | undefined;
  fd: number | null;
  flags: string;
  mode: number;
  start: number | undefined;
  end: number;
  pos: number | undefined;
  bytesRead: number;
  autoClose: boolean;
  readonly pending: boolean;
  close(cb?: Cb): void;
}

function checkRange(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number") throw invalidArgType(name, "number", v);
  return v;
}

export const ReadStream = function ReadStream(this: ReadStream, path: unknown, options?: string | ReadStreamOptions) {
  if (!(this instanceof ReadStream)) return new (ReadStream as any)(path, options);
  const opts: ReadStreamOptions = typeof options === "string" ? { encoding: options } : { ...(options ?? {}) };
  this.fd = typeof opts.fd === "number" ? opts.fd : null;
  this.path = this.fd === null ? core.toPath(path) : undefined;
  this.flags = opts.flags ?? "r";
  this.mode = opts.mode ?? 0o666;
  this.start = checkRange("start", opts.start);
  this.end = checkRange("end", opts.end) ?? Infinity;
  this.pos = this.start;
  this.bytesRead = 0;
  this.autoClose = opts.autoClose !== false;
  Readable.call(this, {
    highWaterMark: opts.highWaterMark ?? 64 * 1024,
    encoding: opts.encoding,
    emitClose: opts.emitClose !== false,
    autoDestroy: this.autoClose,
    construct: this.fd === null ? openForStream : undefined,
  });
} as unknown as {
  new (path: unknown, options?: string | ReadStreamOptions): ReadStream;
  (this: ReadStream, path: unknown, options?: string | ReadStreamOptions): void;
  prototype: ReadStream;
};
Object.setPrototypeOf(ReadStream.prototype, Readable.prototype);
Object.setPrototypeOf(ReadStream, Readable);

function openForStream(this: ReadStream, cb: Cb): void {
  core.runCallback(core.openCall(this.path, this.flags, this.mode), (err, fd) => {
    if (err) return cb(err);
    this.fd = fd as number;
    cb();
    this.emit("open", this.fd);
    this.emit("ready");
  });
}

Object.defineProperty(ReadStream.prototype, "pending", {
  get(this: ReadStream) {
    return this.fd === null;
  },
  configurable: true,
});

(ReadStream.prototype as any)._read = function (this: ReadStream, n: number): void {
  const left = this.pos === undefined ? Infinity : this.end - this.pos + 1;
  const want = Math.min(n, left, this.readableHighWaterMark);
  if (want <= 0) {
    this.push(null);
    return;
  }
  const buf = Buffer.allocUnsafe(want);
  core.runCallback(core.readCall(this.fd, buf, 0, want, this.pos ?? null), (err, got) => {
    if (err) return this.destroy(err);
    const count = got as number;
    if (count === 0) return void this.push(null);
    if (this.pos !== undefined) this.pos += count;
    this.bytesRead += count;
    this.push(count === want ? buf : buf.subarray(0, count));
  });
};

(ReadStream.prototype as any)._destroy = function (this: ReadStream, err: Error | null, cb: Cb): void {
  if (this.fd === null || !this.autoClose) return cb(err);
  const fd = this.fd;
  this.fd = null;
  core.runCallback(core.closeCall(fd), (closeErr) => cb(err ?? closeErr));
};

ReadStream.prototype.close = function (this: ReadStream, cb?: Cb): void {
  if (typeof cb === "function") this.once("close", () => cb());
  this.destroy();
};

export function createReadStream(path: unknown, options?: string | ReadStreamOptions): ReadStream {
  return new ReadStream(path, options);
}
