// The HttpArena-style profiles of `make bench-arena`: what each request is and
// what a correct server answers, and the checks run against a server before
// it is timed (a runtime that answers wrongly gets no figure). The apps are
// benches/apps/arena.ts (Howth, Bun, Deno) and arena-node.mjs (Node); the
// load is wrk.lua's request mixes (`howth bench http --mix`).
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ARENA_SCENARIOS } from "./lib.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DATASET_FILE = path.resolve(HERE, "../apps/arena-data.json");

// ---------------------------------------------------------------- answers (pure)

let dataset = null;
function items() {
  dataset ??= JSON.parse(readFileSync(DATASET_FILE, "utf8"));
  return dataset;
}

/** The body /json/n?m=m must answer, parsed. */
export function expectedJson(n, m, data = items()) {
  const list = data.slice(0, Math.max(0, Math.min(n, data.length))).map((it) => ({ ...it, total: it.price * it.quantity * m }));
  return { items: list, count: list.length };
}

/** Parses every complete HTTP/1.1 response in `buf` (Content-Length or chunked bodies). */
export function parseResponses(buf) {
  const out = [];
  let at = 0;
  for (;;) {
    const headEnd = buf.indexOf("\r\n\r\n", at);
    if (headEnd < 0) return { responses: out, rest: buf.subarray(at) };
    const head = buf.subarray(at, headEnd).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0])?.[1]);
    const headers = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let pos = headEnd + 4;
    let body;
    if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
      const parts = [];
      for (;;) {
        const lineEnd = buf.indexOf("\r\n", pos);
        if (lineEnd < 0) return { responses: out, rest: buf.subarray(at) };
        const size = parseInt(buf.subarray(pos, lineEnd).toString("latin1"), 16);
        if (buf.length < lineEnd + 2 + size + 2) return { responses: out, rest: buf.subarray(at) };
        if (size === 0) {
          // No trailers expected: the final CRLF follows the 0-size line.
          pos = lineEnd + 4;
          break;
        }
        parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        pos = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const len = Number(headers["content-length"] ?? 0);
      if (buf.length < pos + len) return { responses: out, rest: buf.subarray(at) };
      body = buf.subarray(pos, pos + len);
      pos += len;
    }
    out.push({ status, headers, body: body.toString("utf8") });
    at = pos;
  }
}

// ---------------------------------------------------------------- checks (I/O)

const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));

/**
 * Sends `pieces` (strings or Buffers) on one connection, `gapMs` apart, and
 * resolves with the first `count` responses, or rejects after `timeoutMs`.
 */
export function exchange(port, pieces, { count = 1, gapMs = 0, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms (got ${buf.length} bytes)`));
    }, timeoutMs);
    sock.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      const { responses } = parseResponses(buf);
      if (responses.length >= count) {
        clearTimeout(timer);
        sock.destroy();
        resolve(responses.slice(0, count));
      }
    });
    sock.on("connect", async () => {
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        sock.write(pieces[i]);
      }
    });
  });
}

function want(problems, what, res, status, body) {
  if (res.status !== status) problems.push(`${what}: status ${res.status}, want ${status}`);
  else if (body !== undefined && res.body !== body) problems.push(`${what}: body ${JSON.stringify(res.body.slice(0, 60))}, want ${JSON.stringify(body)}`);
}

const req = (method, target, headers = {}, body = "") =>
  `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
  Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
  (body && !headers["Transfer-Encoding"] ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : "") +
  `\r\n${body}`;

async function checkBaseline(port, problems, { close = false } = {}) {
  for (let i = 0; i < 3; i++) {
    const a = rand(1, 100000), b = rand(1, 100000), c = rand(1, 100000);
    const [get] = await exchange(port, [req("GET", `/baseline11?a=${a}&b=${b}`)]);
    want(problems, `GET a=${a} b=${b}`, get, 200, String(a + b));
    const [post] = await exchange(port, [req("POST", `/baseline11?a=${a}&b=${b}`, {}, String(c))]);
    want(problems, `POST a=${a} b=${b} c=${c}`, post, 200, String(a + b + c));
    const cs = String(c);
    const chunked = req("POST", `/baseline11?a=${a}&b=${b}`, { "Transfer-Encoding": "chunked" }) + `${cs.length.toString(16)}\r\n${cs}\r\n0\r\n\r\n`;
    const [ch] = await exchange(port, [chunked]);
    want(problems, `chunked POST a=${a} b=${b} c=${c}`, ch, 200, String(a + b + c));
  }
  // A request cut into segments 30 ms apart is still one request.
  const a = rand(1, 1000), b = rand(1, 1000);
  const whole = req("GET", `/baseline11?a=${a}&b=${b}`);
  const thirds = [whole.slice(0, 9), whole.slice(9, 30), whole.slice(30)];
  const [split] = await exchange(port, thirds, { gapMs: 30 });
  want(problems, "request split over 3 segments 30 ms apart", split, 200, String(a + b));
  if (close) {
    const [closing] = await exchange(port, [req("GET", `/baseline11?a=${a}&b=${b}`, { Connection: "close" })]);
    want(problems, "GET with Connection: close", closing, 200, String(a + b));
  }
}

async function checkPipelined(port, problems) {
  const rs = await exchange(port, [req("GET", "/pipeline").repeat(16)], { count: 16 });
  rs.forEach((r, i) => want(problems, `pipelined response ${i + 1}/16`, r, 200, "ok"));
}

async function checkJson(port, problems) {
  const pairs = [[1, 1], [7, 3], [25, 2], [50, 10], [rand(1, 50), rand(1, 10)]];
  for (const [n, m] of pairs) {
    const [r] = await exchange(port, [req("GET", `/json/${n}?m=${m}`)]);
    if (r.status !== 200) {
      problems.push(`/json/${n}?m=${m}: status ${r.status}`);
      continue;
    }
    if (!/^application\/json/.test(r.headers["content-type"] ?? "")) problems.push(`/json/${n}?m=${m}: content-type ${r.headers["content-type"]}`);
    let got;
    try {
      got = JSON.parse(r.body);
    } catch {
      problems.push(`/json/${n}?m=${m}: not JSON`);
      continue;
    }
    if (JSON.stringify(got) !== JSON.stringify(expectedJson(n, m))) problems.push(`/json/${n}?m=${m}: wrong items or totals`);
  }
}

async function checkUpload(port, problems) {
  for (const size of [500 * 1000, 2 * 1000 * 1000]) {
    const body = Buffer.alloc(size, 0x78);
    const head = `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`;
    const [r] = await exchange(port, [head, body]);
    want(problems, `upload of ${size} bytes`, r, 200, String(size));
  }
  // Chunked: no Content-Length to echo, the count must come from the bytes.
  const chunk = Buffer.alloc(64 * 1024, 0x79);
  const pieces = ["POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"];
  for (let i = 0; i < 5; i++) pieces.push(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]));
  pieces.push("0\r\n\r\n");
  const [r] = await exchange(port, pieces, { gapMs: 5 });
  want(problems, "chunked upload of 5 × 64 KiB", r, 200, String(5 * chunk.length));
}

async function checkAsync(port, problems) {
  const t0 = performance.now();
  const [r] = await exchange(port, [req("GET", "/delay/15")]);
  const ms = performance.now() - t0;
  want(problems, "GET /delay/15", r, 200, "ok");
  if (ms < 14) problems.push(`GET /delay/15 answered after ${ms.toFixed(1)} ms, before its 15 ms timer`);
}

/**
 * What the server does after answering a request that asked to close: it
 * must close (RFC 9112 9.6) and should say `Connection: close`. A server that
 * closes without saying so is correct, but wrk then reads the close as an
 * error; the harness excuses those errors (see summarizeCell).
 */
export function closeBehaviour(port, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ closes: false, saysClose: false });
    }, timeoutMs);
    sock.on("connect", () => sock.write(req("GET", "/baseline11?a=1&b=2", { Connection: "close" })));
    sock.on("data", (d) => (buf = Buffer.concat([buf, d])));
    sock.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on("end", () => {
      clearTimeout(timer);
      sock.destroy();
      const [res] = parseResponses(buf).responses;
      resolve({ closes: Boolean(res), saysClose: /close/i.test(res?.headers.connection ?? "") });
    });
  });
}

/**
 * Checks a running server against one profile. Returns the problems (empty
 * when right) and, for limited-conn, whether the server closes without
 * saying so (`silentClose`).
 */
export async function checkArena(port, scenario) {
  const problems = [];
  let silentClose = false;
  try {
    switch (ARENA_SCENARIOS[scenario]?.arena) {
      case "baseline": await checkBaseline(port, problems); break;
      case "limited": {
        await checkBaseline(port, problems, { close: true });
        const { closes, saysClose } = await closeBehaviour(port);
        if (!closes) problems.push("the connection stayed open after a request with Connection: close");
        silentClose = closes && !saysClose;
        break;
      }
      case "pipelined": await checkPipelined(port, problems); break;
      case "json": await checkJson(port, problems); break;
      case "upload": await checkUpload(port, problems); break;
      case "async": await checkAsync(port, problems); break;
      default: problems.push(`unknown profile ${scenario}`);
    }
  } catch (err) {
    problems.push(`request failed: ${err.message}`);
  }
  return { problems, silentClose };
}
