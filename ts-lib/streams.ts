// ReadableStream, WritableStream and TransformStream (WHATWG Streams).
//
// The algorithms follow the standard's abstract operations step by step
// (names in comments), so behaviour matches browsers, Deno and Bun down to
// the order of promise settlements. Each public object holds a plain
// internal record; the module's functions work on those records directly.
//
// Not here: byte streams (BYOB readers). `type: "bytes"` sources are
// accepted and run as default streams of Uint8Array chunks, so code written
// for them still works with getReader() and async iteration.

import { AbortController, AbortSignal, addAbortAlgorithm } from "./abort.ts";
import { enumerable, inspectAs, ownMembers, toStringTag } from "./webidl.ts";

// ---- small helpers -------------------------------------------------------

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T | PromiseLike<T>) => void;
  reject: (e: unknown) => void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T | PromiseLike<T>) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve(v) {
      if (d.settled) return;
      d.settled = true;
      resolve(v);
    },
    reject(e) {
      if (d.settled) return;
      d.settled = true;
      reject(e);
    },
  };
  return d;
}

function rejectedDeferred<T>(e: unknown): Deferred<T> {
  const d = deferred<T>();
  d.reject(e);
  markHandled(d.promise);
  return d;
}

function resolvedDeferred(): Deferred<void> {
  const d = deferred<void>();
  d.resolve(undefined);
  return d;
}

/** The spec's "set promise.[[PromiseIsHandled]] to true". */
function markHandled(p: Promise<unknown>): void {
  p.then(undefined, () => {});
}

const resolved = (): Promise<void> => Promise.resolve();

/** Calls a method of an underlying source/sink, as a promise (PromiseCall). */
function promiseCall(fn: Function | undefined, self: unknown, ...args: unknown[]): Promise<any> {
  if (fn === undefined) return Promise.resolve();
  try {
    return Promise.resolve(fn.apply(self, args));
  } catch (e) {
    return Promise.reject(e);
  }
}

function getMethod(obj: object | undefined, name: string, where: string): Function | undefined {
  if (obj === undefined) return undefined;
  const m = (obj as Record<string, unknown>)[name];
  if (m === undefined || m === null) return undefined;
  if (typeof m !== "function") throw new TypeError(`${where}: '${name}' must be a function`);
  return m;
}

function closedTypeError(what: string): TypeError {
  return new TypeError(what);
}

/** A FIFO with O(1) shift, for chunk and request queues. */
class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(v: T): void {
    this.#items.push(v);
  }

  shift(): T {
    const v = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return v;
  }

  peek(): T {
    return this.#items[this.#head] as T;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

interface SizedValue {
  value: unknown;
  size: number;
}

/** Queue-with-sizes (Streams §8.1). */
interface QueueContainer {
  queue: Queue<SizedValue>;
  queueTotalSize: number;
}

function enqueueValueWithSize(c: QueueContainer, value: unknown, size: number): void {
  if (typeof size !== "number" || !(size >= 0) || size === Infinity) {
    throw new RangeError("The chunk size must be a finite, non-negative number");
  }
  c.queue.push({ value, size });
  c.queueTotalSize += size;
}

function dequeueValue(c: QueueContainer): unknown {
  const pair = c.queue.shift();
  c.queueTotalSize -= pair.size;
  // Rounding errors must not leave a tiny negative total.
  if (c.queueTotalSize < 0) c.queueTotalSize = 0;
  return pair.value;
}

function resetQueue(c: QueueContainer): void {
  c.queue.clear();
  c.queueTotalSize = 0;
}

// ---- queuing strategies --------------------------------------------------

export interface QueuingStrategy<T = any> {
  highWaterMark?: number;
  size?: (chunk: T) => number;
}

type SizeAlgorithm = (chunk: any) => number;

function extractHighWaterMark(strategy: QueuingStrategy | undefined, dflt: number): number {
  const hwm = strategy?.highWaterMark;
  if (hwm === undefined) return dflt;
  const n = Number(hwm);
  if (Number.isNaN(n) || n < 0) throw new RangeError("highWaterMark must be a non-negative number");
  return n;
}

function extractSizeAlgorithm(strategy: QueuingStrategy | undefined): SizeAlgorithm {
  const size = strategy?.size;
  if (size === undefined) return () => 1;
  if (typeof size !== "function") throw new TypeError("strategy.size must be a function");
  return (chunk) => size(chunk);
}

const byteLengthSize = function size(chunk: { byteLength: number }): number {
  return chunk.byteLength;
};
const countSize = function size(): number {
  return 1;
};

export class ByteLengthQueuingStrategy {
  #hwm: number;

  constructor(init: { highWaterMark: number }) {
    if (init === null || typeof init !== "object" || init.highWaterMark === undefined) {
      throw new TypeError("ByteLengthQueuingStrategy: highWaterMark is required");
    }
    this.#hwm = Number(init.highWaterMark);
  }

  get highWaterMark(): number {
    return this.#hwm;
  }

  get size(): (chunk: ArrayBufferView) => number {
    return byteLengthSize;
  }
}

export class CountQueuingStrategy {
  #hwm: number;

  constructor(init: { highWaterMark: number }) {
    if (init === null || typeof init !== "object" || init.highWaterMark === undefined) {
      throw new TypeError("CountQueuingStrategy: highWaterMark is required");
    }
    this.#hwm = Number(init.highWaterMark);
  }

  get highWaterMark(): number {
    return this.#hwm;
  }

  get size(): (chunk: unknown) => 1 {
    return countSize as () => 1;
  }
}

// ---- internal records ----------------------------------------------------

interface ReadRequest<R> {
  chunk(c: R): void;
  close(): void;
  error(e: unknown): void;
}

interface RS<R = any> {
  state: "readable" | "closed" | "errored";
  reader: ReaderRec<R> | undefined;
  storedError: unknown;
  disturbed: boolean;
  controller: RSC<R>;
  api: ReadableStream<R>;
}

interface RSC<R = any> extends QueueContainer {
  stream: RS<R>;
  started: boolean;
  closeRequested: boolean;
  pullAgain: boolean;
  pulling: boolean;
  strategyHWM: number;
  strategySizeAlgorithm: SizeAlgorithm | undefined;
  pullAlgorithm: (() => Promise<void>) | undefined;
  cancelAlgorithm: ((reason: unknown) => Promise<void>) | undefined;
  api: ReadableStreamDefaultController<R>;
}

interface ReaderRec<R = any> {
  stream: RS<R> | undefined;
  readRequests: Queue<ReadRequest<R>>;
  closed: Deferred<void>;
  /** Someone holds `closed`'s promise: the getter handed it out, or tee/pipeTo wait on it. */
  closedSeen: boolean;
  /** Released while nobody held `closed`: the getter makes the rejected promise when asked. */
  releasedUnseen: boolean;
  api: ReadableStreamDefaultReader<R>;
}

/** `reader.closed`'s promise, for code that waits on it. */
function closedPromise(reader: ReaderRec): Promise<void> {
  if (reader.releasedUnseen) {
    reader.releasedUnseen = false;
    reader.closed = rejectedDeferred(new TypeError("The reader's lock was released"));
  }
  reader.closedSeen = true;
  return reader.closed.promise;
}

interface WS<W = any> {
  state: "writable" | "closed" | "erroring" | "errored";
  storedError: unknown;
  writer: WriterRec<W> | undefined;
  controller: WSC<W>;
  inFlightWriteRequest: Deferred<void> | undefined;
  closeRequest: Deferred<void> | undefined;
  inFlightCloseRequest: Deferred<void> | undefined;
  pendingAbortRequest: { promise: Deferred<void>; reason: unknown; wasAlreadyErroring: boolean } | undefined;
  writeRequests: Queue<Deferred<void>>;
  backpressure: boolean;
  api: WritableStream<W>;
}

interface WSC<W = any> extends QueueContainer {
  stream: WS<W>;
  started: boolean;
  strategyHWM: number;
  strategySizeAlgorithm: SizeAlgorithm | undefined;
  writeAlgorithm: ((chunk: W) => Promise<void>) | undefined;
  closeAlgorithm: (() => Promise<void>) | undefined;
  abortAlgorithm: ((reason: unknown) => Promise<void>) | undefined;
  abortController: AbortController;
  api: WritableStreamDefaultController;
}

interface WriterRec<W = any> {
  stream: WS<W> | undefined;
  ready: Deferred<void>;
  closed: Deferred<void>;
  api: WritableStreamDefaultWriter<W>;
}

interface TS<I = any, O = any> {
  readable: RS<O>;
  writable: WS<I>;
  backpressure: boolean | undefined;
  backpressureChangePromise: Deferred<void> | undefined;
  controller: TSC<I, O>;
  api: TransformStream<I, O>;
}

interface TSC<I = any, O = any> {
  stream: TS<I, O>;
  transformAlgorithm: ((chunk: I) => Promise<void>) | undefined;
  flushAlgorithm: (() => Promise<void>) | undefined;
  cancelAlgorithm: ((reason: unknown) => Promise<void>) | undefined;
  finishPromise: Deferred<void> | undefined;
  api: TransformStreamDefaultController<O>;
}

const CLOSE_SENTINEL = Symbol("close");
const INTERNAL = Symbol("internal");

// Accessors from public objects to their records (set in static blocks).
let rsOf: <R>(s: ReadableStream<R>) => RS<R>;
let wsOf: <W>(s: WritableStream<W>) => WS<W>;
let isRS: (v: unknown) => v is ReadableStream;
let isWS: (v: unknown) => v is WritableStream;

// ---- ReadableStream --------------------------------------------------------

export interface UnderlyingSource<R = any> {
  start?: (controller: ReadableStreamDefaultController<R>) => unknown;
  pull?: (controller: ReadableStreamDefaultController<R>) => void | PromiseLike<void>;
  cancel?: (reason?: unknown) => void | PromiseLike<void>;
  type?: "bytes";
  autoAllocateChunkSize?: number;
}

export interface ReadableStreamReadResult<R> {
  done: boolean;
  value: R | undefined;
}

export interface StreamPipeOptions {
  preventClose?: boolean;
  preventAbort?: boolean;
  preventCancel?: boolean;
  signal?: AbortSignal;
}

export interface ReadableWritablePair<R = any, W = any> {
  readable: ReadableStream<R>;
  writable: WritableStream<W>;
}

function newRS<R>(api: ReadableStream<R>): RS<R> {
  return {
    state: "readable",
    reader: undefined,
    storedError: undefined,
    disturbed: false,
    controller: undefined as unknown as RSC<R>,
    api,
  };
}

export class ReadableStream<R = any> {
  #s: RS<R>;

  constructor(underlyingSource?: UnderlyingSource<R>, strategy?: QueuingStrategy<R>) {
    this.#s = newRS(this);
    if ((underlyingSource as unknown) === INTERNAL) return; // CreateReadableStream sets it up
    if (underlyingSource === null) throw new TypeError("ReadableStream: underlyingSource must be an object");
    if (underlyingSource !== undefined && typeof underlyingSource !== "object" && typeof underlyingSource !== "function") {
      throw new TypeError("ReadableStream: underlyingSource must be an object");
    }
    const src = underlyingSource;
    const type = src?.type;
    if (type !== undefined && String(type) !== "bytes") {
      throw new TypeError(`ReadableStream: '${String(type)}' is not a valid type`);
    }
    const isBytes = type !== undefined;
    if (isBytes && strategy?.size !== undefined) {
      throw new RangeError("ReadableStream: a byte stream cannot have a size function");
    }
    const hwm = extractHighWaterMark(strategy, isBytes ? 0 : 1);
    const size = isBytes ? undefined : extractSizeAlgorithm(strategy);
    const start = getMethod(src, "start", "ReadableStream");
    const pull = getMethod(src, "pull", "ReadableStream");
    const cancel = getMethod(src, "cancel", "ReadableStream");
    const controller = newRSC(this.#s);
    setUpRSC(
      this.#s,
      controller,
      () => (start === undefined ? undefined : start.call(src, controller.api)),
      () => promiseCall(pull, src, controller.api),
      (reason) => promiseCall(cancel, src, reason),
      hwm,
      size ?? (() => 1),
    );
  }

  static {
    rsOf = <T>(s: ReadableStream<T>): RS<T> => {
      if (!isRS(s)) throw new TypeError("Illegal invocation: not a ReadableStream");
      return s.#s as unknown as RS<T>;
    };
    isRS = (v: unknown): v is ReadableStream => typeof v === "object" && v !== null && #s in v;
  }

  get locked(): boolean {
    return isLocked(rsOf(this));
  }

  cancel(reason?: unknown): Promise<void> {
    let s: RS<R>;
    try {
      s = rsOf(this);
    } catch (e) {
      return Promise.reject(e);
    }
    if (isLocked(s)) return Promise.reject(new TypeError("Cannot cancel a locked ReadableStream"));
    return readableStreamCancel(s, reason);
  }

  getReader(options?: { mode?: "byob" }): ReadableStreamDefaultReader<R> {
    const s = rsOf(this);
    const mode = options?.mode;
    if (mode !== undefined) {
      if (String(mode) === "byob") throw new TypeError("ReadableStream: BYOB readers are not supported in Howth");
      throw new TypeError(`ReadableStream.getReader: '${String(mode)}' is not a valid mode`);
    }
    return new ReadableStreamDefaultReader<R>(s.api);
  }

  pipeThrough<T>(transform: ReadableWritablePair<T, R>, options?: StreamPipeOptions): ReadableStream<T> {
    const s = rsOf(this);
    if (transform === null || typeof transform !== "object") throw new TypeError("pipeThrough: transform must be an object");
    const { readable, writable } = transform;
    if (!isRS(readable)) throw new TypeError("pipeThrough: transform.readable is not a ReadableStream");
    if (!isWS(writable)) throw new TypeError("pipeThrough: transform.writable is not a WritableStream");
    const opts = pipeOptions(options);
    if (isLocked(s)) throw new TypeError("pipeThrough: the stream is locked");
    const w = wsOf(writable);
    if (isWritableLocked(w)) throw new TypeError("pipeThrough: the writable side is locked");
    const p = readableStreamPipeTo(s, w, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
    markHandled(p);
    return readable;
  }

  pipeTo(destination: WritableStream<R>, options?: StreamPipeOptions): Promise<void> {
    let s: RS<R>;
    let opts: ReturnType<typeof pipeOptions>;
    try {
      s = rsOf(this);
      if (!isWS(destination)) throw new TypeError("pipeTo: destination is not a WritableStream");
      opts = pipeOptions(options);
    } catch (e) {
      return Promise.reject(e);
    }
    if (isLocked(s)) return Promise.reject(new TypeError("pipeTo: the stream is locked"));
    const w = wsOf(destination);
    if (isWritableLocked(w)) return Promise.reject(new TypeError("pipeTo: the destination is locked"));
    return readableStreamPipeTo(s, w, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
  }

  tee(): [ReadableStream<R>, ReadableStream<R>] {
    const [a, b] = readableStreamDefaultTee(rsOf(this));
    return [a.api, b.api];
  }

  values(options?: { preventCancel?: boolean }): AsyncIterableIterator<R> {
    const s = rsOf(this);
    const reader = acquireReader(s);
    return new ReadableStreamAsyncIterator<R>(reader, !!options?.preventCancel) as unknown as AsyncIterableIterator<R>;
  }

  [Symbol.asyncIterator](options?: { preventCancel?: boolean }): AsyncIterableIterator<R> {
    return this.values(options);
  }

  /** A stream over an iterable or async iterable (ReadableStreamFromIterable). */
  static from<R>(asyncIterable: AsyncIterable<R> | Iterable<R | PromiseLike<R>>): ReadableStream<R> {
    return readableStreamFromIterable(asyncIterable);
  }
}

enumerable(ReadableStream.prototype, ownMembers(ReadableStream.prototype));
Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
  value: ReadableStream.prototype.values,
  writable: true,
  enumerable: false,
  configurable: true,
});
toStringTag(ReadableStream.prototype, "ReadableStream");
inspectAs<ReadableStream>(ReadableStream.prototype, (s) => ({ locked: s.locked, state: rsOf(s).state, supportsBYOB: false }));

function pipeOptions(options: StreamPipeOptions | undefined) {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError("pipe options must be an object");
  }
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("pipe options: signal is not an AbortSignal");
  }
  return {
    preventClose: !!options?.preventClose,
    preventAbort: !!options?.preventAbort,
    preventCancel: !!options?.preventCancel,
    signal,
  };
}

function isLocked(s: RS): boolean {
  return s.reader !== undefined;
}

/** CreateReadableStream: a stream driven by internal algorithms. */
function createReadableStream<R>(
  start: () => unknown,
  pull: () => Promise<void>,
  cancel: (reason: unknown) => Promise<void>,
  hwm = 1,
  size: SizeAlgorithm = () => 1,
): RS<R> {
  const api = new ReadableStream<R>(INTERNAL as unknown as UnderlyingSource<R>);
  const s = rsOf(api);
  setUpRSC(s, newRSC(s), start, pull, cancel, hwm, size);
  return s;
}

function readableStreamCancel(s: RS, reason: unknown): Promise<void> {
  s.disturbed = true;
  if (s.state === "closed") return resolved();
  if (s.state === "errored") return Promise.reject(s.storedError);
  readableStreamClose(s);
  const c = s.controller;
  resetQueue(c);
  const result = c.cancelAlgorithm!(reason);
  clearRSCAlgorithms(c);
  return result.then(() => undefined);
}

function readableStreamClose(s: RS): void {
  s.state = "closed";
  const reader = s.reader;
  if (reader === undefined) return;
  reader.closed.resolve(undefined);
  const requests = reader.readRequests;
  reader.readRequests = new Queue();
  while (requests.length > 0) requests.shift().close();
}

function readableStreamError(s: RS, e: unknown): void {
  s.state = "errored";
  s.storedError = e;
  const reader = s.reader;
  if (reader === undefined) return;
  reader.closed.reject(e);
  markHandled(reader.closed.promise);
  errorReadRequests(reader, e);
}

function errorReadRequests(reader: ReaderRec, e: unknown): void {
  const requests = reader.readRequests;
  reader.readRequests = new Queue();
  while (requests.length > 0) requests.shift().error(e);
}

function fulfillReadRequest<R>(s: RS<R>, chunk: R | undefined, done: boolean): void {
  const reader = s.reader!;
  const req = reader.readRequests.shift();
  if (done) req.close();
  else req.chunk(chunk as R);
}

function numReadRequests(s: RS): number {
  return s.reader === undefined ? 0 : s.reader.readRequests.length;
}

// ---- ReadableStreamDefaultController ---------------------------------------

function newRSC<R>(stream: RS<R>): RSC<R> {
  const c = {
    stream,
    queue: new Queue<SizedValue>(),
    queueTotalSize: 0,
    started: false,
    closeRequested: false,
    pullAgain: false,
    pulling: false,
    strategyHWM: 1,
    strategySizeAlgorithm: undefined,
    pullAlgorithm: undefined,
    cancelAlgorithm: undefined,
    api: undefined as unknown as ReadableStreamDefaultController<R>,
  } as RSC<R>;
  c.api = new ReadableStreamDefaultController<R>(INTERNAL, c);
  return c;
}

function setUpRSC<R>(
  s: RS<R>,
  c: RSC<R>,
  start: () => unknown,
  pull: () => Promise<void>,
  cancel: (reason: unknown) => Promise<void>,
  hwm: number,
  size: SizeAlgorithm,
): void {
  s.controller = c;
  resetQueue(c);
  c.started = c.closeRequested = c.pullAgain = c.pulling = false;
  c.strategySizeAlgorithm = size;
  c.strategyHWM = hwm;
  c.pullAlgorithm = pull;
  c.cancelAlgorithm = cancel;
  const startResult = start();
  Promise.resolve(startResult).then(
    () => {
      c.started = true;
      rscCallPullIfNeeded(c);
    },
    (r) => rscError(c, r),
  );
}

function rscCallPullIfNeeded(c: RSC): void {
  if (!rscShouldCallPull(c)) return;
  if (c.pulling) {
    c.pullAgain = true;
    return;
  }
  c.pulling = true;
  c.pullAlgorithm!().then(
    () => {
      c.pulling = false;
      if (c.pullAgain) {
        c.pullAgain = false;
        rscCallPullIfNeeded(c);
      }
    },
    (e) => rscError(c, e),
  );
}

function rscShouldCallPull(c: RSC): boolean {
  if (!rscCanCloseOrEnqueue(c) || !c.started) return false;
  if (isLocked(c.stream) && numReadRequests(c.stream) > 0) return true;
  return rscDesiredSize(c)! > 0;
}

function clearRSCAlgorithms(c: RSC): void {
  c.pullAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}

function rscClose(c: RSC): void {
  if (!rscCanCloseOrEnqueue(c)) return;
  c.closeRequested = true;
  if (c.queue.length === 0) {
    clearRSCAlgorithms(c);
    readableStreamClose(c.stream);
  }
}

function rscEnqueue<R>(c: RSC<R>, chunk: R): void {
  if (!rscCanCloseOrEnqueue(c)) return;
  const s = c.stream;
  if (isLocked(s) && numReadRequests(s) > 0) {
    fulfillReadRequest(s, chunk, false);
  } else {
    let size: number;
    try {
      size = c.strategySizeAlgorithm!(chunk);
    } catch (e) {
      rscError(c, e);
      throw e;
    }
    try {
      enqueueValueWithSize(c, chunk, size);
    } catch (e) {
      rscError(c, e);
      throw e;
    }
  }
  rscCallPullIfNeeded(c);
}

function rscError(c: RSC, e: unknown): void {
  const s = c.stream;
  if (s.state !== "readable") return;
  resetQueue(c);
  clearRSCAlgorithms(c);
  readableStreamError(s, e);
}

function rscDesiredSize(c: RSC): number | null {
  const state = c.stream.state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return c.strategyHWM - c.queueTotalSize;
}

function rscHasBackpressure(c: RSC): boolean {
  return !rscShouldCallPull(c);
}

function rscCanCloseOrEnqueue(c: RSC): boolean {
  return !c.closeRequested && c.stream.state === "readable";
}

/** [[PullSteps]] of a default controller. */
function rscPullSteps<R>(c: RSC<R>, req: ReadRequest<R>): void {
  const s = c.stream;
  if (c.queue.length > 0) {
    const chunk = dequeueValue(c) as R;
    if (c.closeRequested && c.queue.length === 0) {
      clearRSCAlgorithms(c);
      readableStreamClose(s);
    } else {
      rscCallPullIfNeeded(c);
    }
    req.chunk(chunk);
  } else {
    s.reader!.readRequests.push(req);
    rscCallPullIfNeeded(c);
  }
}

export class ReadableStreamDefaultController<R = any> {
  #c: RSC<R>;

  constructor(token?: unknown, c?: RSC<R>) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#c = c!;
  }

  get desiredSize(): number | null {
    return rscDesiredSize(this.#c);
  }

  close(): void {
    if (!rscCanCloseOrEnqueue(this.#c)) throw new TypeError("The stream is not in a state that permits close");
    rscClose(this.#c);
  }

  enqueue(chunk?: R): void {
    if (!rscCanCloseOrEnqueue(this.#c)) throw new TypeError("The stream is not in a state that permits enqueue");
    rscEnqueue(this.#c, chunk as R);
  }

  error(e?: unknown): void {
    rscError(this.#c, e);
  }

  /** Byte-source compatibility: there is never a BYOB request. */
  get byobRequest(): null {
    return null;
  }
}

enumerable(ReadableStreamDefaultController.prototype, ownMembers(ReadableStreamDefaultController.prototype));
toStringTag(ReadableStreamDefaultController.prototype, "ReadableStreamDefaultController");

// ---- ReadableStreamDefaultReader -------------------------------------------

function acquireReader<R>(s: RS<R>): ReaderRec<R> {
  return readerOf(new ReadableStreamDefaultReader<R>(s.api));
}

let readerOf: <R>(r: ReadableStreamDefaultReader<R>) => ReaderRec<R>;

function readerRead<R>(reader: ReaderRec<R>, req: ReadRequest<R>): void {
  const s = reader.stream!;
  s.disturbed = true;
  if (s.state === "closed") req.close();
  else if (s.state === "errored") req.error(s.storedError);
  else rscPullSteps(s.controller, req);
}

function readerRelease(reader: ReaderRec): void {
  const s = reader.stream!;
  if (reader.closedSeen) {
    const err = new TypeError("The reader's lock was released");
    if (s.state === "readable") {
      reader.closed.reject(err);
    } else {
      reader.closed = rejectedDeferred(err);
    }
    markHandled(reader.closed.promise);
  } else {
    // Every `await res.text()` releases a reader whose closed promise nobody
    // holds. A TypeError made here would capture a stack trace, which from
    // optimized code costs more than the rest of the release (V8 rebuilds
    // inlined frames from deoptimization data): it is made if and when
    // someone asks for `closed` (closedPromise).
    reader.releasedUnseen = true;
  }
  s.reader = undefined;
  reader.stream = undefined;
  if (reader.readRequests.length > 0) errorReadRequests(reader, new TypeError("The reader's lock was released"));
}

export class ReadableStreamDefaultReader<R = any> {
  #r: ReaderRec<R>;

  constructor(stream: ReadableStream<R>) {
    const s = rsOf(stream);
    if (isLocked(s)) throw new TypeError("ReadableStream is already locked to a reader");
    const r: ReaderRec<R> = {
      stream: s,
      readRequests: new Queue(),
      closed: deferred<void>(),
      closedSeen: false,
      releasedUnseen: false,
      api: this,
    };
    this.#r = r;
    s.reader = r;
    if (s.state === "closed") {
      r.closed.resolve(undefined);
    } else if (s.state === "errored") {
      r.closed.reject(s.storedError);
      markHandled(r.closed.promise);
    }
  }

  static {
    readerOf = <T>(r: ReadableStreamDefaultReader<T>): ReaderRec<T> => r.#r as unknown as ReaderRec<T>;
  }

  get closed(): Promise<void> {
    return closedPromise(this.#r);
  }

  cancel(reason?: unknown): Promise<void> {
    const r = this.#r;
    if (r.stream === undefined) return Promise.reject(new TypeError("The reader has no stream (its lock was released)"));
    return readableStreamCancel(r.stream, reason);
  }

  read(): Promise<ReadableStreamReadResult<R>> {
    const r = this.#r;
    if (r.stream === undefined) return Promise.reject(new TypeError("The reader has no stream (its lock was released)"));
    const d = deferred<ReadableStreamReadResult<R>>();
    readerRead(r, {
      chunk: (value) => d.resolve({ value, done: false }),
      close: () => d.resolve({ value: undefined, done: true }),
      error: (e) => d.reject(e),
    });
    return d.promise;
  }

  releaseLock(): void {
    const r = this.#r;
    if (r.stream === undefined) return;
    readerRelease(r);
  }
}

enumerable(ReadableStreamDefaultReader.prototype, ownMembers(ReadableStreamDefaultReader.prototype));
toStringTag(ReadableStreamDefaultReader.prototype, "ReadableStreamDefaultReader");

// ---- async iteration -------------------------------------------------------

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype) as object;

class ReadableStreamAsyncIterator<R> {
  #reader: ReaderRec<R>;
  #preventCancel: boolean;
  #ongoing: Promise<IteratorResult<R>> | undefined;
  #finished = false;

  constructor(reader: ReaderRec<R>, preventCancel: boolean) {
    this.#reader = reader;
    this.#preventCancel = preventCancel;
  }

  next(): Promise<IteratorResult<R>> {
    // WebIDL: calls are serialised through the "ongoing promise".
    const step = () => this.#nextSteps();
    this.#ongoing = this.#ongoing ? this.#ongoing.then(step, step) : step();
    return this.#ongoing;
  }

  #nextSteps(): Promise<IteratorResult<R>> {
    if (this.#finished) return Promise.resolve({ value: undefined, done: true });
    const reader = this.#reader;
    if (reader.stream === undefined) {
      return Promise.reject(new TypeError("Cannot iterate a stream whose reader was released"));
    }
    const d = deferred<IteratorResult<R>>();
    readerRead(reader, {
      chunk: (value) => d.resolve({ value, done: false }),
      close: () => {
        this.#finished = true;
        readerRelease(reader);
        d.resolve({ value: undefined, done: true });
      },
      error: (e) => {
        this.#finished = true;
        readerRelease(reader);
        d.reject(e);
      },
    });
    return d.promise;
  }

  return(value?: unknown): Promise<IteratorResult<R>> {
    const step = () => this.#returnSteps(value);
    const p = this.#ongoing ? this.#ongoing.then(step, step) : step();
    this.#ongoing = p;
    return p;
  }

  #returnSteps(value: unknown): Promise<IteratorResult<R>> {
    if (this.#finished) return Promise.resolve({ value: value as R, done: true });
    this.#finished = true;
    const reader = this.#reader;
    if (reader.stream === undefined) return Promise.resolve({ value: value as R, done: true });
    if (!this.#preventCancel) {
      const result = readableStreamCancel(reader.stream, value);
      readerRelease(reader);
      return result.then(() => ({ value: value as R, done: true }));
    }
    readerRelease(reader);
    return Promise.resolve({ value: value as R, done: true });
  }
}

Object.setPrototypeOf(ReadableStreamAsyncIterator.prototype, AsyncIteratorPrototype);
toStringTag(ReadableStreamAsyncIterator.prototype, "ReadableStream AsyncIterator");

// ---- tee -------------------------------------------------------------------

function readableStreamDefaultTee<R>(s: RS<R>): [RS<R>, RS<R>] {
  const reader = acquireReader(s);
  let reading = false;
  let readAgain = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1: unknown;
  let reason2: unknown;
  const cancelPromise = deferred<void>();

  const pull = (): Promise<void> => {
    if (reading) {
      readAgain = true;
      return resolved();
    }
    reading = true;
    readerRead(reader, {
      chunk: (chunk) => {
        // A microtask later, so that errors reported through reader.closed
        // are seen first (the spec's "queue a microtask").
        queueMicrotask(() => {
          readAgain = false;
          if (!canceled1) rscEnqueue(branch1.controller, chunk);
          if (!canceled2) rscEnqueue(branch2.controller, chunk);
          reading = false;
          if (readAgain) pull();
        });
      },
      close: () => {
        reading = false;
        if (!canceled1) rscClose(branch1.controller);
        if (!canceled2) rscClose(branch2.controller);
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      },
      error: () => {
        reading = false;
      },
    });
    return resolved();
  };

  const cancel1 = (reason: unknown): Promise<void> => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(s, [reason1, reason2]));
    return cancelPromise.promise;
  };
  const cancel2 = (reason: unknown): Promise<void> => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(s, [reason1, reason2]));
    return cancelPromise.promise;
  };

  const branch1: RS<R> = createReadableStream<R>(() => undefined, pull, cancel1);
  const branch2: RS<R> = createReadableStream<R>(() => undefined, pull, cancel2);

  closedPromise(reader).then(undefined, (r) => {
    rscError(branch1.controller, r);
    rscError(branch2.controller, r);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  return [branch1, branch2];
}

// ---- pipeTo ----------------------------------------------------------------

function readableStreamPipeTo<T>(
  source: RS<T>,
  dest: WS<T>,
  preventClose: boolean,
  preventAbort: boolean,
  preventCancel: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  const reader = acquireReader(source);
  const writer = acquireWriter(dest);
  source.disturbed = true;
  let shuttingDown = false;
  let currentWrite: Promise<void> = resolved();
  const done = deferred<void>();
  let removeAbort: (() => void) | undefined;

  const finalize = (isError: boolean, error?: unknown): void => {
    writerRelease(writer);
    readerRelease(reader);
    removeAbort?.();
    if (isError) done.reject(error);
    else done.resolve(undefined);
  };

  const waitForWritesToFinish = (): Promise<void> => {
    const old = currentWrite;
    return currentWrite.then(() => (old !== currentWrite ? waitForWritesToFinish() : undefined));
  };

  const shutdownWithAction = (action: () => Promise<unknown>, originalIsError = false, originalError?: unknown): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    const doTheRest = () => {
      action().then(
        () => finalize(originalIsError, originalError),
        (newError) => finalize(true, newError),
      );
    };
    if (dest.state === "writable" && !closeQueuedOrInFlight(dest)) waitForWritesToFinish().then(doTheRest);
    else doTheRest();
  };

  const shutdown = (isError = false, error?: unknown): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest.state === "writable" && !closeQueuedOrInFlight(dest)) {
      waitForWritesToFinish().then(() => finalize(isError, error));
    } else {
      finalize(isError, error);
    }
  };

  if (signal !== undefined) {
    const abortAlgorithm = () => {
      const error = signal.reason;
      const actions: (() => Promise<void>)[] = [];
      if (!preventAbort) {
        actions.push(() => (dest.state === "writable" ? writableStreamAbort(dest, error) : resolved()));
      }
      if (!preventCancel) {
        actions.push(() => (source.state === "readable" ? readableStreamCancel(source, error) : resolved()));
      }
      shutdownWithAction(() => Promise.all(actions.map((a) => a())), true, error);
    };
    if (signal.aborted) {
      abortAlgorithm();
      return done.promise;
    }
    removeAbort = addAbortAlgorithm(signal, abortAlgorithm);
  }

  // Errors must propagate forward: source errored → abort dest.
  const onSourceErrored = (storedError: unknown) => {
    if (!preventAbort) shutdownWithAction(() => writableStreamAbort(dest, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  // ... and backward: dest errored → cancel source.
  const onDestErrored = (storedError: unknown) => {
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  // Closing must propagate forward: source closed → close dest.
  const onSourceClosed = () => {
    if (!preventClose) shutdownWithAction(() => writerCloseWithErrorPropagation(writer));
    else shutdown();
  };

  if (source.state === "errored") onSourceErrored(source.storedError);
  else markHandled(closedPromise(reader).then(undefined, onSourceErrored));

  if (dest.state === "errored") onDestErrored(dest.storedError);
  else markHandled(writer.closed.promise.then(undefined, onDestErrored));

  if (source.state === "closed") onSourceClosed();
  else markHandled(closedPromise(reader).then(onSourceClosed, () => {}));

  // Closing must propagate backward: dest closed → cancel source.
  if (closeQueuedOrInFlight(dest) || dest.state === "closed") {
    const destClosed = new TypeError("The destination writable stream closed before all data could be piped to it");
    if (!preventCancel) shutdownWithAction(() => readableStreamCancel(source, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  }

  const pipeStep = (): Promise<boolean> => {
    if (shuttingDown) return Promise.resolve(true);
    return writer.ready.promise.then(
      () =>
        new Promise<boolean>((resolve, reject) => {
          if (shuttingDown) {
            resolve(true);
            return;
          }
          readerRead(reader, {
            chunk: (chunk) => {
              currentWrite = writerWrite(writer, chunk).then(undefined, () => {});
              resolve(false);
            },
            close: () => resolve(true),
            error: reject,
          });
        }),
    );
  };

  const loop = (): void => {
    pipeStep().then(
      (finished) => {
        if (!finished) loop();
      },
      // Errors are handled through the closed promises above.
      () => {},
    );
  };
  loop();
  return done.promise;
}

// ---- ReadableStream.from ---------------------------------------------------

function readableStreamFromIterable<R>(iterable: unknown): ReadableStream<R> {
  if (iterable === null || iterable === undefined) throw new TypeError("ReadableStream.from: argument is not iterable");
  const obj = iterable as Record<symbol, unknown>;
  let iterator: { next(): unknown; return?: (v?: unknown) => unknown };
  const asyncMethod = obj[Symbol.asyncIterator];
  if (asyncMethod !== undefined && asyncMethod !== null) {
    if (typeof asyncMethod !== "function") throw new TypeError("ReadableStream.from: @@asyncIterator is not a function");
    iterator = asyncMethod.call(iterable);
  } else {
    const syncMethod = obj[Symbol.iterator];
    if (typeof syncMethod !== "function") throw new TypeError("ReadableStream.from: argument is not iterable");
    const sync = syncMethod.call(iterable) as Iterator<unknown>;
    if (sync === null || typeof sync !== "object") throw new TypeError("ReadableStream.from: the iterator is not an object");
    // CreateAsyncFromSyncIterator: values that are promises are awaited.
    iterator = {
      next: () => {
        const r = sync.next();
        if (r === null || typeof r !== "object") throw new TypeError("iterator result is not an object");
        return Promise.resolve(r.value).then((value) => ({ value, done: !!r.done }));
      },
      return: (v?: unknown) => {
        const ret = sync.return;
        if (ret === undefined) return Promise.resolve({ value: v, done: true });
        const r = ret.call(sync, v);
        if (r === null || typeof r !== "object") throw new TypeError("iterator result is not an object");
        return Promise.resolve(r.value).then((value) => ({ value, done: !!r.done }));
      },
    };
  }
  if (iterator === null || typeof iterator !== "object") throw new TypeError("ReadableStream.from: the iterator is not an object");
  const nextMethod = iterator.next;
  let s: RS<R>;
  const pull = (): Promise<void> => {
    let nextResult: unknown;
    try {
      nextResult = nextMethod.call(iterator);
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve(nextResult).then((r) => {
      if (r === null || typeof r !== "object") throw new TypeError("ReadableStream.from: iterator result is not an object");
      const res = r as IteratorResult<R>;
      if (res.done) rscClose(s.controller);
      else rscEnqueue(s.controller, res.value);
    });
  };
  const cancel = (reason: unknown): Promise<void> => {
    let ret: unknown;
    try {
      const m = iterator.return;
      if (m === undefined || m === null) return resolved();
      if (typeof m !== "function") throw new TypeError("iterator.return is not a function");
      ret = m.call(iterator, reason);
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve(ret).then((r) => {
      if (r === null || typeof r !== "object") throw new TypeError("iterator.return() result is not an object");
    });
  };
  s = createReadableStream<R>(() => undefined, pull, cancel, 0);
  return s.api;
}

// ---- WritableStream --------------------------------------------------------

export interface UnderlyingSink<W = any> {
  start?: (controller: WritableStreamDefaultController) => unknown;
  write?: (chunk: W, controller: WritableStreamDefaultController) => void | PromiseLike<void>;
  close?: () => void | PromiseLike<void>;
  abort?: (reason?: unknown) => void | PromiseLike<void>;
  type?: undefined;
}

function newWS<W>(api: WritableStream<W>): WS<W> {
  return {
    state: "writable",
    storedError: undefined,
    writer: undefined,
    controller: undefined as unknown as WSC<W>,
    inFlightWriteRequest: undefined,
    closeRequest: undefined,
    inFlightCloseRequest: undefined,
    pendingAbortRequest: undefined,
    writeRequests: new Queue(),
    backpressure: false,
    api,
  };
}

export class WritableStream<W = any> {
  #s: WS<W>;

  constructor(underlyingSink?: UnderlyingSink<W>, strategy?: QueuingStrategy<W>) {
    this.#s = newWS(this);
    if ((underlyingSink as unknown) === INTERNAL) return;
    if (underlyingSink === null) throw new TypeError("WritableStream: underlyingSink must be an object");
    if (underlyingSink !== undefined && typeof underlyingSink !== "object" && typeof underlyingSink !== "function") {
      throw new TypeError("WritableStream: underlyingSink must be an object");
    }
    const sink = underlyingSink;
    if (sink?.type !== undefined) throw new RangeError("WritableStream: type must be undefined");
    const size = extractSizeAlgorithm(strategy);
    const hwm = extractHighWaterMark(strategy, 1);
    const start = getMethod(sink, "start", "WritableStream");
    const write = getMethod(sink, "write", "WritableStream");
    const close = getMethod(sink, "close", "WritableStream");
    const abort = getMethod(sink, "abort", "WritableStream");
    const c = newWSC(this.#s);
    setUpWSC(
      this.#s,
      c,
      () => (start === undefined ? undefined : start.call(sink, c.api)),
      (chunk) => promiseCall(write, sink, chunk, c.api),
      () => promiseCall(close, sink),
      (reason) => promiseCall(abort, sink, reason),
      hwm,
      size,
    );
  }

  static {
    wsOf = <T>(s: WritableStream<T>): WS<T> => {
      if (!isWS(s)) throw new TypeError("Illegal invocation: not a WritableStream");
      return s.#s as unknown as WS<T>;
    };
    isWS = (v: unknown): v is WritableStream => typeof v === "object" && v !== null && #s in v;
  }

  get locked(): boolean {
    return isWritableLocked(wsOf(this));
  }

  abort(reason?: unknown): Promise<void> {
    let s: WS<W>;
    try {
      s = wsOf(this);
    } catch (e) {
      return Promise.reject(e);
    }
    if (isWritableLocked(s)) return Promise.reject(new TypeError("Cannot abort a locked WritableStream"));
    return writableStreamAbort(s, reason);
  }

  close(): Promise<void> {
    let s: WS<W>;
    try {
      s = wsOf(this);
    } catch (e) {
      return Promise.reject(e);
    }
    if (isWritableLocked(s)) return Promise.reject(new TypeError("Cannot close a locked WritableStream"));
    if (closeQueuedOrInFlight(s)) return Promise.reject(new TypeError("The stream is already closing"));
    return writableStreamClose(s);
  }

  getWriter(): WritableStreamDefaultWriter<W> {
    return new WritableStreamDefaultWriter<W>(this);
  }
}

enumerable(WritableStream.prototype, ownMembers(WritableStream.prototype));
toStringTag(WritableStream.prototype, "WritableStream");
inspectAs<WritableStream>(WritableStream.prototype, (s) => ({ locked: s.locked, state: wsOf(s).state }));

function isWritableLocked(s: WS): boolean {
  return s.writer !== undefined;
}

function createWritableStream<W>(
  start: () => unknown,
  write: (chunk: W) => Promise<void>,
  close: () => Promise<void>,
  abort: (reason: unknown) => Promise<void>,
  hwm: number,
  size: SizeAlgorithm,
): WS<W> {
  const api = new WritableStream<W>(INTERNAL as unknown as UnderlyingSink<W>);
  const s = wsOf(api);
  setUpWSC(s, newWSC(s), start, write, close, abort, hwm, size);
  return s;
}

function writableStreamAbort(s: WS, reason: unknown): Promise<void> {
  if (s.state === "closed" || s.state === "errored") return resolved();
  // Let the sink's in-progress write see the abort through controller.signal.
  s.controller.abortController.abort(reason);
  const state = s.state as WS["state"];
  if (state === "closed" || state === "errored") return resolved();
  if (s.pendingAbortRequest !== undefined) return s.pendingAbortRequest.promise.promise;
  let wasAlreadyErroring = false;
  if (state === "erroring") {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const promise = deferred<void>();
  s.pendingAbortRequest = { promise, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) writableStreamStartErroring(s, reason);
  return promise.promise;
}

function writableStreamClose(s: WS): Promise<void> {
  if (s.state === "closed" || s.state === "errored") {
    return Promise.reject(new TypeError("The stream is closed or errored"));
  }
  const promise = deferred<void>();
  s.closeRequest = promise;
  const writer = s.writer;
  if (writer !== undefined && s.backpressure && s.state === "writable") writer.ready.resolve(undefined);
  enqueueValueWithSize(s.controller, CLOSE_SENTINEL, 0);
  wscAdvanceQueueIfNeeded(s.controller);
  return promise.promise;
}

function writableStreamDealWithRejection(s: WS, error: unknown): void {
  if (s.state === "writable") writableStreamStartErroring(s, error);
  else writableStreamFinishErroring(s);
}

function writableStreamStartErroring(s: WS, reason: unknown): void {
  const c = s.controller;
  s.state = "erroring";
  s.storedError = reason;
  const writer = s.writer;
  if (writer !== undefined) writerEnsureReadyPromiseRejected(writer, reason);
  if (!hasOperationMarkedInFlight(s) && c.started) writableStreamFinishErroring(s);
}

function writableStreamFinishErroring(s: WS): void {
  s.state = "errored";
  resetQueue(s.controller); // [[ErrorSteps]]
  const storedError = s.storedError;
  while (s.writeRequests.length > 0) s.writeRequests.shift().reject(storedError);
  const abortRequest = s.pendingAbortRequest;
  if (abortRequest === undefined) {
    rejectCloseAndClosedPromiseIfNeeded(s);
    return;
  }
  s.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.promise.reject(storedError);
    rejectCloseAndClosedPromiseIfNeeded(s);
    return;
  }
  // [[AbortSteps]]
  const c = s.controller;
  const promise = c.abortAlgorithm!(abortRequest.reason);
  clearWSCAlgorithms(c);
  promise.then(
    () => {
      abortRequest.promise.resolve(undefined);
      rejectCloseAndClosedPromiseIfNeeded(s);
    },
    (reason) => {
      abortRequest.promise.reject(reason);
      rejectCloseAndClosedPromiseIfNeeded(s);
    },
  );
}

function closeQueuedOrInFlight(s: WS): boolean {
  return s.closeRequest !== undefined || s.inFlightCloseRequest !== undefined;
}

function hasOperationMarkedInFlight(s: WS): boolean {
  return s.inFlightWriteRequest !== undefined || s.inFlightCloseRequest !== undefined;
}

function rejectCloseAndClosedPromiseIfNeeded(s: WS): void {
  if (s.closeRequest !== undefined) {
    s.closeRequest.reject(s.storedError);
    s.closeRequest = undefined;
  }
  const writer = s.writer;
  if (writer !== undefined) {
    writer.closed.reject(s.storedError);
    markHandled(writer.closed.promise);
  }
}

function writableStreamUpdateBackpressure(s: WS, backpressure: boolean): void {
  const writer = s.writer;
  if (writer !== undefined && backpressure !== s.backpressure) {
    if (backpressure) writer.ready = deferred<void>();
    else writer.ready.resolve(undefined);
  }
  s.backpressure = backpressure;
}

// ---- WritableStreamDefaultController ---------------------------------------

function newWSC<W>(stream: WS<W>): WSC<W> {
  const c = {
    stream,
    queue: new Queue<SizedValue>(),
    queueTotalSize: 0,
    started: false,
    strategyHWM: 1,
    strategySizeAlgorithm: undefined,
    writeAlgorithm: undefined,
    closeAlgorithm: undefined,
    abortAlgorithm: undefined,
    abortController: new AbortController(),
    api: undefined as unknown as WritableStreamDefaultController,
  } as WSC<W>;
  c.api = new WritableStreamDefaultController(INTERNAL, c);
  return c;
}

function setUpWSC<W>(
  s: WS<W>,
  c: WSC<W>,
  start: () => unknown,
  write: (chunk: W) => Promise<void>,
  close: () => Promise<void>,
  abort: (reason: unknown) => Promise<void>,
  hwm: number,
  size: SizeAlgorithm,
): void {
  s.controller = c;
  resetQueue(c);
  c.started = false;
  c.strategySizeAlgorithm = size;
  c.strategyHWM = hwm;
  c.writeAlgorithm = write;
  c.closeAlgorithm = close;
  c.abortAlgorithm = abort;
  writableStreamUpdateBackpressure(s, wscDesiredSize(c) <= 0);
  const startResult = start();
  Promise.resolve(startResult).then(
    () => {
      c.started = true;
      wscAdvanceQueueIfNeeded(c);
    },
    (r) => {
      c.started = true;
      writableStreamDealWithRejection(s, r);
    },
  );
}

function clearWSCAlgorithms(c: WSC): void {
  c.writeAlgorithm = undefined;
  c.closeAlgorithm = undefined;
  c.abortAlgorithm = undefined;
  c.strategySizeAlgorithm = undefined;
}

function wscDesiredSize(c: WSC): number {
  return c.strategyHWM - c.queueTotalSize;
}

function wscGetChunkSize(c: WSC, chunk: unknown): number {
  if (c.strategySizeAlgorithm === undefined) {
    // The stream already errored (algorithms cleared): the write fails anyway.
    return 1;
  }
  try {
    return c.strategySizeAlgorithm(chunk);
  } catch (e) {
    wscErrorIfNeeded(c, e);
    return 1;
  }
}

function wscErrorIfNeeded(c: WSC, e: unknown): void {
  if (c.stream.state === "writable") wscError(c, e);
}

function wscError(c: WSC, e: unknown): void {
  clearWSCAlgorithms(c);
  writableStreamStartErroring(c.stream, e);
}

function wscWrite<W>(c: WSC<W>, chunk: W, size: number): void {
  try {
    enqueueValueWithSize(c, chunk, size);
  } catch (e) {
    wscErrorIfNeeded(c, e);
    return;
  }
  const s = c.stream;
  if (!closeQueuedOrInFlight(s) && s.state === "writable") {
    writableStreamUpdateBackpressure(s, wscDesiredSize(c) <= 0);
  }
  wscAdvanceQueueIfNeeded(c);
}

function wscAdvanceQueueIfNeeded(c: WSC): void {
  const s = c.stream;
  if (!c.started || s.inFlightWriteRequest !== undefined) return;
  if (s.state === "erroring") {
    writableStreamFinishErroring(s);
    return;
  }
  if (c.queue.length === 0) return;
  const value = c.queue.peek().value;
  if (value === CLOSE_SENTINEL) wscProcessClose(c);
  else wscProcessWrite(c, value);
}

function wscProcessClose(c: WSC): void {
  const s = c.stream;
  s.inFlightCloseRequest = s.closeRequest;
  s.closeRequest = undefined;
  dequeueValue(c);
  const sinkClose = c.closeAlgorithm!();
  clearWSCAlgorithms(c);
  sinkClose.then(
    () => {
      // FinishInFlightClose
      s.inFlightCloseRequest!.resolve(undefined);
      s.inFlightCloseRequest = undefined;
      if (s.state === "erroring") {
        s.storedError = undefined;
        if (s.pendingAbortRequest !== undefined) {
          s.pendingAbortRequest.promise.resolve(undefined);
          s.pendingAbortRequest = undefined;
        }
      }
      s.state = "closed";
      if (s.writer !== undefined) s.writer.closed.resolve(undefined);
    },
    (reason) => {
      // FinishInFlightCloseWithError
      s.inFlightCloseRequest!.reject(reason);
      s.inFlightCloseRequest = undefined;
      if (s.pendingAbortRequest !== undefined) {
        s.pendingAbortRequest.promise.reject(reason);
        s.pendingAbortRequest = undefined;
      }
      writableStreamDealWithRejection(s, reason);
    },
  );
}

function wscProcessWrite(c: WSC, chunk: unknown): void {
  const s = c.stream;
  s.inFlightWriteRequest = s.writeRequests.shift();
  c.writeAlgorithm!(chunk).then(
    () => {
      s.inFlightWriteRequest!.resolve(undefined);
      s.inFlightWriteRequest = undefined;
      const state = s.state;
      dequeueValue(c);
      if (!closeQueuedOrInFlight(s) && state === "writable") {
        writableStreamUpdateBackpressure(s, wscDesiredSize(c) <= 0);
      }
      wscAdvanceQueueIfNeeded(c);
    },
    (reason) => {
      if (s.state === "writable") clearWSCAlgorithms(c);
      s.inFlightWriteRequest!.reject(reason);
      s.inFlightWriteRequest = undefined;
      writableStreamDealWithRejection(s, reason);
    },
  );
}

export class WritableStreamDefaultController {
  #c: WSC;

  constructor(token?: unknown, c?: WSC) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#c = c!;
  }

  get signal(): AbortSignal {
    return this.#c.abortController.signal;
  }

  error(e?: unknown): void {
    if (this.#c.stream.state !== "writable") return;
    wscError(this.#c, e);
  }
}

enumerable(WritableStreamDefaultController.prototype, ownMembers(WritableStreamDefaultController.prototype));
toStringTag(WritableStreamDefaultController.prototype, "WritableStreamDefaultController");

// ---- WritableStreamDefaultWriter -------------------------------------------

let writerOf: <W>(w: WritableStreamDefaultWriter<W>) => WriterRec<W>;

function acquireWriter<W>(s: WS<W>): WriterRec<W> {
  return writerOf(new WritableStreamDefaultWriter<W>(s.api));
}

function writerEnsureReadyPromiseRejected(w: WriterRec, error: unknown): void {
  if (!w.ready.settled) w.ready.reject(error);
  else w.ready = rejectedDeferred(error);
  markHandled(w.ready.promise);
}

function writerEnsureClosedPromiseRejected(w: WriterRec, error: unknown): void {
  if (!w.closed.settled) w.closed.reject(error);
  else w.closed = rejectedDeferred(error);
  markHandled(w.closed.promise);
}

function writerRelease(w: WriterRec): void {
  const s = w.stream!;
  const released = new TypeError("The writer's lock was released");
  writerEnsureReadyPromiseRejected(w, released);
  writerEnsureClosedPromiseRejected(w, released);
  s.writer = undefined;
  w.stream = undefined;
}

function writerWrite<W>(w: WriterRec<W>, chunk: W): Promise<void> {
  const s = w.stream!;
  const c = s.controller;
  const size = wscGetChunkSize(c, chunk);
  if (s !== w.stream) return Promise.reject(new TypeError("The writer's lock was released"));
  const state = s.state;
  if (state === "errored") return Promise.reject(s.storedError);
  if (closeQueuedOrInFlight(s) || state === "closed") {
    return Promise.reject(new TypeError("The stream is closing or closed and cannot be written to"));
  }
  if (state === "erroring") return Promise.reject(s.storedError);
  const promise = deferred<void>();
  s.writeRequests.push(promise);
  wscWrite(c, chunk, size);
  return promise.promise;
}

function writerCloseWithErrorPropagation(w: WriterRec): Promise<void> {
  const s = w.stream!;
  if (closeQueuedOrInFlight(s) || s.state === "closed") return resolved();
  if (s.state === "errored") return Promise.reject(s.storedError);
  return writableStreamClose(s);
}

function writerDesiredSize(w: WriterRec): number | null {
  const s = w.stream!;
  if (s.state === "errored" || s.state === "erroring") return null;
  if (s.state === "closed") return 0;
  return wscDesiredSize(s.controller);
}

export class WritableStreamDefaultWriter<W = any> {
  #w: WriterRec<W>;

  constructor(stream: WritableStream<W>) {
    const s = wsOf(stream);
    if (isWritableLocked(s)) throw new TypeError("WritableStream is already locked to a writer");
    const w: WriterRec<W> = { stream: s, ready: deferred<void>(), closed: deferred<void>(), api: this };
    this.#w = w;
    s.writer = w;
    const state = s.state;
    if (state === "writable") {
      if (closeQueuedOrInFlight(s) || !s.backpressure) w.ready.resolve(undefined);
    } else if (state === "erroring") {
      w.ready = rejectedDeferred(s.storedError);
    } else if (state === "closed") {
      w.ready.resolve(undefined);
      w.closed.resolve(undefined);
    } else {
      w.ready = rejectedDeferred(s.storedError);
      w.closed = rejectedDeferred(s.storedError);
    }
  }

  static {
    writerOf = <T>(w: WritableStreamDefaultWriter<T>): WriterRec<T> => w.#w as unknown as WriterRec<T>;
  }

  get closed(): Promise<void> {
    return this.#w.closed.promise;
  }

  get desiredSize(): number | null {
    if (this.#w.stream === undefined) throw new TypeError("The writer's lock was released");
    return writerDesiredSize(this.#w);
  }

  get ready(): Promise<void> {
    return this.#w.ready.promise;
  }

  abort(reason?: unknown): Promise<void> {
    if (this.#w.stream === undefined) return Promise.reject(new TypeError("The writer's lock was released"));
    return writableStreamAbort(this.#w.stream, reason);
  }

  close(): Promise<void> {
    const s = this.#w.stream;
    if (s === undefined) return Promise.reject(new TypeError("The writer's lock was released"));
    if (closeQueuedOrInFlight(s)) return Promise.reject(new TypeError("The stream is already closing"));
    return writableStreamClose(s);
  }

  releaseLock(): void {
    if (this.#w.stream === undefined) return;
    writerRelease(this.#w);
  }

  write(chunk?: W): Promise<void> {
    if (this.#w.stream === undefined) return Promise.reject(new TypeError("The writer's lock was released"));
    return writerWrite(this.#w, chunk as W);
  }
}

enumerable(WritableStreamDefaultWriter.prototype, ownMembers(WritableStreamDefaultWriter.prototype));
toStringTag(WritableStreamDefaultWriter.prototype, "WritableStreamDefaultWriter");

// ---- TransformStream -------------------------------------------------------

export interface Transformer<I = any, O = any> {
  start?: (controller: TransformStreamDefaultController<O>) => unknown;
  transform?: (chunk: I, controller: TransformStreamDefaultController<O>) => void | PromiseLike<void>;
  flush?: (controller: TransformStreamDefaultController<O>) => void | PromiseLike<void>;
  cancel?: (reason?: unknown) => void | PromiseLike<void>;
  readableType?: undefined;
  writableType?: undefined;
}

export class TransformStream<I = any, O = any> {
  #t: TS<I, O>;

  constructor(transformer?: Transformer<I, O>, writableStrategy?: QueuingStrategy<I>, readableStrategy?: QueuingStrategy<O>) {
    if (transformer === null) throw new TypeError("TransformStream: transformer must be an object");
    if (transformer !== undefined && typeof transformer !== "object" && typeof transformer !== "function") {
      throw new TypeError("TransformStream: transformer must be an object");
    }
    const tr = transformer;
    if (tr?.readableType !== undefined) throw new RangeError("TransformStream: readableType must be undefined");
    if (tr?.writableType !== undefined) throw new RangeError("TransformStream: writableType must be undefined");
    const readableHWM = extractHighWaterMark(readableStrategy, 0);
    const readableSize = extractSizeAlgorithm(readableStrategy);
    const writableHWM = extractHighWaterMark(writableStrategy, 1);
    const writableSize = extractSizeAlgorithm(writableStrategy);
    const start = getMethod(tr, "start", "TransformStream");
    const transform = getMethod(tr, "transform", "TransformStream");
    const flush = getMethod(tr, "flush", "TransformStream");
    const cancel = getMethod(tr, "cancel", "TransformStream");
    const startPromise = deferred<void>();
    const t = initializeTransformStream<I, O>(this, startPromise.promise, writableHWM, writableSize, readableHWM, readableSize);
    this.#t = t;
    const c: TSC<I, O> = {
      stream: t,
      transformAlgorithm: undefined,
      flushAlgorithm: undefined,
      cancelAlgorithm: undefined,
      finishPromise: undefined,
      api: undefined as unknown as TransformStreamDefaultController<O>,
    };
    c.api = new TransformStreamDefaultController<O>(INTERNAL, c as unknown as TSC<unknown, O>);
    t.controller = c;
    c.transformAlgorithm =
      transform !== undefined
        ? (chunk) => promiseCall(transform, tr, chunk, c.api)
        : (chunk) => {
            try {
              tscEnqueue(c as unknown as TSC<unknown, O>, chunk as unknown as O);
              return resolved();
            } catch (e) {
              return Promise.reject(e);
            }
          };
    c.flushAlgorithm = () => promiseCall(flush, tr, c.api);
    c.cancelAlgorithm = (reason) => promiseCall(cancel, tr, reason);
    if (start !== undefined) startPromise.resolve(start.call(tr, c.api) as void);
    else startPromise.resolve(undefined);
  }

  get readable(): ReadableStream<O> {
    return this.#t.readable.api;
  }

  get writable(): WritableStream<I> {
    return this.#t.writable.api;
  }
}

enumerable(TransformStream.prototype, ownMembers(TransformStream.prototype));
toStringTag(TransformStream.prototype, "TransformStream");
inspectAs<TransformStream>(TransformStream.prototype, (t) => ({ readable: t.readable, writable: t.writable }));

function initializeTransformStream<I, O>(
  api: TransformStream<I, O>,
  startPromise: Promise<void>,
  writableHWM: number,
  writableSize: SizeAlgorithm,
  readableHWM: number,
  readableSize: SizeAlgorithm,
): TS<I, O> {
  const t = {
    api,
    backpressure: undefined,
    backpressureChangePromise: undefined,
  } as unknown as TS<I, O>;
  const start = () => startPromise;
  t.writable = createWritableStream<I>(
    start,
    (chunk) => transformSinkWrite(t, chunk),
    () => transformSinkClose(t),
    (reason) => transformSinkAbort(t, reason),
    writableHWM,
    writableSize,
  );
  t.readable = createReadableStream<O>(
    start,
    () => {
      // SourcePullAlgorithm
      transformSetBackpressure(t, false);
      return t.backpressureChangePromise!.promise;
    },
    (reason) => transformSourceCancel(t, reason),
    readableHWM,
    readableSize,
  );
  transformSetBackpressure(t, true);
  return t;
}

function transformError(t: TS, e: unknown): void {
  rscError(t.readable.controller, e);
  transformErrorWritableAndUnblockWrite(t, e);
}

function transformErrorWritableAndUnblockWrite(t: TS, e: unknown): void {
  clearTSCAlgorithms(t.controller);
  wscErrorIfNeeded(t.writable.controller, e);
  transformUnblockWrite(t);
}

function transformUnblockWrite(t: TS): void {
  if (t.backpressure) transformSetBackpressure(t, false);
}

function transformSetBackpressure(t: TS, backpressure: boolean): void {
  if (t.backpressureChangePromise !== undefined) t.backpressureChangePromise.resolve(undefined);
  t.backpressureChangePromise = deferred<void>();
  t.backpressure = backpressure;
}

function clearTSCAlgorithms(c: TSC): void {
  c.transformAlgorithm = undefined;
  c.flushAlgorithm = undefined;
  c.cancelAlgorithm = undefined;
}

function tscEnqueue<O>(c: TSC<unknown, O>, chunk: O): void {
  const t = c.stream;
  const rc = t.readable.controller;
  if (!rscCanCloseOrEnqueue(rc)) throw new TypeError("The readable side is not in a state that permits enqueue");
  try {
    rscEnqueue(rc, chunk);
  } catch (e) {
    transformErrorWritableAndUnblockWrite(t, e);
    throw t.readable.storedError;
  }
  const backpressure = rscHasBackpressure(rc);
  if (backpressure !== t.backpressure) transformSetBackpressure(t, true);
}

function tscPerformTransform<I>(c: TSC<I>, chunk: I): Promise<void> {
  return c.transformAlgorithm!(chunk).then(undefined, (r) => {
    transformError(c.stream, r);
    throw r;
  });
}

function tscTerminate(c: TSC): void {
  const t = c.stream;
  rscClose(t.readable.controller);
  transformErrorWritableAndUnblockWrite(t, new TypeError("The transform stream was terminated"));
}

function transformSinkWrite<I>(t: TS<I>, chunk: I): Promise<void> {
  const c = t.controller;
  if (t.backpressure) {
    return t.backpressureChangePromise!.promise.then(() => {
      const w = t.writable;
      if (w.state === "erroring") throw w.storedError;
      return tscPerformTransform(c, chunk);
    });
  }
  return tscPerformTransform(c, chunk);
}

function transformSinkAbort(t: TS, reason: unknown): Promise<void> {
  const c = t.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = t.readable;
  const finish = (c.finishPromise = deferred<void>());
  // The algorithms may be gone already (after terminate()): nothing to run.
  const cancelPromise = (c.cancelAlgorithm ?? resolved)(reason);
  clearTSCAlgorithms(c);
  cancelPromise.then(
    () => {
      if (readable.state === "errored") {
        finish.reject(readable.storedError);
      } else {
        rscError(readable.controller, reason);
        finish.resolve(undefined);
      }
    },
    (r) => {
      rscError(readable.controller, r);
      finish.reject(r);
    },
  );
  return finish.promise;
}

function transformSinkClose(t: TS): Promise<void> {
  const c = t.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const readable = t.readable;
  const finish = (c.finishPromise = deferred<void>());
  const flushPromise = (c.flushAlgorithm ?? resolved)();
  clearTSCAlgorithms(c);
  flushPromise.then(
    () => {
      if (readable.state === "errored") {
        finish.reject(readable.storedError);
      } else {
        rscClose(readable.controller);
        finish.resolve(undefined);
      }
    },
    (r) => {
      rscError(readable.controller, r);
      finish.reject(r);
    },
  );
  return finish.promise;
}

function transformSourceCancel(t: TS, reason: unknown): Promise<void> {
  const c = t.controller;
  if (c.finishPromise !== undefined) return c.finishPromise.promise;
  const writable = t.writable;
  const finish = (c.finishPromise = deferred<void>());
  const cancelPromise = (c.cancelAlgorithm ?? resolved)(reason);
  clearTSCAlgorithms(c);
  cancelPromise.then(
    () => {
      if (writable.state === "errored") {
        finish.reject(writable.storedError);
      } else {
        wscErrorIfNeeded(writable.controller, reason);
        transformUnblockWrite(t);
        finish.resolve(undefined);
      }
    },
    (r) => {
      wscErrorIfNeeded(writable.controller, r);
      transformUnblockWrite(t);
      finish.reject(r);
    },
  );
  return finish.promise;
}

export class TransformStreamDefaultController<O = any> {
  #c: TSC<unknown, O>;

  constructor(token?: unknown, c?: TSC<unknown, O>) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#c = c!;
  }

  get desiredSize(): number | null {
    return rscDesiredSize(this.#c.stream.readable.controller);
  }

  enqueue(chunk?: O): void {
    tscEnqueue(this.#c, chunk as O);
  }

  error(reason?: unknown): void {
    transformError(this.#c.stream, reason);
  }

  terminate(): void {
    tscTerminate(this.#c);
  }
}

enumerable(TransformStreamDefaultController.prototype, ownMembers(TransformStreamDefaultController.prototype));
toStringTag(TransformStreamDefaultController.prototype, "TransformStreamDefaultController");

// ---- helpers for other ts-lib modules (bodies) -----------------------------

/** True for ReadableStreams of this realm (a brand check). */
export function isReadableStream(v: unknown): v is ReadableStream {
  return isRS(v);
}

/** True once the stream has been read from or canceled (Body's "disturbed"). */
export function isDisturbed(s: ReadableStream): boolean {
  return rsOf(s).disturbed;
}

/** True when the stream is errored. */
export function isErrored(s: ReadableStream): boolean {
  return rsOf(s).state === "errored";
}

/** A stream that yields `bytes` once, then closes. */
export function streamFromBytes(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      if (bytes.length > 0) c.enqueue(bytes);
      c.close();
    },
  });
}

/**
 * Reads a stream of byte chunks to the end (Fetch's "fully read"). Chunks
 * that are not Uint8Array reject with TypeError, as Fetch requires.
 */
export async function readAllBytes(stream: ReadableStream): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) {
      const err = new TypeError("The body stream produced a chunk that is not a Uint8Array");
      await reader.cancel(err).catch(() => {});
      throw err;
    }
    chunks.push(value);
    total += value.length;
  }
  reader.releaseLock();
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
