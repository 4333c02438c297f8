// The shared half of node:fs and node:fs/promises: argument checks, the
// three ways a call runs (inline, callback, promise, the latter two on the
// worker pool through ts-lib/pool.ts), Stats, Dirent and the calls
// themselves as `Call`s. The Rust half is runtime/src/ops/fs.rs.

import { ops } from "../core_ops.ts";
import { onSettled, settled, syncOutcome } from "../pool.ts";
import { decode, encode, toBuffer } from "./bytes.ts";
import { checkCallback, invalidArgType, invalidArgValue, notImplemented, sysError } from "./errors.ts";
import { outOfRange } from "../node/internal/errors.ts";

export type PathLike = string | Uint8Array | URL;
export type Callback<T> = (err: Error | null, value?: T) => void;

/** One fs call: its Rust name and arguments, and how its value reaches the user. */
export interface Call<R> {
  name: string;
  args: unknown[];
  map?: (v: unknown) => R;
}

export function runSync<R>(c: Call<R>): R {
  const v = syncOutcome<unknown>(ops.fsCall(false, c.name, ...c.args) as boolean, sysError);
  return c.map ? c.map(v) : (v as R);
}

export function runAsync<R>(c: Call<R>): Promise<R> {
  const p = settled<unknown>(ops.fsCall(true, c.name, ...c.args) as number, sysError);
  return c.map ? p.then(c.map) : (p as Promise<R>);
}

/** The `map` of a call that yields nothing: its callback gets only `null`, as in Node. */
export const noValue = (): undefined => undefined;

export function runCallback<R>(c: Call<R>, cb: Callback<R>): void {
  onSettled(ops.fsCall(true, c.name, ...c.args) as number, (failed, v) => {
    if (failed) cb(sysError(v));
    else if ((c.map as unknown) === noValue) (cb as (e: null) => void)(null);
    else cb(null, c.map ? c.map(v) : (v as R));
  });
}

/**
 * The callback form of a call maker: the last argument is the callback,
 * the ones before it go to `make` (so optional options may be left out).
 */
export function callbackForm<R>(
  make: (...a: never[]) => Call<R>,
  extra?: (args: unknown[]) => unknown,
): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    const cb = args.pop();
    checkCallback(cb);
    const c = make(...(args as never[]));
    if (extra === undefined) return runCallback(c, cb as Callback<R>);
    // fs.read and fs.write call back with a third argument, the buffer.
    const more = extra(args);
    runCallback(c, (err, v) => (err ? (cb as Callback<R>)(err) : (cb as (e: null, v: R, m: unknown) => void)(null, v as R, more)));
  };
}

// ---- arguments ---------------------------------------------------------------

export function toPath(p: unknown, name = "path"): string {
  let s: string;
  if (typeof p === "string") s = p;
  else if (p instanceof URL) {
    if (p.protocol !== "file:") {
      const e = new TypeError("The URL must be of scheme file") as TypeError & { code: string };
      e.code = "ERR_INVALID_URL_SCHEME";
      throw e;
    }
    s = decodeURIComponent(p.pathname);
  } else if (p instanceof Uint8Array) s = new TextDecoder().decode(p);
  else throw invalidArgType(name, "of type string or an instance of Buffer or URL", p);
  if (s.includes("\u0000")) {
    throw invalidArgValue(name, s, "must be a string, Uint8Array, or URL without null bytes");
  }
  return s;
}

interface EncodingOptions {
  encoding?: string | null;
  flag?: string;
  mode?: number;
}

function options(o: unknown): EncodingOptions {
  if (o === undefined || o === null) return {};
  if (typeof o === "string") return { encoding: o };
  if (typeof o === "object") return o as EncodingOptions;
  throw invalidArgType("options", "one of type string or an instance of Object", o);
}

/** Data to write: strings in their encoding, bytes as they are. */
function data(d: unknown, encoding: string | null | undefined): unknown {
  if (typeof d === "string") return encode(d, encoding);
  if (ArrayBuffer.isView(d)) return d;
  throw invalidArgType(
    "data",
    "of type string or an instance of Buffer, TypedArray, or DataView",
    d,
  );
}

function mode(m: unknown, dflt: number): number {
  if (m === undefined || m === null) return dflt;
  if (typeof m === "string") return parseInt(m, 8);
  if (typeof m === "number" && Number.isInteger(m)) return m;
  throw invalidArgType("mode", "of type number", m);
}

// ---- Stats and Dirent ----------------------------------------------------------

const S_IFMT = 0o170000;

function dateFromMs(ms: number): Date {
  return new Date(Math.round(ms));
}

class StatsBase<N> {
  declare dev: N;
  declare mode: N;
  declare nlink: N;
  declare uid: N;
  declare gid: N;
  declare rdev: N;
  declare blksize: N;
  declare ino: N;
  declare size: N;
  declare blocks: N;
  isFile(): boolean {
    return this.kind() === 0o100000;
  }
  isDirectory(): boolean {
    return this.kind() === 0o040000;
  }
  isSymbolicLink(): boolean {
    return this.kind() === 0o120000;
  }
  isFIFO(): boolean {
    return this.kind() === 0o010000;
  }
  isSocket(): boolean {
    return this.kind() === 0o140000;
  }
  isCharacterDevice(): boolean {
    return this.kind() === 0o020000;
  }
  isBlockDevice(): boolean {
    return this.kind() === 0o060000;
  }
  private kind(): number {
    return Number(this.mode) & S_IFMT;
  }
}

const FIELDS = ["dev", "mode", "nlink", "uid", "gid", "rdev", "blksize", "ino", "size", "blocks"] as const;
const TIMES = ["atime", "mtime", "ctime", "birthtime"] as const;

export class Stats extends StatsBase<number> {
  declare atimeMs: number;
  declare mtimeMs: number;
  declare ctimeMs: number;
  declare birthtimeMs: number;
  declare atime: Date;
  declare mtime: Date;
  declare ctime: Date;
  declare birthtime: Date;
}

export class BigIntStats extends StatsBase<bigint> {
  declare atimeMs: bigint;
  declare mtimeMs: bigint;
  declare ctimeMs: bigint;
  declare birthtimeMs: bigint;
  declare atimeNs: bigint;
  declare mtimeNs: bigint;
  declare ctimeNs: bigint;
  declare birthtimeNs: bigint;
  declare atime: Date;
  declare mtime: Date;
  declare ctime: Date;
  declare birthtime: Date;
}

/** Stats from runtime/src/ops/fs.rs's array (see stat_array there). */
export function makeStats(v: unknown, bigint: boolean): Stats | BigIntStats {
  const a = v as number[];
  const o = (bigint ? new BigIntStats() : new Stats()) as unknown as Record<string, unknown>;
  FIELDS.forEach((f, i) => (o[f] = bigint ? BigInt(a[i]) : a[i]));
  const ms: number[] = [];
  TIMES.forEach((t, i) => {
    const s = a[10 + 2 * i];
    const ns = a[11 + 2 * i];
    ms.push(s * 1e3 + ns / 1e6);
    o[`${t}Ms`] = bigint ? BigInt(s) * 1000n + BigInt(Math.floor(ns / 1e6)) : s * 1e3 + ns / 1e6;
  });
  if (bigint) TIMES.forEach((t, i) => (o[`${t}Ns`] = BigInt(a[10 + 2 * i]) * 1_000_000_000n + BigInt(a[11 + 2 * i])));
  TIMES.forEach((t, i) => (o[t] = dateFromMs(ms[i])));
  return o as unknown as Stats | BigIntStats;
}

const kType = Symbol("type");

export class Dirent {
  name: string;
  parentPath: string;
  path: string;
  [kType]: number;
  constructor(name: string, type: number, parentPath: string) {
    this.name = name;
    this.parentPath = parentPath;
    this.path = parentPath;
    this[kType] = type;
  }
  isFile(): boolean {
    return this[kType] === 1;
  }
  isDirectory(): boolean {
    return this[kType] === 2;
  }
  isSymbolicLink(): boolean {
    return this[kType] === 3;
  }
  isFIFO(): boolean {
    return this[kType] === 4;
  }
  isSocket(): boolean {
    return this[kType] === 5;
  }
  isCharacterDevice(): boolean {
    return this[kType] === 6;
  }
  isBlockDevice(): boolean {
    return this[kType] === 7;
  }
}

// ---- the calls ---------------------------------------------------------------------

export function readFileCall(path: unknown, o?: unknown): Call<string | Uint8Array> {
  const opts = options(o);
  const enc = opts.encoding ?? null;
  const utf8 = enc !== null && /^utf-?8$/i.test(enc);
  return {
    name: "readFile",
    args: [typeof path === "number" ? checkFd(path) : toPath(path), utf8],
    map: (v) => (utf8 ? (v as string) : enc !== null ? decode(v as Uint8Array, enc) : toBuffer(v as Uint8Array)),
  };
}

export function writeFileCall(path: unknown, d: unknown, o?: unknown, append = false): Call<void> {
  const opts = options(o);
  return {
    name: "writeFile",
    args: [
      typeof path === "number" ? checkFd(path) : toPath(path),
      data(d, opts.encoding),
      checkFlags(opts.flag ?? (append ? "a" : "w")),
      mode(opts.mode, 0o666),
    ],
    map: noValue,
  };
}

export function statCall(path: unknown, o: unknown, follow: boolean): Call<Stats | BigIntStats> {
  const bigint = !!(o as { bigint?: boolean } | undefined)?.bigint;
  return { name: "stat", args: [toPath(path), follow], map: (v) => makeStats(v, bigint) };
}

export function fstatCall(fd: unknown, o?: unknown): Call<Stats | BigIntStats> {
  const bigint = !!(o as { bigint?: boolean } | undefined)?.bigint;
  return { name: "fstat", args: [checkFd(fd)], map: (v) => makeStats(v, bigint) };
}

export function readdirCall(path: unknown, o?: unknown): Call<unknown[]> {
  const opts = (typeof o === "string" ? { encoding: o } : (o ?? {})) as { withFileTypes?: boolean; recursive?: boolean };
  if (opts.recursive) throw invalidArgValue("options.recursive", true, "is not supported by Howth yet");
  const p = toPath(path);
  const types = !!opts.withFileTypes;
  return {
    name: "readdir",
    args: [p, types],
    map: (v) => {
      const a = v as unknown[];
      if (!types) return a;
      const out: Dirent[] = [];
      for (let i = 0; i < a.length; i += 2) out.push(new Dirent(a[i] as string, a[i + 1] as number, p));
      return out;
    },
  };
}

export function mkdirCall(path: unknown, o?: unknown): Call<string | undefined> {
  const opts = (typeof o === "number" || typeof o === "string" ? { mode: o } : (o ?? {})) as {
    recursive?: boolean;
    mode?: number;
  };
  return {
    name: "mkdir",
    args: [toPath(path), !!opts.recursive, mode(opts.mode, 0o777)],
    // Only a recursive mkdir calls back with a value (the first folder made).
    map: opts.recursive ? (v) => (v === null ? undefined : (v as string)) : noValue,
  };
}

export function mkdtempCall(prefix: unknown): Call<string> {
  if (typeof prefix !== "string") throw invalidArgType("prefix", "of type string", prefix);
  return { name: "mkdtemp", args: [prefix] };
}

export function rmCall(path: unknown, o?: unknown): Call<void> {
  const opts = (o ?? {}) as { recursive?: boolean; force?: boolean };
  return { name: "rm", args: [toPath(path), !!opts.recursive, !!opts.force], map: noValue };
}

export function rmdirCall(path: unknown, o?: unknown): Call<void> {
  const opts = (o ?? {}) as { recursive?: boolean };
  return { name: "rmdir", args: [toPath(path), !!opts.recursive], map: noValue };
}

export function simple(name: string, ...paths: unknown[]): Call<void> {
  const names = ["oldPath", "newPath"];
  return { name, args: paths.map((p, i) => toPath(p, paths.length > 1 ? names[i] : "path")), map: noValue };
}

export function cpCall(src: unknown, dest: unknown, o?: unknown): Call<void> {
  const opts = (o ?? {}) as { recursive?: boolean; force?: boolean; errorOnExist?: boolean; filter?: unknown };
  if (opts.filter !== undefined) throw notImplemented("fs.cp's filter option");
  return {
    name: "cp",
    args: [toPath(src, "src"), toPath(dest, "dest"), !!opts.recursive, opts.force ?? true, !!opts.errorOnExist],
    map: noValue,
  };
}

export function copyFileCall(src: unknown, dest: unknown, m?: unknown): Call<void> {
  return { name: "copyFile", args: [toPath(src, "src"), toPath(dest, "dest"), ((m as number) & 1) === 1], map: noValue };
}

export function symlinkCall(target: unknown, path: unknown): Call<void> {
  return { name: "symlink", args: [toPath(target, "target"), toPath(path)], map: noValue };
}

export function readlinkCall(path: unknown): Call<string> {
  return { name: "readlink", args: [toPath(path)] };
}

/** `native`: Node's realpath.native and promises report `realpath`, its JS one `lstat`. */
export function realpathCall(path: unknown, native: boolean): Call<string> {
  return { name: "realpath", args: [toPath(path), native ? "realpath" : "lstat"] };
}

export function accessCall(path: unknown, m?: unknown): Call<void> {
  return { name: "access", args: [toPath(path), mode(m, 0)], map: noValue };
}

export function chmodCall(path: unknown, m: unknown): Call<void> {
  if (m === undefined) throw invalidArgType("mode", "of type number", m);
  return { name: "chmod", args: [toPath(path), mode(m, 0)], map: noValue };
}

export function truncateCall(path: unknown, len?: unknown): Call<void> {
  return { name: "truncate", args: [toPath(path), typeof len === "number" ? len : 0], map: noValue };
}

function toSeconds(t: unknown, name: string): number {
  if (t instanceof Date) return t.getTime() / 1000;
  if (typeof t === "number") return t;
  if (typeof t === "string" && t.trim() !== "" && !Number.isNaN(Number(t))) return Number(t);
  throw invalidArgType(name, "of type number or an instance of Date", t);
}

export function utimesCall(path: unknown, atime: unknown, mtime: unknown): Call<void> {
  return { name: "utimes", args: [toPath(path), toSeconds(atime, "atime"), toSeconds(mtime, "mtime")], map: noValue };
}

export function checkFd(fd: unknown): number {
  if (typeof fd !== "number") throw invalidArgType("fd", "of type number", fd);
  if (!Number.isInteger(fd)) throw outOfRange("fd", "an integer", fd);
  if (fd < 0 || fd > 2147483647) throw outOfRange("fd", ">= 0 && <= 2147483647", fd);
  return fd;
}

const FLAGS = new Set(["r", "rs", "sr", "r+", "rs+", "sr+", "w", "wx", "xw", "w+", "wx+", "xw+", "a", "as", "sa", "ax", "xa", "a+", "as+", "sa+", "ax+", "xa+"]);

function checkFlags(flags: unknown): string {
  const f = flags === undefined || flags === null ? "r" : flags;
  if (typeof f !== "string" || !FLAGS.has(f)) throw invalidArgValue("flags", f);
  return f;
}

export function ftruncateCall(fd: unknown, len?: unknown): Call<void> {
  return { name: "ftruncate", args: [checkFd(fd), typeof len === "number" ? len : 0], map: noValue };
}

export function openCall(path: unknown, flags?: unknown, m?: unknown): Call<number> {
  const f = checkFlags(flags);
  return { name: "open", args: [toPath(path), f, mode(m, 0o666)] };
}

/** fsync or fdatasync of an open file. */
export function syncCall(name: "fsync" | "fdatasync", fd: unknown): Call<void> {
  return { name, args: [checkFd(fd)], map: noValue };
}

export function closeCall(fd: unknown): Call<void> {
  return { name: "close", args: [checkFd(fd)], map: noValue };
}

/** `read(fd, buffer, offset, length, position)`: copies into `buffer`, gives the count. */
export function readCall(fd: unknown, buffer: Uint8Array, offset = 0, length?: number, position?: number | null): Call<number> {
  if (!ArrayBuffer.isView(buffer)) throw invalidArgType("buffer", "an instance of Buffer, TypedArray, or DataView", buffer);
  const len = length ?? buffer.byteLength - offset;
  return {
    name: "read",
    args: [checkFd(fd), len, position ?? -1],
    map: (v) => {
      const got = v as Uint8Array;
      new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength).set(got, offset);
      return got.length;
    },
  };
}

/** `write(fd, data, ...)`: the byte count written. */
export function writeCall(fd: unknown, d: unknown, a?: unknown, b?: unknown, c?: unknown): Call<number> {
  let bytes: unknown;
  let position: unknown;
  if (typeof d === "string") {
    // write(fd, string, position?, encoding?)
    bytes = encode(d, b as string | undefined);
    position = a;
  } else if (ArrayBuffer.isView(d)) {
    // write(fd, buffer, offset?, length?, position?)
    const u8 = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    const off = (a as number | undefined) ?? 0;
    const len = (b as number | undefined) ?? u8.length - off;
    bytes = u8.subarray(off, off + len);
    position = c;
  } else {
    throw invalidArgType("buffer", "of type string or an instance of Buffer, TypedArray, or DataView", d);
  }
  return { name: "write", args: [checkFd(fd), bytes, typeof position === "number" ? position : -1] };
}

export const constants = Object.freeze({
  UV_FS_SYMLINK_DIR: 1,
  UV_FS_SYMLINK_JUNCTION: 2,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  UV_DIRENT_UNKNOWN: 0,
  UV_DIRENT_FILE: 1,
  UV_DIRENT_DIR: 2,
  UV_DIRENT_LINK: 3,
  UV_DIRENT_FIFO: 4,
  UV_DIRENT_SOCKET: 5,
  UV_DIRENT_CHAR: 6,
  UV_DIRENT_BLOCK: 7,
  S_IFMT: 61440,
  S_IFREG: 32768,
  S_IFDIR: 16384,
  S_IFCHR: 8192,
  S_IFBLK: 24576,
  S_IFIFO: 4096,
  S_IFLNK: 40960,
  S_IFSOCK: 49152,
  O_CREAT: 64,
  O_EXCL: 128,
  UV_FS_O_FILEMAP: 0,
  O_NOCTTY: 256,
  O_TRUNC: 512,
  O_APPEND: 1024,
  O_DIRECTORY: 65536,
  O_NOATIME: 262144,
  O_NOFOLLOW: 131072,
  O_SYNC: 1052672,
  O_DSYNC: 4096,
  O_DIRECT: 16384,
  O_NONBLOCK: 2048,
  S_IRWXU: 448,
  S_IRUSR: 256,
  S_IWUSR: 128,
  S_IXUSR: 64,
  S_IRWXG: 56,
  S_IRGRP: 32,
  S_IWGRP: 16,
  S_IXGRP: 8,
  S_IRWXO: 7,
  S_IROTH: 4,
  S_IWOTH: 2,
  S_IXOTH: 1,
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  UV_FS_COPYFILE_EXCL: 1,
  COPYFILE_EXCL: 1,
  UV_FS_COPYFILE_FICLONE: 2,
  COPYFILE_FICLONE: 2,
  UV_FS_COPYFILE_FICLONE_FORCE: 4,
  COPYFILE_FICLONE_FORCE: 4,
});
