// node:crypto's KeyObject on the same Rust key table as CryptoKey: a
// KeyObject holds a handle (freed by the same FinalizationRegistry), and
// createPublicKey/createPrivateKey/createSecretKey, generateKeyPair(Sync)
// and KeyObject.export read and write PEM, DER and JWK through the ops.

import { jwkInNodeOrder } from "../crypto_algorithms.ts";
import { CryptoKey, keyFinalizer } from "../crypto_key.ts";
import { onSettled, syncOutcome } from "../pool.ts";
import { ops as webOps } from "../core_ops.ts";
import { checkCallback, invalidArgType, invalidArgValue } from "../nodeio/errors.ts";
import { call, codedError, nodeError, toBuffer, u8Of } from "./util.ts";

type KeyInfo = {
  handle: number;
  kind: "secret" | "rsa" | "ec" | "ed25519" | "x25519";
  type: "secret" | "public" | "private";
  length?: number;
  modulusLength?: number;
  publicExponent?: number[];
  namedCurve?: string;
};

const INTERNAL = Symbol("KeyObject");
const CURVE_NODE_NAMES: Record<string, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" };

export class KeyObject {
  #info: KeyInfo;
  #public: KeyObject | undefined;

  constructor(token: unknown, info: KeyInfo) {
    if (token !== INTERNAL) {
      throw codedError(new TypeError("Illegal constructor"), "ERR_ILLEGAL_CONSTRUCTOR");
    }
    this.#info = info;
    keyFinalizer.register(this, info.handle);
  }

  static from(key: CryptoKey): KeyObject {
    if (!CryptoKey.isCryptoKey(key)) throw invalidArgType("key", "an instance of CryptoKey", key);
    const h = CryptoKey.handleOf(key);
    const format = key.type === "secret" ? "raw" : key.type === "public" ? "spki" : "pkcs8";
    const data = webOps.cryptoExportKey(h, format) as Uint8Array;
    return fromInfo(importKey(format, data, key.type === "secret" ? "secret" : ""));
  }

  get type(): "secret" | "public" | "private" {
    return this.#info.type;
  }

  get asymmetricKeyType(): string | undefined {
    return this.#info.kind === "secret" ? undefined : this.#info.kind;
  }

  get asymmetricKeyDetails(): Record<string, unknown> | undefined {
    const i = this.#info;
    if (i.kind === "rsa") {
      const e = (i.publicExponent ?? []).reduce((acc, b) => acc * 256n + BigInt(b), 0n);
      return { modulusLength: i.modulusLength, publicExponent: e };
    }
    if (i.kind === "ec") return { namedCurve: CURVE_NODE_NAMES[i.namedCurve ?? ""] };
    if (i.kind === "secret") return undefined;
    return {};
  }

  get symmetricKeySize(): number | undefined {
    return this.#info.kind === "secret" ? (this.#info.length ?? 0) / 8 : undefined;
  }

  /** The Rust handle (ts-lib only). */
  static handleOf(k: KeyObject): number {
    return k.#info.handle;
  }

  /** The public KeyObject of a private one, made once (ts-lib only). */
  static publicOf(k: KeyObject): KeyObject {
    if (k.#info.type !== "private") return k;
    return (k.#public ??= fromInfo(JSON.parse(call(() => webOps.cryptoPublicKey(k.#info.handle))) as KeyInfo));
  }

  export(options?: { format?: string; type?: string; cipher?: string; passphrase?: unknown }): Uint8Array | string | Record<string, unknown> {
    const i = this.#info;
    if (i.type === "secret") {
      if (options?.format === "jwk") return jwkInNodeOrder(JSON.parse(webOps.cryptoExportKey(i.handle, "jwk") as string));
      return toBuffer(webOps.cryptoExportKey(i.handle, "raw") as Uint8Array);
    }
    if (options === undefined || typeof options !== "object") throw invalidArgType("options", "of type object", options);
    const format = options.format ?? "pem";
    if (format === "jwk") return jwkInNodeOrder(JSON.parse(call(() => webOps.cryptoExportKey(i.handle, "jwk")) as string));
    if (options.cipher !== undefined) throw codedError(new Error("encrypted private keys are not implemented in Howth"), "ERR_NOT_IMPLEMENTED");
    const type = options.type;
    const allowed = i.type === "public" ? ["spki", "pkcs1"] : ["pkcs8", "pkcs1", "sec1"];
    if (type === undefined || !allowed.includes(type)) {
      throw invalidArgValue("options.type", type);
    }
    if ((type === "pkcs1" && i.kind !== "rsa") || (type === "sec1" && i.kind !== "ec")) {
      throw codedError(new Error(`The selected key encoding ${type} can only be used for ${type === "pkcs1" ? "RSA" : "EC"} keys.`), "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS");
    }
    const der = call(() => webOps.cryptoExportKey(i.handle, type)) as Uint8Array;
    if (format === "der") return toBuffer(der);
    if (format !== "pem") throw invalidArgValue("options.format", format);
    return pem(pemLabel(i, type), der);
  }

  equals(other: KeyObject): boolean {
    if (!(other instanceof KeyObject)) throw invalidArgType("otherKeyObject", "an instance of KeyObject", other);
    if (other.#info.type !== this.#info.type || other.#info.kind !== this.#info.kind) return false;
    const format = this.#info.type === "secret" ? "raw" : this.#info.type === "public" ? "spki" : "pkcs8";
    const a = webOps.cryptoExportKey(this.#info.handle, format) as Uint8Array;
    const b = webOps.cryptoExportKey(other.#info.handle, format) as Uint8Array;
    return a.byteLength === b.byteLength && a.every((x, j) => x === b[j]);
  }

  get [Symbol.toStringTag](): string {
    return "KeyObject";
  }
}

function pemLabel(i: KeyInfo, type: string): string {
  switch (type) {
    case "spki":
      return "PUBLIC KEY";
    case "pkcs8":
      return "PRIVATE KEY";
    case "pkcs1":
      return i.type === "public" ? "RSA PUBLIC KEY" : "RSA PRIVATE KEY";
    default:
      return "EC PRIVATE KEY";
  }
}

function pem(label: string, der: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < der.length; i += 8192) bin += String.fromCharCode(...der.subarray(i, i + 8192));
  const b64 = btoa(bin).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function fromInfo(info: KeyInfo): KeyObject {
  return new KeyObject(INTERNAL, info);
}

function importKey(format: string, data: Uint8Array | string, kind = "", curve = ""): KeyInfo {
  try {
    return JSON.parse(webOps.cryptoImportKey(format, data, kind, curve)) as KeyInfo;
  } catch (e) {
    throw nodeError(e, "ERR_OSSL_UNSUPPORTED");
  }
}

/** A secret KeyObject's bytes (ts-lib only). */
export function secretBytes(k: KeyObject): Uint8Array {
  if (k.type !== "secret") throw codedError(new TypeError(`Invalid key object type ${k.type}, expected secret.`), "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE");
  return webOps.cryptoExportKey(KeyObject.handleOf(k), "raw") as Uint8Array;
}

export function createSecretKey(key: unknown, encoding?: string): KeyObject {
  return fromInfo(importKey("raw", u8Of(key, "key", encoding), "secret"));
}

type KeyInput = string | ArrayBufferView | KeyObject | CryptoKey | {
  key: unknown; format?: string; type?: string; encoding?: string; passphrase?: unknown;
};

/** Reads a key argument of createPublicKey / createPrivateKey / sign / verify. */
function readKey(input: unknown, want: "public" | "private"): KeyObject {
  if (input instanceof KeyObject) return input;
  if (CryptoKey.isCryptoKey(input)) return KeyObject.from(input);
  let key: unknown = input;
  let format = "pem";
  let type: string | undefined;
  let encoding: string | undefined;
  if (typeof input === "object" && input !== null && !ArrayBuffer.isView(input) && !(input instanceof ArrayBuffer)) {
    const o = input as { key: unknown; format?: string; type?: string; encoding?: string; passphrase?: unknown };
    key = o.key;
    format = o.format ?? "pem";
    type = o.type;
    encoding = o.encoding;
    if (o.passphrase !== undefined) throw codedError(new Error("encrypted private keys are not implemented in Howth"), "ERR_NOT_IMPLEMENTED");
    if (key instanceof KeyObject) return key;
    if (CryptoKey.isCryptoKey(key)) return KeyObject.from(key);
  }
  if (format === "jwk") {
    if (typeof key !== "object" || key === null) throw invalidArgType("key.key", "of type object", key);
    return fromInfo(importKey("jwk", JSON.stringify(key)));
  }
  if (format === "pem") {
    const text = typeof key === "string" ? key : new TextDecoder().decode(u8Of(key, "key", encoding));
    return fromInfo(importKey("pem", text));
  }
  if (format !== "der") throw invalidArgValue("key.format", format);
  const der = u8Of(key, "key", encoding);
  const t = type ?? (want === "public" ? "spki" : "pkcs8");
  if (!["spki", "pkcs8", "pkcs1", "sec1"].includes(t)) throw invalidArgValue("key.type", t);
  return fromInfo(importKey(t, der));
}

export function createPrivateKey(key: KeyInput): KeyObject {
  const k = readKey(key, "private");
  if (k.type !== "private") throw codedError(new TypeError(`Invalid key object type ${k.type}, expected private.`), "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE");
  return k;
}

export function createPublicKey(key: KeyInput): KeyObject {
  const k = readKey(key, "public");
  if (k.type === "secret") throw codedError(new TypeError("Invalid key object type secret, expected private."), "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE");
  return KeyObject.publicOf(k);
}

/** A key for signing (private) or verifying (public; a private key gives its public half). */
export function signingKey(key: unknown, want: "public" | "private"): KeyObject {
  const k = readKey(key, want);
  if (want === "public") return KeyObject.publicOf(k);
  if (k.type !== "private") throw codedError(new TypeError(`Invalid key object type ${k.type}, expected private.`), "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE");
  return k;
}

// ---- generateKeyPair ------------------------------------------------------

interface Encoding {
  type?: string;
  format?: string;
  cipher?: string;
  passphrase?: unknown;
}
interface KeyPairOptions {
  modulusLength?: number;
  publicExponent?: number;
  namedCurve?: string;
  publicKeyEncoding?: Encoding;
  privateKeyEncoding?: Encoding;
}
type Pair = { publicKey: unknown; privateKey: unknown };

function pairArgs(type: unknown, options: KeyPairOptions | undefined): [string, number, Uint8Array, string] {
  if (typeof type !== "string") throw invalidArgType("type", "of type string", type);
  switch (type) {
    case "rsa": {
      const bits = options?.modulusLength;
      if (typeof bits !== "number") throw invalidArgType("options.modulusLength", "of type number", bits);
      let e = options?.publicExponent ?? 65537;
      const exp: number[] = [];
      while (e > 0) {
        exp.unshift(e & 0xff);
        e = Math.floor(e / 256);
      }
      return ["rsa", bits, new Uint8Array(exp), ""];
    }
    case "ec": {
      const curve = options?.namedCurve;
      if (typeof curve !== "string") throw invalidArgType("options.namedCurve", "of type string", curve);
      return ["ec", 0, new Uint8Array(0), curve];
    }
    case "ed25519":
    case "x25519":
      return [type, 0, new Uint8Array(0), ""];
  }
  throw invalidArgValue("type", type, "must be a supported key type");
}

function finishPair(der: Uint8Array, options: KeyPairOptions | undefined): Pair {
  const priv = fromInfo(importKey("pkcs8", der));
  const pub = KeyObject.publicOf(priv);
  const enc = (k: KeyObject, e: Encoding | undefined) => (e === undefined ? k : k.export(e as { format?: string; type?: string }));
  return { publicKey: enc(pub, options?.publicKeyEncoding), privateKey: enc(priv, options?.privateKeyEncoding) };
}

export function generateKeyPairSync(type: string, options?: KeyPairOptions): Pair {
  const [kind, bits, exp, curve] = pairArgs(type, options);
  const failed = call(() => webOps.cryptoGenerateKey(false, kind, bits, exp, curve)) as boolean;
  return finishPair(syncOutcome<Uint8Array>(failed, (v) => nodeError(v)), options);
}

export function generateKeyPair(
  type: string,
  options: KeyPairOptions | undefined,
  callback: (err: Error | null, publicKey?: unknown, privateKey?: unknown) => void,
): void {
  const [kind, bits, exp, curve] = pairArgs(type, options);
  checkCallback(callback, "callback");
  const id = call(() => webOps.cryptoGenerateKey(true, kind, bits, exp, curve)) as number;
  onSettled(id, (failed, v) => {
    if (failed) return callback(nodeError(v) as Error);
    let pair: Pair;
    try {
      pair = finishPair(v as Uint8Array, options);
    } catch (e) {
      return callback(e as Error);
    }
    callback(null, pair.publicKey, pair.privateKey);
  });
}

export function generateKeySync(type: "hmac" | "aes", options: { length: number }): KeyObject {
  const length = options?.length;
  if (typeof length !== "number") throw invalidArgType("options.length", "of type number", length);
  const bytes = new Uint8Array(Math.ceil(length / 8));
  webOps.randomFill(bytes);
  if (type !== "hmac" && type !== "aes") throw invalidArgValue("type", type, "must be a supported key type");
  return createSecretKey(bytes);
}
