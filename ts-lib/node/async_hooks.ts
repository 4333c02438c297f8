// node:async_hooks: AsyncLocalStorage and AsyncResource. The store follows
// synchronous calls, process.nextTick, setImmediate and the callbacks
// AsyncResource binds; it does not yet follow `await` (that needs V8's
// promise hooks through the engine binding).

let current: Map<AsyncLocalStorage<unknown>, unknown> = new Map();

function runIn<R>(ctx: Map<AsyncLocalStorage<unknown>, unknown>, fn: () => R): R {
  const prev = current;
  current = ctx;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

export class AsyncLocalStorage<T> {
  #enabled = true;
  static bind<F extends (...args: any[]) => any>(fn: F): F {
    return AsyncResource.bind(fn);
  }
  static snapshot(): <R>(fn: (...args: any[]) => R, ...args: any[]) => R {
    const ctx = current;
    return (fn, ...args) => runIn(ctx, () => fn(...args));
  }
  getStore(): T | undefined {
    return this.#enabled ? (current.get(this as AsyncLocalStorage<unknown>) as T | undefined) : undefined;
  }
  run<R>(store: T, fn: (...args: any[]) => R, ...args: any[]): R {
    this.#enabled = true;
    const ctx = new Map(current);
    ctx.set(this as AsyncLocalStorage<unknown>, store);
    return runIn(ctx, () => fn(...args));
  }
  exit<R>(fn: (...args: any[]) => R, ...args: any[]): R {
    const ctx = new Map(current);
    ctx.delete(this as AsyncLocalStorage<unknown>);
    return runIn(ctx, () => fn(...args));
  }
  enterWith(store: T): void {
    this.#enabled = true;
    const ctx = new Map(current);
    ctx.set(this as AsyncLocalStorage<unknown>, store);
    current = ctx;
  }
  disable(): void {
    this.#enabled = false;
    const ctx = new Map(current);
    ctx.delete(this as AsyncLocalStorage<unknown>);
    current = ctx;
  }
}

/** The current context, for the queues (nextTick, immediates) that carry it. */
export function captureContext(): unknown {
  return current;
}
export function runInContext(ctx: unknown, fn: () => void): void {
  runIn(ctx as Map<AsyncLocalStorage<unknown>, unknown>, fn);
}

let nextAsyncId = 1;

export class AsyncResource {
  #type: string;
  #ctx = current;
  #id = ++nextAsyncId;
  constructor(type: string) {
    this.#type = type;
  }
  runInAsyncScope<R>(fn: (...args: any[]) => R, thisArg?: unknown, ...args: any[]): R {
    return runIn(this.#ctx, () => fn.apply(thisArg, args));
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
