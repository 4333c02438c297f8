// CryptoKey (WebCrypto §14): an opaque key. The key material stays in
// Rust's key table (runtime/src/ops/crypto/table.rs); a CryptoKey holds its
// handle in a private field, and the handle is freed when the CryptoKey is
// collected (FinalizationRegistry), so JS never sees the bytes.

import { webOps } from "./web_ops.ts";
import { enumerable, inspectAs, toStringTag } from "./webidl.ts";

const INTERNAL = Symbol("CryptoKey");

export type KeyType = "secret" | "public" | "private";
export type KeyUsage =
  | "encrypt" | "decrypt" | "sign" | "verify" | "deriveKey" | "deriveBits" | "wrapKey" | "unwrapKey";

/** A key algorithm as CryptoKey.algorithm shows it ({ name, ...details }). */
export type KeyAlgorithm = { name: string } & Record<string, unknown>;

/** Frees a key's Rust half once the last JS object holding its handle is gone. */
export const keyFinalizer = new FinalizationRegistry<number>((handle) => {
  webOps.cryptoKeyFree(handle);
});

export class CryptoKey {
  #type: KeyType;
  #extractable: boolean;
  #algorithm: KeyAlgorithm;
  #usages: KeyUsage[];
  #handle: number;
  // The cached frozen views the getters return (the same object each time).
  #algorithmView: KeyAlgorithm | undefined;
  #usagesView: KeyUsage[] | undefined;

  constructor(
    token: unknown,
    handle: number,
    type: KeyType,
    extractable: boolean,
    algorithm: KeyAlgorithm,
    usages: KeyUsage[],
  ) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#handle = handle;
    this.#type = type;
    this.#extractable = extractable;
    this.#algorithm = algorithm;
    this.#usages = usages;
    keyFinalizer.register(this, handle);
  }

  get type(): KeyType {
    return this.#type;
  }

  get extractable(): boolean {
    return this.#extractable;
  }

  get algorithm(): KeyAlgorithm {
    return (this.#algorithmView ??= cloneAlgorithm(this.#algorithm));
  }

  get usages(): KeyUsage[] {
    return (this.#usagesView ??= [...this.#usages]);
  }

  /** The Rust handle (ts-lib only). */
  static handleOf(key: CryptoKey): number {
    return key.#handle;
  }

  /** The algorithm as the key was made with (ts-lib only; not a copy). */
  static algorithmOf(key: CryptoKey): KeyAlgorithm {
    return key.#algorithm;
  }

  static usagesOf(key: CryptoKey): readonly KeyUsage[] {
    return key.#usages;
  }

  static isCryptoKey(v: unknown): v is CryptoKey {
    return typeof v === "object" && v !== null && #handle in v;
  }
}

function cloneAlgorithm(a: KeyAlgorithm): KeyAlgorithm {
  const out: KeyAlgorithm = { ...a };
  if (a.publicExponent instanceof Uint8Array) out.publicExponent = new Uint8Array(a.publicExponent);
  if (typeof a.hash === "object" && a.hash !== null) out.hash = { ...(a.hash as object) };
  return out;
}

/** Makes a CryptoKey around a handle the caller owns from now on. */
export function newCryptoKey(
  handle: number,
  type: KeyType,
  extractable: boolean,
  algorithm: KeyAlgorithm,
  usages: KeyUsage[],
): CryptoKey {
  return new CryptoKey(INTERNAL, handle, type, extractable, algorithm, usages);
}

enumerable(CryptoKey.prototype, ["type", "extractable", "algorithm", "usages"]);
toStringTag(CryptoKey.prototype, "CryptoKey");
inspectAs<CryptoKey>(CryptoKey.prototype, (k) => ({
  type: k.type,
  extractable: k.extractable,
  algorithm: k.algorithm,
  usages: k.usages,
}));
