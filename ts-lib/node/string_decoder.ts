// node:string_decoder: decodes a stream of bytes without splitting a
// character between chunks. The incomplete tail of a chunk (a partial
// UTF-8 sequence, half a UTF-16 code unit, a base64 group that is not
// whole) waits for the next one; end() flushes it as Node does.

import { Buffer } from "./buffer.ts";
import { normalizeEncoding, type Encoding } from "./internal/encodings.ts";
import { invalidArgType, unknownEncoding } from "./internal/errors.ts";

type Bytes = Uint8Array & { toString(enc?: string, start?: number, end?: number): string };

function toBytes(buf: unknown): Bytes {
  if (typeof buf === "string") return Buffer.from(buf) as unknown as Bytes;
  if (ArrayBuffer.isView(buf)) return Buffer.from(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength) as unknown as Bytes;
  throw invalidArgType("buf", "an instance of Buffer, TypedArray, or DataView", buf);
}

/** How many bytes at the end of `b` start a UTF-8 sequence that is not complete. */
function utf8Incomplete(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const c = b[n - back];
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

// A function constructor, not a class, because packages subclass it the
// pre-ES2015 way: iconv-lite (under Express's body parsers) calls
// `StringDecoder.call(this, enc)` on an object whose prototype is
// StringDecoder.prototype. The held-back bytes live under a symbol rather
// than a #private field for the same reason.
const kPending = Symbol("stringDecoderPending");

export interface StringDecoder {
  encoding: Encoding;
  [kPending]: Uint8Array;
  readonly lastChar: Uint8Array;
  readonly lastNeed: number;
  readonly lastTotal: number;
  write(buf: unknown): string;
  end(buf?: unknown): string;
  text(buf: unknown, offset: number): string;
}

export const StringDecoder = function StringDecoder(this: StringDecoder, encoding?: string) {
  const enc = normalizeEncoding(encoding);
  if (enc === undefined) throw unknownEncoding(encoding);
  this.encoding = enc;
  this[kPending] = new Uint8Array(0);
} as unknown as { new (encoding?: string): StringDecoder; prototype: StringDecoder };

/** How many bytes a held-back sequence needs in all (0: none held). */
function need(d: StringDecoder): number {
  const p = d[kPending];
  switch (d.encoding) {
    case "utf8": {
      const c = p[0];
      return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    }
    case "utf16le":
      return p.length % 2 === 1 ? p.length + 1 : 4;
    case "base64":
    case "base64url":
      return 3;
    default:
      return 0;
  }
}

Object.defineProperties(StringDecoder.prototype, {
  /** The bytes held back from the last write. */
  lastChar: {
    get(this: StringDecoder) {
      return Buffer.from(this[kPending]);
    },
    configurable: true,
  },
  lastNeed: {
    get(this: StringDecoder) {
      return this[kPending].length === 0 ? 0 : need(this) - this[kPending].length;
    },
    configurable: true,
  },
  lastTotal: {
    get(this: StringDecoder) {
      return this[kPending].length === 0 ? 0 : need(this);
    },
    configurable: true,
  },
});

StringDecoder.prototype.write = function write(this: StringDecoder, buf: unknown): string {
  if (typeof buf === "string") return buf;
  let b = toBytes(buf);
  const pending = this[kPending];
  if (pending.length > 0) {
    const joined = new Uint8Array(pending.length + b.length);
    joined.set(pending);
    joined.set(b, pending.length);
    b = Buffer.from(joined.buffer) as unknown as Bytes;
    this[kPending] = new Uint8Array(0);
  }
  let keep = 0;
  switch (this.encoding) {
    case "utf8":
      keep = utf8Incomplete(b);
      break;
    case "utf16le": {
      keep = b.length % 2;
      // A high surrogate at the end waits for its pair.
      const end = b.length - keep;
      if (end >= 2) {
        const unit = b[end - 2] | (b[end - 1] << 8);
        if (unit >= 0xd800 && unit <= 0xdbff) keep += 2;
      }
      break;
    }
    case "base64":
    case "base64url":
      keep = b.length % 3;
      break;
  }
  if (keep > 0) {
    this[kPending] = b.slice(b.length - keep);
    b = b.subarray(0, b.length - keep) as Bytes;
  }
  return b.length === 0 ? "" : Buffer.prototype.toString.call(b, this.encoding);
};

StringDecoder.prototype.end = function end(this: StringDecoder, buf?: unknown): string {
  let out = buf === undefined ? "" : this.write(buf);
  const rest = this[kPending];
  if (rest.length > 0) {
    this[kPending] = new Uint8Array(0);
    // An incomplete UTF-8 sequence ends as one replacement character.
    out += this.encoding === "utf8" ? "\ufffd" : Buffer.prototype.toString.call(Buffer.from(rest), this.encoding);
  }
  return out;
};

StringDecoder.prototype.text = function text(this: StringDecoder, buf: unknown, offset: number): string {
  return this.write(toBytes(buf).subarray(offset));
};

export default { StringDecoder };
