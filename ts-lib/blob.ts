// Blob and File (File API §3-4).
//
// A Blob's bytes are immutable, so a Blob keeps one Uint8Array and slices
// share it. Parts are copied at construction, as the spec's "process blob
// parts" requires (the caller may change its buffers afterwards).

import { utf8Decode, utf8Encode } from "./encoding.ts";
import { ReadableStream } from "./streams.ts";
import { enumerable, inspectAs, ownMembers, requireArgs, toStringTag, toUSVString } from "./webidl.ts";

export type BlobPart = string | Blob | ArrayBuffer | ArrayBufferView;

export interface BlobPropertyBag {
  type?: string;
  endings?: "transparent" | "native";
}

export interface FilePropertyBag extends BlobPropertyBag {
  lastModified?: number;
}

/** Chunk size of Blob.stream(): big enough to be cheap, small enough to pace. */
const STREAM_CHUNK = 65536;

/** A type is kept lower-cased when it is printable ASCII, else it is "". */
function normalizeType(t: unknown): string {
  if (t === undefined) return "";
  const s = String(t);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return "";
  }
  return s.toLowerCase();
}

/** Converts line endings to "\n" (native on POSIX) for endings: "native". */
function nativeLineEndings(s: string): string {
  return s.replace(/\r\n?/g, "\n");
}

function copyOf(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
}

export function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function isObject(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

export class Blob {
  #bytes: Uint8Array;
  #type: string;

  constructor(blobParts?: Iterable<BlobPart>, options?: BlobPropertyBag) {
    if (blobParts !== undefined && (!isObject(blobParts) || typeof (blobParts as Iterable<BlobPart>)[Symbol.iterator] !== "function")) {
      throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.");
    }
    if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("Failed to construct 'Blob': options must be an object");
    }
    const endings = options?.endings ?? "transparent";
    if (endings !== "transparent" && endings !== "native") {
      throw new TypeError(`Failed to construct 'Blob': '${String(endings)}' is not a valid value for endings`);
    }
    const type = options?.type;
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (blobParts !== undefined) {
      for (const part of blobParts) {
        let bytes: Uint8Array;
        if (part instanceof Blob) {
          bytes = part.#bytes;
        } else if (part instanceof ArrayBuffer || ArrayBuffer.isView(part)) {
          bytes = copyOf(part);
        } else {
          let s = toUSVString(part);
          if (endings === "native") s = nativeLineEndings(s);
          bytes = utf8Encode(s);
        }
        chunks.push(bytes);
        total += bytes.length;
      }
    }
    this.#bytes = chunks.length === 0 ? new Uint8Array(0) : concat(chunks, total);
    this.#type = normalizeType(type);
  }

  get size(): number {
    return this.#bytes.length;
  }

  get type(): string {
    return this.#type;
  }

  slice(start?: number, end?: number, contentType?: string): Blob {
    const size = this.#bytes.length;
    const rel = (v: number | undefined, dflt: number): number => {
      if (v === undefined) return dflt;
      const n = Math.trunc(Number(v)) || 0;
      return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
    };
    const from = rel(start, 0);
    const to = rel(end, size);
    const span = Math.max(to - from, 0);
    return makeBlob(this.#bytes.subarray(from, from + span), normalizeType(contentType));
  }

  text(): Promise<string> {
    return Promise.resolve(utf8Decode(this.#bytes));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes.slice().buffer as ArrayBuffer);
  }

  bytes(): Promise<Uint8Array> {
    return Promise.resolve(this.#bytes.slice());
  }

  stream(): ReadableStream<Uint8Array> {
    const bytes = this.#bytes;
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) {
          controller.close();
          return;
        }
        const end = Math.min(at + STREAM_CHUNK, bytes.length);
        // A copy: readers own their chunks and may transfer or change them.
        controller.enqueue(bytes.slice(at, end));
        at = end;
        if (at >= bytes.length) controller.close();
      },
    });
  }

  /** The bytes without a copy, for ts-lib's own readers (never mutate). */
  static bytesOf(b: Blob): Uint8Array {
    return b.#bytes;
  }

  static make(bytes: Uint8Array, type: string): Blob {
    const b = new Blob();
    b.#bytes = bytes;
    b.#type = type;
    return b;
  }

  static isBlob(v: unknown): v is Blob {
    return isObject(v) && #bytes in v;
  }

  /** For File's constructor: adopt bytes and type computed by Blob's rules. */
  static adopt(target: Blob, source: Blob): void {
    target.#bytes = source.#bytes;
    target.#type = source.#type;
  }
}

const makeBlob = Blob.make;
const adopt = Blob.adopt;
const bytesOfBlob = Blob.bytesOf;
const isBlobValue = Blob.isBlob;
for (const k of ["bytesOf", "make", "isBlob", "adopt"]) delete (Blob as unknown as Record<string, unknown>)[k];

enumerable(Blob.prototype, ownMembers(Blob.prototype));
toStringTag(Blob.prototype, "Blob");
inspectAs<Blob>(Blob.prototype, (b) => ({ size: b.size, type: b.type }));

/** A Blob's bytes, shared (callers must not change them). */
export function blobBytes(b: Blob): Uint8Array {
  return bytesOfBlob(b);
}

/** A Blob over `bytes` (adopted, not copied) with an already normal type. */
export function blobFromBytes(bytes: Uint8Array, type = ""): Blob {
  return makeBlob(bytes, normalizeType(type));
}

/** True for Blobs and Files made by this realm (a brand check). */
export function isBlob(v: unknown): v is Blob {
  return isBlobValue(v);
}

export class File extends Blob {
  #name: string;
  #lastModified: number;

  constructor(fileBits: Iterable<BlobPart>, fileName: string, options?: FilePropertyBag) {
    requireArgs(arguments.length, 2, "Failed to construct 'File'");
    super(fileBits, options);
    this.#name = toUSVString(fileName);
    const lm = options?.lastModified;
    this.#lastModified = lm === undefined ? Date.now() : Math.trunc(Number(lm)) || 0;
  }

  get name(): string {
    return this.#name;
  }

  get lastModified(): number {
    return this.#lastModified;
  }

  get webkitRelativePath(): string {
    return "";
  }
}

enumerable(File.prototype, ownMembers(File.prototype));
toStringTag(File.prototype, "File");
inspectAs<File>(File.prototype, (f) => ({ size: f.size, type: f.type, name: f.name, lastModified: f.lastModified }));

/** A File over `bytes` (adopted, not copied). */
export function fileFromBytes(bytes: Uint8Array, name: string, type = "", lastModified = Date.now()): File {
  const f = new File([], name, { lastModified });
  adopt(f, makeBlob(bytes, normalizeType(type)));
  return f;
}
