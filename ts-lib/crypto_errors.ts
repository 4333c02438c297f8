// Errors of the crypto ops. Rust throws an Error whose message starts with
// the DOMException name Web Crypto gives the failure ("OperationError: ...",
// see runtime/src/ops/crypto/error.rs); crypto.subtle rejects with that
// DOMException, node:crypto with a Node-style Error.

import { DOMException } from "./event.ts";

const NAMED = /^(DataError|NotSupportedError|InvalidAccessError|OperationError): ([\s\S]*)$/;

/** The name and message of a crypto op's error, or undefined for another error. */
export function splitCryptoError(e: unknown): [string, string] | undefined {
  const message = e instanceof Error ? e.message : typeof e === "string" ? e : undefined;
  const m = message === undefined ? null : NAMED.exec(message);
  return m === null ? undefined : [m[1], m[2]];
}

/** A crypto op's error as the DOMException Web Crypto specifies; others unchanged. */
export function toDOMException(e: unknown): unknown {
  const parts = splitCryptoError(e);
  return parts === undefined ? e : new DOMException(parts[1], parts[0]);
}

/** Runs a crypto op, turning its error into a DOMException. */
export function native<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toDOMException(e);
  }
}

export function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}
