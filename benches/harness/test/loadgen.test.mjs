// Parsing real load-generator output, captured from oha 1.16 and wrk 4.1 (with
// pipeline.lua) against benches/apps/node.mjs on this kind of machine; wrk's
// plain --latency reports (wrk-*.txt without "pipeline") from howth (hello,
// and echo through request.lua) and from a small Node server answering slowly,
// with 500s now and then, or with a status line that does not parse.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseOha, parseWrk, parseWrkPipeline, summarizeCell, wrkThreads, wrkTimeMs } from "../lib.mjs";

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

test("wrk --latency: a clean hello run, latencies in us and ms", () => {
  const r = parseWrk(fixture("wrk-howth-hello.txt"));
  assert.equal(r.responses, 50526);
  assert.equal(r.ok, 50526);
  assert.equal(r.non2xx, 0);
  assert.equal(r.errors, 0);
  assert.deepEqual(r.errorKinds, {});
  assert.equal(r.wrkRps, 50207.58);
  // the duration comes from responses ÷ Requests/sec, finer than "in 1.01s"
  assert.ok(Math.abs(r.durationS - 50526 / 50207.58) < 1e-12);
  assert.ok(Math.abs(r.durationS - 1.01) < 0.005);
  assert.ok(Math.abs(r.rps - 50207.58) < 1e-6, "all responses were fine: req/s is wrk's");
  assert.equal(r.p50Ms, 0.539); // "539.00us"
  assert.equal(r.p99Ms, 7.79); // "7.79ms"
  assert.equal(r.bytes, Math.round(5.64 * 2 ** 20));
  // the same keys as oha's record, so summarizeCell and the reports take it as is
  const oha = parseOha(fixture("oha-node-hello.json"));
  for (const k of Object.keys(oha)) if (k !== "ohaRps") assert.ok(k in r, `wrk record lacks ${k}`);
  const cell = summarizeCell({ runtime: "howth", scenario: "hello", connections: 50, reps: [{ load: r, cpuTicks: 69, wallS: 1.01, clkTck: 100 }] });
  assert.equal(cell.flagged, false);
  assert.equal(cell.rps, r.rps);
});

test("wrk --latency: a POST echo run through request.lua", () => {
  const r = parseWrk(fixture("wrk-howth-echo.txt"));
  assert.equal(r.ok, 32145);
  assert.equal(r.errors, 0);
  assert.equal(r.p50Ms, 1.27);
  assert.equal(r.p99Ms, 14.62);
  assert.ok(r.bytes / r.responses > 16384, "each answer carries the 16 KB body back");
});

test("wrk --latency: latencies in seconds; a slow run takes its duration from the text", () => {
  const r = parseWrk(fixture("wrk-node-slow.txt"));
  assert.equal(r.responses, 8);
  assert.equal(r.p50Ms, 1230); // "1.23s "
  assert.equal(r.p99Ms, 1240);
  // Requests/sec 2.66 has too few digits: "in 3.01s" is the better duration
  assert.equal(r.durationS, 3.01);
  assert.ok(Math.abs(r.rps - 8 / 3.01) < 1e-9);
  assert.equal(r.errors, 0);
});

test("wrk --latency: non-2xx answers are counted and flag the cell", () => {
  const r = parseWrk(fixture("wrk-node-500s.txt"));
  assert.equal(r.responses, 4866);
  assert.equal(r.non2xx, 445);
  assert.equal(r.ok, 4866 - 445);
  assert.ok(Math.abs(r.rps - (4842.05 * (4866 - 445)) / 4866) < 1e-6, "req/s counts fine responses only");
  assert.equal(r.errors, 0);
  const cell = summarizeCell({ runtime: "node", scenario: "hello", connections: 10, reps: [{ load: r, cpuTicks: 90, wallS: 1, clkTck: 100 }] });
  assert.equal(cell.flagged, true);
  assert.match(cell.flags.join(), /445 non-2xx/);
});

test("wrk --latency: socket errors are counted by kind and flag the cell", () => {
  const bad = parseWrk(fixture("wrk-bad-response.txt"));
  assert.equal(bad.responses, 0);
  assert.equal(bad.errors, 2536);
  assert.deepEqual(bad.errorKinds, { read: 2536 });
  assert.equal(bad.rps, 0);
  assert.equal(bad.p50Ms, null, "0.00us from an empty histogram is no figure");
  assert.equal(bad.durationS, 1.01);
  const cell = summarizeCell({ runtime: "x", scenario: "hello", connections: 4, reps: [{ load: bad, cpuTicks: 10, wallS: 1, clkTck: 100 }] });
  assert.equal(cell.flagged, true);
  assert.match(cell.flags.join(), /2536 errors \(read: 2536\)/);
  assert.match(cell.flags.join(), /no successful responses/);

  // answers slower than wrk's 2 s timeout: responses, but timeout errors and no latency recorded
  const slow = parseWrk(fixture("wrk-node-timeout.txt"));
  assert.equal(slow.responses, 4);
  assert.deepEqual(slow.errorKinds, { timeout: 4 });
  assert.equal(slow.errors, 4);
  assert.equal(slow.p99Ms, null);
});

test("wrk --latency: the Socket errors line with every kind", () => {
  const text = fixture("wrk-howth-hello.txt").replace(
    /(requests in .*\n)/,
    "$1  Socket errors: connect 3, read 17, write 2, timeout 0\n  Non-2xx or 3xx responses: 5\n",
  );
  const r = parseWrk(text);
  assert.deepEqual(r.errorKinds, { connect: 3, read: 17, write: 2 });
  assert.equal(r.errors, 22);
  assert.equal(r.non2xx, 5);
  assert.equal(r.ok, 50526 - 5);
});

test("wrk times in us, ms, s and minutes; other text is refused", () => {
  assert.equal(wrkTimeMs("539.00us"), 0.539);
  assert.equal(wrkTimeMs("7.79ms"), 7.79);
  assert.equal(wrkTimeMs("1.23s "), 1230);
  assert.equal(wrkTimeMs("1.05m"), 63000);
  assert.throws(() => wrkTimeMs("-nan%"), /not a wrk time/);
  assert.throws(() => parseWrk("unable to connect to 127.0.0.1:4399 Connection refused\n"), /not wrk output/);
  assert.throws(() => parseWrk(fixture("oha-node-hello.json")), /not wrk output/);
});

test("wrk threads: at most the load generator's CPUs, and a divisor of the connections", () => {
  assert.equal(wrkThreads(50, 1), 1, "one core for the load generator: one thread");
  assert.equal(wrkThreads(1000, 3), 2);
  assert.equal(wrkThreads(200, 4), 4);
  assert.equal(wrkThreads(7, 3), 1);
  assert.equal(wrkThreads(2, 8), 2, "never more threads than connections");
});
