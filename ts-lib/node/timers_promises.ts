// node:timers/promises: timers as promises and async iterators, with
// AbortSignal support.

import { setTimeout as setTimer, setInterval as setRepeat, clearTimeout as clearTimer } from "./internal/timeout.ts";
import { setImmediate as setImm, clearImmediate as clearImm } from "./internal/immediate.ts";
import { coded, invalidArgType } from "./internal/errors.ts";

interface TimerOptions {
  signal?: AbortSignal;
  ref?: boolean;
}

function abortError(signal: AbortSignal): Error {
  const e = coded(new Error("The operation was aborted"), "ABORT_ERR") as Error & { cause?: unknown };
  e.name = "AbortError";
  e.cause = signal.reason;
  return e;
}

function checkOptions(options: unknown): TimerOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") throw invalidArgType("options", "of type object", options);
  const o = options as TimerOptions;
  if (o.signal !== undefined && (o.signal === null || typeof o.signal.aborted !== "boolean")) {
    throw invalidArgType("options.signal", "an instance of AbortSignal", o.signal);
  }
  if (o.ref !== undefined && typeof o.ref !== "boolean") throw invalidArgType("options.ref", "of type boolean", o.ref);
  return o;
}

/** A handle the loop can drop (a Timeout or an Immediate). */
interface Scheduled {
  unref(): unknown;
}

/** Resolves with `value` when `schedule`'s callback runs; rejects at once, or later, on abort. */
function settleLater<T, H extends Scheduled>(
  schedule: (fire: () => void) => H,
  cancel: (handle: H) => void,
  value: T | undefined,
  options: TimerOptions | undefined,
): Promise<T> {
  let o: TimerOptions;
  try {
    o = checkOptions(options);
  } catch (e) {
    return Promise.reject(e);
  }
  const { signal, ref } = o;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel(handle);
      reject(abortError(signal!));
    };
    const handle = schedule(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(value as T);
    });
    if (ref === false) handle.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function setTimeout<T = void>(delay?: number, value?: T, options?: TimerOptions): Promise<T> {
  return settleLater((fire) => setTimer(fire, delay), clearTimer, value, options);
}

export function setImmediate<T = void>(value?: T, options?: TimerOptions): Promise<T> {
  return settleLater(setImm, clearImm, value, options);
}

export async function* setInterval<T = void>(delay?: number, value?: T, options?: TimerOptions): AsyncGenerator<T> {
  const { signal, ref } = checkOptions(options);
  if (signal?.aborted) throw abortError(signal);
  let pending = 0;
  let wake: (() => void) | null = null;
  const t = setRepeat(() => {
    pending++;
    const w = wake;
    wake = null;
    w?.();
  }, delay);
  if (ref === false) t.unref();
  const onAbort = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      if (pending === 0) await new Promise<void>((r) => (wake = r));
      if (signal?.aborted) throw abortError(signal);
      while (pending > 0) {
        pending--;
        yield value as T;
      }
    }
  } finally {
    clearTimer(t);
    signal?.removeEventListener("abort", onAbort);
  }
}

export const scheduler = {
  wait(delay: number, options?: TimerOptions): Promise<void> {
    return setTimeout(delay, undefined, options);
  },
  yield(): Promise<void> {
    return setImmediate();
  },
};

export default { setTimeout, setImmediate, setInterval, scheduler };
