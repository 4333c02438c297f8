// node:stream (the implementation: internal/stream.ts).
import * as impl from "./internal/stream.ts";
import { shared } from "./internal/shared.ts";

const m = shared("stream", impl);

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
