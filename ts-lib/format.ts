// Value formatting for console.* and Howth.inspect: a port of the parts of
// Node's util.inspect people see every day, so that output pasted from Node,
// Bun or Deno looks the same here. No colours (output is usually a pipe or a
// log file), no showProxy. The structure (formatValue → formatRaw →
// reduceToSingleString) and the line-breaking rules (breakLength 80,
// compact 3, grouping of long arrays into columns) follow Node's
// lib/internal/util/inspect.js, which is what users' eyes are trained on.

import { ops } from "./core_ops.ts";

export interface InspectOptions {
  /** How many levels of nesting to show; deeper objects print as [Object]. Default 2. */
  depth?: number;
  /** Also show non-enumerable properties. Default false. */
  showHidden?: boolean;
  /** Line width past which entries go on separate lines. Default 80. */
  breakLength?: number;
  /** Combine up to this many inner levels on one line; false: one property per line. Default 3. */
  compact?: number | boolean;
  /** Array, Set and Map entries shown before "... n more items". Default 100. */
  maxArrayLength?: number;
  /** Characters of a string shown before "... n more characters". Default 10000. */
  maxStringLength?: number;
  /** Sort object keys. Default false. */
  sorted?: boolean;
  /** Call `[Symbol.for("nodejs.util.inspect.custom")]` methods. Default true. */
  customInspect?: boolean;
  /** Accepted for compatibility; output is never coloured. */
  colors?: boolean;
}

interface Ctx {
  depth: number;
  showHidden: boolean;
  breakLength: number;
  compact: number | boolean;
  maxArrayLength: number;
  maxStringLength: number;
  sorted: boolean;
  customInspect: boolean;
  seen: object[];
  circular: Map<object, number> | undefined;
  indentationLvl: number;
  currentDepth: number;
}

/** Objects can define how they print, as with Node's util.inspect.custom. */
export const customInspect: unique symbol = Symbol.for("nodejs.util.inspect.custom");
const denoCustomInspect = Symbol.for("Deno.customInspect");

const kObjectType = 0;
const kArrayExtrasType = 1;

type Formatter = (ctx: Ctx, value: any, recurseTimes: number) => string[];

export function inspect(value: unknown, options?: InspectOptions): string {
  const ctx: Ctx = {
    depth: 2,
    showHidden: false,
    breakLength: 80,
    compact: 3,
    maxArrayLength: 100,
    maxStringLength: 10000,
    sorted: false,
    customInspect: true,
    seen: [],
    circular: undefined,
    indentationLvl: 0,
    currentDepth: 0,
  };
  if (options !== undefined && options !== null) {
    if (options.depth !== undefined) ctx.depth = options.depth === null ? Infinity : options.depth;
    if (options.showHidden !== undefined) ctx.showHidden = !!options.showHidden;
    if (options.breakLength !== undefined) ctx.breakLength = options.breakLength;
    if (options.compact !== undefined) ctx.compact = options.compact;
    if (options.maxArrayLength !== undefined) ctx.maxArrayLength = options.maxArrayLength ?? Infinity;
    if (options.maxStringLength !== undefined) ctx.maxStringLength = options.maxStringLength ?? Infinity;
    if (options.sorted !== undefined) ctx.sorted = !!options.sorted;
    if (options.customInspect !== undefined) ctx.customInspect = !!options.customInspect;
  }
  return formatValue(ctx, value, 0);
}

// ---- primitives -----------------------------------------------------------

// Characters that need escaping inside a quoted string: C0 controls, the
// quote, backslash, DEL and C1 controls.
const strEscapeSequencesRegExp = /[\x00-\x1f\x27\x5c\x7f-\x9f]/;
const strEscapeSequencesReplacer = /[\x00-\x1f\x27\x5c\x7f-\x9f]/g;
const strEscapeSequencesRegExpSingle = /[\x00-\x1f\x5c\x7f-\x9f]/;
const strEscapeSequencesReplacerSingle = /[\x00-\x1f\x5c\x7f-\x9f]/g;
const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

const meta: string[] = [];
for (let i = 0; i < 0xa0; i++) {
  meta.push(i < 0x20 || (i >= 0x7f && i <= 0x9f) ? "\\x" + i.toString(16).toUpperCase().padStart(2, "0") : "");
}
meta[8] = "\\b";
meta[9] = "\\t";
meta[10] = "\\n";
meta[12] = "\\f";
meta[13] = "\\r";
meta[0x27] = "\\'";
meta[0x5c] = "\\\\";

function escapeFn(ch: string): string {
  return meta[ch.charCodeAt(0)];
}

/** Quotes a string as Node does: single quotes unless the string holds some. */
export function strEscape(str: string): string {
  let escapeTest = strEscapeSequencesRegExp;
  let escapeReplace = strEscapeSequencesReplacer;
  let quote = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) quote = '"';
    else if (!str.includes("`") && !str.includes("${")) quote = "`";
    if (quote !== "'") {
      escapeTest = strEscapeSequencesRegExpSingle;
      escapeReplace = strEscapeSequencesReplacerSingle;
    }
  }
  if (!escapeTest.test(str)) return quote + str + quote;
  return quote + str.replace(escapeReplace, escapeFn) + quote;
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? "-0" : `${n}`;
}

function formatBigInt(n: bigint): string {
  return `${n}n`;
}

function formatPrimitive(ctx: Ctx, value: unknown): string {
  switch (typeof value) {
    case "string": {
      let str = value as string;
      let trailer = "";
      if (str.length > ctx.maxStringLength) {
        const remaining = str.length - ctx.maxStringLength;
        str = str.slice(0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? "s" : ""}`;
      }
      // Long multi-line strings are split at their newlines, one quoted
      // piece per line joined with " +", as Node prints them.
      if (ctx.compact !== true && str.length > 16 && str.length > ctx.breakLength - ctx.indentationLvl - 4) {
        const lines = str.split(/(?<=\n)/);
        const indent = " ".repeat(ctx.indentationLvl);
        return lines.map(strEscape).join(` +\n${indent}  `) + trailer;
      }
      return strEscape(str) + trailer;
    }
    case "number":
      return formatNumber(value as number);
    case "bigint":
      return formatBigInt(value as bigint);
    case "boolean":
      return `${value}`;
    case "undefined":
      return "undefined";
    case "symbol":
      return symbolToString(value as symbol);
    default:
      return String(value);
  }
}

function symbolToString(sym: symbol): string {
  const desc = sym.description;
  if (desc === undefined) return "Symbol()";
  return `Symbol(${desc})`;
}

// ---- objects --------------------------------------------------------------

function formatValue(ctx: Ctx, value: unknown, recurseTimes: number, typedArray?: boolean): string {
  if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(ctx, value);
  if (value === null) return "null";
  const obj = value as Record<PropertyKey, unknown>;

  if (ctx.customInspect) {
    let custom: unknown;
    try {
      custom = obj[customInspect] ?? obj[denoCustomInspect];
    } catch {
      custom = undefined;
    }
    if (typeof custom === "function" && custom !== inspect) {
      const depth = ctx.depth - recurseTimes;
      const opts = {
        depth,
        showHidden: ctx.showHidden,
        breakLength: ctx.breakLength,
        compact: ctx.compact,
        maxArrayLength: ctx.maxArrayLength,
        maxStringLength: ctx.maxStringLength,
        sorted: ctx.sorted,
        colors: false,
        indentationLvl: ctx.indentationLvl,
        stylize: (s: string) => s,
      };
      const ret = (custom as Function).call(value, depth, opts, inspect);
      if (ret !== value) {
        if (typeof ret !== "string") return formatValue(ctx, ret, recurseTimes);
        return ctx.indentationLvl === 0 ? ret : ret.replaceAll("\n", `\n${" ".repeat(ctx.indentationLvl)}`);
      }
    }
  }

  if (ctx.seen.includes(value)) {
    let index = 1;
    if (ctx.circular === undefined) {
      ctx.circular = new Map();
      ctx.circular.set(value, index);
    } else {
      const known = ctx.circular.get(value);
      if (known === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      } else {
        index = known;
      }
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes, typedArray);
}

const objToString = Object.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayLength = Object.getOwnPropertyDescriptor(TypedArrayProto, "length")!.get!;
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag)!.get!;

function isTypedArray(v: object): boolean {
  return typedArrayTag.call(v) !== undefined;
}

function getConstructorName(obj: object): string | null {
  let cur: object | null = obj;
  let first = true;
  let firstProto: object | null | undefined;
  while (cur !== null) {
    const desc = Object.getOwnPropertyDescriptor(cur, "constructor");
    if (
      desc !== undefined &&
      typeof desc.value === "function" &&
      desc.value.name !== "" &&
      isInstanceof(obj, desc.value)
    ) {
      return String(desc.value.name);
    }
    cur = Object.getPrototypeOf(cur);
    if (first) {
      firstProto = cur;
      first = false;
    }
  }
  if (firstProto === null) return null;
  return "Object";
}

function isInstanceof(obj: object, ctor: Function): boolean {
  try {
    return obj instanceof ctor;
  } catch {
    return false;
  }
}

function getPrefix(constructor: string | null, tag: string, fallback: string, size = ""): string {
  if (constructor === null) {
    if (tag !== "" && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== "" && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

function getKeys(value: object, showHidden: boolean): PropertyKey[] {
  let keys: PropertyKey[];
  const symbols = Object.getOwnPropertySymbols(value);
  if (showHidden) {
    keys = Object.getOwnPropertyNames(value);
    if (symbols.length !== 0) keys.push(...symbols);
  } else {
    try {
      keys = Object.keys(value);
    } catch {
      keys = [];
    }
    for (const s of symbols) if (propertyIsEnumerable.call(value, s)) keys.push(s);
  }
  return keys;
}

function isIndexKey(k: string): boolean {
  // Canonical array index: "0" or no leading zero, all digits, < 2^32 - 1.
  const n = k.length;
  if (n === 0 || n > 10) return false;
  const c0 = k.charCodeAt(0);
  if (c0 === 48) return n === 1;
  for (let i = 0; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(k) < 4294967295;
}

function getOwnNonIndexProperties(value: object, showHidden: boolean): PropertyKey[] {
  const keys = getKeys(value, showHidden);
  return keys.filter((k) => typeof k !== "string" || !isIndexKey(k));
}

function getFunctionBase(value: Function, constructor: string | null, tag: string): string {
  let stringified = "";
  try {
    stringified = Function.prototype.toString.call(value);
  } catch {
    // Not a real function (a callable proxy that throws): fall through.
  }
  if (stringified.startsWith("class") && stringified.endsWith("}")) {
    const slice = stringified.slice(5, -1);
    const bracketIndex = slice.indexOf("{");
    if (bracketIndex !== -1 && !slice.slice(0, bracketIndex).includes("(")) {
      return getClassBase(value, constructor, tag);
    }
  }
  let type = "Function";
  const t = objToString.call(value);
  if (t === "[object AsyncFunction]") type = "AsyncFunction";
  else if (t === "[object GeneratorFunction]") type = "GeneratorFunction";
  else if (t === "[object AsyncGeneratorFunction]") type = "AsyncGeneratorFunction";
  let base = `[${type}`;
  if (constructor === null) base += " (null prototype)";
  if (value.name === "" || typeof value.name !== "string") base += " (anonymous)";
  else base += `: ${value.name}`;
  base += "]";
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function getClassBase(value: Function, constructor: string | null, tag: string): string {
  const name = (hasOwn.call(value, "name") && value.name) || "(anonymous)";
  let base = `class ${name}`;
  if (constructor !== "Function" && constructor !== null) base += ` [${constructor}]`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  if (constructor !== null) {
    const superName = (Object.getPrototypeOf(value) as Function | null)?.name;
    if (superName) base += ` extends ${superName}`;
  } else {
    base += " extends [null prototype]";
  }
  return `[${base}]`;
}

function formatError(err: Error, constructor: string | null, tag: string, ctx: Ctx, keys: PropertyKey[]): string {
  const name = err.name != null ? String(err.name) : "Error";
  let stack: string;
  try {
    stack = typeof err.stack === "string" && err.stack !== "" ? err.stack : errorToString(err);
  } catch {
    stack = errorToString(err);
  }
  // Keys already visible in the stack's first line are not repeated.
  for (const k of ["name", "message", "stack"]) {
    const i = keys.indexOf(k);
    if (i !== -1) {
      const v = (err as unknown as Record<string, unknown>)[k];
      if (typeof v === "string" && stack.includes(v)) keys.splice(i, 1);
    }
  }
  if ("cause" in err && !keys.includes("cause")) keys.push("cause");
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors) && !keys.includes("errors")) keys.push("errors");

  stack = improveStack(stack, constructor, name, tag);

  const msg = err.message;
  let pos = (typeof msg === "string" && msg !== "" && stack.indexOf(msg)) || -1;
  if (pos !== -1) pos += (msg as string).length;
  const stackStart = stack.indexOf("\n    at", pos);
  if (stackStart === -1) stack = `[${stack}]`;
  if (ctx.indentationLvl !== 0) {
    stack = stack.replaceAll("\n", `\n${" ".repeat(ctx.indentationLvl)}`);
  }
  return stack;
}

// A subclass whose name is not in the stack's first line gets it added,
// as Node does: `class MyError extends Error {}` prints "MyError: msg".
function improveStack(stack: string, constructor: string | null, name: string, tag: string): string {
  let len = name.length;
  if (
    constructor === null ||
    (name.endsWith("Error") &&
      stack.startsWith(name) &&
      (stack.length === len || stack[len] === ":" || stack[len] === "\n"))
  ) {
    let fallback = "Error";
    if (constructor === null) {
      const start =
        /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n\s+at)/.exec(stack) || /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = (start && start[1]) || "";
      len = fallback.length;
      fallback = fallback || "Error";
    }
    const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
    if (name !== prefix) {
      if (prefix.includes(name)) {
        stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
      } else {
        stack = `${prefix} [${name}]${stack.slice(len)}`;
      }
    }
  }
  return stack;
}

function errorToString(err: unknown): string {
  try {
    return Error.prototype.toString.call(err);
  } catch {
    return "Error";
  }
}

function formatRaw(ctx: Ctx, value: any, recurseTimes: number, typedArray?: boolean): string {
  let keys: PropertyKey[] | undefined;
  const constructor = getConstructorName(value);
  let tag: unknown;
  try {
    tag = value[Symbol.toStringTag];
  } catch {
    tag = "";
  }
  // An own enumerable tag is shown as a normal property instead.
  if (
    typeof tag !== "string" ||
    (tag !== "" && (ctx.showHidden ? hasOwn : propertyIsEnumerable).call(value, Symbol.toStringTag))
  ) {
    tag = "";
  }
  const tagStr = tag as string;
  let base = "";
  let formatter: Formatter = getEmptyFormatArray;
  let braces: [string, string] = ["{", "}"];
  let noIterator = true;
  let extrasType = kObjectType;

  if (Symbol.iterator in value || constructor === null) {
    noIterator = false;
    if (Array.isArray(value)) {
      const prefix = constructor !== "Array" || tagStr !== "" ? getPrefix(constructor, tagStr, "Array", `(${value.length})`) : "";
      keys = getOwnNonIndexProperties(value, ctx.showHidden);
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (value instanceof Set) {
      const size = value.size;
      const prefix = getPrefix(constructor, tagStr, "Set", `(${size})`);
      keys = getKeys(value, ctx.showHidden);
      formatter = formatSet;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if (value instanceof Map) {
      const size = value.size;
      const prefix = getPrefix(constructor, tagStr, "Map", `(${size})`);
      keys = getKeys(value, ctx.showHidden);
      formatter = formatMap;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if (ArrayBuffer.isView(value) && isTypedArray(value)) {
      keys = getOwnNonIndexProperties(value, ctx.showHidden);
      const size = typedArrayLength.call(value) as number;
      const fallback = typedArrayTag.call(value) as string;
      const prefix = getPrefix(constructor, tagStr, fallback, `(${size})`);
      braces = [`${prefix}[`, "]"];
      if (size === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = kArrayExtrasType;
    } else if (tagStr === "Map Iterator" || tagStr === "Set Iterator") {
      braces = [`[${tagStr}] {`, "}"];
      keys = getKeys(value, ctx.showHidden);
      formatter = formatIterator;
    } else {
      noIterator = true;
    }
  }
  if (noIterator) {
    keys = getKeys(value, ctx.showHidden);
    braces = ["{", "}"];
    if (constructor === "Object") {
      if (objToString.call(value) === "[object Arguments]") {
        braces = ["[Arguments] [", "]"];
        extrasType = kArrayExtrasType;
        formatter = formatArguments;
        keys = getOwnNonIndexProperties(value, ctx.showHidden);
        if (value.length === 0 && keys.length === 0) return "[Arguments] []";
      } else if (tagStr !== "") {
        braces[0] = `${getPrefix(constructor, tagStr, "Object")}{`;
      }
      if (keys.length === 0 && formatter === getEmptyFormatArray) return `${braces[0]}}`;
    } else if (typeof value === "function") {
      base = getFunctionBase(value, constructor, tagStr);
      // A class's own static `name`/`prototype` etc. are non-enumerable.
      if (keys.length === 0) return base;
    } else if (value instanceof RegExp) {
      base = RegExp.prototype.toString.call(value);
      const prefix = getPrefix(constructor, tagStr, "RegExp");
      if (prefix !== "RegExp ") base = `${prefix}${base}`;
      if (keys.length === 0 || recurseTimes > ctx.depth) return base;
    } else if (value instanceof Date) {
      const t = Date.prototype.getTime.call(value);
      base = Number.isNaN(t) ? "Invalid Date" : Date.prototype.toISOString.call(value);
      const prefix = getPrefix(constructor, tagStr, "Date");
      if (prefix !== "Date ") base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (value instanceof Error || objToString.call(value) === "[object Error]") {
      base = formatError(value, constructor, tagStr, ctx, keys);
      if (keys.length === 0) return base;
    } else if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer)) {
      const arrayType = value instanceof ArrayBuffer ? "ArrayBuffer" : "SharedArrayBuffer";
      const prefix = getPrefix(constructor, tagStr, arrayType);
      if (typedArray === undefined) formatter = formatArrayBuffer;
      else if (keys.length === 0) return `${prefix}{ byteLength: ${formatNumber(value.byteLength)} }`;
      braces[0] = `${prefix}{`;
      keys.unshift("byteLength");
    } else if (value instanceof DataView) {
      braces[0] = `${getPrefix(constructor, tagStr, "DataView")}{`;
      keys.unshift("byteLength", "byteOffset", "buffer");
    } else if (value instanceof Promise) {
      braces[0] = `${getPrefix(constructor, tagStr, "Promise")}{`;
      formatter = formatPromise;
    } else if (value instanceof WeakSet) {
      braces[0] = `${getPrefix(constructor, tagStr, "WeakSet")}{`;
      formatter = formatWeakCollection;
    } else if (value instanceof WeakMap) {
      braces[0] = `${getPrefix(constructor, tagStr, "WeakMap")}{`;
      formatter = formatWeakCollection;
    } else if (constructor === null && tagStr === "Module") {
      braces[0] = "[Module: null prototype] {";
      formatter = formatNamespace;
      keys = [];
    } else if (
      value instanceof Number ||
      value instanceof String ||
      value instanceof Boolean ||
      value instanceof BigInt ||
      value instanceof Symbol
    ) {
      let type: string;
      let inner: string;
      const prim: any = value.valueOf();
      if (value instanceof String) {
        type = "String";
        inner = strEscape(prim);
        // The string's indices are not repeated as properties.
        keys = keys.filter((k) => typeof k !== "string" || !isIndexKey(k) || Number(k) >= prim.length);
      } else if (value instanceof Number) {
        type = "Number";
        inner = formatNumber(prim);
      } else if (value instanceof Boolean) {
        type = "Boolean";
        inner = `${prim}`;
      } else if (value instanceof BigInt) {
        type = "BigInt";
        inner = formatBigInt(prim);
      } else {
        type = "Symbol";
        inner = symbolToString(prim);
      }
      base = `[${type}`;
      if (type !== constructor) base += constructor === null ? " (null prototype)" : ` (${constructor})`;
      base += `: ${inner}]`;
      if (tagStr !== "" && tagStr !== constructor) base += ` [${tagStr}]`;
      if (keys.length === 0) return base;
    } else {
      if (keys.length === 0) return `${getPrefix(constructor, tagStr, "Object")}{}`;
      braces[0] = `${getPrefix(constructor, tagStr, "Object")}{`;
    }
  }

  if (recurseTimes > ctx.depth) {
    let name = getPrefix(constructor, tagStr, "Object").slice(0, -1);
    if (constructor !== null) name = `[${name}]`;
    return name;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  let output: string[];
  try {
    output = formatter(ctx, value, recurseTimes);
    for (let i = 0; i < keys!.length; i++) {
      output.push(formatProperty(ctx, value, recurseTimes, keys![i], extrasType));
    }
  } finally {
    ctx.seen.pop();
  }
  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      if (ctx.compact !== true) base = base === "" ? reference : `${reference} ${base}`;
      else braces[0] = `${reference} ${braces[0]}`;
    }
  }
  if (ctx.sorted) {
    if (extrasType === kObjectType) output.sort();
  }
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

function getEmptyFormatArray(): string[] {
  return [];
}

function formatProperty(ctx: Ctx, value: any, recurseTimes: number, key: PropertyKey, type: number): string {
  let name: string;
  let str: string;
  let desc: PropertyDescriptor | undefined;
  try {
    desc = Object.getOwnPropertyDescriptor(value, key) ?? { value: value[key], enumerable: true };
  } catch {
    desc = { value: undefined, enumerable: true };
  }
  if (desc.value !== undefined) {
    const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
    ctx.indentationLvl += diff;
    str = formatValue(ctx, desc.value, recurseTimes);
    ctx.indentationLvl -= diff;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else if (desc.set !== undefined) {
    str = "[Setter]";
  } else {
    str = "undefined";
  }
  if (type === kArrayExtrasType && typeof key === "string" && isIndexKey(key)) return str;
  if (typeof key === "symbol") {
    name = `[${symbolToString(key)}]`;
  } else if (key === "__proto__") {
    name = "['__proto__']";
  } else if (desc.enumerable === false) {
    name = `[${keyStrRegExp.test(key as string) ? (key as string) : strEscape(key as string)}]`;
  } else if (keyStrRegExp.test(key as string)) {
    name = key as string;
  } else {
    name = strEscape(String(key));
  }
  return `${name}: ${str}`;
}

function formatNamespace(ctx: Ctx, value: any, recurseTimes: number): string[] {
  // Module namespaces: keys are enumerable getters-like bindings; an
  // uninitialised binding (a cycle still evaluating) throws on read.
  const out: string[] = [];
  for (const key of Object.keys(value)) {
    let str: string;
    try {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, value[key], recurseTimes);
    } catch {
      str = "<uninitialized>";
    } finally {
      ctx.indentationLvl -= 2;
    }
    out.push(`${keyStrRegExp.test(key) ? key : strEscape(key)}: ${str}`);
  }
  // Keys were consumed here; formatRaw's key loop must not repeat them.
  return out;
}

function remainingText(remaining: number): string {
  return `... ${remaining} more item${remaining > 1 ? "s" : ""}`;
}

function formatArrayLike(ctx: Ctx, value: any, recurseTimes: number): string[] {
  const valLen = value.length;
  const len = Math.min(Math.max(0, ctx.maxArrayLength), valLen);
  const remaining = valLen - len;
  const output: string[] = [];
  let holes = 0;
  for (let i = 0; i < len; i++) {
    if (!hasOwn.call(value, i)) {
      holes++;
      continue;
    }
    if (holes > 0) {
      output.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
      holes = 0;
    }
    output.push(formatProperty(ctx, value, recurseTimes, `${i}`, kArrayExtrasType));
  }
  if (holes > 0) output.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
  if (remaining > 0) output.push(remainingText(remaining));
  return output;
}

const formatArray: Formatter = formatArrayLike;
const formatArguments: Formatter = formatArrayLike;

function formatTypedArray(ctx: Ctx, value: any): string[] {
  const length = typedArrayLength.call(value) as number;
  const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const remaining = length - maxLength;
  const output: string[] = new Array(maxLength);
  const isBig = length > 0 && typeof value[0] === "bigint";
  for (let i = 0; i < maxLength; ++i) {
    output[i] = isBig ? formatBigInt(value[i]) : formatNumber(value[i]);
  }
  if (remaining > 0) output[maxLength] = remainingText(remaining);
  if (ctx.showHidden) {
    ctx.indentationLvl += 2;
    for (const key of ["BYTES_PER_ELEMENT", "length", "byteLength", "byteOffset", "buffer"]) {
      const str = formatValue(ctx, value[key], 0, true);
      output.push(`[${key}]: ${str}`);
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

function formatArrayBuffer(ctx: Ctx, value: ArrayBuffer): string[] {
  let buffer: Uint8Array;
  try {
    buffer = new Uint8Array(value);
  } catch {
    return ["(detached)"];
  }
  const max = Math.min(Math.max(0, ctx.maxArrayLength), buffer.length);
  let str = "";
  for (let i = 0; i < max; i++) {
    if (i > 0) str += " ";
    str += buffer[i].toString(16).padStart(2, "0");
  }
  const remaining = buffer.length - max;
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? "s" : ""}`;
  return [`[Uint8Contents]: <${str}>`];
}

function formatSet(ctx: Ctx, value: Set<unknown>, recurseTimes: number): string[] {
  const length = value.size;
  const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const remaining = length - maxLength;
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const v of value) {
    if (i >= maxLength) break;
    output.push(formatValue(ctx, v, recurseTimes));
    i++;
  }
  if (remaining > 0) output.push(remainingText(remaining));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx: Ctx, value: Map<unknown, unknown>, recurseTimes: number): string[] {
  const length = value.size;
  const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const remaining = length - maxLength;
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const [k, v] of value) {
    if (i >= maxLength) break;
    output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    i++;
  }
  if (remaining > 0) output.push(remainingText(remaining));
  ctx.indentationLvl -= 2;
  return output;
}

function formatIterator(): string[] {
  // Iterator contents cannot be read without consuming them.
  return ["<items unknown>"];
}

function formatWeakCollection(): string[] {
  return ["<items unknown>"];
}

function formatPromise(ctx: Ctx, value: Promise<unknown>, recurseTimes: number): string[] {
  // ops.promiseState is optional: without it the state cannot be observed
  // synchronously from JS.
  const probe = (ops as { promiseState?: (p: Promise<unknown>) => [number, unknown] } | undefined)?.promiseState;
  if (typeof probe !== "function") return ["<unknown>"];
  const [state, result] = probe(value);
  if (state === 0) return ["<pending>"];
  ctx.indentationLvl += 2;
  const str = formatValue(ctx, result, recurseTimes);
  ctx.indentationLvl -= 2;
  return [state === 2 ? `<rejected> ${str}` : str];
}

// ---- line breaking ----------------------------------------------------------

function isBelowBreakLength(ctx: Ctx, output: string[], start: number, base: string): boolean {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    totalLength += output[i].length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === "" || !base.includes("\n");
}

function reduceToSingleString(
  ctx: Ctx,
  output: string[],
  base: string,
  braces: [string, string],
  extrasType: number,
  recurseTimes: number,
  value: unknown,
): string {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === "number" && ctx.compact >= 1) {
      const entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) {
        output = groupArrayElements(ctx, output, value as ArrayLike<unknown>);
      }
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = output.join(", ");
          if (!joined.includes("\n")) {
            return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
          }
        }
      }
    }
    const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ""} ${output.join(", ")} ${braces[1]}`;
  }
  const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
  const ln = base === "" && braces[0].length === 1 ? " " : `${base ? ` ${base}` : ""}\n${indentation}  `;
  return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
}

// Long arrays of short items print in aligned columns (Node's
// groupArrayElements): 100 numbers take 7 lines instead of 100.
function groupArrayElements(ctx: Ctx, output: string[], value: ArrayLike<unknown> | undefined): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let i = 0;
  let outputLength = output.length;
  if (ctx.maxArrayLength < output.length) {
    // The "... n more items" entry does not take part.
    outputLength--;
  }
  const separatorSpace = 2;
  const dataLen = new Array<number>(outputLength);
  for (; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const approxCharHeights = 2.5;
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      (ctx.compact as number) * 4,
      15,
    );
    if (columns <= 1) return output;
    const tmp: string[] = [];
    const maxLineLength: number[] = [];
    for (let c = 0; c < columns; c++) {
      let lineLength = 0;
      for (let j = c; j < output.length; j += columns) {
        if (dataLen[j] > lineLength) lineLength = dataLen[j];
      }
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    if (value !== undefined) {
      for (let k = 0; k < output.length; k++) {
        const v = value[k];
        if (typeof v !== "number" && typeof v !== "bigint") {
          padStart = false;
          break;
        }
      }
    }
    for (let r = 0; r < outputLength; r += columns) {
      const max = Math.min(r + columns, outputLength);
      let str = "";
      let j = r;
      for (; j < max - 1; j++) {
        const padding = maxLineLength[j - r];
        str += padStart ? `${output[j]}, `.padStart(padding, " ") : `${output[j]}, `.padEnd(padding, " ");
      }
      if (padStart) {
        const padding = maxLineLength[j - r] - separatorSpace;
        str += output[j].padStart(padding, " ");
      } else {
        str += output[j];
      }
      tmp.push(str);
    }
    if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
    output = tmp;
  }
  return output;
}

// ---- console-style formatting -------------------------------------------------

/** Like inspect, but a top-level string prints raw (console.log("a") prints a). */
function formatArg(arg: unknown): string {
  return typeof arg === "string" ? arg : inspect(arg);
}

// Constructors of the engine's own classes, captured when this module is
// evaluated (before the runtime installs any global): %s inspects objects
// whose toString is one of theirs and calls a user-defined toString.
const builtInObjects = new Set(
  Object.getOwnPropertyNames(globalThis).filter((name) => /^[A-Z][a-zA-Z0-9]+$/.test(name)),
);

function hasBuiltInToString(value: object): boolean {
  let toString: unknown;
  try {
    toString = (value as { toString?: unknown }).toString;
  } catch {
    return true;
  }
  if (typeof toString !== "function") return true;
  if (hasOwn.call(value, "toString")) return false;
  let pointer: object | null = value;
  do {
    pointer = Object.getPrototypeOf(pointer);
  } while (pointer !== null && !hasOwn.call(pointer, "toString"));
  if (pointer === null) return true;
  const desc = Object.getOwnPropertyDescriptor(pointer, "constructor");
  return desc !== undefined && typeof desc.value === "function" && builtInObjects.has(desc.value.name);
}

/**
 * Formats console arguments the way Node's util.format does: printf-style
 * specifiers (%s %d %i %f %j %o %O %c %%) in a leading string, then the
 * remaining arguments separated by spaces.
 */
export function format(args: ArrayLike<unknown>): string {
  const n = args.length;
  if (n === 0) return "";
  const first = args[0];
  let a = 0;
  let str = "";
  if (typeof first === "string") {
    if (n === 1) return first;
    a = 1;
    let lastPos = 0;
    let tempStr: string | undefined;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const next = first.charCodeAt(++i);
      if (a < n) {
        const arg = args[a];
        switch (next) {
          case 115: {
            // 's'
            if (typeof arg === "number") tempStr = formatNumber(arg);
            else if (typeof arg === "bigint") tempStr = formatBigInt(arg);
            else if (typeof arg === "symbol") tempStr = symbolToString(arg);
            else if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg)) tempStr = String(arg);
            else tempStr = inspect(arg, { depth: 0, compact: 3 });
            break;
          }
          case 106: // 'j'
            tempStr = tryStringify(arg);
            break;
          case 100: {
            // 'd'
            if (typeof arg === "bigint") tempStr = formatBigInt(arg);
            else if (typeof arg === "symbol") tempStr = "NaN";
            else tempStr = formatNumber(Number(arg));
            break;
          }
          case 79: // 'O'
            tempStr = inspect(arg);
            break;
          case 111: // 'o'
            tempStr = inspect(arg, { showHidden: true, depth: 4 });
            break;
          case 105: {
            // 'i'
            if (typeof arg === "bigint") tempStr = formatBigInt(arg);
            else if (typeof arg === "symbol") tempStr = "NaN";
            else tempStr = formatNumber(parseInt(String(arg)));
            break;
          }
          case 102: // 'f'
            tempStr = typeof arg === "symbol" ? "NaN" : formatNumber(parseFloat(String(arg)));
            break;
          case 99: // 'c': CSS, ignored
            tempStr = "";
            break;
          case 37: // '%'
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          default:
            continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
        a++;
      } else if (next === 37) {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a = a === 0 ? 1 : a;
      if (lastPos < first.length) str += first.slice(lastPos);
    } else {
      str = first;
    }
  }
  for (; a < n; a++) {
    const value = args[a];
    str += (a > 0 ? " " : "") + formatArg(value);
  }
  return str;
}

function tryStringify(arg: unknown): string {
  try {
    return JSON.stringify(arg) as string;
  } catch (err) {
    if (err instanceof TypeError && /circular/i.test(err.message)) return "[Circular]";
    throw err;
  }
}
