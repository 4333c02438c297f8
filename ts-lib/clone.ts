// structuredClone (HTML Standard §2.7.10) through V8's own serializer, so
// every type V8 can clone (Map, Set, Date, RegExp, typed arrays, errors,
// cycles, ...) round-trips exactly as in browsers.
//
// Limitation: the serializer op has no transfer list, so ArrayBuffers named
// in `options.transfer` are copied and the originals are NOT detached.

import { DOMException } from "./event.ts";
import { webOps } from "./web_ops.ts";
import { requireArgs } from "./webidl.ts";

export interface StructuredSerializeOptions {
  transfer?: unknown[];
}

export function structuredClone<T>(value: T, options?: StructuredSerializeOptions): T {
  requireArgs(arguments.length, 1, "structuredClone");
  if (options !== undefined && options !== null) {
    if (typeof options !== "object") throw new TypeError("structuredClone: options must be an object");
    const transfer = options.transfer;
    if (transfer !== undefined) {
      const seen = new Set<unknown>();
      for (const t of Array.from(transfer as Iterable<unknown>)) {
        // Only ArrayBuffers are transferable here (no MessagePort,
        // ImageBitmap or streams in a server runtime).
        if (!(t instanceof ArrayBuffer)) {
          throw new DOMException("structuredClone: value in the transfer list is not transferable", "DataCloneError");
        }
        if (seen.has(t)) {
          throw new DOMException("structuredClone: an ArrayBuffer is listed twice in the transfer list", "DataCloneError");
        }
        seen.add(t);
      }
    }
  }
  try {
    return webOps.structuredClone(value);
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
