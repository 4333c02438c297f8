// node:zlib: gzip, deflate (zlib-wrapped and raw), brotli and their
// inverses, in sync and callback forms (and so promisify-able). The work is
// Rust's (runtime/src/ops/zlib.rs, flate2 on zlib-rs and the brotli crate);
// the callback forms run on the worker pool.

import { ops } from "../core_ops.ts";
import { onSettled, syncOutcome } from "../pool.ts";
import { toBuffer } from "../nodeio/bytes.ts";
import { checkCallback, invalidArgType, notImplemented } from "../nodeio/errors.ts";

type Input = string | ArrayBuffer | ArrayBufferView;
interface ZlibOptions {
  level?: number;
  params?: Record<number, number>;
}
type ZlibCallback = (err: Error | null, result?: Uint8Array) => void;

/** Node's zlib error: message, errno and code as zlib reports them. */
function zlibError(v: unknown): Error {
  const info = v as { message: string; code: string; errno: number };
  const e = new Error(info.message) as Error & { errno: number; code: string };
  e.errno = info.errno;
  e.code = info.code;
  return e;
}

function bytes(input: unknown): Uint8Array {
  if (typeof input === "string") return new TextEncoder().encode(input);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw invalidArgType(
    "buffer",
    "of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer",
    input,
  );
}

const BROTLI_PARAM_QUALITY = 1;

function level(codec: string, o: ZlibOptions | undefined): number | undefined {
  if (codec === "brotliCompress") return o?.params?.[BROTLI_PARAM_QUALITY];
  const l = o?.level;
  return typeof l === "number" && l >= 0 && l <= 9 ? l : undefined;
}

/** Runs a codec on a whole input, inline. */
export function runSync(codec: string, input: unknown, o?: ZlibOptions): Uint8Array {
  const failed = ops.zlibCall(false, codec, bytes(input), level(codec, o)) as boolean;
  return toBuffer(syncOutcome<Uint8Array>(failed, zlibError));
}

/** Runs a codec on a whole input on the worker pool. */
export function runAsync(codec: string, input: unknown, o: ZlibOptions | undefined, cb: ZlibCallback): void {
  const id = ops.zlibCall(true, codec, bytes(input), level(codec, o)) as number;
  onSettled(id, (failed, v) => (failed ? cb(zlibError(v)) : cb(null, toBuffer(v as Uint8Array))));
}

function syncForm(codec: string) {
  return (input: Input, options?: ZlibOptions): Uint8Array => runSync(codec, input, options);
}

function callbackForm(codec: string) {
  return (input: Input, options: ZlibOptions | ZlibCallback, cb?: ZlibCallback): void => {
    const callback = typeof options === "function" ? options : cb;
    checkCallback(callback, "callback");
    runAsync(codec, input, typeof options === "function" ? undefined : options, callback as ZlibCallback);
  };
}

export const gzipSync = syncForm("gzip");
export const gunzipSync = syncForm("gunzip");
export const deflateSync = syncForm("deflate");
export const inflateSync = syncForm("inflate");
export const deflateRawSync = syncForm("deflateRaw");
export const inflateRawSync = syncForm("inflateRaw");
export const unzipSync = syncForm("unzip");
export const brotliCompressSync = syncForm("brotliCompress");
export const brotliDecompressSync = syncForm("brotliDecompress");
export const gzip = callbackForm("gzip");
export const gunzip = callbackForm("gunzip");
export const deflate = callbackForm("deflate");
export const inflate = callbackForm("inflate");
export const deflateRaw = callbackForm("deflateRaw");
export const inflateRaw = callbackForm("inflateRaw");
export const unzip = callbackForm("unzip");
export const brotliCompress = callbackForm("brotliCompress");
export const brotliDecompress = callbackForm("brotliDecompress");

// A plain function, not an arrow: the stream classes below must have a
// prototype so that `x instanceof zlib.Gzip` (the `destroy` package under
// Express and Koa asks it of every stream) is false rather than a TypeError.
function streamMissing(name: string) {
  return function (): never {
    throw notImplemented(`zlib.${name}`);
  };
}

export const createGzip = streamMissing("createGzip");
export const createGunzip = streamMissing("createGunzip");
export const createDeflate = streamMissing("createDeflate");
export const createInflate = streamMissing("createInflate");
export const createDeflateRaw = streamMissing("createDeflateRaw");
export const createInflateRaw = streamMissing("createInflateRaw");
export const createUnzip = streamMissing("createUnzip");
export const createBrotliCompress = streamMissing("createBrotliCompress");
export const createBrotliDecompress = streamMissing("createBrotliDecompress");
export const Gzip = streamMissing("Gzip");
export const Gunzip = streamMissing("Gunzip");
export const Deflate = streamMissing("Deflate");
export const Inflate = streamMissing("Inflate");
export const DeflateRaw = streamMissing("DeflateRaw");
export const InflateRaw = streamMissing("InflateRaw");
export const Unzip = streamMissing("Unzip");
export const BrotliCompress = streamMissing("BrotliCompress");
export const BrotliDecompress = streamMissing("BrotliDecompress");

export const constants = Object.freeze({
  Z_NO_FLUSH: 0, Z_PARTIAL_FLUSH: 1, Z_SYNC_FLUSH: 2, Z_FULL_FLUSH: 3, Z_FINISH: 4, Z_BLOCK: 5,
  Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3,
  Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6,
  Z_NO_COMPRESSION: 0, Z_BEST_SPEED: 1, Z_BEST_COMPRESSION: 9, Z_DEFAULT_COMPRESSION: -1,
  Z_FILTERED: 1, Z_HUFFMAN_ONLY: 2, Z_RLE: 3, Z_FIXED: 4, Z_DEFAULT_STRATEGY: 0, ZLIB_VERNUM: 4865,
  DEFLATE: 1, INFLATE: 2, GZIP: 3, GUNZIP: 4, DEFLATERAW: 5, INFLATERAW: 6, UNZIP: 7,
  BROTLI_DECODE: 8, BROTLI_ENCODE: 9,
  Z_MIN_WINDOWBITS: 8, Z_MAX_WINDOWBITS: 15, Z_DEFAULT_WINDOWBITS: 15,
  Z_MIN_CHUNK: 64, Z_MAX_CHUNK: Infinity, Z_DEFAULT_CHUNK: 16384,
  Z_MIN_MEMLEVEL: 1, Z_MAX_MEMLEVEL: 9, Z_DEFAULT_MEMLEVEL: 8,
  Z_MIN_LEVEL: -1, Z_MAX_LEVEL: 9, Z_DEFAULT_LEVEL: -1,
  BROTLI_OPERATION_PROCESS: 0, BROTLI_OPERATION_FLUSH: 1, BROTLI_OPERATION_FINISH: 2,
  BROTLI_OPERATION_EMIT_METADATA: 3, BROTLI_PARAM_MODE: 0, BROTLI_MODE_GENERIC: 0, BROTLI_MODE_TEXT: 1,
  BROTLI_MODE_FONT: 2, BROTLI_DEFAULT_MODE: 0, BROTLI_PARAM_QUALITY: 1, BROTLI_MIN_QUALITY: 0,
  BROTLI_MAX_QUALITY: 11, BROTLI_DEFAULT_QUALITY: 11, BROTLI_PARAM_LGWIN: 2, BROTLI_MIN_WINDOW_BITS: 10,
  BROTLI_MAX_WINDOW_BITS: 24, BROTLI_LARGE_MAX_WINDOW_BITS: 30, BROTLI_DEFAULT_WINDOW: 22,
  BROTLI_PARAM_LGBLOCK: 3, BROTLI_MIN_INPUT_BLOCK_BITS: 16, BROTLI_MAX_INPUT_BLOCK_BITS: 24,
  BROTLI_PARAM_SIZE_HINT: 5,
});

export default {
  gzipSync, gunzipSync, deflateSync, inflateSync, deflateRawSync, inflateRawSync, unzipSync,
  brotliCompressSync, brotliDecompressSync, gzip, gunzip, deflate, inflate, deflateRaw, inflateRaw, unzip,
  brotliCompress, brotliDecompress, createGzip, createGunzip, createDeflate, createInflate, createDeflateRaw,
  createInflateRaw, createUnzip, createBrotliCompress, createBrotliDecompress, constants,
  Gzip, Gunzip, Deflate, Inflate, DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress,
};
