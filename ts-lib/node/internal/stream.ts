// node:stream: Readable, Writable, Duplex, Transform, PassThrough,
// pipeline and finished, with Node's buffering (highWaterMark,
// backpressure through write()'s return value and 'drain'), its event
// order ('data'... 'end', 'finish', 'close') and its errors.
//
// Like EventEmitter, the classes are plain constructor functions so that
// old-style inheritance (`Readable.call(this)` + util.inherits) keeps
// working; `class X extends Readable` works as well.

import { EventEmitter } from "./events.ts";
import { Buffer } from "./buffer.ts";
import { StringDecoder } from "../string_decoder.ts";
import { coded, invalidArgType, notImplemented } from "./errors.ts";

type Cb = (err?: Error | null) => void;
type AnyObj = Record<string | symbol, any>;

function nextTick(fn: (...a: any[]) => void, ...args: unknown[]): void {
  const p = (globalThis as { process?: { nextTick(fn: Function, ...a: unknown[]): void } }).process;
  if (p) p.nextTick(fn, ...args);
  else queueMicrotask(() => fn(...args));
}

const errs = {
  writeAfterEnd: () => coded(new Error("write after end"), "ERR_STREAM_WRITE_AFTER_END"),
  pushAfterEof: () => coded(new Error("stream.push() after EOF"), "ERR_STREAM_PUSH_AFTER_EOF"),
  nullValues: () => coded(new TypeError("May not write null values to stream"), "ERR_STREAM_NULL_VALUES"),
  destroyed: (m: string) => coded(new Error(`Cannot call ${m} after a stream was destroyed`), "ERR_STREAM_DESTROYED"),
  prematureClose: () => coded(new Error("Premature close"), "ERR_STREAM_PREMATURE_CLOSE"),
  alreadyFinished: (m: string) => coded(new Error(`Cannot call ${m} after a stream was finished`), "ERR_STREAM_ALREADY_FINISHED"),
  notImpl: (m: string) => coded(new Error(`The ${m} method is not implemented`), "ERR_METHOD_NOT_IMPLEMENTED"),
  multipleCallback: () => coded(new Error("Callback called multiple times"), "ERR_MULTIPLE_CALLBACK"),
  abort: (reason?: unknown) => {
    const e = coded(new Error("The operation was aborted"), "ABORT_ERR") as Error & { cause?: unknown };
    e.name = "AbortError";
    if (reason !== undefined) e.cause = reason;
    return e;
  },
};

let defaultHwmBytes = 16384;
let defaultHwmObjects = 16;

export function getDefaultHighWaterMark(objectMode: boolean): number {
  return objectMode ? defaultHwmObjects : defaultHwmBytes;
}

export function setDefaultHighWaterMark(objectMode: boolean, value: number): void {
  if (objectMode) defaultHwmObjects = value;
  else defaultHwmBytes = value;
}

function hwmFrom(options: AnyObj | undefined, key: string, objectMode: boolean): number {
  const v = options?.highWaterMark ?? options?.[key];
  if (v === undefined || v === null) return getDefaultHighWaterMark(objectMode);
  if (!Number.isInteger(v) || v < 0) {
    throw coded(new TypeError(`The value of "options.highWaterMark" is invalid. Received ${v}`), "ERR_INVALID_ARG_VALUE");
  }
  return v;
}

function chunkLength(chunk: unknown, objectMode: boolean): number {
  if (objectMode) return 1;
  return (chunk as { length: number }).length;
}

// ---- Stream (the legacy base) --------------------------------------------------

export interface Stream extends EventEmitter {
  [k: string]: any;
}

export const Stream = function Stream(this: Stream, opts?: AnyObj): void {
  (EventEmitter as unknown as Function).call(this, opts);
} as unknown as { new (opts?: AnyObj): Stream; (this: Stream, opts?: AnyObj): void; prototype: Stream; [k: string]: any };
Object.setPrototypeOf(Stream.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Stream, EventEmitter);

/** The legacy Stream#pipe: data to write, backpressure through pause/resume. */
Stream.prototype.pipe = function (this: Stream, dest: AnyObj, options?: { end?: boolean }): AnyObj {
  const source = this;
  const ondata = (chunk: unknown) => {
    if (dest.writable && dest.write(chunk) === false && source.pause) source.pause();
  };
  source.on("data", ondata);
  const ondrain = () => {
    if (source.readable && source.resume) source.resume();
  };
  dest.on("drain", ondrain);
  if (options?.end !== false) {
    source.on("end", () => dest.end());
  }
  dest.emit("pipe", source);
  return dest;
};

// ---- Readable ---------------------------------------------------------------------

interface ReadableState {
  objectMode: boolean;
  highWaterMark: number;
  buffer: unknown[];
  length: number;
  pipes: AnyObj[];
  flowing: boolean | null;
  ended: boolean;
  endEmitted: boolean;
  reading: boolean;
  constructed: boolean;
  sync: boolean;
  needReadable: boolean;
  emittedReadable: boolean;
  readableListening: boolean;
  resumeScheduled: boolean;
  errorEmitted: boolean;
  emitClose: boolean;
  autoDestroy: boolean;
  destroyed: boolean;
  closed: boolean;
  closeEmitted: boolean;
  errored: Error | null;
  defaultEncoding: string;
  decoder: StringDecoder | null;
  encoding: string | null;
  dataEmitted: boolean;
  multiAwaitDrain: boolean;
  awaitDrainWriters: Set<AnyObj>;
  readingMore: boolean;
  readable?: boolean;
}

export interface Readable extends Stream {
  _readableState: ReadableState;
  _read(n: number): void;
  _destroy(err: Error | null, cb: Cb): void;
  push(chunk: unknown, encoding?: string): boolean;
  read(n?: number): any;
  destroy(err?: Error | null, cb?: Cb): this;
  [Symbol.asyncIterator](): AsyncIterableIterator<unknown>;
}

export const Readable = function Readable(this: Readable, options?: AnyObj): Readable | void {
  if (!(this instanceof Readable)) return new (Readable as any)(options);
  const isDuplex = this instanceof Duplex;
  Stream.call(this, options);
  const objectMode = !!(options?.objectMode || (isDuplex && options?.readableObjectMode));
  this._readableState = {
    objectMode,
    highWaterMark: hwmFrom(options, isDuplex ? "readableHighWaterMark" : "highWaterMark", objectMode),
    buffer: [],
    length: 0,
    pipes: [],
    flowing: null,
    ended: false,
    endEmitted: false,
    reading: false,
    constructed: true,
    sync: true,
    needReadable: false,
    emittedReadable: false,
    readableListening: false,
    resumeScheduled: false,
    errorEmitted: false,
    emitClose: options?.emitClose !== false,
    autoDestroy: options?.autoDestroy !== false,
    destroyed: false,
    closed: false,
    closeEmitted: false,
    errored: null,
    defaultEncoding: options?.defaultEncoding || "utf8",
    decoder: null,
    encoding: null,
    dataEmitted: false,
    multiAwaitDrain: false,
    awaitDrainWriters: new Set(),
    readingMore: false,
  };
  if (options?.encoding) {
    this._readableState.decoder = new StringDecoder(options.encoding);
    this._readableState.encoding = options.encoding;
  }
  if (options) {
    if (typeof options.read === "function") this._read = options.read;
    if (typeof options.destroy === "function") this._destroy = options.destroy;
    if (typeof options.construct === "function") construct(this, options.construct);
    if (options.signal) addAbortSignal(options.signal, this);
  }
} as unknown as {
  new (options?: AnyObj): Readable;
  (this: Readable, options?: AnyObj): void;
  prototype: Readable;
  [k: string]: any;
};
Object.setPrototypeOf(Readable.prototype, Stream.prototype);
Object.setPrototypeOf(Readable, Stream);

function construct(stream: AnyObj, fn: (cb: Cb) => void): void {
  const r = stream._readableState as ReadableState | undefined;
  const w = stream._writableState as WritableState | undefined;
  if (r) r.constructed = false;
  if (w) w.constructed = false;
  stream.once(kConstruct, () => {});
  nextTick(() => {
    let called = false;
    fn.call(stream, (err?: Error | null) => {
      if (called) return;
      called = true;
      if (r) r.constructed = true;
      if (w) w.constructed = true;
      if (err) {
        destroyImpl(stream, err);
        return;
      }
      if (r && (r.needReadable || r.flowing)) maybeReadMore(stream as Readable, r);
      if (w) {
        clearBuffer(stream as Writable, w);
        finishMaybe(stream as Writable, w);
      }
      if (r && r.flowing) flow(stream as Readable);
    });
  });
}
const kConstruct = Symbol("kConstruct");

const R = Readable.prototype as AnyObj;

R._read = function (): void {
  throw errs.notImpl("_read()");
};

R.push = function (this: Readable, chunk: unknown, encoding?: string): boolean {
  return addChunk(this, chunk, encoding, false);
};

R.unshift = function (this: Readable, chunk: unknown, encoding?: string): boolean {
  return addChunk(this, chunk, encoding, true);
};

function addChunk(stream: Readable, chunk: unknown, encoding: string | undefined, front: boolean): boolean {
  const state = stream._readableState;
  if (chunk === null) {
    state.reading = false;
    if (state.ended) return false;
    state.ended = true;
    if (state.decoder) {
      const rest = state.decoder.end();
      if (rest.length > 0) {
        state.buffer.push(rest);
        state.length += state.objectMode ? 1 : rest.length;
      }
    }
    if (state.sync) emitReadable(stream);
    else {
      state.needReadable = false;
      state.emittedReadable = true;
      emitReadableNow(stream);
    }
    return false;
  }
  if (!state.objectMode) {
    if (typeof chunk === "string") {
      encoding = encoding || state.defaultEncoding;
      if (state.encoding !== encoding) {
        chunk = front && state.encoding ? Buffer.from(chunk, encoding).toString(state.encoding) : Buffer.from(chunk, encoding);
      }
    } else if (chunk instanceof Uint8Array) {
      if (!Buffer.isBuffer(chunk)) chunk = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } else if (chunk !== undefined) {
      const err = invalidArgType("chunk", "of type string or an instance of Buffer or Uint8Array", chunk);
      errorOrDestroy(stream, err);
      return false;
    }
  }
  if (chunk === undefined) {
    state.reading = false;
    return state.length < state.highWaterMark;
  }
  if (state.ended && !front) {
    errorOrDestroy(stream, errs.pushAfterEof());
    return false;
  }
  if (state.destroyed || state.errored) return false;
  state.reading = false;
  if (state.decoder && !front && typeof chunk !== "string") {
    chunk = state.decoder.write(chunk);
    if ((chunk as string).length === 0 && !state.objectMode) {
      maybeReadMore(stream, state);
      return state.length < state.highWaterMark;
    }
  }
  const len = chunkLength(chunk, state.objectMode);
  if (state.flowing && state.length === 0 && !state.sync && stream.listenerCount("data") > 0) {
    state.dataEmitted = true;
    stream.emit("data", chunk);
  } else {
    state.length += len;
    if (front) state.buffer.unshift(chunk);
    else state.buffer.push(chunk);
    if (state.needReadable) emitReadable(stream);
  }
  maybeReadMore(stream, state);
  return !state.ended && (state.length < state.highWaterMark || state.length === 0);
}

function emitReadable(stream: Readable): void {
  const state = stream._readableState;
  state.needReadable = false;
  if (!state.emittedReadable) {
    state.emittedReadable = true;
    nextTick(emitReadableNow, stream);
  }
}

function emitReadableNow(stream: Readable): void {
  const state = stream._readableState;
  if (!state.destroyed && !state.errored && (state.length || state.ended)) {
    stream.emit("readable");
    state.emittedReadable = false;
  }
  state.needReadable = !state.flowing && !state.ended && state.length <= state.highWaterMark;
  flow(stream);
}

function maybeReadMore(stream: Readable, state: ReadableState): void {
  if (!state.readingMore && state.constructed) {
    state.readingMore = true;
    nextTick(() => {
      while (
        !state.reading &&
        !state.ended &&
        !state.destroyed &&
        (state.length < state.highWaterMark || (state.flowing && state.length === 0))
      ) {
        const len = state.length;
        stream.read(0);
        if (len === state.length) break;
      }
      state.readingMore = false;
    });
  }
}

/** Takes n bytes (or the whole buffer) out of the buffered chunks. */
function takeFromBuffer(state: ReadableState, n: number | undefined): unknown {
  if (state.length === 0) return null;
  if (state.objectMode) {
    state.length--;
    return state.buffer.shift();
  }
  if (n === undefined || n >= state.length) {
    const all = state.buffer;
    state.buffer = [];
    const len = state.length;
    state.length = 0;
    if (state.decoder || all.length > 0 && typeof all[0] === "string") return all.join("");
    return all.length === 1 ? all[0] : Buffer.concat(all as Uint8Array[], len);
  }
  // Part of the buffer: n units, splitting a chunk when needed.
  const parts: unknown[] = [];
  let need = n;
  while (need > 0) {
    const head = state.buffer[0] as Uint8Array | string;
    if (head.length <= need) {
      parts.push(state.buffer.shift());
      need -= head.length;
    } else {
      parts.push(typeof head === "string" ? head.slice(0, need) : head.subarray(0, need));
      state.buffer[0] = typeof head === "string" ? head.slice(need) : head.subarray(need);
      need = 0;
    }
  }
  state.length -= n;
  if (typeof parts[0] === "string") return parts.join("");
  return parts.length === 1 ? parts[0] : Buffer.concat(parts as Uint8Array[], n);
}

function howMuchToRead(n: number | undefined, state: ReadableState): number {
  if ((n !== undefined && n <= 0) || (state.length === 0 && state.ended)) return 0;
  if (state.objectMode) return 1;
  if (n === undefined || Number.isNaN(n)) {
    if (state.flowing && state.length) return chunkLength(state.buffer[0], false);
    return state.length;
  }
  if (n <= state.length) return n;
  return state.ended ? state.length : 0;
}

R.read = function (this: Readable, n?: number): unknown {
  const state = this._readableState;
  if (n !== undefined && typeof n !== "number") n = parseInt(String(n), 10);
  const nOrig = n;
  if (n !== undefined && n > state.highWaterMark) {
    state.highWaterMark = Math.min(2 ** 30, 2 ** Math.ceil(Math.log2(n)));
  }
  if (n !== 0) state.emittedReadable = false;
  if (
    n === 0 &&
    state.needReadable &&
    ((state.highWaterMark !== 0 ? state.length >= state.highWaterMark : state.length > 0) || state.ended)
  ) {
    if (state.length === 0 && state.ended) endReadable(this);
    else emitReadable(this);
    return null;
  }
  n = howMuchToRead(n, state);
  if (n === 0 && state.ended) {
    if (state.length === 0) endReadable(this);
    return null;
  }
  let doRead = state.needReadable;
  if (state.length === 0 || state.length - (n ?? 0) < state.highWaterMark) doRead = true;
  if (state.ended || state.reading || state.destroyed || state.errored || !state.constructed) doRead = false;
  else if (doRead) {
    state.reading = true;
    state.sync = true;
    if (state.length === 0) state.needReadable = true;
    try {
      this._read(state.highWaterMark);
    } catch (e) {
      errorOrDestroy(this, e as Error);
    }
    state.sync = false;
    if (!state.reading) n = howMuchToRead(nOrig, state);
  }
  let ret: unknown = null;
  if (n > 0) ret = takeFromBuffer(state, state.objectMode ? undefined : n === state.length ? undefined : n);
  if (ret === null) {
    state.needReadable = state.length <= state.highWaterMark;
    n = 0;
  } else {
    state.awaitDrainWriters.clear();
  }
  if (state.length === 0) {
    if (!state.ended) state.needReadable = true;
    if (nOrig !== n && state.ended) endReadable(this);
  }
  if (ret !== null && !state.errorEmitted && !state.closeEmitted) {
    state.dataEmitted = true;
    this.emit("data", ret);
  }
  return ret;
};

function endReadable(stream: Readable): void {
  const state = stream._readableState;
  if (!state.endEmitted) {
    state.ended = true;
    nextTick(endReadableNT, state, stream);
  }
}

function endReadableNT(state: ReadableState, stream: Readable): void {
  if (!state.errored && !state.closeEmitted && !state.endEmitted && state.length === 0) {
    state.endEmitted = true;
    stream.emit("end");
    const w = (stream as AnyObj)._writableState as WritableState | undefined;
    if (w && !w.ending && (stream as AnyObj).allowHalfOpen === false) {
      (stream as AnyObj).end();
    } else if (state.autoDestroy) {
      const autoDestroy = !w || (w.autoDestroy && (w.finished || w.writable === false));
      if (autoDestroy) stream.destroy();
    }
  }
}

function flow(stream: Readable): void {
  const state = stream._readableState;
  while (state.flowing && stream.read() !== null);
}

R.on = function (this: Readable, ev: string | symbol, fn: (...args: any[]) => void) {
  const res = (Stream.prototype as AnyObj).on.call(this, ev, fn);
  const state = this._readableState;
  if (ev === "data") {
    state.readableListening = this.listenerCount("readable") > 0;
    if (state.flowing !== false) this.resume();
  } else if (ev === "readable") {
    if (!state.endEmitted && !state.readableListening) {
      state.readableListening = state.needReadable = true;
      state.flowing = false;
      state.emittedReadable = false;
      if (state.length) emitReadable(this);
      else if (!state.reading) nextTick(() => this.read(0));
    }
  }
  return res;
};
R.addListener = R.on;

R.removeListener = function (this: Readable, ev: string | symbol, fn: (...args: any[]) => void) {
  const res = (Stream.prototype as AnyObj).removeListener.call(this, ev, fn);
  if (ev === "readable") nextTick(updateReadableListening, this);
  return res;
};
R.off = R.removeListener;

R.removeAllListeners = function (this: Readable, ev?: string | symbol) {
  const res = (Stream.prototype as AnyObj).removeAllListeners.apply(this, arguments as unknown as []);
  if (ev === "readable" || ev === undefined) nextTick(updateReadableListening, this);
  return res;
};

function updateReadableListening(stream: Readable): void {
  const state = stream._readableState;
  state.readableListening = stream.listenerCount("readable") > 0;
  if (state.resumeScheduled && !state.readableListening) state.flowing = true;
  else if (stream.listenerCount("data") > 0) stream.resume();
  else if (!state.readableListening) state.flowing = null;
}

R.resume = function (this: Readable) {
  const state = this._readableState;
  if (!state.flowing) {
    state.flowing = !state.readableListening;
    if (!state.resumeScheduled) {
      state.resumeScheduled = true;
      nextTick(() => {
        if (!state.reading) this.read(0);
        state.resumeScheduled = false;
        this.emit("resume");
        flow(this);
        if (state.flowing && !state.reading) this.read(0);
      });
    }
  }
  return this;
};

R.pause = function (this: Readable) {
  const state = this._readableState;
  if (state.flowing !== false) {
    state.flowing = false;
    this.emit("pause");
  }
  return this;
};

R.isPaused = function (this: Readable): boolean {
  return this._readableState.flowing === false;
};

R.setEncoding = function (this: Readable, enc: string) {
  const state = this._readableState;
  const decoder = new StringDecoder(enc);
  state.decoder = decoder;
  state.encoding = decoder.encoding;
  let content = "";
  for (const chunk of state.buffer) content += typeof chunk === "string" ? chunk : decoder.write(chunk);
  state.buffer = content ? [content] : [];
  state.length = content.length;
  return this;
};

R.pipe = function (this: Readable, dest: AnyObj, options?: { end?: boolean }) {
  const src = this;
  const state = this._readableState;
  state.pipes.push(dest);
  const doEnd = options?.end !== false;
  const endFn = doEnd ? onend : unpipe;
  if (state.endEmitted) nextTick(endFn);
  else src.once("end", endFn);
  dest.on("unpipe", onunpipe);
  function onunpipe(readable: unknown, info: { hasUnpiped?: boolean }) {
    if (readable === src && info && info.hasUnpiped === false) {
      info.hasUnpiped = true;
      cleanup();
    }
  }
  function onend() {
    dest.end();
  }
  let ondrain: (() => void) | undefined;
  let cleanedUp = false;
  function cleanup() {
    dest.removeListener("close", onclose);
    dest.removeListener("finish", onfinish);
    if (ondrain) dest.removeListener("drain", ondrain);
    dest.removeListener("error", onerror);
    dest.removeListener("unpipe", onunpipe);
    src.removeListener("end", onend);
    src.removeListener("end", unpipe);
    src.removeListener("data", ondata);
    cleanedUp = true;
    if (ondrain && state.awaitDrainWriters.size > 0 && (!dest._writableState || dest._writableState.needDrain)) ondrain();
  }
  function pause() {
    if (!cleanedUp) {
      state.awaitDrainWriters.add(dest);
    }
    src.pause();
  }
  src.on("data", ondata);
  function ondata(chunk: unknown) {
    const ret = dest.write(chunk);
    if (ret === false) {
      if (!ondrain) {
        ondrain = () => {
          state.awaitDrainWriters.delete(dest);
          if (state.awaitDrainWriters.size === 0 && src.listenerCount("data") > 0) src.resume();
        };
        dest.on("drain", ondrain);
      }
      pause();
    }
  }
  function onerror(er: Error) {
    unpipe();
    dest.removeListener("error", onerror);
    if (dest.listenerCount("error") === 0) {
      const w = dest._writableState as WritableState | undefined;
      if (w && !w.errorEmitted) errorOrDestroy(dest as Writable, er);
      else dest.emit("error", er);
    }
  }
  dest.prependListener("error", onerror);
  function onclose() {
    dest.removeListener("finish", onfinish);
    unpipe();
  }
  dest.once("close", onclose);
  function onfinish() {
    dest.removeListener("close", onclose);
    unpipe();
  }
  dest.once("finish", onfinish);
  function unpipe() {
    src.unpipe(dest);
  }
  dest.emit("pipe", src);
  if (dest.writableNeedDrain === true) pause();
  else if (!state.flowing) src.resume();
  return dest;
};

R.unpipe = function (this: Readable, dest?: AnyObj) {
  const state = this._readableState;
  if (state.pipes.length === 0) return this;
  const dests = dest ? [dest] : state.pipes.slice();
  for (const d of dests) {
    const i = state.pipes.indexOf(d);
    if (i === -1) continue;
    state.pipes.splice(i, 1);
    if (state.pipes.length === 0) this.pause();
    d.emit("unpipe", this, { hasUnpiped: false });
  }
  return this;
};

R.destroy = function (this: Readable, err?: Error | null, cb?: Cb) {
  destroyImpl(this, err, cb);
  return this;
};
R._destroy = function (err: Error | null, cb: Cb): void {
  cb(err);
};
R[EventEmitter.captureRejectionSymbol as symbol] = function (this: Readable, err: Error) {
  this.destroy(err);
};

R.wrap = function (this: Readable, stream: AnyObj) {
  let paused = false;
  stream.on("data", (chunk: unknown) => {
    if (!this.push(chunk) && stream.pause) {
      paused = true;
      stream.pause();
    }
  });
  stream.on("end", () => this.push(null));
  stream.on("error", (err: Error) => errorOrDestroy(this, err));
  stream.on("close", () => this.destroy());
  stream.on("destroy", () => this.destroy());
  this._read = () => {
    if (paused && stream.resume) {
      paused = false;
      stream.resume();
    }
  };
  return this;
};

R[Symbol.asyncIterator] = function (this: Readable): AsyncIterableIterator<unknown> {
  return createAsyncIterator(this);
};
R.iterator = function (this: Readable, options?: { destroyOnReturn?: boolean }) {
  return createAsyncIterator(this, options);
};

function createAsyncIterator(stream: Readable, options?: { destroyOnReturn?: boolean }): AsyncIterableIterator<unknown> {
  let wake: (() => void) | null = null;
  let error: Error | null = null;
  let done = false;
  const next = () => {
    const w = wake;
    wake = null;
    if (w) w();
  };
  stream.on("readable", next);
  const cleanup = eos(stream, { writable: false }, (err?: Error | null) => {
    error = err && (err as AnyObj).code !== "ERR_STREAM_PREMATURE_CLOSE" ? err : null;
    done = true;
    next();
  });
  const destroyOnReturn = options?.destroyOnReturn !== false;
  async function* gen(): AsyncGenerator<unknown> {
    try {
      while (true) {
        const chunk = stream.destroyed ? null : stream.read();
        if (chunk !== null) yield chunk;
        else if (error) throw error;
        else if (done) return;
        else await new Promise<void>((r) => (wake = r));
      }
    } catch (e) {
      error = e as Error;
      throw e;
    } finally {
      cleanup();
      stream.removeListener("readable", next);
      const state = stream._readableState;
      if ((error || destroyOnReturn) && !(state.autoDestroy && state.endEmitted && !error)) {
        destroyImpl(stream, null);
      }
    }
  }
  return gen();
}

// Readable's getters, as Node defines them.
const readableGetters: Record<string, (this: Readable) => unknown> = {
  readable() {
    const r = this._readableState;
    return !!r && r.constructed !== undefined && !r.destroyed && !r.errorEmitted && !r.endEmitted && (this as AnyObj)._readableFlag !== false;
  },
  readableDidRead() {
    return this._readableState.dataEmitted;
  },
  readableAborted() {
    const r = this._readableState;
    return !!(r.destroyed || r.errored) && !r.endEmitted;
  },
  readableHighWaterMark() {
    return this._readableState.highWaterMark;
  },
  readableBuffer() {
    return this._readableState.buffer;
  },
  readableFlowing() {
    return this._readableState.flowing;
  },
  readableLength() {
    return this._readableState.length;
  },
  readableObjectMode() {
    return this._readableState.objectMode;
  },
  readableEncoding() {
    return this._readableState.encoding;
  },
  readableEnded() {
    return this._readableState.endEmitted;
  },
  errored() {
    return this._readableState.errored;
  },
  closed() {
    return this._readableState.closed;
  },
  destroyed() {
    return this._readableState.destroyed;
  },
};
for (const [name, get] of Object.entries(readableGetters)) {
  const set =
    name === "readable"
      ? function (this: AnyObj, v: boolean) {
          this._readableFlag = v;
        }
      : name === "destroyed"
        ? function (this: Readable, v: boolean) {
            this._readableState.destroyed = v;
          }
        : name === "readableFlowing"
          ? function (this: Readable, v: boolean | null) {
              this._readableState.flowing = v;
            }
          : undefined;
  Object.defineProperty(R, name, { get, set, configurable: true, enumerable: false });
}

// ---- Readable helpers (Node's experimental iterator methods) -------------------

R.toArray = async function (this: Readable): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of this) out.push(chunk);
  return out;
};
R.forEach = async function (this: Readable, fn: (chunk: unknown) => unknown): Promise<void> {
  for await (const chunk of this) await fn(chunk);
};
R.map = function (this: Readable, fn: (chunk: unknown) => unknown): Readable {
  const src = this;
  return Readable.from(
    (async function* () {
      for await (const chunk of src) yield await fn(chunk);
    })(),
  );
};
R.filter = function (this: Readable, fn: (chunk: unknown) => unknown): Readable {
  const src = this;
  return Readable.from(
    (async function* () {
      for await (const chunk of src) if (await fn(chunk)) yield chunk;
    })(),
  );
};
R.take = function (this: Readable, n: number): Readable {
  const src = this;
  return Readable.from(
    (async function* () {
      if (n <= 0) return;
      let i = 0;
      for await (const chunk of src) {
        yield chunk;
        if (++i >= n) return;
      }
    })(),
  );
};
R.reduce = async function (this: Readable, fn: (acc: unknown, chunk: unknown) => unknown, initial?: unknown): Promise<unknown> {
  let acc = initial;
  let first = arguments.length < 2;
  for await (const chunk of this) {
    if (first) {
      acc = chunk;
      first = false;
    } else acc = await fn(acc, chunk);
  }
  return acc;
};

/** A Readable over an iterable or async iterable (objectMode unless told otherwise). */
Readable.from = function from(iterable: unknown, opts?: AnyObj): Readable {
  if (typeof iterable === "string" || iterable instanceof Uint8Array) {
    return new Readable({
      objectMode: true,
      ...opts,
      read(this: Readable) {
        this.push(iterable);
        this.push(null);
      },
    });
  }
  let iterator: AsyncIterator<unknown> | Iterator<unknown>;
  let isAsync: boolean;
  const it = iterable as AnyObj;
  if (it && typeof it[Symbol.asyncIterator] === "function") {
    isAsync = true;
    iterator = it[Symbol.asyncIterator]();
  } else if (it && typeof it[Symbol.iterator] === "function") {
    isAsync = false;
    iterator = it[Symbol.iterator]();
  } else {
    throw invalidArgType("iterable", "an instance of Iterable", iterable);
  }
  let reading = false;
  const readable = new Readable({
    objectMode: true,
    highWaterMark: 1,
    ...opts,
    read() {
      if (!reading) {
        reading = true;
        void pump();
      }
    },
    destroy(err: Error | null, cb: Cb) {
      const ret = (iterator as AnyObj).return;
      if (typeof ret === "function") {
        Promise.resolve()
          .then(() => ret.call(iterator))
          .then(
            () => cb(err),
            (e: Error) => cb(err || e),
          );
      } else cb(err);
    },
  });
  async function pump(): Promise<void> {
    for (;;) {
      try {
        const r = isAsync ? await (iterator as AsyncIterator<unknown>).next() : (iterator as Iterator<unknown>).next();
        const { value, done } = r;
        if (done) {
          readable.push(null);
        } else {
          const v = value && typeof (value as AnyObj).then === "function" ? await value : value;
          if (v === null) {
            reading = false;
            throw errs.nullValues();
          } else if (readable.push(v)) continue;
          else reading = false;
        }
      } catch (err) {
        readable.destroy(err as Error);
      }
      break;
    }
  }
  return readable;
};

// ---- Writable ----------------------------------------------------------------------

interface WritableState {
  objectMode: boolean;
  highWaterMark: number;
  finalCalled: boolean;
  needDrain: boolean;
  ending: boolean;
  ended: boolean;
  finished: boolean;
  destroyed: boolean;
  decodeStrings: boolean;
  defaultEncoding: string;
  length: number;
  writing: boolean;
  corked: number;
  sync: boolean;
  bufferProcessing: boolean;
  writecb: Cb | null;
  writelen: number;
  buffered: { chunk: unknown; encoding: string; callback: Cb }[];
  pendingcb: number;
  constructed: boolean;
  prefinished: boolean;
  errorEmitted: boolean;
  emitClose: boolean;
  autoDestroy: boolean;
  errored: Error | null;
  closed: boolean;
  closeEmitted: boolean;
  allNoop: boolean;
  afterWriteTickInfo: { count: number; cb: Cb; stream: Writable; state: WritableState } | null;
  writable?: boolean;
  /** end()'s callbacks: called just before 'finish', or with the error that stopped the stream. */
  onFinished: Cb[];
}

export interface Writable extends Stream {
  _writableState: WritableState;
  _write(chunk: unknown, encoding: string, cb: Cb): void;
  _writev?: (chunks: { chunk: unknown; encoding: string }[], cb: Cb) => void;
  _final?: (cb: Cb) => void;
  _destroy(err: Error | null, cb: Cb): void;
  write(chunk: unknown, encoding?: string | Cb, cb?: Cb): boolean;
  end(chunk?: unknown, encoding?: string | Cb, cb?: Cb): this;
  destroy(err?: Error | null, cb?: Cb): this;
}

export const Writable = function Writable(this: Writable, options?: AnyObj): Writable | void {
  const isDuplex = this instanceof Duplex;
  if (!isDuplex && !(this instanceof Writable)) return new (Writable as any)(options);
  if (!isDuplex) Stream.call(this, options);
  initWritable(this, options, isDuplex);
} as unknown as {
  new (options?: AnyObj): Writable;
  (this: Writable, options?: AnyObj): void;
  prototype: Writable;
  [k: string]: any;
};
Object.setPrototypeOf(Writable.prototype, Stream.prototype);
Object.setPrototypeOf(Writable, Stream);
Object.defineProperty(Writable, Symbol.hasInstance, {
  value(this: Function, obj: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, obj)) return true;
    if (this !== Writable) return false;
    return !!obj && (obj as AnyObj)._writableState !== undefined && obj instanceof Duplex;
  },
});

function initWritable(stream: Writable, options: AnyObj | undefined, isDuplex: boolean): void {
  const objectMode = !!(options?.objectMode || (isDuplex && options?.writableObjectMode));
  stream._writableState = {
    objectMode,
    highWaterMark: hwmFrom(options, isDuplex ? "writableHighWaterMark" : "highWaterMark", objectMode),
    finalCalled: false,
    needDrain: false,
    ending: false,
    ended: false,
    finished: false,
    destroyed: false,
    decodeStrings: options?.decodeStrings !== false,
    defaultEncoding: options?.defaultEncoding || "utf8",
    length: 0,
    writing: false,
    corked: 0,
    sync: true,
    bufferProcessing: false,
    writecb: null,
    writelen: 0,
    buffered: [],
    pendingcb: 0,
    constructed: true,
    prefinished: false,
    errorEmitted: false,
    emitClose: options?.emitClose !== false,
    autoDestroy: options?.autoDestroy !== false,
    errored: null,
    closed: false,
    closeEmitted: false,
    allNoop: true,
    afterWriteTickInfo: null,
    onFinished: [],
  };
  if (options) {
    if (typeof options.write === "function") stream._write = options.write;
    if (typeof options.writev === "function") stream._writev = options.writev;
    if (typeof options.destroy === "function") stream._destroy = options.destroy;
    if (typeof options.final === "function") stream._final = options.final;
    if (typeof options.construct === "function" && !isDuplex) construct(stream, options.construct);
    if (options.signal && !isDuplex) addAbortSignal(options.signal, stream);
  }
}

const W = Writable.prototype as AnyObj;

W._write = function (this: Writable, chunk: unknown, encoding: string, cb: Cb): void {
  if (this._writev) this._writev([{ chunk, encoding }], cb);
  else throw errs.notImpl("_write()");
};

function nop(): void {}

W.write = function (this: Writable, chunk: unknown, encoding?: string | Cb, cb?: Cb): boolean {
  const state = this._writableState;
  if (typeof encoding === "function") {
    cb = encoding;
    encoding = state.objectMode ? undefined : state.defaultEncoding;
  } else {
    if (!encoding) encoding = state.objectMode ? undefined : state.defaultEncoding;
    else if (encoding !== "buffer" && !Buffer.isEncoding(encoding)) {
      throw coded(new TypeError(`Unknown encoding: ${encoding}`), "ERR_UNKNOWN_ENCODING");
    }
    if (typeof cb !== "function") cb = nop;
  }
  if (chunk === null) throw errs.nullValues();
  if (!state.objectMode) {
    if (typeof chunk === "string") {
      if (state.decodeStrings !== false) {
        chunk = Buffer.from(chunk, encoding);
        encoding = "buffer";
      }
    } else if (Buffer.isBuffer(chunk)) {
      encoding = "buffer";
    } else if (chunk instanceof Uint8Array) {
      chunk = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      encoding = "buffer";
    } else {
      throw invalidArgType("chunk", "of type string or an instance of Buffer or Uint8Array", chunk);
    }
  }
  let err: Error | undefined;
  if (state.ending) err = errs.writeAfterEnd();
  else if (state.destroyed) err = errs.destroyed("write");
  if (err) {
    nextTick(cb as Cb, err);
    errorOrDestroy(this, err, true);
    return false;
  }
  state.pendingcb++;
  const len = state.objectMode ? 1 : (chunk as { length: number }).length;
  state.length += len;
  const ret = state.length < state.highWaterMark;
  if (!ret) state.needDrain = true;
  if (state.writing || state.corked || state.errored || !state.constructed) {
    state.buffered.push({ chunk, encoding: encoding as string, callback: cb as Cb });
    if (state.allNoop && cb !== nop) state.allNoop = false;
  } else {
    state.writelen = len;
    state.writecb = cb as Cb;
    state.writing = true;
    state.sync = true;
    this._write(chunk, encoding as string, (er?: Error | null) => onwrite(this, er));
    state.sync = false;
  }
  return ret && !state.errored && !state.destroyed;
};

function onwrite(stream: Writable, er?: Error | null): void {
  const state = stream._writableState;
  const sync = state.sync;
  const cb = state.writecb;
  if (typeof cb !== "function") {
    errorOrDestroy(stream, errs.multipleCallback());
    return;
  }
  state.writing = false;
  state.writecb = null;
  state.length -= state.writelen;
  state.writelen = 0;
  if (er) {
    if (!state.errored) state.errored = er;
    const r = (stream as AnyObj)._readableState as ReadableState | undefined;
    if (r && !r.errored) r.errored = er;
    if (sync) nextTick(onwriteError, stream, state, er, cb);
    else onwriteError(stream, state, er, cb);
    return;
  }
  if (state.buffered.length > 0) clearBuffer(stream, state);
  if (sync) {
    if (state.afterWriteTickInfo !== null && state.afterWriteTickInfo.cb === cb) {
      state.afterWriteTickInfo.count++;
    } else {
      state.afterWriteTickInfo = { count: 1, cb, stream, state };
      nextTick(afterWriteTick, state.afterWriteTickInfo);
    }
  } else {
    afterWrite(stream, state, 1, cb);
  }
}

function onwriteError(stream: Writable, state: WritableState, er: Error, cb: Cb): void {
  --state.pendingcb;
  cb(er);
  errorBuffer(state);
  errorOrDestroy(stream, er);
}

function afterWriteTick(info: { count: number; cb: Cb; stream: Writable; state: WritableState }): void {
  info.state.afterWriteTickInfo = null;
  afterWrite(info.stream, info.state, info.count, info.cb);
}

function afterWrite(stream: Writable, state: WritableState, count: number, cb: Cb): void {
  const needDrain = !state.ending && !stream.destroyed && state.length === 0 && state.needDrain;
  if (needDrain) {
    state.needDrain = false;
    stream.emit("drain");
  }
  while (count-- > 0) {
    state.pendingcb--;
    cb(null);
  }
  if (state.destroyed) errorBuffer(state);
  finishMaybe(stream, state);
}

function errorBuffer(state: WritableState): void {
  if (state.writing) return;
  for (const { chunk, callback } of state.buffered) {
    const len = state.objectMode ? 1 : (chunk as { length: number }).length;
    state.length -= len;
    callback(state.errored ?? errs.destroyed("write"));
  }
  state.buffered = [];
}

function clearBuffer(stream: Writable, state: WritableState): void {
  if (state.corked || state.bufferProcessing || state.destroyed || !state.constructed) return;
  const buffered = state.buffered;
  if (buffered.length === 0) return;
  state.bufferProcessing = true;
  if (buffered.length > 1 && stream._writev) {
    state.pendingcb -= buffered.length - 1;
    const callbacks = state.allNoop ? nop : (err?: Error | null) => {
      for (const b of buffered) b.callback(err);
    };
    const chunks = state.allNoop ? buffered : buffered.slice();
    state.buffered = [];
    state.allNoop = true;
    state.writelen = state.length;
    state.writecb = callbacks as Cb;
    state.writing = true;
    state.sync = true;
    stream._writev(chunks, (er?: Error | null) => onwrite(stream, er));
    state.sync = false;
  } else {
    const { chunk, encoding, callback } = buffered.shift()!;
    const len = state.objectMode ? 1 : (chunk as { length: number }).length;
    state.writelen = len;
    state.writecb = callback;
    state.writing = true;
    state.sync = true;
    stream._write(chunk, encoding, (er?: Error | null) => onwrite(stream, er));
    state.sync = false;
  }
  state.bufferProcessing = false;
}

W.cork = function (this: Writable): void {
  this._writableState.corked++;
};

W.uncork = function (this: Writable): void {
  const state = this._writableState;
  if (state.corked) {
    state.corked--;
    if (!state.writing) clearBuffer(this, state);
  }
};

W.setDefaultEncoding = function (this: Writable, encoding: string) {
  if (typeof encoding === "string") encoding = encoding.toLowerCase();
  if (!Buffer.isEncoding(encoding)) throw coded(new TypeError(`Unknown encoding: ${encoding}`), "ERR_UNKNOWN_ENCODING");
  this._writableState.defaultEncoding = encoding;
  return this;
};

W.end = function (this: Writable, chunk?: unknown, encoding?: string | Cb, cb?: Cb) {
  const state = this._writableState;
  if (typeof chunk === "function") {
    cb = chunk as Cb;
    chunk = null;
    encoding = undefined;
  } else if (typeof encoding === "function") {
    cb = encoding;
    encoding = undefined;
  }
  let err: Error | undefined;
  if (chunk !== null && chunk !== undefined) {
    this.write(chunk, encoding as string);
  }
  if (state.corked) {
    state.corked = 1;
    this.uncork();
  }
  if (state.errored) err = state.errored;
  else if (!state.errorEmitted && !state.ending) {
    state.ending = true;
    finishMaybe(this, state, true);
    state.ended = true;
  } else if (state.finished) err = errs.alreadyFinished("end");
  else if (state.destroyed) err = errs.destroyed("end");
  if (typeof cb === "function") {
    if (err || state.finished) nextTick(cb, err);
    else state.onFinished.push(cb);
  }
  return this;
};

function needFinish(state: WritableState): boolean {
  return (
    state.ending &&
    !state.destroyed &&
    state.constructed &&
    state.length === 0 &&
    !state.errored &&
    state.buffered.length === 0 &&
    !state.finished &&
    !state.writing &&
    !state.errorEmitted &&
    !state.closeEmitted
  );
}

function callFinal(stream: Writable, state: WritableState): void {
  let called = false;
  const onFinish = (err?: Error | null) => {
    if (called) {
      errorOrDestroy(stream, errs.multipleCallback());
      return;
    }
    called = true;
    state.pendingcb--;
    if (err) {
      errorBuffer(state);
      errorOrDestroy(stream, err, state.sync);
    } else if (needFinish(state)) {
      state.prefinished = true;
      stream.emit("prefinish");
      state.pendingcb++;
      nextTick(finish, stream, state);
    }
  };
  state.sync = true;
  state.pendingcb++;
  try {
    stream._final!((err?: Error | null) => onFinish(err));
  } catch (err) {
    onFinish(err as Error);
  }
  state.sync = false;
}

function prefinish(stream: Writable, state: WritableState): void {
  if (!state.prefinished && !state.finalCalled) {
    if (typeof stream._final === "function" && !state.destroyed) {
      state.finalCalled = true;
      callFinal(stream, state);
    } else {
      state.prefinished = true;
      stream.emit("prefinish");
    }
  }
}

function finishMaybe(stream: Writable, state: WritableState, sync?: boolean): void {
  if (needFinish(state)) {
    prefinish(stream, state);
    if (state.pendingcb === 0) {
      if (sync) {
        state.pendingcb++;
        nextTick(() => {
          if (needFinish(state)) finish(stream, state);
          else state.pendingcb--;
        });
      } else if (needFinish(state)) {
        state.pendingcb++;
        finish(stream, state);
      }
    }
  }
}

function finish(stream: Writable, state: WritableState): void {
  state.pendingcb--;
  state.finished = true;
  for (const cb of state.onFinished.splice(0)) cb(null);
  stream.emit("finish");
  if (state.autoDestroy) {
    const r = (stream as AnyObj)._readableState as ReadableState | undefined;
    const autoDestroy = !r || (r.autoDestroy && (r.endEmitted || (stream as AnyObj)._readableFlag === false));
    if (autoDestroy) stream.destroy();
  }
}

W.destroy = function (this: Writable, err?: Error | null, cb?: Cb) {
  const state = this._writableState;
  if (!state.destroyed && (state.buffered.length || state.writing)) nextTick(errorBuffer, state);
  destroyImpl(this, err, cb);
  return this;
};
W._destroy = function (err: Error | null, cb: Cb): void {
  cb(err);
};
W[EventEmitter.captureRejectionSymbol as symbol] = function (this: Writable, err: Error) {
  this.destroy(err);
};

const writableGetters: Record<string, (this: Writable) => unknown> = {
  writable() {
    const w = this._writableState;
    return !!w && w.writable !== false && !w.destroyed && !w.errored && !w.ending && !w.ended;
  },
  writableFinished() {
    return this._writableState.finished;
  },
  writableObjectMode() {
    return this._writableState.objectMode;
  },
  writableBuffer() {
    return this._writableState.buffered.map((b) => b.chunk);
  },
  writableEnded() {
    return this._writableState.ending;
  },
  writableNeedDrain() {
    const w = this._writableState;
    return !w.destroyed && !w.ending && w.needDrain;
  },
  writableHighWaterMark() {
    return this._writableState.highWaterMark;
  },
  writableCorked() {
    return this._writableState.corked;
  },
  writableLength() {
    return this._writableState.length;
  },
  writableAborted() {
    const w = this._writableState;
    return !!(w.writable !== false && (w.destroyed || w.errored) && !w.finished);
  },
  errored() {
    return this._writableState.errored;
  },
  closed() {
    return this._writableState.closed;
  },
  destroyed() {
    return this._writableState.destroyed;
  },
};
for (const [name, get] of Object.entries(writableGetters)) {
  const set =
    name === "writable"
      ? function (this: Writable, v: boolean) {
          this._writableState.writable = !!v;
        }
      : name === "destroyed"
        ? function (this: Writable, v: boolean) {
            this._writableState.destroyed = v;
          }
        : undefined;
  Object.defineProperty(W, name, { get, set, configurable: true, enumerable: false });
}

// ---- destroy, shared by all ----------------------------------------------------------

function states(stream: AnyObj): [ReadableState | undefined, WritableState | undefined] {
  return [stream._readableState, stream._writableState];
}

function destroyImpl(stream: AnyObj, err?: Error | null, cb?: Cb): void {
  const [r, w] = states(stream);
  if ((w && w.destroyed) || (r && r.destroyed)) {
    if (typeof cb === "function") cb();
    return;
  }
  if (err) {
    if (w && !w.errored) w.errored = err;
    if (r && !r.errored) r.errored = err;
  }
  if (w) w.destroyed = true;
  if (r) r.destroyed = true;
  const run = () => {
    let called = false;
    const onDestroy = (e?: Error | null) => {
      if (called) return;
      called = true;
      if (e) {
        if (w && !w.errored) w.errored = e;
        if (r && !r.errored) r.errored = e;
      }
      if (w) w.closed = true;
      if (r) r.closed = true;
      if (typeof cb === "function") cb(e);
      if (w && w.onFinished.length > 0) {
        const failure = e ?? errs.prematureClose();
        for (const f of w.onFinished.splice(0)) nextTick(f, failure);
      }
      if (e) nextTick(emitErrorCloseNT, stream, e);
      else nextTick(emitCloseNT, stream);
    };
    try {
      stream._destroy(err || null, onDestroy);
    } catch (e) {
      onDestroy(e as Error);
    }
  };
  if ((r && !r.constructed) || (w && !w.constructed)) stream.once(kConstruct, run);
  else run();
}

function emitErrorCloseNT(stream: AnyObj, err: Error): void {
  emitErrorNT(stream, err);
  emitCloseNT(stream);
}

function emitCloseNT(stream: AnyObj): void {
  const [r, w] = states(stream);
  if (w) w.closeEmitted = true;
  if (r) r.closeEmitted = true;
  if ((w && w.emitClose) || (r && r.emitClose)) stream.emit("close");
}

function emitErrorNT(stream: AnyObj, err: Error): void {
  const [r, w] = states(stream);
  if ((w && w.errorEmitted) || (r && r.errorEmitted)) return;
  if (w) w.errorEmitted = true;
  if (r) r.errorEmitted = true;
  stream.emit("error", err);
}

function errorOrDestroy(stream: AnyObj, err: Error, sync?: boolean): void {
  const [r, w] = states(stream);
  if ((w && w.destroyed) || (r && r.destroyed)) return;
  if ((r && r.autoDestroy) || (w && w.autoDestroy)) stream.destroy(err);
  else if (err) {
    if (w && !w.errored) w.errored = err;
    if (r && !r.errored) r.errored = err;
    if (sync) nextTick(emitErrorNT, stream, err);
    else emitErrorNT(stream, err);
  }
}

// ---- Duplex, Transform, PassThrough ---------------------------------------------------

export interface Duplex extends Readable, Writable {
  allowHalfOpen: boolean;
}

export const Duplex = function Duplex(this: Duplex, options?: AnyObj): Duplex | void {
  if (!(this instanceof Duplex)) return new (Duplex as any)(options);
  Readable.call(this, options);
  Writable.call(this, options);
  if (options) {
    this.allowHalfOpen = options.allowHalfOpen !== false;
    if (options.readable === false) {
      this._readableState.readable = false;
      this._readableState.ended = true;
      this._readableState.endEmitted = true;
    }
    if (options.writable === false) {
      this._writableState.writable = false;
      this._writableState.ending = true;
      this._writableState.ended = true;
      this._writableState.finished = true;
    }
    if (typeof options.construct === "function") construct(this, options.construct);
    if (options.signal) addAbortSignal(options.signal, this);
  } else this.allowHalfOpen = true;
} as unknown as { new (options?: AnyObj): Duplex; (this: Duplex, options?: AnyObj): void; prototype: Duplex; [k: string]: any };
Object.setPrototypeOf(Duplex.prototype, Readable.prototype);
Object.setPrototypeOf(Duplex, Readable);
for (const key of Reflect.ownKeys(W)) {
  if (key === "constructor" || key === "destroy" || key === "_destroy") continue;
  if (key === "errored" || key === "closed" || key === "destroyed") continue;
  if (!Object.prototype.hasOwnProperty.call(Duplex.prototype, key)) {
    Object.defineProperty(Duplex.prototype, key, Object.getOwnPropertyDescriptor(W, key)!);
  }
}
(Duplex.prototype as AnyObj).destroy = function (this: Duplex, err?: Error | null, cb?: Cb) {
  const state = this._writableState;
  if (!state.destroyed && (state.buffered.length || state.writing)) nextTick(errorBuffer, state);
  destroyImpl(this, err, cb);
  return this;
};
Object.defineProperty(Duplex.prototype, "destroyed", {
  get(this: Duplex) {
    return this._readableState.destroyed && this._writableState.destroyed;
  },
  set(this: Duplex, v: boolean) {
    this._readableState.destroyed = v;
    this._writableState.destroyed = v;
  },
  configurable: true,
});

export interface Transform extends Duplex {
  _transform(chunk: unknown, encoding: string, cb: (err?: Error | null, data?: unknown) => void): void;
  _flush?: (cb: (err?: Error | null, data?: unknown) => void) => void;
}

const kCallback = Symbol("kCallback");

export const Transform = function Transform(this: Transform, options?: AnyObj): Transform | void {
  if (!(this instanceof Transform)) return new (Transform as any)(options);
  // Reading starts when something is written: the readable side's
  // highWaterMark would otherwise make it buffer before anyone reads.
  const readableHighWaterMark = options ? (options.readableHighWaterMark ?? options.highWaterMark ?? null) : null;
  if (readableHighWaterMark === 0) {
    options = { ...options, highWaterMark: null, readableHighWaterMark, writableHighWaterMark: options!.writableHighWaterMark || 0 };
  }
  Duplex.call(this, options);
  this._readableState.sync = false;
  (this as AnyObj)[kCallback] = null;
  if (options) {
    if (typeof options.transform === "function") this._transform = options.transform;
    if (typeof options.flush === "function") this._flush = options.flush;
  }
  this.on("prefinish", transformPrefinish);
} as unknown as { new (options?: AnyObj): Transform; (this: Transform, options?: AnyObj): void; prototype: Transform; [k: string]: any };
Object.setPrototypeOf(Transform.prototype, Duplex.prototype);
Object.setPrototypeOf(Transform, Duplex);

function transformFinal(this: Transform, cb?: Cb): void {
  if (typeof this._flush === "function" && !this.destroyed) {
    this._flush((er?: Error | null, data?: unknown) => {
      if (er) {
        if (cb) cb(er);
        else this.destroy(er);
        return;
      }
      if (data !== null && data !== undefined) this.push(data);
      this.push(null);
      if (cb) cb();
    });
  } else {
    this.push(null);
    if (cb) cb();
  }
}

function transformPrefinish(this: Transform): void {
  if ((this as AnyObj)._final !== transformFinal) transformFinal.call(this);
}

const T = Transform.prototype as AnyObj;
T._final = transformFinal;
T._transform = function (): void {
  throw errs.notImpl("_transform()");
};
T._write = function (this: Transform, chunk: unknown, encoding: string, callback: Cb): void {
  const rState = this._readableState;
  const wState = this._writableState;
  const length = rState.length;
  this._transform(chunk, encoding, (err?: Error | null, val?: unknown) => {
    if (err) {
      callback(err);
      return;
    }
    if (val !== null && val !== undefined) this.push(val);
    if (rState.ended) {
      nextTick(callback);
    } else if (wState.ended || length === rState.length || rState.length < rState.highWaterMark) {
      callback();
    } else {
      (this as AnyObj)[kCallback] = callback;
    }
  });
};
T._read = function (this: Transform): void {
  const cb = (this as AnyObj)[kCallback];
  if (cb) {
    (this as AnyObj)[kCallback] = null;
    cb();
  }
};

export const PassThrough = function PassThrough(this: Transform, options?: AnyObj): Transform | void {
  if (!(this instanceof PassThrough)) return new (PassThrough as any)(options);
  Transform.call(this, options);
} as unknown as { new (options?: AnyObj): Transform; (this: Transform, options?: AnyObj): void; prototype: Transform; [k: string]: any };
Object.setPrototypeOf(PassThrough.prototype, Transform.prototype);
Object.setPrototypeOf(PassThrough, Transform);
(PassThrough.prototype as AnyObj)._transform = function (chunk: unknown, _enc: string, cb: (e: null, d: unknown) => void) {
  cb(null, chunk);
};

// ---- finished, pipeline ------------------------------------------------------------------

function isReadableNodeStream(s: unknown): s is Readable {
  return !!s && typeof (s as AnyObj).pipe === "function" && typeof (s as AnyObj).on === "function" && (!(s as AnyObj)._writableState || (s as AnyObj)._readableState);
}
function isWritableNodeStream(s: unknown): s is Writable {
  return !!s && typeof (s as AnyObj).write === "function" && typeof (s as AnyObj).on === "function";
}
export function isReadable(s: unknown): boolean {
  const r = (s as AnyObj)?._readableState as ReadableState | undefined;
  if (!r) return false;
  return !r.destroyed && !r.errored && !r.endEmitted && (s as AnyObj).readable !== false;
}
export function isWritable(s: unknown): boolean {
  const w = (s as AnyObj)?._writableState as WritableState | undefined;
  if (!w) return false;
  return !w.destroyed && !w.errored && !w.ending;
}
export function isErrored(s: unknown): boolean {
  return !!((s as AnyObj)?._readableState?.errored || (s as AnyObj)?._writableState?.errored);
}
export function isDisturbed(s: unknown): boolean {
  const r = (s as AnyObj)?._readableState as ReadableState | undefined;
  return !!r && (r.dataEmitted || r.endEmitted || r.destroyed || r.errored !== null);
}

/** Calls back once the stream has ended, finished or failed. Returns a function that removes the listeners. */
function eos(stream: AnyObj, options: AnyObj | Cb | undefined, callback?: Cb): () => void {
  if (typeof options === "function") {
    callback = options as Cb;
    options = {};
  }
  const opts = (options ?? {}) as AnyObj;
  let cb = callback!;
  let called = false;
  const once = (err?: Error | null) => {
    if (called) return;
    called = true;
    cb.call(stream, err);
  };
  const r = stream._readableState as ReadableState | undefined;
  const w = stream._writableState as WritableState | undefined;
  const readable = opts.readable ?? (r !== undefined && (stream.readable !== false || r.endEmitted));
  const writable = opts.writable ?? (w !== undefined && (w.writable !== false || w.finished));
  let writableFinished = !!w?.finished;
  let readableFinished = !!r?.endEmitted;
  const onfinish = () => {
    writableFinished = true;
    if (!readable || readableFinished) once();
  };
  const onend = () => {
    readableFinished = true;
    if (!writable || writableFinished) once();
  };
  const onerror = (err: Error) => once(err);
  const onclose = () => {
    const errored = r?.errored || w?.errored;
    if (errored && typeof errored !== "boolean") return once(errored);
    if (readable && !readableFinished && r && !r.endEmitted) return once(errs.prematureClose());
    if (writable && !writableFinished && w && !w.finished) return once(errs.prematureClose());
    once();
  };
  stream.on("end", onend);
  stream.on("finish", onfinish);
  if (opts.error !== false) stream.on("error", onerror);
  stream.on("close", onclose);
  // Already done: report on the next tick.
  const closed = (w && w.closeEmitted) || (r && r.closeEmitted);
  if (closed) nextTick(onclose);
  else if ((!readable || readableFinished) && (!writable || writableFinished) && (readable || writable)) nextTick(once);
  const cleanup = () => {
    cb = nop;
    stream.removeListener("end", onend);
    stream.removeListener("finish", onfinish);
    stream.removeListener("error", onerror);
    stream.removeListener("close", onclose);
  };
  if (opts.signal) {
    const signal = opts.signal as AbortSignal;
    const abort = () => {
      const original = cb;
      cleanup();
      original.call(stream, errs.abort(signal.reason));
    };
    if (signal.aborted) nextTick(abort);
    else signal.addEventListener("abort", abort, { once: true });
  }
  return cleanup;
}

export function finished(stream: unknown, options?: AnyObj | Cb, callback?: Cb): () => void {
  if (typeof options === "function") {
    callback = options as Cb;
    options = undefined;
  }
  if (typeof callback !== "function") throw invalidArgType("callback", "of type function", callback);
  if (!stream || typeof (stream as AnyObj).on !== "function") {
    throw invalidArgType("stream", "an instance of ReadableStream, WritableStream, or Stream", stream);
  }
  return eos(stream as AnyObj, options, callback);
}

function isIterable(v: unknown): boolean {
  return !!v && (typeof (v as AnyObj)[Symbol.asyncIterator] === "function" || typeof (v as AnyObj)[Symbol.iterator] === "function");
}

/** Pipes streams (and async generator stages) together; calls back once with the first error or when the last one finishes. */
export function pipeline(...args: unknown[]): Writable | Readable {
  let callback = args.pop() as (err?: Error | null, value?: unknown) => void;
  if (typeof callback !== "function") throw invalidArgType("callback", "of type function", callback);
  let streams = args;
  let options: AnyObj | undefined;
  if (streams.length === 1 && Array.isArray(streams[0])) streams = streams[0] as unknown[];
  const last = streams[streams.length - 1];
  if (streams.length > 2 && last && typeof last === "object" && !isWritableNodeStream(last) && !isReadableNodeStream(last) && !isIterable(last)) {
    options = streams.pop() as AnyObj;
  }
  if (streams.length < 2) throw coded(new TypeError('The "streams" argument must be specified'), "ERR_MISSING_ARGS");
  let finishedCount = 0;
  let error: Error | undefined;
  const nodeStreams: AnyObj[] = [];
  const finish = (err?: Error | null) => {
    // The first real error wins over a premature close it caused.
    if (err && (!error || (error as AnyObj).code === "ERR_STREAM_PREMATURE_CLOSE")) error = err;
    if (error) for (const s of nodeStreams) if (!s.destroyed) s.destroy(error);
    if (--finishedCount === 0) {
      const cb = callback;
      callback = nop;
      nextTick(cb, error, value);
    }
  };
  let value: unknown;
  const track = (s: AnyObj, reading: boolean, writing: boolean) => {
    nodeStreams.push(s);
    finishedCount++;
    eos(s, { readable: reading, writable: writing }, (err?: Error | null) => finish(err));
  };
  if (options?.signal) {
    const signal = options.signal as AbortSignal;
    const abort = () => finish(errs.abort(signal.reason));
    if (signal.aborted) nextTick(abort);
    else signal.addEventListener("abort", abort, { once: true });
  }
  let ret: unknown;
  for (let i = 0; i < streams.length; i++) {
    let stage = streams[i];
    const isFirst = i === 0;
    const isLast = i === streams.length - 1;
    if (typeof stage === "function") {
      // A function stage: gets the previous output as an async iterable.
      const input = isFirst ? undefined : toAsyncIterable(ret);
      stage = (stage as (src: unknown, o: AnyObj) => unknown)(input, { signal: options?.signal });
      if (isLast && !isIterable(stage) && stage && typeof (stage as Promise<unknown>).then === "function") {
        finishedCount++;
        (stage as Promise<unknown>).then(
          (v) => {
            value = v;
            finish();
          },
          (e) => finish(e as Error),
        );
        continue;
      }
    }
    if (isReadableNodeStream(stage) || isWritableNodeStream(stage)) {
      const s = stage as AnyObj;
      track(s, !isLast && !!s._readableState, !isFirst);
      if (!isFirst) {
        if (isReadableNodeStream(ret)) (ret as Readable & AnyObj).pipe(s);
        else pumpIterable(toAsyncIterable(ret), s as Writable, finish);
      }
      ret = s;
    } else if (isIterable(stage)) {
      ret = stage;
      if (isLast) {
        finishedCount++;
        void (async () => {
          try {
            for await (const _ of toAsyncIterable(stage)) void _;
            finish();
          } catch (e) {
            finish(e as Error);
          }
        })();
      }
    } else {
      throw invalidArgType(`streams[${i}]`, "of type Stream, Iterable, AsyncIterable or Function", stage);
    }
  }
  return ret as Writable;
}

function toAsyncIterable(v: unknown): AsyncIterable<unknown> {
  if (v && typeof (v as AnyObj)[Symbol.asyncIterator] === "function") return v as AsyncIterable<unknown>;
  if (v && typeof (v as AnyObj)[Symbol.iterator] === "function") {
    return (async function* () {
      yield* v as Iterable<unknown>;
    })();
  }
  throw invalidArgType("source", "an AsyncIterable", v);
}

function pumpIterable(iterable: AsyncIterable<unknown>, dest: Writable, finish: Cb): void {
  void (async () => {
    try {
      for await (const chunk of iterable) {
        if (!dest.write(chunk)) {
          if (dest.destroyed) return;
          await new Promise<void>((resolve) => {
            const done = () => {
              dest.removeListener("drain", done);
              dest.removeListener("close", done);
              resolve();
            };
            dest.on("drain", done);
            dest.on("close", done);
          });
        }
      }
      dest.end();
    } catch (e) {
      finish(e as Error);
    }
  })();
}

export function addAbortSignal(signal: AbortSignal, stream: AnyObj): AnyObj {
  if (!signal || typeof signal.aborted !== "boolean") throw invalidArgType("signal", "an instance of AbortSignal", signal);
  const onAbort = () => stream.destroy(errs.abort(signal.reason));
  if (signal.aborted) onAbort();
  else {
    signal.addEventListener("abort", onAbort, { once: true });
    eos(stream, () => signal.removeEventListener("abort", onAbort));
  }
  return stream;
}

export function compose(): never {
  throw notImplemented("stream.compose");
}

export function duplexPair(): never {
  throw notImplemented("stream.duplexPair");
}

// ---- web streams ----------------------------------------------------------------------------

Readable.toWeb = function toWeb(stream: Readable): ReadableStream<unknown> {
  return new ReadableStream({
    start(controller) {
      stream.on("data", (chunk: unknown) => {
        controller.enqueue(chunk instanceof Uint8Array ? new Uint8Array(chunk) : chunk);
        if ((controller.desiredSize ?? 1) <= 0) stream.pause();
      });
      stream.on("end", () => controller.close());
      stream.on("error", (e: Error) => controller.error(e));
      stream.pause();
    },
    pull() {
      stream.resume();
    },
    cancel(reason) {
      stream.destroy(reason instanceof Error ? reason : undefined);
    },
  });
};

Readable.fromWeb = function fromWeb(web: ReadableStream<unknown>, options?: AnyObj): Readable {
  const reader = web.getReader();
  return new Readable({
    ...options,
    read(this: Readable) {
      reader.read().then(
        ({ value, done }) => this.push(done ? null : value),
        (e: Error) => this.destroy(e),
      );
    },
    destroy(err: Error | null, cb: Cb) {
      reader.cancel(err ?? undefined).then(
        () => cb(err),
        () => cb(err),
      );
    },
  });
};

Writable.toWeb = function toWeb(stream: Writable): WritableStream<unknown> {
  return new WritableStream({
    write(chunk) {
      return new Promise((resolve, reject) => {
        if (stream.write(chunk)) resolve();
        else stream.once("drain", resolve);
        stream.once("error", reject);
      });
    },
    close() {
      return new Promise((resolve) => stream.end(resolve));
    },
    abort(reason) {
      stream.destroy(reason instanceof Error ? reason : undefined);
    },
  });
};

Writable.fromWeb = function fromWeb(web: WritableStream<unknown>, options?: AnyObj): Writable {
  const writer = web.getWriter();
  return new Writable({
    ...options,
    write(chunk: unknown, _enc: string, cb: Cb) {
      writer.write(chunk).then(() => cb(), cb);
    },
    final(cb: Cb) {
      writer.close().then(() => cb(), cb);
    },
    destroy(err: Error | null, cb: Cb) {
      writer.abort(err).then(
        () => cb(err),
        () => cb(err),
      );
    },
  });
};

Duplex.from = function from(body: unknown): Duplex {
  if (body instanceof Duplex) return body as Duplex;
  if (isReadableNodeStream(body)) return body as unknown as Duplex;
  if (isIterable(body)) return Readable.from(body) as unknown as Duplex;
  throw notImplemented("stream.Duplex.from for this value");
};

// ---- the module object ------------------------------------------------------------------

export const promises = {
  pipeline(...streams: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      pipeline(...streams, (err?: Error | null, value?: unknown) => (err ? reject(err) : resolve(value)));
    });
  },
  finished(stream: unknown, options?: AnyObj): Promise<void> {
    return new Promise((resolve, reject) => {
      eos(stream as AnyObj, options ?? {}, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
  },
};

Object.assign(Stream, {
  Stream,
  Readable,
  Writable,
  Duplex,
  Transform,
  PassThrough,
  pipeline,
  finished,
  addAbortSignal,
  compose,
  duplexPair,
  isReadable,
  isWritable,
  isErrored,
  isDisturbed,
  getDefaultHighWaterMark,
  setDefaultHighWaterMark,
  promises,
});

export default Stream;
