// structuredClone (HTML Standard §2.7.10) through V8's own serializer, so
// every type V8 can clone (Map, Set, Date, RegExp, typed arrays, errors,
// cycles, ...) round-trips exactly as in browsers.
//
// ArrayBuffers named in `options.transfer` are detached once the clone is
// made (the engine's detachArrayBuffer op), as the specification's transfer
// does; the clone holds a copy of their bytes rather than the same memory,
// which no script can tell apart.

import { DOMException } from "./event.ts";
import { webOps } from "./web_ops.ts";
import { requireArgs } from "./webidl.ts";

export interface StructuredSerializeOptions {
  transfer?: unknown[];
}

export function structuredClone<T>(value: T, options?: StructuredSerializeOptions): T {
  requireArgs(arguments.length, 1, "structuredClone");
  const transferred = new Set<ArrayBuffer>();
  if (options !== undefined && options !== null) {
    if (typeof options !== "object") throw new TypeError("structuredClone: options must be an object");
    const transfer = options.transfer;
    if (transfer !== undefined) {
      for (const t of Array.from(transfer as Iterable<unknown>)) {
        // Only ArrayBuffers are transferable here (no MessagePort,
        // ImageBitmap or streams in a server runtime); a SharedArrayBuffer
        // is no ArrayBuffer.
        if (!(t instanceof ArrayBuffer)) {
          throw new DOMException("structuredClone: value in the transfer list is not transferable", "DataCloneError");
        }
        if (transferred.has(t)) {
          throw new DOMException("structuredClone: an ArrayBuffer is listed twice in the transfer list", "DataCloneError");
        }
        if ((t as ArrayBuffer & { detached: boolean }).detached) {
          throw new DOMException("structuredClone: an ArrayBuffer in the transfer list is detached", "DataCloneError");
        }
        transferred.add(t);
      }
    }
  }
  try {
    const clone = webOps.structuredClone(value);
    // Only after a clone that succeeded: a failure leaves every buffer usable.
    for (const buffer of transferred) {
      if (!webOps.detachArrayBuffer(buffer)) {
        throw new DOMException("structuredClone: an ArrayBuffer in the transfer list cannot be detached", "DataCloneError");
      }
    }
    return clone;
  } catch (e) {
    // V8 throws a plain Error ("#<Object> could not be cloned."); the web
    // platform promises a DOMException named DataCloneError.
    // Anything else (a throwing getter met while serializing) propagates
    // unchanged, as the spec's StructuredSerialize lets it.
    if (e instanceof Error && !(e instanceof DOMException) && /clone/i.test(e.message)) {
      throw new DOMException(e.message, "DataCloneError");
    }
    throw e;
  }
}
