// crypto (WebCrypto §10): getRandomValues, randomUUID and subtle.
// Randomness comes from the OS through an op; SubtleCrypto is
// crypto_subtle.ts, CryptoKey crypto_key.ts.

import { CryptoKey } from "./crypto_key.ts";
import { SubtleCrypto, subtle } from "./crypto_subtle.ts";
import { DOMException } from "./event.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, ownMembers, requireArgs, toStringTag } from "./webidl.ts";

export { CryptoKey, SubtleCrypto };

const INTERNAL = Symbol("internal");

type IntegerArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

const INTEGER_ARRAYS: Function[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  BigInt64Array, BigUint64Array,
];

export class Crypto {
  constructor(token?: unknown) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
  }

  get subtle(): SubtleCrypto {
    return subtle;
  }

  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    requireArgs(arguments.length, 1, "Crypto.getRandomValues");
    // Not a view at all is WebIDL's TypeError; a float or DataView is
    // WebCrypto's TypeMismatchError (what browsers, Deno and Node throw).
    if (!ArrayBuffer.isView(array)) {
      throw new TypeError("Crypto.getRandomValues: the argument must be an integer-typed array");
    }
    if (!INTEGER_ARRAYS.some((C) => array instanceof C)) {
      throw new DOMException(
        "Crypto.getRandomValues: the argument must be an integer-typed array",
        "TypeMismatchError",
      );
    }
    const view = array as IntegerArray;
    if (view.byteLength > 65536) {
      throw new DOMException(
        `Crypto.getRandomValues: ArrayBufferView's byte length (${view.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
        "QuotaExceededError",
      );
    }
    if (view.byteLength > 0) webOps.randomFill(view);
    return array;
  }

  randomUUID(): `${string}-${string}-${string}-${string}-${string}` {
    return webOps.randomUUID() as `${string}-${string}-${string}-${string}-${string}`;
  }
}

enumerable(Crypto.prototype, ownMembers(Crypto.prototype));
toStringTag(Crypto.prototype, "Crypto");

export const crypto = new Crypto(INTERNAL);
