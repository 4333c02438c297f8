// What JS asks of the program Howth runs in: the host functions an
// embedding Rust program registered (`Howth.ops.name(...)`), and the worker
// count a served default export asks for (`export default { workers }`).
// The Rust half is runtime/src/ops/host.rs and src/workers.rs; the
// contract is the "host functions" section of ops.d.ts.

import { ops } from "./core_ops.ts";
import { decodeValue, settled } from "./pool.ts";

type HostFunction = (...args: unknown[]) => unknown;

/** Bit i of the mask marks argument i as JSON text; ints have 31 usable bits. */
const MAX_ARGS = 31;

/**
 * Makes the arguments passable: objects and arrays become JSON text (their
 * bits set in the returned mask); what has no host form is a TypeError.
 */
function encodeArgs(name: string, args: unknown[]): number {
  if (args.length > MAX_ARGS) {
    throw new RangeError(`Howth.ops.${name}: at most ${MAX_ARGS} arguments, got ${args.length}`);
  }
  let mask = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (typeof a) {
      case "string":
      case "number":
      case "boolean":
      case "undefined":
        continue;
      case "object":
        if (a === null || a instanceof ArrayBuffer || ArrayBuffer.isView(a)) continue;
        args[i] = JSON.stringify(a);
        mask |= 1 << i;
        continue;
      default:
        throw new TypeError(
          `Howth.ops.${name}: argument ${i} is a ${typeof a}; host functions take strings, numbers, ` +
            "booleans, null, bytes and JSON-able objects",
        );
    }
  }
  return mask;
}

function syncFunction(index: number, name: string): HostFunction {
  return {
    [name](...args: unknown[]): unknown {
      const mask = encodeArgs(name, args);
      return decodeValue(ops.hostCall(index, mask, ...args));
    },
  }[name];
}

function asyncFunction(index: number, name: string): HostFunction {
  return {
    [name](...args: unknown[]): Promise<unknown> {
      let id: number;
      try {
        const mask = encodeArgs(name, args);
        id = ops.hostCall(index, mask, ...args) as number;
      } catch (e) {
        return Promise.reject(e);
      }
      return settled(id, (message) => new Error(String(message)));
    },
  }[name];
}

/** Installs `howth.ops`: one function per host function, in a frozen object. */
export function installHostOps(howth: object): void {
  const list = ops.hostFunctions();
  const fns: Record<string, HostFunction> = Object.create(null);
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i];
    fns[name] = list[i + 1] === "async" ? asyncFunction(i / 2, name) : syncFunction(i / 2, name);
  }
  Object.defineProperty(howth, "ops", { value: Object.freeze(fns), enumerable: true });
}

/**
 * Checks a default export's `workers` (a count or "auto") and tells the
 * host, which starts the other workers once this one serves. Only the
 * first worker of `howth run` without --workers has the op; elsewhere the
 * count is already decided and the field is only checked.
 */
export function requestWorkers(def: object): void {
  const w = (def as { workers?: unknown }).workers;
  if (w === undefined) return;
  const auto = w === "auto";
  if (!auto && !(typeof w === "number" && Number.isInteger(w) && w >= 1 && w <= 1024)) {
    const shown = typeof w === "string" ? JSON.stringify(w) : String(w);
    throw new TypeError(`workers must be a whole number from 1 to 1024 or "auto", got ${shown}`);
  }
  // 0 stands for "auto": one worker per core, counted by the host.
  const n = auto ? 0 : (w as number);
  ops.requestWorkers?.(n);
}
