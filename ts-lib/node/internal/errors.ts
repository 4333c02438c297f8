// Node's argument and range errors for the pure built-ins, with the same
// codes and messages as Node, so code that branches on `err.code` (and
// probes that print messages) see what they would on Node. The I/O
// built-ins' helpers (ts-lib/nodeio/errors.ts) are re-exported from here.

export { checkCallback, invalidArgType, invalidArgValue, notImplemented } from "../../nodeio/errors.ts";

type Coded<E> = E & { code: string };

export function coded<E extends Error>(e: E, code: string): Coded<E> {
  (e as Coded<E>).code = code;
  return e as Coded<E>;
}

/** 1234567 as "1_234_567", as Node shows large numbers in range errors. */
function separated(s: string): string {
  let res = "";
  let i = s.length;
  const start = s[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${s.slice(i - 3, i)}${res}`;
  return `${s.slice(0, i)}${res}`;
}

/** How ERR_OUT_OF_RANGE shows the received value. */
export function showReceived(v: unknown): string {
  if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) > 2 ** 32) return separated(String(v));
  if (typeof v === "bigint") {
    const s = String(v);
    return `${v > 2n ** 32n || v < -(2n ** 32n) ? separated(s) : s}n`;
  }
  if (typeof v === "string") return `'${v}'`;
  return String(v);
}

/** RangeError [ERR_OUT_OF_RANGE]. */
export function outOfRange(name: string, range: string, value: unknown): RangeError {
  return coded(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${showReceived(value)}`),
    "ERR_OUT_OF_RANGE",
  );
}

/** TypeError [ERR_UNKNOWN_ENCODING]. */
export function unknownEncoding(enc: unknown): TypeError {
  return coded(new TypeError(`Unknown encoding: ${String(enc)}`), "ERR_UNKNOWN_ENCODING");
}

/** RangeError [ERR_BUFFER_OUT_OF_BOUNDS]. */
export function bufferOutOfBounds(name?: string): RangeError {
  return coded(
    new RangeError(name ? `"${name}" is outside of buffer bounds` : "Attempt to access memory outside buffer bounds"),
    "ERR_BUFFER_OUT_OF_BOUNDS",
  );
}

/** TypeError [ERR_INVALID_THIS]... and other one-off codes. */
export function codedError(ctor: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, code: string, message: string): Error {
  return coded(new ctor(message), code);
}
