// node:querystring: Node's own query-string format ('+' is a space on
// parsing, repeated keys become arrays, nested objects are not expanded).

import { coded } from "./internal/errors.ts";

export function escape(str: unknown): string {
  const s = typeof str === "string" ? str : String(str);
  try {
    return encodeURIComponent(s);
  } catch {
    throw coded(new URIError("URI malformed"), "ERR_INVALID_URI");
  }
}

/** decodeURIComponent where it can; byte by byte (bad escapes kept) where it cannot. */
export function unescape(s: string, decodeSpaces?: boolean): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return unescapeBuffer(s, decodeSpaces).toString();
  }
}

export function unescapeBuffer(s: string, decodeSpaces?: boolean): Uint8Array & { toString(): string } {
  const bytes = new TextEncoder().encode(s);
  const out: number[] = [];
  const hex = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 43 && decodeSpaces) out.push(32);
    else if (c === 37 && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
      out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
      i += 2;
    } else out.push(c);
  }
  const B = (globalThis as unknown as { Buffer: { from(a: number[]): Uint8Array & { toString(): string } } }).Buffer;
  return B.from(out);
}

function primitive(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  return "";
}

interface StringifyOptions {
  encodeURIComponent?: (s: string) => string;
}

export function stringify(obj: unknown, sep = "&", eq = "=", options?: StringifyOptions): string {
  sep ||= "&";
  eq ||= "=";
  const encode = options?.encodeURIComponent ?? escape;
  if (obj === null || typeof obj !== "object") return "";
  const parts: string[] = [];
  for (const key of Object.keys(obj)) {
    const v = (obj as Record<string, unknown>)[key];
    const k = encode(primitive(key)) + eq;
    if (Array.isArray(v)) {
      for (const item of v) parts.push(k + encode(primitive(item)));
    } else parts.push(k + encode(primitive(v)));
  }
  return parts.join(sep);
}

interface ParseOptions {
  maxKeys?: number;
  decodeURIComponent?: (s: string) => string;
}

export function parse(str: unknown, sep = "&", eq = "=", options?: ParseOptions): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  if (typeof str !== "string" || str.length === 0) return result;
  sep ||= "&";
  eq ||= "=";
  const maxKeys = typeof options?.maxKeys === "number" ? options.maxKeys : 1000;
  const decode = options?.decodeURIComponent ?? unescape;
  let pairs = str.split(sep);
  if (maxKeys > 0) pairs = pairs.slice(0, maxKeys);
  for (const pair of pairs) {
    if (pair.length === 0 && pairs.length > 1) continue;
    const i = pair.indexOf(eq);
    const rawKey = i >= 0 ? pair.slice(0, i) : pair;
    const rawValue = i >= 0 ? pair.slice(i + eq.length) : "";
    const dec = (s: string) => {
      const spaced = s.replace(/\+/g, " ");
      try {
        return decode(spaced);
      } catch {
        return unescape(spaced, true);
      }
    };
    const key = dec(rawKey);
    const value = dec(rawValue);
    const prev = result[key];
    if (prev === undefined) result[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else result[key] = [prev, value];
  }
  return result;
}

export const decode = parse;
export const encode = stringify;

export default { escape, unescape, unescapeBuffer, stringify, parse, decode, encode };
