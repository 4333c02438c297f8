// node:crypto's key derivation: pbkdf2, scrypt and hkdf, sync inline and
// callback forms on the worker pool (the same Rust functions as
// crypto.subtle's PBKDF2 and HKDF).

import { onSettled, syncOutcome } from "../pool.ts";
import { ops as webOps } from "../core_ops.ts";
import { checkCallback, invalidArgType } from "../nodeio/errors.ts";
import { KeyObject, secretBytes } from "./keys.ts";
import { type BinaryLike, checkNumber, codedError, nodeError, toBuffer, u8Of } from "./util.ts";

type Done = (err: Error | null, key?: Uint8Array) => void;

const DIGESTS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

function digestName(digest: unknown): string {
  if (typeof digest !== "string") throw invalidArgType("digest", "of type string", digest);
  const d = digest.toLowerCase().replace(/^sha-/, "sha");
  if (!DIGESTS.includes(d)) throw codedError(new TypeError(`Invalid digest: ${digest}`), "ERR_CRYPTO_INVALID_DIGEST");
  return d;
}

function run(isAsync: boolean, start: (a: boolean) => unknown, callback: Done | undefined, wrap = toBuffer): Uint8Array | undefined {
  if (!isAsync) return wrap(syncOutcome<Uint8Array>(start(false) as boolean, (v) => nodeError(v)));
  const id = start(true) as number;
  onSettled(id, (failed, v) => (failed ? callback!(nodeError(v) as Error) : callback!(null, wrap(v as Uint8Array))));
  return undefined;
}

function pbkdf2Args(password: unknown, salt: unknown, iterations: unknown, keylen: unknown, digest: unknown) {
  const p = u8Of(password, "password");
  const s = u8Of(salt, "salt");
  const i = checkNumber(iterations, "iterations", 1, 2147483647);
  const k = checkNumber(keylen, "keylen", 0, 2147483647);
  return [p, s, i, k, digestName(digest)] as const;
}

export function pbkdf2Sync(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string): Uint8Array {
  const [p, s, i, k, d] = pbkdf2Args(password, salt, iterations, keylen, digest);
  return run(false, (a) => webOps.cryptoDeriveBits(a, "PBKDF2", p, d, s, i, new Uint8Array(0), k), undefined)!;
}

export function pbkdf2(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string, callback: Done): void {
  const [p, s, i, k, d] = pbkdf2Args(password, salt, iterations, keylen, digest);
  checkCallback(callback, "callback");
  run(true, (a) => webOps.cryptoDeriveBits(a, "PBKDF2", p, d, s, i, new Uint8Array(0), k), callback);
}

interface ScryptOptions {
  N?: number; cost?: number; r?: number; blockSize?: number; p?: number; parallelization?: number; maxmem?: number;
}

function scryptArgs(password: unknown, salt: unknown, keylen: unknown, o: ScryptOptions | undefined) {
  const pw = u8Of(password, "password");
  const s = u8Of(salt, "salt");
  const k = checkNumber(keylen, "keylen", 0, 2147483647);
  const N = o?.N ?? o?.cost ?? 16384;
  const r = o?.r ?? o?.blockSize ?? 8;
  const p = o?.p ?? o?.parallelization ?? 1;
  const maxmem = o?.maxmem ?? 32 * 1024 * 1024;
  if (N < 2 || (N & (N - 1)) !== 0 || 128 * N * r > maxmem) {
    throw codedError(new RangeError("Invalid scrypt params: memory limit exceeded"), "ERR_CRYPTO_INVALID_SCRYPT_PARAMS");
  }
  return [pw, s, N, r, p, k] as const;
}

export function scryptSync(password: BinaryLike, salt: BinaryLike, keylen: number, options?: ScryptOptions): Uint8Array {
  const [pw, s, N, r, p, k] = scryptArgs(password, salt, keylen, options);
  return run(false, (a) => webOps.cryptoScrypt(a, pw, s, N, r, p, k), undefined)!;
}

export function scrypt(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions | Done, callback?: Done): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined as unknown as ScryptOptions;
  }
  const [pw, s, N, r, p, k] = scryptArgs(password, salt, keylen, options as ScryptOptions | undefined);
  checkCallback(callback, "callback");
  run(true, (a) => webOps.cryptoScrypt(a, pw, s, N, r, p, k), callback);
}

function hkdfArgs(digest: unknown, ikm: unknown, salt: unknown, info: unknown, keylen: unknown) {
  const d = digestName(digest);
  const key = ikm instanceof KeyObject ? secretBytes(ikm) : u8Of(ikm, "ikm");
  const s = u8Of(salt, "salt");
  const i = u8Of(info, "info");
  if (i.byteLength > 1024) {
    throw codedError(new RangeError(`The value of "info" is out of range. It must be <= 1024. Received ${i.byteLength}`), "ERR_OUT_OF_RANGE");
  }
  const k = checkNumber(keylen, "length", 0, 2147483647);
  return [d, key, s, i, k] as const;
}

const toArrayBuffer = (u8: Uint8Array): Uint8Array => u8.buffer as unknown as Uint8Array;

export function hkdfSync(digest: string, ikm: BinaryLike | KeyObject, salt: BinaryLike, info: BinaryLike, keylen: number): ArrayBuffer {
  const [d, key, s, i, k] = hkdfArgs(digest, ikm, salt, info, keylen);
  return run(false, (a) => webOps.cryptoDeriveBits(a, "HKDF", key, d, s, 0, i, k), undefined, toArrayBuffer) as unknown as ArrayBuffer;
}

export function hkdf(digest: string, ikm: BinaryLike | KeyObject, salt: BinaryLike, info: BinaryLike, keylen: number, callback: (err: Error | null, key?: ArrayBuffer) => void): void {
  const [d, key, s, i, k] = hkdfArgs(digest, ikm, salt, info, keylen);
  checkCallback(callback, "callback");
  run(true, (a) => webOps.cryptoDeriveBits(a, "HKDF", key, d, s, 0, i, k), callback as unknown as Done, toArrayBuffer);
}
