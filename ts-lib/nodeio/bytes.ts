// Bytes between the I/O built-ins and user code: Node hands out Buffers.
// Until node:buffer is installed as the global Buffer, a Uint8Array stands
// in; this is the one place that decides.

interface BufferLike {
  from(b: ArrayBuffer, offset: number, length: number): Uint8Array;
  from(s: string, encoding: string): Uint8Array;
}

function bufferClass(): BufferLike | undefined {
  const B = (globalThis as { Buffer?: BufferLike }).Buffer;
  return typeof B === "function" ? B : undefined;
}

/** Bytes from Rust as Node's Buffer (or a Uint8Array without one). */
export function toBuffer(u8: Uint8Array): Uint8Array {
  const B = bufferClass();
  return B ? B.from(u8.buffer as ArrayBuffer, u8.byteOffset, u8.byteLength) : u8;
}

const latin1 = (u8: Uint8Array): string => {
  let s = "";
  for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode(...u8.subarray(i, i + 8192));
  return s;
};

/** Decodes bytes in a Node encoding name. */
export function decode(u8: Uint8Array, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === "utf8" || enc === "utf-8") return new TextDecoder().decode(u8);
  const B = bufferClass();
  if (B) return (B.from(u8.buffer as ArrayBuffer, u8.byteOffset, u8.byteLength) as unknown as { toString(e: string): string }).toString(enc);
  switch (enc) {
    case "latin1":
    case "binary":
      return latin1(u8);
    case "ascii":
      return latin1(u8.map((b) => b & 0x7f));
    case "hex":
      return Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
    case "base64":
      return btoa(latin1(u8));
    case "base64url":
      return btoa(latin1(u8)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    case "utf16le":
    case "ucs2":
    case "ucs-2":
    case "utf-16le":
      return new TextDecoder("utf-16le").decode(u8);
  }
  const e = new TypeError(`Unknown encoding: ${encoding}`) as TypeError & { code: string };
  e.code = "ERR_UNKNOWN_ENCODING";
  throw e;
}

/** Encodes a string in a Node encoding name (utf8 when none). */
export function encode(s: string, encoding: string | undefined | null): Uint8Array | string {
  const enc = (encoding ?? "utf8").toLowerCase();
  // Rust takes a string's UTF-8 as it is.
  if (enc === "utf8" || enc === "utf-8") return s;
  const B = bufferClass();
  if (B) return B.from(s, enc);
  switch (enc) {
    case "latin1":
    case "binary":
    case "ascii":
      return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
    case "hex": {
      const out = new Uint8Array(s.length >>> 1);
      for (let i = 0; i < out.length; i++) {
        const b = parseInt(s.slice(2 * i, 2 * i + 2), 16);
        if (Number.isNaN(b)) return out.subarray(0, i);
        out[i] = b;
      }
      return out;
    }
    case "base64":
    case "base64url": {
      const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, ""));
      return Uint8Array.from(bin, (c) => c.charCodeAt(0));
    }
  }
  const e = new TypeError(`Unknown encoding: ${encoding}`) as TypeError & { code: string };
  e.code = "ERR_UNKNOWN_ENCODING";
  throw e;
}
