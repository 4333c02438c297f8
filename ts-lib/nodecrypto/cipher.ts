// node:crypto's Cipher and Decipher for AES-128/192/256 in GCM, CBC and CTR
// modes, on the same Rust AES as crypto.subtle. CTR and CBC stream: update()
// returns what it can (CTR all of it, CBC whole blocks, a decipher keeping
// the last block back for the padding); GCM holds everything until final(),
// where the tag is made or checked.

import { ops as webOps } from "../core_ops.ts";
import { invalidArgValue } from "../nodeio/errors.ts";
import { concat } from "./hash.ts";
import { KeyObject, secretBytes } from "./keys.ts";
import { type BinaryLike, codedError, output, splitError, u8Of } from "./util.ts";

const CIPHERS: Record<string, [number, string]> = {
  "aes-128-gcm": [16, "AES-GCM"], "aes-192-gcm": [24, "AES-GCM"], "aes-256-gcm": [32, "AES-GCM"],
  "aes-128-cbc": [16, "AES-CBC"], "aes-192-cbc": [24, "AES-CBC"], "aes-256-cbc": [32, "AES-CBC"],
  "aes-128-ctr": [16, "AES-CTR"], "aes-192-ctr": [24, "AES-CTR"], "aes-256-ctr": [32, "AES-CTR"],
  aes128: [16, "AES-CBC"], aes192: [24, "AES-CBC"], aes256: [32, "AES-CBC"],
};

export function getCiphers(): string[] {
  return Object.keys(CIPHERS).sort();
}

const EMPTY = new Uint8Array(0);

/** The counter block `blocks` past `iv` (a 128-bit big-endian add, as OpenSSL's CTR). */
function advance(iv: Uint8Array, blocks: number): Uint8Array {
  const out = new Uint8Array(iv);
  let carry = blocks;
  for (let i = 15; i >= 0 && carry > 0; i--) {
    const sum = out[i] + (carry % 256);
    out[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum > 0xff ? 1 : 0);
  }
  return out;
}

class CipherBase {
  #encrypt: boolean;
  #mode: string;
  #key: Uint8Array;
  #iv: Uint8Array;
  #pending: Uint8Array = EMPTY;
  #done = false;
  #padding = true;
  #aad: Uint8Array = EMPTY;
  #tag: Uint8Array | undefined;
  #tagLength: number;
  /** CTR and GCM: bytes processed so far. */
  #offset = 0;

  constructor(encrypt: boolean, algorithm: string, key: BinaryLike | KeyObject, iv: BinaryLike | null, options?: { authTagLength?: number }) {
    const spec = CIPHERS[String(algorithm).toLowerCase()];
    if (spec === undefined) throw codedError(new TypeError("Invalid cipher type"), "ERR_CRYPTO_UNKNOWN_CIPHER");
    this.#encrypt = encrypt;
    this.#mode = spec[1];
    this.#key = key instanceof KeyObject ? secretBytes(key) : u8Of(key, "key");
    if (this.#key.byteLength !== spec[0]) throw codedError(new RangeError("Invalid key length"), "ERR_CRYPTO_INVALID_KEYLEN");
    this.#iv = iv === null ? EMPTY : new Uint8Array(u8Of(iv, "iv"));
    if (this.#mode === "AES-GCM" ? this.#iv.byteLength === 0 : this.#iv.byteLength !== 16) {
      throw codedError(new TypeError("Invalid initialization vector"), "ERR_CRYPTO_INVALID_IV");
    }
    this.#tagLength = options?.authTagLength ?? 16;
  }

  setAutoPadding(autoPadding = true): this {
    this.#padding = Boolean(autoPadding);
    return this;
  }

  setAAD(buffer: BinaryLike, _options?: unknown): this {
    this.#aad = concat([this.#aad, u8Of(buffer, "buffer")]);
    return this;
  }

  getAuthTag(): Uint8Array {
    if (this.#tag === undefined || !this.#encrypt) {
      throw codedError(new Error("Invalid state for operation getAuthTag"), "ERR_CRYPTO_INVALID_STATE");
    }
    return output(this.#tag) as Uint8Array;
  }

  setAuthTag(tag: BinaryLike): this {
    if (this.#encrypt || this.#done) throw codedError(new Error("Invalid state for operation setAuthTag"), "ERR_CRYPTO_INVALID_STATE");
    this.#tag = new Uint8Array(u8Of(tag, "buffer"));
    return this;
  }

  update(data: BinaryLike, inputEncoding?: string, outputEncoding?: string): Uint8Array | string {
    if (this.#done) throw codedError(new Error("Unsupported state"), "ERR_CRYPTO_INVALID_STATE");
    const input = u8Of(data, "data", inputEncoding);
    return output(this.#update(input), outputEncoding);
  }

  #run(encrypt: boolean, iv: Uint8Array, param: number, data: Uint8Array): Uint8Array {
    try {
      return webOps.cryptoCipher(encrypt, this.#mode, this.#key, "", iv, param, this.#aad, data);
    } catch (e) {
      const parts = splitError(e);
      if (parts !== undefined && this.#mode === "AES-GCM") throw new Error("Unsupported state or unable to authenticate data");
      if (parts !== undefined && this.#mode === "AES-CBC") {
        throw codedError(new Error(this.#padding ? "error:1C800064:Provider routines::bad decrypt" : "error:1C80006B:Provider routines::wrong final block length"), this.#padding ? "ERR_OSSL_BAD_DECRYPT" : "ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH");
      }
      throw e;
    }
  }

  #update(input: Uint8Array): Uint8Array {
    switch (this.#mode) {
      case "AES-CTR": {
        // Start mid-block: pad the front to the block boundary, drop it after.
        const skip = this.#offset % 16;
        const counter = advance(this.#iv, Math.floor(this.#offset / 16));
        const padded = skip === 0 ? input : concat([new Uint8Array(skip), input]);
        this.#offset += input.byteLength;
        return this.#run(true, counter, 128, padded).subarray(skip);
      }
      case "AES-CBC": {
        const all = concat([this.#pending, input]);
        let n = all.byteLength - (all.byteLength % 16);
        // A decipher keeps its last whole block for final() (it holds the padding).
        if (!this.#encrypt && this.#padding && n === all.byteLength) n -= 16;
        if (n <= 0) {
          this.#pending = all;
          return EMPTY;
        }
        const out = this.#run(this.#encrypt, this.#iv, 0, all.subarray(0, n));
        const last = this.#encrypt ? out.subarray(out.byteLength - 16) : all.subarray(n - 16, n);
        this.#iv = new Uint8Array(last);
        this.#pending = all.slice(n);
        return out;
      }
      default: {
        // GCM: everything is kept for the tag at final(). With a 96-bit IV
        // the output streams now, as OpenSSL's does: GCM's keystream is CTR
        // from IV || 2 with a 32-bit counter (NIST SP 800-38D); final()
        // recomputes it with the tag and checks that.
        this.#pending = concat([this.#pending, input]);
        if (this.#iv.byteLength !== 12) return EMPTY;
        const skip = this.#offset % 16;
        const counter = new Uint8Array(16);
        counter.set(this.#iv);
        const block = (2 + Math.floor(this.#offset / 16)) % 2 ** 32;
        new DataView(counter.buffer).setUint32(12, block);
        this.#offset += input.byteLength;
        const padded = skip === 0 ? input : concat([new Uint8Array(skip), input]);
        return webOps.cryptoCipher(true, "AES-CTR", this.#key, "", counter, 32, EMPTY, padded).subarray(skip);
      }
    }
  }

  final(outputEncoding?: string): Uint8Array | string {
    if (this.#done) throw codedError(new Error("Unsupported state"), "ERR_CRYPTO_INVALID_STATE");
    this.#done = true;
    switch (this.#mode) {
      case "AES-CTR":
        return output(EMPTY, outputEncoding);
      case "AES-CBC": {
        const rest = this.#pending;
        if (!this.#padding && rest.byteLength % 16 !== 0) {
          throw codedError(new Error(`error:1C80006B:Provider routines::wrong final block length`), "ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH");
        }
        if (!this.#padding && rest.byteLength === 0) return output(EMPTY, outputEncoding);
        return output(this.#run(this.#encrypt, this.#iv, this.#padding ? 1 : 0, rest), outputEncoding);
      }
    }
    const bits = this.#tagLength * 8;
    const streamed = this.#iv.byteLength === 12;
    if (this.#encrypt) {
      const sealed = this.#run(true, this.#iv, bits, this.#pending);
      this.#tag = sealed.slice(sealed.byteLength - this.#tagLength);
      return output(streamed ? EMPTY : sealed.subarray(0, sealed.byteLength - this.#tagLength), outputEncoding);
    }
    if (this.#tag === undefined) throw new Error("Unsupported state or unable to authenticate data");
    if (![4, 8, 12, 13, 14, 15, 16].includes(this.#tag.byteLength)) {
      throw invalidArgValue("authTagLength", this.#tag.byteLength);
    }
    const opened = this.#run(false, this.#iv, this.#tag.byteLength * 8, concat([this.#pending, this.#tag]));
    return output(streamed ? EMPTY : opened, outputEncoding);
  }
}

export class Cipher extends CipherBase {}
export class Decipher extends CipherBase {}

export function createCipheriv(algorithm: string, key: BinaryLike | KeyObject, iv: BinaryLike | null, options?: { authTagLength?: number }): Cipher {
  return new CipherBase(true, algorithm, key, iv, options) as Cipher;
}

export function createDecipheriv(algorithm: string, key: BinaryLike | KeyObject, iv: BinaryLike | null, options?: { authTagLength?: number }): Decipher {
  return new CipherBase(false, algorithm, key, iv, options) as Decipher;
}
