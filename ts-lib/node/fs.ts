// node:fs: the synchronous forms run inline on the loop's thread, as in
// Node; the callback forms run on the worker pool and call back from the
// loop. The calls themselves are in ../nodeio/fs_core.ts, the Rust half in
// runtime/src/ops/fs.rs.

import * as core from "../nodeio/fs_core.ts";
import { callbackForm as cbForm, runSync as run } from "../nodeio/fs_core.ts";
import { checkCallback, notImplemented } from "../nodeio/errors.ts";
import promises from "./fs_promises.ts";
import { ReadStream, createReadStream } from "../nodeio/fs_read_stream.ts";

export { ReadStream, createReadStream };

export const { constants, Stats, BigIntStats, Dirent } = core;
export const { F_OK, R_OK, W_OK, X_OK } = core.constants;
export { promises };

export const readFileSync = (path: core.PathLike | number, options?: unknown) => run(core.readFileCall(path, options));
export const writeFileSync = (path: core.PathLike, data: unknown, options?: unknown) =>
  run(core.writeFileCall(path, data, options));
export const appendFileSync = (path: core.PathLike, data: unknown, options?: unknown) =>
  run(core.writeFileCall(path, data, options, true));
export const statSync = (path: core.PathLike, options?: unknown) => {
  try {
    return run(core.statCall(path, options, true));
  } catch (e) {
    if ((options as { throwIfNoEntry?: boolean } | undefined)?.throwIfNoEntry === false && (e as { code?: string }).code === "ENOENT") return undefined;
    throw e;
  }
};
export const lstatSync = (path: core.PathLike, options?: unknown) => {
  try {
    return run(core.statCall(path, options, false));
  } catch (e) {
    if ((options as { throwIfNoEntry?: boolean } | undefined)?.throwIfNoEntry === false && (e as { code?: string }).code === "ENOENT") return undefined;
    throw e;
  }
};
export const fstatSync = (fd: number, options?: unknown) => run(core.fstatCall(fd, options));
export const readdirSync = (path: core.PathLike, options?: unknown) => run(core.readdirCall(path, options));
export const mkdirSync = (path: core.PathLike, options?: unknown) => run(core.mkdirCall(path, options));
export const mkdtempSync = (prefix: string) => run(core.mkdtempCall(prefix));
export const rmSync = (path: core.PathLike, options?: unknown) => run(core.rmCall(path, options));
export const rmdirSync = (path: core.PathLike, options?: unknown) => run(core.rmdirCall(path, options));
export const unlinkSync = (path: core.PathLike) => run(core.simple("unlink", path));
export const renameSync = (oldPath: core.PathLike, newPath: core.PathLike) => run(core.simple("rename", oldPath, newPath));
export const cpSync = (src: core.PathLike, dest: core.PathLike, options?: unknown) => run(core.cpCall(src, dest, options));
export const copyFileSync = (src: core.PathLike, dest: core.PathLike, mode?: number) => run(core.copyFileCall(src, dest, mode));
export const symlinkSync = (target: core.PathLike, path: core.PathLike) => run(core.symlinkCall(target, path));
export const readlinkSync = (path: core.PathLike) => run(core.readlinkCall(path));
export const realpathSync = Object.assign((path: core.PathLike) => run(core.realpathCall(path, false)), {
  native: (path: core.PathLike) => run(core.realpathCall(path, true)),
});
export const accessSync = (path: core.PathLike, mode?: number) => run(core.accessCall(path, mode));
export const existsSync = (path: unknown): boolean => {
  let p: string;
  try {
    p = core.toPath(path);
  } catch {
    return false;
  }
  return run<boolean>({ name: "exists", args: [p] });
};
export const chmodSync = (path: core.PathLike, mode: number | string) => run(core.chmodCall(path, mode));
export const truncateSync = (path: core.PathLike, len?: number) => run(core.truncateCall(path, len));
export const utimesSync = (path: core.PathLike, atime: unknown, mtime: unknown) => run(core.utimesCall(path, atime, mtime));
export const openSync = (path: core.PathLike, flags?: string, mode?: number) => run(core.openCall(path, flags, mode));
export const closeSync = (fd: number) => run(core.closeCall(fd));
export const ftruncateSync = (fd: number, len?: number) => run(core.ftruncateCall(fd, len));
export const fsyncSync = (fd: number) => run(core.syncCall("fsync", fd));
export const fdatasyncSync = (fd: number) => run(core.syncCall("fdatasync", fd));
export const readSync = (fd: number, buffer: Uint8Array, offset?: number, length?: number, position?: number | null) =>
  run(core.readCall(fd, buffer, offset, length, position));
export const writeSync = (fd: number, data: unknown, a?: unknown, b?: unknown, c?: unknown) =>
  run(core.writeCall(fd, data, a, b, c));

export const readFile = cbForm(core.readFileCall);
export const writeFile = cbForm(core.writeFileCall);
export const appendFile = cbForm((path: unknown, data: unknown, options?: unknown) => core.writeFileCall(path, data, options, true));
export const stat = cbForm((path: unknown, options?: unknown) => core.statCall(path, options, true));
export const lstat = cbForm((path: unknown, options?: unknown) => core.statCall(path, options, false));
export const fstat = cbForm(core.fstatCall);
export const readdir = cbForm(core.readdirCall);
export const mkdir = cbForm(core.mkdirCall);
export const mkdtemp = cbForm(core.mkdtempCall);
export const rm = cbForm(core.rmCall);
export const rmdir = cbForm(core.rmdirCall);
export const unlink = cbForm((path: unknown) => core.simple("unlink", path));
export const rename = cbForm((a: unknown, b: unknown) => core.simple("rename", a, b));
export const copyFile = cbForm(core.copyFileCall);
export const cp = cbForm(core.cpCall);
export const symlink = cbForm(core.symlinkCall);
export const readlink = cbForm(core.readlinkCall);
export const realpath = Object.assign(
  cbForm((path: unknown) => core.realpathCall(path, false)),
  { native: cbForm((path: unknown) => core.realpathCall(path, true)) },
);
export const access = cbForm(core.accessCall);
export const chmod = cbForm(core.chmodCall);
export const truncate = cbForm(core.truncateCall);
export const utimes = cbForm(core.utimesCall);
export const open = cbForm(core.openCall);
export const close = cbForm(core.closeCall);
export const read = cbForm(core.readCall, (args) => args[1]);
export const write = cbForm(core.writeCall, (args) => args[1]);
export const ftruncate = cbForm(core.ftruncateCall);
export const fsync = cbForm((fd: unknown) => core.syncCall("fsync", fd));
export const fdatasync = cbForm((fd: unknown) => core.syncCall("fdatasync", fd));

/** `exists(path, cb)`: deprecated in Node, and its callback gets only a boolean. */
export function exists(path: unknown, cb: (exists: boolean) => void): void {
  checkCallback(cb);
  let p: string;
  try {
    p = core.toPath(path);
  } catch {
    queueMicrotask(() => cb(false));
    return;
  }
  core.runCallback<boolean>({ name: "exists", args: [p] }, (_e, v) => cb(!!v));
}

function missing(name: string) {
  return (..._args: unknown[]): never => {
    throw notImplemented(`fs.${name}`);
  };
}

export const watch = missing("watch");
export const watchFile = missing("watchFile");
export const unwatchFile = missing("unwatchFile");
export const createWriteStream = missing("createWriteStream");

export default {
  constants, Stats, BigIntStats, Dirent, F_OK, R_OK, W_OK, X_OK, promises,
  readFileSync, writeFileSync, appendFileSync, statSync, lstatSync, fstatSync, readdirSync, mkdirSync,
  mkdtempSync, rmSync, rmdirSync, unlinkSync, renameSync, copyFileSync, symlinkSync, readlinkSync,
  realpathSync, accessSync, existsSync, chmodSync, truncateSync, utimesSync, openSync, closeSync, readSync,
  writeSync, ftruncateSync, ftruncate, fsyncSync, fdatasyncSync, fsync, fdatasync, readFile, writeFile, appendFile, stat, lstat, fstat, readdir, mkdir, mkdtemp, rm, rmdir, unlink,
  rename, copyFile, symlink, readlink, realpath, access, chmod, truncate, utimes, open, close, read, write,
  exists, watch, watchFile, unwatchFile, createReadStream, ReadStream, createWriteStream, cp, cpSync,
};
