// node:path, POSIX and Windows flavours. Paths are split into a root and
// segments, the segments normalised on an array; the few places where
// Node's output depends on its character scan (dirname of a run of
// slashes, basename with a suffix, extname of dot files) follow that scan
// exactly, since code compares these strings.

import { invalidArgType } from "./internal/errors.ts";

export interface ParsedPath {
  root: string;
  dir: string;
  base: string;
  ext: string;
  name: string;
}

export interface FormatInputPathObject {
  root?: string;
  dir?: string;
  base?: string;
  ext?: string;
  name?: string;
}

export interface PlatformPath {
  sep: "/" | "\\";
  delimiter: ":" | ";";
  normalize(p: string): string;
  join(...paths: string[]): string;
  resolve(...paths: string[]): string;
  isAbsolute(p: string): boolean;
  relative(from: string, to: string): string;
  dirname(p: string): string;
  basename(p: string, suffix?: string): string;
  extname(p: string): string;
  format(p: FormatInputPathObject): string;
  parse(p: string): ParsedPath;
  toNamespacedPath(p: string): string;
  matchesGlob(path: string, pattern: string): boolean;
  posix: PlatformPath;
  win32: PlatformPath;
}

function checkString(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") throw invalidArgType(name, "of type string", value);
}

function cwd(): string {
  const p = (globalThis as { process?: { cwd(): string } }).process;
  return p ? p.cwd() : "/";
}

/** Segments with "." dropped and ".." applied; above the root only when allowed. */
function normalizeSegments(parts: string[], allowAboveRoot: boolean): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (allowAboveRoot) out.push("..");
    } else out.push(part);
  }
  return out;
}

// ---- the scans shared by both flavours ------------------------------------------

type IsSep = (c: number) => boolean;

/** basename of path[start:], with Node's suffix matching. */
function basenameScan(path: string, start: number, suffix: string | undefined, isSep: IsSep): string {
  let end = -1;
  let from = start;
  let matchedSlash = true;
  if (suffix !== undefined && suffix.length > 0 && suffix.length <= path.length - start) {
    if (suffix === path.slice(start)) return "";
    let extIdx = suffix.length - 1;
    let firstNonSlashEnd = -1;
    for (let i = path.length - 1; i >= start; --i) {
      const c = path.charCodeAt(i);
      if (isSep(c)) {
        if (!matchedSlash) {
          from = i + 1;
          break;
        }
        continue;
      }
      if (firstNonSlashEnd === -1) {
        matchedSlash = false;
        firstNonSlashEnd = i + 1;
      }
      if (extIdx >= 0) {
        if (c === suffix.charCodeAt(extIdx)) {
          if (--extIdx === -1) end = i;
        } else {
          extIdx = -1;
          end = firstNonSlashEnd;
        }
      }
    }
    if (from === end) end = firstNonSlashEnd;
    else if (end === -1) end = path.length;
    return path.slice(from, end);
  }
  for (let i = path.length - 1; i >= start; --i) {
    if (isSep(path.charCodeAt(i))) {
      if (!matchedSlash) {
        from = i + 1;
        break;
      }
    } else if (end === -1) {
      matchedSlash = false;
      end = i + 1;
    }
  }
  return end === -1 ? "" : path.slice(from, end);
}

/** The extension of a base name: from its last dot, unless that dot starts the name or the name is "..". */
function extOf(base: string): string {
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || base === "..") return "";
  // A name made only of dots before the last one ("..a") still has ".a".
  return base.slice(dot);
}

/** Where the last separator before the base name is, in path[start:]; -1 when none. */
function dirEnd(path: string, start: number, isSep: IsSep): number {
  let matchedSlash = true;
  for (let i = path.length - 1; i >= start; --i) {
    if (isSep(path.charCodeAt(i))) {
      if (!matchedSlash) return i;
    } else matchedSlash = false;
  }
  return -1;
}

// ---- POSIX ----------------------------------------------------------------------

const isPosixSep: IsSep = (c) => c === 47;

function posixNormalize(path: string): string {
  checkString(path, "path");
  if (path.length === 0) return ".";
  const abs = path.charCodeAt(0) === 47;
  const trailing = path.charCodeAt(path.length - 1) === 47;
  let p = normalizeSegments(path.split("/"), !abs).join("/");
  if (p.length === 0) {
    if (abs) return "/";
    return trailing ? "./" : ".";
  }
  if (trailing) p += "/";
  return abs ? `/${p}` : p;
}

function posixResolve(...args: string[]): string {
  let resolved = "";
  let abs = false;
  for (let i = args.length - 1; i >= -1 && !abs; i--) {
    const path = i >= 0 ? args[i] : cwd();
    checkString(path, `paths[${i}]`);
    if (path.length === 0) continue;
    resolved = `${path}/${resolved}`;
    abs = path.charCodeAt(0) === 47;
  }
  const p = normalizeSegments(resolved.split("/"), !abs).join("/");
  if (abs) return `/${p}`;
  return p.length > 0 ? p : ".";
}

function posixJoin(...args: string[]): string {
  if (args.length === 0) return ".";
  const parts: string[] = [];
  for (const a of args) {
    checkString(a, "path");
    if (a.length > 0) parts.push(a);
  }
  return parts.length === 0 ? "." : posixNormalize(parts.join("/"));
}

function posixRelative(from: string, to: string): string {
  checkString(from, "from");
  checkString(to, "to");
  if (from === to) return "";
  const f = posixResolve(from).split("/").filter(Boolean);
  const t = posixResolve(to).split("/").filter(Boolean);
  let i = 0;
  while (i < f.length && i < t.length && f[i] === t[i]) i++;
  return [...Array(f.length - i).fill(".."), ...t.slice(i)].join("/");
}

function posixDirname(path: string): string {
  checkString(path, "path");
  if (path.length === 0) return ".";
  const hasRoot = path.charCodeAt(0) === 47;
  const end = dirEnd(path, 1, isPosixSep);
  if (end === -1) return hasRoot ? "/" : ".";
  if (hasRoot && end === 1) return "//";
  return path.slice(0, end);
}

function posixBasename(path: string, suffix?: string): string {
  if (suffix !== undefined) checkString(suffix, "suffix");
  checkString(path, "path");
  return basenameScan(path, 0, suffix, isPosixSep);
}

function posixExtname(path: string): string {
  checkString(path, "path");
  return extOf(basenameScan(path, 0, undefined, isPosixSep));
}

function posixParse(path: string): ParsedPath {
  checkString(path, "path");
  const ret: ParsedPath = { root: "", dir: "", base: "", ext: "", name: "" };
  if (path.length === 0) return ret;
  const abs = path.charCodeAt(0) === 47;
  if (abs) ret.root = "/";
  ret.base = basenameScan(path, 0, undefined, isPosixSep);
  // (Node's parse, unlike its extname, splits a rooted ".." as "." + ".".)
  ret.ext = abs && ret.base === ".." && path.length > 2 ? "." : extOf(ret.base);
  ret.name = ret.ext ? ret.base.slice(0, ret.base.length - ret.ext.length) : ret.base;
  const end = dirEnd(path, abs ? 1 : 0, isPosixSep);
  if (end > 0) ret.dir = path.slice(0, end);
  else if (abs) ret.dir = "/";
  return ret;
}

function formatWith(sep: string, p: FormatInputPathObject): string {
  if (p === null || typeof p !== "object") throw invalidArgType("pathObject", "of type object", p);
  const dir = p.dir || p.root;
  const ext = p.ext ? (p.ext[0] === "." ? p.ext : `.${p.ext}`) : "";
  const base = p.base || `${p.name || ""}${ext}`;
  if (!dir) return base;
  return dir === p.root ? `${dir}${base}` : `${dir}${sep}${base}`;
}

/** Node 22's path.matchesGlob: *, ?, ** and [...] classes, as minimatch's basic set. */
function globToRegExp(pattern: string, sep: string): RegExp {
  let re = "";
  const s = sep === "\\" ? "[\\\\/]" : "\\/";
  const notSep = sep === "\\" ? "[^\\\\/]" : "[^/]";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += `(?:${notSep}*${s})*`;
        } else re += ".*";
      } else re += `${notSep}*`;
    } else if (c === "?") re += notSep;
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close === -1) re += "\\[";
      else {
        let cls = pattern.slice(i + 1, close);
        if (cls[0] === "!") cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else if (c === "/" || (sep === "\\" && c === "\\")) re += s;
    else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function matchesGlobWith(sep: string, path: string, pattern: string): boolean {
  checkString(path, "path");
  checkString(pattern, "pattern");
  return globToRegExp(pattern, sep).test(path);
}

export const posix: PlatformPath = {
  sep: "/",
  delimiter: ":",
  normalize: posixNormalize,
  join: posixJoin,
  resolve: posixResolve,
  isAbsolute(path: string): boolean {
    checkString(path, "path");
    return path.length > 0 && path.charCodeAt(0) === 47;
  },
  relative: posixRelative,
  dirname: posixDirname,
  basename: posixBasename,
  extname: posixExtname,
  format: (p) => formatWith("/", p),
  parse: posixParse,
  toNamespacedPath: (p) => p,
  matchesGlob: (path, pattern) => matchesGlobWith("/", path, pattern),
  posix: undefined as unknown as PlatformPath,
  win32: undefined as unknown as PlatformPath,
};

// ---- Windows ----------------------------------------------------------------------

const isWinSep: IsSep = (c) => c === 47 || c === 92;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The root of a Windows path: "C:", "C:\\", "\\\\server\\share\\", "\\" or ""; and whether it is absolute. */
function winRoot(path: string): { device: string; rootEnd: number; absolute: boolean } {
  const len = path.length;
  if (len === 0) return { device: "", rootEnd: 0, absolute: false };
  const c0 = path.charCodeAt(0);
  if (isWinSep(c0)) {
    if (len > 1 && isWinSep(path.charCodeAt(1))) {
      // UNC: \\server\share
      let j = 2;
      while (j < len && !isWinSep(path.charCodeAt(j))) j++;
      if (j < len && j !== 2) {
        const server = path.slice(2, j);
        let k = j;
        while (k < len && isWinSep(path.charCodeAt(k))) k++;
        if (k < len && k !== j) {
          let m = k;
          while (m < len && !isWinSep(path.charCodeAt(m))) m++;
          const share = path.slice(k, m);
          // The root takes the separator after the share when there is one.
          if (m !== k) return { device: `\\\\${server}\\${share}`, rootEnd: m === len ? m : m + 1, absolute: true };
        }
      }
    }
    return { device: "", rootEnd: 1, absolute: true };
  }
  if (isLetter(c0) && len > 1 && path.charCodeAt(1) === 58) {
    const device = path.slice(0, 2);
    if (len > 2 && isWinSep(path.charCodeAt(2))) return { device, rootEnd: 3, absolute: true };
    return { device, rootEnd: 2, absolute: false };
  }
  return { device: "", rootEnd: 0, absolute: false };
}

function winNormalize(path: string): string {
  checkString(path, "path");
  if (path.length === 0) return ".";
  const { device, rootEnd, absolute } = winRoot(path);
  if (path.length === 1 && isWinSep(path.charCodeAt(0))) return "\\";
  const rest = path.slice(rootEnd);
  let tail = normalizeSegments(rest.split(/[\\/]+/), !absolute).join("\\");
  if (tail.length === 0 && !absolute) tail = ".";
  if (tail.length > 0 && rest.length > 0 && isWinSep(path.charCodeAt(path.length - 1))) tail += "\\";
  const isUnc = device.startsWith("\\\\");
  if (isUnc) return absolute ? `${device}\\${tail}` : `${device}${tail}`;
  return absolute ? `${device}\\${tail}` : `${device}${tail}`;
}

function winResolve(...args: string[]): string {
  let resolvedDevice = "";
  let resolvedTail = "";
  let resolvedAbsolute = false;
  for (let i = args.length - 1; i >= -1; i--) {
    let path: string;
    if (i >= 0) {
      path = args[i];
      checkString(path, `paths[${i}]`);
      if (path.length === 0) continue;
    } else if (resolvedDevice.length === 0) {
      path = cwd();
    } else {
      // The drive's own working directory is unknown here: its root.
      path = `${resolvedDevice}\\`;
    }
    const { device, rootEnd, absolute } = winRoot(path);
    if (device.length > 0 && resolvedDevice.length > 0 && device.toLowerCase() !== resolvedDevice.toLowerCase()) continue;
    if (resolvedDevice.length === 0 && device.length > 0) resolvedDevice = device;
    if (!resolvedAbsolute) {
      resolvedTail = `${path.slice(rootEnd)}\\${resolvedTail}`;
      resolvedAbsolute = absolute;
    }
    if (resolvedAbsolute && resolvedDevice.length > 0) break;
  }
  const tail = normalizeSegments(resolvedTail.split(/[\\/]+/), !resolvedAbsolute).join("\\");
  if (resolvedAbsolute) return `${resolvedDevice}\\${tail}`;
  return `${resolvedDevice}${tail}` || ".";
}

function winJoin(...args: string[]): string {
  if (args.length === 0) return ".";
  let joined: string | undefined;
  let first = "";
  for (const a of args) {
    checkString(a, "path");
    if (a.length > 0) {
      if (joined === undefined) joined = first = a;
      else joined += `\\${a}`;
    }
  }
  if (joined === undefined) return ".";
  // A first part that looks like a UNC root keeps it; otherwise leading
  // separators collapse to one so the join cannot invent a UNC path.
  let needsReplace = true;
  let slashCount = 0;
  if (isWinSep(first.charCodeAt(0))) {
    ++slashCount;
    if (first.length > 1 && isWinSep(first.charCodeAt(1))) {
      ++slashCount;
      if (first.length > 2) {
        if (isWinSep(first.charCodeAt(2))) ++slashCount;
        else needsReplace = false;
      }
    }
  }
  if (needsReplace) {
    while (slashCount < joined.length && isWinSep(joined.charCodeAt(slashCount))) slashCount++;
    if (slashCount >= 2) joined = `\\${joined.slice(slashCount)}`;
  }
  return winNormalize(joined);
}

function winRelative(from: string, to: string): string {
  checkString(from, "from");
  checkString(to, "to");
  if (from === to) return "";
  const f = winResolve(from), t = winResolve(to);
  if (f === t || f.toLowerCase() === t.toLowerCase()) return "";
  const fp = f.split("\\").filter(Boolean), tp = t.split("\\").filter(Boolean);
  let i = 0;
  while (i < fp.length && i < tp.length && fp[i].toLowerCase() === tp[i].toLowerCase()) i++;
  if (i === 0) return t;
  return [...Array(fp.length - i).fill(".."), ...tp.slice(i)].join("\\");
}

function winDirname(path: string): string {
  checkString(path, "path");
  if (path.length === 0) return ".";
  const { rootEnd } = winRoot(path);
  if (rootEnd === path.length) return path;
  const end = dirEnd(path, rootEnd, isWinSep);
  if (end === -1) return rootEnd === 0 ? "." : path.slice(0, rootEnd);
  return path.slice(0, end === 0 && rootEnd === 0 ? end : Math.max(end, rootEnd));
}

function winBaseStart(path: string): number {
  const { device, rootEnd } = winRoot(path);
  // Only a drive letter (not a UNC share) is skipped before the scan.
  void rootEnd;
  return device.length === 2 && !device.startsWith("\\") ? 2 : 0;
}

function winBasename(path: string, suffix?: string): string {
  if (suffix !== undefined) checkString(suffix, "suffix");
  checkString(path, "path");
  return basenameScan(path, winBaseStart(path), suffix, isWinSep);
}

function winExtname(path: string): string {
  checkString(path, "path");
  return extOf(basenameScan(path, winBaseStart(path), undefined, isWinSep));
}

function winParse(path: string): ParsedPath {
  checkString(path, "path");
  const ret: ParsedPath = { root: "", dir: "", base: "", ext: "", name: "" };
  if (path.length === 0) return ret;
  const { rootEnd } = winRoot(path);
  ret.root = path.slice(0, rootEnd);
  if (rootEnd === path.length) {
    ret.dir = ret.root;
    return ret;
  }
  ret.base = basenameScan(path, rootEnd, undefined, isWinSep);
  ret.ext = extOf(ret.base);
  ret.name = ret.ext ? ret.base.slice(0, ret.base.length - ret.ext.length) : ret.base;
  const end = dirEnd(path, rootEnd, isWinSep);
  ret.dir = end > rootEnd ? path.slice(0, end) : ret.root;
  return ret;
}

export const win32: PlatformPath = {
  sep: "\\",
  delimiter: ";",
  normalize: winNormalize,
  join: winJoin,
  resolve: winResolve,
  isAbsolute(path: string): boolean {
    checkString(path, "path");
    return winRoot(path).absolute;
  },
  relative: winRelative,
  dirname: winDirname,
  basename: winBasename,
  extname: winExtname,
  format: (p) => formatWith("\\", p),
  parse: winParse,
  toNamespacedPath(path: string): string {
    if (typeof path !== "string" || path.length === 0) return path;
    const resolved = winResolve(path);
    if (resolved.length <= 2) return path;
    if (resolved.startsWith("\\\\")) {
      if (resolved[2] !== "?" && resolved[2] !== ".") return `\\\\?\\UNC\\${resolved.slice(2)}`;
    } else if (isLetter(resolved.charCodeAt(0)) && resolved[1] === ":" && resolved[2] === "\\") {
      return `\\\\?\\${resolved}`;
    }
    return path;
  },
  matchesGlob: (path, pattern) => matchesGlobWith("\\", path, pattern),
  posix: undefined as unknown as PlatformPath,
  win32: undefined as unknown as PlatformPath,
};

posix.posix = win32.posix = posix;
posix.win32 = win32.win32 = win32;

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
} = posix;

export default posix;
