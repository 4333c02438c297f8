// Algorithm normalisation (WebCrypto §18.4): an AlgorithmIdentifier (a
// name or a dictionary) becomes a dictionary with the canonical name and
// the members the operation needs, read and converted as WebIDL does. An
// unknown name is a NotSupportedError, a missing required member a
// TypeError.

import { CryptoKey } from "./crypto_key.ts";
import { domError } from "./crypto_errors.ts";

export type Operation =
  | "digest" | "sign" | "verify" | "encrypt" | "decrypt" | "generateKey" | "importKey"
  | "deriveBits" | "get key length" | "wrapKey" | "unwrapKey";

const DIGESTS = ["SHA-1", "SHA-256", "SHA-384", "SHA-512"];
const AES = ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"];
const RSA = ["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"];
const EC = ["ECDSA", "ECDH"];

const SUPPORTED: Record<Operation, string[]> = {
  digest: DIGESTS,
  sign: ["RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA", "Ed25519", "HMAC"],
  verify: ["RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA", "Ed25519", "HMAC"],
  encrypt: ["RSA-OAEP", "AES-CTR", "AES-CBC", "AES-GCM"],
  decrypt: ["RSA-OAEP", "AES-CTR", "AES-CBC", "AES-GCM"],
  generateKey: [...RSA, ...EC, "Ed25519", "X25519", "HMAC", ...AES],
  importKey: [...RSA, ...EC, "Ed25519", "X25519", "HMAC", ...AES, "PBKDF2", "HKDF"],
  deriveBits: ["ECDH", "X25519", "HKDF", "PBKDF2"],
  "get key length": [...AES, "HMAC", "HKDF", "PBKDF2"],
  wrapKey: ["RSA-OAEP", "AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"],
  unwrapKey: ["RSA-OAEP", "AES-CTR", "AES-CBC", "AES-GCM", "AES-KW"],
};

const CANONICAL = new Map<string, string>();
for (const names of Object.values(SUPPORTED)) for (const n of names) CANONICAL.set(n.toLowerCase(), n);

/** A normalised algorithm: its canonical name and converted members. */
export interface Algorithm {
  name: string;
  hash?: string;
  saltLength?: number;
  iv?: Uint8Array;
  additionalData?: Uint8Array;
  tagLength?: number;
  counter?: Uint8Array;
  length?: number | null;
  label?: Uint8Array;
  modulusLength?: number;
  publicExponent?: Uint8Array;
  namedCurve?: string;
  public?: CryptoKey;
  salt?: Uint8Array;
  info?: Uint8Array;
  iterations?: number;
}

export function isBufferSource(v: unknown): v is ArrayBuffer | ArrayBufferView {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

/** A copy of a BufferSource's bytes (the spec's "get a copy of the bytes held by"). */
export function copyBytes(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return v instanceof ArrayBuffer
    ? new Uint8Array(v.slice(0))
    : new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

/** A view of a BufferSource's bytes without copying (ops copy them at once). */
export function viewBytes(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export function bufferSource(v: unknown, what: string): Uint8Array {
  if (!isBufferSource(v)) throw new TypeError(`${what} is not an ArrayBuffer or ArrayBufferView`);
  return viewBytes(v);
}

function member(dict: Record<string, unknown>, key: string, alg: string): unknown {
  const v = dict[key];
  if (v === undefined) throw new TypeError(`${alg}: the algorithm's '${key}' member is required`);
  return v;
}

/** WebIDL [EnforceRange] integer conversion of a dictionary member. */
function integer(v: unknown, key: string, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`'${key}' must be a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > max) throw new TypeError(`'${key}' is outside its range (0 to ${max})`);
  return t;
}

function octet(v: unknown, key: string): number {
  return integer(v, key, 255);
}

function unsignedLong(v: unknown, key: string): number {
  return integer(v, key, 4294967295);
}

/** Normalises `alg` for `op`. */
export function normalize(op: Operation, alg: unknown): Algorithm {
  let dict: Record<string, unknown>;
  if (typeof alg === "string") dict = { name: alg };
  else if (typeof alg === "object" && alg !== null) dict = alg as Record<string, unknown>;
  else throw new TypeError("the algorithm must be a string or an object");
  const rawName = dict.name;
  if (rawName === undefined) throw new TypeError("the algorithm has no 'name'");
  const name = CANONICAL.get(String(rawName).toLowerCase());
  if (name === undefined || !SUPPORTED[op].includes(name)) {
    throw domError("NotSupportedError", `Unrecognized algorithm name: '${String(rawName)}'`);
  }
  const out: Algorithm = { name };
  const hash = (): string => normalize("digest", member(dict, "hash", name)).name;
  const bytes = (key: string): Uint8Array => copyBytes(checkedSource(member(dict, key, name), key));
  const optionalBytes = (key: string): Uint8Array | undefined =>
    dict[key] === undefined ? undefined : copyBytes(checkedSource(dict[key], key));
  const kind = op === "wrapKey" ? "encrypt" : op === "unwrapKey" ? "decrypt" : op;
  switch (`${kind}:${name}`) {
    case "sign:RSA-PSS":
    case "verify:RSA-PSS":
      out.saltLength = unsignedLong(member(dict, "saltLength", name), "saltLength");
      break;
    case "sign:ECDSA":
    case "verify:ECDSA":
      out.hash = hash();
      break;
    case "encrypt:AES-GCM":
    case "decrypt:AES-GCM":
      out.iv = bytes("iv");
      out.additionalData = optionalBytes("additionalData");
      out.tagLength = dict.tagLength === undefined ? 128 : octet(dict.tagLength, "tagLength");
      break;
    case "encrypt:AES-CBC":
    case "decrypt:AES-CBC":
      out.iv = bytes("iv");
      break;
    case "encrypt:AES-CTR":
    case "decrypt:AES-CTR":
      out.counter = bytes("counter");
      out.length = octet(member(dict, "length", name), "length");
      break;
    case "encrypt:RSA-OAEP":
    case "decrypt:RSA-OAEP":
      out.label = optionalBytes("label");
      break;
    case "generateKey:RSASSA-PKCS1-v1_5":
    case "generateKey:RSA-PSS":
    case "generateKey:RSA-OAEP": {
      out.modulusLength = unsignedLong(member(dict, "modulusLength", name), "modulusLength");
      const e = member(dict, "publicExponent", name);
      if (!(e instanceof Uint8Array)) throw new TypeError("'publicExponent' must be a Uint8Array");
      out.publicExponent = new Uint8Array(e);
      out.hash = hash();
      break;
    }
    case "importKey:RSASSA-PKCS1-v1_5":
    case "importKey:RSA-PSS":
    case "importKey:RSA-OAEP":
      out.hash = hash();
      break;
    case "generateKey:ECDSA":
    case "generateKey:ECDH":
    case "importKey:ECDSA":
    case "importKey:ECDH":
      out.namedCurve = String(member(dict, "namedCurve", name));
      break;
    case "generateKey:HMAC":
    case "importKey:HMAC":
    case "get key length:HMAC":
      out.hash = hash();
      out.length = dict.length === undefined ? undefined : unsignedLong(dict.length, "length");
      break;
    case "generateKey:AES-CTR":
    case "generateKey:AES-CBC":
    case "generateKey:AES-GCM":
    case "generateKey:AES-KW":
    case "get key length:AES-CTR":
    case "get key length:AES-CBC":
    case "get key length:AES-GCM":
    case "get key length:AES-KW":
      out.length = integer(member(dict, "length", name), "length", 65535);
      break;
    case "deriveBits:ECDH":
    case "deriveBits:X25519": {
      const pub = member(dict, "public", name);
      if (!CryptoKey.isCryptoKey(pub)) throw new TypeError("'public' must be a CryptoKey");
      out.public = pub;
      break;
    }
    case "deriveBits:HKDF":
      out.hash = hash();
      out.salt = bytes("salt");
      out.info = bytes("info");
      break;
    case "deriveBits:PBKDF2":
      out.hash = hash();
      out.salt = bytes("salt");
      out.iterations = unsignedLong(member(dict, "iterations", name), "iterations");
      break;
  }
  return out;
}

function checkedSource(v: unknown, key: string): ArrayBuffer | ArrayBufferView {
  if (!isBufferSource(v)) throw new TypeError(`'${key}' must be an ArrayBuffer or ArrayBufferView`);
  return v;
}

/** The usages each kind of key of an algorithm may have. */
export function allowedUsages(name: string, type: "secret" | "public" | "private"): string[] {
  switch (name) {
    case "HMAC":
      return ["sign", "verify"];
    case "AES-CTR":
    case "AES-CBC":
    case "AES-GCM":
      return ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
    case "AES-KW":
      return ["wrapKey", "unwrapKey"];
    case "PBKDF2":
    case "HKDF":
      return ["deriveKey", "deriveBits"];
    case "RSASSA-PKCS1-v1_5":
    case "RSA-PSS":
    case "ECDSA":
    case "Ed25519":
      return type === "private" ? ["sign"] : ["verify"];
    case "RSA-OAEP":
      return type === "private" ? ["decrypt", "unwrapKey"] : ["encrypt", "wrapKey"];
    case "ECDH":
    case "X25519":
      return type === "private" ? ["deriveKey", "deriveBits"] : [];
  }
  return [];
}

/** The JWK "alg" of a key, where JWA names one. */
export function jwkAlg(name: string, hash: string | undefined, length: number | undefined, curve?: string): string | undefined {
  const bits = (hash ?? "").slice(4);
  switch (name) {
    case "HMAC":
      return `HS${bits}`;
    case "AES-CTR":
    case "AES-CBC":
    case "AES-GCM":
    case "AES-KW":
      return `A${length}${name.slice(4)}`;
    case "RSASSA-PKCS1-v1_5":
      return `RS${bits}`;
    case "RSA-PSS":
      return `PS${bits}`;
    case "RSA-OAEP":
      return hash === "SHA-1" ? "RSA-OAEP" : `RSA-OAEP-${bits}`;
    case "ECDSA":
      return curve === "P-256" ? "ES256" : curve === "P-384" ? "ES384" : curve === "P-521" ? "ES512" : undefined;
    case "Ed25519":
      // Node 20 and the current draft say "Ed25519"; RFC 8037 said "EdDSA"
      // (accepted on import too).
      return "Ed25519";
  }
  return undefined;
}

/** The order Node gives a JWK's own members (after key_ops and ext). */
const JWK_ORDER: Record<string, string[]> = {
  oct: ["kty", "k"],
  RSA: ["kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"],
  EC: ["kty", "x", "y", "crv", "d"],
  OKP: ["crv", "d", "x", "kty"],
};

/** Copies a JWK's members into `out` in Node's order. */
export function jwkInNodeOrder(fields: Record<string, unknown>, out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const name of JWK_ORDER[fields.kty as string] ?? Object.keys(fields)) {
    if (fields[name] !== undefined) out[name] = fields[name];
  }
  return out;
}
