import test from "node:test";
import assert from "node:assert/strict";
import { summarizeCell, withRatios, baselineOf, checkResponse, echoBody } from "../lib.mjs";

// A rep as `howth bench http --json` prints it; cpuTicks at 100 Hz over 5 s and 400,000 requests.
const rep = (over = {}, cpuTicks = 500) => ({
  rps: 80000, ok: 400000, errors: 0, non2xx: 0, deadlineAborted: 0, p50Ms: 0.6, p99Ms: 1.2, errorKinds: {}, statusCodes: { 200: 400000 },
  cpuUsPerReq: ((cpuTicks / 100) * 1e6) / (over.ok ?? 400000), serverCpu: cpuTicks / 100 / 5, peakRssMb: 40, rssReset: true,
  ...over,
});

test("a clean cell reports medians of its reps and CPU per request", () => {
  const c = summarizeCell({
    runtime: "bun", scenario: "hello", connections: 50,
    reps: [rep({ rps: 70000 }, 480), rep({ rps: 90000, peakRssMb: 44 }, 520), rep({ rps: 80000 }, 500)],
  });
  assert.equal(c.rps, 80000);
  assert.equal(c.p50Ms, 0.6);
  assert.equal(c.cpuUsPerReq, 12.5); // 5 s of CPU / 400,000 requests
  assert.equal(c.cpuUtil, 1); // 5 s of CPU in 5 s
  assert.equal(c.ok, 1200000);
  assert.equal(c.rssMb, 44, "the largest peak of the reps");
  assert.equal(c.rssScope, "cell");
  assert.equal(c.flagged, false);
  assert.deepEqual(c.flags, []);
});

test("a cell with connection errors is flagged", () => {
  const c = summarizeCell({ runtime: "howth", scenario: "hello", connections: 1000, reps: [rep(), rep({ errors: 12, errorKinds: { "connection reset": 12 } })] });
  assert.equal(c.flagged, true);
  assert.equal(c.errors, 12);
  assert.match(c.flags.join(), /12 errors \(connection reset: 12\)/);
  assert.equal(c.errorKinds["connection reset"], 12);
});

test("a cell with non-2xx answers is flagged", () => {
  const c = summarizeCell({ runtime: "howth", scenario: "json", connections: 50, reps: [rep({ non2xx: 3, statusCodes: { 200: 399997, 500: 3 } })] });
  assert.equal(c.flagged, true);
  assert.match(c.flags.join(), /3 non-2xx/);
});

test("a cell with a wrong response body is flagged even without errors", () => {
  const c = summarizeCell({ runtime: "howth", scenario: "json", connections: 50, reps: [rep()], responseProblems: ["body is not JSON"] });
  assert.equal(c.flagged, true);
  assert.match(c.flags.join(), /wrong response: body is not JSON/);
});

test("a failed rep or no measurement at all is flagged", () => {
  const a = summarizeCell({ runtime: "x", scenario: "hello", connections: 50, reps: [{ failed: "oha exited 1" }, rep()] });
  assert.equal(a.flagged, true);
  assert.equal(a.rps, 80000);
  const b = summarizeCell({ runtime: "x", scenario: "hello", connections: 50, reps: [{ failed: "server exited (1)" }] });
  assert.equal(b.flagged, true);
  assert.equal(b.rps, null);
  const z = summarizeCell({ runtime: "x", scenario: "hello", connections: 50, reps: [rep({ ok: 0, rps: 0, cpuUsPerReq: null })] });
  assert.equal(z.flagged, true);
  assert.equal(z.cpuUsPerReq, null);
  const unreset = summarizeCell({ runtime: "x", scenario: "hello", connections: 50, reps: [rep(), rep({ rssReset: false })] });
  assert.equal(unreset.rssScope, "since start");
});

test("deadline-aborted requests alone do not flag a cell", () => {
  const c = summarizeCell({ runtime: "bun", scenario: "hello", connections: 50, reps: [rep({ deadlineAborted: 50 })] });
  assert.equal(c.flagged, false);
  assert.equal(c.deadlineAborted, 50);
});

test("ratios are against Bun's same cell, and never computed for a flagged cell", () => {
  const mk = (runtime, rps, cpu, over = {}) =>
    summarizeCell({ runtime, scenario: "hello", connections: 50, reps: [rep({ rps, ...over }, cpu)] });
  const cells = withRatios([
    mk("bun", 80000, 500),
    mk("howth", 100000, 400),
    mk("deno", 60000, 600, { errors: 5 }),
    summarizeCell({ runtime: "howth", scenario: "hello", connections: 200, reps: [rep()] }), // no Bun cell at 200
  ]);
  const [bun, howth, deno, orphan] = cells;
  assert.equal(bun.vsBaseline, 1);
  assert.equal(howth.vsBaseline, 1.25);
  assert.equal(howth.cpuVsBaseline, 0.8);
  assert.equal(deno.vsBaseline, null, "a flagged cell is never a win");
  assert.equal(orphan.vsBaseline, null);

  const badBun = withRatios([mk("bun", 80000, 500, { non2xx: 1 }), mk("howth", 100000, 400)]);
  assert.equal(badBun[1].vsBaseline, null, "no ratio against a flagged baseline");
});

test("checkResponse accepts right answers and names what is wrong", () => {
  const enc = (s) => new TextEncoder().encode(s);
  assert.deepEqual(checkResponse("hello", { status: 200, contentType: "text/plain;charset=utf-8", body: enc("Hi") }), []);
  assert.deepEqual(
    checkResponse("json", { status: 200, contentType: "application/json", body: enc('{"n":42,"message":"Hello, World!","items":[1,2,3]}') }),
    [],
  );
  assert.deepEqual(
    checkResponse("router", { status: 200, contentType: "application/json; charset=utf-8", body: enc('{"id":"123","fields":["name","email"]}') }),
    [],
  );
  assert.deepEqual(checkResponse("echo", { status: 200, contentType: "application/octet-stream", body: echoBody() }), []);

  assert.match(checkResponse("hello", { status: 500, contentType: "text/plain", body: enc("Hi") }).join(), /status 500/);
  assert.match(checkResponse("hello", { status: 200, contentType: "text/plain", body: enc("Hello") }).join(), /body/);
  assert.match(checkResponse("json", { status: 200, contentType: "text/plain", body: enc("{}") }).join(), /content-type.*JSON/s);
  assert.match(checkResponse("router", { status: 200, contentType: "application/json", body: enc('{"id":123}') }).join(), /JSON/);
  assert.match(checkResponse("echo", { status: 200, contentType: "application/octet-stream", body: echoBody(100) }).join(), /echoed 100 bytes/);
  // the no-JS baseline answers "Hi" everywhere
  assert.deepEqual(checkResponse("json", { status: 200, contentType: "text/plain", body: enc("Hi") }, { fixedText: "Hi" }), []);
});

test("the Hono app's rows are compared with Bun running the same Hono app", () => {
  const mk = (runtime, rps, cpu) => summarizeCell({ runtime, scenario: "hello", connections: 50, reps: [rep({ rps }, cpu)] });
  const [bun, honoBun, honoHowth, howth] = withRatios([mk("bun", 80000, 500), mk("hono-bun", 40000, 600), mk("hono-howth", 60000, 450), mk("howth", 100000, 400)]);
  assert.equal(bun.vsBaseline, 1);
  assert.equal(honoBun.vsBaseline, 1, "hono-bun is its own family's baseline");
  assert.equal(honoHowth.vsBaseline, 1.5);
  assert.equal(honoHowth.cpuVsBaseline, 0.75);
  assert.equal(howth.vsBaseline, 1.25);
  assert.equal(baselineOf("hono-deno"), "hono-bun");
  assert.equal(baselineOf("deno"), "bun");
});
