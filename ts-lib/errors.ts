// Stack traces that point at the TypeScript the user wrote, and the one way
// uncaught errors are reported.
//
// V8 calls Error.prepareStackTrace lazily, the first time an error's `stack`
// is read, so installing it costs nothing for errors nobody looks at. Each
// frame's generated position goes through ops.mapPosition (swc's source
// maps, kept by Rust) and the frame is formatted exactly as V8 would
// ("    at fn (file:line:col)"), so tools that parse V8 stacks keep working.

import { ops } from "./core_ops.ts";
import { inspect } from "./format.ts";

interface CallSite {
  getFileName(): string | null | undefined;
  getScriptNameOrSourceURL?(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
  getTypeName(): string | null;
  getMethodName(): string | null;
  getEvalOrigin(): string | undefined;
  getPromiseIndex(): number | null;
  isToplevel(): boolean;
  isEval(): boolean;
  isNative(): boolean;
  isConstructor(): boolean;
  isAsync(): boolean;
  isPromiseAll(): boolean;
}

/** The first line of a stack: what V8's ErrorUtils::ToString gives. */
function stackHeader(error: unknown): string {
  try {
    if (error === null || (typeof error !== "object" && typeof error !== "function")) return String(error);
    const e = error as { name?: unknown; message?: unknown };
    const name = e.name === undefined ? "Error" : String(e.name);
    const msg = e.message === undefined ? "" : String(e.message);
    if (name === "") return msg;
    if (msg === "") return name;
    return `${name}: ${msg}`;
  } catch {
    return "<error>";
  }
}

function formatLocation(cs: CallSite): string {
  if (cs.isNative()) return "native";
  let result = "";
  const fileName = cs.getFileName() || cs.getScriptNameOrSourceURL?.();
  const line = cs.getLineNumber();
  const col = cs.getColumnNumber();
  if (fileName) {
    result += fileName;
  } else {
    if (cs.isEval()) result += `${cs.getEvalOrigin()}, `;
    result += "<anonymous>";
  }
  if (line != null) {
    let mapped: string | undefined;
    if (fileName) {
      try {
        mapped = ops.mapPosition(fileName, line, col ?? 0);
      } catch {
        mapped = undefined;
      }
    }
    if (mapped !== undefined) result += `:${mapped}`;
    else result += col != null ? `:${line}:${col}` : `:${line}`;
  }
  return result;
}

/** One frame, as V8 formats it (CallSiteInfo serialisation). */
export function formatCallSite(cs: CallSite): string {
  let result = "";
  const functionName = cs.getFunctionName();
  const isTopLevel = cs.isToplevel();
  const isConstructor = cs.isConstructor();
  const isMethodCall = !(isTopLevel || isConstructor);
  if (cs.isAsync()) result += "async ";
  if (cs.isPromiseAll()) return `${result}Promise.all (index ${cs.getPromiseIndex()})`;
  if (isMethodCall) {
    const typeName = cs.getTypeName();
    const methodName = cs.getMethodName();
    if (functionName) {
      if (typeName && !functionName.startsWith(typeName)) result += `${typeName}.`;
      result += functionName;
      if (methodName && !functionName.endsWith(methodName)) result += ` [as ${methodName}]`;
    } else {
      if (typeName) result += `${typeName}.`;
      result += methodName || "<anonymous>";
    }
  } else if (isConstructor) {
    result += `new ${functionName || "<anonymous>"}`;
  } else if (functionName) {
    result += functionName;
  } else {
    return result + formatLocation(cs);
  }
  return `${result} (${formatLocation(cs)})`;
}

function prepareStackTrace(error: unknown, callSites: CallSite[]): string {
  let out = stackHeader(error);
  for (let i = 0; i < callSites.length; i++) {
    let frame: string;
    try {
      frame = formatCallSite(callSites[i]);
    } catch {
      frame = "<error formatting frame>";
    }
    out += "\n    at " + frame;
  }
  return out;
}

export function installStackTraces(): void {
  Object.defineProperty(Error, "prepareStackTrace", {
    value: prepareStackTrace,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

let uncaughtHook: ((e: unknown) => boolean) | undefined;

/** Lets node:process handle uncaught exceptions first; it returns true when a listener took one. */
export function setUncaughtHook(hook: (e: unknown) => boolean): void {
  uncaughtHook = hook;
}

/**
 * Reports an exception nothing caught (a timer callback, a microtask) and
 * ends the process with status 1, as Deno does. The message has the same
 * shape as Rust's report for an uncaught exception in the entry module.
 */
export function reportUncaught(e: unknown): void {
  // process.on("uncaughtException") listeners (ts-lib/node/process.ts).
  if (uncaughtHook !== undefined && uncaughtHook(e)) return;
  printAndExit("", e);
}

/** Reports a rejection nothing handled (when node:process routes them to JS) as Rust does, and exits 1. */
export function reportUnhandled(reason: unknown): void {
  printAndExit("(in promise) ", reason);
}

let fatalHook: (() => void) | undefined;

/** Lets node:process emit its `exit` event (code 1) before a fatal error ends the process, as Node does. */
export function setFatalHook(hook: () => void): void {
  fatalHook = hook;
}

function printAndExit(what: string, e: unknown): void {
  let text: string;
  try {
    text = inspect(e);
  } catch {
    text = stackHeader(e);
  }
  ops.print(2, `error: Uncaught ${what}${text}\n`);
  try {
    fatalHook?.();
  } finally {
    ops.exit(1);
  }
}
