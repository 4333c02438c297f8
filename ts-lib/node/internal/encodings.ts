// Node's encoding names and the conversions between strings and bytes in
// each, shared by node:buffer, node:string_decoder and the I/O built-ins.
// hex and base64(url) run in Rust (runtime/src/ops/node_buffer.rs), UTF-8
// through the encoding ops; latin1, ascii and utf16le are plain loops here
// when short and Rust when long.

import { ops } from "../../core_ops.ts";

export type Encoding = "utf8" | "hex" | "base64" | "base64url" | "latin1" | "ascii" | "utf16le";

/** Codes shared with node_buffer.rs (0 is UTF-8, handled here). */
const CODE: Record<Encoding, number> = { utf8: 0, hex: 1, base64: 2, base64url: 3, latin1: 4, ascii: 5, utf16le: 6 };

/** The canonical name of a Node encoding, or undefined when it is none. */
export function normalizeEncoding(enc: unknown): Encoding | undefined {
  if (enc === undefined || enc === null || enc === "utf8" || enc === "utf-8") return "utf8";
  if (typeof enc !== "string") return undefined;
  switch (enc.toLowerCase()) {
    case "utf8":
    case "utf-8":
      return "utf8";
    case "hex":
      return "hex";
    case "base64":
      return "base64";
    case "base64url":
      return "base64url";
    case "latin1":
    case "binary":
      return "latin1";
    case "ascii":
      return "ascii";
    case "ucs2":
    case "ucs-2":
    case "utf16le":
    case "utf-16le":
      return "utf16le";
  }
  return undefined;
}

/** Below this many bytes a JS loop beats the op call. */
const SMALL = 48;

/** Bytes as a string in `enc`. */
export function bytesToString(u8: Uint8Array, enc: Encoding): string {
  const n = u8.length;
  if (n === 0) return "";
  switch (enc) {
    case "utf8":
      if (n < SMALL) {
        let s = "";
        for (let i = 0; i < n; i++) {
          const b = u8[i];
          if (b > 0x7f) return ops.decode(u8, "utf-8", false, true);
          s += String.fromCharCode(b);
        }
        return s;
      }
      return ops.decode(u8, "utf-8", false, true);
    case "latin1":
    case "ascii":
      if (n < SMALL) {
        let s = "";
        const mask = enc === "ascii" ? 0x7f : 0xff;
        for (let i = 0; i < n; i++) s += String.fromCharCode(u8[i] & mask);
        return s;
      }
      return ops.bufferToString(u8, CODE[enc]);
    case "utf16le":
      return utf16leDecode(u8);
    default:
      return ops.bufferToString(u8, CODE[enc]);
  }
}

/** UTF-16LE code units as they are: lone surrogates stay, as in Node. */
function utf16leDecode(u8: Uint8Array): string {
  const n = u8.length >>> 1;
  let s = "";
  const units = new Array<number>(Math.min(n, 4096));
  for (let i = 0; i < n; i += 4096) {
    const m = Math.min(4096, n - i);
    units.length = m;
    for (let j = 0; j < m; j++) units[j] = u8[2 * (i + j)] | (u8[2 * (i + j) + 1] << 8);
    s += String.fromCharCode.apply(null, units);
  }
  return s;
}

/** A string's bytes in `enc` (a new Uint8Array). */
export function stringToBytes(s: string, enc: Encoding): Uint8Array {
  switch (enc) {
    case "utf8":
      return ops.encodeUtf8(s);
    case "latin1":
    case "ascii": {
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
      return out;
    }
    case "utf16le": {
      const out = new Uint8Array(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        out[2 * i] = c;
        out[2 * i + 1] = c >>> 8;
      }
      return out;
    }
    default:
      return ops.bufferFromString(s, CODE[enc]);
  }
}

/** UTF-8 length of a string (lone surrogates count as U+FFFD: 3 bytes). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** Buffer.byteLength of a string: exact for UTF-8, Node's estimate for base64. */
export function byteLengthOf(s: string, enc: Encoding): number {
  switch (enc) {
    case "utf8":
      return utf8Length(s);
    case "latin1":
    case "ascii":
      return s.length;
    case "utf16le":
      return s.length * 2;
    case "hex":
      return s.length >>> 1;
    default: {
      let n = s.length;
      if (n > 0 && s.charCodeAt(n - 1) === 0x3d) n--;
      if (n > 1 && s.charCodeAt(n - 1) === 0x3d) n--;
      return (n * 3) >>> 2;
    }
  }
}
