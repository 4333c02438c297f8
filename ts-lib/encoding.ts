// TextEncoder, TextDecoder, TextEncoderStream, TextDecoderStream
// (WHATWG Encoding Standard §7-8). Decoding runs in Rust (encoding_rs), so
// every label and error mode matches the standard; encodeInto is plain TS
// because it must report two counts and write into the caller's memory.

import { webOps } from "./web_ops.ts";
import { TransformStream } from "./streams.ts";
import { inspectAs } from "./webidl.ts";

export type BufferSource = ArrayBuffer | ArrayBufferView;

const EMPTY = new Uint8Array(0);

/** UTF-8 encode (lone surrogates become U+FFFD). */
export function utf8Encode(s: string): Uint8Array {
  return webOps.encodeUtf8(s);
}

/** UTF-8 decode with replacement; a leading BOM is dropped unless keepBOM. */
export function utf8Decode(bytes: BufferSource, keepBOM = false): string {
  return webOps.decode(bytes, "utf-8", false, keepBOM);
}

function isBufferSource(v: unknown): v is BufferSource {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v) ||
    (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer);
}

export interface TextEncoderEncodeIntoResult {
  read: number;
  written: number;
}

export class TextEncoder {
  get encoding(): string {
    return "utf-8";
  }

  encode(input: string = ""): Uint8Array {
    return webOps.encodeUtf8(String(input));
  }

  encodeInto(source: string, destination: Uint8Array): TextEncoderEncodeIntoResult {
    if (!(destination instanceof Uint8Array)) {
      throw new TypeError("TextEncoder.encodeInto: destination must be a Uint8Array");
    }
    return encodeInto(String(source), destination);
  }

  get [Symbol.toStringTag](): string {
    return "TextEncoder";
  }
}

inspectAs<TextEncoder>(TextEncoder.prototype, (e) => ({ encoding: e.encoding }));

/** Encodes whole scalar values while they fit (Encoding §8.2.2). */
function encodeInto(s: string, dest: Uint8Array): TextEncoderEncodeIntoResult {
  const n = s.length;
  const cap = dest.length;
  let read = 0;
  let written = 0;
  while (read < n) {
    let c = s.charCodeAt(read);
    if (c < 0x80) {
      if (written >= cap) break;
      dest[written++] = c;
      read++;
      continue;
    }
    let units = 1;
    if (c >= 0xd800 && c <= 0xdbff && read + 1 < n) {
      const d = s.charCodeAt(read + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        units = 2;
      }
    }
    // Lone surrogates are encoded as U+FFFD (USVString conversion).
    if (units === 1 && c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) {
      if (written + 2 > cap) break;
      dest[written++] = 0xc0 | (c >> 6);
      dest[written++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      if (written + 3 > cap) break;
      dest[written++] = 0xe0 | (c >> 12);
      dest[written++] = 0x80 | ((c >> 6) & 0x3f);
      dest[written++] = 0x80 | (c & 0x3f);
    } else {
      if (written + 4 > cap) break;
      dest[written++] = 0xf0 | (c >> 18);
      dest[written++] = 0x80 | ((c >> 12) & 0x3f);
      dest[written++] = 0x80 | ((c >> 6) & 0x3f);
      dest[written++] = 0x80 | (c & 0x3f);
    }
    read += units;
  }
  return { read, written };
}

export interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

export interface TextDecodeOptions {
  stream?: boolean;
}

// A stream left open (decode(..., {stream: true}) never flushed) holds a
// decoder in Rust; free it when its TextDecoder is collected.
const openStreams = new FinalizationRegistry<number>((handle) => {
  webOps.decoderClose(handle);
});

/** The canonical name for a label, or a RangeError as the constructor requires. */
function resolveLabel(label: string, who: string): string {
  const name = webOps.encodingName(label);
  if (name === undefined || name === "replacement") {
    throw new RangeError(`${who}: The encoding label provided ('${label}') is invalid.`);
  }
  return name;
}

export class TextDecoder {
  #encoding: string;
  #fatal: boolean;
  #ignoreBOM: boolean;
  /** The Rust decoder of a stream in progress, or -1. */
  #handle = -1;

  constructor(label: string = "utf-8", options: TextDecoderOptions = {}) {
    this.#encoding = resolveLabel(String(label), "TextDecoder");
    const o = options ?? {};
    if (typeof o !== "object") throw new TypeError("TextDecoder: options must be an object");
    this.#fatal = !!o.fatal;
    this.#ignoreBOM = !!o.ignoreBOM;
  }

  get encoding(): string {
    return this.#encoding;
  }

  get fatal(): boolean {
    return this.#fatal;
  }

  get ignoreBOM(): boolean {
    return this.#ignoreBOM;
  }

  decode(input?: BufferSource, options: TextDecodeOptions = {}): string {
    // WebIDL: only a missing argument means "no bytes"; null is not a BufferSource.
    if (input !== undefined && !isBufferSource(input)) {
      throw new TypeError("TextDecoder.decode: input must be an ArrayBuffer or ArrayBufferView");
    }
    const bytes = input ?? EMPTY;
    const stream = !!(options ?? {}).stream;
    if (this.#handle < 0 && !stream) {
      // The common case: one whole buffer, no state kept.
      return webOps.decode(bytes, this.#encoding, this.#fatal, this.#ignoreBOM);
    }
    if (this.#handle < 0) {
      this.#handle = webOps.decoderOpen(this.#encoding, this.#fatal, this.#ignoreBOM);
      openStreams.register(this, this.#handle, this);
    }
    const handle = this.#handle;
    try {
      const out = webOps.decoderDecode(handle, bytes, !stream);
      if (!stream) this.#closed();
      return out;
    } catch (e) {
      // A fatal error closed the Rust decoder; the next call starts afresh.
      this.#closed();
      throw e;
    }
  }

  #closed(): void {
    openStreams.unregister(this);
    this.#handle = -1;
  }

  get [Symbol.toStringTag](): string {
    return "TextDecoder";
  }
}

inspectAs<TextDecoder>(TextDecoder.prototype, (d) => ({ encoding: d.encoding, fatal: d.fatal, ignoreBOM: d.ignoreBOM }));

export class TextEncoderStream {
  #transform: TransformStream<string, Uint8Array>;

  constructor() {
    // A high surrogate at the end of a chunk waits for the next chunk.
    let pending = "";
    this.#transform = new TransformStream<string, Uint8Array>({
      transform(chunk, controller) {
        let s = pending + String(chunk);
        pending = "";
        if (s.length > 0) {
          const last = s.charCodeAt(s.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) {
            pending = s.slice(-1);
            s = s.slice(0, -1);
          }
        }
        if (s.length > 0) controller.enqueue(webOps.encodeUtf8(s));
      },
      flush(controller) {
        if (pending) controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
      },
    });
  }

  get encoding(): string {
    return "utf-8";
  }

  get readable() {
    return this.#transform.readable;
  }

  get writable() {
    return this.#transform.writable;
  }

  get [Symbol.toStringTag](): string {
    return "TextEncoderStream";
  }
}

export class TextDecoderStream {
  #decoder: TextDecoder;
  #transform: TransformStream<BufferSource, string>;

  constructor(label: string = "utf-8", options: TextDecoderOptions = {}) {
    const decoder = new TextDecoder(label, options);
    this.#decoder = decoder;
    this.#transform = new TransformStream<BufferSource, string>({
      transform(chunk, controller) {
        if (!isBufferSource(chunk)) throw new TypeError("TextDecoderStream: chunks must be BufferSource");
        const s = decoder.decode(chunk, { stream: true });
        if (s) controller.enqueue(s);
      },
      flush(controller) {
        const s = decoder.decode();
        if (s) controller.enqueue(s);
      },
    });
  }

  get encoding(): string {
    return this.#decoder.encoding;
  }

  get fatal(): boolean {
    return this.#decoder.fatal;
  }

  get ignoreBOM(): boolean {
    return this.#decoder.ignoreBOM;
  }

  get readable() {
    return this.#transform.readable;
  }

  get writable() {
    return this.#transform.writable;
  }

  get [Symbol.toStringTag](): string {
    return "TextDecoderStream";
  }
}
