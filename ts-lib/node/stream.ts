// node:stream (the implementation: internal/stream.ts).
import * as m from "./internal/stream.ts";

export const {
  Stream,
  Readable,
  Writable,
  Duplex,
  Transform,
  PassThrough,
  pipeline,
  finished,
  addAbortSignal,
  compose,
  duplexPair,
  isReadable,
  isWritable,
  isErrored,
  isDisturbed,
  getDefaultHighWaterMark,
  setDefaultHighWaterMark,
  promises,
} = m;
export default m.default;
