// node:timers: setTimeout and setInterval return Node's Timeout objects
// (so do the globals, which are these functions); a Timeout converts to
// its number, so either clear function takes either. The exports are
// Node's, in Node's order (Timeout and Immediate are not among them).

import { Timeout, clearInterval, clearTimeout, setInterval, setTimeout } from "./internal/timeout.ts";
import { clearImmediate, setImmediate } from "./internal/immediate.ts";
import { notImplemented } from "./internal/errors.ts";
import * as promises from "./timers_promises.ts";

/** The legacy `active`/`_unrefActive`: restarts a Timeout (other objects are not timers here). */
export function active(item: unknown): void {
  if (item instanceof Timeout) item.refresh();
  else throw notImplemented("timers.active on an object that is not a Timeout");
}
export const _unrefActive = active;

/** The legacy `unenroll`: stops a Timeout. */
export function unenroll(item: unknown): void {
  clearTimeout(item);
}

export function enroll(): never {
  throw notImplemented("timers.enroll");
}

export { setTimeout, clearTimeout, setImmediate, clearImmediate, setInterval, clearInterval, promises };

export default {
  setTimeout, clearTimeout, setImmediate, clearImmediate, setInterval, clearInterval, _unrefActive, active, unenroll,
  enroll, promises,
};
