// node:buffer (the implementation: internal/buffer.ts).
import * as impl from "./internal/buffer.ts";
import { shared } from "./internal/shared.ts";

const m = shared("buffer", impl);

export const {
  Buffer,
  SlowBuffer,
  kMaxLength,
  kStringMaxLength,
  constants,
  isUtf8,
  isAscii,
  transcode,
  resolveObjectURL,
  atob,
  btoa,
  Blob,
  File,
} = m;
export const INSPECT_MAX_BYTES = m.INSPECT_MAX_BYTES;
export default m.default;
