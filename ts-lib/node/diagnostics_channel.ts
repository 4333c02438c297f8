// node:diagnostics_channel: named channels that publishers send messages
// to and subscribers listen on; tracing channels for start/end/error.

import { invalidArgType } from "./internal/errors.ts";

type Subscriber = (message: unknown, name: string | symbol) => void;

export class Channel {
  readonly name: string | symbol;
  #subscribers: Subscriber[] = [];
  #stores = new Map<{ enterWith(v: unknown): void }, ((m: unknown) => unknown) | undefined>();
  constructor(name: string | symbol) {
    this.name = name;
  }
  get hasSubscribers(): boolean {
    return this.#subscribers.length > 0 || this.#stores.size > 0;
  }
  subscribe(fn: Subscriber): void {
    if (typeof fn !== "function") throw invalidArgType("subscription", "of type function", fn);
    this.#subscribers = [...this.#subscribers, fn];
  }
  unsubscribe(fn: Subscriber): boolean {
    const i = this.#subscribers.indexOf(fn);
    if (i === -1) return false;
    this.#subscribers = [...this.#subscribers.slice(0, i), ...this.#subscribers.slice(i + 1)];
    return true;
  }
  bindStore(store: { enterWith(v: unknown): void }, transform?: (m: unknown) => unknown): void {
    this.#stores.set(store, transform);
  }
  unbindStore(store: { enterWith(v: unknown): void }): boolean {
    return this.#stores.delete(store);
  }
  publish(message: unknown): void {
    for (const fn of this.#subscribers) {
      try {
        fn(message, this.name);
      } catch (e) {
        // A subscriber's error must not break the publisher: report it later.
        const p = (globalThis as { process?: { nextTick(f: () => void): void } }).process;
        p?.nextTick(() => {
          throw e;
        });
      }
    }
  }
  runStores<T>(message: unknown, fn: (...args: unknown[]) => T, thisArg?: unknown, ...args: unknown[]): T {
    for (const [store, transform] of this.#stores) store.enterWith(transform ? transform(message) : message);
    this.publish(message);
    return fn.apply(thisArg, args);
  }
}

const channels = new Map<string | symbol, Channel>();

export function channel(name: string | symbol): Channel {
  if (typeof name !== "string" && typeof name !== "symbol") throw invalidArgType("channel", "of type string or symbol", name);
  let c = channels.get(name);
  if (c === undefined) channels.set(name, (c = new Channel(name)));
  return c;
}

export function hasSubscribers(name: string | symbol): boolean {
  return channels.get(name)?.hasSubscribers ?? false;
}

export function subscribe(name: string | symbol, fn: Subscriber): void {
  channel(name).subscribe(fn);
}

export function unsubscribe(name: string | symbol, fn: Subscriber): boolean {
  return channel(name).unsubscribe(fn);
}

type TracingHandlers = Partial<Record<"start" | "end" | "asyncStart" | "asyncEnd" | "error", Subscriber>>;

export class TracingChannel {
  start: Channel;
  end: Channel;
  asyncStart: Channel;
  asyncEnd: Channel;
  error: Channel;
  constructor(name: string) {
    this.start = channel(`tracing:${name}:start`);
    this.end = channel(`tracing:${name}:end`);
    this.asyncStart = channel(`tracing:${name}:asyncStart`);
    this.asyncEnd = channel(`tracing:${name}:asyncEnd`);
    this.error = channel(`tracing:${name}:error`);
  }
  get hasSubscribers(): boolean {
    return this.start.hasSubscribers || this.end.hasSubscribers || this.asyncStart.hasSubscribers || this.asyncEnd.hasSubscribers || this.error.hasSubscribers;
  }
  subscribe(handlers: TracingHandlers): void {
    for (const k of ["start", "end", "asyncStart", "asyncEnd", "error"] as const) if (handlers[k]) this[k].subscribe(handlers[k]!);
  }
  unsubscribe(handlers: TracingHandlers): boolean {
    let all = true;
    for (const k of ["start", "end", "asyncStart", "asyncEnd", "error"] as const) if (handlers[k] && !this[k].unsubscribe(handlers[k]!)) all = false;
    return all;
  }
  traceSync<T>(fn: (...a: unknown[]) => T, context: Record<string, unknown> = {}, thisArg?: unknown, ...args: unknown[]): T {
    this.start.publish(context);
    try {
      const result = fn.apply(thisArg, args);
      context.result = result;
      return result;
    } catch (err) {
      context.error = err;
      this.error.publish(context);
      throw err;
    } finally {
      this.end.publish(context);
    }
  }
  tracePromise<T>(fn: (...a: unknown[]) => Promise<T>, context: Record<string, unknown> = {}, thisArg?: unknown, ...args: unknown[]): Promise<T> {
    this.start.publish(context);
    try {
      const p = fn.apply(thisArg, args);
      return Promise.resolve(p).then(
        (result) => {
          context.result = result;
          this.asyncStart.publish(context);
          this.asyncEnd.publish(context);
          return result;
        },
        (err) => {
          context.error = err;
          this.error.publish(context);
          this.asyncStart.publish(context);
          this.asyncEnd.publish(context);
          throw err;
        },
      );
    } catch (err) {
      context.error = err;
      this.error.publish(context);
      throw err;
    } finally {
      this.end.publish(context);
    }
  }
  traceCallback(fn: (...a: unknown[]) => unknown, position = -1, context: Record<string, unknown> = {}, thisArg?: unknown, ...args: unknown[]): unknown {
    const cb = args.at(position) as Function;
    const i = position < 0 ? args.length + position : position;
    args[i] = (err: unknown, res: unknown) => {
      if (err) {
        context.error = err;
        this.error.publish(context);
      } else context.result = res;
      this.asyncStart.publish(context);
      try {
        return cb.call(thisArg, err, res);
      } finally {
        this.asyncEnd.publish(context);
      }
    };
    return this.traceSync(fn, context, thisArg, ...args);
  }
}

export function tracingChannel(name: string): TracingChannel {
  return new TracingChannel(name);
}

export default { channel, hasSubscribers, subscribe, unsubscribe, tracingChannel, Channel, TracingChannel };
