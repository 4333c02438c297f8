// DOMException, Event, EventTarget and CustomEvent (WebIDL, DOM Standard).
//
// Howth has no document tree, so every dispatch is at its target: there is
// no capture or bubble path, and composedPath() is [target] while
// dispatching. Listener options (capture, once, passive, signal) are all
// honoured because code written for browsers and Deno relies on them.

import { inspectAs } from "./webidl.ts";

// ---- DOMException --------------------------------------------------------

/** The legacy code of each name that has one (WebIDL's error names table). */
const CODES: Record<string, number> = {
  IndexSizeError: 1,
  HierarchyRequestError: 3,
  WrongDocumentError: 4,
  InvalidCharacterError: 5,
  NoModificationAllowedError: 7,
  NotFoundError: 8,
  NotSupportedError: 9,
  InUseAttributeError: 10,
  InvalidStateError: 11,
  SyntaxError: 12,
  InvalidModificationError: 13,
  NamespaceError: 14,
  InvalidAccessError: 15,
  TypeMismatchError: 17,
  SecurityError: 18,
  NetworkError: 19,
  AbortError: 20,
  URLMismatchError: 21,
  QuotaExceededError: 22,
  TimeoutError: 23,
  InvalidNodeTypeError: 24,
  DataCloneError: 25,
};

const CONSTANTS: [string, number][] = [
  ["INDEX_SIZE_ERR", 1], ["DOMSTRING_SIZE_ERR", 2], ["HIERARCHY_REQUEST_ERR", 3],
  ["WRONG_DOCUMENT_ERR", 4], ["INVALID_CHARACTER_ERR", 5], ["NO_DATA_ALLOWED_ERR", 6],
  ["NO_MODIFICATION_ALLOWED_ERR", 7], ["NOT_FOUND_ERR", 8], ["NOT_SUPPORTED_ERR", 9],
  ["INUSE_ATTRIBUTE_ERR", 10], ["INVALID_STATE_ERR", 11], ["SYNTAX_ERR", 12],
  ["INVALID_MODIFICATION_ERR", 13], ["NAMESPACE_ERR", 14], ["INVALID_ACCESS_ERR", 15],
  ["VALIDATION_ERR", 16], ["TYPE_MISMATCH_ERR", 17], ["SECURITY_ERR", 18], ["NETWORK_ERR", 19],
  ["ABORT_ERR", 20], ["URL_MISMATCH_ERR", 21], ["QUOTA_EXCEEDED_ERR", 22], ["TIMEOUT_ERR", 23],
  ["INVALID_NODE_TYPE_ERR", 24], ["DATA_CLONE_ERR", 25],
];

export class DOMException extends Error {
  // name and message are prototype getters in WebIDL, not own data
  // properties, so they are declared here and defined in the static block.
  declare readonly name: string;
  declare readonly message: string;
  #name: string;
  #message: string;

  constructor(message: string = "", options: string | { name?: string; cause?: unknown } = "Error") {
    // No message to Error: that would make `message` an own property.
    super();
    this.#message = String(message);
    if (typeof options === "object" && options !== null) {
      this.#name = options.name === undefined ? "Error" : String(options.name);
      if ("cause" in options) {
        Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
      }
    } else {
      this.#name = String(options);
    }
  }

  get code(): number {
    return CODES[this.#name] ?? 0;
  }

  static {
    Object.defineProperties(DOMException.prototype, {
      name: {
        get(this: DOMException) { return this.#name; },
        enumerable: true,
        configurable: true,
      },
      message: {
        get(this: DOMException) { return this.#message; },
        enumerable: true,
        configurable: true,
      },
      [Symbol.toStringTag]: { value: "DOMException", configurable: true },
    });
    for (const [k, v] of CONSTANTS) {
      const desc = { value: v, enumerable: true, writable: false, configurable: false };
      Object.defineProperty(DOMException, k, desc);
      Object.defineProperty(DOMException.prototype, k, desc);
    }
  }
}

// ---- Event ---------------------------------------------------------------

export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

const NONE = 0;
const CAPTURING_PHASE = 1;
const AT_TARGET = 2;
const BUBBLING_PHASE = 3;

// Internal state shared with EventTarget's dispatch (module-private).
interface EventState {
  type: string;
  bubbles: boolean;
  cancelable: boolean;
  composed: boolean;
  target: EventTarget | null;
  currentTarget: EventTarget | null;
  phase: number;
  stopPropagation: boolean;
  stopImmediate: boolean;
  canceled: boolean;
  inPassiveListener: boolean;
  dispatching: boolean;
  initialized: boolean;
  isTrusted: boolean;
  timeStamp: number;
}

const eventState = new WeakMap<Event, EventState>();

function state(e: Event): EventState {
  const s = eventState.get(e);
  if (s === undefined) throw new TypeError("Illegal invocation: not an Event");
  return s;
}

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

export class Event {
  static readonly NONE = NONE;
  static readonly CAPTURING_PHASE = CAPTURING_PHASE;
  static readonly AT_TARGET = AT_TARGET;
  static readonly BUBBLING_PHASE = BUBBLING_PHASE;

  constructor(type: string, eventInitDict: EventInit = {}) {
    if (arguments.length === 0) {
      throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    }
    const init = eventInitDict ?? {};
    eventState.set(this, {
      type: String(type),
      bubbles: !!init.bubbles,
      cancelable: !!init.cancelable,
      composed: !!init.composed,
      target: null,
      currentTarget: null,
      phase: NONE,
      stopPropagation: false,
      stopImmediate: false,
      canceled: false,
      inPassiveListener: false,
      dispatching: false,
      initialized: true,
      isTrusted: false,
      timeStamp: now(),
    });
  }

  get type(): string { return state(this).type; }
  get target(): EventTarget | null { return state(this).target; }
  get srcElement(): EventTarget | null { return state(this).target; }
  get currentTarget(): EventTarget | null { return state(this).currentTarget; }
  get eventPhase(): number { return state(this).phase; }
  get bubbles(): boolean { return state(this).bubbles; }
  get cancelable(): boolean { return state(this).cancelable; }
  get composed(): boolean { return state(this).composed; }
  get isTrusted(): boolean { return state(this).isTrusted; }
  get timeStamp(): number { return state(this).timeStamp; }
  get defaultPrevented(): boolean { return state(this).canceled; }

  get cancelBubble(): boolean { return state(this).stopPropagation; }
  set cancelBubble(v: boolean) { if (v) state(this).stopPropagation = true; }

  get returnValue(): boolean { return !state(this).canceled; }
  set returnValue(v: boolean) { if (!v) this.preventDefault(); }

  composedPath(): EventTarget[] {
    const s = state(this);
    return s.dispatching && s.currentTarget ? [s.currentTarget] : [];
  }

  stopPropagation(): void { state(this).stopPropagation = true; }

  stopImmediatePropagation(): void {
    const s = state(this);
    s.stopPropagation = true;
    s.stopImmediate = true;
  }

  preventDefault(): void {
    const s = state(this);
    if (s.cancelable && !s.inPassiveListener) s.canceled = true;
  }

  initEvent(type: string, bubbles = false, cancelable = false): void {
    const s = state(this);
    if (s.dispatching) return;
    s.initialized = true;
    s.stopPropagation = false;
    s.stopImmediate = false;
    s.canceled = false;
    s.isTrusted = false;
    s.target = null;
    s.type = String(type);
    s.bubbles = !!bubbles;
    s.cancelable = !!cancelable;
  }

  get [Symbol.toStringTag](): string { return "Event"; }
}

inspectAs<Event>(Event.prototype, (e) => ({
  type: e.type, defaultPrevented: e.defaultPrevented, cancelable: e.cancelable, timeStamp: e.timeStamp,
}));

for (const [k, v] of [["NONE", NONE], ["CAPTURING_PHASE", CAPTURING_PHASE], ["AT_TARGET", AT_TARGET], ["BUBBLING_PHASE", BUBBLING_PHASE]] as const) {
  Object.defineProperty(Event.prototype, k, { value: v, enumerable: true });
}

/** Marks an event as dispatched by the runtime (isTrusted = true). */
export function setTrusted(e: Event): void {
  state(e).isTrusted = true;
}

export interface CustomEventInit<T = unknown> extends EventInit {
  detail?: T;
}

export class CustomEvent<T = unknown> extends Event {
  #detail: T | null;

  constructor(type: string, eventInitDict: CustomEventInit<T> = {}) {
    if (arguments.length === 0) {
      throw new TypeError("Failed to construct 'CustomEvent': 1 argument required, but only 0 present.");
    }
    super(type, eventInitDict);
    this.#detail = eventInitDict?.detail ?? null;
  }

  get detail(): T | null { return this.#detail; }

  initCustomEvent(type: string, bubbles = false, cancelable = false, detail: T | null = null): void {
    if (state(this).dispatching) return;
    this.initEvent(type, bubbles, cancelable);
    this.#detail = detail;
  }

  override get [Symbol.toStringTag](): string { return "CustomEvent"; }
}

// ---- EventTarget ---------------------------------------------------------

export type EventListener = (evt: Event) => void;
export interface EventListenerObject { handleEvent(evt: Event): void }
export type EventListenerOrEventListenerObject = EventListener | EventListenerObject;

export interface EventListenerOptions { capture?: boolean }
export interface AddEventListenerOptions extends EventListenerOptions {
  once?: boolean;
  passive?: boolean;
  signal?: AbortSignalLike;
}

/** What addEventListener needs of an AbortSignal (abort.ts defines it). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", cb: () => void, opts?: { once?: boolean }): void;
}

interface Listener {
  callback: EventListenerOrEventListenerObject;
  capture: boolean;
  once: boolean;
  passive: boolean;
  removed: boolean;
}

const listeners = new WeakMap<EventTarget, Map<string, Listener[]>>();

function flattenCapture(options: boolean | EventListenerOptions | undefined): boolean {
  if (typeof options === "boolean") return options;
  return !!(options && options.capture);
}

/** Reports an exception thrown by a listener without stopping the dispatch. */
export function reportException(err: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void; console?: { error(...a: unknown[]): void } };
  if (typeof g.reportError === "function") {
    g.reportError(err);
  } else if (g.console) {
    g.console.error("Uncaught", err);
  }
}

export class EventTarget {
  constructor() {
    listeners.set(this, new Map());
  }

  addEventListener(
    type: string,
    callback: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    const map = targetListeners(this);
    if (callback === null || callback === undefined) return;
    if (typeof callback !== "function" && typeof callback !== "object") {
      throw new TypeError("addEventListener: the listener must be an object or a function");
    }
    const capture = flattenCapture(options);
    let once = false;
    let passive = false;
    let signal: AbortSignalLike | undefined;
    if (typeof options === "object" && options !== null) {
      once = !!options.once;
      passive = !!options.passive;
      if (options.signal !== undefined) {
        signal = options.signal;
        if (signal === null || typeof signal !== "object" || !("aborted" in signal)) {
          throw new TypeError("addEventListener: 'signal' is not an AbortSignal");
        }
      }
    }
    if (signal?.aborted) return;
    type = String(type);
    let list = map.get(type);
    if (list === undefined) map.set(type, (list = []));
    for (const l of list) {
      if (l.callback === callback && l.capture === capture) return;
    }
    list.push({ callback, capture, once, passive, removed: false });
    if (signal) {
      signal.addEventListener("abort", () => this.removeEventListener(type, callback, capture), { once: true });
    }
  }

  removeEventListener(
    type: string,
    callback: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    const map = targetListeners(this);
    const list = map.get(String(type));
    if (list === undefined || callback === null || callback === undefined) return;
    const capture = flattenCapture(options);
    const i = list.findIndex((l) => l.callback === callback && l.capture === capture);
    if (i >= 0) {
      list[i]!.removed = true;
      list.splice(i, 1);
    }
  }

  dispatchEvent(event: Event): boolean {
    targetListeners(this);
    const s = state(event);
    if (s.dispatching || !s.initialized) {
      throw new DOMException("The event is already being dispatched or was not initialized", "InvalidStateError");
    }
    s.isTrusted = false;
    return dispatch(this, event, s);
  }

  get [Symbol.toStringTag](): string { return "EventTarget"; }
}

function targetListeners(t: EventTarget): Map<string, Listener[]> {
  let m = listeners.get(t);
  if (m === undefined) {
    // An object made through Object.create(EventTarget.prototype) or a
    // subclass that skipped super(): treat it as a fresh target only when
    // it really inherits from EventTarget.
    if (!(t instanceof EventTarget)) throw new TypeError("Illegal invocation: not an EventTarget");
    listeners.set(t, (m = new Map()));
  }
  return m;
}

function dispatch(target: EventTarget, event: Event, s: EventState): boolean {
  s.dispatching = true;
  s.target = target;
  s.currentTarget = target;
  s.phase = AT_TARGET;
  try {
    const list = listeners.get(target)?.get(s.type);
    if (list !== undefined && list.length > 0) {
      // A snapshot: listeners added during dispatch do not run now, removed
      // ones are skipped through their `removed` flag.
      const snapshot = list.slice();
      // At the target, capturing listeners run first, then the others.
      for (const phaseCapture of [true, false]) {
        for (const l of snapshot) {
          if (l.capture !== phaseCapture || l.removed) continue;
          if (l.once) target.removeEventListener(s.type, l.callback, l.capture);
          s.inPassiveListener = l.passive;
          try {
            const cb = l.callback;
            if (typeof cb === "function") {
              cb.call(target, event);
            } else {
              const handle = cb.handleEvent;
              if (typeof handle !== "function") throw new TypeError("handleEvent is not a function");
              handle.call(cb, event);
            }
          } catch (err) {
            reportException(err);
          }
          s.inPassiveListener = false;
          if (s.stopImmediate) break;
        }
        if (s.stopImmediate) break;
      }
    }
  } finally {
    s.dispatching = false;
    s.phase = NONE;
    s.currentTarget = null;
    s.stopPropagation = false;
    s.stopImmediate = false;
  }
  return !s.canceled;
}

/**
 * Defines an `on<type>` event handler attribute (e.g. AbortSignal.onabort)
 * on a prototype: setting a function registers one listener that calls the
 * current handler, as HTML's event handler attributes do.
 */
export function defineEventHandler(proto: object, type: string): void {
  const handlers = new WeakMap<object, { fn: ((e: Event) => unknown) | null; registered: boolean }>();
  Object.defineProperty(proto, `on${type}`, {
    enumerable: true,
    configurable: true,
    get(this: EventTarget) {
      return handlers.get(this)?.fn ?? null;
    },
    set(this: EventTarget, v: unknown) {
      let h = handlers.get(this);
      if (h === undefined) handlers.set(this, (h = { fn: null, registered: false }));
      h.fn = typeof v === "function" ? (v as (e: Event) => unknown) : null;
      if (h.fn && !h.registered) {
        h.registered = true;
        const slot = h;
        this.addEventListener(type, (e: Event) => {
          const r = slot.fn?.call(this, e);
          if (r === false) e.preventDefault();
        });
      }
    },
  });
}
