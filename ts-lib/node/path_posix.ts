// node:path/posix
import { posix } from "./path.ts";

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
  win32,
} = posix;
export { posix };
export default posix;
