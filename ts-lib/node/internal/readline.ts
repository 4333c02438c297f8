// The readline Interface behind node:readline and node:readline/promises:
// an Interface that reads lines from a readable stream
// (process.stdin or any other) and writes prompts to an optional output
// stream; line events, question(), prompt(), pause/resume, close, and
// `for await (const line of rl)`. Input is always read as Node reads a
// stream that is not a terminal: no line editing, history or key events.
// The cursor helpers write their ANSI sequences as Node's do.

import { EventEmitter } from "./events.ts";
import { StringDecoder } from "../string_decoder.ts";
import { checkCallback, coded, invalidArgType, notImplemented } from "./errors.ts";

type Readable = EventEmitter & {
  pause?(): unknown;
  resume?(): unknown;
  isPaused?(): boolean;
};
type Writable = { write(chunk: string, cb?: (err?: Error | null) => void): boolean };

export interface InterfaceOptions {
  input: Readable;
  output?: Writable | null;
  prompt?: string;
  terminal?: boolean;
  crlfDelay?: number;
  historySize?: number;
  signal?: AbortSignal;
  completer?: unknown;
}

const kQuestion = Symbol("question");

/** A line ending: \r\n, \n, or a \r not followed by \n. */
const lineEnding = /\r?\n|\r(?!\n)/g;

export class Interface extends EventEmitter {
  input: Readable;
  output: Writable | null;
  terminal = false;
  line = "";
  cursor = 0;
  history: string[] = [];
  crlfDelay: number;
  closed = false;
  #prompt: string;
  #decoder = new StringDecoder("utf8");
  #buffered = "";
  #sawReturnAt = 0;
  #paused = false;
  [kQuestion]: ((answer: string) => void) | undefined;
  #onData: (chunk: unknown) => void;
  #onEnd: () => void;

  constructor(input: Readable | InterfaceOptions, output?: Writable | null, _completer?: unknown, terminal?: boolean) {
    super();
    // Node's test: an object with an `input` is the options object.
    const opts: InterfaceOptions = (input as InterfaceOptions)?.input
      ? (input as InterfaceOptions)
      : { input: input as Readable, output, terminal };
    if (opts.terminal) throw notImplemented("readline with terminal: true (line editing)");
    this.input = opts.input;
    this.output = opts.output ?? null;
    this.#prompt = opts.prompt === undefined ? "> " : String(opts.prompt);
    this.crlfDelay = opts.crlfDelay === undefined ? 100 : Math.max(100, Number(opts.crlfDelay));
    this.#onData = (chunk) => this.#data(chunk);
    this.#onEnd = () => this.#end();
    this.input.on("data", this.#onData);
    this.input.on("end", this.#onEnd);
    if (opts.signal) {
      if (opts.signal.aborted) queueMicrotask(() => this.close());
      else opts.signal.addEventListener("abort", () => this.close(), { once: true });
    }
    this.input.resume?.();
  }

  #data(chunk: unknown): void {
    const text = typeof chunk === "string" ? chunk : this.#decoder.write(chunk as Uint8Array);
    if (text === "") return;
    let s = text;
    // A \r ended the last chunk: a \n starting this one (soon enough) belongs to it.
    if (this.#sawReturnAt && s[0] === "\n" && Date.now() - this.#sawReturnAt <= this.crlfDelay) s = s.slice(1);
    this.#sawReturnAt = s.endsWith("\r") ? Date.now() : 0;
    lineEnding.lastIndex = 0;
    let last = 0;
    let m: RegExpExecArray | null;
    const lines: string[] = [];
    while ((m = lineEnding.exec(s)) !== null) {
      lines.push(this.#buffered + s.slice(last, m.index));
      this.#buffered = "";
      last = m.index + m[0].length;
    }
    this.#buffered += s.slice(last);
    for (const line of lines) {
      if (this.closed) return;
      this.#online(line);
    }
  }

  #end(): void {
    const rest = this.#buffered + this.#decoder.end();
    this.#buffered = "";
    if (rest.length > 0 && !this.closed) this.#online(rest);
    this.close();
  }

  #online(line: string): void {
    const answer = this[kQuestion];
    if (answer !== undefined) {
      this[kQuestion] = undefined;
      answer(line);
      return;
    }
    this.emit("line", line);
  }

  #write(s: string): void {
    if (this.closed) throw coded(new Error("readline was closed"), "ERR_USE_AFTER_CLOSE");
    this.output?.write(s);
  }

  getPrompt(): string {
    return this.#prompt;
  }

  setPrompt(prompt: string): void {
    this.#prompt = String(prompt);
  }

  prompt(_preserveCursor?: boolean): void {
    if (this.#paused) this.resume();
    this.#write(this.#prompt);
  }

  question(query: string, options?: unknown, cb?: (answer: string) => void): void {
    const callback = typeof options === "function" ? (options as (answer: string) => void) : cb;
    checkCallback(callback, "callback");
    const signal = typeof options === "object" && options !== null ? (options as { signal?: AbortSignal }).signal : undefined;
    if (this.closed) throw coded(new Error("readline was closed"), "ERR_USE_AFTER_CLOSE");
    if (signal?.aborted) return;
    if (this[kQuestion] !== undefined) {
      this.prompt();
      return;
    }
    this[kQuestion] = callback;
    signal?.addEventListener("abort", () => {
      this[kQuestion] = undefined;
    }, { once: true });
    if (this.#paused) this.resume();
    this.#write(String(query));
  }

  write(data: unknown): void {
    if (this.closed) throw coded(new Error("readline was closed"), "ERR_USE_AFTER_CLOSE");
    if (typeof data === "string" && data !== "") this.#data(data);
  }

  pause(): this {
    if (this.#paused || this.closed) return this;
    this.input.pause?.();
    this.#paused = true;
    this.emit("pause");
    return this;
  }

  resume(): this {
    if (!this.#paused || this.closed) return this;
    this.input.resume?.();
    this.#paused = false;
    this.emit("resume");
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.pause();
    this.input.removeListener("data", this.#onData);
    this.input.removeListener("end", this.#onEnd);
    this.closed = true;
    this.emit("close");
  }

  getCursorPos(): { rows: number; cols: number } {
    return { rows: 0, cols: this.cursor };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<string> {
    // Lines from now on, queued until read; closing ends the iteration.
    const queue: string[] = [];
    const waiting: ((r: IteratorResult<string>) => void)[] = [];
    let done = this.closed;
    const onLine = (line: string) => {
      const w = waiting.shift();
      if (w) w({ value: line, done: false });
      else queue.push(line);
    };
    const onClose = () => {
      done = true;
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
    };
    this.on("line", onLine);
    this.once("close", onClose);
    const stop = () => {
      this.off("line", onLine);
      this.off("close", onClose);
    };
    const iterator: AsyncIterableIterator<string> = {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift() as string, done: false });
        if (done) {
          stop();
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: () => {
        stop();
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

export function createInterface(
  input: Readable | InterfaceOptions,
  output?: Writable | null,
  completer?: unknown,
  terminal?: boolean,
): Interface {
  return new Interface(input, output, completer, terminal);
}

function writeTo(stream: Writable | null | undefined, text: string, cb?: () => void): boolean {
  if (stream === null || stream === undefined) {
    if (cb) queueMicrotask(cb);
    return true;
  }
  return stream.write(text, cb);
}

/** Moves the cursor to column x (and row y when given), as Node's ANSI sequence. */
export function cursorTo(stream: Writable, x: number, y?: number | (() => void), cb?: () => void): boolean {
  if (typeof y === "function") {
    cb = y;
    y = undefined;
  }
  if (Number.isNaN(x)) throw invalidArgType("x", "of type number", x);
  if (typeof y === "number" && Number.isNaN(y)) throw invalidArgType("y", "of type number", y);
  const seq = typeof y === "number" ? `\x1b[${y + 1};${x + 1}H` : `\x1b[${x + 1}G`;
  return writeTo(stream, seq, cb);
}

/** Moves the cursor by dx columns and dy rows. */
export function moveCursor(stream: Writable, dx: number, dy: number, cb?: () => void): boolean {
  let seq = "";
  if (dx < 0) seq += `\x1b[${-dx}D`;
  else if (dx > 0) seq += `\x1b[${dx}C`;
  if (dy < 0) seq += `\x1b[${-dy}A`;
  else if (dy > 0) seq += `\x1b[${dy}B`;
  if (seq === "") {
    if (cb) queueMicrotask(cb);
    return true;
  }
  return writeTo(stream, seq, cb);
}

/** Clears the line left of the cursor (-1), right of it (1), or whole (0). */
export function clearLine(stream: Writable, dir: number, cb?: () => void): boolean {
  const seq = dir < 0 ? "\x1b[1K" : dir > 0 ? "\x1b[0K" : "\x1b[2K";
  return writeTo(stream, seq, cb);
}

export function clearScreenDown(stream: Writable, cb?: () => void): boolean {
  return writeTo(stream, "\x1b[0J", cb);
}

export function emitKeypressEvents(): never {
  throw notImplemented("readline.emitKeypressEvents");
}

export class Readline {
  constructor() {
    throw notImplemented("readline.Readline");
  }
}

