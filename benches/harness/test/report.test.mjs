import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { summarizeCell, withRatios, renderMarkdown, renderSvg, chartConnections, parseArgs, DEFAULTS } from "../lib.mjs";

// A rep as `howth bench http --json` prints it: 5 s, cpuTicks at 100 Hz.
const rep = (rps, cpuTicks, over = {}) => ({
  rps, ok: rps * 5, errors: 0, non2xx: 0, deadlineAborted: 0, p50Ms: 0.5, p99Ms: 2, errorKinds: {}, statusCodes: {},
  cpuUsPerReq: ((cpuTicks / 100) * 1e6) / (rps * 5), serverCpu: cpuTicks / 100 / 5,
  ...over,
});
const cell = (runtime, scenario, connections, rps, cpuTicks, over) =>
  summarizeCell({ runtime, scenario, connections, reps: [rep(rps, cpuTicks, over)], rssMb: 42.5 });

function sampleResults() {
  const cells = [];
  for (const scenario of ["hello", "json"]) {
    for (const connections of [50, 200]) {
      cells.push(cell("bun", scenario, connections, 80000, 490));
      cells.push(cell("howth", scenario, connections, 88000, 400));
      cells.push(cell("deno", scenario, connections, 79000, 480, scenario === "json" && connections === 200 ? { errors: 7 } : {}));
    }
  }
  const pipelined = [
    summarizeCell({ runtime: "bun", scenario: "pipelined", connections: 50, reps: [rep(88800, 497)], extra: { depth: 16 } }),
    summarizeCell({ runtime: "howth", scenario: "pipelined", connections: 50, reps: [rep(1000000, 380)], extra: { depth: 16 } }),
  ];
  return {
    date: "2026-11-27T10:00:00.000Z",
    machine: { cpuModel: "AMD EPYC", cores: 2, memGb: 24, os: "Debian", kernel: "Linux 6.1", loadavg: [0.1, 0.2, 0.3], pinning: "server on CPU 0, load generator on CPU 1 (taskset)", clkTck: 100 },
    config: { duration: 5, warmup: 2, reps: 1, connections: [50, 200], scenarios: ["hello", "json"] },
    baseline: "bun",
    runtimes: { howth: "0.1.0", bun: "1.4.5", deno: "2.9.6" },
    tools: { oha: "1.9.0", wrk: "4.1.0" },
    skipped: [{ runtime: "node", reason: "not wanted" }],
    order: ["howth", "bun", "deno"],
    cells: withRatios(cells),
    pipelined: withRatios(pipelined, "bun", () => "p"),
  };
}

test("Markdown has a header naming the machine and versions, and one table per scenario", () => {
  const md = renderMarkdown(sampleResults());
  assert.match(md, /AMD EPYC, 2 cores/);
  assert.match(md, /Linux 6\.1/);
  assert.match(md, /bun 1\.4\.5/);
  assert.match(md, /deno 2\.9\.6/);
  assert.match(md, /Skipped:\*\* node: not wanted/);
  assert.match(md, /## hello/);
  assert.match(md, /## json/);
  assert.match(md, /## pipelined/);
  const rows = md.split("\n").filter((l) => /^\| (howth|bun|deno) \|/.test(l));
  assert.equal(rows.length, 3 * 2 * 2 + 2, "one row per cell plus the pipelined rows");
});

test("Markdown rows carry req/s, ratio to Bun, latency, CPU and RSS", () => {
  const md = renderMarkdown(sampleResults());
  const row = md.split("\n").find((l) => l.startsWith("| howth | 50 | 88,000 |"));
  assert.ok(row, md);
  const cols = row.split("|").map((s) => s.trim());
  // | runtime | conns | req/s | vs Bun | p50 | p99 | CPU µs/req | CPU vs Bun | server CPU | CPU 0 other | RSS | check |
  assert.equal(cols[4], "1.10×");
  assert.equal(cols[5], "0.50");
  assert.equal(cols[6], "2.00");
  assert.equal(cols[7], "9.1"); // 4 s CPU / 440,000 requests
  assert.equal(cols[8], "0.74×"); // 9.09 / Bun's 12.25 (4.9 s / 400,000)
  assert.equal(cols[9], "80%");
  assert.equal(cols[10], "—", "no /proc/stat sample in this rep");
  assert.equal(cols[11], "42.5");
  assert.equal(cols[12], "ok");
  assert.match(md, /\| bun \| 50 \| 80,000 \| 1\.00× \|/);
  assert.match(md, /\| howth \| 1,000,000 \| 11\.26× \|/);
});

test("other processes on the server's core are shown, and marked above 5%", () => {
  const r = sampleResults();
  const noisy = (other, steal) =>
    summarizeCell({ runtime: "bun", scenario: "hello", connections: 1000, reps: [rep(80000, 490, { serverCoreOther: other, serverCoreSteal: steal })], rssMb: 42.5 });
  r.config.connections = [50, 200, 1000];
  r.cells = withRatios([...r.cells, noisy(0.02, 0.01)]);
  assert.match(renderMarkdown(r), /\| bun \| 1000 \|[^\n]*\| 3% \| 42\.5 \| ok \|/);
  assert.doesNotMatch(renderSvg(r), /machine was busy/);
  r.cells = withRatios([...sampleResults().cells, noisy(0.3, 0.05)]);
  assert.match(renderMarkdown(r), /\| bun \| 1000 \|[^\n]*\| 35% ⚠ \| 42\.5 \| ok \|/);
  assert.match(renderSvg(r), /machine was busy: other processes took up to 35%/);
});

test("a flagged cell is marked and gets no ratio in the Markdown", () => {
  const md = renderMarkdown(sampleResults());
  const row = md.split("\n").find((l) => l.startsWith("| deno | 200 | ⚠"));
  assert.ok(row, "flagged deno json row is marked with ⚠");
  assert.match(row, /\| ⚠ 79,000 \| — \|/);
  assert.match(row, /⚠ 7 errors/);
});

test("the chart picks the largest connection count that every runtime measured", () => {
  const r = sampleResults();
  assert.equal(chartConnections(r.cells), 200);
  const partial = r.cells.filter((c) => !(c.runtime === "deno" && c.connections === 200));
  assert.equal(chartConnections(partial), 50);
  assert.equal(chartConnections([]), null);
});

test("the SVG has a bar per runtime and scenario, axis labels, legend and values", () => {
  const svg = renderSvg(sampleResults());
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  // req/s panel + CPU panel: 2 scenarios × 3 runtimes each; pipelined panel: 2 bars
  assert.equal((svg.match(/<rect [^>]*class="bar"/g) ?? []).length, 2 * 2 * 3 + 2);
  assert.match(svg, /Requests per second at 200 connections/);
  assert.match(svg, /requests \/ s \(median\)/);
  assert.match(svg, /CPU µs \/ request/);
  for (const r of ["howth", "bun", "deno"]) assert.match(svg, new RegExp(`class="legend">${r}<`));
  assert.match(svg, />88\.0k</);
  assert.match(svg, />1\.00M</);
  assert.match(svg, /⚠ 79\.0k/, "flagged bar is labelled");
  assert.match(svg, /url\(#flagged\)/);
  // tags balance: every <g> and <text> closes
  for (const tag of ["g", "text", "svg", "defs", "pattern", "style"]) {
    const open = (svg.match(new RegExp(`<${tag}[ >]`, "g")) ?? []).length;
    const close = (svg.match(new RegExp(`</${tag}>`, "g")) ?? []).length;
    assert.equal(open, close, `<${tag}> opened ${open} closed ${close}`);
  }
  assert.doesNotMatch(svg, /NaN|undefined/);
});

test("parseArgs: defaults, --quick, overrides and errors", () => {
  const d = parseArgs([]);
  assert.deepEqual(d.connections, [50, 200, 1000]);
  assert.equal(d.reps, DEFAULTS.reps);
  assert.deepEqual(d.scenarios, ["hello", "json", "router", "async", "echo"]);
  const q = parseArgs(["--quick"]);
  assert.deepEqual([q.duration, q.reps, q.connections, q.scenarios], [3, 1, [50], ["hello", "json"]]);
  const o = parseArgs(["--quick", "--connections", "50,200", "--runtimes=howth,bun", "--duration", "2", "--no-pipeline"]);
  assert.deepEqual(o.connections, [50, 200]);
  assert.deepEqual(o.runtimes, ["howth", "bun"]);
  assert.equal(o.duration, 2);
  assert.equal(o.pipeline, false);
  assert.throws(() => parseArgs(["--scenarios", "nope"]), /unknown scenario/);
  assert.throws(() => parseArgs(["--runtimes", "java"]), /unknown runtime/);
  assert.throws(() => parseArgs(["--reps", "0"]), /--reps/);
  assert.equal(d.pipelineConnections, 50);
  assert.equal(parseArgs(["--pipeline-connections", "1000"]).pipelineConnections, 1000);
  assert.throws(() => parseArgs(["--pipeline-connections", "0"]), /--pipeline-connections/);
  assert.throws(() => parseArgs(["--frobnicate"]), /unknown option/);
});

test("parseArgs: --load picks the tables' load generator, oha by default", () => {
  assert.equal(parseArgs([]).load, "oha");
  assert.equal(parseArgs(["--load", "wrk"]).load, "wrk");
  assert.equal(parseArgs(["--load=oha"]).load, "oha");
  const q = parseArgs(["--quick", "--load", "wrk"]);
  assert.deepEqual([q.load, q.duration, q.warmup], ["wrk", 3, 1], "--quick keeps whole seconds");
  assert.throws(() => parseArgs(["--load", "ab"]), /--load needs one of oha, wrk, got "ab"/);
  assert.throws(() => parseArgs(["--load"]), /--load needs one of oha, wrk/);
  // wrk -d takes whole seconds; oha does not mind
  assert.throws(() => parseArgs(["--load", "wrk", "--duration", "1.5"]), /--duration must be whole seconds/);
  assert.throws(() => parseArgs(["--load", "wrk", "--warmup", "0.5"]), /--warmup must be whole seconds/);
  assert.equal(parseArgs(["--duration", "1.5"]).duration, 1.5);
});

test("Markdown names the load generator of the tables", () => {
  const r = sampleResults();
  assert.match(renderMarkdown(r), /- \*\*Tables loaded by:\*\* oha 1\.9\.0, `oha -z Ds -c C URL`/, "results without config.load were oha's");
  r.config.load = "wrk";
  r.config.loadThreads = 1;
  const md = renderMarkdown(r);
  assert.match(md, /- \*\*Tables loaded by:\*\* wrk 4\.1\.0, `wrk -t1 -c C -d Ds -s wrk\.lua URL`/);
  assert.match(md, /non-2xx means status ≥ 400/);
  assert.match(md, /- \*\*Load generators:\*\* oha 1\.9\.0, wrk 4\.1\.0/);
});

test("bench.mjs rejects a bad option with exit code 2 before doing anything", () => {
  const bench = fileURLToPath(new URL("../bench.mjs", import.meta.url));
  const r = spawnSync(process.execPath, [bench, "--scenarios", "nope"], { encoding: "utf8", timeout: 20000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /unknown scenario nope/);
  const h = spawnSync(process.execPath, [bench, "--help"], { encoding: "utf8", timeout: 20000 });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--quick/);
});
