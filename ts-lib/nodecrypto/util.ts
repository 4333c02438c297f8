// Shared pieces of node:crypto: argument conversion to bytes, Node's
// errors, and the one place bytes from Rust become Buffers.

import { splitCryptoError } from "../crypto_errors.ts";

export { splitCryptoError as splitError };
import { decode, encode, toBuffer } from "../nodeio/bytes.ts";
import { invalidArgType } from "../nodeio/errors.ts";

export { toBuffer };

export type BinaryLike = string | ArrayBuffer | ArrayBufferView;

const BINARY = "of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView";

/** A string (in `encoding`, utf8 by default) or bytes as bytes; strings stay strings for utf8 (Rust takes their UTF-8). */
export function bytesOf(v: unknown, name: string, encoding?: string): Uint8Array | string {
  if (typeof v === "string") return encode(v, encoding);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw invalidArgType(name, BINARY, v);
}

/** As bytesOf, always bytes. */
export function u8Of(v: unknown, name: string, encoding?: string): Uint8Array {
  const b = bytesOf(v, name, encoding);
  return typeof b === "string" ? new TextEncoder().encode(b) : b;
}

/** Output in Node's shape: a Buffer, or a string in `encoding`. */
export function output(u8: Uint8Array, encoding?: string): Uint8Array | string {
  return encoding === undefined || encoding === "buffer" ? toBuffer(u8) : decode(u8, encoding);
}

export function codedError<E extends Error>(e: E, code: string): E {
  (e as E & { code: string }).code = code;
  return e;
}

/** A crypto op's error as Node shows it: an Error with a code. */
export function nodeError(e: unknown, code = "ERR_CRYPTO_OPERATION_FAILED"): unknown {
  const parts = splitCryptoError(e);
  if (parts === undefined) return e;
  const [name, message] = parts;
  if (name === "NotSupportedError") return codedError(new Error(message), "ERR_CRYPTO_INVALID_DIGEST");
  if (name === "InvalidAccessError") return codedError(new TypeError(message), "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE");
  return codedError(new Error(message), code);
}

/** Runs a crypto op with Node's errors. */
export function call<T>(f: () => T, code?: string): T {
  try {
    return f();
  } catch (e) {
    throw nodeError(e, code);
  }
}

export function checkNumber(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number") throw invalidArgType(name, "of type number", v);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw codedError(
      new RangeError(`The value of "${name}" is out of range. It must be >= ${min} && <= ${max}. Received ${String(v).replace(/\B(?=(\d{3})+(?!\d))/g, "_")}`),
      "ERR_OUT_OF_RANGE",
    );
  }
  return v;
}

/** Runs a callback in a later task, as Node's crypto callbacks are. */
export function later(f: () => void): void {
  setTimeout(f, 0);
}
