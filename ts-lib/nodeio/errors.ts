// Node's error shapes for the I/O built-ins (node:fs, node:os, ...): system
// errors with code, errno, syscall, path and dest, argument errors with
// Node's ERR_* codes, and ERR_NOT_IMPLEMENTED for what Howth lacks.

/** What runtime/src/ops/fs.rs reports for a failed call. */
interface SysErrorInfo {
  message: string;
  code: string;
  errno?: number;
  syscall?: string;
  path?: string;
  dest?: string;
  system?: boolean;
  info?: Record<string, unknown>;
}

/** Node's Error for a failed system call: the fields in Node's order. */
export function sysError(value: unknown): Error {
  if (typeof value === "string") return new Error(value);
  const info = value as SysErrorInfo;
  const e = new Error(info.message) as Error & Record<string, unknown>;
  if (info.system) {
    // Node's SystemError (ERR_FS_EISDIR, ERR_FS_CP_EEXIST, ...).
    Object.defineProperty(e, "name", { value: "SystemError", enumerable: false, configurable: true, writable: true });
    e.code = info.code;
    e.info = info.info;
    e.errno = info.errno;
    e.syscall = info.syscall;
    e.path = info.path;
    return e;
  }
  if (info.errno !== undefined) e.errno = info.errno;
  e.code = info.code;
  if (info.syscall !== undefined) e.syscall = info.syscall;
  if (info.path !== undefined) e.path = info.path;
  if (info.dest !== undefined) e.dest = info.dest;
  return e;
}

/** Node's description of a received value in ERR_INVALID_ARG_TYPE. */
function received(v: unknown): string {
  if (v === null) return "Received null";
  if (v === undefined) return "Received undefined";
  if (typeof v === "function") return `Received function ${(v as { name?: string }).name || "<anonymous>"}`;
  if (typeof v === "object") {
    const name = (v as object).constructor?.name;
    return name ? `Received an instance of ${name}` : "Received [object Object]";
  }
  let shown = typeof v === "bigint" ? `${v}n` : String(v);
  if (typeof v === "string") {
    shown = v.length > 28 ? `'${v.slice(0, 25)}...'` : `'${v}'`;
  }
  return `Received type ${typeof v} (${shown})`;
}

function codedError<E extends Error>(e: E, code: string): E {
  (e as E & { code: string }).code = code;
  return e;
}

/** TypeError [ERR_INVALID_ARG_TYPE]. */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError {
  return codedError(
    new TypeError(`The "${name}" argument must be ${expected}. ${received(value)}`),
    "ERR_INVALID_ARG_TYPE",
  );
}

/** TypeError [ERR_INVALID_ARG_VALUE]. */
export function invalidArgValue(name: string, value: unknown, reason = "is invalid"): TypeError {
  const shown = typeof value === "string" ? `'${value.replace(/\u0000/g, "\\x00")}'` : String(value);
  return codedError(new TypeError(`The argument '${name}' ${reason}. Received ${shown}`), "ERR_INVALID_ARG_VALUE");
}

/** Error [ERR_NOT_IMPLEMENTED] naming what Howth does not have. */
export function notImplemented(what: string): Error {
  return codedError(new Error(`${what} is not implemented in Howth`), "ERR_NOT_IMPLEMENTED");
}

/** TypeError [ERR_INVALID_ARG_TYPE] for a missing callback. */
export function checkCallback(cb: unknown, name = "cb"): void {
  if (typeof cb !== "function") throw invalidArgType(name, "of type function", cb);
}
