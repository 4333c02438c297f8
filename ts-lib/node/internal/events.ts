// node:events. EventEmitter is a plain constructor function, not a class,
// because a great deal of npm code still inherits the old way
// (`EventEmitter.call(this)` + `util.inherits`), which a class forbids. The
// listeners live where Node keeps them (`_events`, `_eventsCount`,
// `_maxListeners`): some libraries read those fields directly.

import { invalidArgType, notImplemented, coded, outOfRange } from "./errors.ts";
import { inspect } from "../../format.ts";

type Listener = (...args: any[]) => unknown;
type Events = Record<string | symbol, Listener | Listener[] | undefined>;

const kCapture = Symbol("kCapture");
const kShapeMode = Symbol("shapeMode");
export const captureRejectionSymbol: unique symbol = Symbol.for("nodejs.rejection");
export const errorMonitor: unique symbol = Symbol("events.errorMonitor");
const kRejection = captureRejectionSymbol;

let defaultMaxListeners = 10;
let captureRejectionsDefault = false;

export interface EventEmitter {
  _events: Events;
  _eventsCount: number;
  _maxListeners: number | undefined;
  [kCapture]: boolean;
  on(event: string | symbol, listener: Listener): this;
  addListener(event: string | symbol, listener: Listener): this;
  prependListener(event: string | symbol, listener: Listener): this;
  once(event: string | symbol, listener: Listener): this;
  prependOnceListener(event: string | symbol, listener: Listener): this;
  off(event: string | symbol, listener: Listener): this;
  removeListener(event: string | symbol, listener: Listener): this;
  removeAllListeners(event?: string | symbol): this;
  emit(event: string | symbol, ...args: unknown[]): boolean;
  listeners(event: string | symbol): Listener[];
  rawListeners(event: string | symbol): Listener[];
  listenerCount(event: string | symbol, listener?: Listener): number;
  eventNames(): (string | symbol)[];
  setMaxListeners(n: number): this;
  getMaxListeners(): number;
}

export interface EventEmitterOptions {
  captureRejections?: boolean;
}

interface EventEmitterConstructor {
  new (options?: EventEmitterOptions): EventEmitter;
  (this: EventEmitter, options?: EventEmitterOptions): void;
  prototype: EventEmitter;
  [k: string]: unknown;
}

export const EventEmitter = function EventEmitter(this: EventEmitter, opts?: EventEmitterOptions): void {
  init(this, opts);
} as unknown as EventEmitterConstructor;

function init(ee: EventEmitter, opts?: EventEmitterOptions): void {
  if (ee._events === undefined || ee._events === Object.getPrototypeOf(ee)._events) {
    ee._events = Object.create(null);
    ee._eventsCount = 0;
  }
  ee._maxListeners = ee._maxListeners || undefined;
  if (opts?.captureRejections) {
    if (typeof opts.captureRejections !== "boolean") {
      throw invalidArgType("options.captureRejections", "of type boolean", opts.captureRejections);
    }
    ee[kCapture] = true;
  } else {
    ee[kCapture] = EventEmitter.prototype[kCapture];
  }
  (ee as unknown as Record<symbol, boolean>)[kShapeMode] = false;
}

function checkListener(listener: unknown): asserts listener is Listener {
  if (typeof listener !== "function") throw invalidArgType("listener", "of type function", listener);
}

function maxListeners(ee: EventEmitter): number {
  return ee._maxListeners === undefined ? defaultMaxListeners : ee._maxListeners;
}

function warnLeak(ee: EventEmitter, type: string | symbol, count: number): void {
  const name = (ee.constructor as { name?: string } | undefined)?.name || "EventEmitter";
  const w = new Error(
    `Possible EventEmitter memory leak detected. ${count} ${String(type)} listeners added to [${name}]. ` +
      `MaxListeners is ${maxListeners(ee)}. Use emitter.setMaxListeners() to increase limit`,
  ) as Error & { emitter: unknown; type: unknown; count: number };
  w.name = "MaxListenersExceededWarning";
  w.emitter = ee;
  w.type = type;
  w.count = count;
  const p = (globalThis as { process?: { emitWarning?: (w: Error) => void } }).process;
  if (p?.emitWarning) p.emitWarning(w);
}

function addListener(ee: EventEmitter, type: string | symbol, listener: Listener, prepend: boolean): EventEmitter {
  checkListener(listener);
  let events = ee._events;
  if (events === undefined) {
    events = ee._events = Object.create(null);
    ee._eventsCount = 0;
  } else if (events.newListener !== undefined) {
    ee.emit("newListener", type, (listener as { listener?: Listener }).listener ?? listener);
    events = ee._events;
  }
  const existing = events[type];
  if (existing === undefined) {
    events[type] = listener;
    ee._eventsCount++;
    return ee;
  }
  let list: Listener[];
  if (typeof existing === "function") {
    list = events[type] = prepend ? [listener, existing] : [existing, listener];
  } else {
    list = existing;
    if (prepend) list.unshift(listener);
    else list.push(listener);
  }
  const m = maxListeners(ee);
  if (m > 0 && list.length > m && !(list as { warned?: boolean }).warned) {
    (list as { warned?: boolean }).warned = true;
    warnLeak(ee, type, list.length);
  }
  return ee;
}

function onceWrapper(state: { fired: boolean; wrapFn: Listener; target: EventEmitter; type: string | symbol; listener: Listener }) {
  return function (this: unknown, ...args: unknown[]): unknown {
    if (!state.fired) {
      state.target.removeListener(state.type, state.wrapFn);
      state.fired = true;
      return state.listener.apply(state.target, args);
    }
  };
}

function wrapOnce(target: EventEmitter, type: string | symbol, listener: Listener): Listener {
  const state = { fired: false, wrapFn: undefined as unknown as Listener, target, type, listener };
  const wrapped = onceWrapper(state) as Listener & { listener: Listener };
  wrapped.listener = listener;
  state.wrapFn = wrapped;
  return wrapped;
}

function arrayClone(a: Listener[]): Listener[] {
  return a.slice();
}

function unwrap(a: Listener[]): Listener[] {
  return a.map((l) => (l as { listener?: Listener }).listener ?? l);
}

function addCatch(ee: EventEmitter, promise: unknown, type: string | symbol, args: unknown[]): void {
  if (promise === null || typeof promise !== "object" || typeof (promise as { then?: unknown }).then !== "function") return;
  (promise as Promise<unknown>).then(undefined, (err) => {
    queueMicrotask(() => emitUnhandledRejectionOrErr(ee, err, type, args));
  });
}

function emitUnhandledRejectionOrErr(ee: EventEmitter, err: unknown, type: string | symbol, args: unknown[]): void {
  const handler = (ee as unknown as Record<symbol, unknown>)[kRejection];
  if (typeof handler === "function") {
    handler.call(ee, err, type, ...args);
  } else {
    const prev = ee[kCapture];
    try {
      ee[kCapture] = false;
      ee.emit("error", err);
    } finally {
      ee[kCapture] = prev;
    }
  }
}

const proto: EventEmitter & Record<string | symbol, unknown> = {
  _events: undefined as unknown as Events,
  _eventsCount: 0,
  _maxListeners: undefined,
  [kCapture]: false,
  setMaxListeners(n: number) {
    if (typeof n !== "number" || n < 0 || Number.isNaN(n)) {
      throw outOfRange("n", "a non-negative number", n);
    }
    this._maxListeners = n;
    return this;
  },
  getMaxListeners() {
    return maxListeners(this);
  },
  emit(type: string | symbol, ...args: unknown[]): boolean {
    let doError = type === "error";
    const events = this._events;
    if (events !== undefined) {
      if (doError && events[errorMonitor] !== undefined) this.emit(errorMonitor, ...args);
      doError = doError && events.error === undefined;
    } else if (!doError) return false;
    if (doError) {
      const er = args[0];
      if (er instanceof Error) throw er;
      const e = coded(new Error(`Unhandled error. (${inspect(er)})`), "ERR_UNHANDLED_ERROR") as Error & { context?: unknown };
      e.context = er;
      throw e;
    }
    const handler = events[type];
    if (handler === undefined) return false;
    if (typeof handler === "function") {
      const result = handler.apply(this, args);
      if (result !== undefined && result !== null && this[kCapture]) addCatch(this, result, type, args);
    } else {
      const listeners = arrayClone(handler);
      for (let i = 0; i < listeners.length; i++) {
        const result = listeners[i].apply(this, args);
        if (result !== undefined && result !== null && this[kCapture]) addCatch(this, result, type, args);
      }
    }
    return true;
  },
  addListener(type: string | symbol, listener: Listener) {
    return addListener(this, type, listener, false) as typeof this;
  },
  on(type: string | symbol, listener: Listener) {
    return addListener(this, type, listener, false) as typeof this;
  },
  prependListener(type: string | symbol, listener: Listener) {
    return addListener(this, type, listener, true) as typeof this;
  },
  once(type: string | symbol, listener: Listener) {
    checkListener(listener);
    this.on(type, wrapOnce(this, type, listener));
    return this;
  },
  prependOnceListener(type: string | symbol, listener: Listener) {
    checkListener(listener);
    this.prependListener(type, wrapOnce(this, type, listener));
    return this;
  },
  removeListener(type: string | symbol, listener: Listener) {
    checkListener(listener);
    const events = this._events;
    if (events === undefined) return this;
    const list = events[type];
    if (list === undefined) return this;
    if (list === listener || (list as { listener?: Listener }).listener === listener) {
      if (--this._eventsCount === 0) this._events = Object.create(null);
      else {
        delete events[type];
        if (events.removeListener) this.emit("removeListener", type, (list as { listener?: Listener }).listener || listener);
      }
    } else if (typeof list !== "function") {
      let position = -1;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || (list[i] as { listener?: Listener }).listener === listener) {
          position = i;
          break;
        }
      }
      if (position < 0) return this;
      if (position === 0) list.shift();
      else list.splice(position, 1);
      if (list.length === 1) events[type] = list[0];
      if (events.removeListener !== undefined) this.emit("removeListener", type, listener);
    }
    return this;
  },
  off(type: string | symbol, listener: Listener) {
    return this.removeListener(type, listener);
  },
  removeAllListeners(type?: string | symbol) {
    const events = this._events;
    if (events === undefined) return this;
    if (events.removeListener === undefined) {
      if (arguments.length === 0) {
        this._events = Object.create(null);
        this._eventsCount = 0;
      } else if (events[type!] !== undefined) {
        if (--this._eventsCount === 0) this._events = Object.create(null);
        else delete events[type!];
      }
      return this;
    }
    if (arguments.length === 0) {
      for (const key of Reflect.ownKeys(events)) {
        if (key === "removeListener") continue;
        this.removeAllListeners(key);
      }
      this.removeAllListeners("removeListener");
      this._events = Object.create(null);
      this._eventsCount = 0;
      return this;
    }
    const listeners = events[type!];
    if (typeof listeners === "function") this.removeListener(type!, listeners);
    else if (listeners !== undefined) {
      for (let i = listeners.length - 1; i >= 0; i--) this.removeListener(type!, listeners[i]);
    }
    return this;
  },
  listeners(type: string | symbol) {
    const l = this._events?.[type];
    if (l === undefined) return [];
    return typeof l === "function" ? [(l as { listener?: Listener }).listener ?? l] : unwrap(l);
  },
  rawListeners(type: string | symbol) {
    const l = this._events?.[type];
    if (l === undefined) return [];
    return typeof l === "function" ? [l] : arrayClone(l);
  },
  listenerCount(type: string | symbol, listener?: Listener) {
    const l = this._events?.[type];
    if (l === undefined) return 0;
    const all = typeof l === "function" ? [l] : l;
    if (listener === undefined) return all.length;
    return all.filter((x) => x === listener || (x as { listener?: Listener }).listener === listener).length;
  },
  eventNames() {
    return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : [];
  },
};
EventEmitter.prototype = proto;
for (const key of Reflect.ownKeys(proto)) {
  const d = Object.getOwnPropertyDescriptor(proto, key)!;
  if (typeof d.value === "function") Object.defineProperty(proto, key, { ...d, enumerable: false });
}
Object.defineProperty(proto, "constructor", { value: EventEmitter, writable: true, configurable: true, enumerable: false });
Object.defineProperty(proto, kCapture, { value: false, writable: true, enumerable: false });

// ---- statics ------------------------------------------------------------------

interface AbortSignalLike {
  aborted: boolean;
  reason?: unknown;
  addEventListener(type: "abort", cb: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: "abort", cb: () => void): void;
}

function abortError(signal?: AbortSignalLike): Error {
  const e = coded(new Error("The operation was aborted"), "ABORT_ERR") as Error & { cause?: unknown };
  e.name = "AbortError";
  if (signal?.reason !== undefined) e.cause = signal.reason;
  return e;
}

interface EventTargetLike {
  addEventListener(type: string, cb: (e: unknown) => void, opts?: { once?: boolean }): void;
  removeEventListener(type: string, cb: (e: unknown) => void): void;
}

function isEventTarget(x: unknown): x is EventTargetLike {
  return typeof (x as EventTargetLike | null)?.addEventListener === "function";
}

/** Resolves with the arguments of the next `name` event (rejects on 'error'). */
export function once(emitter: EventEmitter | EventTargetLike, name: string | symbol, options: { signal?: AbortSignalLike } = {}): Promise<unknown[]> {
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      reject(abortError(signal));
    };
    let cleanup: () => void;
    if (isEventTarget(emitter) && typeof (emitter as unknown as EventEmitter).on !== "function") {
      const listener = (e: unknown) => {
        signal?.removeEventListener("abort", onAbort);
        resolve([e]);
      };
      cleanup = () => emitter.removeEventListener(name as string, listener);
      emitter.addEventListener(name as string, listener, { once: true });
    } else {
      const ee = emitter as EventEmitter;
      const resolver = (...args: unknown[]) => {
        cleanup();
        resolve(args);
      };
      const errorListener = (err: unknown) => {
        cleanup();
        reject(err);
      };
      cleanup = () => {
        ee.removeListener(name, resolver);
        if (name !== "error") ee.removeListener("error", errorListener);
        signal?.removeEventListener("abort", onAbort);
      };
      ee.on(name, resolver);
      if (name !== "error") ee.on("error", errorListener);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** An async iterator over `name` events; rejects its next() on 'error'. */
export function on(
  emitter: EventEmitter,
  name: string | symbol,
  options: { signal?: AbortSignalLike; close?: (string | symbol)[] } = {},
): AsyncIterableIterator<unknown[]> {
  const signal = options?.signal;
  if (signal?.aborted) throw abortError(signal);
  const unconsumed: unknown[][] = [];
  const waiting: { resolve: (r: IteratorResult<unknown[]>) => void; reject: (e: unknown) => void }[] = [];
  let error: unknown = null;
  let finished = false;
  const handler = (...args: unknown[]) => {
    const w = waiting.shift();
    if (w) w.resolve({ value: args, done: false });
    else unconsumed.push(args);
  };
  const errorHandler = (err: unknown) => {
    finished = true;
    const w = waiting.shift();
    if (w) w.reject(err);
    else error = err;
    void iterator.return!();
  };
  const closeHandler = () => {
    void iterator.return!();
  };
  const onAbort = () => errorHandler(abortError(signal));
  const cleanup = () => {
    emitter.removeListener(name, handler);
    emitter.removeListener("error", errorHandler);
    for (const c of options?.close ?? []) emitter.removeListener(c, closeHandler);
    signal?.removeEventListener("abort", onAbort);
  };
  const iterator: AsyncIterableIterator<unknown[]> = {
    next(): Promise<IteratorResult<unknown[]>> {
      const value = unconsumed.shift();
      if (value) return Promise.resolve({ value, done: false });
      if (error) {
        const p = Promise.reject(error);
        error = null;
        return p;
      }
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return(): Promise<IteratorResult<unknown[]>> {
      cleanup();
      finished = true;
      for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err: unknown): Promise<IteratorResult<unknown[]>> {
      error = err;
      cleanup();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  emitter.on(name, handler);
  if (name !== "error") emitter.on("error", errorHandler);
  for (const c of options?.close ?? []) emitter.on(c, closeHandler);
  signal?.addEventListener("abort", onAbort, { once: true });
  return iterator;
}

/** The listeners of an EventEmitter or EventTarget for `name`. */
export function getEventListeners(target: EventEmitter | EventTargetLike, name: string | symbol): Function[] {
  if (typeof (target as EventEmitter).listeners === "function") return (target as EventEmitter).listeners(name);
  // ts-lib's EventTarget keeps its listeners private; ask through a symbol it exposes.
  const get = (target as unknown as Record<symbol, unknown>)[Symbol.for("howth.eventTargetListeners")];
  if (typeof get === "function") return get.call(target, name) as Function[];
  throw notImplemented("events.getEventListeners for this EventTarget");
}

export function getMaxListeners(target: EventEmitter | EventTargetLike): number {
  if (typeof (target as EventEmitter).getMaxListeners === "function") return (target as EventEmitter).getMaxListeners();
  return defaultMaxListeners;
}

export function setMaxListeners(n = defaultMaxListeners, ...targets: (EventEmitter | EventTargetLike)[]): void {
  if (typeof n !== "number" || n < 0 || Number.isNaN(n)) throw outOfRange("n", "a non-negative number", n);
  if (targets.length === 0) defaultMaxListeners = n;
  for (const t of targets) {
    if (typeof (t as EventEmitter).setMaxListeners === "function") (t as EventEmitter).setMaxListeners(n);
  }
}

export function listenerCount(emitter: EventEmitter, name: string | symbol): number {
  return emitter.listenerCount(name);
}

/** Runs `listener` once when `signal` aborts; the returned object's dispose method removes it. */
export function addAbortListener(signal: AbortSignalLike, listener: () => void): Record<symbol, () => void> {
  if (signal?.aborted) queueMicrotask(listener);
  else signal.addEventListener("abort", listener, { once: true });
  const dispose = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for("nodejs.dispose");
  return {
    [dispose]() {
      signal.removeEventListener("abort", listener);
    },
  };
}

export const usingDomains = false;

export class EventEmitterAsyncResource {
  constructor() {
    throw notImplemented("events.EventEmitterAsyncResource");
  }
}

Object.defineProperties(EventEmitter, {
  EventEmitter: { value: EventEmitter, enumerable: true, writable: true, configurable: true },
  defaultMaxListeners: {
    get: () => defaultMaxListeners,
    set: (n: number) => {
      if (typeof n !== "number" || n < 0 || Number.isNaN(n)) throw outOfRange("defaultMaxListeners", "a non-negative number", n);
      defaultMaxListeners = n;
    },
    enumerable: true,
    configurable: true,
  },
  captureRejections: {
    get: () => captureRejectionsDefault,
    set: (v: boolean) => {
      if (typeof v !== "boolean") throw invalidArgType("EventEmitter.captureRejections", "of type boolean", v);
      captureRejectionsDefault = v;
      proto[kCapture] = v;
    },
    enumerable: true,
    configurable: true,
  },
});
Object.assign(EventEmitter, {
  once,
  on,
  getEventListeners,
  getMaxListeners,
  setMaxListeners,
  listenerCount,
  addAbortListener,
  errorMonitor,
  captureRejectionSymbol,
  usingDomains,
  EventEmitterAsyncResource,
  init(this: EventEmitter, opts?: EventEmitterOptions) {
    init(this, opts);
  },
});

export default EventEmitter;
