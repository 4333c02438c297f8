// The `process` global (node:process). It is an EventEmitter built when
// ts-lib is evaluated (so it can live in the startup snapshot) and
// connected to this process's ops, arguments and environment by
// connectProcess(), which bootstrap() calls once per run.
//
// nextTick: the queue lives here; Rust runs it before every microtask
// checkpoint (runtime/src/ops/node_process.rs), so ticks run before
// promise reactions, as in Node.

import { EventEmitter } from "./events.ts";
import { bootInfo, ops } from "../../core_ops.ts";
import { reportUncaught, reportUnhandled, setFatalHook, setUncaughtHook } from "../../errors.ts";
import { coded, invalidArgType, notImplemented } from "./errors.ts";
import { makeStdio } from "./stdio.ts";
import { currentFrame, runInFrame, type Frame } from "../../async_context.ts";

type Tick = { fn: Function; args: unknown[] | undefined; frame: Frame };
const ticks: (Tick | undefined)[] = [];
let head = 0;
const noArgs: unknown[] = [];

function nextTick(fn: Function, ...args: unknown[]): void {
  if (typeof fn !== "function") throw invalidArgType("callback", "of type function", fn);
  if (exiting) return;
  if (head === ticks.length) ops.tickPending();
  ticks.push({ fn, args: args.length > 0 ? args : undefined, frame: currentFrame() });
}

function runTicks(): void {
  while (head < ticks.length) {
    const t = ticks[head]!;
    ticks[head++] = undefined;
    try {
      runInFrame(t.frame, t.fn as (...args: unknown[]) => unknown, undefined, t.args ?? noArgs);
    } catch (e) {
      reportUncaught(e);
    }
  }
  ticks.length = 0;
  head = 0;
}

let exiting = false;
let exitCode: number | undefined;

function toExitCode(code: unknown): number | undefined {
  if (code === undefined || code === null) return undefined;
  const n = typeof code === "string" && code.trim() !== "" ? Number(code) : code;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw invalidArgType("code", "of type number", code);
  }
  return n;
}

function exit(code?: unknown): never {
  const c = toExitCode(code);
  if (c !== undefined) exitCode = c;
  if (!exiting) {
    exiting = true;
    process.emit("exit", exitCode ?? 0);
  }
  return ops.exit(exitCode ?? 0);
}

function hrtime(prev?: [number, number]): [number, number] {
  const [s, ns] = ops.hrtime();
  if (prev === undefined) return [s, ns];
  if (!Array.isArray(prev)) throw invalidArgType("time", "an instance of Array", prev);
  let ds = s - prev[0];
  let dns = ns - prev[1];
  if (dns < 0) {
    ds -= 1;
    dns += 1e9;
  }
  return [ds, dns];
}
hrtime.bigint = function bigint(): bigint {
  const [s, ns] = ops.hrtime();
  return BigInt(s) * 1000000000n + BigInt(ns);
};

function memoryUsage(): { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number } {
  const [used, total] = ops.heapStats();
  return { rss: ops.processInfo("rss") as number, heapTotal: total, heapUsed: used, external: 0, arrayBuffers: 0 };
}
memoryUsage.rss = (): number => ops.processInfo("rss") as number;

function chdir(directory: unknown): void {
  if (typeof directory !== "string") throw invalidArgType("directory", "of type string", directory);
  const before = ops.processInfo("cwd") as string;
  const err = ops.chdir(directory);
  if (err === undefined) return;
  const text: Record<string, string> = {
    ENOENT: "no such file or directory",
    ENOTDIR: "not a directory",
    EACCES: "permission denied",
    ELOOP: "too many symbolic links encountered",
    ENAMETOOLONG: "name too long",
  };
  const errnos: Record<string, number> = { ENOENT: -2, ENOTDIR: -20, EACCES: -13, ELOOP: -40, ENAMETOOLONG: -36 };
  const e = coded(new Error(`${err}: ${text[err] ?? "i/o error"}, chdir '${before}' -> '${directory}'`), err) as unknown as Error & Record<string, unknown>;
  e.errno = errnos[err] ?? -5;
  e.syscall = "chdir";
  e.path = before;
  e.dest = directory;
  throw e;
}

// Signal numbers on Linux (os.constants.signals; node:os is not imported
// here, as it imports this module).
const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16,
  SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24,
  SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};

/** process.kill(pid, signal): sends a signal (a name or a number; 0 only checks the process exists). */
function kill(pid: unknown, sig: unknown = "SIGTERM"): true {
  // Node's own test: a number, or a string of one, that is an int32.
  if (pid != ((pid as number) | 0)) throw invalidArgType("pid", "of type number", pid);
  let signum: number;
  if (typeof sig === "number") signum = sig;
  else {
    const name = (sig || "SIGTERM") as string;
    if (!Object.hasOwn(SIGNALS, name)) throw coded(new TypeError(`Unknown signal: ${String(name)}`), "ERR_UNKNOWN_SIGNAL");
    signum = SIGNALS[name];
  }
  const err = ops.kill((pid as number) | 0, signum);
  if (err === undefined) return true;
  const errnos: Record<string, number> = { ESRCH: -3, EPERM: -1, EINVAL: -22 };
  const e = coded(new Error(`kill ${err}`), err) as unknown as Error & Record<string, unknown>;
  e.errno = errnos[err] ?? -5;
  e.syscall = "kill";
  throw e;
}

interface WarningOptions {
  type?: string;
  code?: string;
  detail?: string;
}

function emitWarning(warning: string | Error, typeOrOptions?: string | WarningOptions, code?: string): void {
  let type = "Warning";
  let detail: string | undefined;
  if (typeof typeOrOptions === "object" && typeOrOptions !== null) {
    type = typeOrOptions.type ?? type;
    code = typeOrOptions.code;
    detail = typeOrOptions.detail;
  } else if (typeof typeOrOptions === "string") type = typeOrOptions;
  let w: Error & { code?: string; detail?: string };
  if (typeof warning === "string") {
    w = new Error(warning);
    w.name = type;
    if (code !== undefined) w.code = code;
    if (detail !== undefined) w.detail = detail;
  } else if (warning instanceof Error) w = warning;
  else throw invalidArgType("warning", "of type string or an instance of Error", warning);
  if (w.name === "DeprecationWarning" && (process as { noDeprecation?: boolean }).noDeprecation) return;
  nextTick(() => {
    process.emit("warning", w);
    // Node prints the warning unless someone listens for them.
    if (process.listenerCount("warning") > 0) return;
    const pid = ops.processInfo("pid");
    const prefix = w.code ? `[${w.code}] ` : "";
    ops.print(2, `(howth:${pid}) ${prefix}${w.name}: ${w.message}\n${w.detail ? `${w.detail}\n` : ""}`);
  });
}

interface Process extends EventEmitter {
  [k: string]: any;
}

/** The `process` object; filled in by connectProcess(). */
export const process: Process = new (EventEmitter as unknown as new () => Process)();

const versions: Record<string, string> = {};

Object.assign(process, {
  title: "howth",
  version: "v22.12.0",
  versions,
  arch: "x64",
  platform: "linux",
  release: { name: "node", lts: "Jod" },
  config: { target_defaults: {}, variables: {} },
  features: { inspector: false, debug: false, uv: true, ipv6: true, tls_alpn: true, tls_sni: true, tls_ocsp: true, tls: true, cached_builtins: true, typescript: "transform" },
  execArgv: [] as string[],
  allowedNodeEnvironmentFlags: new Set<string>(),
  noDeprecation: false,
  throwDeprecation: false,
  traceDeprecation: false,
  moduleLoadList: [] as string[],
  nextTick,
  exit,
  reallyExit: exit,
  hrtime,
  memoryUsage,
  chdir,
  emitWarning,
  cwd: (): string => ops.processInfo("cwd") as string,
  uptime: (): number => ops.now() / 1000,
  umask: (): number => 0o22,
  getuid: (): number => ops.processInfo("uid") as number,
  getgid: (): number => ops.processInfo("gid") as number,
  geteuid: (): number => ops.processInfo("euid") as number,
  getegid: (): number => ops.processInfo("egid") as number,
  abort: (): never => ops.exit(134),
  cpuUsage: (): never => {
    throw notImplemented("process.cpuUsage");
  },
  resourceUsage: (): never => {
    throw notImplemented("process.resourceUsage");
  },
  kill,
  binding: (name: string): never => {
    throw notImplemented(`process.binding('${name}')`);
  },
  dlopen: (): never => {
    throw notImplemented("process.dlopen");
  },
  setUncaughtExceptionCaptureCallback: (): never => {
    throw notImplemented("process.setUncaughtExceptionCaptureCallback");
  },
  hasUncaughtExceptionCaptureCallback: (): boolean => false,
  setSourceMapsEnabled: (): void => {},
});
Object.defineProperty(process, "exitCode", {
  get: () => exitCode,
  set: (v: unknown) => {
    exitCode = toExitCode(v);
  },
  enumerable: true,
  configurable: true,
});
Object.defineProperty(process, Symbol.toStringTag, { value: "process", configurable: true });
for (const [name, what] of [["pid", "pid"], ["ppid", "ppid"], ["execPath", "execPath"]] as const) {
  let cached: unknown;
  Object.defineProperty(process, name, {
    get: () => (cached ??= ops.processInfo(what)),
    set: (v: unknown) => {
      cached = v;
    },
    enumerable: true,
    configurable: true,
  });
}

/** process.env: the environment, kept in step with the process's own. */
function makeEnv(initial: Record<string, string>): Record<string, string | undefined> {
  const target: Record<string, string> = Object.assign({}, initial);
  return new Proxy(target, {
    set(t, key, value) {
      if (typeof key === "symbol") throw coded(new TypeError("Cannot convert a Symbol value to a string"), "ERR_INVALID_ARG_TYPE");
      const s = String(value);
      t[key] = s;
      ops.setEnv(key, s);
      return true;
    },
    deleteProperty(t, key) {
      if (typeof key === "string") {
        delete t[key];
        ops.setEnv(key, undefined);
      }
      return true;
    },
    defineProperty(t, key, desc) {
      if (typeof key === "string" && "value" in desc) {
        t[key] = String(desc.value);
        ops.setEnv(key, t[key]);
        return true;
      }
      throw coded(new TypeError("'process.env' only accepts a configurable, writable, and enumerable data descriptor"), "ERR_INVALID_OBJECT_DEFINE_PROPERTY");
    },
  });
}

/** Connects `process` to this run: arguments, environment, stdio, lifecycle. Called by bootstrap(). */
export function connectProcess(): void {
  const info = bootInfo();
  versions.node = process.version.slice(1);
  versions.howth = info.version;
  versions.v8 = info.v8;
  const execPath = ops.processInfo("execPath") as string;
  process.argv0 = "howth";
  process.argv = [execPath, ...(info.mainPath ? [info.mainPath] : []), ...info.args];
  process.env = makeEnv(info.env);
  makeStdio(process);
  ops.setTickCallback(runTicks);
  ops.setLifecycleCallback((event) => {
    if (event === "beforeExit") {
      process.emit("beforeExit", exitCode ?? 0);
      return;
    }
    if (exiting) return;
    exiting = true;
    process.emit("exit", exitCode ?? 0);
    if ((exitCode ?? 0) !== 0) ops.exit(exitCode!);
  });
  // Unhandled rejections go to JS once a program listens for them (or for
  // uncaught exceptions, which Node raises them as, or for `exit`); until
  // then Rust reports them itself, as it does for any other program.
  process.on("newListener", routeRejections);
  listenForSignals();
  setFatalHook(() => {
    if (exiting) return;
    exiting = true;
    exitCode = 1;
    process.emit("exit", 1);
  });
  setUncaughtHook((e) => {
    if (process.listenerCount("uncaughtException") === 0) return false;
    process.emit("uncaughtException", e, "uncaughtException");
    return true;
  });
}

/**
 * Signal events, as Node: the first listener for a signal's name starts
 * catching it (at once, so a signal sent right after `process.on` reaches
 * it; the loop delivers it between other work), the last one removed lets
 * it take its uncaught course again (for SIGINT/SIGTERM under the CLI:
 * the graceful shutdown). Listening does not keep the process alive.
 */
function listenForSignals(): void {
  const isSignal = (event: string | symbol): event is string =>
    typeof event === "string" && event.startsWith("SIG") && Object.hasOwn(SIGNALS, event);
  process.on("newListener", (event: string | symbol) => {
    if (!isSignal(event) || process.listenerCount(event) > 0) return;
    const err = ops.signalListen(SIGNALS[event], true);
    if (err === undefined) return;
    if (err === "EINVAL") {
      // Node's own fields, in its order.
      throw Object.assign(new Error("uv_signal_start EINVAL"), { errno: -22, code: "EINVAL", syscall: "uv_signal_start" });
    }
    throw coded(new Error(`process.on("${event}") is not implemented in Howth: the signal cannot be caught`), "ERR_NOT_IMPLEMENTED");
  });
  process.on("removeListener", (event: string | symbol) => {
    if (!isSignal(event) || process.listenerCount(event) > 0) return;
    // Another name of the same number (SIGIOT and SIGABRT) may still listen.
    const n = SIGNALS[event];
    if (!Object.keys(SIGNALS).some((name) => SIGNALS[name] === n && process.listenerCount(name) > 0)) ops.signalListen(n, false);
  });
  ops.setSignalCallback((signo) => {
    for (const name of Object.keys(SIGNALS)) {
      if (SIGNALS[name] === signo && process.listenerCount(name) > 0) process.emit(name, name, signo);
    }
  });
}

function routeRejections(event: string | symbol): void {
  // `exit` too: a fatal rejection emits it (with 1) on the way out.
  if (event !== "unhandledRejection" && event !== "uncaughtException" && event !== "exit") return;
  process.off("newListener", routeRejections);
  ops.setRejectionCallback(onUnhandledRejection);
}

/**
 * A promise rejected with no handler by the end of a turn: Node's default
 * mode ("throw") emits `unhandledRejection`; with no listener it is raised
 * as an uncaught exception (`uncaughtException` with origin
 * "unhandledRejection"), and with none of those either the process prints
 * it and exits 1.
 */
function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  if (process.listenerCount("unhandledRejection") > 0) {
    process.emit("unhandledRejection", reason, promise);
    return;
  }
  if (process.listenerCount("uncaughtException") > 0) {
    process.emit("uncaughtException", reason, "unhandledRejection");
    return;
  }
  reportUnhandled(reason);
}

export default process;
