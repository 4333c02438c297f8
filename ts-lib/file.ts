// Howth.file(path) and Howth.write(dest, data), with Bun.file's shape: a
// lazily read file. Nothing is read or stat'ed when the object is made;
// `size` and `lastModified` stat the file when asked (synchronously, as
// Bun's getters do), the readers run on the worker pool through fsCall.
//
// A HowthFile given to `new Response(...)` stays a file: the body keeps the
// object itself (body.ts), and the server answers it in file_response.ts
// (docs/files.md: the contract a sendfile path in the loop will take over).

import { ops } from "./core_ops.ts";
import { settled, syncOutcome } from "./pool.ts";
import { ReadableStream } from "./streams.ts";
import { Blob, blobBytes, concat } from "./blob.ts";
import { utf8Decode, utf8Encode } from "./encoding.ts";
import { mimeTypeOf } from "./mime.ts";
import { URL } from "./url.ts";

/** Bytes per read of stream(). */
const STREAM_CHUNK = 256 * 1024;

export interface FileStat {
  size: number;
  /** Milliseconds since the epoch. */
  mtimeMs: number;
  isFile: boolean;
}

interface FsError {
  message: string;
  code: string;
}

function fsError(v: unknown): Error {
  const info = v as FsError;
  const e = new Error(info.message) as Error & { code: string };
  e.code = info.code;
  return e;
}

// fsCall's stat array: size at 8, mtime seconds and nanoseconds at 12, 13;
// the mode at 1 (S_IFREG is 0o100000 in S_IFMT 0o170000).
function toStat(a: number[]): FileStat {
  return { size: a[8]!, mtimeMs: a[12]! * 1000 + Math.floor(a[13]! / 1e6), isFile: (a[1]! & 0o170000) === 0o100000 };
}

/** stat(2), inline; null when the path does not exist. */
export function statSync(path: string): FileStat | null {
  const failed = ops.fsCall(false, "stat", path, true) as boolean;
  try {
    return toStat(syncOutcome<number[]>(failed, fsError));
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT" || (e as { code?: string }).code === "ENOTDIR") return null;
    throw e;
  }
}

/** stat(2) on the pool; null when the path does not exist. */
export function stat(path: string): Promise<FileStat | null> {
  return settled<number[]>(ops.fsCall(true, "stat", path, true) as number, fsError).then(toStat, (e) => {
    if (e.code === "ENOENT" || e.code === "ENOTDIR") return null;
    throw e;
  });
}

function call<T>(name: string, ...args: unknown[]): Promise<T> {
  return settled<T>(ops.fsCall(true, name, ...args) as number, fsError);
}

/** Bytes [start, end) of the file at `path` (fewer at its end), on the pool. */
export async function readRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const fd = await call<number>("open", path, "r", 0o666);
  try {
    const want = end - start;
    const first = await call<Uint8Array>("read", fd, want, start);
    if (first.length === want || first.length === 0) return first;
    // A short read before the end: keep going until end or EOF.
    const parts = [first];
    let got = first.length;
    while (got < want) {
      const more = await call<Uint8Array>("read", fd, want - got, start + got);
      if (more.length === 0) break;
      parts.push(more);
      got += more.length;
    }
    return concat(parts, got);
  } finally {
    await call("close", fd);
  }
}

/** A Blob.slice bound against `size`: negative counts from the end. */
function bound(v: number, size: number): number {
  return v < 0 ? Math.max(size + v, 0) : Math.min(v, size);
}

export class HowthFile {
  readonly #path: string;
  readonly #type: string;
  /** The slice: offsets as given (negative from the end), end undefined for the end. */
  readonly #start: number;
  readonly #end: number | undefined;

  constructor(path: string, type?: string, start = 0, end?: number) {
    this.#path = path;
    this.#type = type ?? mimeTypeOf(path);
    this.#start = start;
    this.#end = end;
  }

  /** The path as given. */
  get name(): string {
    return this.#path;
  }

  /** From the extension (e.g. "text/html;charset=utf-8"), or as given. */
  get type(): string {
    return this.#type;
  }

  /** The bytes this file (or slice) holds now; 0 when it does not exist. */
  get size(): number {
    const s = statSync(this.#path);
    if (s === null) return 0;
    const [a, b] = this.range(s.size);
    return b - a;
  }

  /** The modification time in ms since the epoch; 0 when it does not exist. */
  get lastModified(): number {
    return statSync(this.#path)?.mtimeMs ?? 0;
  }

  /** [start, end) of this slice in a file of `size` bytes. */
  range(size: number): [number, number] {
    const a = bound(this.#start, size);
    const b = this.#end === undefined ? size : bound(this.#end, size);
    return [a, Math.max(a, b)];
  }

  /** Whether the slice is the whole file (the server may then serve ranges of it). */
  get whole(): boolean {
    return this.#start === 0 && this.#end === undefined;
  }

  /** Whether a regular file is at the path. */
  exists(): Promise<boolean> {
    return stat(this.#path).then((s) => s !== null && s.isFile);
  }

  /** Bun's `bytes()`: the contents as a Uint8Array (a missing file rejects with ENOENT). */
  async bytes(): Promise<Uint8Array> {
    if (this.whole) return call<Uint8Array>("readFile", this.#path, false);
    const s = await stat(this.#path);
    if (s === null) throw fsError({ message: `ENOENT: no such file or directory, open '${this.#path}'`, code: "ENOENT" });
    const [a, b] = this.range(s.size);
    return a === b ? new Uint8Array(0) : readRange(this.#path, a, b);
  }

  text(): Promise<string> {
    return this.bytes().then(utf8Decode);
  }

  json(): Promise<any> {
    return this.text().then(JSON.parse);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes().then((b) =>
      b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
        ? (b.buffer as ArrayBuffer)
        : (b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
    );
  }

  /** The contents in chunks read as the stream is pulled. */
  stream(): ReadableStream<Uint8Array> {
    const path = this.#path;
    let pos = -1;
    let end = 0;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (pos < 0) {
            const s = await stat(path);
            if (s === null) throw fsError({ message: `ENOENT: no such file or directory, open '${path}'`, code: "ENOENT" });
            [pos, end] = this.range(s.size);
          }
          if (pos >= end) return controller.close();
          const chunk = await readRange(path, pos, Math.min(end, pos + STREAM_CHUNK));
          if (chunk.length === 0) return controller.close();
          pos += chunk.length;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** A lazily read part of this file, as Blob.slice. */
  slice(start?: number, end?: number, contentType?: string): HowthFile {
    const s = start === undefined ? 0 : Math.trunc(Number(start)) || 0;
    const e = end === undefined ? undefined : Math.trunc(Number(end)) || 0;
    if (this.whole) return new HowthFile(this.#path, contentType ?? this.#type, s, e);
    // A slice of a slice: offsets within the outer one need its bounds.
    const [a, b] = this.range(statSync(this.#path)?.size ?? 0);
    const len = b - a;
    return new HowthFile(this.#path, contentType ?? this.#type, a + bound(s, len), a + (e === undefined ? len : bound(e, len)));
  }

  get [Symbol.toStringTag](): string {
    return "HowthFile";
  }
}

/** Howth.file(path, { type }). */
export function file(path: unknown, options?: { type?: string }): HowthFile {
  if (path instanceof URL) {
    if (path.protocol !== "file:") throw new TypeError(`Howth.file: only file: URLs, got ${path.protocol}`);
    path = decodeURIComponent(path.pathname);
  }
  if (typeof path !== "string" || path === "") throw new TypeError("Howth.file: path must be a non-empty string or a file: URL");
  const type = options?.type;
  return new HowthFile(path, type === undefined ? undefined : String(type).toLowerCase());
}

/** What Howth.write accepts as data. */
export type WriteData = string | Blob | ArrayBuffer | ArrayBufferView | Response | HowthFile;

async function dataBytes(data: unknown): Promise<Uint8Array> {
  if (typeof data === "string") return utf8Encode(data);
  if (data instanceof HowthFile) return data.bytes();
  if (data instanceof Blob) return blobBytes(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // A Response (or Request): its body, read to the end. Checked by shape:
  // importing response.ts here would make an import cycle through body.ts.
  if (typeof data === "object" && data !== null && typeof (data as Response).arrayBuffer === "function") {
    return new Uint8Array(await (data as Response).arrayBuffer());
  }
  throw new TypeError("Howth.write: data must be a string, Blob, ArrayBuffer, TypedArray, Response or Howth.file");
}

/** Howth.write(dest, data): writes the whole file (created or truncated); resolves to the bytes written. */
export async function write(dest: unknown, data: unknown): Promise<number> {
  const path = dest instanceof HowthFile ? dest.name : dest instanceof URL ? decodeURIComponent(dest.pathname) : dest;
  if (typeof path !== "string" || path === "") throw new TypeError("Howth.write: dest must be a path, a file: URL or a Howth.file");
  const bytes = await dataBytes(data);
  await call("writeFile", path, bytes, "w", 0o666);
  return bytes.length;
}
