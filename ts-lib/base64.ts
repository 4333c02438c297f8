// atob and btoa (HTML Standard §8.3) with WHATWG Infra's forgiving-base64.
// Pure TS: the strings involved are "binary strings" (one char per byte),
// which never need to cross into Rust.

import { DOMException } from "./event.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Char code → 6-bit value, or -1 for characters outside the alphabet. */
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

function isAsciiWhitespace(c: number): boolean {
  // TAB, LF, FF, CR, SPACE (Infra's ASCII whitespace).
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

/**
 * Infra's forgiving-base64 decode: the bytes, or null for failure.
 * Whitespace anywhere is ignored, padding is optional but must be right.
 */
export function forgivingBase64Decode(input: string): Uint8Array | null {
  // 1. Strip ASCII whitespace (only when there is some: the common case
  // of clean input skips the copy).
  let data = input;
  for (let i = 0; i < data.length; i++) {
    if (isAsciiWhitespace(data.charCodeAt(i))) {
      let out = "";
      for (let j = 0; j < input.length; j++) {
        const c = input.charCodeAt(j);
        if (!isAsciiWhitespace(c)) out += input[j];
      }
      data = out;
      break;
    }
  }
  // 2. With a length divisible by 4, one or two trailing '=' are padding.
  let len = data.length;
  if (len % 4 === 0) {
    if (len > 0 && data.charCodeAt(len - 1) === 0x3d) {
      len--;
      if (len > 0 && data.charCodeAt(len - 1) === 0x3d) len--;
    }
  }
  // 3. A remainder of 1 cannot encode whole bytes.
  if (len % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const c = data.charCodeAt(i);
    const v = c < 256 ? DECODE[c]! : -1;
    // 4. Anything outside the alphabet (including '=' not at the end) fails.
    if (v < 0) return null;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits (4 or 2) are discarded, as the spec says.
  return out;
}

/** Base64 of bytes (or of a binary string's code units), with padding. */
export function base64Encode(bytes: Uint8Array | string): string {
  const at = typeof bytes === "string" ? (i: number) => bytes.charCodeAt(i) : (i: number) => bytes[i]!;
  const parts: string[] = [];
  let chunk = "";
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    // Keep the ropes V8 builds shallow for big inputs.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = "";
    }
  }
  if (i < n) {
    const b0 = at(i);
    const b1 = i + 1 < n ? at(i + 1) : 0;
    const v = (b0 << 16) | (b1 << 8);
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]!;
    chunk += i + 1 < n ? ALPHABET[(v >> 6) & 63]! + "=" : "==";
  }
  if (parts.length === 0) return chunk;
  parts.push(chunk);
  return parts.join("");
}

/** Decodes base64 (forgiving) to a binary string, as atob does. */
export function atob(data: string): string {
  if (arguments.length === 0) throw new TypeError("atob: 1 argument required, but only 0 present.");
  const bytes = forgivingBase64Decode(String(data));
  if (bytes === null) {
    throw new DOMException("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
  }
  let out = "";
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Encodes a binary string (code units <= 0xFF) as base64. */
export function btoa(data: string): string {
  if (arguments.length === 0) throw new TypeError("btoa: 1 argument required, but only 0 present.");
  const s = String(data);
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      throw new DOMException("The string to be encoded contains characters outside of the Latin1 range.", "InvalidCharacterError");
    }
  }
  return base64Encode(s);
}
