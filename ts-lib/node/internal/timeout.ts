// Node's Timeout objects for node:timers: the loop's numeric timers
// (ts-lib/timers.ts) wrapped with ref/unref/hasRef/refresh/close. A
// Timeout converts to its id, so clearTimeout and the globals accept it.

import { invalidArgType } from "./errors.ts";

// The loop's timers themselves (one instance per isolate, as every
// built-in), not the globals a user may have replaced.
import {
  setTimeout as setTimeoutId,
  setInterval as setIntervalId,
  clearTimeout as clearId,
  refTimer,
  unrefTimer,
} from "../../timers.ts";

export class Timeout {
  #id: number;
  #ref = true;
  #repeat: boolean;
  _idleTimeout: number;
  _onTimeout: Function;
  _timerArgs: unknown[];
  constructor(callback: Function, delay: number | undefined, args: unknown[], repeat: boolean) {
    if (typeof callback !== "function") throw invalidArgType("callback", "of type function", callback);
    const ms = Number(delay);
    this._idleTimeout = ms >= 1 && ms <= 2147483647 ? ms : 1;
    this._onTimeout = callback;
    this._timerArgs = args;
    this.#repeat = repeat;
    this.#id = this.#start();
  }
  #start(): number {
    const start = this.#repeat ? setIntervalId : setTimeoutId;
    return start(this._onTimeout, this._idleTimeout, ...this._timerArgs);
  }
  ref(): this {
    this.#ref = true;
    refTimer(this.#id);
    return this;
  }
  unref(): this {
    this.#ref = false;
    unrefTimer(this.#id);
    return this;
  }
  hasRef(): boolean {
    return this.#ref;
  }
  refresh(): this {
    clearId(this.#id);
    this.#id = this.#start();
    if (!this.#ref) unrefTimer(this.#id);
    return this;
  }
  close(): this {
    clearId(this.#id);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.#id;
  }
}

export function setTimeout(callback: Function, delay?: number, ...args: unknown[]): Timeout {
  return new Timeout(callback, delay, args, false);
}

export function setInterval(callback: Function, delay?: number, ...args: unknown[]): Timeout {
  return new Timeout(callback, delay, args, true);
}

export function clearTimeout(t: unknown): void {
  if (t instanceof Timeout) t.close();
  else clearId(t);
}

export const clearInterval = clearTimeout;
