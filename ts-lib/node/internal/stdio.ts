// process.stdout, process.stderr and process.stdin. Text goes out through
// the same op as console.log (so the two stay in order); bytes that are
// not UTF-8 are written to the descriptor as they are. The streams are
// made lazily, on first use, from node:stream's classes.

import { ops } from "../../core_ops.ts";
import { runSync, writeCall } from "../../nodeio/fs_core.ts";
import { EventEmitter } from "./events.ts";

// Made on first use: TextDecoder calls an op, and this module is evaluated
// before the ops exist (while the startup snapshot is made).
let utf8: TextDecoder | undefined;

function writeOut(fd: 1 | 2, chunk: unknown, encoding?: string): void {
  if (typeof chunk === "string") {
    ops.print(fd, chunk);
    return;
  }
  const u8 = chunk as Uint8Array;
  let text: string | undefined;
  try {
    text = (utf8 ??= new TextDecoder("utf-8", { fatal: true })).decode(u8);
  } catch {
    text = undefined;
  }
  if (text !== undefined) ops.print(fd, text);
  else runSync(writeCall(fd, u8));
  void encoding;
}

function isTTY(fd: number): boolean {
  try {
    return ops.osInfo(`isatty:${fd}`) === true;
  } catch {
    return false;
  }
}

interface StdioSet {
  stdout: unknown;
  stderr: unknown;
  stdin: unknown;
}

type Writer = EventEmitter & Record<string, unknown>;

/** A writable standard stream: write() is synchronous, as Node's are for files and pipes. */
function makeWritable(fd: 1 | 2): Writer {
  const w = new (EventEmitter as unknown as new () => Writer)();
  Object.assign(w, {
    fd,
    writable: true,
    isTTY: isTTY(fd),
    writableLength: 0,
    writableHighWaterMark: 16384,
    write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
      if (typeof encoding === "function") {
        cb = encoding;
        encoding = undefined;
      }
      writeOut(fd, chunk, encoding as string | undefined);
      if (typeof cb === "function") queueMicrotask(() => (cb as () => void)());
      return true;
    },
    end(chunk?: unknown, encoding?: unknown, cb?: unknown): Writer {
      if (typeof chunk === "function") cb = chunk;
      else if (chunk !== undefined && chunk !== null) (w.write as Function)(chunk, encoding);
      if (typeof cb === "function") queueMicrotask(() => (cb as () => void)());
      return w;
    },
    cork(): void {},
    uncork(): void {},
    setDefaultEncoding(): Writer {
      return w;
    },
    getColorDepth: () => 1,
    hasColors: () => false,
    getWindowSize: () => [80, 24],
    destroy(): Writer {
      return w;
    },
  });
  return w;
}

/** process.stdin: a readable stream over descriptor 0 (node:stream's Readable, once loaded). */
function makeStdin(): Writer {
  const r = new (EventEmitter as unknown as new () => Writer)();
  Object.assign(r, { fd: 0, isTTY: isTTY(0), readable: true, setRawMode: () => r, pause: () => r, resume: () => r });
  return r;
}

/** Getters on `target` that make each standard stream on first use (and setters that replace it). */
export function makeStdio(target: object): void {
  const made: Record<string, unknown> = {};
  const makers: Record<string, () => unknown> = {
    stdout: () => makeWritable(1),
    stderr: () => makeWritable(2),
    stdin: () => makeStdin(),
  };
  for (const name of Object.keys(makers)) {
    Object.defineProperty(target, name, {
      get: () => (made[name] ??= makers[name]()),
      set: (v: unknown) => {
        made[name] = v;
      },
      configurable: true,
      enumerable: true,
    });
  }
}
