// node:path/win32
import { win32 } from "./path.ts";

export const {
  sep,
  delimiter,
  normalize,
  join,
  resolve,
  isAbsolute,
  relative,
  dirname,
  basename,
  extname,
  format,
  parse,
  toNamespacedPath,
  matchesGlob,
  posix,
} = win32;
export { win32 };
export default win32;
