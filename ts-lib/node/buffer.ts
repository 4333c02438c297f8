// node:buffer (the implementation: internal/buffer.ts).
import * as m from "./internal/buffer.ts";

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
