// The Body mixin (fetch §5.1) shared by Request and Response.
//
// A body is kept as what it was made from (`src`: a string, bytes, a Blob
// or a ReadableStream) rather than as a stream, so that the server can hand
// a string or bytes straight to ops.respond and `await res.text()` on a
// string body costs nothing. A ReadableStream is only made when someone
// reads `.body`; from then on the stream is the body and every consumer
// goes through it (so the bytes are delivered once).

import { Blob, blobBytes } from "./blob.ts";
import { FormData, parseFormData, serializeFormData } from "./formdata.ts";
import { URLSearchParams } from "./url.ts";
import { ReadableStream, isDisturbed } from "./streams.ts";
import { utf8Decode, utf8Encode } from "./encoding.ts";
import { HowthFile } from "./file.ts";

export type BodySource = null | string | Uint8Array | Blob | ReadableStream<Uint8Array>;

/**
 * The fields Request and Response keep for their body. They live on the
 * internal state object each keeps in a #private field (request.ts,
 * response.ts), so user code cannot reach or change them.
 */
export interface BodyHost {
  src: BodySource | object;
  stream: ReadableStream<Uint8Array> | null;
  used: boolean;
}

export const TEXT_PLAIN = "text/plain;charset=UTF-8";
export const FORM_URLENCODED = "application/x-www-form-urlencoded;charset=UTF-8";
export const APPLICATION_JSON = "application/json";

const EMPTY = new Uint8Array(0);
/**
 * Fetch's "extract a body": stores the body source on `host` and returns the
 * Content-Type it implies (null for none). Bytes are copied, as the spec
 * requires: changing a buffer after `new Response(buf)` must not change
 * what is sent.
 */
export function extractBody(host: BodyHost, init: unknown): string | null {
  if (typeof init === "string") {
    host.src = init;
    return TEXT_PLAIN;
  }
  if (typeof init === "object" && init !== null) {
    if (ArrayBuffer.isView(init)) {
      host.src = new Uint8Array(init.buffer.slice(init.byteOffset, init.byteOffset + init.byteLength));
      return null;
    }
    if (init instanceof ArrayBuffer) {
      host.src = new Uint8Array(init.slice(0));
      return null;
    }
    if (init instanceof HowthFile) {
      // Kept as the file: the server sends it (file_response.ts); readers read it then.
      host.src = init;
      return init.type;
    }
    if (init instanceof Blob) {
      host.src = init;
      return init.type === "" ? null : init.type;
    }
    if (init instanceof URLSearchParams) {
      host.src = init.toString();
      return FORM_URLENCODED;
    }
    if (init instanceof FormData) {
      const { body, contentType } = serializeFormData(init);
      host.src = body;
      return contentType;
    }
    if (init instanceof ReadableStream) {
      if (init.locked || isDisturbed(init)) throw new TypeError("The body's ReadableStream is locked or already read");
      host.src = init;
      host.stream = init;
      return null;
    }
    if (typeof (init as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
      // Bun and Deno accept async iterables (async generators) as bodies.
      const stream = streamFromAsyncIterable(init as AsyncIterable<unknown>);
      host.src = stream;
      host.stream = stream;
      return null;
    }
  }
  // Anything else is converted with ToString (WebIDL USVString).
  host.src = `${init}`;
  return TEXT_PLAIN;
}

/** A chunk of a body stream as bytes. Strings are accepted as Bun does. */
export function chunkBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return utf8Encode(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError("A body stream chunk must be a Uint8Array (or a string)");
}

function streamFromAsyncIterable(iterable: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<unknown> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= iterable[Symbol.asyncIterator]();
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(chunkBytes(value));
      },
      async cancel(reason) {
        await iterator?.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Bytes of a non-stream source, for the consumer to own. */
function sourceBytes(src: BodySource | object): Uint8Array {
  if (src === null) return EMPTY;
  if (typeof src === "string") return utf8Encode(src);
  if (src instanceof Uint8Array) return src;
  // A Blob's bytes are shared with the Blob: copy before handing them out.
  if (src instanceof Blob) return blobBytes(src).slice();
  throw new TypeError("unexpected body source");
}

// A stream made for `.body` of a non-stream source: one chunk, pulled only
// when read (highWaterMark 0), which is when the body becomes "used".
function streamFromSource(host: BodyHost, src: BodySource | object): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        host.used = true;
        if (src instanceof HowthFile) {
          return src.bytes().then((bytes) => {
            if (bytes.length !== 0) controller.enqueue(bytes);
            controller.close();
          });
        }
        const bytes = sourceBytes(src);
        if (bytes.length !== 0) controller.enqueue(bytes);
        controller.close();
      },
      cancel() {
        host.used = true;
      },
    },
    { highWaterMark: 0 },
  );
}

/** The `body` getter. */
export function bodyStream(host: BodyHost): ReadableStream<Uint8Array> | null {
  const stream = host.stream;
  if (stream !== null) return stream;
  const src = host.src;
  if (src === null) return null;
  return (host.stream = streamFromSource(host, src));
}

/** The `bodyUsed` getter. */
export function bodyUsed(host: BodyHost): boolean {
  if (host.used) return true;
  const stream = host.stream;
  return stream !== null && isDisturbed(stream);
}

function usedError(): TypeError {
  return new TypeError("Body is unusable: it has already been read");
}

/** Reads a whole stream into one Uint8Array. */
export async function readAll(stream: ReadableStream<unknown>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const bytes = chunkBytes(value);
      chunks.push(bytes);
      total += bytes.length;
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** "Consume body" as bytes. */
export function consumeBytes(host: BodyHost): Promise<Uint8Array> {
  if (bodyUsed(host)) return Promise.reject(usedError());
  const stream = host.stream;
  if (stream === null) {
    // A null body reads as empty, as often as asked, and is never "used".
    if (host.src === null) return Promise.resolve(new Uint8Array(0));
    host.used = true;
    if (host.src instanceof HowthFile) return host.src.bytes();
    try {
      return Promise.resolve(sourceBytes(host.src));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  if (stream.locked) return Promise.reject(new TypeError("Body is unusable: its ReadableStream is locked"));
  host.used = true;
  return readAll(stream);
}

export function consumeText(host: BodyHost): Promise<string> {
  const src = host.src;
  // The common case, a string body nobody streamed: no encode/decode.
  if (typeof src === "string" && host.stream === null) {
    if (host.used) return Promise.reject(usedError());
    host.used = true;
    return Promise.resolve(src);
  }
  return consumeBytes(host).then((b) => utf8Decode(b));
}

export function consumeJson(host: BodyHost): Promise<any> {
  return consumeText(host).then(JSON.parse);
}

/** The bytes as an ArrayBuffer of exactly their length. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buf = bytes.buffer as ArrayBuffer;
  if (bytes.byteOffset === 0 && bytes.byteLength === buf.byteLength) return buf;
  return buf.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

export function consumeArrayBuffer(host: BodyHost): Promise<ArrayBuffer> {
  return consumeBytes(host).then(toArrayBuffer);
}

/** MIME type for blob(): the Content-Type header, or "". */
export function consumeBlob(host: BodyHost, contentType: string | null): Promise<Blob> {
  return consumeBytes(host).then((b) => new Blob([b], { type: contentType ?? "" }));
}

/** formData(): multipart/form-data or application/x-www-form-urlencoded (else TypeError). */
export function parseBodyFormData(bytes: Uint8Array, contentType: string | null): FormData {
  return parseFormData(bytes, contentType ?? "");
}

export function consumeFormData(host: BodyHost, contentType: string | null): Promise<FormData> {
  return consumeBytes(host).then((b) => parseBodyFormData(b, contentType));
}

/**
 * Gives `to` a body equal to `from`'s (Request/Response clone()). A stream
 * is teed; a string, Blob or bytes are shared (bytes copied, since
 * arrayBuffer() hands the buffer to user code).
 */
export function cloneBody(from: BodyHost, to: BodyHost): void {
  const src = from.src;
  if (src instanceof ReadableStream) {
    const [a, b] = (from.stream ?? src).tee();
    from.src = a;
    from.stream = a;
    to.src = b;
    to.stream = b;
  } else {
    to.src = src instanceof Uint8Array ? src.slice() : src;
    to.stream = null;
  }
  to.used = false;
}
