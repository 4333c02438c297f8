#!/usr/bin/env node
// The `make bench` harness: the same HTTP app on Howth, Bun, Deno and Node,
// loaded by oha or wrk (--load; wrk also for pipelining) with the server pinned
// to CPU 0 and the load generator on the other CPUs. Each measured run is one
// `howth bench http --url --pid --json` (src/bench/), which owns the load
// generators' command lines and output and the /proc sampling; this file
// starts the servers, checks their answers and makes the tables. See
// README.md beside this file.
//
//   node benches/harness/bench.mjs [--quick] [--load oha|wrk] [--help]

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  SCENARIOS,
  USAGE,
  checkResponse,
  echoBody,
  parseArgs,
  renderMarkdown,
  renderSvg,
  summarizeCell,
  withRatios,
  baselineOf,
  fmtInt,
  fmtNum,
} from "./lib.mjs";
import { checkArena } from "./arena.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const TOOLS = path.join(ROOT, ".bench-tools");
const APPS = path.join(ROOT, "benches/apps");
const BASELINE = "bun";

const log = (...a) => console.log(...a);
const warn = (msg) => console.log(`! ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ processes

// Piped into `head` or a closed terminal: keep measuring and writing results.
process.stdout.on("error", () => {});

const live = new Set(); // children to kill if we are interrupted
/** Kills a child, and its process group when it leads one (the servers do). */
function killChild(c, sig = "SIGKILL") {
  try {
    process.kill(c.groupLeader ? -c.pid : c.pid, sig);
  } catch {}
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    for (const c of live) killChild(c);
    if (honoDir) rmSync(honoDir, { recursive: true, force: true });
  if (npmHttpDir) rmSync(npmHttpDir, { recursive: true, force: true });
    console.log(`\ninterrupted (${sig}); stopped ${live.size} child process(es)`);
    process.exit(130);
  });
}

function which(cmd) {
  const r = spawnSync("sh", ["-c", `command -v "${cmd}"`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function runVisible(cmd, args, opts = {}) {
  log(`  $ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
  return r.status === 0;
}

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 20000 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
  return out.split("\n")[0] || null;
}

/** Runs a command to completion, capturing stdout; kills it after timeoutMs. */
function capture(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code: -1, stdout, stderr: String(err) });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

// ------------------------------------------------------------------ machine

function machineInfo() {
  let cpuinfo = "";
  try {
    cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  } catch {}
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown CPU";
  const osRelease = (() => {
    try {
      return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? os.type();
    } catch {
      return os.type();
    }
  })();
  return {
    cpuModel: model,
    cores: os.cpus().length,
    memGb: Math.round(os.totalmem() / 2 ** 30),
    os: osRelease,
    kernel: `Linux ${os.release()}`,
    loadavg: os.loadavg(),
  };
}

/**
 * Server on CPU 0; the load generator goes on CPUs 1..n-1 (howth bench http
 * pins it, and itself, there). No pinning on one core or without taskset.
 */
function pinning(cores) {
  const taskset = which("taskset");
  if (cores < 2) {
    warn("only one CPU: server and load generator are NOT pinned and share the core; figures are not comparable to pinned runs");
    return { server: [], text: "none (one CPU: server and load generator share it)", loadThreads: 1 };
  }
  if (!taskset) {
    warn("taskset not found (util-linux): running without CPU pinning");
    return { server: [], text: "none (taskset not found)", loadThreads: cores - 1 };
  }
  const loadCpus = cores === 2 ? "1" : `1-${cores - 1}`;
  // Keep this harness itself off the server's CPU too.
  spawnSync(taskset, ["-a", "-p", "-c", loadCpus, String(process.pid)], { stdio: "ignore" });
  return {
    server: [taskset, "-c", "0"],
    // The proxy scenario's upstream shares the load generator's CPUs, never the server's.
    upstream: [taskset, "-c", loadCpus],
    text: `server on CPU 0, load generator on CPU ${loadCpus} (taskset)`,
    loadThreads: cores - 1,
  };
}

// ------------------------------------------------------------------ tools

function npmTool(pkg, rel, install) {
  const bin = path.join(TOOLS, "node_modules", pkg, rel);
  if (existsSync(bin)) return bin;
  if (!install) return null;
  log(`installing ${pkg} into .bench-tools/ ...`);
  if (!which("npm")) {
    warn("npm not found");
    return null;
  }
  mkdirSync(TOOLS, { recursive: true });
  runVisible("npm", ["install", "--prefix", TOOLS, "--no-audit", "--no-fund", pkg]);
  return existsSync(bin) ? bin : null;
}

function findOha(install) {
  const local = path.join(TOOLS, "bin", "oha");
  if (existsSync(local)) return local;
  const onPath = which("oha");
  if (onPath) return onPath;
  if (!install) return null;
  if (!which("cargo")) {
    warn("cargo not found, cannot install oha");
    return null;
  }
  log("installing oha with cargo into .bench-tools/ (compiles from source: several minutes, once) ...");
  runVisible("cargo", ["install", "oha", "--locked", "--root", TOOLS]);
  return existsSync(local) ? local : null;
}

function findWrk(install) {
  const onPath = which("wrk");
  if (onPath || !install) return onPath;
  if (process.getuid?.() !== 0 || !which("apt-get")) {
    warn("wrk not found and cannot apt-get install it (not root or no apt-get)");
    return null;
  }
  log("installing wrk with apt-get ...");
  if (!runVisible("apt-get", ["install", "-y", "wrk"])) {
    runVisible("apt-get", ["update"]);
    runVisible("apt-get", ["install", "-y", "wrk"]);
  }
  return which("wrk");
}

function buildCFloor() {
  const out = path.join(TOOLS, "epoll_floor");
  const src = path.join(ROOT, "benches/floor/epoll_floor.c");
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  if (!which("gcc")) return null;
  mkdirSync(TOOLS, { recursive: true });
  runVisible("gcc", ["-O2", "-o", out, src]);
  return existsSync(out) ? out : null;
}

/**
 * A folder holding a copy of benches/apps/hono.ts beside a link to
 * tests/npm's node_modules (installed by `make deps` from its lockfile) and a
 * package.json naming hono (Deno resolves bare imports through it), so all
 * three runtimes load the same file and the same hono. Made once per run,
 * in a temporary folder removed at the end.
 */
let honoDir = null;
function honoApp() {
  const modules = path.join(ROOT, "tests/npm/node_modules");
  if (!existsSync(path.join(modules, "hono/package.json"))) return null;
  if (!honoDir) {
    honoDir = mkdtempSync(path.join(os.tmpdir(), "howth-bench-hono-"));
    writeFileSync(path.join(honoDir, "hono.ts"), readFileSync(path.join(APPS, "hono.ts")));
    const version = JSON.parse(readFileSync(path.join(modules, "hono/package.json"), "utf8")).version;
    writeFileSync(path.join(honoDir, "package.json"), JSON.stringify({ private: true, dependencies: { hono: version } }) + "\n");
    const link = path.join(honoDir, "node_modules");
    if (!existsSync(link)) symlinkSync(modules, link);
  }
  return path.join(honoDir, "hono.ts");
}

/**
 * A copy of benches/apps/<file> in a temporary folder beside a link to
 * tests/npm-http's node_modules (Express, Fastify: installed by `make deps`
 * from its lockfile), so every runtime loads the same file and packages.
 */
let npmHttpDir = null;
function npmHttpApp(file) {
  const modules = path.join(ROOT, "tests/npm-http/node_modules");
  if (!existsSync(path.join(modules, "express/package.json"))) return null;
  if (!npmHttpDir) {
    npmHttpDir = mkdtempSync(path.join(os.tmpdir(), "howth-bench-npm-http-"));
    symlinkSync(modules, path.join(npmHttpDir, "node_modules"));
  }
  writeFileSync(path.join(npmHttpDir, file), readFileSync(path.join(APPS, file)));
  return path.join(npmHttpDir, file);
}

/** What each runtime runs, or why it is skipped. */
function resolveRuntime(name, { install, howth: howthOpt }) {
  const howth = path.resolve(ROOT, howthOpt ?? process.env.HOWTH_BIN ?? "target/release/howth");
  const noHowth = `${path.relative(ROOT, howth)} not found; build it first (make build)`;
  switch (name) {
    case "howth":
    case "howth-web":
    case "howth-nojs": {
      if (!existsSync(howth)) return { skip: noHowth };
      const app = path.join(APPS, `${name}.ts`);
      return {
        cmd: (port) => [howth, "run", "--port", String(port), app],
        honoCmd: (port, file) => [howth, "run", "--port", String(port), file],
        version: () => firstLine(howth, ["--version"])?.replace(/^howth\s*/i, "") ?? "unknown",
        fixedText: name === "howth-nojs" ? "Hi" : null,
      };
    }
    case "bun": {
      const bun = npmTool("@oven/bun-linux-x64", "bin/bun", install) ?? which("bun");
      if (!bun) return { skip: "Bun is not installed and `npm install @oven/bun-linux-x64` failed" };
      return {
        cmd: () => [bun, "run", path.join(APPS, "bun.ts")],
        // Bun serves a default export on $PORT.
        honoCmd: (port, file) => [bun, "run", file],
        version: () => firstLine(bun, ["--version"]),
      };
    }
    case "deno": {
      const deno = npmTool("@deno/linux-x64-glibc", "deno", install) ?? which("deno");
      if (!deno) return { skip: "Deno is not installed and `npm install @deno/linux-x64-glibc` failed" };
      return {
        cmd: () => [deno, "run", "--allow-net", "--allow-env", path.join(APPS, "deno.ts")],
        honoCmd: (port, file) => [deno, "serve", "--allow-net", "--allow-env", "--allow-read", "--port", String(port), "--host", "127.0.0.1", file],
        env: { DENO_DIR: path.join(TOOLS, "deno-dir"), DENO_NO_UPDATE_CHECK: "1" },
        version: () => /deno (\S+)/.exec(firstLine(deno, ["--version"]) ?? "")?.[1] ?? "unknown",
      };
    }
    case "node":
      return { cmd: () => [process.execPath, path.join(APPS, "node.mjs")], version: () => process.version.replace(/^v/, "") };
    case "hono-howth":
    case "hono-bun":
    case "hono-deno": {
      const app = honoApp();
      if (!app) return { skip: "tests/npm/node_modules has no hono: run make deps" };
      const base = resolveRuntime(name.slice("hono-".length), { install, howth: howthOpt });
      if (base.skip) return base;
      return { ...base, cmd: (port) => base.honoCmd(port, app) };
    }
    case "arena-howth":
    case "arena-bun":
    case "arena-deno":
    case "arena-node": {
      // One web-standard app file for Howth, Bun and Deno; the same app on node:http for Node.
      const runtime = name.slice("arena-".length);
      if (runtime === "node") {
        return { cmd: () => [process.execPath, path.join(APPS, "arena-node.mjs")], version: () => process.version.replace(/^v/, "") };
      }
      const base = resolveRuntime(runtime, { install, howth: howthOpt });
      if (base.skip) return base;
      return { ...base, cmd: (port) => base.honoCmd(port, path.join(APPS, "arena.ts")) };
    }
    case "proxy-howth":
    case "proxy-bun":
    case "proxy-deno": {
      // benches/apps/proxy.ts; UPSTREAM is set once the shared upstream runs (main).
      const base = resolveRuntime(name.slice("proxy-".length), { install, howth: howthOpt });
      if (base.skip) return base;
      if (!buildCFloor()) return { skip: "gcc not found: the upstream is benches/floor/epoll_floor.c" };
      return { ...base, proxy: true, cmd: (port) => base.honoCmd(port, path.join(APPS, "proxy.ts")) };
    }
    case "nodehttp-howth":
    case "nodehttp-bun":
    case "nodehttp-node":
    case "express-howth":
    case "express-bun":
    case "express-node":
    case "fastify-howth":
    case "fastify-bun":
    case "fastify-node": {
      // One node:http app file on each runtime, port from PORT.
      const [app, runtime] = name.split("-");
      const file = app === "nodehttp" ? path.join(APPS, "node.mjs") : npmHttpApp(`${app}.cjs`);
      if (!file) return { skip: "tests/npm-http/node_modules is missing: run make deps" };
      if (runtime === "node") return { cmd: () => [process.execPath, file], version: () => process.version.replace(/^v/, "") };
      const base = resolveRuntime(runtime, { install, howth: howthOpt });
      if (base.skip) return base;
      // `howth run file` and `bun run file` alike.
      const bin = base.cmd(0)[0];
      return { ...base, cmd: () => [bin, "run", file] };
    }
    case "routes-howth":
    case "routes-bun": {
      // benches/apps/routes.ts: the same answers through `routes` (docs/routes.md).
      const base = resolveRuntime(name.slice("routes-".length), { install, howth: howthOpt });
      if (base.skip) return base;
      return { ...base, cmd: (port) => base.honoCmd(port, path.join(APPS, "routes.ts")) };
    }
    case "c-floor": {
      const bin = buildCFloor();
      if (!bin) return { skip: "gcc not found (benches/floor/epoll_floor.c)" };
      return { cmd: (port) => [bin, String(port)], version: () => "benches/floor/epoll_floor.c", fixedText: "Hi" };
    }
  }
  return { skip: "unknown runtime" };
}

// ------------------------------------------------------------------ servers

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
    sock.setTimeout(500, () => done(false));
  });
}

async function startServer(name, rt, pin, rawDir) {
  const port = await freePort();
  const [cmd, ...args] = [...pin.server, ...rt.cmd(port)];
  const logFile = path.join(rawDir, `${name}.log`);
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...(rt.env ?? {}), PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: stopping it stops whatever it started too.
    detached: true,
  });
  child.groupLeader = true;
  live.add(child);
  let output = "";
  const keep = (d) => {
    output += d;
    if (output.length > 200000) output = output.slice(-100000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const server = { name, port, child, exited: null, output: () => output, logFile };
  child.on("exit", (code, signal) => (server.exited = code ?? signal));
  child.on("error", (err) => (server.exited = String(err)));
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (server.exited !== null) break;
    if (await canConnect(port)) {
      // taskset execs the server: the pid is the server's.
      server.pid = child.pid;
      return server;
    }
    await sleep(100);
  }
  await stopServer(server);
  const lines = output.trim().split("\n").filter(Boolean);
  const err = new Error(
    (server.exited !== null ? `exited (${server.exited}) before listening` : `did not accept connections on port ${port} within 30 s`) +
      (lines.length ? `; its output:\n    ${lines.slice(-8).join("\n    ")}` : ""),
  );
  err.short = (server.exited !== null ? `exited (${server.exited}) before listening` : "did not listen within 30 s") +
    (lines.length ? `: ${lines[lines.length - 1].slice(0, 200)}` : "");
  throw err;
}

async function stopServer(server) {
  const { child } = server;
  if (server.exited === null) {
    killChild(child, "SIGTERM");
    for (let i = 0; i < 30 && server.exited === null; i++) await sleep(100);
  }
  // Whatever it started (workers, a child of a wrapper) goes with the group.
  killChild(child, "SIGKILL");
  for (let i = 0; i < 20 && server.exited === null; i++) await sleep(50);
  live.delete(child);
  writeFileSync(server.logFile, server.output());
}

/** One real request: is the answer what the scenario expects? Returns a list of problems. */
async function checkScenario(server, scenario, rt) {
  const sc = SCENARIOS[scenario];
  if (sc.arena) {
    const { problems, silentClose } = await checkArena(server.port, scenario);
    server.silentClose = silentClose;
    return problems;
  }
  const body = sc.method === "POST" ? echoBody() : undefined;
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}${sc.path}`, {
      method: sc.method,
      body,
      headers: body ? { "content-type": "application/octet-stream" } : {},
      signal: AbortSignal.timeout(5000),
    });
    const buf = new Uint8Array(await res.arrayBuffer());
    return checkResponse(scenario, { status: res.status, contentType: res.headers.get("content-type"), body: buf }, {
      fixedText: rt.fixedText ?? null,
      requestBody: body,
    });
  } catch (err) {
    return [`request failed: ${err.cause?.message ?? err.message}`];
  }
}

// ------------------------------------------------------------------ measuring

/**
 * One measured run, by `howth bench http` against the running server: the
 * load generator's figures and the server's CPU, memory and noise, as the
 * JSON it prints (see summarizeCell), or { failed: "why" }. `warmup`
 * seconds of load come first, discarded.
 */
async function measure(server, { tool, bin }, { scenario, conns, depth = 1, seconds, warmup }, rawFile) {
  const sc = SCENARIOS[scenario];
  const args = [
    "bench", "http",
    "--url", `http://127.0.0.1:${server.port}${sc.path}`,
    "--pid", String(server.pid),
    "--load", tool, "--load-bin", bin,
    "--connections", String(conns),
    "--duration", `${seconds}s`,
    "--warmup", `${warmup}s`,
    "--raw", rawFile,
    "--json",
  ];
  if (depth > 1) args.push("--pipeline", String(depth));
  if (sc.mix) args.push("--mix", sc.mix);
  if (sc.method === "POST" && !sc.mix) args.push("--method", "POST", "--content-type", "application/octet-stream", "--body-file", ECHO_FILE);
  const r = await capture(MEASURER, args, (warmup + seconds + 60) * 1000);
  const last = (text) => text.trim().split("\n").slice(-1)[0] ?? "";
  try {
    return JSON.parse(last(r.stdout));
  } catch {
    return { failed: `howth bench http exited ${r.code}: ${last(r.stderr)}` };
  }
}

// ------------------------------------------------------------------ main

let MACHINE;
let MEASURER; // the howth binary whose `bench http` measures every run
let ECHO_FILE; // the echo scenario's request body

/** ", CPU 0 busy with others 23%" when other processes took more than 5% of the server's core. */
function noiseNote(r) {
  const v = (r.serverCoreOther ?? 0) + (r.serverCoreSteal ?? 0);
  return v > 0.05 ? `, CPU 0 ${Math.round(v * 100)}% busy with other processes` : "";
}

/** One rep's log line. */
function repLine(r, digits = 1) {
  if (r.failed) return `FAILED ${r.failed}`;
  const bad = r.errors + r.non2xx;
  return (
    `${fmtInt(r.rps)} req/s, p50 ${fmtNum(r.p50Ms)} ms, p99 ${fmtNum(r.p99Ms)} ms, ${fmtNum(r.cpuUsPerReq, digits)} CPU µs/req` +
    (bad ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : "") +
    noiseNote(r)
  );
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  if (opts.help) {
    log(USAGE);
    return;
  }
  const outDir = path.resolve(ROOT, opts.out);
  const rawDir = path.join(outDir, "raw");
  mkdirSync(rawDir, { recursive: true });

  MACHINE = machineInfo();
  log(`Howth bench: ${MACHINE.cpuModel}, ${MACHINE.cores} cores, ${MACHINE.kernel}; load average ${MACHINE.loadavg.map((x) => x.toFixed(2)).join(" ")}`);
  if (MACHINE.loadavg[0] > 0.5) warn(`the machine is busy (load ${MACHINE.loadavg[0].toFixed(2)}): figures will be noisy; compare only within this run`);
  const pin = pinning(MACHINE.cores);
  MEASURER = path.resolve(ROOT, opts.howth ?? process.env.HOWTH_BIN ?? "target/release/howth");
  if (!existsSync(MEASURER)) {
    console.error(`${path.relative(ROOT, MEASURER)} not found: it measures every run (howth bench http); build it first (make build)`);
    process.exit(1);
  }
  MACHINE.pinning = pin.text;
  log(`pinning: ${pin.text}`);

  // Tools: oha only when it loads the tables; wrk when it does or for the pipelined run.
  log("\n== tools");
  const tools = {};
  // The arena-* profiles are always loaded by wrk (request mixes, pipelining, 10,000 connections).
  const byWrk = (s) => Boolean(SCENARIOS[s].arena);
  const connsOf = (s) => SCENARIOS[s].connections ?? opts.connections;
  const needWrk = opts.scenarios.some(byWrk);
  let oha = null;
  if (opts.load === "oha" && !opts.scenarios.every(byWrk)) {
    oha = findOha(opts.install);
    if (!oha) {
      console.error("oha is required and could not be found or installed (cargo install oha --locked --root .bench-tools)");
      process.exit(1);
    }
    tools.oha = firstLine(oha, ["--version"])?.replace(/^oha\s*/, "") ?? "?";
    log(`oha: ${oha} (${tools.oha})`);
  }
  let wrk = null;
  if (opts.load === "wrk" || opts.pipeline || needWrk) {
    wrk = findWrk(opts.install);
    if (wrk) {
      tools.wrk = /wrk (\S+)/.exec(firstLine(wrk, ["-v"]) ?? "")?.[1] ?? "?";
      log(`wrk: ${wrk} (${tools.wrk})`);
    }
  }
  if ((opts.load === "wrk" || needWrk) && !wrk) {
    console.error("wrk is required (--load wrk, the arena-* profiles) and could not be found or installed (apt-get install wrk)");
    process.exit(1);
  }
  let pipelineSkipped = null;
  if (!opts.pipeline) pipelineSkipped = "disabled with --no-pipeline";
  else if (!wrk) {
    pipelineSkipped = "wrk not available";
    warn("wrk not available: skipping the pipelined measurement");
  }
  const pipeline = opts.pipeline && wrk !== null;

  const runtimes = {};
  const skipped = [];
  const order = [];
  for (const name of opts.runtimes) {
    const rt = resolveRuntime(name, opts);
    if (rt.skip) {
      skipped.push({ runtime: name, reason: rt.skip });
      warn(`skipping ${name}: ${rt.skip}`);
      continue;
    }
    rt.versionText = rt.version();
    runtimes[name] = rt;
    order.push(name);
    log(`${name}: ${rt.versionText}`);
  }
  if (order.length === 0) {
    console.error("no runtime to benchmark");
    process.exit(1);
  }
  const noBase = [...new Set(order.map((n) => baselineOf(n, BASELINE)))].filter((b) => !order.includes(b));
  for (const b of noBase) warn(`${b} is not being measured: the "vs Bun" columns of its family will be empty`);

  const nofile = Number(spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).stdout.trim());
  const allConns = [...new Set(opts.scenarios.flatMap(connsOf))].sort((a, b) => a - b);
  const maxConns = Math.max(...allConns, opts.pipelineConnections);
  if (Number.isFinite(nofile) && nofile < maxConns + 256) {
    warn(`open-file limit is ${nofile}, too low for ${maxConns} connections: raise it (ulimit -n 65536) or expect errors`);
  }

  ECHO_FILE = path.join(rawDir, "echo-16k.bin");
  writeFileSync(ECHO_FILE, echoBody());
  const load = opts.load === "wrk" ? { tool: "wrk", bin: wrk, ext: "txt" } : { tool: "oha", bin: oha, ext: "json" };
  log(`tables loaded by ${load.tool}; every run measured by ${path.relative(ROOT, MEASURER)} bench http`);

  const perCell = opts.warmup + opts.reps * opts.duration;
  const cellsPerRuntime = opts.scenarios.reduce((n, s) => n + connsOf(s).length, 0);
  const nCells = order.length * cellsPerRuntime;
  const pipeS = pipeline ? order.length * (opts.warmup + opts.reps * opts.duration) : 0;
  log(`\n== ${nCells} cells × ${perCell} s + pipelined ${pipeS} s: about ${Math.ceil((nCells * (perCell + 0.5) + pipeS + order.length * 2) / 60)} min`);

  // One upstream for every proxy-* runtime: the C floor answering a small JSON.
  let upstream = null;
  if (order.some((n) => runtimes[n].proxy)) {
    const floor = buildCFloor();
    upstream = await startServer("upstream", { cmd: (port) => [floor, String(port), "json"] }, { server: pin.upstream ?? [] }, rawDir);
    for (const n of order) if (runtimes[n].proxy) runtimes[n].env = { ...(runtimes[n].env ?? {}), UPSTREAM: `http://127.0.0.1:${upstream.port}/` };
    log(`upstream: benches/floor/epoll_floor.c json on port ${upstream.port}, pid ${upstream.pid}${pin.upstream ? `, ${pin.upstream.join(" ")}` : ""}`);
  }

  const cells = [];
  const pipelined = [];
  let cellNo = 0;
  for (const name of order) {
    const rt = runtimes[name];
    log(`\n== ${name} ${rt.versionText}`);
    let server;
    try {
      server = await startServer(name, rt, pin, rawDir);
    } catch (err) {
      warn(`${name} did not start: ${err.message}`);
      skipped.push({ runtime: name, reason: `did not start: ${err.short ?? err.message}` });
      delete runtimes[name];
      cellNo += cellsPerRuntime;
      continue;
    }
    log(`listening on port ${server.port}, pid ${server.pid}`);
    for (const scenario of opts.scenarios) {
      const problems = await checkScenario(server, scenario, rt);
      if (problems.length) warn(`${name} ${scenario}: wrong response: ${problems.join("; ")}`);
      const sc = SCENARIOS[scenario];
      const cellLoad = byWrk(scenario) ? { tool: "wrk", bin: wrk, ext: "txt" } : load;
      for (const conns of connsOf(scenario)) {
        cellNo++;
        const tag = `[${cellNo}/${nCells}] ${name.padEnd(10)} ${scenario.padEnd(6)} c=${String(conns).padEnd(4)}`;
        if (server.exited !== null) {
          cells.push(summarizeCell({ runtime: name, scenario, connections: conns, reps: [{ failed: `server exited (${server.exited})` }] }));
          log(`${tag} server exited (${server.exited}); see ${path.relative(ROOT, server.logFile)}`);
          continue;
        }
        const reps = [];
        for (let i = 0; i < opts.reps; i++) {
          // The cell's warm-up comes before its first rep, in the same run.
          const warmup = i === 0 ? opts.warmup : 0;
          if (warmup > 0) log(`${tag} warm-up ${warmup} s`);
          const raw = path.join(rawDir, `${name}-${scenario}-c${conns}-rep${i + 1}.${cellLoad.ext}`);
          const r = await measure(server, cellLoad, { scenario, conns, depth: sc.depth ?? 1, seconds: opts.duration, warmup }, raw);
          reps.push(r);
          log(`${tag} rep ${i + 1}/${opts.reps}: ${repLine(r)}`);
        }
        // limited-conn closes every 10th request's connection: a server that closes without
        // saying `Connection: close` gets one wrk read error per close, excused (see summarizeCell).
        const excuseReadErrors = sc.arena === "limited" && server.silentClose ? { share: 0.1, connections: conns } : null;
        const cell = summarizeCell({ runtime: name, scenario, connections: conns, reps, responseProblems: problems, excuseReadErrors });
        cells.push(cell);
        log(
          `${tag} => ${fmtInt(cell.rps)} req/s, ${fmtNum(cell.cpuUsPerReq, 1)} CPU µs/req, RSS ${fmtNum(cell.rssMb, 1)} MB` +
            (cell.flagged ? `  ⚠ ${cell.flags.join("; ")}` : ""),
        );
      }
    }
    if (pipeline && server.exited === null) {
      const depth = opts.pipelineDepth;
      const conns = opts.pipelineConnections;
      const tag = `[pipelined] ${name.padEnd(10)} hello ×${depth} c=${conns}`;
      const problems = await checkScenario(server, "hello", rt);
      const reps = [];
      for (let i = 0; i < opts.reps; i++) {
        const warmup = i === 0 ? opts.warmup : 0;
        if (warmup > 0) log(`${tag} warm-up ${warmup} s`);
        const raw = path.join(rawDir, `${name}-pipelined-rep${i + 1}.txt`);
        const r = await measure(server, { tool: "wrk", bin: wrk }, { scenario: "hello", conns, depth, seconds: opts.duration, warmup }, raw);
        reps.push(r);
        log(`${tag} rep ${i + 1}/${opts.reps}: ${repLine(r, 2)}`);
      }
      const cell = summarizeCell({ runtime: name, scenario: "pipelined", connections: conns, reps, responseProblems: problems, extra: { depth } });
      pipelined.push(cell);
      log(`${tag} => ${fmtInt(cell.rps)} req/s, ${fmtNum(cell.cpuUsPerReq, 2)} CPU µs/req` + (cell.flagged ? `  ⚠ ${cell.flags.join("; ")}` : ""));
    }
    if (server.exited !== null) warn(`${name} exited during the run (${server.exited}); see ${path.relative(ROOT, server.logFile)}`);
    await stopServer(server);
  }

  if (upstream) await stopServer(upstream);

  const results = {
    date: new Date().toISOString(),
    machine: MACHINE,
    config: {
      duration: opts.duration,
      warmup: opts.warmup,
      reps: opts.reps,
      connections: allConns,
      scenarios: opts.scenarios,
      quick: opts.quick,
      load: opts.load,
      loadThreads: pin.loadThreads,
      pipelineDepth: opts.pipelineDepth,
      pipelineConnections: opts.pipelineConnections,
    },
    baseline: BASELINE,
    runtimes: Object.fromEntries(Object.entries(runtimes).map(([k, v]) => [k, v.versionText])),
    tools,
    skipped,
    order: order.filter((n) => runtimes[n]),
    cells: withRatios(cells, BASELINE),
    pipelined: withRatios(pipelined, BASELINE, () => "pipelined"),
    pipelineSkipped,
  };
  if (honoDir) rmSync(honoDir, { recursive: true, force: true });
  if (npmHttpDir) rmSync(npmHttpDir, { recursive: true, force: true });
  const md = renderMarkdown(results);
  writeFileSync(path.join(outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(path.join(outDir, "results.md"), md);
  writeFileSync(path.join(outDir, "chart.svg"), renderSvg(results));
  log(`\n${md}`);
  const noisy = [...results.cells, ...results.pipelined].filter((c) => (c.serverCoreOther ?? 0) + (c.serverCoreSteal ?? 0) > 0.05);
  if (noisy.length) warn(`in ${noisy.length} cell(s) other processes took over 5% of the server's CPU 0: the machine was busy, figures are noisy`);
  const flagged = [...results.cells, ...results.pipelined].filter((c) => c.flagged);
  if (flagged.length) warn(`${flagged.length} cell(s) flagged (errors, non-2xx or wrong responses): not valid results`);
  for (const s of skipped) warn(`skipped ${s.runtime}: ${s.reason}`);
  const rel = (f) => path.relative(process.cwd(), path.join(outDir, f));
  log(`wrote ${rel("results.md")}, ${rel("results.json")}, ${rel("chart.svg")} (raw load-generator output in ${rel("raw")}/)`);
}

main().catch((err) => {
  console.error(err.stack ?? String(err));
  for (const c of live) {
    try {
      process.kill(c.pid, "SIGKILL");
    } catch {}
  }
  process.exit(1);
});
