// SubtleCrypto (WebCrypto §14): argument checks as WebIDL and the
// specification order them, then one Rust op per operation
// (runtime/src/ops/crypto/). Every method returns a promise and reports
// every failure by rejecting it with the DOMException (or TypeError) the
// specification names. Fast operations run inline and settle at once;
// slow ones (RSA key generation, PBKDF2 with many iterations, digests of
// large inputs) run on the worker pool and settle on the loop.

import {
  type Algorithm,
  allowedUsages,
  bufferSource,
  copyBytes,
  isBufferSource,
  jwkAlg,
  jwkInNodeOrder,
  normalize,
} from "./crypto_algorithms.ts";
import { domError, native, toDOMException } from "./crypto_errors.ts";
import { CryptoKey, type KeyAlgorithm, type KeyType, type KeyUsage, newCryptoKey } from "./crypto_key.ts";
import { settled, syncOutcome } from "./pool.ts";
import { webOps } from "./web_ops.ts";
import { enumerable, requireArgs, toStringTag } from "./webidl.ts";

const INTERNAL = Symbol("SubtleCrypto");
const USAGES: readonly string[] = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];
const FORMATS: readonly string[] = ["raw", "spki", "pkcs8", "jwk"];

/** Inputs at least this large are digested on the worker pool. */
const POOL_DIGEST_BYTES = 64 * 1024;
/** PBKDF2 costs (iterations × output blocks) from which it runs on the pool. */
const POOL_PBKDF2_COST = 10_000;

type KeyInfo = {
  handle: number;
  kind: "secret" | "rsa" | "ec" | "ed25519" | "x25519";
  type: KeyType;
  length?: number;
  modulusLength?: number;
  publicExponent?: number[];
  namedCurve?: string;
};
export type JsonWebKey = Record<string, unknown>;
type KeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };
type AlgorithmIdentifier = string | { name: string };
type BufferSource = ArrayBuffer | ArrayBufferView;

// ---- helpers ------------------------------------------------------------

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer) as ArrayBuffer;
}

/** Runs a pool-capable op inline or on the pool; its bytes as a promise. */
function job(isAsync: boolean, start: (isAsync: boolean) => unknown): Promise<Uint8Array> {
  if (isAsync) return settled<Uint8Array>(start(true) as number, toDOMException);
  return Promise.resolve(syncOutcome<Uint8Array>(start(false) as boolean, toDOMException));
}

function keyUsages(usages: unknown): KeyUsage[] {
  if (typeof usages !== "object" || usages === null || typeof (usages as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError("keyUsages must be a sequence");
  }
  const out: KeyUsage[] = [];
  for (const u of usages as Iterable<unknown>) {
    const s = String(u);
    if (!USAGES.includes(s)) throw new TypeError(`'${s}' is not a valid KeyUsage`);
    // Node 20 keeps duplicates as given (the oracle); Chrome removes them.
    out.push(s as KeyUsage);
  }
  return out;
}

function checkUsages(name: string, type: KeyType, usages: KeyUsage[]): void {
  const allowed = allowedUsages(name, type);
  for (const u of usages) {
    if (!allowed.includes(u)) throw domError("SyntaxError", `Unsupported key usage for a${type === "private" ? " private" : type === "public" ? " public" : ""} ${name} key`);
  }
}

function requireUsable(key: unknown, name: string, usage: KeyUsage): CryptoKey {
  if (!CryptoKey.isCryptoKey(key)) throw new TypeError("the key must be a CryptoKey");
  if (CryptoKey.algorithmOf(key).name !== name) {
    throw domError("InvalidAccessError", "The requested operation is not valid for the provided key");
  }
  if (!CryptoKey.usagesOf(key).includes(usage)) {
    throw domError("InvalidAccessError", `The requested operation is not valid for the provided key (it lacks the '${usage}' usage)`);
  }
  return key;
}

function keyHash(key: CryptoKey): string {
  return ((CryptoKey.algorithmOf(key).hash as { name: string } | undefined)?.name) ?? "";
}

function makeKey(info: KeyInfo, extractable: boolean, algorithm: KeyAlgorithm, usages: KeyUsage[]): CryptoKey {
  return newCryptoKey(info.handle, info.type, extractable, algorithm, usages);
}

function importInfo(format: string, data: Uint8Array | string, kind = "", curve = ""): KeyInfo {
  return JSON.parse(native(() => webOps.cryptoImportKey(format, data, kind, curve))) as KeyInfo;
}

function freeOnError<T>(info: KeyInfo, f: () => T): T {
  try {
    return f();
  } catch (e) {
    webOps.cryptoKeyFree(info.handle);
    throw e;
  }
}

/** The key algorithm a key of `alg` shows, from the normalised algorithm and its material. */
function keyAlgorithm(alg: Algorithm, info: KeyInfo): KeyAlgorithm {
  switch (alg.name) {
    case "HMAC":
      return { name: alg.name, length: alg.length ?? info.length, hash: { name: alg.hash } };
    case "AES-CTR":
    case "AES-CBC":
    case "AES-GCM":
    case "AES-KW":
      return { name: alg.name, length: info.length };
    case "RSASSA-PKCS1-v1_5":
    case "RSA-PSS":
    case "RSA-OAEP":
      return {
        name: alg.name,
        modulusLength: info.modulusLength,
        publicExponent: new Uint8Array(info.publicExponent ?? []),
        hash: { name: alg.hash },
      };
    case "ECDSA":
    case "ECDH":
      return { name: alg.name, namedCurve: info.namedCurve };
  }
  return { name: alg.name };
}

const KIND_OF: Record<string, string> = {
  "RSASSA-PKCS1-v1_5": "rsa",
  "RSA-PSS": "rsa",
  "RSA-OAEP": "rsa",
  ECDSA: "ec",
  ECDH: "ec",
  Ed25519: "ed25519",
  X25519: "x25519",
};

// ---- importKey ----------------------------------------------------------

function checkJwkCommon(jwk: JsonWebKey, alg: Algorithm, extractable: boolean, usages: KeyUsage[], expectedAlg: string | undefined): void {
  if (usages.length > 0 && jwk.use !== undefined) {
    const want = alg.name === "HMAC" || ["RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA", "Ed25519"].includes(alg.name) ? "sig" : "enc";
    if (jwk.use !== want) throw domError("DataError", `the JWK's "use" is not "${want}"`);
  }
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops)) throw domError("DataError", `the JWK's "key_ops" is not an array`);
    for (const u of usages) {
      if (!jwk.key_ops.includes(u)) throw domError("DataError", `the JWK's "key_ops" does not allow '${u}'`);
    }
  }
  if (jwk.ext === false && extractable) throw domError("DataError", "the JWK is not extractable (ext: false)");
  const legacyEd = expectedAlg === "Ed25519" && jwk.alg === "EdDSA";
  if (jwk.alg !== undefined && expectedAlg !== undefined && jwk.alg !== expectedAlg && !legacyEd) {
    throw domError("DataError", `the JWK's "alg" ${String(jwk.alg)} does not match ${expectedAlg}`);
  }
}

function importKeyNow(format: string, keyData: unknown, alg: Algorithm, extractable: boolean, usages: KeyUsage[]): CryptoKey {
  let jwk: JsonWebKey | undefined;
  let bytes: Uint8Array | undefined;
  if (format === "jwk") {
    if (typeof keyData !== "object" || keyData === null || isBufferSource(keyData)) {
      throw new TypeError("keyData must be a JsonWebKey for the 'jwk' format");
    }
    jwk = keyData as JsonWebKey;
  } else {
    bytes = bufferSource(keyData, "keyData");
  }
  const name = alg.name;
  switch (name) {
    case "HMAC":
    case "AES-CTR":
    case "AES-CBC":
    case "AES-GCM":
    case "AES-KW":
    case "PBKDF2":
    case "HKDF": {
      checkUsages(name, "secret", usages);
      if (name === "PBKDF2" || name === "HKDF") {
        if (format !== "raw") throw domError("NotSupportedError", `${name} keys are imported from raw bytes only`);
        if (extractable) throw domError("SyntaxError", `${name} keys cannot be extractable`);
      } else if (format !== "raw" && format !== "jwk") {
        throw domError("NotSupportedError", `${name} keys cannot be imported from ${format}`);
      }
      if (jwk !== undefined) {
        if (jwk.kty !== "oct") throw domError("DataError", `the JWK's "kty" must be "oct"`);
        if (typeof jwk.k !== "string") throw domError("DataError", `the JWK has no "k"`);
      }
      const info = jwk !== undefined ? importInfo("jwk", JSON.stringify({ kty: "oct", k: jwk.k })) : importInfo("raw", bytes!, "secret");
      return freeOnError(info, () => {
        const bits = info.length ?? 0;
        if (name === "HMAC") {
          if (bits === 0) throw domError("DataError", "an HMAC key must not be empty");
          if (alg.length !== undefined && alg.length !== null && (alg.length > bits || alg.length <= bits - 8)) {
            throw domError("DataError", "the HMAC key's length does not match its data");
          }
        } else if (name.startsWith("AES-") && bits !== 128 && bits !== 192 && bits !== 256) {
          throw domError("DataError", `AES keys are 128, 192 or 256 bits, not ${bits}`);
        }
        if (jwk !== undefined) checkJwkCommon(jwk, alg, extractable, usages, jwkAlg(name, alg.hash, bits));
        if (usages.length === 0) throw domError("SyntaxError", "Usages cannot be empty when creating a key.");
        return makeKey(info, extractable, keyAlgorithm(alg, info), usages);
      });
    }
  }
  const kind = KIND_OF[name];
  if (format === "raw" && kind === "rsa") throw domError("NotSupportedError", `${name} keys cannot be imported from raw bytes`);
  if (jwk !== undefined) {
    const kty = kind === "rsa" ? "RSA" : kind === "ec" ? "EC" : "OKP";
    if (jwk.kty !== kty) throw domError("DataError", `the JWK's "kty" must be "${kty}"`);
    if (kind === "ed25519" || kind === "x25519") {
      if (jwk.crv !== (kind === "ed25519" ? "Ed25519" : "X25519")) throw domError("DataError", `the JWK's "crv" does not match ${name}`);
    }
    if (kind === "ec" && jwk.crv !== alg.namedCurve) throw domError("DataError", `the JWK's "crv" does not match ${String(alg.namedCurve)}`);
  }
  if (kind === "ec" && !["P-256", "P-384", "P-521"].includes(alg.namedCurve!)) {
    throw domError("NotSupportedError", `Unrecognized namedCurve '${String(alg.namedCurve)}'`);
  }
  const info = jwk !== undefined ? importInfo("jwk", JSON.stringify(jwk)) : importInfo(format, bytes!, kind, alg.namedCurve ?? "");
  return freeOnError(info, () => {
    if (info.kind !== kind) throw domError("DataError", `the key data is not a ${name} key`);
    const wantType = format === "pkcs8" ? "private" : format === "spki" || format === "raw" ? "public" : info.type;
    if (info.type !== wantType) throw domError("DataError", `the key data is not a ${wantType} key`);
    if (kind === "ec" && info.namedCurve !== alg.namedCurve) throw domError("DataError", "the key's curve does not match namedCurve");
    checkUsages(name, info.type, usages);
    if (jwk !== undefined) {
      const expected = jwkAlg(name, alg.hash, undefined, alg.namedCurve);
      checkJwkCommon(jwk, alg, extractable, usages, name === "ECDH" || name === "X25519" ? undefined : expected);
    }
    if (info.type === "private" && usages.length === 0) throw domError("SyntaxError", "Usages cannot be empty when creating a key.");
    return makeKey(info, extractable, keyAlgorithm(alg, info), usages);
  });
}

// ---- exportKey ----------------------------------------------------------


function exportKeyNow(format: string, key: CryptoKey): ArrayBuffer | JsonWebKey {
  if (!key.extractable) throw domError("InvalidAccessError", "key is not extractable");
  const alg = CryptoKey.algorithmOf(key);
  const handle = CryptoKey.handleOf(key);
  const type = key.type;
  const okFormat =
    format === "jwk" ||
    (format === "raw" && (type === "secret" || (type === "public" && !alg.name.startsWith("RSA")))) ||
    (format === "spki" && type === "public") ||
    (format === "pkcs8" && type === "private");
  if (!okFormat) {
    throw domError(
      type === "secret" || alg.name.startsWith("RSA") && format === "raw" ? "NotSupportedError" : "InvalidAccessError",
      `a ${type} ${alg.name} key cannot be exported as ${format}`,
    );
  }
  const out = native(() => webOps.cryptoExportKey(handle, format));
  if (format !== "jwk") return toArrayBuffer(out as Uint8Array);
  // Node's member order: key_ops and ext first, then the key's own, alg last.
  const fields = JSON.parse(out as string) as JsonWebKey;
  const jwk = jwkInNodeOrder(fields, { key_ops: key.usages, ext: key.extractable });
  const jalg = jwkAlg(alg.name, (alg.hash as { name?: string } | undefined)?.name, alg.length as number | undefined, alg.namedCurve as string | undefined);
  // Node leaves "alg" out for ECDSA keys (one key may serve several hashes).
  if (jalg !== undefined && alg.name !== "ECDSA") jwk.alg = jalg;
  return jwk;
}

// ---- generateKey --------------------------------------------------------

async function generateKeyNow(alg: Algorithm, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey | KeyPair> {
  const name = alg.name;
  if (name === "HMAC" || name.startsWith("AES-")) {
    checkUsages(name, "secret", usages);
    let bits: number;
    if (name === "HMAC") {
      bits = alg.length ?? blockBits(alg.hash!);
      if (bits === 0) throw domError("OperationError", "an HMAC key length must not be 0");
    } else {
      bits = alg.length as number;
      if (bits !== 128 && bits !== 192 && bits !== 256) throw domError("OperationError", "AES key lengths are 128, 192 or 256 bits");
    }
    if (usages.length === 0) throw domError("SyntaxError", "Usages cannot be empty when creating a key.");
    const bytes = new Uint8Array(Math.ceil(bits / 8));
    webOps.randomFill(bytes);
    const info = importInfo("raw", bytes, "secret");
    return makeKey(info, extractable, keyAlgorithm({ ...alg, length: name === "HMAC" ? bits : undefined }, info), usages);
  }
  const kind = KIND_OF[name];
  const privateUsages = usages.filter((u) => allowedUsages(name, "private").includes(u));
  const publicUsages = usages.filter((u) => allowedUsages(name, "public").includes(u));
  if (privateUsages.length + publicUsages.length !== usages.length) {
    throw domError("SyntaxError", `Unsupported key usage for a ${name} key`);
  }
  let der: Uint8Array;
  if (kind === "rsa") {
    const bits = alg.modulusLength!;
    const e = alg.publicExponent!;
    if (bits < 256 || bits % 8 !== 0) throw domError("OperationError", `unsupported modulusLength ${bits}`);
    let exp = 0;
    for (const b of e) exp = exp * 256 + b;
    if (exp !== 3 && exp !== 65537) throw domError("OperationError", "the public exponent must be 3 or 65537");
    der = await job(true, (a) => webOps.cryptoGenerateKey(a, "rsa", bits, e, ""));
  } else {
    if (kind === "ec" && !["P-256", "P-384", "P-521"].includes(alg.namedCurve!)) {
      throw domError("NotSupportedError", `Unrecognized namedCurve '${String(alg.namedCurve)}'`);
    }
    der = await job(false, (a) => webOps.cryptoGenerateKey(a, kind, 0, new Uint8Array(0), alg.namedCurve ?? ""));
  }
  if (privateUsages.length === 0) throw domError("SyntaxError", "Usages cannot be empty when creating a key.");
  const priv = importInfo("pkcs8", der);
  const pub = JSON.parse(native(() => webOps.cryptoPublicKey(priv.handle))) as KeyInfo;
  const algorithm = keyAlgorithm(alg, priv);
  return {
    publicKey: makeKey(pub, true, algorithm, publicUsages),
    privateKey: makeKey(priv, extractable, keyAlgorithm(alg, priv), privateUsages),
  };
}

function blockBits(hash: string): number {
  return hash === "SHA-384" || hash === "SHA-512" ? 1024 : 512;
}

// ---- encrypt, decrypt ---------------------------------------------------

function cipherNow(encrypt: boolean, alg: Algorithm, key: CryptoKey, data: Uint8Array): Uint8Array {
  const handle = CryptoKey.handleOf(key);
  switch (alg.name) {
    case "AES-GCM": {
      const tag = alg.tagLength!;
      if (![32, 64, 96, 104, 112, 120, 128].includes(tag)) throw domError("OperationError", `${tag} is not a valid AES-GCM tag length`);
      return native(() => webOps.cryptoCipher(encrypt, "AES-GCM", handle, "", alg.iv!, tag, alg.additionalData ?? new Uint8Array(0), data));
    }
    case "AES-CBC":
      if (alg.iv!.byteLength !== 16) throw domError("OperationError", "AES-CBC's iv must be 16 bytes");
      return native(() => webOps.cryptoCipher(encrypt, "AES-CBC", handle, "", alg.iv!, 1, new Uint8Array(0), data));
    case "AES-CTR":
      if (alg.counter!.byteLength !== 16) throw domError("OperationError", "AES-CTR's counter must be 16 bytes");
      if (alg.length === 0 || (alg.length as number) > 128) throw domError("OperationError", "AES-CTR's length must be 1 to 128");
      return native(() => webOps.cryptoCipher(encrypt, "AES-CTR", handle, "", alg.counter!, alg.length as number, new Uint8Array(0), data));
    case "AES-KW":
      return native(() => webOps.cryptoCipher(encrypt, "AES-KW", handle, "", new Uint8Array(0), 0, new Uint8Array(0), data));
    case "RSA-OAEP": {
      if (key.type !== (encrypt ? "public" : "private")) throw domError("InvalidAccessError", "The requested operation is not valid for the provided key");
      return native(() => webOps.cryptoCipher(encrypt, "RSA-OAEP", handle, keyHash(key), alg.label ?? new Uint8Array(0), 0, new Uint8Array(0), data));
    }
  }
  throw domError("NotSupportedError", `Unrecognized algorithm name: '${alg.name}'`);
}

// ---- sign, verify -------------------------------------------------------

function signParams(alg: Algorithm, key: CryptoKey): [string, number] {
  switch (alg.name) {
    case "ECDSA":
      return [alg.hash!, 0];
    case "RSA-PSS":
      return [keyHash(key), alg.saltLength!];
    case "Ed25519":
      return ["", 0];
  }
  return [keyHash(key), 0];
}

// ---- deriveBits ---------------------------------------------------------

async function deriveBitsNow(alg: Algorithm, key: CryptoKey, length: number | null): Promise<Uint8Array> {
  const handle = CryptoKey.handleOf(key);
  const empty = new Uint8Array(0);
  switch (alg.name) {
    case "PBKDF2":
    case "HKDF": {
      if (length === null || length % 8 !== 0) throw domError("OperationError", `${alg.name} needs a length that is a multiple of 8`);
      if (alg.name === "PBKDF2" && alg.iterations === 0) throw domError("OperationError", "PBKDF2 needs at least one iteration");
      if (length === 0) return new Uint8Array(0);
      const bytes = length / 8;
      if (alg.name === "PBKDF2") {
        const blocks = Math.ceil(bytes / 32);
        const pooled = alg.iterations! * blocks >= POOL_PBKDF2_COST;
        return job(pooled, (a) => webOps.cryptoDeriveBits(a, "PBKDF2", handle, alg.hash!, alg.salt!, alg.iterations!, empty, bytes));
      }
      return job(false, (a) => webOps.cryptoDeriveBits(a, "HKDF", handle, alg.hash!, alg.salt!, 0, alg.info!, bytes));
    }
    case "ECDH":
    case "X25519": {
      const pub = alg.public!;
      if (pub.type !== "public") throw domError("InvalidAccessError", "the 'public' key must be a public key");
      const pubAlg = CryptoKey.algorithmOf(pub);
      if (pubAlg.name !== alg.name) throw domError("InvalidAccessError", "the 'public' key is for another algorithm");
      if (alg.name === "ECDH" && pubAlg.namedCurve !== CryptoKey.algorithmOf(key).namedCurve) {
        throw domError("InvalidAccessError", "the 'public' key is on another curve");
      }
      const secret = await job(false, (a) =>
        webOps.cryptoDeriveBits(a, alg.name, handle, "", empty, CryptoKey.handleOf(pub), empty, 0),
      );
      if (length === null) return secret;
      if (length > secret.byteLength * 8) throw domError("OperationError", `the shared secret has fewer than ${length} bits`);
      const out = secret.slice(0, Math.ceil(length / 8));
      if (length % 8 !== 0) out[out.length - 1] &= 0xff << (8 - (length % 8));
      return out;
    }
  }
  throw domError("NotSupportedError", `Unrecognized algorithm name: '${alg.name}'`);
}

function keyLength(alg: Algorithm): number | null {
  switch (alg.name) {
    case "AES-CTR":
    case "AES-CBC":
    case "AES-GCM":
    case "AES-KW":
      if (![128, 192, 256].includes(alg.length as number)) throw domError("OperationError", "AES key lengths are 128, 192 or 256 bits");
      return alg.length as number;
    case "HMAC":
      if (alg.length === 0) throw domError("TypeError", "an HMAC key length must not be 0");
      return alg.length ?? blockBits(alg.hash!);
  }
  return null;
}

// ---- the interface ------------------------------------------------------

function checkFormat(format: unknown): string {
  const f = String(format);
  if (!FORMATS.includes(f)) throw new TypeError(`'${f}' is not a valid KeyFormat`);
  return f;
}

export class SubtleCrypto {
  constructor(token?: unknown) {
    if (token !== INTERNAL) throw new TypeError("Illegal constructor");
  }

  async digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
    requireArgs(arguments.length, 2, "SubtleCrypto.digest");
    const alg = normalize("digest", algorithm);
    const bytes = bufferSource(data, "data");
    if (bytes.byteLength >= POOL_DIGEST_BYTES) {
      return toArrayBuffer(await settled<Uint8Array>(webOps.cryptoDigestAsync(alg.name, bytes), toDOMException));
    }
    return toArrayBuffer(native(() => webOps.digest(alg.name, bytes)));
  }

  async encrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    requireArgs(arguments.length, 3, "SubtleCrypto.encrypt");
    const alg = normalize("encrypt", algorithm);
    const bytes = bufferSource(data, "data");
    return toArrayBuffer(cipherNow(true, alg, requireUsable(key, alg.name, "encrypt"), bytes));
  }

  async decrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    requireArgs(arguments.length, 3, "SubtleCrypto.decrypt");
    const alg = normalize("decrypt", algorithm);
    const bytes = bufferSource(data, "data");
    return toArrayBuffer(cipherNow(false, alg, requireUsable(key, alg.name, "decrypt"), bytes));
  }

  async sign(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    requireArgs(arguments.length, 3, "SubtleCrypto.sign");
    const alg = normalize("sign", algorithm);
    const bytes = bufferSource(data, "data");
    const k = requireUsable(key, alg.name, "sign");
    const [hash, param] = signParams(alg, k);
    return toArrayBuffer(native(() => webOps.cryptoSign(alg.name, CryptoKey.handleOf(k), hash, param, bytes)));
  }

  async verify(algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
    requireArgs(arguments.length, 4, "SubtleCrypto.verify");
    const alg = normalize("verify", algorithm);
    const sig = bufferSource(signature, "signature");
    const bytes = bufferSource(data, "data");
    const k = requireUsable(key, alg.name, "verify");
    const [hash, param] = signParams(alg, k);
    return native(() => webOps.cryptoVerify(alg.name, CryptoKey.handleOf(k), hash, param, sig, bytes));
  }

  async generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, keyUsagesIn: Iterable<KeyUsage>): Promise<CryptoKey | KeyPair> {
    requireArgs(arguments.length, 3, "SubtleCrypto.generateKey");
    const alg = normalize("generateKey", algorithm);
    return generateKeyNow(alg, Boolean(extractable), keyUsages(keyUsagesIn));
  }

  async importKey(
    format: string,
    keyData: BufferSource | JsonWebKey,
    algorithm: AlgorithmIdentifier,
    extractable: boolean,
    keyUsagesIn: Iterable<KeyUsage>,
  ): Promise<CryptoKey> {
    requireArgs(arguments.length, 5, "SubtleCrypto.importKey");
    const f = checkFormat(format);
    const alg = normalize("importKey", algorithm);
    return importKeyNow(f, keyData, alg, Boolean(extractable), keyUsages(keyUsagesIn));
  }

  async exportKey(format: string, key: CryptoKey): Promise<ArrayBuffer | JsonWebKey> {
    requireArgs(arguments.length, 2, "SubtleCrypto.exportKey");
    const f = checkFormat(format);
    if (!CryptoKey.isCryptoKey(key)) throw new TypeError("the key must be a CryptoKey");
    return exportKeyNow(f, key);
  }

  async deriveBits(algorithm: AlgorithmIdentifier, baseKey: CryptoKey, length: number | null = null): Promise<ArrayBuffer> {
    requireArgs(arguments.length, 2, "SubtleCrypto.deriveBits");
    const alg = normalize("deriveBits", algorithm);
    const len = length === null || length === undefined ? null : Math.trunc(Number(length));
    const k = requireUsable(baseKey, alg.name, "deriveBits");
    return toArrayBuffer(await deriveBitsNow(alg, k, len));
  }

  async deriveKey(
    algorithm: AlgorithmIdentifier,
    baseKey: CryptoKey,
    derivedKeyType: AlgorithmIdentifier,
    extractable: boolean,
    keyUsagesIn: Iterable<KeyUsage>,
  ): Promise<CryptoKey> {
    requireArgs(arguments.length, 5, "SubtleCrypto.deriveKey");
    const alg = normalize("deriveBits", algorithm);
    const importAlg = normalize("importKey", derivedKeyType);
    const length = keyLength(normalize("get key length", derivedKeyType));
    const usages = keyUsages(keyUsagesIn);
    const k = requireUsable(baseKey, alg.name, "deriveKey");
    const secret = await deriveBitsNow(alg, k, length);
    return importKeyNow("raw", secret, importAlg, Boolean(extractable), usages);
  }

  async wrapKey(format: string, key: CryptoKey, wrappingKey: CryptoKey, wrapAlgorithm: AlgorithmIdentifier): Promise<ArrayBuffer> {
    requireArgs(arguments.length, 4, "SubtleCrypto.wrapKey");
    const f = checkFormat(format);
    const alg = normalize("wrapKey", wrapAlgorithm);
    const wk = requireUsable(wrappingKey, alg.name, "wrapKey");
    if (!CryptoKey.isCryptoKey(key)) throw new TypeError("the key must be a CryptoKey");
    const exported = exportKeyNow(f, key);
    let bytes: Uint8Array;
    if (f === "jwk") {
      bytes = new TextEncoder().encode(JSON.stringify(exported));
      // AES-KW wraps whole 8-byte blocks: pad the JSON text with spaces.
      if (alg.name === "AES-KW" && bytes.byteLength % 8 !== 0) {
        const padded = new Uint8Array(Math.ceil(bytes.byteLength / 8) * 8).fill(0x20);
        padded.set(bytes);
        bytes = padded;
      }
    } else {
      bytes = new Uint8Array(exported as ArrayBuffer);
    }
    return toArrayBuffer(cipherNow(true, alg, wk, bytes));
  }

  async unwrapKey(
    format: string,
    wrappedKey: BufferSource,
    unwrappingKey: CryptoKey,
    unwrapAlgorithm: AlgorithmIdentifier,
    unwrappedKeyAlgorithm: AlgorithmIdentifier,
    extractable: boolean,
    keyUsagesIn: Iterable<KeyUsage>,
  ): Promise<CryptoKey> {
    requireArgs(arguments.length, 7, "SubtleCrypto.unwrapKey");
    const f = checkFormat(format);
    const alg = normalize("unwrapKey", unwrapAlgorithm);
    const importAlg = normalize("importKey", unwrappedKeyAlgorithm);
    const usages = keyUsages(keyUsagesIn);
    const wrapped = copyBytes(bufferSource(wrappedKey, "wrappedKey"));
    const uk = requireUsable(unwrappingKey, alg.name, "unwrapKey");
    const bytes = cipherNow(false, alg, uk, wrapped);
    let keyData: unknown = bytes;
    if (f === "jwk") {
      try {
        keyData = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        throw domError("DataError", "the unwrapped data is not a JSON Web Key");
      }
    }
    return importKeyNow(f, keyData, importAlg, Boolean(extractable), usages);
  }

}

enumerable(SubtleCrypto.prototype, [
  "encrypt", "decrypt", "sign", "verify", "digest", "generateKey", "deriveKey", "deriveBits",
  "importKey", "exportKey", "wrapKey", "unwrapKey",
]);
toStringTag(SubtleCrypto.prototype, "SubtleCrypto");

export const subtle = new SubtleCrypto(INTERNAL);
