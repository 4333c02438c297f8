// node:buffer: Buffer is a Uint8Array subclass (as in Node: `FastBuffer`),
// so every typed-array method and every API taking a Uint8Array accepts
// it. `Buffer` itself is a plain function whose prototype is FastBuffer's,
// so the legacy `Buffer(x)` call without `new` works too. Encodings live in
// internal/encodings.ts (hex and base64 in Rust).

import { byteLengthOf, bytesToString, normalizeEncoding, stringToBytes, type Encoding } from "./encodings.ts";
import { bufferOutOfBounds, coded, invalidArgType, notImplemented, outOfRange, unknownEncoding } from "./errors.ts";
import { atob, btoa } from "../../base64.ts";
import { Blob, File } from "../../blob.ts";

export const kMaxLength = 2 ** 32;
export const kStringMaxLength = 2 ** 29 - 24;
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };
export let INSPECT_MAX_BYTES = 50;

/** The class every Buffer is an instance of; users see it as `Buffer`. */
class FastBuffer extends Uint8Array {}

type Buf = FastBuffer & BufferMethods;
// The methods added to the prototype below, for the type checker.
interface BufferMethods {
  toString(encoding?: string, start?: number, end?: number): string;
  write(string: string, offset?: number | string, length?: number | string, encoding?: string): number;
  equals(other: Uint8Array): boolean;
  compare(target: Uint8Array, tStart?: number, tEnd?: number, sStart?: number, sEnd?: number): number;
  copy(target: Uint8Array, targetStart?: number, sourceStart?: number, sourceEnd?: number): number;
}

function wrap(u8: Uint8Array): Buf {
  return new FastBuffer(u8.buffer as ArrayBuffer, u8.byteOffset, u8.byteLength) as Buf;
}

function encodingOf(enc: unknown): Encoding {
  const e = normalizeEncoding(enc);
  if (e === undefined) throw unknownEncoding(enc);
  return e;
}

function checkSize(size: unknown): number {
  if (typeof size !== "number") throw invalidArgType("size", "of type number", size);
  if (!(size >= 0 && size <= kMaxLength)) throw outOfRange("size", `>= 0 && <= ${kMaxLength}`, size);
  return size;
}

// ---- construction ----------------------------------------------------------

function fromString(s: string, enc: unknown): Buf {
  return wrap(stringToBytes(s, encodingOf(enc)));
}

function fromArrayLike(a: ArrayLike<number>): Buf {
  const b = new FastBuffer(a.length) as Buf;
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}

function from(value: unknown, encodingOrOffset?: unknown, length?: unknown): Buf {
  if (typeof value === "string") return fromString(value, encodingOrOffset);
  if (typeof value === "object" && value !== null) {
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)) {
      const offset = encodingOrOffset === undefined ? 0 : +(encodingOrOffset as number) || 0;
      if (offset > value.byteLength) throw bufferOutOfBounds("offset");
      const len = length === undefined ? value.byteLength - offset : +(length as number) || 0;
      if (len > value.byteLength - offset) throw bufferOutOfBounds("length");
      return new FastBuffer(value as ArrayBuffer, offset, len) as Buf;
    }
    if (ArrayBuffer.isView(value)) {
      if (value instanceof Uint8Array) {
        const b = new FastBuffer(value.length) as Buf;
        b.set(value);
        return b;
      }
      return fromArrayLike(value as unknown as ArrayLike<number>);
    }
    const prim = (value as { valueOf?: () => unknown }).valueOf?.();
    if (prim !== undefined && prim !== null && prim !== value && (typeof prim === "string" || typeof prim === "object")) {
      return from(prim, encodingOrOffset, length);
    }
    const v = value as { length?: unknown; type?: unknown; data?: unknown };
    if (typeof v.length === "number") return fromArrayLike(v as ArrayLike<number>);
    if (v.type === "Buffer" && Array.isArray(v.data)) return fromArrayLike(v.data);
    const toPrim = (value as { [Symbol.toPrimitive]?: (hint: string) => unknown })[Symbol.toPrimitive];
    if (typeof toPrim === "function") {
      const p = toPrim.call(value, "string");
      if (typeof p === "string") return fromString(p, encodingOrOffset);
    }
  }
  throw firstArgError(value);
}

function firstArgError(value: unknown): TypeError {
  // Node words this one without quotes around the name.
  const e = invalidArgType("x", "of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object", value);
  e.message = e.message.replace('The "x" argument', "The first argument");
  return e;
}

function alloc(size: number, fill?: unknown, encoding?: string): Buf {
  const b = new FastBuffer(checkSize(size)) as Buf;
  if (fill !== undefined && fill !== 0 && size > 0) fillBuffer(b, fill, 0, b.length, encoding);
  return b;
}

function allocUnsafe(size: number): Buf {
  return new FastBuffer(checkSize(size)) as Buf;
}

function byteLength(value: unknown, encoding?: string): number {
  if (typeof value !== "string") {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
    if (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) return value.byteLength;
    throw invalidArgType("string", "of type string or an instance of Buffer or ArrayBuffer", value);
  }
  return byteLengthOf(value, normalizeEncoding(encoding) ?? "utf8");
}

function isBuffer(b: unknown): b is Buf {
  return b instanceof FastBuffer;
}

function isEncoding(enc: unknown): boolean {
  return typeof enc === "string" && enc.length !== 0 && normalizeEncoding(enc) !== undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compare(a: unknown, b: unknown): number {
  if (!(a instanceof Uint8Array)) throw invalidArgType("buf1", "an instance of Buffer or Uint8Array", a);
  if (!(b instanceof Uint8Array)) throw invalidArgType("buf2", "an instance of Buffer or Uint8Array", b);
  return compareBytes(a, b);
}

function concat(list: readonly Uint8Array[], totalLength?: number): Buf {
  if (!Array.isArray(list)) throw invalidArgType("list", "an instance of Array", list);
  if (totalLength === undefined) {
    totalLength = 0;
    for (let i = 0; i < list.length; i++) {
      if (!(list[i] instanceof Uint8Array)) throw invalidArgType(`list[${i}]`, "an instance of Buffer or Uint8Array", list[i]);
      totalLength += list[i].length;
    }
  }
  const out = new FastBuffer(checkSize(totalLength)) as Buf;
  let at = 0;
  for (let i = 0; i < list.length && at < totalLength; i++) {
    const item = list[i];
    if (!(item instanceof Uint8Array)) throw invalidArgType(`list[${i}]`, "an instance of Buffer or Uint8Array", item);
    const room = totalLength - at;
    out.set(item.length > room ? item.subarray(0, room) : item, at);
    at += Math.min(item.length, room);
  }
  return out;
}

function copyBytesFrom(view: ArrayBufferView, offset = 0, length?: number): Buf {
  if (!ArrayBuffer.isView(view)) throw invalidArgType("view", "an instance of TypedArray", view);
  const el = (view as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const count = (view as unknown as { length: number }).length;
  const end = length === undefined ? count : Math.min(count, offset + length);
  if (offset >= end) return new FastBuffer(0) as Buf;
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset * el, (end - offset) * el);
  return from(bytes);
}

// ---- Buffer, the function ---------------------------------------------------

export interface BufferConstructor {
  (arg: unknown, encodingOrOffset?: unknown, length?: unknown): Buf;
  new (arg: unknown, encodingOrOffset?: unknown, length?: unknown): Buf;
  prototype: Buf;
  from: typeof from;
  alloc: typeof alloc;
  allocUnsafe: typeof allocUnsafe;
  allocUnsafeSlow: typeof allocUnsafe;
  byteLength: typeof byteLength;
  isBuffer: typeof isBuffer;
  isEncoding: typeof isEncoding;
  compare: typeof compare;
  concat: typeof concat;
  copyBytesFrom: typeof copyBytesFrom;
  of(...items: number[]): Buf;
  poolSize: number;
}

export const Buffer = function Buffer(arg: unknown, encodingOrOffset?: unknown, length?: unknown): Buf {
  if (typeof arg === "number") {
    if (typeof encodingOrOffset === "string") {
      throw invalidArgType("string", "of type string", arg);
    }
    return alloc(arg);
  }
  return from(arg, encodingOrOffset, length);
} as unknown as BufferConstructor;

Object.defineProperty(Buffer, "prototype", { value: FastBuffer.prototype, writable: false });
Object.defineProperty(FastBuffer.prototype, "constructor", { value: Buffer, writable: true, configurable: true });
Object.setPrototypeOf(Buffer, Uint8Array);
Object.assign(Buffer, {
  from,
  alloc,
  allocUnsafe,
  allocUnsafeSlow: allocUnsafe,
  byteLength,
  isBuffer,
  isEncoding,
  compare,
  concat,
  copyBytesFrom,
  poolSize: 8192,
  of(...items: number[]): Buf {
    return fromArrayLike(items);
  },
});

export const SlowBuffer = function SlowBuffer(size: number): Buf {
  return allocUnsafe(size);
};

// ---- instance methods --------------------------------------------------------

// Uint8Array's own versions of the methods Buffer overrides, for use inside
// the overrides (buf.fill(n) on a Buffer would call Buffer's fill).
const u8Fill = Uint8Array.prototype.fill;
const u8IndexOf = Uint8Array.prototype.indexOf;
const u8LastIndexOf = Uint8Array.prototype.lastIndexOf;

const proto = FastBuffer.prototype as unknown as Record<string, unknown> & Buf;

function clampRange(len: number, start: unknown, end: unknown): [number, number] {
  let s = start === undefined ? 0 : Math.trunc(+(start as number)) || 0;
  let e = end === undefined ? len : Math.trunc(+(end as number)) || 0;
  if (s < 0) s = 0;
  if (e > len) e = len;
  return [s, e];
}

function toString(this: Buf, encoding?: string, start?: number, end?: number): string {
  if (arguments.length === 0) return bytesToString(this, "utf8");
  const [s, e] = clampRange(this.length, start, end);
  if (e <= s) return "";
  const enc = encodingOf(encoding);
  return bytesToString(s === 0 && e === this.length ? this : this.subarray(s, e), enc);
}

/** How many bytes of `bytes` fit in `room` without splitting a character. */
function fitting(bytes: Uint8Array, room: number, enc: Encoding): number {
  if (bytes.length <= room) return bytes.length;
  if (enc === "utf8") {
    let n = room;
    // Back up over a partial sequence: continuation bytes and its lead.
    while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
    return n;
  }
  if (enc === "utf16le") return room & ~1;
  return room;
}

function write(this: Buf, string: string, offset?: unknown, length?: unknown, encoding?: unknown): number {
  if (typeof string !== "string") throw invalidArgType("argument", "of type string", string);
  if (typeof offset === "string") {
    encoding = offset;
    offset = 0;
    length = undefined;
  } else if (typeof length === "string") {
    encoding = length;
    length = undefined;
  }
  const off = offset === undefined ? 0 : (offset as number);
  if (typeof off !== "number") throw invalidArgType("offset", "of type number", off);
  if (off < 0 || off > this.length) throw outOfRange("offset", `>= 0 && <= ${this.length}`, off);
  const room = this.length - off;
  let len = length === undefined ? room : (length as number);
  if (len > room) len = room;
  if (len < 0) throw outOfRange("length", `>= 0 && <= ${room}`, len);
  const enc = encodingOf(encoding);
  const bytes = stringToBytes(string, enc);
  const n = fitting(bytes, len, enc);
  this.set(n === bytes.length ? bytes : bytes.subarray(0, n), off);
  return n;
}

function toJSON(this: Buf): { type: "Buffer"; data: number[] } {
  return { type: "Buffer", data: Array.from(this) };
}

function equals(this: Buf, other: unknown): boolean {
  if (!(other instanceof Uint8Array)) throw invalidArgType("otherBuffer", "an instance of Buffer or Uint8Array", other);
  if (this === other) return true;
  if (this.length !== other.length) return false;
  return compareBytes(this, other) === 0;
}

function compareMethod(this: Buf, target: unknown, tStart?: number, tEnd?: number, sStart?: number, sEnd?: number): number {
  if (!(target instanceof Uint8Array)) throw invalidArgType("target", "an instance of Buffer or Uint8Array", target);
  const ts = tStart ?? 0, te = tEnd ?? target.length, ss = sStart ?? 0, se = sEnd ?? this.length;
  if (ts < 0 || ts > target.length) throw outOfRange("targetStart", `>= 0 && <= ${target.length}`, ts);
  if (te < 0 || te > target.length) throw outOfRange("targetEnd", `>= 0 && <= ${target.length}`, te);
  if (ss < 0 || ss > this.length) throw outOfRange("sourceStart", `>= 0 && <= ${this.length}`, ss);
  if (se < 0 || se > this.length) throw outOfRange("sourceEnd", `>= 0 && <= ${this.length}`, se);
  if (ss >= se) return ts >= te ? 0 : -1;
  if (ts >= te) return 1;
  return compareBytes(this.subarray(ss, se), target.subarray(ts, te));
}

function copy(this: Buf, target: unknown, targetStart?: number, sourceStart?: number, sourceEnd?: number): number {
  if (!(target instanceof Uint8Array)) throw invalidArgType("target", "an instance of Buffer or Uint8Array", target);
  const ts = targetStart === undefined ? 0 : Math.trunc(+targetStart) || 0;
  if (ts < 0) throw outOfRange("targetStart", `>= 0 && <= ${kMaxLength}`, targetStart);
  const ss = sourceStart === undefined ? 0 : Math.trunc(+sourceStart) || 0;
  if (ss < 0 || ss > this.length) throw outOfRange("sourceStart", `>= 0 && <= ${this.length}`, sourceStart);
  let se = sourceEnd === undefined ? this.length : Math.trunc(+sourceEnd) || 0;
  if (se < 0) throw outOfRange("sourceEnd", `>= 0 && <= ${kMaxLength}`, sourceEnd);
  if (se > this.length) se = this.length;
  if (ts >= target.length || ss >= se) return 0;
  const n = Math.min(se - ss, target.length - ts);
  target.set(this.subarray(ss, ss + n), ts);
  return n;
}

function fillBuffer(buf: Uint8Array, value: unknown, start: number, end: number, encoding?: unknown): void {
  if (typeof value === "string") {
    const enc = encodingOf(encoding);
    if (value.length === 0) {
      u8Fill.call(buf, 0, start, end);
      return;
    }
    if (enc === "utf8" && value.length === 1 && value.charCodeAt(0) < 0x80) {
      u8Fill.call(buf, value.charCodeAt(0), start, end);
      return;
    }
    const bytes = stringToBytes(value, enc);
    if (bytes.length === 0) {
      throw coded(new TypeError(`The argument 'value' is invalid. Received '${value}'`), "ERR_INVALID_ARG_VALUE");
    }
    repeatInto(buf, bytes, start, end);
  } else if (typeof value === "number") {
    u8Fill.call(buf, value & 255, start, end);
  } else if (typeof value === "boolean") {
    u8Fill.call(buf, +value, start, end);
  } else if (value instanceof Uint8Array) {
    if (value.length === 0) {
      throw coded(new TypeError("The argument 'value' is invalid. Received Buffer(0) []"), "ERR_INVALID_ARG_VALUE");
    }
    repeatInto(buf, value, start, end);
  } else if (ArrayBuffer.isView(value)) {
    repeatInto(buf, new Uint8Array(value.buffer, value.byteOffset, value.byteLength), start, end);
  } else {
    u8Fill.call(buf, 0, start, end);
  }
}

function repeatInto(buf: Uint8Array, bytes: Uint8Array, start: number, end: number): void {
  const len = end - start;
  if (len <= 0) return;
  const first = Math.min(bytes.length, len);
  buf.set(bytes.subarray(0, first), start);
  // Double the filled prefix until the range is full.
  let filled = first;
  while (filled < len) {
    const n = Math.min(filled, len - filled);
    buf.copyWithin(start + filled, start, start + n);
    filled += n;
  }
}

function fill(this: Buf, value: unknown, offset?: unknown, end?: unknown, encoding?: unknown): Buf {
  if (typeof offset === "string") {
    encoding = offset;
    offset = 0;
    end = this.length;
  } else if (typeof end === "string") {
    encoding = end;
    end = this.length;
  }
  if (encoding !== undefined && typeof encoding !== "string") throw invalidArgType("encoding", "of type string", encoding);
  const s = offset === undefined ? 0 : (offset as number);
  const e = end === undefined ? this.length : (end as number);
  if (typeof s !== "number") throw invalidArgType("offset", "of type number", s);
  if (s < 0 || s > this.length) throw outOfRange("offset", `>= 0 && <= ${this.length}`, s);
  if (typeof e !== "number") throw invalidArgType("end", "of type number", e);
  if (e < 0 || e > this.length) throw outOfRange("end", `>= 0 && <= ${this.length}`, e);
  if (e > s) fillBuffer(this, value, s, e, encoding);
  return this;
}

function needleBytes(value: unknown, encoding: unknown): Uint8Array {
  if (typeof value === "string") return stringToBytes(value, encodingOf(encoding));
  if (value instanceof Uint8Array) return value;
  throw invalidArgType("value", "one of type number or string or an instance of Buffer or Uint8Array", value);
}

function search(buf: Uint8Array, value: unknown, byteOffset: unknown, encoding: unknown, forward: boolean): number {
  if (typeof byteOffset === "string") {
    encoding = byteOffset;
    byteOffset = undefined;
  }
  let off = +(byteOffset as number);
  if (Number.isNaN(off)) off = forward ? 0 : buf.length;
  else if (off < 0) off = buf.length + off;
  off = Math.trunc(off);
  if (typeof value === "number") {
    const byte = (value >>> 0) & 255;
    if (forward) {
      if (off < 0) off = 0;
      return u8IndexOf.call(buf, byte, off);
    }
    if (off < 0) return -1;
    return u8LastIndexOf.call(buf, byte, off);
  }
  const needle = needleBytes(value, encoding);
  const n = needle.length;
  if (forward) {
    if (off < 0) off = 0;
    if (n === 0) return off <= buf.length ? off : buf.length;
    const first = needle[0];
    for (let i = u8IndexOf.call(buf, first, off); i !== -1 && i + n <= buf.length; i = u8IndexOf.call(buf, first, i + 1)) {
      let j = 1;
      while (j < n && buf[i + j] === needle[j]) j++;
      if (j === n) return i;
    }
    return -1;
  }
  if (off < 0) return -1;
  if (n === 0) return Math.min(off, buf.length);
  for (let i = Math.min(off, buf.length - n); i >= 0; i--) {
    let j = 0;
    while (j < n && buf[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

function inspectBuffer(this: Buf): string {
  const max = INSPECT_MAX_BYTES;
  const shown = Math.min(max, this.length);
  let str = "";
  for (let i = 0; i < shown; i++) str += (i === 0 ? "" : " ") + (this[i] < 16 ? "0" : "") + this[i].toString(16);
  const rest = this.length - max;
  if (rest > 0) str += ` ... ${rest} more byte${rest > 1 ? "s" : ""}`;
  const name = (this.constructor as { name?: string } | undefined)?.name ?? "Buffer";
  return `<${name} ${str}>`;
}

function swap(this: Buf, size: number): Buf {
  if (this.length % size !== 0) {
    throw coded(new RangeError(`Buffer size must be a multiple of ${size * 8}-bits`), "ERR_INVALID_BUFFER_SIZE");
  }
  for (let i = 0; i < this.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = this[a];
      this[a] = this[b];
      this[b] = t;
    }
  }
  return this;
}

const methods: Record<string, Function> = {
  toString,
  toLocaleString: toString,
  write,
  toJSON,
  equals,
  compare: compareMethod,
  copy,
  fill,
  indexOf(this: Buf, value: unknown, byteOffset?: unknown, encoding?: unknown): number {
    return search(this, value, byteOffset, encoding, true);
  },
  lastIndexOf(this: Buf, value: unknown, byteOffset?: unknown, encoding?: unknown): number {
    return search(this, value, byteOffset, encoding, false);
  },
  includes(this: Buf, value: unknown, byteOffset?: unknown, encoding?: unknown): boolean {
    return search(this, value, byteOffset, encoding, true) !== -1;
  },
  // Node's slice is a view, like subarray (Uint8Array's copies).
  slice(this: Buf, start?: number, end?: number): Buf {
    return this.subarray(start, end) as Buf;
  },
  swap16(this: Buf): Buf {
    return swap.call(this, 2);
  },
  swap32(this: Buf): Buf {
    return swap.call(this, 4);
  },
  swap64(this: Buf): Buf {
    return swap.call(this, 8);
  },
  [Symbol.for("nodejs.util.inspect.custom")]: inspectBuffer,
};
for (const enc of ["utf8", "hex", "base64", "base64url", "latin1", "ascii", "ucs2"] as const) {
  const e: Encoding = enc === "ucs2" ? "utf16le" : enc;
  methods[`${enc}Slice`] = function (this: Buf, start?: number, end?: number): string {
    const [s, en] = clampRange(this.length, start, end);
    return en <= s ? "" : bytesToString(this.subarray(s, en), e);
  };
  methods[`${enc}Write`] = function (this: Buf, s: string, offset?: number, length?: number): number {
    return write.call(this, s, offset ?? 0, length ?? this.length - (offset ?? 0), e);
  };
}
for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
}
Object.defineProperty(proto, Symbol.for("nodejs.util.inspect.custom"), {
  value: inspectBuffer,
  writable: true,
  configurable: true,
  enumerable: false,
});
Object.defineProperty(proto, "parent", {
  get(this: Buf) {
    return this instanceof FastBuffer ? this.buffer : undefined;
  },
  enumerable: true,
  configurable: true,
});
Object.defineProperty(proto, "offset", {
  get(this: Buf) {
    return this instanceof FastBuffer ? this.byteOffset : undefined;
  },
  enumerable: true,
  configurable: true,
});

// ---- numbers in and out ------------------------------------------------------

function checkOffset(buf: Uint8Array, offset: unknown, size: number): number {
  if (offset === undefined) offset = 0;
  if (typeof offset !== "number") throw invalidArgType("offset", "of type number", offset);
  const last = buf.length - size;
  if (!Number.isInteger(offset)) throw outOfRange("offset", "an integer", offset);
  if (last < 0) throw bufferOutOfBounds();
  if (offset < 0 || offset > last) throw outOfRange("offset", `>= 0 and <= ${last}`, offset);
  return offset;
}

function checkByteLength(byteLength: unknown): number {
  if (typeof byteLength !== "number") throw invalidArgType("byteLength", "of type number", byteLength);
  if (!Number.isInteger(byteLength)) throw outOfRange("byteLength", "an integer", byteLength);
  if (byteLength < 1 || byteLength > 6) throw outOfRange("byteLength", ">= 1 and <= 6", byteLength);
  return byteLength;
}

function checkValue(value: unknown, min: number, max: number, size: number, signed: boolean): number {
  const v = +(value as number);
  if (!(v >= min && v <= max)) {
    let range: string;
    if (size > 4) {
      range = signed
        ? `>= -(2 ** ${size * 8 - 1}) and < 2 ** ${size * 8 - 1}`
        : `>= 0 and < 2 ** ${size * 8}`;
    } else range = `>= ${min} and <= ${max}`;
    throw outOfRange("value", range, value);
  }
  return v;
}

function readUIntLE(buf: Uint8Array, off: number, n: number): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < n; i++, mul *= 256) v += buf[off + i] * mul;
  return v;
}

function readUIntBE(buf: Uint8Array, off: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + buf[off + i];
  return v;
}

function toSigned(v: number, n: number): number {
  const limit = 2 ** (8 * n - 1);
  return v >= limit ? v - limit * 2 : v;
}

function writeUIntLE(buf: Uint8Array, v: number, off: number, n: number): number {
  let x = v < 0 ? v + 2 ** (8 * n) : v;
  for (let i = 0; i < n; i++) {
    buf[off + i] = x % 256;
    x = Math.floor(x / 256);
  }
  return off + n;
}

function writeUIntBE(buf: Uint8Array, v: number, off: number, n: number): number {
  let x = v < 0 ? v + 2 ** (8 * n) : v;
  for (let i = n - 1; i >= 0; i--) {
    buf[off + i] = x % 256;
    x = Math.floor(x / 256);
  }
  return off + n;
}

const f32 = new Float32Array(1);
const f64 = new Float64Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64b = new Uint8Array(f64.buffer);

function defineNumberMethods(): void {
  const m: Record<string, Function> = {};
  for (const size of [1, 2, 4]) {
    const bits = size * 8;
    const umax = 2 ** bits - 1;
    const smin = -(2 ** (bits - 1)), smax = 2 ** (bits - 1) - 1;
    for (const end of size === 1 ? [""] : ["LE", "BE"]) {
      const rd = end === "BE" ? readUIntBE : readUIntLE;
      const wr = end === "BE" ? writeUIntBE : writeUIntLE;
      m[`readUInt${bits}${end}`] = function (this: Buf, offset?: number): number {
        return rd(this, checkOffset(this, offset, size), size);
      };
      m[`readInt${bits}${end}`] = function (this: Buf, offset?: number): number {
        return toSigned(rd(this, checkOffset(this, offset, size), size), size);
      };
      m[`writeUInt${bits}${end}`] = function (this: Buf, value: number, offset?: number): number {
        const v = checkValue(value, 0, umax, size, false);
        return wr(this, Math.trunc(v), checkOffset(this, offset, size), size);
      };
      m[`writeInt${bits}${end}`] = function (this: Buf, value: number, offset?: number): number {
        const v = checkValue(value, smin, smax, size, true);
        return wr(this, Math.trunc(v), checkOffset(this, offset, size), size);
      };
    }
  }
  for (const end of ["LE", "BE"]) {
    const rd = end === "BE" ? readUIntBE : readUIntLE;
    const wr = end === "BE" ? writeUIntBE : writeUIntLE;
    m[`readUInt${end}`] = function (this: Buf, offset: number, byteLength: number): number {
      const n = checkByteLength(byteLength);
      return rd(this, checkOffset(this, offset, n), n);
    };
    m[`readInt${end}`] = function (this: Buf, offset: number, byteLength: number): number {
      const n = checkByteLength(byteLength);
      return toSigned(rd(this, checkOffset(this, offset, n), n), n);
    };
    m[`writeUInt${end}`] = function (this: Buf, value: number, offset: number, byteLength: number): number {
      const n = checkByteLength(byteLength);
      const v = checkValue(value, 0, 2 ** (8 * n) - 1, n, false);
      return wr(this, Math.trunc(v), checkOffset(this, offset, n), n);
    };
    m[`writeInt${end}`] = function (this: Buf, value: number, offset: number, byteLength: number): number {
      const n = checkByteLength(byteLength);
      const v = checkValue(value, -(2 ** (8 * n - 1)), 2 ** (8 * n - 1) - 1, n, true);
      return wr(this, Math.trunc(v), checkOffset(this, offset, n), n);
    };
    // Floats go through a scratch typed array (this machine is little-endian).
    const le = end === "LE";
    for (const [name, scratch, bytes, size] of [["Float", f32, f32b, 4], ["Double", f64, f64b, 8]] as const) {
      m[`read${name}${end}`] = function (this: Buf, offset?: number): number {
        const off = checkOffset(this, offset, size);
        for (let i = 0; i < size; i++) bytes[i] = this[off + (le ? i : size - 1 - i)];
        return scratch[0];
      };
      m[`write${name}${end}`] = function (this: Buf, value: number, offset?: number): number {
        const off = checkOffset(this, offset, size);
        scratch[0] = +value;
        for (let i = 0; i < size; i++) this[off + (le ? i : size - 1 - i)] = bytes[i];
        return off + size;
      };
    }
    m[`readBigUInt64${end}`] = function (this: Buf, offset?: number): bigint {
      const off = checkOffset(this, offset, 8);
      const lo = BigInt(le ? readUIntLE(this, off, 4) : readUIntBE(this, off + 4, 4));
      const hi = BigInt(le ? readUIntLE(this, off + 4, 4) : readUIntBE(this, off, 4));
      return (hi << 32n) | lo;
    };
    m[`readBigInt64${end}`] = function (this: Buf, offset?: number): bigint {
      return BigInt.asIntN(64, (m[`readBigUInt64${end}`] as (this: Buf, o?: number) => bigint).call(this, offset));
    };
    const writeBig = function (this: Buf, value: bigint, offset: number | undefined, signed: boolean): number {
      if (typeof value !== "bigint") throw invalidArgType("value", "of type bigint", value);
      const ok = signed ? value >= -(2n ** 63n) && value < 2n ** 63n : value >= 0n && value < 2n ** 64n;
      if (!ok) {
        throw outOfRange("value", signed ? ">= -(2n ** 63n) and < 2n ** 63n" : ">= 0n and < 2n ** 64n", value);
      }
      const off = checkOffset(this, offset, 8);
      const u = BigInt.asUintN(64, value);
      const lo = Number(u & 0xffffffffn), hi = Number(u >> 32n);
      if (le) {
        writeUIntLE(this, lo, off, 4);
        writeUIntLE(this, hi, off + 4, 4);
      } else {
        writeUIntBE(this, hi, off, 4);
        writeUIntBE(this, lo, off + 4, 4);
      }
      return off + 8;
    };
    m[`writeBigUInt64${end}`] = function (this: Buf, value: bigint, offset?: number): number {
      return writeBig.call(this, value, offset, false);
    };
    m[`writeBigInt64${end}`] = function (this: Buf, value: bigint, offset?: number): number {
      return writeBig.call(this, value, offset, true);
    };
  }
  // Node's lower-case aliases (readUint8, writeUint32LE, readBigUint64LE, ...).
  for (const name of Object.keys(m)) {
    if (name.includes("UInt")) m[name.replace("UInt", "Uint")] = m[name];
  }
  for (const [name, fn] of Object.entries(m)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
defineNumberMethods();

// ---- the rest of the module ----------------------------------------------------

export function isUtf8(input: ArrayBufferView | ArrayBuffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(input);
    return true;
  } catch {
    return false;
  }
}

export function isAscii(input: ArrayBufferView | ArrayBuffer): boolean {
  const u8 = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  for (let i = 0; i < u8.length; i++) if (u8[i] > 0x7f) return false;
  return true;
}

export function transcode(): never {
  throw notImplemented("buffer.transcode");
}

export function resolveObjectURL(): never {
  throw notImplemented("buffer.resolveObjectURL");
}

export { atob, btoa, Blob, File };

export default {
  Buffer,
  SlowBuffer,
  kMaxLength,
  kStringMaxLength,
  constants,
  get INSPECT_MAX_BYTES() {
    return INSPECT_MAX_BYTES;
  },
  set INSPECT_MAX_BYTES(n: number) {
    INSPECT_MAX_BYTES = n;
  },
  atob,
  btoa,
  Blob,
  File,
  isUtf8,
  isAscii,
  transcode,
  resolveObjectURL,
};
