// node:fs/promises: every call runs on the worker pool; its promise settles
// from the loop. FileHandle wraps a descriptor from `open`.

import * as core from "../nodeio/fs_core.ts";
import { runAsync as run } from "../nodeio/fs_core.ts";
import { notImplemented } from "../nodeio/errors.ts";

export const constants = core.constants;

export class FileHandle {
  readonly fd: number;
  constructor(fd: number) {
    this.fd = fd;
  }
  readFile(options?: unknown): Promise<string | Uint8Array> {
    return readWhole(this.fd, options);
  }
  writeFile(data: unknown, options?: unknown): Promise<void> {
    return this.write(data as Uint8Array, undefined, undefined, undefined, options).then(() => undefined);
  }
  async read(buffer?: Uint8Array, offset?: number, length?: number, position?: number | null) {
    const buf = buffer ?? new Uint8Array(16384);
    const bytesRead = await run(core.readCall(this.fd, buf, offset ?? 0, length, position));
    return { bytesRead, buffer: buf };
  }
  async write(data: unknown, a?: unknown, b?: unknown, c?: unknown, _options?: unknown) {
    const bytesWritten = await run(core.writeCall(this.fd, data, a, b, c));
    return { bytesWritten, buffer: data };
  }
  truncate(len?: number): Promise<void> {
    return run(core.ftruncateCall(this.fd, len));
  }
  sync(): Promise<void> {
    return run(core.syncCall("fsync", this.fd));
  }
  datasync(): Promise<void> {
    return run(core.syncCall("fdatasync", this.fd));
  }
  stat(options?: unknown) {
    return run(core.fstatCall(this.fd, options));
  }
  close(): Promise<void> {
    return run(core.closeCall(this.fd));
  }
}

async function readWhole(fd: number, options?: unknown): Promise<string | Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const buf = new Uint8Array(65536);
    const n = await run(core.readCall(fd, buf, 0, buf.length, null));
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const enc = typeof options === "string" ? options : (options as { encoding?: string } | undefined)?.encoding;
  return enc ? new TextDecoder().decode(all) : all;
}

export const readFile = (path: core.PathLike | FileHandle, options?: unknown) =>
  path instanceof FileHandle ? path.readFile(options) : run(core.readFileCall(path, options));
export const writeFile = (path: core.PathLike, data: unknown, options?: unknown) => run(core.writeFileCall(path, data, options));
export const appendFile = (path: core.PathLike, data: unknown, options?: unknown) =>
  run(core.writeFileCall(path, data, options, true));
export const stat = (path: core.PathLike, options?: unknown) => run(core.statCall(path, options, true));
export const lstat = (path: core.PathLike, options?: unknown) => run(core.statCall(path, options, false));
export const readdir = (path: core.PathLike, options?: unknown) => run(core.readdirCall(path, options));
export const mkdir = (path: core.PathLike, options?: unknown) => run(core.mkdirCall(path, options));
export const mkdtemp = (prefix: string) => run(core.mkdtempCall(prefix));
export const rm = (path: core.PathLike, options?: unknown) => run(core.rmCall(path, options));
export const rmdir = (path: core.PathLike, options?: unknown) => run(core.rmdirCall(path, options));
export const unlink = (path: core.PathLike) => run(core.simple("unlink", path));
export const rename = (oldPath: core.PathLike, newPath: core.PathLike) => run(core.simple("rename", oldPath, newPath));
export const copyFile = (src: core.PathLike, dest: core.PathLike, mode?: number) => run(core.copyFileCall(src, dest, mode));
export const symlink = (target: core.PathLike, path: core.PathLike) => run(core.symlinkCall(target, path));
export const readlink = (path: core.PathLike) => run(core.readlinkCall(path));
export const realpath = (path: core.PathLike) => run(core.realpathCall(path, true));
export const access = (path: core.PathLike, mode?: number) => run(core.accessCall(path, mode));
export const chmod = (path: core.PathLike, mode: number | string) => run(core.chmodCall(path, mode));
export const truncate = (path: core.PathLike, len?: number) => run(core.truncateCall(path, len));
export const utimes = (path: core.PathLike, atime: unknown, mtime: unknown) => run(core.utimesCall(path, atime, mtime));
export const open = async (path: core.PathLike, flags?: string, mode?: number) =>
  new FileHandle(await run(core.openCall(path, flags, mode)));

export const cp = (src: core.PathLike, dest: core.PathLike, options?: unknown) => run(core.cpCall(src, dest, options));
export const watch = (..._args: unknown[]): never => {
  throw notImplemented("fs/promises.watch");
};

export default {
  constants, FileHandle, readFile, writeFile, appendFile, stat, lstat, readdir, mkdir, mkdtemp, rm, rmdir,
  unlink, rename, copyFile, symlink, readlink, realpath, access, chmod, truncate, utimes, open, cp, watch,
};
