// process.stdout, process.stderr and process.stdin. Text goes out through
// the same op as console.log (so the two stay in order); bytes that are
// not UTF-8 are written to the descriptor as they are. The streams are
// made lazily, on first use, from node:stream's classes.

import { ops } from "../../core_ops.ts";
import { readCall, runAsync, runSync, writeCall } from "../../nodeio/fs_core.ts";
import { Readable, Writable } from "./stream.ts";
import { Buffer } from "./buffer.ts";

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

type Std = (Writable | Readable) & Record<string, unknown>;

/** A writable standard stream: each write is done before write() returns, as Node's are for files and pipes. */
function makeWritable(fd: 1 | 2): Std {
  const w = new Writable({
    decodeStrings: false,
    write(chunk: unknown, encoding: string, cb: (err?: Error | null) => void) {
      try {
        writeOut(fd, chunk, encoding);
      } catch (e) {
        cb(e as Error);
        return;
      }
      cb();
    },
  }) as Std;
  Object.assign(w, {
    fd,
    _type: "pipe",
    _isStdio: true,
    isTTY: isTTY(fd),
    getColorDepth: () => 1,
    hasColors: () => false,
    getWindowSize: () => [80, 24],
  });
  // Node never closes the standard streams; end() only finishes the stream.
  (w as unknown as { _destroy: Function })._destroy = (err: Error | null, cb: (e: Error | null) => void) => cb(err);
  return w;
}

/** process.stdin: a readable stream over descriptor 0, read on the worker pool. */
function makeStdin(): Std {
  const chunk = new Uint8Array(65536);
  const r = new Readable({
    read(this: Readable) {
      runAsync(readCall(0, chunk, 0, chunk.length, null)).then(
        (n) => this.push(n === 0 ? null : Buffer.from(chunk.subarray(0, n))),
        (e) => this.destroy(e as Error),
      );
    },
  }) as Std;
  Object.assign(r, { fd: 0, isTTY: isTTY(0), setRawMode: () => r, isRaw: false });
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
