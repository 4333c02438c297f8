// node:crypto's signatures: sign/verify (one-shot, with an optional
// callback) and createSign/createVerify (streaming input) for RSA
// (PKCS#1 v1.5 and PSS), ECDSA (DER or IEEE P1363 signatures) and Ed25519,
// on the same Rust signature code as crypto.subtle.

import { ops as webOps } from "../core_ops.ts";
import { checkCallback, invalidArgValue } from "../nodeio/errors.ts";
import { concat } from "./hash.ts";
import { KeyObject, signingKey } from "./keys.ts";
import { type BinaryLike, bytesOf, call, codedError, later, output, u8Of } from "./util.ts";

export const RSA_PKCS1_PADDING = 1;
export const RSA_PKCS1_OAEP_PADDING = 4;
export const RSA_PKCS1_PSS_PADDING = 6;
export const RSA_PSS_SALTLEN_DIGEST = -1;
export const RSA_PSS_SALTLEN_MAX_SIGN = -2;
export const RSA_PSS_SALTLEN_AUTO = -2;

type KeyArg = { padding?: number; saltLength?: number; dsaEncoding?: string };

const HASH_BYTES: Record<string, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64, md5: 16 };

function hashName(algorithm: string | null | undefined, key: KeyObject): string {
  const kind = key.asymmetricKeyType;
  if (kind === "ed25519") {
    if (algorithm !== null && algorithm !== undefined) {
      throw codedError(new Error("Ed25519 signs messages, not digests: pass null as the algorithm"), "ERR_CRYPTO_INVALID_DIGEST");
    }
    return "";
  }
  if (algorithm === null || algorithm === undefined) return "sha256";
  const h = String(algorithm).toLowerCase().replace(/^rsa-/, "").replace(/^sha-/, "sha");
  if (!(h in HASH_BYTES)) throw codedError(new TypeError(`Invalid digest: ${algorithm}`), "ERR_CRYPTO_INVALID_DIGEST");
  return h;
}

/** The op's algorithm, hash and parameter for a key and Node's options. */
function scheme(algorithm: string | null | undefined, key: KeyObject, opts: KeyArg, signing: boolean): [string, string, number[]] {
  const hash = hashName(algorithm, key);
  switch (key.asymmetricKeyType) {
    case "ed25519":
      return ["Ed25519", "", [0]];
    case "ec": {
      const enc = opts.dsaEncoding ?? "der";
      if (enc !== "der" && enc !== "ieee-p1363") throw invalidArgValue("options.dsaEncoding", enc);
      return ["ECDSA", hash, [enc === "der" ? 1 : 0]];
    }
    case "rsa": {
      const padding = opts.padding ?? RSA_PKCS1_PADDING;
      if (padding === RSA_PKCS1_PADDING) return ["RSASSA-PKCS1-v1_5", hash, [0]];
      if (padding !== RSA_PKCS1_PSS_PADDING) throw invalidArgValue("options.padding", padding);
      const modulusBytes = Math.ceil(((key.asymmetricKeyDetails?.modulusLength as number) ?? 0) / 8);
      const max = modulusBytes - HASH_BYTES[hash] - 2;
      const salt = opts.saltLength ?? (signing ? RSA_PSS_SALTLEN_MAX_SIGN : RSA_PSS_SALTLEN_AUTO);
      if (salt === RSA_PSS_SALTLEN_DIGEST) return ["RSA-PSS", hash, [HASH_BYTES[hash]]];
      if (salt === RSA_PSS_SALTLEN_MAX_SIGN) {
        // Signing: the longest salt; verifying "auto": the salt lengths
        // signers use (the rsa crate checks one exact length).
        return ["RSA-PSS", hash, signing ? [max] : [max, HASH_BYTES[hash], 0]];
      }
      return ["RSA-PSS", hash, [salt]];
    }
  }
  throw codedError(new TypeError(`Invalid key type ${String(key.asymmetricKeyType)} for signing`), "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE");
}

function keyOptions(key: unknown): KeyArg {
  return typeof key === "object" && key !== null && !(key instanceof KeyObject) && !ArrayBuffer.isView(key) ? (key as KeyArg) : {};
}

function signNow(algorithm: string | null | undefined, data: Uint8Array | string, key: unknown): Uint8Array {
  const k = signingKey(key, "private");
  const [alg, hash, [param]] = scheme(algorithm, k, keyOptions(key), true);
  return call(() => webOps.cryptoSign(alg, KeyObject.handleOf(k), hash, param, data as Uint8Array));
}

function verifyNow(algorithm: string | null | undefined, data: Uint8Array | string, key: unknown, signature: Uint8Array): boolean {
  const k = signingKey(key, "public");
  const [alg, hash, params] = scheme(algorithm, k, keyOptions(key), false);
  return params.some((p) => call(() => webOps.cryptoVerify(alg, KeyObject.handleOf(k), hash, p, signature, data as Uint8Array)));
}

export function sign(
  algorithm: string | null | undefined,
  data: BinaryLike,
  key: unknown,
  callback?: (err: Error | null, sig?: Uint8Array) => void,
): Uint8Array | undefined {
  const bytes = bytesOf(data, "data");
  if (callback === undefined) return output(signNow(algorithm, bytes, key)) as Uint8Array;
  checkCallback(callback, "callback");
  let sig: Uint8Array;
  try {
    sig = output(signNow(algorithm, bytes, key)) as Uint8Array;
  } catch (e) {
    later(() => callback(e as Error));
    return undefined;
  }
  later(() => callback(null, sig));
  return undefined;
}

export function verify(
  algorithm: string | null | undefined,
  data: BinaryLike,
  key: unknown,
  signature: BinaryLike,
  callback?: (err: Error | null, ok?: boolean) => void,
): boolean | undefined {
  const ok = verifyNow(algorithm, bytesOf(data, "data"), key, u8Of(signature, "signature"));
  if (callback === undefined) return ok;
  checkCallback(callback, "callback");
  later(() => callback(null, ok));
  return undefined;
}

class Streaming {
  protected algorithm: string;
  protected chunks: (Uint8Array | string)[] = [];

  constructor(algorithm: string) {
    this.algorithm = algorithm;
    // Node checks the digest name when the object is made.
    hashName(algorithm, { asymmetricKeyType: "rsa" } as KeyObject);
  }

  update(data: BinaryLike, inputEncoding?: string): this {
    this.chunks.push(bytesOf(data, "data", inputEncoding));
    return this;
  }

  protected data(): Uint8Array | string {
    return this.chunks.length === 1 ? this.chunks[0] : concat(this.chunks);
  }
}

export class Sign extends Streaming {
  sign(privateKey: unknown, outputEncoding?: string): Uint8Array | string {
    return output(signNow(this.algorithm, this.data(), privateKey), outputEncoding);
  }
}

export class Verify extends Streaming {
  verify(publicKey: unknown, signature: BinaryLike, signatureEncoding?: string): boolean {
    return verifyNow(this.algorithm, this.data(), publicKey, u8Of(signature, "signature", signatureEncoding));
  }
}

export function createSign(algorithm: string): Sign {
  return new Sign(algorithm);
}

export function createVerify(algorithm: string): Verify {
  return new Verify(algorithm);
}

/** RSA-OAEP (Node's default padding for these, with SHA-1 unless oaepHash says). */
function oaep(encrypt: boolean, key: unknown, buffer: BinaryLike): Uint8Array {
  const o = keyOptions(key) as KeyArg & { oaepHash?: string; oaepLabel?: BinaryLike };
  const padding = o.padding ?? RSA_PKCS1_OAEP_PADDING;
  if (padding !== RSA_PKCS1_OAEP_PADDING) throw codedError(new Error("only RSA_PKCS1_OAEP_PADDING is implemented in Howth"), "ERR_NOT_IMPLEMENTED");
  const k = signingKey(key, encrypt ? "public" : "private");
  const label = o.oaepLabel === undefined ? new Uint8Array(0) : u8Of(o.oaepLabel, "oaepLabel");
  return output(call(() => webOps.cryptoCipher(encrypt, "RSA-OAEP", KeyObject.handleOf(k), o.oaepHash ?? "sha1", label, 0, new Uint8Array(0), u8Of(buffer, "buffer")))) as Uint8Array;
}

export function publicEncrypt(key: unknown, buffer: BinaryLike): Uint8Array {
  return oaep(true, key, buffer);
}

export function privateDecrypt(key: unknown, buffer: BinaryLike): Uint8Array {
  return oaep(false, key, buffer);
}
