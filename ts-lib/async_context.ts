// The async context that node:async_hooks' AsyncLocalStorage reads: one
// current frame, a Map from each storage to its store, which every kind of
// deferred callback carries from where it was scheduled to where it runs.
//
// - Callbacks queued by ts-lib (timers, immediates, process.nextTick, the
//   worker pool's callbacks) capture the frame when queued and run inside
//   it (`runInFrame`).
// - Promises (`await`, `then`, queueMicrotask, which is a promise reaction)
//   are followed through V8's promise hooks: `init` stamps a new promise
//   with the current frame, `before`/`after` enter and leave that frame
//   around each reaction. The hooks are installed the first time a frame
//   other than the root is entered (`enableAsyncContext`), so a program
//   that never stores anything makes V8 call no hook at all.
//
// Frames are never changed in place: entering a store makes a new Map, so
// a captured frame stays what it was.

import { ops } from "./core_ops.ts";

export type Frame = Map<object, unknown>;

/** The frame of code that never entered a store. */
export const rootFrame: Frame = new Map();

let current: Frame = rootFrame;

export function currentFrame(): Frame {
  return current;
}

/** Makes `frame` current for the rest of this synchronous run (enterWith). */
export function setFrame(frame: Frame): void {
  if (frame !== rootFrame) enableAsyncContext();
  current = frame;
}

/** Calls fn(...args) with `frame` current, and restores the previous frame. */
export function runInFrame<R>(frame: Frame, fn: (...args: any[]) => R, thisArg: unknown, args: unknown[]): R {
  if (frame === current) return fn.apply(thisArg, args);
  if (frame !== rootFrame) enableAsyncContext();
  const prev = current;
  current = frame;
  try {
    return fn.apply(thisArg, args);
  } finally {
    current = prev;
  }
}

// ---- promises ------------------------------------------------------------

// Where a promise keeps the frame it was made in. A symbol property (not a
// WeakMap) because V8 gives every stamped promise the same hidden class,
// so the hooks' property accesses stay monomorphic.
const kFrame = Symbol("howth.asyncContextFrame");

// The frames the `before` hook replaced, restored by `after`, innermost last.
const saved: Frame[] = [];

function init(promise: any): void {
  if (current !== rootFrame) promise[kFrame] = current;
}

function before(promise: any): void {
  saved.push(current);
  current = promise[kFrame] ?? rootFrame;
}

function after(): void {
  // A reaction that started before the hooks were installed has no
  // `before`: what it left current is its own business.
  if (saved.length > 0) current = saved.pop()!;
}

let enabled = false;

/** Installs the promise hooks (once per isolate). */
export function enableAsyncContext(): void {
  if (enabled) return;
  enabled = true;
  ops.setPromiseHooks(init, before, after, undefined);
}

