// Pure functions of the benchmark harness: scenarios, statistics, flags, ratios,
// Markdown and SVG. No I/O here, so that test/*.test.mjs can cover all of it.
// The measurement itself (load generators, /proc) is `howth bench http`
// (src/bench/), which bench.mjs runs for every repetition.

// ---------------------------------------------------------------- scenarios

export const ECHO_BYTES = 16 * 1024;
export const JSON_PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

/** What each scenario sends and what a correct server answers. */
export const SCENARIOS = {
  hello: { method: "GET", path: "/", describe: 'GET / → "Hi"', contentType: "text/plain", text: "Hi" },
  json: { method: "GET", path: "/json", describe: "GET /json → JSON object", contentType: "application/json", json: JSON_PAYLOAD },
  router: {
    method: "GET",
    path: "/users/123?fields=name,email",
    describe: "GET /users/:id?fields=… → JSON (hand-written router)",
    contentType: "application/json",
    json: { id: "123", fields: ["name", "email"] },
  },
  async: { method: "GET", path: "/async", describe: 'GET /async → await, then "Hi"', contentType: "text/plain", text: "Hi" },
  echo: { method: "POST", path: "/echo", describe: "POST /echo, 16 KB body echoed back", contentType: "application/octet-stream", echo: true },
};

/**
 * The profiles, as SCENARIOS entries: `mix` is wrk.lua's request
 * mix, `depth` requests per round trip, `connections` the profile's own
 * connection counts (the command line's apply to the other scenarios).
 */
export const ARENA_SCENARIOS = {
  "arena-baseline": {
    method: "GET", path: "/baseline11", mix: "baseline", connections: [50, 1000], arena: "baseline",
    describe: "GET /baseline11?a=A&b=B → A+B, POST of C (Content-Length and chunked) → A+B+C, random values",
  },
  "arena-pipelined": {
    method: "GET", path: "/pipeline", depth: 16, connections: [50], arena: "pipelined",
    describe: 'GET /pipeline → "ok", 16 requests per round trip',
  },
  "arena-limited": {
    method: "GET", path: "/baseline11", mix: "limited", connections: [50, 1000], arena: "limited",
    describe: "the baseline requests on connections closed after about 10 requests each",
  },
  "arena-json": {
    method: "GET", path: "/json/1", mix: "json", connections: [50, 1000], arena: "json",
    describe: "GET /json/N?m=M → the first N of 50 items, each with total = price × quantity × M, and count",
  },
  "arena-upload": {
    method: "POST", path: "/upload", mix: "upload", connections: [32], arena: "upload",
    describe: "POST /upload of 500 KB, 2 MB, 10 MB and 20 MB → the bytes received, counted while streaming",
  },
  "arena-async": {
    method: "GET", path: "/delay/15", connections: [10000], arena: "async",
    describe: "GET /delay/15 → \"ok\" after a 15 ms timer, 10,000 connections open",
  },
};
/** The upstream's answer in the proxy scenario (benches/floor/epoll_floor.c, json mode). */
export const UPSTREAM_JSON = { id: 42, name: "upstream", tags: ["a", "b"], ok: true };
SCENARIOS.proxy = {
  method: "GET", path: "/", connections: [50, 200], contentType: "application/json", json: UPSTREAM_JSON, proxy: true,
  describe: "GET / → the handler fetches a small JSON from a local upstream and answers with it",
};

/** The default scenarios: the arena-* profiles run with `make bench-arena` (their own apps). */
export const BASIC_SCENARIOS = Object.keys(SCENARIOS).filter((s) => !SCENARIOS[s].proxy);
Object.assign(SCENARIOS, ARENA_SCENARIOS);
export const SCENARIO_NAMES = Object.keys(SCENARIOS);

/** The deterministic 16 KB request body of the echo scenario (binary, not UTF-8). */
export function echoBody(size = ECHO_BYTES) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/**
 * Checks one response of a scenario. `res` = { status, contentType, body: Uint8Array }.
 * `fixedText` (the no-JS baseline) means: every path answers this text.
 * Returns a list of problems; empty when the response is right.
 */
export function checkResponse(scenarioName, res, { fixedText = null, requestBody = null } = {}) {
  const sc = SCENARIOS[scenarioName];
  if (!sc) return [`unknown scenario ${scenarioName}`];
  const problems = [];
  if (res.status !== 200) problems.push(`status ${res.status}, want 200`);
  const body = res.body ?? new Uint8Array(0);
  const text = () => new TextDecoder().decode(body);
  if (fixedText !== null) {
    if (text() !== fixedText) problems.push(`body ${JSON.stringify(clip(text()))}, want ${JSON.stringify(fixedText)}`);
    return problems;
  }
  const ct = (res.contentType ?? "").toLowerCase();
  if (!ct.startsWith(sc.contentType)) problems.push(`content-type ${JSON.stringify(ct)}, want ${sc.contentType}`);
  if (sc.text !== undefined && text() !== sc.text) {
    problems.push(`body ${JSON.stringify(clip(text()))}, want ${JSON.stringify(sc.text)}`);
  }
  if (sc.json !== undefined) {
    let got;
    try {
      got = JSON.parse(text());
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(clip(text()))}`);
    }
    if (got !== undefined && !deepEqual(got, sc.json)) {
      problems.push(`JSON ${clip(JSON.stringify(got))}, want ${JSON.stringify(sc.json)}`);
    }
  }
  if (sc.echo) {
    const want = requestBody ?? echoBody();
    if (!bytesEqual(body, want)) problems.push(`echoed ${body.length} bytes, want the ${want.length} sent`);
  }
  return problems;
}

function clip(s, n = 60) {
  return s.length > n ? s.slice(0, n) + "…" : s;
}

export function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------- statistics

function finite(xs) {
  return (xs ?? []).filter((x) => typeof x === "number" && Number.isFinite(x));
}

/** Median of the finite numbers in xs (mean of the middle two for an even count); null if none. */
export function median(xs) {
  const v = finite(xs).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * p-th percentile (0..100) of the finite numbers in xs, linear interpolation
 * between closest ranks (numpy's default); null if none.
 */
export function percentile(xs, p) {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0..100`);
  const v = finite(xs).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const rank = (p / 100) * (v.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return v[lo] + (v[hi] - v[lo]) * (rank - lo);
}

/** value / base, or null when either is missing or base is not positive. */
export function ratio(value, base) {
  if (typeof value !== "number" || typeof base !== "number") return null;
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) return null;
  return value / base;
}

// ---------------------------------------------------------------- cells

/**
 * One table cell from its repetitions. Each rep is what `howth bench http
 * --json` printed ({ rps, p50Ms, p99Ms, cpuUsPerReq, serverCpu, ok, errors,
 * non2xx, errorKinds, statusCodes, deadlineAborted, serverCoreOther,
 * serverCoreSteal, peakRssMb, ... }) or { failed: "why" }. The cell's RSS is
 * the largest peak of its reps unless `rssMb` is given. A cell with errors,
 * non-2xx answers, a wrong response or a failed rep is flagged and never
 * counts as a win (see withRatios).
 */
export function summarizeCell({ runtime, scenario, connections, reps, rssMb, responseProblems = [], extra = {}, excuseReadErrors = null }) {
  const good = reps.filter((r) => !r.failed);
  const perRep = good.map((r) => ({
    rps: r.rps,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    cpuUsPerReq: r.cpuUsPerReq,
    cpuUtil: r.serverCpu,
    serverCoreOther: r.serverCoreOther ?? null,
    serverCoreSteal: r.serverCoreSteal ?? null,
  }));
  const sum = (k) => good.reduce((a, r) => a + (r[k] ?? 0), 0);
  const errors = sum("errors");
  const non2xx = sum("non2xx");
  const ok = sum("ok");
  const errorKinds = {};
  for (const r of good) for (const [k, n] of Object.entries(r.errorKinds ?? {})) errorKinds[k] = (errorKinds[k] ?? 0) + n;
  const statusCodes = {};
  for (const r of good) for (const [k, n] of Object.entries(r.statusCodes ?? {})) statusCodes[k] = (statusCodes[k] ?? 0) + n;
  const peaks = finite(good.map((r) => r.peakRssMb));

  const flags = [];
  const notes = [];
  for (const r of reps) if (r.failed) flags.push(`rep failed: ${r.failed}`);
  // Read errors that are only the server's silent closes of connections asked to close
  // (at most `share` of the requests, plus one in flight per connection per rep).
  const excused =
    excuseReadErrors !== null &&
    errors > 0 &&
    Object.keys(errorKinds).every((k) => k === "read") &&
    errors <= Math.ceil((ok + errors) * excuseReadErrors.share * 1.2) + excuseReadErrors.connections * good.length;
  if (excused) {
    notes.push(`${errors} read errors excused: the server closes connections asked to close without sending Connection: close, which wrk counts as errors`);
  } else if (errors > 0) {
    const kinds = Object.entries(errorKinds).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k}: ${n}`);
    flags.push(`${errors} errors${kinds.length ? ` (${kinds.join(", ")})` : ""}`);
  }
  if (non2xx > 0) flags.push(`${non2xx} non-2xx`);
  for (const p of responseProblems) flags.push(`wrong response: ${p}`);
  if (good.length > 0 && ok === 0) flags.push("no successful responses");
  if (good.length === 0) flags.push("no measurement");

  return {
    runtime,
    scenario,
    connections,
    ...extra,
    reps: reps.length,
    rps: median(perRep.map((r) => r.rps)),
    p50Ms: median(perRep.map((r) => r.p50Ms)),
    p99Ms: median(perRep.map((r) => r.p99Ms)),
    cpuUsPerReq: median(perRep.map((r) => r.cpuUsPerReq)),
    cpuUtil: median(perRep.map((r) => r.cpuUtil)),
    serverCoreOther: median(perRep.map((r) => r.serverCoreOther)),
    serverCoreSteal: median(perRep.map((r) => r.serverCoreSteal)),
    rssMb: rssMb !== undefined ? rssMb : peaks.length ? Math.max(...peaks) : null,
    rssScope: good.length && good.every((r) => r.rssReset !== false) ? "cell" : "since start",
    ok,
    errors,
    non2xx,
    errorKinds,
    statusCodes,
    deadlineAborted: sum("deadlineAborted"),
    perRep,
    flags,
    notes,
    flagged: flags.length > 0,
  };
}

/**
 * The runtime a runtime is compared with: the baseline itself, or for the
 * Hono app (hono-*) the baseline runtime running the same Hono app.
 */
export function baselineOf(runtime, baseline = "bun") {
  const family = FAMILIES.find((f) => runtime.startsWith(`${f}-`));
  return family ? `${family}-${baseline}` : baseline;
}

/** Apps served by several runtimes (`<app>-<runtime>`), each compared with its own `<app>-bun`. */
export const FAMILIES = ["hono", "nodehttp", "express", "fastify", "routes", "arena", "proxy"];

/**
 * Adds vsBaseline (req/s ratio) and cpuVsBaseline (CPU-per-request ratio) to
 * each cell, against its baseline runtime's (baselineOf) cell with the same
 * key. The ratio is null when either cell is flagged: a broken cell is never
 * a win.
 */
export function withRatios(cells, baseline = "bun", key = (c) => `${c.scenario}|${c.connections}`) {
  const base = new Map(cells.filter((c) => baselineOf(c.runtime, baseline) === c.runtime).map((c) => [`${c.runtime}|${key(c)}`, c]));
  return cells.map((c) => {
    const b = base.get(`${baselineOf(c.runtime, baseline)}|${key(c)}`);
    const clean = b && !b.flagged && !c.flagged;
    return {
      ...c,
      vsBaseline: clean ? ratio(c.rps, b.rps) : null,
      cpuVsBaseline: clean ? ratio(c.cpuUsPerReq, b.cpuUsPerReq) : null,
    };
  });
}

// ---------------------------------------------------------------- arguments

export const DEFAULTS = {
  duration: 5,
  warmup: 2,
  reps: 3,
  connections: [50, 200, 1000],
  scenarios: BASIC_SCENARIOS,
  runtimes: ["howth", "howth-web", "howth-nojs", "bun", "deno", "node", "hono-howth", "hono-bun", "hono-deno", "routes-howth", "routes-bun"],
  pipeline: true,
  pipelineDepth: 16,
  pipelineConnections: 50,
  install: true,
  out: "bench-results",
  load: "oha",
};
export const QUICK = { duration: 3, warmup: 1, reps: 1, connections: [50], scenarios: ["hello", "json"] };
export const KNOWN_RUNTIMES = ["howth", "howth-web", "howth-nojs", "bun", "deno", "node", "hono-howth", "hono-bun", "hono-deno", "routes-howth", "routes-bun", "c-floor"];
// node:http apps (opt-in; `make bench-node-http`): benches/apps/node.mjs, express.cjs, fastify.cjs.
for (const app of ["nodehttp", "express", "fastify"]) KNOWN_RUNTIMES.push(`${app}-howth`, `${app}-bun`, `${app}-node`);
// The HttpArena-style profiles (opt-in; `make bench-arena`): benches/apps/arena.ts, arena-node.mjs.
KNOWN_RUNTIMES.push("arena-howth", "arena-bun", "arena-deno", "arena-node");
// fetch() through the loop (opt-in; `make bench-proxy`): benches/apps/proxy.ts against one local upstream.
KNOWN_RUNTIMES.push("proxy-howth", "proxy-bun", "proxy-deno");
export const LOAD_GENERATORS = ["oha", "wrk"];

export const USAGE = `usage: node benches/harness/bench.mjs [options]
  --quick                 hello+json, 50 connections, 1 rep of 3 s (about a minute)
  --duration S            seconds per measured repetition (default ${DEFAULTS.duration})
  --warmup S              seconds of warm-up per cell, not measured (default ${DEFAULTS.warmup})
  --reps N                measured repetitions per cell; medians are reported (default ${DEFAULTS.reps})
  --connections A,B       connection counts (default ${DEFAULTS.connections.join(",")})
  --scenarios A,B         of ${BASIC_SCENARIOS.join(",")} (default all), or the arena-*
                          profiles (${Object.keys(ARENA_SCENARIOS).join(",")}) with arena-* runtimes
  --runtimes A,B          of ${KNOWN_RUNTIMES.join(",")} (default ${DEFAULTS.runtimes.join(",")});
                          hono-* run benches/apps/hono.ts, one Hono app for all three;
                          c-floor is the C epoll server in benches/floor, opt-in
  --load oha|wrk          load generator of the tables (default ${DEFAULTS.load}); wrk needs less CPU
                          per request, so it caps req/s later; whole-second --duration/--warmup
  --no-pipeline           skip the pipelined (wrk) measurement
  --pipeline-depth N      requests per round trip (default ${DEFAULTS.pipelineDepth})
  --pipeline-connections N  connections of the pipelined run (default ${DEFAULTS.pipelineConnections})
  --howth PATH            the howth binary (default $HOWTH_BIN, else target/release/howth)
  --no-install            do not install missing tools; skip what is missing
  --out DIR               where results go (default ${DEFAULTS.out})`;

/** Parses the command line; throws an Error with a message for the user on bad input. */
export function parseArgs(argv) {
  const given = {};
  const list = (v) => v.split(",").map((s) => s.trim()).filter(Boolean);
  const num = (name, v, { int = false, min = 0 } = {}) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) {
      throw new Error(`${name} needs a ${int ? "whole " : ""}number ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return n;
  };
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case "--quick": quick = true; break;
      case "--duration": given.duration = num(a, next(), { min: 1 }); break;
      case "--warmup": given.warmup = num(a, next()); break;
      case "--reps": given.reps = num(a, next(), { int: true, min: 1 }); break;
      case "--connections": given.connections = list(next() ?? "").map((c) => num(a, c, { int: true, min: 1 })); break;
      case "--scenarios": given.scenarios = list(next() ?? ""); break;
      case "--runtimes": given.runtimes = list(next() ?? ""); break;
      case "--load": given.load = next(); break;
      case "--no-pipeline": given.pipeline = false; break;
      case "--pipeline-depth": given.pipelineDepth = num(a, next(), { int: true, min: 1 }); break;
      case "--pipeline-connections": given.pipelineConnections = num(a, next(), { int: true, min: 1 }); break;
      case "--no-install": given.install = false; break;
      case "--howth": given.howth = next(); break;
      case "--out": given.out = next(); break;
      case "-h": case "--help": given.help = true; break;
      default: throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  const opts = { ...DEFAULTS, ...(quick ? QUICK : {}), ...given, quick };
  for (const s of opts.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s} (known: ${SCENARIO_NAMES.join(", ")})`);
  for (const r of opts.runtimes) if (!KNOWN_RUNTIMES.includes(r)) throw new Error(`unknown runtime ${r} (known: ${KNOWN_RUNTIMES.join(", ")})`);
  if (opts.connections.length === 0) throw new Error("--connections is empty");
  if (opts.scenarios.length === 0) throw new Error("--scenarios is empty");
  if (opts.runtimes.length === 0) throw new Error("--runtimes is empty");
  if (!LOAD_GENERATORS.includes(opts.load)) throw new Error(`--load needs one of ${LOAD_GENERATORS.join(", ")}, got ${JSON.stringify(opts.load)}`);
  // wrk -d takes whole seconds ("1.5s" is a usage error).
  if (opts.load === "wrk") {
    for (const k of ["duration", "warmup"]) {
      if (!Number.isInteger(opts[k])) throw new Error(`--${k} must be whole seconds with --load wrk, got ${opts[k]}`);
    }
  }
  return opts;
}

// ---------------------------------------------------------------- formatting

export function fmtInt(n) {
  return n == null ? "—" : Math.round(n).toLocaleString("en-US");
}
export function fmtNum(n, digits = 2) {
  return n == null ? "—" : n.toFixed(digits);
}
export function fmtRatio(r) {
  return r == null ? "—" : `${r.toFixed(2)}×`;
}
/** 81234 → "81.2k", 1027000 → "1.03M". */
export function fmtShort(n) {
  if (n == null) return "—";
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)}k`;
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}
const pct = (x) => (x == null ? "—" : `${Math.round(x * 100)}%`);
/** Other processes' plus the hypervisor's share of the server's core. */
function noise(c) {
  if (c.serverCoreOther == null) return "—";
  const v = c.serverCoreOther + (c.serverCoreSteal ?? 0);
  return `${Math.round(v * 100)}%${v > 0.05 ? " ⚠" : ""}`;
}
const mdEscape = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");

function flagText(c) {
  if (!c.flagged) return c.notes?.length ? `ok (${c.notes.map(mdEscape).join("; ")})` : "ok";
  return "⚠ " + c.flags.map(mdEscape).join("; ");
}

// ---------------------------------------------------------------- Markdown

/** Which load generator drove the main tables, and how; results from before --load were oha's. */
export function tableLoadText(results) {
  const load = results.config?.load ?? "oha";
  const version = results.tools?.[load] ? ` ${results.tools[load]}` : "";
  if (load === "wrk") {
    const t = results.config?.loadThreads ?? 1;
    const threads = t > 1 ? `-t${t} (or the largest divisor of C below)` : "-t1";
    return `wrk${version}, \`wrk ${threads} -c C -d Ds -s wrk.lua URL\`; non-2xx means status ≥ 400`;
  }
  return `oha${version}, \`oha -z Ds -c C URL\``;
}

/** The whole results.md from the results object that bench.mjs writes to results.json. */
export function renderMarkdown(results) {
  const { machine, config, runtimes, skipped = [], baseline = "bun" } = results;
  const L = [];
  L.push("# Howth benchmark results", "");
  L.push(`- **Date:** ${results.date}`);
  L.push(`- **Machine:** ${machine.cpuModel}, ${machine.cores} cores, ${machine.memGb} GB RAM, ${machine.os} ${machine.kernel}`);
  L.push(`- **Pinning:** ${machine.pinning}`);
  L.push(`- **Load average at start:** ${machine.loadavg.map((x) => x.toFixed(2)).join(" / ")} (1/5/15 min; the machine may be shared)`);
  L.push(`- **Runtimes:** ${Object.entries(runtimes).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`);
  for (const s of skipped) L.push(`- **Skipped:** ${s.runtime}: ${s.reason}`);
  L.push(`- **Load generators:** ${Object.entries(results.tools ?? {}).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  L.push(`- **Tables loaded by:** ${tableLoadText(results)}`);
  L.push(
    `- **Settings:** ${config.reps} rep(s) × ${config.duration} s per cell after ${config.warmup} s warm-up; ` +
      `connections ${config.connections.join(", ")}; medians over reps`,
  );
  L.push("");
  L.push(
    "Columns: **req/s** successful (2xx) responses per second; **vs Bun** req/s ÷ Bun's in the same cell " +
      "(the hono-* rows: ÷ hono-bun's, Bun running the same Hono app) " +
      "(— when either cell is flagged); **p50/p99** latency in ms; **CPU µs/req** the server's CPU time " +
      "(utime+stime, all threads) over the measured window ÷ successful requests, lower is better, its " +
      "capacity is 1/x per core; **CPU vs Bun** the same ÷ Bun's; **server CPU** share of one core the " +
      "server used (≈100% means the server, not the load generator, was the limit); **CPU 0 other** share of " +
      "the server's core that other processes (or the hypervisor, as steal) took meanwhile: above a few % the " +
      "machine was not quiet and the figures are noisy; **RSS** peak resident " +
      "memory during the cell (VmHWM). A cell with errors, non-2xx answers or a wrong response is marked ⚠.",
  );
  for (const scenario of config.scenarios) {
    const cells = results.cells.filter((c) => c.scenario === scenario);
    if (cells.length === 0) continue;
    L.push("", `## ${scenario} — ${SCENARIOS[scenario].describe}`, "");
    L.push("| runtime | conns | req/s | vs Bun | p50 ms | p99 ms | CPU µs/req | CPU vs Bun | server CPU | CPU 0 other | RSS MB | check |");
    L.push("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
    const order = (c) => config.connections.indexOf(c.connections) * 100 + results.order.indexOf(c.runtime);
    for (const c of [...cells].sort((a, b) => order(a) - order(b))) {
      const rps = (c.flagged ? "⚠ " : "") + fmtInt(c.rps);
      L.push(
        `| ${c.runtime}${c.runtime === "howth-nojs" || c.runtime === "c-floor" ? " (floor)" : ""} | ${c.connections} | ${rps} | ` +
          `${c.runtime === baselineOf(c.runtime, baseline) ? "1.00×" : fmtRatio(c.vsBaseline)} | ${fmtNum(c.p50Ms)} | ${fmtNum(c.p99Ms)} | ` +
          `${fmtNum(c.cpuUsPerReq, 1)} | ${c.runtime === baselineOf(c.runtime, baseline) ? "1.00×" : fmtRatio(c.cpuVsBaseline)} | ` +
          `${pct(c.cpuUtil)} | ${noise(c)} | ${fmtNum(c.rssMb, 1)} | ${flagText(c)} |`,
      );
    }
  }
  const pipe = results.pipelined ?? [];
  if (pipe.length) {
    const p0 = pipe[0];
    L.push("", `## pipelined — hello, ${p0.depth} requests per round trip, ${p0.connections} connections (wrk)`, "");
    L.push("| runtime | req/s | vs Bun | CPU µs/req | CPU vs Bun | server CPU | CPU 0 other | check |");
    L.push("|---|--:|--:|--:|--:|--:|--:|---|");
    for (const c of [...pipe].sort((a, b) => results.order.indexOf(a.runtime) - results.order.indexOf(b.runtime))) {
      L.push(
        `| ${c.runtime}${c.runtime === "howth-nojs" || c.runtime === "c-floor" ? " (floor)" : ""} | ${(c.flagged ? "⚠ " : "") + fmtInt(c.rps)} | ${c.runtime === baselineOf(c.runtime, baseline) ? "1.00×" : fmtRatio(c.vsBaseline)} | ` +
          `${fmtNum(c.cpuUsPerReq, 2)} | ${c.runtime === baselineOf(c.runtime, baseline) ? "1.00×" : fmtRatio(c.cpuVsBaseline)} | ${pct(c.cpuUtil)} | ` +
          `${noise(c)} | ${flagText(c)} |`,
      );
    }
  } else if (results.pipelineSkipped) {
    L.push("", `Pipelined measurement skipped: ${results.pipelineSkipped}`);
  }
  L.push("");
  return L.join("\n");
}

// ---------------------------------------------------------------- SVG

export const COLORS = {
  howth: "#e4572e",
  "howth-web": "#b5179e",
  "howth-nojs": "#f4a582",
  bun: "#e9b949",
  deno: "#2a9d8f",
  node: "#3b6fb6",
  "c-floor": "#7d5ba6",
  "hono-howth": "#a63a1c",
  "hono-bun": "#b8901f",
  "hono-deno": "#1e7066",
  "routes-howth": "#7a1f0a",
  "routes-bun": "#8c6d12",
};
const xml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A "nice" axis maximum ≥ v (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten), in fifths. */
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/**
 * One grouped bar chart as an SVG <g>. groups: x categories; series: runtimes;
 * value(group, series) → { v, flagged } or null (no bar).
 */
function barChart({ x, y, width, height, title, yLabel, groups, series, value, fmt = fmtShort }) {
  const ml = 78, mr = 16, mt = 34, mb = 42;
  const pw = width - ml - mr;
  const ph = height - mt - mb;
  let max = 0;
  for (const g of groups) for (const s of series) max = Math.max(max, value(g, s)?.v ?? 0);
  const top = niceMax(max * 1.22);
  const Y = (v) => mt + ph - (v / top) * ph;
  const out = [];
  out.push(`<g transform="translate(${x},${y})">`);
  out.push(`<text x="${width / 2}" y="20" text-anchor="middle" class="title">${xml(title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (top / 5) * i;
    out.push(`<line x1="${ml}" x2="${ml + pw}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" class="grid"/>`);
    const tick = fmt(v).replace(/\.0+(?=[kM]?$)/, "").replace(/(\.\d*?)0+(?=[kM]?$)/, "$1");
    out.push(`<text x="${ml - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${xml(tick)}</text>`);
  }
  out.push(`<line x1="${ml}" x2="${ml}" y1="${mt}" y2="${mt + ph}" class="axis"/>`);
  out.push(`<line x1="${ml}" x2="${ml + pw}" y1="${mt + ph}" y2="${mt + ph}" class="axis"/>`);
  out.push(
    `<text transform="translate(18,${mt + ph / 2}) rotate(-90)" text-anchor="middle" class="label">${xml(yLabel)}</text>`,
  );
  const gw = pw / Math.max(groups.length, 1);
  const bw = Math.min(46, (gw * 0.84) / Math.max(series.length, 1));
  groups.forEach((g, gi) => {
    const gx = ml + gi * gw + (gw - bw * series.length) / 2;
    out.push(`<text x="${(ml + gi * gw + gw / 2).toFixed(1)}" y="${mt + ph + 18}" text-anchor="middle" class="group">${xml(g.label)}</text>`);
    series.forEach((s, si) => {
      const d = value(g, s);
      if (!d || d.v == null) return;
      const bx = gx + si * bw;
      const by = Y(d.v);
      const fill = COLORS[s] ?? "#888";
      const tip = `${s} · ${g.label}: ${fmt(d.v)}${d.flagged ? " (flagged: errors or wrong responses)" : ""}`;
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(bw - 3).toFixed(1)}" height="${(mt + ph - by).toFixed(1)}" ` +
          `fill="${d.flagged ? "url(#flagged)" : fill}" stroke="${fill}" class="bar" data-runtime="${xml(s)}"><title>${xml(tip)}</title></rect>`,
      );
      const label = (d.flagged ? "⚠ " : "") + fmt(d.v);
      const cx = bx + (bw - 3) / 2;
      if (bw >= 44) {
        out.push(`<text x="${cx.toFixed(1)}" y="${(by - 4).toFixed(1)}" text-anchor="middle" class="value">${xml(label)}</text>`);
      } else {
        out.push(
          `<text transform="translate(${(cx + 4).toFixed(1)},${(by - 4).toFixed(1)}) rotate(-90)" class="value">${xml(label)}</text>`,
        );
      }
    });
  });
  out.push("</g>");
  return out.join("\n");
}

/** The connection count that every runtime measured in every scenario; the largest such, else the largest measured. */
export function chartConnections(cells) {
  const byRuntime = new Map();
  for (const c of cells) {
    if (!byRuntime.has(c.runtime)) byRuntime.set(c.runtime, new Set());
    byRuntime.get(c.runtime).add(c.connections);
  }
  const sets = [...byRuntime.values()];
  if (sets.length === 0) return null;
  const common = [...sets[0]].filter((n) => sets.every((s) => s.has(n)));
  const pool = common.length ? common : cells.map((c) => c.connections);
  return Math.max(...pool);
}

/** chart.svg: req/s and CPU µs/request per scenario and runtime (+ pipelined req/s when measured). */
export function renderSvg(results) {
  const cells = results.cells ?? [];
  const conns = chartConnections(cells);
  const order = results.order ?? [];
  const series = order.filter((r) => cells.some((c) => c.runtime === r));
  const groups = (results.config?.scenarios ?? []).filter((s) => cells.some((c) => c.scenario === s)).map((s) => ({ key: s, label: s }));
  // A scenario with its own connection counts (the arena-* profiles) is drawn at its largest.
  const connsFor = (g) => {
    const own = cells.filter((c) => c.scenario === g.key).map((c) => c.connections);
    return own.includes(conns) ? conns : Math.max(...own);
  };
  const at = (g, s) => cells.find((c) => c.scenario === g.key && c.runtime === s && c.connections === connsFor(g));
  const connsText = groups.every((g) => connsFor(g) === conns) ? `at ${conns} connections` : "at each profile's largest connection count";
  const W = 980;
  const H = 380;
  const parts = [];
  let y = 56;
  parts.push(
    barChart({
      x: 0, y, width: W, height: H,
      title: `Requests per second ${connsText} (higher is better)`,
      yLabel: "requests / s (median)",
      groups, series,
      value: (g, s) => {
        const c = at(g, s);
        return c ? { v: c.rps, flagged: c.flagged } : null;
      },
    }),
  );
  y += H;
  parts.push(
    barChart({
      x: 0, y, width: W, height: H,
      title: `Server CPU time per request ${connsText} (lower is better)`,
      yLabel: "CPU µs / request",
      groups, series,
      value: (g, s) => {
        const c = at(g, s);
        return c ? { v: c.cpuUsPerReq, flagged: c.flagged } : null;
      },
      fmt: (v) => (v == null ? "—" : v >= 100 ? v.toFixed(0) : v.toFixed(1)),
    }),
  );
  y += H;
  const pipe = results.pipelined ?? [];
  if (pipe.length) {
    const pseries = order.filter((r) => pipe.some((c) => c.runtime === r));
    parts.push(
      barChart({
        x: 0, y, width: W, height: H,
        title: `Pipelined hello, ${pipe[0].depth} requests per round trip, ${pipe[0].connections} connections (higher is better)`,
        yLabel: "requests / s (median)",
        groups: [{ key: "pipelined", label: `hello ×${pipe[0].depth}` }],
        series: pseries,
        value: (g, s) => {
          const c = pipe.find((p) => p.runtime === s);
          return c ? { v: c.rps, flagged: c.flagged } : null;
        },
      }),
    );
    y += H;
  }
  // legend
  const legend = [];
  const lseries = order.filter((r) => series.includes(r) || pipe.some((c) => c.runtime === r));
  lseries.forEach((s, i) => {
    const lx = 80 + i * 150;
    legend.push(`<rect x="${lx}" y="${y + 8}" width="14" height="14" fill="${COLORS[s] ?? "#888"}"/>`);
    legend.push(`<text x="${lx + 20}" y="${y + 20}" class="legend">${xml(s)}${s === "howth-nojs" || s === "c-floor" ? " (no JS)" : ""}</text>`);
  });
  const hasFlag = cells.some((c) => c.flagged) || pipe.some((c) => c.flagged);
  if (hasFlag) {
    legend.push(`<rect x="80" y="${y + 32}" width="14" height="14" fill="url(#flagged)" stroke="#c00"/>`);
    legend.push(`<text x="100" y="${y + 44}" class="legend">⚠ flagged: errors, non-2xx or wrong responses; not a valid result</text>`);
  }
  const noisy = [...cells, ...pipe].some((c) => (c.serverCoreOther ?? 0) + (c.serverCoreSteal ?? 0) > 0.05);
  const height = y + (hasFlag ? 60 : 36) + (noisy ? 22 : 0);
  const m = results.machine ?? {};
  const sub = `${m.cpuModel ?? "?"}, ${m.cores ?? "?"} cores, ${results.date ?? ""}; ${m.pinning ?? ""}; load: ${results.config?.load ?? "oha"}`;
  const worst = Math.max(0, ...[...cells, ...pipe].map((c) => (c.serverCoreOther ?? 0) + (c.serverCoreSteal ?? 0)));
  const busy =
    worst > 0.05
      ? `<text x="${W / 2}" y="${height - 6}" text-anchor="middle" class="warn">⚠ the machine was busy: ` +
        `other processes took up to ${Math.round(worst * 100)}% of the server's CPU during measurements; figures are noisy</text>`
      : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    "<defs>",
    '<pattern id="flagged" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">',
    '<rect width="8" height="8" fill="#fff"/><rect width="4" height="8" fill="#d33"/></pattern>',
    "<style>",
    ".title{font-size:15px;font-weight:bold;fill:#222}.warn{font-size:12px;fill:#c00}.label{font-size:13px;fill:#333}.tick{font-size:11px;fill:#555}",
    ".group{font-size:13px;fill:#222}.value{font-size:11px;fill:#222}.legend{font-size:13px;fill:#222}",
    ".grid{stroke:#e4e4e4;stroke-width:1}.axis{stroke:#333;stroke-width:1}.bar{stroke-width:1}",
    "</style>",
    "</defs>",
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="18" font-weight="bold" fill="#111">Howth HTTP benchmark</text>`,
    `<text x="${W / 2}" y="44" text-anchor="middle" class="tick">${xml(sub)}</text>`,
    ...parts,
    ...legend,
    busy,
    "</svg>",
    "",
  ].join("\n");
}
