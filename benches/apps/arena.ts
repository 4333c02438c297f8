// The HttpArena-style profiles of `make bench-arena` (benches/harness/README.md),
// one web-standard file run unchanged by Howth (`howth run`), Bun (`bun run`)
// and Deno (`deno serve`); benches/apps/arena-node.mjs is the same app on
// node:http. Every answer depends on the request, so nothing can be cached.
import { readFileSync } from "node:fs";

interface Item {
  id: number;
  name: string;
  category: string;
  price: number;
  quantity: number;
  active: boolean;
  tags: string[];
  rating: { score: number; count: number };
}

// Loaded once at start, as the profile requires.
const DATASET: Item[] = JSON.parse(readFileSync(new URL("./arena-data.json", import.meta.url), "utf8"));

const TEXT = { "content-type": "text/plain" };
const JSON_TYPE = { "content-type": "application/json" };

/** The integer value of `name` in a query string, 0 when absent or not a number. */
function queryInt(query: string, name: string): number {
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq) === name) return parseInt(pair.slice(eq + 1), 10) || 0;
  }
  return 0;
}

/** The first n items, each with total = price * quantity * m, and the count. */
function jsonItems(n: number, m: number): Response {
  const items = DATASET.slice(0, Math.max(0, Math.min(n, DATASET.length))).map((it) => ({
    ...it,
    total: it.price * it.quantity * m,
  }));
  return new Response(JSON.stringify({ items, count: items.length }), { headers: JSON_TYPE });
}

/** Counts the upload's bytes as they stream in; never trusts Content-Length. */
async function countUpload(req: Request): Promise<Response> {
  let received = 0;
  if (req.body) {
    for await (const chunk of req.body) received += chunk.byteLength;
  }
  return new Response(String(received), { headers: TEXT });
}

async function baselinePost(query: string, req: Request): Promise<Response> {
  const c = parseInt(await req.text(), 10) || 0;
  return new Response(String(queryInt(query, "a") + queryInt(query, "b") + c), { headers: TEXT });
}

function delayed(ms: number): Promise<Response> {
  return new Promise((resolve) => setTimeout(() => resolve(new Response("ok", { headers: TEXT })), ms));
}

export default {
  port: Number(globalThis.process?.env.PORT ?? 3000),
  hostname: "127.0.0.1",
  // 20 MB uploads: above Howth's and under Bun's default body limits.
  maxBodyBytes: 64 * 1024 * 1024,
  maxRequestBodySize: 64 * 1024 * 1024,
  fetch(req: Request): Response | Promise<Response> {
    const url = req.url; // absolute: http://host:port/path?query
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const q = url.indexOf("?", start);
    const path = q < 0 ? url.slice(start) : url.slice(start, q);
    const query = q < 0 ? "" : url.slice(q + 1);

    if (path === "/baseline11") {
      if (req.method === "POST") return baselinePost(query, req);
      return new Response(String(queryInt(query, "a") + queryInt(query, "b")), { headers: TEXT });
    }
    if (path === "/pipeline") return new Response("ok", { headers: TEXT });
    if (path.startsWith("/json/")) return jsonItems(parseInt(path.slice(6), 10) || 0, queryInt(query, "m"));
    if (path === "/upload" && req.method === "POST") return countUpload(req);
    if (path.startsWith("/delay/")) return delayed(parseInt(path.slice(7), 10) || 0);
    return new Response("Not Found", { status: 404, headers: TEXT });
  },
};
