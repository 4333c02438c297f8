// atob and btoa (HTML Standard §8.3) with WHATWG Infra's forgiving-base64,
// decoded and encoded in Rust (runtime/src/ops/encoding.rs, SIMD): tokens
// and credentials go through them on every request.

import { DOMException } from "./event.ts";
import { webOps } from "./web_ops.ts";

/** Decodes base64 (forgiving) to a binary string, as atob does. */
export function atob(data: string): string {
  if (arguments.length === 0) throw new TypeError("atob: 1 argument required, but only 0 present.");
  const out = webOps.atob(String(data));
  if (out === null) {
    throw new DOMException("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
  }
  return out;
}

/** Encodes a binary string (code units <= 0xFF) as base64. */
export function btoa(data: string): string {
  if (arguments.length === 0) throw new TypeError("btoa: 1 argument required, but only 0 present.");
  const out = webOps.btoa(String(data));
  if (out === null) {
    throw new DOMException("The string to be encoded contains characters outside of the Latin1 range.", "InvalidCharacterError");
  }
  return out;
}
