// Node.js: the benchmark app on node:http. Scenarios are selected by path
// (see benches/harness/README.md).
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 3000);

const TEXT = { "content-type": "text/plain;charset=utf-8" };
const JSON_TYPE = { "content-type": "application/json" };
const OCTETS = { "content-type": "application/octet-stream" };
const PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

function send(res, status, headers, body) {
  // An explicit Content-Length, like the other runtimes send (else node:http chunks).
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

// /users/:id?fields=a,b -> { id, fields }
function user(res, path, query) {
  const id = decodeURIComponent(path.slice(7));
  let fields = [];
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq) === "fields") {
      fields = decodeURIComponent(pair.slice(eq + 1)).split(",");
    }
  }
  send(res, 200, JSON_TYPE, JSON.stringify({ id, fields }));
}

async function hiLater(res) {
  const text = await Promise.resolve("Hi");
  send(res, 200, TEXT, text);
}

function echo(req, res) {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => send(res, 200, OCTETS, Buffer.concat(chunks)));
}

const server = createServer((req, res) => {
  const url = req.url; // path and query only: /path?query
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1);

  if (req.method === "GET") {
    if (path === "/") return send(res, 200, TEXT, "Hi");
    if (path === "/json") return send(res, 200, JSON_TYPE, JSON.stringify(PAYLOAD));
    if (path.startsWith("/users/")) return user(res, path, query);
    if (path === "/async") return void hiLater(res);
  } else if (req.method === "POST" && path === "/echo") {
    return echo(req, res);
  }
  send(res, 404, TEXT, "Not Found");
});

server.listen(port, "127.0.0.1", () => console.log(`node listening on http://127.0.0.1:${port}`));
