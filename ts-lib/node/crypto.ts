// node:crypto: hashes, HMAC, randomness, key derivation, AES ciphers, key
// objects, signatures and `webcrypto`, on the same Rust key table and
// algorithms as crypto.subtle (runtime/src/ops/crypto/). The pieces live in
// ts-lib/nodecrypto/; this module is their public face.

import { crypto as webcrypto } from "../crypto.ts";
import { CryptoKey } from "../crypto_key.ts";
import { invalidArgType } from "../nodeio/errors.ts";
import { Cipher, Decipher, createCipheriv, createDecipheriv, getCiphers } from "../nodecrypto/cipher.ts";
import { Hash, Hmac, createHash, createHmac, getHashes, hash } from "../nodecrypto/hash.ts";
import { hkdf, hkdfSync, pbkdf2, pbkdf2Sync, scrypt, scryptSync } from "../nodecrypto/kdf.ts";
import {
  KeyObject, createPrivateKey, createPublicKey, createSecretKey, generateKeyPair, generateKeyPairSync, generateKeySync,
} from "../nodecrypto/keys.ts";
import { getRandomValues, randomBytes, randomFill, randomFillSync, randomInt, randomUUID } from "../nodecrypto/random.ts";
import {
  RSA_PKCS1_OAEP_PADDING, RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING, RSA_PSS_SALTLEN_AUTO, RSA_PSS_SALTLEN_DIGEST,
  RSA_PSS_SALTLEN_MAX_SIGN, Sign, Verify, createSign, createVerify, privateDecrypt, publicEncrypt, sign, verify,
} from "../nodecrypto/sign.ts";
import { codedError } from "../nodecrypto/util.ts";

/** Compares two equally long byte strings in time independent of their contents. */
export function timingSafeEqual(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer): boolean {
  const view = (v: unknown, name: string): Uint8Array => {
    if (v instanceof ArrayBuffer) return new Uint8Array(v);
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    throw invalidArgType(name, "an instance of ArrayBuffer, Buffer, TypedArray, or DataView", v);
  };
  const x = view(a, "buf1");
  const y = view(b, "buf2");
  if (x.byteLength !== y.byteLength) {
    throw codedError(new RangeError("Input buffers must have the same byte length"), "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH");
  }
  let diff = 0;
  for (let i = 0; i < x.byteLength; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

export function getCurves(): string[] {
  return ["prime256v1", "secp384r1", "secp521r1"];
}

export function getFips(): 0 {
  return 0;
}

export const subtle = webcrypto.subtle;
export { webcrypto };

export const constants = Object.freeze({
  RSA_PKCS1_PADDING,
  RSA_PKCS1_OAEP_PADDING,
  RSA_PKCS1_PSS_PADDING,
  RSA_PSS_SALTLEN_DIGEST,
  RSA_PSS_SALTLEN_MAX_SIGN,
  RSA_PSS_SALTLEN_AUTO,
});

export {
  Cipher, CryptoKey, Decipher, Hash, Hmac, KeyObject, Sign, Verify,
  createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, createSecretKey,
  createSign, createVerify, generateKeyPair, generateKeyPairSync, generateKeySync, getCiphers, getHashes,
  getRandomValues, hash, hkdf, hkdfSync, pbkdf2, pbkdf2Sync, privateDecrypt, publicEncrypt, randomBytes,
  randomFill, randomFillSync, randomInt, randomUUID, scrypt, scryptSync, sign, verify,
};

export default {
  Cipher, CryptoKey, Decipher, Hash, Hmac, KeyObject, Sign, Verify, constants,
  createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, createSecretKey,
  createSign, createVerify, generateKeyPair, generateKeyPairSync, generateKeySync, getCiphers, getCurves, getFips,
  getHashes, getRandomValues, hash, hkdf, hkdfSync, pbkdf2, pbkdf2Sync, privateDecrypt, publicEncrypt, randomBytes,
  randomFill, randomFillSync, randomInt, randomUUID, scrypt, scryptSync, sign, subtle, timingSafeEqual, verify, webcrypto,
};
