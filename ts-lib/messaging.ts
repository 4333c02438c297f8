// MessageChannel, MessagePort, MessageEvent and BroadcastChannel (HTML
// §9.4, §9.5) inside one isolate: a posted message is structured-cloned at
// once (so later changes to the original are not seen) and delivered as a
// task on the loop (a zero-delay timer), never synchronously.
//
// ArrayBuffers in the transfer list are detached once the message is cloned
// (clone.ts). A BroadcastChannel also reaches the channels of the same name
// in the process's other isolates (the workers of --workers): the runtime
// carries the message there (runtime/src/broadcast.rs) and it arrives as a
// task like the others.

import { structuredClone } from "./clone.ts";
import { DOMException, Event, EventTarget } from "./event.ts";
import { setTimeout } from "./timers.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, requireArgs, toStringTag } from "./webidl.ts";

export interface MessageEventInit<T = unknown> extends EventInit {
  data?: T;
  origin?: string;
  lastEventId?: string;
  source?: MessagePort | null;
  ports?: MessagePort[];
}

export class MessageEvent<T = unknown> extends Event {
  #data: T;
  #origin: string;
  #lastEventId: string;
  #source: MessagePort | null;
  #ports: readonly MessagePort[];

  constructor(type: string, init: MessageEventInit<T> = {}) {
    requireArgs(arguments.length, 1, "MessageEvent");
    super(type, init);
    this.#data = init.data as T;
    this.#origin = init.origin === undefined ? "" : String(init.origin);
    this.#lastEventId = init.lastEventId === undefined ? "" : String(init.lastEventId);
    this.#source = init.source ?? null;
    this.#ports = Object.freeze([...(init.ports ?? [])]);
  }

  get data(): T { return this.#data; }
  get origin(): string { return this.#origin; }
  get lastEventId(): string { return this.#lastEventId; }
  get source(): MessagePort | null { return this.#source; }
  get ports(): readonly MessagePort[] { return this.#ports; }

  override get [Symbol.toStringTag](): string { return "MessageEvent"; }
}

const INTERNAL = Symbol("MessagePort");

type Handler = ((this: unknown, ev: MessageEvent) => unknown) | null;

/** Clones a message as postMessage does: the transfer list checked, the value copied. */
function cloneMessage(message: unknown, transfer: unknown): unknown {
  let list: unknown[] = [];
  if (Array.isArray(transfer)) list = transfer;
  else if (typeof transfer === "object" && transfer !== null) list = Array.from(((transfer as { transfer?: Iterable<unknown> }).transfer ?? []));
  return structuredClone(message, { transfer: list.filter((t) => !(t instanceof MessagePort)) });
}

/** Adds the on<name> event handler attribute to a prototype. */
function handlerAttribute(proto: object, name: "message" | "messageerror", onSet?: (self: MessagePort) => void): void {
  const handlers = new WeakMap<object, { fn: Handler; listener: (ev: Event) => void }>();
  Object.defineProperty(proto, `on${name}`, {
    get(this: EventTarget): Handler {
      return handlers.get(this)?.fn ?? null;
    },
    set(this: EventTarget, fn: Handler) {
      const old = handlers.get(this);
      if (old !== undefined) this.removeEventListener(name, old.listener);
      if (typeof fn !== "function") {
        handlers.delete(this);
        return;
      }
      const listener = (ev: Event) => {
        fn.call(this, ev as MessageEvent);
      };
      handlers.set(this, { fn, listener });
      this.addEventListener(name, listener);
      onSet?.(this as unknown as MessagePort);
    },
    enumerable: true,
    configurable: true,
  });
}

export class MessagePort extends EventTarget {
  #entangled: MessagePort | null = null;
  #started = false;
  #closed = false;
  #queue: unknown[] = [];

  constructor(token?: unknown) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    super();
  }

  static entangle(a: MessagePort, b: MessagePort): void {
    a.#entangled = b;
    b.#entangled = a;
  }

  postMessage(message: unknown, transfer: unknown = []): void {
    requireArgs(arguments.length, 1, "MessagePort.postMessage");
    if (Array.isArray(transfer) && transfer.includes(this)) {
      throw new DOMException("Transfer list contains the source port", "DataCloneError");
    }
    const data = cloneMessage(message, transfer);
    const target = this.#entangled;
    if (this.#closed || target === null) return;
    target.#enqueue(data);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    if (this.#queue.length > 0) this.#schedule();
  }

  close(): void {
    this.#closed = true;
    const other = this.#entangled;
    this.#entangled = null;
    this.#queue = [];
    if (other !== null) {
      other.#entangled = null;
    }
  }

  #enqueue(data: unknown): void {
    if (this.#closed) return;
    this.#queue.push(data);
    if (this.#started && this.#queue.length === 1) this.#schedule();
  }

  #schedule(): void {
    setTimeout(() => this.#deliver(), 0);
  }

  #deliver(): void {
    // One message per task, as the port message queue specifies.
    if (this.#closed || this.#queue.length === 0) return;
    const data = this.#queue.shift();
    if (this.#queue.length > 0) this.#schedule();
    this.dispatchEvent(new MessageEvent("message", { data }));
  }

  static startOf(port: MessagePort): void {
    port.start();
  }

  override get [Symbol.toStringTag](): string { return "MessagePort"; }
}

// Setting onmessage starts the port (HTML: "implicitly started").
handlerAttribute(MessagePort.prototype, "message", (port) => MessagePort.startOf(port));
handlerAttribute(MessagePort.prototype, "messageerror");
enumerable(MessagePort.prototype, ["postMessage", "start", "close"]);

export class MessageChannel {
  #port1: MessagePort;
  #port2: MessagePort;

  constructor() {
    this.#port1 = new MessagePort(INTERNAL);
    this.#port2 = new MessagePort(INTERNAL);
    MessagePort.entangle(this.#port1, this.#port2);
  }

  get port1(): MessagePort { return this.#port1; }
  get port2(): MessagePort { return this.#port2; }
}
enumerable(MessageChannel.prototype, ["port1", "port2"]);
toStringTag(MessageChannel.prototype, "MessageChannel");

/** The open BroadcastChannels of this isolate, by name. */
const channels = new Map<string, Set<BroadcastChannel>>();
/** This isolate's id among the process's, once a channel is open. */
let isolateId = 0;
let receiving = false;
/** Gives each open channel of `name` but `except` its own copy, in its own task (set in the class, which owns #receive). */
let deliver: (name: string, data: unknown, except: BroadcastChannel | null, type: "message" | "messageerror") => void;

/** Starts or stops this isolate listening for `name` in other isolates. */
function listen(name: string, on: boolean): void {
  if (!receiving) {
    webOps.broadcastSetCallback(receiveFromOtherIsolate);
    receiving = true;
  }
  isolateId = webOps.broadcastListen(name, on);
}

/** A message another isolate posted: to every open channel of its name here. */
function receiveFromOtherIsolate(): void {
  const name = webOps.broadcastName();
  let data: unknown;
  try {
    data = webOps.broadcastTake();
  } catch {
    deliver(name, undefined, null, "messageerror");
    return;
  }
  deliver(name, data, null, "message");
}

export class BroadcastChannel extends EventTarget {
  #name: string;
  #closed = false;

  constructor(name: string) {
    requireArgs(arguments.length, 1, "BroadcastChannel");
    super();
    this.#name = String(name);
    let set = channels.get(this.#name);
    if (set === undefined) {
      channels.set(this.#name, (set = new Set()));
      listen(this.#name, true);
    }
    set.add(this);
  }

  get name(): string { return this.#name; }

  postMessage(message: unknown): void {
    requireArgs(arguments.length, 1, "BroadcastChannel.postMessage");
    if (this.#closed) throw new DOMException("BroadcastChannel is closed.", "InvalidStateError");
    const data = structuredClone(message);
    deliver(this.#name, data, this, "message");
    webOps.broadcastPost(isolateId, this.#name, data);
  }

  static {
    deliver = (name, data, except, type) => {
      for (const other of channels.get(name) ?? []) {
        if (other === except) continue;
        const copy = type === "message" ? structuredClone(data) : undefined;
        setTimeout(() => other.#receive(type, copy), 0);
      }
    };
  }

  #receive(type: "message" | "messageerror", data: unknown): void {
    if (this.#closed) return;
    this.dispatchEvent(new MessageEvent(type, { data }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const set = channels.get(this.#name);
    set?.delete(this);
    if (set?.size === 0) {
      channels.delete(this.#name);
      listen(this.#name, false);
    }
  }

  override get [Symbol.toStringTag](): string { return "BroadcastChannel"; }
}
handlerAttribute(BroadcastChannel.prototype, "message");
handlerAttribute(BroadcastChannel.prototype, "messageerror");
enumerable(BroadcastChannel.prototype, ["name", "postMessage", "close"]);
