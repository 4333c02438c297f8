// node:crypto's Hash and Hmac. A Hash is a streaming digest in Rust
// (cryptoHashNew/Update/Digest); an Hmac collects its input and signs it
// once at digest() (one op call for the usual single update).

import { ops as webOps } from "../core_ops.ts";
import { KeyObject, secretBytes } from "./keys.ts";
import { type BinaryLike, bytesOf, call, codedError, output, u8Of } from "./util.ts";

const HASHES = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "rsa-md5", "rsa-sha1", "rsa-sha224", "rsa-sha256", "rsa-sha384", "rsa-sha512"];

export function getHashes(): string[] {
  return [...HASHES];
}

function finalized(): Error {
  return codedError(new Error("Digest already called"), "ERR_CRYPTO_HASH_FINALIZED");
}

function checkAlgorithm(algorithm: unknown): string {
  const name = String(algorithm).toLowerCase();
  if (!HASHES.includes(name)) throw new Error("Digest method not supported");
  return name;
}

export class Hash {
  #handle: number;
  #done = false;

  constructor(algorithm: string, from?: number) {
    if (from === undefined) checkAlgorithm(algorithm);
    this.#handle = call(() => webOps.cryptoHashNew(algorithm, from));
  }

  update(data: BinaryLike, inputEncoding?: string): this {
    if (this.#done) throw finalized();
    webOps.cryptoHashUpdate(this.#handle, bytesOf(data, "data", inputEncoding) as Uint8Array);
    return this;
  }

  digest(encoding?: string): Uint8Array | string {
    if (this.#done) throw finalized();
    this.#done = true;
    return output(webOps.cryptoHashDigest(this.#handle), encoding);
  }

  copy(): Hash {
    if (this.#done) throw finalized();
    return new Hash("", this.#handle);
  }
}

export function createHash(algorithm: string): Hash {
  return new Hash(algorithm);
}

/** crypto.hash(algorithm, data, outputEncoding = "hex") (Node 21.7). */
export function hash(algorithm: string, data: BinaryLike, outputEncoding = "hex"): Uint8Array | string {
  checkAlgorithm(algorithm);
  return output(call(() => webOps.digest(algorithm, bytesOf(data, "data") as Uint8Array)), outputEncoding);
}

export class Hmac {
  #algorithm: string;
  #key: Uint8Array;
  #chunks: (Uint8Array | string)[] = [];
  #done = false;

  constructor(algorithm: string, key: BinaryLike | KeyObject, options?: { encoding?: string }) {
    this.#algorithm = checkAlgorithm(algorithm);
    this.#key = key instanceof KeyObject ? secretBytes(key) : u8Of(key, "key", options?.encoding);
  }

  update(data: BinaryLike, inputEncoding?: string): this {
    if (this.#done) throw codedError(new Error("Digest already called"), "ERR_CRYPTO_HASH_FINALIZED");
    this.#chunks.push(bytesOf(data, "data", inputEncoding));
    return this;
  }

  digest(encoding?: string): Uint8Array | string {
    if (this.#done) return output(new Uint8Array(0), encoding);
    this.#done = true;
    const data = this.#chunks.length === 1 ? this.#chunks[0] : concat(this.#chunks);
    return output(call(() => webOps.cryptoSign("HMAC", this.#key, this.#algorithm, 0, data as Uint8Array)), encoding);
  }
}

export function createHmac(algorithm: string, key: BinaryLike | KeyObject, options?: { encoding?: string }): Hmac {
  return new Hmac(algorithm, key, options);
}

export function concat(parts: (Uint8Array | string)[]): Uint8Array {
  const enc = new TextEncoder();
  const arrays = parts.map((p) => (typeof p === "string" ? enc.encode(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.byteLength;
  }
  return out;
}
