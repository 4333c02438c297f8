// Parsing real load-generator output, captured from oha 1.16 and wrk 4.1 (with
// pipeline.lua) against benches/apps/node.mjs on this kind of machine.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseOha, parseWrkPipeline, summarizeCell } from "../lib.mjs";

const fixture = (name) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");
const raw = (name) => JSON.parse(fixture(name));

test("oha: a clean hello run", () => {
  const text = fixture("oha-node-hello.json");
  const j = JSON.parse(text);
  const r = parseOha(text);
  assert.equal(r.responses, j.statusCodeDistribution["200"]);
  assert.equal(r.ok, j.statusCodeDistribution["200"]);
  assert.ok(r.ok > 1000);
  assert.equal(r.non2xx, 0);
  assert.equal(r.errors, 0, "deadline aborts are not errors");
  assert.equal(r.deadlineAborted, j.errorDistribution["aborted due to deadline"]);
  assert.ok(r.deadlineAborted > 0);
  assert.equal(r.durationS, j.summary.total);
  assert.ok(Math.abs(r.rps - r.ok / j.summary.total) < 1e-9, "req/s counts successful responses only");
  assert.equal(r.p50Ms, j.latencyPercentiles.p50 * 1000);
  assert.equal(r.p99Ms, j.latencyPercentiles.p99 * 1000);
  assert.ok(r.p50Ms <= r.p99Ms);
  assert.ok(r.p99Ms <= j.summary.slowest * 1000 && r.p50Ms >= j.summary.fastest * 1000);
  assert.deepEqual(parseOha(j), r, "accepts text or an object");
});

test("oha: a POST echo run", () => {
  const r = parseOha(fixture("oha-node-echo.json"));
  assert.equal(r.ok, 200);
  assert.equal(r.bytes, 200 * 16384);
  assert.equal(r.errors, 0);
});

test("oha: 404 answers count as non-2xx and flag the cell", () => {
  const r = parseOha(fixture("oha-node-404.json"));
  assert.ok(r.responses > 0);
  assert.equal(r.ok, 0);
  assert.equal(r.non2xx, r.responses);
  assert.deepEqual(Object.keys(r.statusCodes), ["404"]);
  const cell = summarizeCell({ runtime: "node", scenario: "hello", connections: 4, reps: [{ load: r, cpuTicks: 50, wallS: 1, clkTck: 100 }] });
  assert.equal(cell.flagged, true);
  assert.equal(cell.rps, 0);
  assert.match(cell.flags.join(), /non-2xx/);
  assert.match(cell.flags.join(), /no successful responses/);
});

test("oha: connection errors are counted and flag the cell", () => {
  const r = parseOha(fixture("oha-refused.json"));
  assert.equal(r.responses, 0);
  assert.ok(r.errors > 0);
  assert.equal(r.errors, raw("oha-refused.json").errorDistribution["Connection refused (os error 111)"]);
  assert.equal(r.p50Ms, null, "no latency without responses");
  const cell = summarizeCell({ runtime: "x", scenario: "hello", connections: 2, reps: [{ load: r, cpuTicks: 0, wallS: 1, clkTck: 100 }] });
  assert.equal(cell.flagged, true);
  assert.equal(cell.errors, r.errors);
  assert.equal(cell.cpuUsPerReq, null);
});

test("oha: rejects what is not oha JSON", () => {
  assert.throws(() => parseOha("{}"), /not oha JSON/);
  assert.throws(() => parseOha("Error: connection refused"), SyntaxError);
});

test("wrk + pipeline.lua: the summary line is parsed", () => {
  const r = parseWrkPipeline(fixture("wrk-pipeline-node.txt"));
  assert.equal(r.responses, 17449);
  assert.equal(r.ok, 17449);
  assert.equal(r.errors, 0);
  assert.equal(r.non2xx, 0);
  assert.equal(r.durationS, 1.096243);
  assert.ok(Math.abs(r.rps - 17449 / 1.096243) < 1e-6);
  // wrk's own figure on the same run
  assert.ok(Math.abs(r.rps - 15917.09) / 15917.09 < 0.01);
  assert.equal(r.p99Ms, null, "wrk answered 0 for p99: no figure rather than a false 0");
});

test("wrk + pipeline.lua: non-2xx answers are counted", () => {
  const r = parseWrkPipeline(fixture("wrk-pipeline-404.txt"));
  assert.equal(r.non2xx, 13566);
  assert.equal(r.ok, 0);
  assert.equal(r.rps, 0);
  assert.throws(() => parseWrkPipeline("Running 1s test\n"), /HOWTH_WRK_JSON/);
});
