// benches/apps/arena.ts's profiles on node:http, for Node (the same answers,
// checked by the same harness code). Port from PORT.
import { readFileSync } from "node:fs";
import http from "node:http";

const DATASET = JSON.parse(readFileSync(new URL("./arena-data.json", import.meta.url), "utf8"));
const TEXT = { "content-type": "text/plain" };
const JSON_TYPE = { "content-type": "application/json" };

function queryInt(query, name) {
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq) === name) return parseInt(pair.slice(eq + 1), 10) || 0;
  }
  return 0;
}

function send(res, status, headers, body) {
  res.writeHead(status, headers);
  res.end(body);
}

/** Calls back with the body's byte count and text, read as it streams in. */
function readBody(req, done) {
  const chunks = [];
  let received = 0;
  req.on("data", (c) => {
    received += c.length;
    if (chunks.length < 4) chunks.push(c); // small bodies only are parsed as text
  });
  req.on("end", () => done(received, Buffer.concat(chunks).toString("utf8")));
}

http
  .createServer((req, res) => {
    const q = req.url.indexOf("?");
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query = q < 0 ? "" : req.url.slice(q + 1);

    if (path === "/baseline11") {
      const ab = queryInt(query, "a") + queryInt(query, "b");
      if (req.method !== "POST") return send(res, 200, TEXT, String(ab));
      return readBody(req, (_n, text) => send(res, 200, TEXT, String(ab + (parseInt(text, 10) || 0))));
    }
    if (path === "/pipeline") return send(res, 200, TEXT, "ok");
    if (path.startsWith("/json/")) {
      const n = parseInt(path.slice(6), 10) || 0;
      const m = queryInt(query, "m");
      const items = DATASET.slice(0, Math.max(0, Math.min(n, DATASET.length))).map((it) => ({
        ...it,
        total: it.price * it.quantity * m,
      }));
      return send(res, 200, JSON_TYPE, JSON.stringify({ items, count: items.length }));
    }
    if (path === "/upload" && req.method === "POST") return readBody(req, (n) => send(res, 200, TEXT, String(n)));
    if (path.startsWith("/delay/")) {
      const ms = parseInt(path.slice(7), 10) || 0;
      return setTimeout(() => send(res, 200, TEXT, "ok"), ms);
    }
    send(res, 404, TEXT, "Not Found");
  })
  .listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
