// CompressionStream and DecompressionStream (gzip, deflate, deflate-raw),
// on node:zlib's Rust codecs. The chunks written are collected and the
// whole input is (de)compressed on the worker pool when the writable side
// closes, so the output arrives in one chunk at the end.

import { TransformStream } from "./streams.ts";
import { runAsync } from "./node/zlib.ts";

const CODECS: Record<string, [string, string]> = {
  gzip: ["gzip", "gunzip"],
  deflate: ["deflate", "inflate"],
  "deflate-raw": ["deflateRaw", "inflateRaw"],
};

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
  constructor(format: "gzip" | "deflate" | "deflate-raw") {
    const t = codecStream("CompressionStream", format, false);
    this.readable = t.readable as unknown as ReadableStream<Uint8Array>;
    this.writable = t.writable as unknown as WritableStream<BufferSource>;
  }
}

export class DecompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<BufferSource>;
  constructor(format: "gzip" | "deflate" | "deflate-raw") {
    const t = codecStream("DecompressionStream", format, true);
    this.readable = t.readable as unknown as ReadableStream<Uint8Array>;
    this.writable = t.writable as unknown as WritableStream<BufferSource>;
  }
}
