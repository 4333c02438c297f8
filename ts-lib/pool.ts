// The JS half of the runtime's worker pool (runtime/src/pool.rs): every
// job that runs off the loop's thread (an async host function, an fs call
// behind a callback or a promise, ...) has an id; when its outcome is in,
// Rust calls `settle(id)` from the loop, once per job, before a microtask
// checkpoint. One queue, one callback, one map from id to what waits.

import { ops } from "./core_ops.ts";
import { currentFrame, runInFrame, type Frame } from "./async_context.ts";

/** Called with the job's outcome: failed says whether value is its error. */
export type Settle = (failed: boolean, value: unknown) => void;

/** What waits for a job: its settle function and the async context it was submitted in. */
const waiting = new Map<number, { settle: Settle; frame: Frame }>();
let installed = false;

/** An outcome as an op returned it: undefined stands for JSON text to fetch. */
export function decodeValue(r: unknown): unknown {
  return r === undefined ? JSON.parse(ops.hostJson()) : r;
}

function settle(id: number): void {
  const w = waiting.get(id);
  if (w === undefined) return;
  waiting.delete(id);
  const failed = ops.poolFailed();
  runInFrame(w.frame, w.settle, undefined, [failed, decodeValue(ops.poolResult())]);
}

/** Calls `settle` when job `id` (just submitted by an op) finishes. */
export function onSettled(id: number, s: Settle): void {
  if (!installed) {
    ops.poolSetCallback(settle);
    installed = true;
  }
  waiting.set(id, { settle: s, frame: currentFrame() });
}

/** The promise of job `id`; a failure becomes `toError(value)`. */
export function settled<T>(id: number, toError: (value: unknown) => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    onSettled(id, (failed, value) => (failed ? reject(toError(value)) : resolve(value as T)));
  });
}

/**
 * The outcome of a synchronous op that reported `failed`: its value, or
 * its error made by `toError` and thrown.
 */
export function syncOutcome<T>(failed: boolean, toError: (value: unknown) => unknown): T {
  const value = decodeValue(ops.poolResult());
  if (failed) throw toError(value);
  return value as T;
}
