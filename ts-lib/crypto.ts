// crypto (WebCrypto §10): getRandomValues, randomUUID and subtle.digest.
// Randomness comes from the OS and digests from RustCrypto, through ops.
// Other SubtleCrypto methods reject with NotSupportedError rather than
// being absent, so feature checks like `crypto.subtle.sign` still see them.

import { DOMException } from "./event.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, ownMembers, requireArgs, toStringTag } from "./webidl.ts";

const INTERNAL = Symbol("internal");

type IntegerArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

const INTEGER_ARRAYS: Function[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  BigInt64Array, BigUint64Array,
];

/** Digest names as WebCrypto normalises them (case-insensitive). */
const DIGESTS: Record<string, string> = {
  "sha-1": "SHA-1",
  "sha-256": "SHA-256",
  "sha-384": "SHA-384",
  "sha-512": "SHA-512",
};

function normalizeDigest(algorithm: unknown): string {
  let name: unknown = algorithm;
  if (typeof algorithm === "object" && algorithm !== null) {
    name = (algorithm as { name?: unknown }).name;
    if (name === undefined) throw new TypeError("digest: the algorithm has no 'name'");
  }
  const norm = DIGESTS[String(name).toLowerCase()];
  if (norm === undefined) {
    throw new DOMException(`Unrecognized algorithm name: '${String(name)}'`, "NotSupportedError");
  }
  return norm;
}

function isBufferSource(v: unknown): v is ArrayBuffer | ArrayBufferView {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

export class SubtleCrypto {
  constructor(token?: unknown) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
  }

  digest(algorithm: string | { name: string }, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> {
    try {
      requireArgs(arguments.length, 2, "SubtleCrypto.digest");
      const alg = normalizeDigest(algorithm);
      if (!isBufferSource(data)) throw new TypeError("digest: data must be an ArrayBuffer or ArrayBufferView");
      // The op copies the bytes now, as the spec's "get a copy of the
      // bytes" does before going async.
      const out = webOps.digest(alg, data);
      return Promise.resolve(out.buffer.byteLength === out.byteLength ? (out.buffer as ArrayBuffer) : (out.slice().buffer as ArrayBuffer));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  get [Symbol.toStringTag](): string {
    return "SubtleCrypto";
  }
}

// Present but unsupported, so code can feature-detect and fail clearly.
for (const name of [
  "encrypt", "decrypt", "sign", "verify", "generateKey", "deriveKey", "deriveBits",
  "importKey", "exportKey", "wrapKey", "unwrapKey",
]) {
  Object.defineProperty(SubtleCrypto.prototype, name, {
    value: function unsupported(): Promise<never> {
      return Promise.reject(new DOMException(`SubtleCrypto.${name} is not supported in Howth`, "NotSupportedError"));
    },
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
enumerable(SubtleCrypto.prototype, ["digest"]);

const subtle = new SubtleCrypto(INTERNAL);

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
