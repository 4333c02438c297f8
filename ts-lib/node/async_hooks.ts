// node:async_hooks: AsyncLocalStorage and AsyncResource, on the async
// context of ts-lib/async_context.ts: a store follows synchronous calls,
// `await` and promise reactions (V8's promise hooks), timers, immediates,
// process.nextTick, queueMicrotask, the callbacks of fs, zlib and
// child_process, and the functions AsyncResource binds.

import { currentFrame, runInFrame, setFrame, type Frame } from "../async_context.ts";

export class AsyncLocalStorage<T> {
  #enabled = true;
  static bind<F extends (...args: any[]) => any>(fn: F): F {
    return AsyncResource.bind(fn);
  }
  static snapshot(): <R>(fn: (...args: any[]) => R, ...args: any[]) => R {
    const frame = currentFrame();
    return (fn, ...args) => runInFrame(frame, fn, undefined, args);
  }
  getStore(): T | undefined {
    return this.#enabled ? (currentFrame().get(this) as T | undefined) : undefined;
  }
  run<R>(store: T, fn: (...args: any[]) => R, ...args: any[]): R {
    this.#enabled = true;
    return runInFrame(this.#with(store), fn, undefined, args);
  }
  exit<R>(fn: (...args: any[]) => R, ...args: any[]): R {
    return runInFrame(this.#without(), fn, undefined, args);
  }
  enterWith(store: T): void {
    this.#enabled = true;
    setFrame(this.#with(store));
  }
  disable(): void {
    this.#enabled = false;
    setFrame(this.#without());
  }
  /** The current frame with this storage holding `store` (frames are never changed in place). */
  #with(store: T): Frame {
    const frame = new Map(currentFrame());
    frame.set(this, store);
    return frame;
  }
  #without(): Frame {
    const cur = currentFrame();
    if (!cur.has(this)) return cur;
    const frame = new Map(cur);
    frame.delete(this);
    return frame;
  }
}

let nextAsyncId = 1;

export class AsyncResource {
  #type: string;
  #frame = currentFrame();
  #id = ++nextAsyncId;
  constructor(type: string) {
    this.#type = type;
  }
  runInAsyncScope<R>(fn: (...args: any[]) => R, thisArg?: unknown, ...args: any[]): R {
    return runInFrame(this.#frame, fn, thisArg, args);
  }
  emitDestroy(): this {
    return this;
  }
  /** (Node keeps the type private too; it shows in async hooks only.) */
  get [Symbol.toStringTag](): string {
    return this.#type;
  }
  asyncId(): number {
    return this.#id;
  }
  triggerAsyncId(): number {
    return 1;
  }
  bind<F extends (...args: any[]) => any>(fn: F, thisArg?: unknown): F {
    const self = this;
    return function (this: unknown, ...args: unknown[]) {
      return self.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    } as F;
  }
  static bind<F extends (...args: any[]) => any>(fn: F, type?: string, thisArg?: unknown): F {
    return new AsyncResource(type || "bound-anonymous-fn").bind(fn, thisArg);
  }
}

export function executionAsyncId(): number {
  return 1;
}
export function triggerAsyncId(): number {
  return 0;
}
export function executionAsyncResource(): object {
  return {};
}
export function createHook(): { enable(): unknown; disable(): unknown } {
  const hook = {
    enable() {
      return hook;
    },
    disable() {
      return hook;
    },
  };
  return hook;
}
export const asyncWrapProviders = Object.freeze({});

export default { AsyncLocalStorage, AsyncResource, executionAsyncId, triggerAsyncId, executionAsyncResource, createHook, asyncWrapProviders };
