// The console global. Formatting is format.ts's; this module decides where
// text goes (log/info/debug → stdout, warn/error/trace → stderr, as in
// Node, Bun and Deno) and keeps the small state some methods need (group
// indentation, counters, timers).
//
// Every call is exactly one ops.print: a whole message, newline included,
// reaches the fd in one write, so lines from a server's log never
// interleave mid-line. Methods do not use `this`, so `const { log } = console`
// works as it does in Node.

import { ops } from "./core_ops.ts";
import { format, inspect, type InspectOptions } from "./format.ts";

let groupIndent = "";
const counts = new Map<string, number>();
const timers = new Map<string, number>();

function emit(fd: 1 | 2, text: string): void {
  if (groupIndent !== "") {
    text = groupIndent + (text.includes("\n") ? text.replaceAll("\n", `\n${groupIndent}`) : text);
  }
  ops.print(fd, text + "\n");
}

function log(...args: unknown[]): void {
  emit(1, format(args));
}

function warn(...args: unknown[]): void {
  emit(2, format(args));
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(3)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(3)}s`;
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}:${rest.toFixed(3).padStart(6, "0")} (m:ss.mmm)`;
}

function label(l: unknown): string {
  return l === undefined ? "default" : `${l}`;
}

function trace(...args: unknown[]): void {
  const holder = { name: "Trace", message: format(args), stack: "" };
  // Capture from the caller of console.trace, not from inside it.
  (Error as unknown as { captureStackTrace(o: object, f: Function): void }).captureStackTrace(holder, trace);
  emit(2, holder.stack);
}

function assert(condition?: unknown, ...args: unknown[]): void {
  if (condition) return;
  if (args.length === 0) {
    emit(2, "Assertion failed");
  } else if (typeof args[0] === "string") {
    args[0] = `Assertion failed: ${args[0]}`;
    emit(2, format(args));
  } else {
    emit(2, format(["Assertion failed:", ...args]));
  }
}

function dir(value?: unknown, options?: InspectOptions): void {
  emit(1, inspect(value, { customInspect: false, ...options }));
}

function group(...labels: unknown[]): void {
  if (labels.length > 0) log(...labels);
  groupIndent += "  ";
}

function groupEnd(): void {
  groupIndent = groupIndent.slice(0, -2);
}

function count(l?: unknown): void {
  const key = label(l);
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  emit(1, `${key}: ${n}`);
}

function countReset(l?: unknown): void {
  const key = label(l);
  if (counts.has(key)) counts.set(key, 0);
  else emit(2, `Count for '${key}' does not exist`);
}

function time(l?: unknown): void {
  const key = label(l);
  if (timers.has(key)) {
    emit(2, `Warning: Label '${key}' already exists for console.time()`);
    return;
  }
  timers.set(key, ops.now());
}

function timeLog(l?: unknown, ...data: unknown[]): void {
  const key = label(l);
  const start = timers.get(key);
  if (start === undefined) {
    emit(2, `Warning: No such label '${key}' for console.timeLog()`);
    return;
  }
  const line = `${key}: ${formatDuration(ops.now() - start)}`;
  emit(1, data.length > 0 ? `${line} ${format(data)}` : line);
}

function timeEnd(l?: unknown): void {
  const key = label(l);
  const start = timers.get(key);
  if (start === undefined) {
    emit(2, `Warning: No such label '${key}' for console.timeEnd()`);
    return;
  }
  timers.delete(key);
  emit(1, `${key}: ${formatDuration(ops.now() - start)}`);
}

// ---- console.table: Node's layout (lib/internal/cli_table.js), left-aligned
// as in Node 23+.

function renderRow(row: string[], widths: number[]): string {
  let out = "│ ";
  for (let i = 0; i < row.length; i++) {
    out += row[i] + " ".repeat(widths[i] - row[i].length);
    if (i !== row.length - 1) out += " │ ";
  }
  return out + " │";
}

function cliTable(head: string[], columns: string[][]): string {
  const rows: string[][] = [];
  const widths = head.map((h) => h.length);
  let longest = 0;
  for (const c of columns) longest = Math.max(longest, c.length);
  for (let i = 0; i < head.length; i++) {
    const column = columns[i];
    for (let j = 0; j < longest; j++) {
      if (rows[j] === undefined) rows[j] = [];
      const value = (rows[j][i] = Object.prototype.hasOwnProperty.call(column, j) ? column[j] : "");
      widths[i] = Math.max(widths[i] || 0, value.length);
    }
  }
  const divider = widths.map((w) => "─".repeat(w + 2));
  let result = `┌${divider.join("┬")}┐\n${renderRow(head, widths)}\n├${divider.join("┼")}┤\n`;
  for (const row of rows) result += `${renderRow(row, widths)}\n`;
  return result + `└${divider.join("┴")}┘`;
}

function cell(v: unknown): string {
  const depth = v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 2 ? -1 : 0;
  return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity });
}

function table(data?: unknown, properties?: readonly string[]): void {
  if (data === null || typeof data !== "object") {
    log(data);
    return;
  }
  const indexArray = (n: number) => Array.from({ length: n }, (_, i) => `${i}`);
  if (data instanceof Map) {
    const keys: string[] = [];
    const values: string[] = [];
    for (const [k, v] of data) {
      keys.push(cell(k));
      values.push(cell(v));
    }
    emit(1, cliTable(["(iteration index)", "Key", "Values"], [indexArray(keys.length), keys, values]));
    return;
  }
  if (data instanceof Set) {
    const values: string[] = [];
    for (const v of data) values.push(cell(v));
    emit(1, cliTable(["(iteration index)", "Values"], [indexArray(values.length), values]));
    return;
  }
  const map: Record<string, string[]> = Object.create(null);
  let hasPrimitives = false;
  const primitiveValues: string[] = [];
  const indexKeys = Object.keys(data);
  for (let i = 0; i < indexKeys.length; i++) {
    const item = (data as Record<string, unknown>)[indexKeys[i]];
    const primitive = item === null || (typeof item !== "function" && typeof item !== "object");
    if (properties === undefined && primitive) {
      hasPrimitives = true;
      primitiveValues[i] = cell(item);
    } else {
      const keys = properties ?? Object.keys(item as object);
      for (const key of keys) {
        if (map[key] === undefined) map[key] = [];
        if ((primitive && properties) || !Object.prototype.hasOwnProperty.call(item, key)) map[key][i] = "";
        else map[key][i] = cell((item as Record<string, unknown>)[key]);
      }
    }
  }
  const head = Object.keys(map);
  const columns = head.map((k) => map[k]);
  if (hasPrimitives) {
    head.push("Values");
    columns.push(primitiveValues);
  }
  head.unshift("(index)");
  columns.unshift(indexKeys);
  emit(1, cliTable(head, columns));
}

function noop(): void {}

export const console = {
  log,
  info: log,
  debug: log,
  warn,
  error: warn,
  trace,
  assert,
  dir,
  dirxml: log,
  table,
  group,
  groupCollapsed: group,
  groupEnd,
  count,
  countReset,
  time,
  timeLog,
  timeEnd,
  clear: noop,
  profile: noop,
  profileEnd: noop,
  timeStamp: noop,
};

Object.defineProperty(console, Symbol.toStringTag, {
  value: "console",
  writable: false,
  enumerable: false,
  configurable: true,
});
