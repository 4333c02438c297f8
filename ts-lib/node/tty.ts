// node:tty: whether a descriptor is a terminal, and the stream classes.
import { ops } from "../core_ops.ts";
import { notImplemented } from "./internal/errors.ts";

export function isatty(fd: unknown): boolean {
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) return false;
  try {
    return ops.osInfo(`isatty:${fd}`) === true;
  } catch {
    return false;
  }
}

export class ReadStream {
  constructor() {
    throw notImplemented("tty.ReadStream");
  }
}

export class WriteStream {
  constructor() {
    throw notImplemented("tty.WriteStream");
  }
}

export default { isatty, ReadStream, WriteStream };
