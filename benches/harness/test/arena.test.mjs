import test from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { ARENA_SCENARIOS, SCENARIOS, DEFAULTS, parseArgs, baselineOf, summarizeCell } from "../lib.mjs";
import { checkArena, closeBehaviour, exchange, expectedJson, parseResponses } from "../arena.mjs";

const DATA = [
  { id: 1, price: 2.5, quantity: 4 },
  { id: 2, price: 0.1, quantity: 3 },
  { id: 3, price: 10, quantity: 1 },
];

test("expectedJson takes the first n items, adds total = price × quantity × m and the count", () => {
  assert.deepEqual(expectedJson(2, 3, DATA), {
    items: [
      { id: 1, price: 2.5, quantity: 4, total: 30 },
      { id: 2, price: 0.1, quantity: 3, total: 0.1 * 3 * 3 },
    ],
    count: 2,
  });
  assert.equal(expectedJson(99, 1, DATA).count, 3);
  assert.deepEqual(expectedJson(0, 1, DATA), { items: [], count: 0 });
});

test("parseResponses reads Content-Length and chunked bodies and keeps a partial tail", () => {
  const raw = Buffer.from(
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" +
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
  );
  const { responses, rest } = parseResponses(raw);
  assert.deepEqual(responses.map((r) => [r.status, r.body]), [[200, "ok"], [201, "abcde"]]);
  assert.equal(rest.toString(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel");
});

test("arena profiles are opt-in, have their own connections and are compared within their family", () => {
  for (const name of Object.keys(ARENA_SCENARIOS)) {
    assert.ok(SCENARIOS[name], name);
    assert.ok(!DEFAULTS.scenarios.includes(name), `${name} is not a default scenario`);
    assert.ok(ARENA_SCENARIOS[name].connections.length > 0);
  }
  assert.equal(ARENA_SCENARIOS["arena-async"].connections[0], 10000);
  assert.equal(baselineOf("arena-howth"), "arena-bun");
  const opts = parseArgs(["--runtimes", "arena-howth,arena-node", "--scenarios", "arena-json"]);
  assert.deepEqual(opts.scenarios, ["arena-json"]);
});

/** A tiny server answering /baseline11 with a fixed wrong sum: the check must catch it. */
function wrongServer() {
  return new Promise((resolve) => {
    const srv = net.createServer((sock) => {
      sock.on("data", () => sock.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n7"));
    });
    srv.listen(0, "127.0.0.1", () => resolve(srv));
  });
}

test("checkArena reports a server whose sums are wrong", async () => {
  const srv = await wrongServer();
  try {
    const { problems } = await checkArena(srv.address().port, "arena-baseline");
    assert.ok(problems.length > 0);
    assert.match(problems[0], /want "\d+"/);
  } finally {
    srv.close();
  }
});

test("exchange sends pieces apart and rejects when no answer comes", async () => {
  const srv = net.createServer(() => {});
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  try {
    await assert.rejects(exchange(srv.address().port, ["GET / HTTP/1.1\r\n\r\n"], { timeoutMs: 200 }), /no complete answer/);
  } finally {
    srv.close();
  }
});

test("closeBehaviour tells a silent close from one that says Connection: close, and an open connection", async () => {
  const make = (answer, close) =>
    new Promise((resolve) => {
      const srv = net.createServer((sock) => sock.once("data", () => (close ? sock.end(answer) : sock.write(answer))));
      srv.listen(0, "127.0.0.1", () => resolve(srv));
    });
  const silent = await make("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3", true);
  const says = await make("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n3", true);
  const open = await make("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3", false);
  try {
    assert.deepEqual(await closeBehaviour(silent.address().port), { closes: true, saysClose: false });
    assert.deepEqual(await closeBehaviour(says.address().port), { closes: true, saysClose: true });
    assert.deepEqual(await closeBehaviour(open.address().port, 300), { closes: false, saysClose: false });
  } finally {
    for (const s of [silent, says, open]) s.close();
  }
});

test("summarizeCell excuses read errors of silent closes up to their share, and nothing else", () => {
  const rep = (errorKinds) => ({ rps: 1000, cpuUsPerReq: 10, ok: 10000, errors: Object.values(errorKinds).reduce((a, b) => a + b, 0), non2xx: 0, errorKinds });
  const excuse = { share: 0.1, connections: 50 };
  const fine = summarizeCell({ runtime: "arena-bun", scenario: "arena-limited", connections: 50, reps: [rep({ read: 1000 })], excuseReadErrors: excuse });
  assert.equal(fine.flagged, false);
  assert.match(fine.notes[0], /1000 read errors excused/);
  const tooMany = summarizeCell({ runtime: "arena-bun", scenario: "arena-limited", connections: 50, reps: [rep({ read: 5000 })], excuseReadErrors: excuse });
  assert.equal(tooMany.flagged, true);
  const otherKind = summarizeCell({ runtime: "arena-bun", scenario: "arena-limited", connections: 50, reps: [rep({ read: 100, timeout: 1 })], excuseReadErrors: excuse });
  assert.equal(otherKind.flagged, true);
  const notExcused = summarizeCell({ runtime: "arena-bun", scenario: "arena-limited", connections: 50, reps: [rep({ read: 1000 })] });
  assert.equal(notExcused.flagged, true);
});

test("the proxy scenario is opt-in, expects the upstream's JSON and is compared within its family", async () => {
  const { checkResponse, UPSTREAM_JSON } = await import("../lib.mjs");
  assert.ok(!DEFAULTS.scenarios.includes("proxy"));
  assert.equal(baselineOf("proxy-howth"), "proxy-bun");
  const body = new TextEncoder().encode(JSON.stringify(UPSTREAM_JSON));
  assert.deepEqual(checkResponse("proxy", { status: 200, contentType: "application/json", body }), []);
  const wrong = new TextEncoder().encode(JSON.stringify({ ...UPSTREAM_JSON, id: 1 }));
  assert.equal(checkResponse("proxy", { status: 200, contentType: "application/json", body: wrong }).length, 1);
});
