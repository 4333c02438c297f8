// setTimeout / setInterval on the loop's own timers, and queueMicrotask.
//
// Rust keeps the deadlines (a timer wheel in the loop); JS keeps the
// callbacks, keyed by a numeric id. The globals wrap these in Node's
// Timeout objects (node/internal/timeout.ts), which convert to the id. Rust calls
// the one function registered with setTimerCallback with the id of each
// timer that fires, then runs a microtask checkpoint.

import { ops } from "./core_ops.ts";
import { reportUncaught } from "./errors.ts";
import { currentFrame, runInFrame, type Frame } from "./async_context.ts";

interface Timer {
  callback: Function;
  args: unknown[] | undefined;
  repeat: boolean;
  /** The async context it was set in (node:async_hooks), restored when it fires. */
  frame: Frame;
}

const timers = new Map<number, Timer>();
let nextId = 1;

// Browsers treat delays above a signed 32-bit millisecond count as 0 (they
// overflow); Node uses 1. Either way the timer must not wait 24 days.
const TIMEOUT_MAX = 2147483647;

function normalizeDelay(delay: unknown, repeat: boolean): number {
  let ms = typeof delay === "number" ? delay : Number(delay);
  if (!(ms >= 0) || ms > TIMEOUT_MAX) ms = 0;
  // An interval of 0 would make the loop spin; browsers clamp nested
  // timers to 4 ms, Node clamps every timer to 1 ms.
  if (repeat && ms < 1) ms = 1;
  return ms;
}

function start(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
  if (typeof callback !== "function") {
    throw new TypeError(
      `The "callback" argument must be a function. Received ${callback === null ? "null" : typeof callback}`,
    );
  }
  const id = nextId++;
  timers.set(id, { callback, args: args.length === 0 ? undefined : args, repeat, frame: currentFrame() });
  ops.timerStart(id, normalizeDelay(delay, repeat), repeat);
  return id;
}

export function setTimeout(callback: Function, delay?: number, ...args: unknown[]): number {
  return start(callback, delay, args, false);
}

export function setInterval(callback: Function, delay?: number, ...args: unknown[]): number {
  return start(callback, delay, args, true);
}

/** Clears a timeout or an interval (the two share ids, as in browsers). */
export function clearTimeout(id?: unknown): void {
  if (typeof id !== "number") {
    // Objects that convert to an id (Node-style) are accepted too.
    if (id === undefined || id === null) return;
    id = Number(id);
  }
  if (timers.delete(id as number)) ops.timerStop(id as number);
}

export const clearInterval = clearTimeout;

/** Lets the process exit while this timer is still pending (Deno.unrefTimer); a Timeout object gives its id. */
export function unrefTimer(id: number | { [Symbol.toPrimitive](): number }): void {
  const n = Number(id);
  if (timers.has(n)) ops.timerRef(n, false);
}

export function refTimer(id: number | { [Symbol.toPrimitive](): number }): void {
  const n = Number(id);
  if (timers.has(n)) ops.timerRef(n, true);
}

function onTimer(id: number): void {
  const t = timers.get(id);
  if (t === undefined) return; // cleared after Rust decided it was due
  if (!t.repeat) timers.delete(id);
  try {
    if (t.frame !== currentFrame()) runInFrame(t.frame, t.callback as () => unknown, globalThis, t.args ?? []);
    else if (t.args === undefined) t.callback.call(globalThis);
    else t.callback.apply(globalThis, t.args);
  } catch (e) {
    reportUncaught(e);
  }
}

const resolved = Promise.resolve();

/**
 * HTML's queueMicrotask. V8 only provides the job queue (a bare context has
 * no queueMicrotask global), so a resolved promise's reaction queues the job;
 * an exception in it is an uncaught error, not an unhandled rejection.
 */
export function queueMicrotask(callback: VoidFunction): void {
  if (typeof callback !== "function") {
    throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
  }
  resolved.then(() => {
    try {
      callback();
    } catch (e) {
      reportUncaught(e);
    }
  });
}

export function installTimers(): void {
  ops.setTimerCallback(onTimer);
}
