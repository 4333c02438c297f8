// The first JS that runs in an isolate. Rust evaluates this module, calls
// prepare() and then bootstrap(ops) once, then loads the user's entry module
// and calls afterMain(namespace) when it has finished evaluating.
//
// prepare() does everything that is the same in every process and calls no
// op: when Howth starts from its V8 startup snapshot (runtime/src/modules/
// snapshot.rs), it ran when the snapshot was made, and a run only calls
// bootstrap(), which stores the ops and reads this process's arguments and
// environment. Stack traces are mapped (prepare) before user code can throw,
// and the ops are stored (bootstrap) before anything can call them.

import { ops, setOps, type Ops } from "./core_ops.ts";
import { installWebGlobals } from "./web.ts";
import { setWebOps } from "./web_ops.ts";
import { installStackTraces, reportUncaught } from "./errors.ts";
import { console } from "./console.ts";
import { installTimers, queueMicrotask } from "./timers.ts";
import { Headers } from "./headers.ts";
import { Request } from "./request.ts";
import { Response } from "./response.ts";
import { fetch } from "./fetch.ts";
import { installServer } from "./server.ts";
import { makeHowth, serveDefaultExport } from "./howth.ts";
import { installHostOps, requestWorkers } from "./host.ts";
import { installNodeGlobals, connectNodeGlobals } from "./node/internal/globals.ts";
import { initImportMeta } from "./import_meta.ts";

/** Defines a global the way WebIDL and Node define theirs: writable, configurable, not enumerable. */
function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
}

export interface Hooks {
  afterMain(ns: Record<string, unknown>): void;
  /** Called by the engine with each file module's new import.meta. */
  importMeta: typeof initImportMeta;
}

/** Installs the globals that do not depend on the process. Calls no op. */
export function prepare(): void {
  installWebGlobals();
  installStackTraces();

  defineGlobal("console", console);
  defineGlobal("queueMicrotask", queueMicrotask);
  // HTML's reportError: report as uncaught, as Deno does (and exit 1).
  defineGlobal("reportError", function reportError(e: unknown): void {
    reportUncaught(e);
  });
  defineGlobal("Headers", Headers);
  defineGlobal("Request", Request);
  defineGlobal("Response", Response);
  defineGlobal("fetch", fetch);
  // Browser and Bun code reaches the global object as `self`, Node code as
  // `global`.
  defineGlobal("self", globalThis);
  defineGlobal("global", globalThis);
  // Node's globals: process, Buffer, the timers (setTimeout returns a
  // Timeout, as in Node and Bun), setImmediate, clearImmediate.
  installNodeGlobals(defineGlobal);
}

/** Connects ts-lib to this process: its ops, arguments and environment. */
export function bootstrap(o: Ops): Hooks {
  setOps(o);
  setWebOps(o);
  const howth = makeHowth();
  installHostOps(howth);
  defineGlobal("Howth", howth);
  installTimers();
  installServer();
  connectNodeGlobals();
  return { afterMain, importMeta: initImportMeta };
}

/**
 * Serves the entry module's default export when it looks like a server
 * (`export default { port?, hostname?, fetch(req) }`, as Bun and Deno do).
 */
function afterMain(ns: Record<string, unknown>): void {
  const def = ns.default as { fetch?: unknown; routes?: unknown } | null | undefined;
  if (def === null || typeof def !== "object") return;
  if (typeof def.fetch !== "function" && (typeof def.routes !== "object" || def.routes === null)) return;
  try {
    requestWorkers(def);
    serveDefaultExport(def as Parameters<typeof serveDefaultExport>[0]);
  } catch (e) {
    // "port in use" and friends: one clear line, no stack from our internals.
    const msg = e instanceof Error ? e.message : String(e);
    ops.print(2, `error: ${msg}\n`);
    ops.exit(1);
  }
}
