// setImmediate / clearImmediate: callbacks queued for the next turn of the
// loop, after the current one's timers, in the order they were queued. One
// zero-delay timer drains the whole queue; immediates queued while it
// drains wait for the next drain, as in Node.

import { setTimeout, clearTimeout, refTimer, unrefTimer } from "../../timers.ts";
import { reportUncaught } from "../../errors.ts";
import { invalidArgType } from "./errors.ts";
import { currentFrame, runInFrame } from "../../async_context.ts";

export class Immediate {
  _onImmediate: Function | null;
  _argv: unknown[] | undefined;
  /** The async context it was queued in (node:async_hooks). */
  _frame = currentFrame();
  #ref = true;
  constructor(fn: Function, args: unknown[] | undefined) {
    this._onImmediate = fn;
    this._argv = args;
  }
  ref(): this {
    this.#ref = true;
    updateRef();
    return this;
  }
  unref(): this {
    this.#ref = false;
    updateRef();
    return this;
  }
  hasRef(): boolean {
    return this.#ref;
  }
}

const dispose = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for("nodejs.dispose");
Object.defineProperty(Immediate.prototype, dispose, {
  value(this: Immediate): void {
    clearImmediate(this);
  },
  configurable: true,
  writable: true,
});

let queue: Immediate[] = [];
let timer: number | undefined;

function updateRef(): void {
  if (timer === undefined) return;
  if (queue.some((i) => i.hasRef())) refTimer(timer);
  else unrefTimer(timer);
}

function drain(): void {
  timer = undefined;
  const run = queue;
  queue = [];
  for (const imm of run) {
    const fn = imm._onImmediate;
    if (fn === null) continue;
    imm._onImmediate = null;
    try {
      runInFrame(imm._frame, fn as () => unknown, undefined, imm._argv ?? []);
    } catch (e) {
      reportUncaught(e);
    }
  }
  if (queue.length > 0) arm();
}

function arm(): void {
  if (timer === undefined) {
    timer = setTimeout(drain, 0);
    updateRef();
  }
}

export function setImmediate(fn: Function, ...args: unknown[]): Immediate {
  if (typeof fn !== "function") throw invalidArgType("callback", "of type function", fn);
  const imm = new Immediate(fn, args.length > 0 ? args : undefined);
  queue.push(imm);
  arm();
  return imm;
}

export function clearImmediate(imm: unknown): void {
  if (!(imm instanceof Immediate) || imm._onImmediate === null) return;
  imm._onImmediate = null;
  const i = queue.indexOf(imm);
  if (i !== -1) queue.splice(i, 1);
  if (queue.length === 0 && timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
}
