// AbortController and AbortSignal (DOM Standard §3.1-3.2).

import { DOMException, Event, EventTarget, defineEventHandler } from "./event.ts";
import { inspectAs } from "./webidl.ts";

interface SignalState {
  aborted: boolean;
  reason: unknown;
  /** Run before the "abort" event: internal reactions (streams, any()). */
  algorithms: Set<() => void>;
  /**
   * AbortSignal.any(): the signals this one follows (strong: a dependent
   * keeps its sources) and those that follow it (weak: a long-lived source,
   * say a server-wide shutdown signal combined with each request's signal,
   * must not keep every dependent ever made alive).
   */
  sources: AbortSignal[] | null;
  dependents: WeakRef<AbortSignal>[] | null;
  dependent: boolean;
}

const states = new WeakMap<AbortSignal, SignalState>();
// The constructor is "illegal" for users; internal code passes this token.
const INTERNAL = Symbol("internal");

function st(s: AbortSignal): SignalState {
  const v = states.get(s);
  if (v === undefined) throw new TypeError("Illegal invocation: not an AbortSignal");
  return v;
}

type TimerGlobals = {
  setTimeout?: (cb: () => void, ms: number) => unknown;
};

export class AbortSignal extends EventTarget {
  declare onabort: ((this: AbortSignal, ev: Event) => unknown) | null;

  constructor(token?: unknown) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    super();
    states.set(this, { aborted: false, reason: undefined, algorithms: new Set(), sources: null, dependents: null, dependent: false });
  }

  get aborted(): boolean {
    return st(this).aborted;
  }

  get reason(): unknown {
    return st(this).reason;
  }

  throwIfAborted(): void {
    const s = st(this);
    if (s.aborted) throw s.reason;
  }

  static abort(reason?: unknown): AbortSignal {
    const signal = new AbortSignal(INTERNAL);
    const s = st(signal);
    s.aborted = true;
    s.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    return signal;
  }

  static timeout(milliseconds: number): AbortSignal {
    const ms = toEnforceRangeULL(milliseconds);
    const signal = new AbortSignal(INTERNAL);
    // setTimeout is installed by timers.ts; look it up now, not at import.
    const setTimeout = (globalThis as TimerGlobals).setTimeout;
    if (typeof setTimeout !== "function") throw new TypeError("AbortSignal.timeout: no timers in this realm");
    const handle = setTimeout(() => {
      signalAbort(signal, new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    }, ms);
    // A pending timeout signal must not keep the process alive (as in Deno
    // and Node): unref the timer, through Howth.unrefTimer for numeric ids
    // or a Node-style handle's unref().
    const unref = (globalThis as { Howth?: { unrefTimer?: (id: number) => void } }).Howth?.unrefTimer;
    const h = handle as { unref?: () => void } | number | null;
    if (typeof h === "number" && typeof unref === "function") unref(h);
    else if (h !== null && typeof h === "object" && typeof h.unref === "function") h.unref();
    return signal;
  }

  static any(signals: Iterable<AbortSignal>): AbortSignal {
    const list = Array.from(signals);
    for (const s of list) st(s);
    const result = new AbortSignal(INTERNAL);
    const r = st(result);
    for (const s of list) {
      if (s.aborted) {
        r.aborted = true;
        r.reason = s.reason;
        return result;
      }
    }
    r.dependent = true;
    r.sources = [];
    for (const s of list) {
      const ss = st(s);
      // Follow the original sources of a dependent signal, not the signal
      // itself (the spec's flattening keeps chains of any() short).
      const originals = ss.dependent ? ss.sources ?? [] : [s];
      for (const src of originals) {
        if (r.sources.includes(src)) continue;
        r.sources.push(src);
        const srcState = st(src);
        const deps = (srcState.dependents ??= []);
        // Drop the references to dependents already collected.
        if (deps.length >= 32 && deps.length % 32 === 0) {
          srcState.dependents = deps.filter((w) => w.deref() !== undefined);
        }
        srcState.dependents!.push(new WeakRef(result));
      }
    }
    return result;
  }

  get [Symbol.toStringTag](): string {
    return "AbortSignal";
  }
}

inspectAs<AbortSignal>(AbortSignal.prototype, (s) => ({ aborted: s.aborted }));

defineEventHandler(AbortSignal.prototype, "abort");

/** Creates a fresh, not yet aborted signal (for Request.signal and friends). */
export function newAbortSignal(): AbortSignal {
  return new AbortSignal(INTERNAL);
}

/**
 * Registers an internal reaction to abort, run before the "abort" event
 * (the spec's "add an abort algorithm"). Returns a function that removes it.
 */
export function addAbortAlgorithm(signal: AbortSignal, algorithm: () => void): () => void {
  const s = st(signal);
  if (s.aborted) return () => {};
  s.algorithms.add(algorithm);
  return () => s.algorithms.delete(algorithm);
}

/** The spec's "signal abort". */
export function signalAbort(signal: AbortSignal, reason?: unknown): void {
  const s = st(signal);
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
  // Dependents are marked aborted first, then every signal runs its
  // algorithms and fires its event, as in the current DOM Standard.
  const toRun: AbortSignal[] = [signal];
  for (const w of s.dependents ?? []) {
    const d = w.deref();
    if (d === undefined) continue;
    const ds = st(d);
    if (ds.aborted) continue;
    ds.aborted = true;
    ds.reason = s.reason;
    toRun.push(d);
  }
  s.dependents = null;
  for (const sig of toRun) runAbortSteps(sig);
}

function runAbortSteps(signal: AbortSignal): void {
  const s = st(signal);
  const algorithms = [...s.algorithms];
  s.algorithms.clear();
  for (const a of algorithms) a();
  signal.dispatchEvent(new Event("abort"));
}

export class AbortController {
  #signal: AbortSignal;

  constructor() {
    this.#signal = new AbortSignal(INTERNAL);
  }

  get signal(): AbortSignal {
    return this.#signal;
  }

  abort(reason?: unknown): void {
    signalAbort(this.#signal, reason);
  }

  get [Symbol.toStringTag](): string {
    return "AbortController";
  }
}

inspectAs<AbortController>(AbortController.prototype, (c) => ({ signal: c.signal }));

/** WebIDL `unsigned long long` with [EnforceRange]. */
function toEnforceRangeULL(v: unknown): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError("AbortSignal.timeout: milliseconds must be a finite number");
  const t = Math.trunc(n);
  if (t < 0 || t > Number.MAX_SAFE_INTEGER) throw new TypeError("AbortSignal.timeout: milliseconds out of range");
  return t;
}
