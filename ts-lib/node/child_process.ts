// node:child_process: the Sync forms run the child inline (the loop waits,
// as in Node); exec, execFile and spawn run it on a worker pool thread that
// pumps its pipes, and report through the completion queue. The loop has no
// general fd source yet, so a child's output arrives when it ends, in one
// 'data' chunk per stream, and spawn's stdin takes what was written before
// the current task ends. The Rust half is runtime/src/ops/child.rs.

import { ops } from "../core_ops.ts";
import { onSettled, syncOutcome } from "../pool.ts";
import { decode, encode, toBuffer } from "../nodeio/bytes.ts";
import { checkCallback, invalidArgType, notImplemented } from "../nodeio/errors.ts";
import { constants } from "./os.ts";

type Bytes = Uint8Array;
type Stdio = "pipe" | "inherit" | "ignore";

interface Options {
  cwd?: string | URL;
  env?: Record<string, string | undefined>;
  input?: string | ArrayBufferView;
  encoding?: string;
  timeout?: number;
  killSignal?: string | number;
  stdio?: Stdio | Stdio[];
  shell?: boolean | string;
  maxBuffer?: number;
}

interface Ran {
  pid: number;
  status: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: Bytes;
  stderr: Bytes;
}

const signalNames = new Map<number, string>();
for (const [name, n] of Object.entries(constants.signals)) if (!signalNames.has(n)) signalNames.set(n, name);

function signalNumber(s: string | number | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (typeof s === "number") return s;
  return (constants.signals as Record<string, number>)[s];
}

function stdioOf(o: Options): Stdio[] {
  const s = o.stdio ?? "pipe";
  const a = typeof s === "string" ? [s, s, s] : [...s];
  while (a.length < 3) a.push("pipe");
  return a.slice(0, 3).map((x) => (x === "inherit" || x === "ignore" ? x : "pipe"));
}

function spec(file: string, args: string[], o: Options, stdio: Stdio[]): string {
  let env: [string, string][] | undefined;
  if (o.env !== undefined) {
    env = Object.entries(o.env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => [k, String(v)]);
  }
  const cwd = o.cwd instanceof URL ? decodeURIComponent(o.cwd.pathname) : o.cwd;
  return JSON.stringify({ file, args, cwd, env, timeout: o.timeout ?? 0, killSignal: signalNumber(o.killSignal), stdio });
}

function inputBytes(input: unknown): Uint8Array | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input === "string") {
    const e = encode(input, "utf8");
    return typeof e === "string" ? new TextEncoder().encode(e) : e;
  }
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw invalidArgType("options.input", "of type string or an instance of Buffer, TypedArray, or DataView", input);
}

/** Splits runtime/src/ops/child.rs's result bytes. */
function parse(v: unknown): Ran {
  const b = v as Uint8Array;
  const n = b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
  const head = JSON.parse(new TextDecoder().decode(b.subarray(4, 4 + n))) as {
    pid: number;
    status: number | null;
    signal: number | null;
    timedOut: boolean;
    stdoutLength: number;
  };
  const at = 4 + n;
  return {
    pid: head.pid,
    status: head.status,
    signal: head.signal === null ? null : (signalNames.get(head.signal) ?? String(head.signal)),
    timedOut: head.timedOut,
    stdout: b.slice(at, at + head.stdoutLength),
    stderr: b.slice(at + head.stdoutLength),
  };
}

/** The error Node's spawn reports when the program cannot start. */
function spawnError(v: unknown, syscall: string, file: string, args: string[]): Error {
  if (typeof v === "string") return new Error(v);
  const info = v as { code: string; errno: number };
  const e = new Error(`${syscall} ${file} ${info.code}`) as Error & Record<string, unknown>;
  e.errno = info.errno;
  e.code = info.code;
  e.syscall = `${syscall} ${file}`;
  e.path = file;
  e.spawnargs = args;
  return e;
}

function normalize(file: unknown, args: unknown, options: unknown): [string, string[], Options] {
  if (typeof file !== "string") throw invalidArgType("file", "of type string", file);
  if (!Array.isArray(args)) {
    options = args;
    args = [];
  }
  const o = (options ?? {}) as Options;
  if (o.shell) {
    const sh = typeof o.shell === "string" ? o.shell : "/bin/sh";
    return [sh, ["-c", [file, ...(args as string[])].join(" ")], o];
  }
  return [file, (args as unknown[]).map(String), o];
}

function out(b: Bytes, encoding: string | undefined): Bytes | string {
  return encoding && encoding !== "buffer" ? decode(b, encoding) : toBuffer(b);
}

// ---- Sync forms ------------------------------------------------------------

interface SpawnSyncResult {
  error?: Error;
  status: number | null;
  signal: string | null;
  output: (Bytes | string | null)[] | null;
  pid: number;
  stdout: Bytes | string | null;
  stderr: Bytes | string | null;
}

function runSync(file: string, args: string[], o: Options, stdio: Stdio[]): SpawnSyncResult {
  const input = inputBytes(o.input);
  const failed = ops.childRun(false, spec(file, args, o, stdio), input) as boolean;
  let ran: Ran;
  try {
    ran = parse(syncOutcome<unknown>(failed, (v) => v));
  } catch (v) {
    return { error: spawnError(v, "spawnSync", file, args), status: null, signal: null, output: null, pid: 0, stdout: null, stderr: null };
  }
  const stdout = stdio[1] === "pipe" ? out(ran.stdout, o.encoding) : null;
  const stderr = stdio[2] === "pipe" ? out(ran.stderr, o.encoding) : null;
  const r: SpawnSyncResult = { status: ran.status, signal: ran.signal, output: [null, stdout, stderr], pid: ran.pid, stdout, stderr };
  if (ran.timedOut) {
    const e = new Error(`spawnSync ${file} ETIMEDOUT`) as Error & Record<string, unknown>;
    Object.assign(e, { errno: -110, code: "ETIMEDOUT", syscall: `spawnSync ${file}`, path: file, spawnargs: args });
    return { error: e, ...r };
  }
  return r;
}

export function spawnSync(file: string, args?: readonly string[] | Options, options?: Options): SpawnSyncResult {
  const [f, a, o] = normalize(file, args, options);
  return runSync(f, a, o, stdioOf(o));
}

function checkSync(r: SpawnSyncResult, cmd: string): void {
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const stderr = r.stderr === null ? "" : typeof r.stderr === "string" ? r.stderr : new TextDecoder().decode(r.stderr);
    const e = new Error(`Command failed: ${cmd}${stderr ? `\n${stderr}` : ""}`);
    throw Object.assign(e, r);
  }
}

/** execSync and execFileSync: stderr goes to the parent's unless stdio says otherwise. */
function stdioForExecSync(o: Options): Stdio[] {
  return o.stdio === undefined ? ["pipe", "pipe", "inherit"] : stdioOf(o);
}

export function execFileSync(file: string, args?: readonly string[] | Options, options?: Options): Bytes | string {
  const [f, a, o] = normalize(file, args, options);
  const r = runSync(f, a, o, stdioForExecSync(o));
  checkSync(r, [file, ...(Array.isArray(args) ? args : [])].join(" "));
  return r.stdout as Bytes | string;
}

export function execSync(command: string, options?: Options): Bytes | string {
  if (typeof command !== "string") throw invalidArgType("command", "of type string", command);
  const o = options ?? {};
  const sh = typeof o.shell === "string" ? o.shell : "/bin/sh";
  const r = runSync(sh, ["-c", command], o, stdioForExecSync(o));
  checkSync(r, command);
  return r.stdout as Bytes | string;
}

// ---- asynchronous forms --------------------------------------------------------

type Listener = (...args: unknown[]) => void;

/** Just enough of EventEmitter for a child and its streams. */
class Emitter {
  #listeners = new Map<string, Listener[]>();
  on(event: string, fn: Listener): this {
    const l = this.#listeners.get(event) ?? [];
    l.push(fn);
    this.#listeners.set(event, l);
    return this;
  }
  addListener(event: string, fn: Listener): this {
    return this.on(event, fn);
  }
  once(event: string, fn: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped);
      fn(...args);
    };
    return this.on(event, wrapped);
  }
  off(event: string, fn: Listener): this {
    const l = this.#listeners.get(event);
    if (l) this.#listeners.set(event, l.filter((x) => x !== fn));
    return this;
  }
  removeListener(event: string, fn: Listener): this {
    return this.off(event, fn);
  }
  emit(event: string, ...args: unknown[]): boolean {
    const l = this.#listeners.get(event);
    if (!l || l.length === 0) {
      if (event === "error") throw args[0];
      return false;
    }
    for (const fn of [...l]) fn(...args);
    return true;
  }
}

class OutputStream extends Emitter {
  #encoding: string | undefined;
  setEncoding(e: string): this {
    this.#encoding = e;
    return this;
  }
  /** Internal: the child ended with these bytes. */
  finish(b: Bytes): void {
    if (b.length > 0) this.emit("data", out(b, this.#encoding));
    this.emit("end");
    this.emit("close");
  }
}

class InputStream extends Emitter {
  chunks: Uint8Array[] = [];
  ended = false;
  write(chunk: string | ArrayBufferView, cb?: () => void): boolean {
    const b = inputBytes(chunk);
    if (b) this.chunks.push(b.slice());
    if (cb) queueMicrotask(cb);
    return true;
  }
  end(chunk?: string | ArrayBufferView, cb?: () => void): this {
    if (chunk !== undefined && typeof chunk !== "function") this.write(chunk);
    this.ended = true;
    if (typeof chunk === "function") queueMicrotask(chunk as () => void);
    else if (cb) queueMicrotask(cb);
    return this;
  }
  bytes(): Uint8Array {
    const all = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all;
  }
}

export class ChildProcess extends Emitter {
  pid: number | undefined = undefined;
  exitCode: number | null = null;
  signalCode: string | null = null;
  killed = false;
  spawnfile = "";
  spawnargs: string[] = [];
  stdin: InputStream | null = null;
  stdout: OutputStream | null = null;
  stderr: OutputStream | null = null;
  get stdio(): unknown[] {
    return [this.stdin, this.stdout, this.stderr];
  }
  kill(_signal?: string | number): never {
    throw notImplemented("ChildProcess.kill");
  }
  ref(): void {}
  unref(): void {}
}

/** Starts a child once the current task is over (stdin written by then is its input). */
function start(
  child: ChildProcess,
  file: string,
  args: string[],
  o: Options,
  stdio: Stdio[],
  done: (err: Error | null, ran: Ran | null) => void,
): void {
  child.spawnfile = file;
  child.spawnargs = [file, ...args];
  if (stdio[0] === "pipe") child.stdin = new InputStream();
  if (stdio[1] === "pipe") child.stdout = new OutputStream();
  if (stdio[2] === "pipe") child.stderr = new OutputStream();
  queueMicrotask(() => {
    const input = child.stdin ? child.stdin.bytes() : inputBytes(o.input);
    const id = ops.childRun(true, spec(file, args, o, stdio), input) as number;
    onSettled(id, (failed, v) => {
      if (failed) return done(spawnError(v, "spawn", file, args), null);
      const ran = parse(v);
      child.pid = ran.pid;
      child.exitCode = ran.status;
      child.signalCode = ran.signal;
      done(null, ran);
    });
  });
}

export function spawn(file: string, args?: readonly string[] | Options, options?: Options): ChildProcess {
  const [f, a, o] = normalize(file, args, options);
  const child = new ChildProcess();
  start(child, f, a, o, stdioOf(o), (err, ran) => {
    if (err) {
      child.emit("error", err);
      child.emit("close", -2, null);
      return;
    }
    const r = ran as Ran;
    child.emit("spawn");
    child.stdout?.finish(r.stdout);
    child.stderr?.finish(r.stderr);
    child.emit("exit", r.status, r.signal);
    child.emit("close", r.status, r.signal);
  });
  return child;
}

type ExecCallback = (err: Error | null, stdout: Bytes | string, stderr: Bytes | string) => void;

function execCommon(file: string, args: string[], o: Options, cmd: string, cb: ExecCallback | undefined): ChildProcess {
  const child = new ChildProcess();
  const encoding = o.encoding ?? "utf8";
  start(child, file, args, o, ["pipe", "pipe", "pipe"], (err, ran) => {
    if (err) {
      (err as Error & { cmd: string }).cmd = cmd;
      if (cb) cb(err, out(new Uint8Array(0), encoding), out(new Uint8Array(0), encoding));
      else child.emit("error", err);
      return;
    }
    const r = ran as Ran;
    const stdout = out(r.stdout, encoding);
    const stderr = out(r.stderr, encoding);
    child.stdout?.finish(r.stdout);
    child.stderr?.finish(r.stderr);
    child.emit("exit", r.status, r.signal);
    child.emit("close", r.status, r.signal);
    if (!cb) return;
    if (r.status === 0 && r.signal === null) return cb(null, stdout, stderr);
    const text = typeof stderr === "string" ? stderr : new TextDecoder().decode(stderr);
    const e = new Error(`Command failed: ${cmd}\n${text}`) as Error & Record<string, unknown>;
    e.code = r.status;
    e.killed = r.timedOut;
    e.signal = r.signal;
    e.cmd = cmd;
    cb(e, stdout, stderr);
  });
  return child;
}

export function execFile(file: string, ...rest: unknown[]): ChildProcess {
  const cb = typeof rest[rest.length - 1] === "function" ? (rest.pop() as ExecCallback) : undefined;
  const [f, a, o] = normalize(file, rest[0], rest[1]);
  return execCommon(f, a, o, [file, ...(Array.isArray(rest[0]) ? (rest[0] as string[]) : [])].join(" "), cb);
}

export function exec(command: string, options?: Options | ExecCallback, cb?: ExecCallback): ChildProcess {
  if (typeof command !== "string") throw invalidArgType("command", "of type string", command);
  if (typeof options === "function") {
    cb = options;
    options = undefined;
  }
  if (cb !== undefined) checkCallback(cb, "callback");
  const o = (options ?? {}) as Options;
  const sh = typeof o.shell === "string" ? o.shell : "/bin/sh";
  return execCommon(sh, ["-c", command], o, command, cb);
}

/** util.promisify(exec) / (execFile) resolve to { stdout, stderr }, as in Node. */
const custom = Symbol.for("nodejs.util.promisify.custom");
function promised(run: (...a: unknown[]) => ChildProcess) {
  return (...args: unknown[]) =>
    new Promise((resolve, reject) => {
      run(...args, (err: Error | null, stdout: unknown, stderr: unknown) => {
        if (err) reject(Object.assign(err, { stdout, stderr }));
        else resolve({ stdout, stderr });
      });
    });
}
Object.defineProperty(exec, custom, { value: promised(exec as (...a: unknown[]) => ChildProcess) });
Object.defineProperty(execFile, custom, { value: promised(execFile as (...a: unknown[]) => ChildProcess) });

export function fork(): never {
  throw notImplemented("child_process.fork");
}

export default { spawn, spawnSync, exec, execSync, execFile, execFileSync, fork, ChildProcess };
