// node:crypto's randomness: randomBytes, randomFill(Sync), randomInt,
// randomUUID, getRandomValues, all from the OS through the randomFill op.

import { ops as webOps } from "../core_ops.ts";
import { checkCallback, invalidArgType } from "../nodeio/errors.ts";
import { checkNumber, codedError, later, toBuffer } from "./util.ts";

const MAX_BYTES = 2 ** 31 - 1;

function fill(view: Uint8Array): void {
  // The op fills any length; getRandomValues' 64 KiB quota is the web's, not Node's.
  if (view.byteLength > 0) webOps.randomFill(view);
}

export function randomBytes(size: number, callback?: (err: Error | null, buf: Uint8Array) => void): Uint8Array | undefined {
  checkNumber(size, "size", 0, MAX_BYTES);
  if (callback !== undefined) checkCallback(callback, "callback");
  const buf = toBuffer(new Uint8Array(size));
  fill(buf);
  if (callback === undefined) return buf;
  later(() => callback(null, buf));
  return undefined;
}

function viewOf(buf: unknown): Uint8Array {
  if (buf instanceof ArrayBuffer) return new Uint8Array(buf);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw invalidArgType("buf", "an instance of ArrayBuffer or ArrayBufferView", buf);
}

export function randomFillSync<T extends ArrayBuffer | ArrayBufferView>(buf: T, offset = 0, size?: number): T {
  const view = viewOf(buf);
  const elem = ArrayBuffer.isView(buf) && "BYTES_PER_ELEMENT" in buf ? (buf as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
  const start = checkNumber(offset, "offset", 0, view.byteLength / elem) * elem;
  const len = size === undefined ? view.byteLength - start : checkNumber(size, "size", 0, (view.byteLength - start) / elem) * elem;
  fill(view.subarray(start, start + len));
  return buf;
}

export function randomFill<T extends ArrayBuffer | ArrayBufferView>(buf: T, ...rest: unknown[]): void {
  const callback = rest.pop() as (err: Error | null, buf: T) => void;
  checkCallback(callback, "callback");
  randomFillSync(buf, rest[0] as number | undefined, rest[1] as number | undefined);
  later(() => callback(null, buf));
}

/** A uniform integer in [min, max) (rejection sampling over 48 random bits, as Node). */
export function randomInt(min: number, max?: number | ((err: Error | null, n: number) => void), callback?: (err: Error | null, n: number) => void): number | undefined {
  if (typeof max !== "number") {
    callback = max as typeof callback;
    max = min;
    min = 0;
  }
  if (!Number.isSafeInteger(min)) throw invalidArgType("min", "a safe integer", min);
  if (!Number.isSafeInteger(max)) throw invalidArgType("max", "a safe integer", max);
  if (max <= min) {
    throw codedError(new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`), "ERR_OUT_OF_RANGE");
  }
  const range = max - min;
  if (range > 2 ** 48) {
    throw codedError(new RangeError(`The value of "max - min" is out of range. It must be <= 281474976710655. Received ${range}`), "ERR_OUT_OF_RANGE");
  }
  const limit = 2 ** 48 - (2 ** 48 % range);
  const six = new Uint8Array(6);
  let x: number;
  do {
    fill(six);
    x = six.reduce((acc, b) => acc * 256 + b, 0);
  } while (x >= limit);
  const n = min + (x % range);
  if (callback === undefined) return n;
  checkCallback(callback, "callback");
  later(() => callback!(null, n));
  return undefined;
}

// The global crypto (web.ts installs it) rather than an import of
// crypto.ts: node:crypto may be loaded as its own module instance.
export function randomUUID(_options?: { disableEntropyCache?: boolean }): string {
  return globalThis.crypto.randomUUID();
}

export function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
  return globalThis.crypto.getRandomValues(array as ArrayBufferView) as T;
}
