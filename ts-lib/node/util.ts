// node:util. inspect and format are ts-lib's console formatter
// (format.ts, a port of Node's output rules); the rest is here.

import { format as formatArgs, inspect as inspectValue, customInspect, type InspectOptions } from "../format.ts";
import { TextDecoder, TextEncoder } from "../encoding.ts";
import * as types from "./internal/types.ts";
import { isDeepEqual } from "./internal/compare.ts";
import { coded, invalidArgType, invalidArgValue, notImplemented } from "./internal/errors.ts";

export { TextDecoder, TextEncoder, types };

type AnyFn = (...args: any[]) => any;

interface Inspect {
  (value: unknown, options?: InspectOptions | boolean, depth?: number | null, colors?: boolean): string;
  custom: typeof customInspect;
  defaultOptions: InspectOptions;
  colors: Record<string, [number, number]>;
  styles: Record<string, string>;
}

const defaultOptions: InspectOptions = { depth: 2, showHidden: false, breakLength: 128, compact: 3, maxArrayLength: 100, maxStringLength: 10000, sorted: false, customInspect: true, colors: false };

export const inspect = function inspect(value: unknown, options?: InspectOptions | boolean, depth?: number | null, colors?: boolean): string {
  let opts: InspectOptions;
  if (typeof options === "object" && options !== null) opts = options;
  else {
    // The legacy signature: inspect(value, showHidden, depth, colors).
    opts = {};
    if (typeof options === "boolean") opts.showHidden = options;
    if (depth !== undefined) opts.depth = depth === null ? Infinity : depth;
    if (colors !== undefined) opts.colors = colors;
  }
  return inspectValue(value, opts);
} as Inspect;
inspect.custom = customInspect;
inspect.defaultOptions = defaultOptions;
inspect.colors = {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], blink: [5, 25], inverse: [7, 27],
  hidden: [8, 28], strikethrough: [9, 29], black: [30, 39], red: [31, 39], green: [32, 39], yellow: [33, 39],
  blue: [34, 39], magenta: [35, 39], cyan: [36, 39], white: [37, 39], gray: [90, 39], grey: [90, 39],
};
inspect.styles = {
  special: "cyan", number: "yellow", bigint: "yellow", boolean: "yellow", undefined: "grey", null: "bold",
  string: "green", symbol: "green", date: "magenta", regexp: "red", module: "underline",
};

export function format(...args: unknown[]): string {
  return formatArgs(args);
}

export function formatWithOptions(inspectOptions: InspectOptions, ...args: unknown[]): string {
  if (typeof inspectOptions !== "object" || inspectOptions === null) {
    throw invalidArgType("inspectOptions", "of type object", inspectOptions);
  }
  return formatArgs(args);
}

const kCustomPromisify = Symbol.for("nodejs.util.promisify.custom");

interface Promisify {
  <T extends AnyFn>(original: T): AnyFn;
  custom: typeof kCustomPromisify;
}

export const promisify = function promisify(original: AnyFn): AnyFn {
  if (typeof original !== "function") throw invalidArgType("original", "of type function", original);
  const custom = (original as unknown as Record<symbol, unknown>)[kCustomPromisify];
  if (custom !== undefined) {
    if (typeof custom !== "function") throw invalidArgType("util.promisify.custom", "of type function", custom);
    return Object.defineProperty(custom, kCustomPromisify, { value: custom, enumerable: false, writable: false, configurable: true }) as AnyFn;
  }
  // Callbacks with several results (dns.lookup, ...) name them here.
  const names = (original as unknown as Record<symbol, string[] | undefined>)[Symbol.for("nodejs.util.promisify.customArgs")];
  function fn(this: unknown, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (err: unknown, ...values: unknown[]) => {
        if (err) return reject(err);
        if (names !== undefined && values.length > 1) {
          const obj: Record<string, unknown> = {};
          names.forEach((n, i) => (obj[n] = values[i]));
          resolve(obj);
        } else resolve(values[0]);
      });
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
} as Promisify;
promisify.custom = kCustomPromisify;

export function callbackify(original: AnyFn): AnyFn {
  if (typeof original !== "function") throw invalidArgType("original", "of type function", original);
  function callbackified(this: unknown, ...args: unknown[]): void {
    const cb = args.pop();
    if (typeof cb !== "function") throw invalidArgType("last argument", "of type function", cb);
    const onRejected = (reason: unknown) => {
      if (!reason) {
        const e = coded(new Error("Promise was rejected with falsy value"), "ERR_FALSY_VALUE_REJECTION") as Error & { reason?: unknown };
        e.reason = reason;
        reason = e;
      }
      cb(reason);
    };
    Reflect.apply(original, this, args).then((v: unknown) => queueTick(() => cb(null, v)), (r: unknown) => queueTick(() => onRejected(r)));
  }
  const descriptors = Object.getOwnPropertyDescriptors(original);
  if (typeof descriptors.length.value === "number") descriptors.length.value++;
  if (typeof descriptors.name.value === "string") descriptors.name.value += "Callbackified";
  return Object.defineProperties(callbackified, descriptors);
}

function queueTick(fn: () => void): void {
  const p = (globalThis as { process?: { nextTick(fn: () => void): void } }).process;
  if (p) p.nextTick(fn);
  else queueMicrotask(fn);
}

export function inherits(ctor: Function, superCtor: Function): void {
  if (ctor === undefined || ctor === null) throw invalidArgType("ctor", "of type function", ctor);
  if (superCtor === undefined || superCtor === null) throw invalidArgType("superCtor", "of type function", superCtor);
  if (superCtor.prototype === undefined) throw invalidArgType("superCtor.prototype", "of type object", superCtor.prototype);
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const warnedCodes = new Set<string>();

export function deprecate<T extends AnyFn>(fn: T, msg: string, code?: string): T {
  if (typeof fn !== "function") throw invalidArgType("fn", "of type function", fn);
  let warned = false;
  function deprecated(this: unknown, ...args: unknown[]): unknown {
    const p = (globalThis as { process?: { noDeprecation?: boolean; emitWarning(w: string, o: object): void } }).process;
    if (!warned && !p?.noDeprecation) {
      warned = true;
      if (code === undefined || !warnedCodes.has(code)) {
        if (code !== undefined) warnedCodes.add(code);
        p?.emitWarning(msg, { type: "DeprecationWarning", code });
      }
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
  }
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated as unknown as T;
}

export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return isDeepEqual(a, b, true);
}

export function debuglog(section: string, cb?: (fn: AnyFn) => void): AnyFn & { enabled: boolean } {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.NODE_DEBUG ?? "";
  const enabled = env
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((p) => new RegExp(`^${p.replace(/[|\\{}()[\]^$+?.]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(section));
  const pid = (globalThis as { process?: { pid: number } }).process?.pid;
  const log = (enabled
    ? (...args: unknown[]) => console.error("%s %d: %s", section.toUpperCase(), pid, formatArgs(args))
    : () => {}) as AnyFn & { enabled: boolean };
  log.enabled = enabled;
  if (cb) cb(log);
  return log;
}
export const debug = debuglog;

export function stripVTControlCharacters(str: string): string {
  if (typeof str !== "string") throw invalidArgType("str", "of type string", str);
  // eslint-disable-next-line no-control-regex
  return str.replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g, "");
}

export function toUSVString(s: string): string {
  return String(s).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

const ERRNO: Record<number, [string, string]> = {
  [-1]: ["EPERM", "operation not permitted"], [-2]: ["ENOENT", "no such file or directory"], [-3]: ["ESRCH", "no such process"],
  [-4]: ["EINTR", "interrupted system call"], [-5]: ["EIO", "i/o error"], [-9]: ["EBADF", "bad file descriptor"],
  [-11]: ["EAGAIN", "resource temporarily unavailable"], [-12]: ["ENOMEM", "not enough memory"], [-13]: ["EACCES", "permission denied"],
  [-17]: ["EEXIST", "file already exists"], [-20]: ["ENOTDIR", "not a directory"], [-21]: ["EISDIR", "illegal operation on a directory"],
  [-22]: ["EINVAL", "invalid argument"], [-24]: ["EMFILE", "too many open files"], [-28]: ["ENOSPC", "no space left on device"],
  [-32]: ["EPIPE", "broken pipe"], [-39]: ["ENOTEMPTY", "directory not empty"], [-98]: ["EADDRINUSE", "address already in use"],
  [-104]: ["ECONNRESET", "connection reset by peer"], [-110]: ["ETIMEDOUT", "connection timed out"], [-111]: ["ECONNREFUSED", "connection refused"],
};

export function getSystemErrorName(err: number): string {
  if (typeof err !== "number") throw invalidArgType("err", "of type number", err);
  if (err >= 0 || !Number.isSafeInteger(err)) {
    throw coded(new RangeError(`The value of "err" is out of range. It must be a negative integer. Received ${err}`), "ERR_OUT_OF_RANGE");
  }
  return ERRNO[err]?.[0] ?? `Unknown system error ${err}`;
}

export function getSystemErrorMap(): Map<number, [string, string]> {
  return new Map(Object.entries(ERRNO).map(([k, v]) => [Number(k), v]));
}

export function aborted(signal: AbortSignal, resource: object): Promise<void> {
  if (!(signal instanceof AbortSignal)) throw invalidArgType("signal", "an instance of AbortSignal", signal);
  if (resource === null || typeof resource !== "object") throw invalidArgType("resource", "of type object", resource);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

export function styleText(format: string | string[], text: string): string {
  const formats = Array.isArray(format) ? format : [format];
  let out = text;
  for (const f of formats) {
    const codes = inspect.colors[f];
    if (codes === undefined) throw invalidArgValue("format", f, `must be one of: ${Object.keys(inspect.colors).join(", ")}`);
    out = `\u001b[${codes[0]}m${out}\u001b[${codes[1]}m`;
  }
  return out;
}

export function getCallSite(): never {
  throw notImplemented("util.getCallSite");
}

export class MIMEType {
  constructor() {
    throw notImplemented("util.MIMEType");
  }
}

// ---- parseArgs ---------------------------------------------------------------

interface ParseArgsOptionConfig {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  default?: string | boolean | string[] | boolean[];
}

interface ParseArgsConfig {
  args?: string[];
  options?: Record<string, ParseArgsOptionConfig>;
  strict?: boolean;
  allowPositionals?: boolean;
  allowNegative?: boolean;
  tokens?: boolean;
}

type Token =
  | { kind: "option"; name: string; rawName: string; index: number; value: string | undefined; inlineValue: boolean | undefined }
  | { kind: "positional"; index: number; value: string }
  | { kind: "option-terminator"; index: number };

function parseArgsError(code: string, message: string): TypeError {
  return coded(new TypeError(message), code);
}

export function parseArgs(config: ParseArgsConfig = {}): {
  values: Record<string, unknown>;
  positionals: string[];
  tokens?: Token[];
} {
  const p = (globalThis as { process?: { argv: string[] } }).process;
  const args = config.args ?? (p ? p.argv.slice(2) : []);
  const options = config.options ?? {};
  const strict = config.strict ?? true;
  const allowPositionals = config.allowPositionals ?? !strict;
  const allowNegative = config.allowNegative ?? false;
  const shortToLong = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string" && o.type !== "boolean") {
      throw coded(new TypeError(`The "options.${name}.type" property must be one of: 'string', 'boolean'. Received ${inspect(o.type)}`), "ERR_INVALID_ARG_VALUE");
    }
    if (o.short !== undefined) {
      if (typeof o.short !== "string" || o.short.length !== 1) {
        throw coded(new TypeError(`The "options.${name}.short" property must be a single character. Received ${inspect(o.short)}`), "ERR_INVALID_ARG_VALUE");
      }
      shortToLong.set(o.short, name);
    }
  }
  const tokens: Token[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      tokens.push({ kind: "option-terminator", index: i });
      for (let j = i + 1; j < args.length; j++) tokens.push({ kind: "positional", index: j, value: args[j] });
      break;
    }
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      if (eq !== -1) {
        tokens.push({ kind: "option", name: arg.slice(2, eq), rawName: arg.slice(0, eq), index: i, value: arg.slice(eq + 1), inlineValue: true });
        continue;
      }
      const name = arg.slice(2);
      const o = options[name];
      if (o?.type === "string" && i + 1 < args.length) {
        tokens.push({ kind: "option", name, rawName: arg, index: i, value: args[i + 1], inlineValue: false });
        i++;
      } else tokens.push({ kind: "option", name, rawName: arg, index: i, value: undefined, inlineValue: undefined });
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // -abc: short options, the last one may take the rest or the next arg.
      for (let k = 1; k < arg.length; k++) {
        const short = arg[k];
        const name = shortToLong.get(short) ?? short;
        const o = options[name];
        if (o?.type === "string") {
          if (k + 1 < arg.length) {
            tokens.push({ kind: "option", name, rawName: `-${short}`, index: i, value: arg.slice(k + 1), inlineValue: true });
          } else if (i + 1 < args.length) {
            tokens.push({ kind: "option", name, rawName: `-${short}`, index: i, value: args[i + 1], inlineValue: false });
            i++;
          } else tokens.push({ kind: "option", name, rawName: `-${short}`, index: i, value: undefined, inlineValue: undefined });
          break;
        }
        tokens.push({ kind: "option", name, rawName: `-${short}`, index: i, value: undefined, inlineValue: undefined });
      }
      continue;
    }
    tokens.push({ kind: "positional", index: i, value: arg });
  }
  const values: Record<string, unknown> = Object.create(null);
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === "positional") {
      if (!allowPositionals) {
        throw parseArgsError("ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL", `Unexpected argument '${t.value}'. This command does not take positional arguments`);
      }
      positionals.push(t.value);
      continue;
    }
    if (t.kind !== "option") continue;
    let name = t.name;
    let value: string | boolean | undefined = t.value;
    let o = options[name];
    if (o === undefined && allowNegative && name.startsWith("no-") && options[name.slice(3)]?.type === "boolean") {
      name = name.slice(3);
      o = options[name];
      value = false;
    }
    if (strict) {
      if (o === undefined) {
        const shown = t.rawName.startsWith("--") ? `'${t.rawName}'` : `'${t.rawName}'`;
        throw parseArgsError("ERR_PARSE_ARGS_UNKNOWN_OPTION", `Unknown option ${shown}${allowPositionals ? "" : ""}`);
      }
      if (o.type === "string" && typeof value !== "string") {
        throw parseArgsError("ERR_PARSE_ARGS_INVALID_OPTION_VALUE", `Option '${o.short ? `-${o.short}, ` : ""}--${name} <value>' argument missing`);
      }
      if (o.type === "boolean" && typeof value === "string") {
        throw parseArgsError("ERR_PARSE_ARGS_INVALID_OPTION_VALUE", `Option '${o.short ? `-${o.short}, ` : ""}--${name}' does not take an argument`);
      }
    }
    const v = value === undefined ? true : value;
    if (o?.multiple) ((values[name] ??= []) as unknown[]).push(v);
    else values[name] = v;
  }
  for (const [name, o] of Object.entries(options)) {
    if (o.default !== undefined && values[name] === undefined) values[name] = o.default;
  }
  const result: { values: Record<string, unknown>; positionals: string[]; tokens?: Token[] } = { values, positionals };
  if (config.tokens) result.tokens = tokens;
  return result;
}

// ---- the legacy type checks Node still exports -----------------------------------

export const isArray = Array.isArray;
export const isBoolean = (v: unknown): boolean => typeof v === "boolean";
export const isNull = (v: unknown): boolean => v === null;
export const isNullOrUndefined = (v: unknown): boolean => v === null || v === undefined;
export const isNumber = (v: unknown): boolean => typeof v === "number";
export const isString = (v: unknown): boolean => typeof v === "string";
export const isSymbol = (v: unknown): boolean => typeof v === "symbol";
export const isUndefined = (v: unknown): boolean => v === undefined;
export const isRegExp = types.isRegExp;
export const isObject = (v: unknown): boolean => v !== null && typeof v === "object";
export const isDate = types.isDate;
export const isError = (v: unknown): boolean => types.isNativeError(v) || v instanceof Error;
export const isFunction = (v: unknown): boolean => typeof v === "function";
export const isPrimitive = (v: unknown): boolean => v === null || (typeof v !== "object" && typeof v !== "function");

export function log(...args: unknown[]): void {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  console.log("%s - %s", `${d.getDate()} ${months[d.getMonth()]} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`, formatArgs(args));
}

export function _extend(target: object, source: object): object {
  if (source === null || typeof source !== "object") return target;
  return Object.assign(target, source);
}

export default {
  inspect, format, formatWithOptions, promisify, callbackify, inherits, deprecate, isDeepStrictEqual, debuglog, debug,
  stripVTControlCharacters, toUSVString, getSystemErrorName, getSystemErrorMap, aborted, styleText, getCallSite, MIMEType,
  parseArgs, types, TextEncoder, TextDecoder, isArray, isBoolean, isNull, isNullOrUndefined, isNumber, isString,
  isSymbol, isUndefined, isRegExp, isObject, isDate, isError, isFunction, isPrimitive, log, _extend,
};
