// CompressionStream and DecompressionStream (gzip, deflate, deflate-raw,
// and br and zstd as Howth's extensions), and Howth's whole-buffer
// functions with Bun's names and options (gzipSync, deflateSync, zstd...),
// all on the Rust codecs of runtime/src/ops/zlib.rs. A stream collects the
// chunks written and (de)compresses the whole input on the worker pool
// when the writable side closes, so the output arrives in one chunk.

import { ops } from "./core_ops.ts";
import { settled, syncOutcome } from "./pool.ts";
import { TransformStream } from "./streams.ts";
import { runAsync } from "./node/zlib.ts";

const CODECS: Record<string, [string, string]> = {
  gzip: ["gzip", "gunzip"],
  deflate: ["deflate", "inflate"],
  "deflate-raw": ["deflateRaw", "inflateRaw"],
  br: ["brotliCompress", "brotliDecompress"],
  zstd: ["zstdCompress", "zstdDecompress"],
};

type Format = "gzip" | "deflate" | "deflate-raw" | "br" | "zstd";

function codecStream(cls: string, format: unknown, decompress: boolean): TransformStream<BufferSource, Uint8Array> {
  const pair = typeof format === "string" && Object.hasOwn(CODECS, format) ? CODECS[format] : undefined;
  if (pair === undefined) {
    throw new TypeError(`Failed to construct '${cls}': Unsupported compression format: '${String(format)}'`);
  }
  const codec = pair[decompress ? 1 : 0];
  const chunks: Uint8Array[] = [];
  let total = 0;
  return new TransformStream<BufferSource, Uint8Array>({
    transform(chunk) {
      let u8: Uint8Array;
      if (chunk instanceof ArrayBuffer) u8 = new Uint8Array(chunk);
      else if (ArrayBuffer.isView(chunk)) u8 = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      else throw new TypeError(`${cls}: a chunk must be an ArrayBuffer or an ArrayBufferView`);
      // Copied: the writer may reuse its buffer once the write resolves.
      chunks.push(u8.slice());
      total += u8.length;
    },
    flush(controller) {
      const all = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      chunks.length = 0;
      return new Promise<void>((resolve, reject) => {
        runAsync(codec, all, undefined, (err, out) => {
          if (err) return reject(new TypeError(`${cls}: ${err.message}`));
          const o = out as Uint8Array;
          if (o.length > 0) controller.enqueue(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
          resolve();
        });
      });
    },
  });
}

export class CompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<BufferSource>;
  constructor(format: Format) {
    const t = codecStream("CompressionStream", format, false);
    this.readable = t.readable as unknown as ReadableStream<Uint8Array>;
    this.writable = t.writable as unknown as WritableStream<BufferSource>;
  }
}

export class DecompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<BufferSource>;
  constructor(format: Format) {
    const t = codecStream("DecompressionStream", format, true);
    this.readable = t.readable as unknown as ReadableStream<Uint8Array>;
    this.writable = t.writable as unknown as WritableStream<BufferSource>;
  }
}

// ---- Howth.gzipSync and friends (Bun's signatures) -------------------------

export type CompressInput = string | ArrayBuffer | ArrayBufferView;

export interface ZlibCompressionOptions {
  /** 0 (none) to 9 (smallest); -1 or absent: 6. */
  level?: number;
  /**
   * deflateSync/inflateSync only: absent or -9..-15, raw deflate (Bun's
   * default); 8..15 (0 too for inflate), zlib-wrapped; 16 added (24..31),
   * gzip.
   */
  windowBits?: number;
  memLevel?: number;
  strategy?: number;
}

export interface LevelOptions {
  /** zstd: 1..22 (default 3); brotli: quality 0..11 (default 11). */
  level?: number;
}

function inputBytes(fn: string, data: unknown): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`Howth.${fn}: data must be a string, an ArrayBuffer or a TypedArray`);
}

function levelIn(fn: string, o: { level?: number } | undefined, min: number, max: number): number | undefined {
  const l = o?.level;
  if (l === undefined || l === -1) return undefined;
  if (typeof l !== "number" || !Number.isInteger(l) || l < min || l > max) {
    throw new RangeError(`Howth.${fn}: level must be an integer from ${min} to ${max}, got ${String(l)}`);
  }
  return l;
}

/** The codec's error, as node:zlib reports it (message and code). */
function codecError(fn: string) {
  return (v: unknown): Error => {
    const info = v as { message: string; code: string };
    const e = new Error(`Howth.${fn}: ${info.message}`) as Error & { code: string };
    e.code = info.code;
    return e;
  };
}

/** A Uint8Array (not a node Buffer), as Bun returns. */
function plain(u8: Uint8Array): Uint8Array {
  return u8.constructor === Uint8Array ? u8 : new Uint8Array(u8.buffer, u8.byteOffset, u8.byteLength);
}

function runCodec(fn: string, codec: string, data: unknown, level: number | undefined): Uint8Array {
  const failed = ops.zlibCall(false, codec, inputBytes(fn, data), level) as boolean;
  return plain(syncOutcome<Uint8Array>(failed, codecError(fn)));
}

function runCodecAsync(fn: string, codec: string, data: unknown, level: number | undefined): Promise<Uint8Array> {
  try {
    const id = ops.zlibCall(true, codec, inputBytes(fn, data), level) as number;
    return settled<Uint8Array>(id, codecError(fn)).then(plain);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Which deflate wrapping windowBits asks for: Bun's reading. */
function deflateWrap(fn: string, o: ZlibCompressionOptions | undefined, inflate: boolean): "raw" | "zlib" | "gzip" {
  const w = o?.windowBits;
  if (w === undefined) return "raw";
  if (typeof w !== "number" || !Number.isInteger(w)) throw new TypeError(`Howth.${fn}: windowBits must be an integer`);
  if (w >= -15 && w <= -8) return "raw";
  if ((w >= 8 && w <= 15) || (inflate && w === 0)) return "zlib";
  if (w >= 24 && w <= 31) return "gzip";
  if (inflate && w >= 40 && w <= 47) return "gzip";
  throw new RangeError(`Howth.${fn}: windowBits ${w} is out of range`);
}

export function gzipSync(data: CompressInput, options?: ZlibCompressionOptions): Uint8Array {
  return runCodec("gzipSync", "gzip", data, levelIn("gzipSync", options, 0, 9));
}

export function gunzipSync(data: CompressInput, _options?: ZlibCompressionOptions): Uint8Array {
  return runCodec("gunzipSync", "gunzip", data, undefined);
}

export function deflateSync(data: CompressInput, options?: ZlibCompressionOptions): Uint8Array {
  const codec = { raw: "deflateRaw", zlib: "deflate", gzip: "gzip" }[deflateWrap("deflateSync", options, false)];
  return runCodec("deflateSync", codec, data, levelIn("deflateSync", options, 0, 9));
}

export function inflateSync(data: CompressInput, options?: ZlibCompressionOptions): Uint8Array {
  const codec = { raw: "inflateRaw", zlib: "inflate", gzip: "gunzip" }[deflateWrap("inflateSync", options, true)];
  return runCodec("inflateSync", codec, data, undefined);
}

export function brotliCompressSync(data: CompressInput, options?: LevelOptions): Uint8Array {
  return runCodec("brotliCompressSync", "brotliCompress", data, levelIn("brotliCompressSync", options, 0, 11));
}

export function brotliDecompressSync(data: CompressInput): Uint8Array {
  return runCodec("brotliDecompressSync", "brotliDecompress", data, undefined);
}

export function zstdCompressSync(data: CompressInput, options?: LevelOptions): Uint8Array {
  return runCodec("zstdCompressSync", "zstdCompress", data, levelIn("zstdCompressSync", options, 1, 22));
}

export function zstdDecompressSync(data: CompressInput): Uint8Array {
  return runCodec("zstdDecompressSync", "zstdDecompress", data, undefined);
}

/** Bun.zstdCompress: on the worker pool. */
export function zstdCompress(data: CompressInput, options?: LevelOptions): Promise<Uint8Array> {
  let level: number | undefined;
  try {
    level = levelIn("zstdCompress", options, 1, 22);
  } catch (e) {
    return Promise.reject(e);
  }
  return runCodecAsync("zstdCompress", "zstdCompress", data, level);
}

export function zstdDecompress(data: CompressInput): Promise<Uint8Array> {
  return runCodecAsync("zstdDecompress", "zstdDecompress", data, undefined);
}

/** The functions as Howth.* members (howth.ts spreads them in). */
export const compressionApi = {
  gzipSync,
  gunzipSync,
  deflateSync,
  inflateSync,
  brotliCompressSync,
  brotliDecompressSync,
  zstdCompressSync,
  zstdDecompressSync,
  zstdCompress,
  zstdDecompress,
};
