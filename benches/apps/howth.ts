// Howth: the benchmark app, in Howth's fastest idiomatic style (plain response
// objects). Scenarios are selected by path (see benches/harness/README.md).
// The port comes from `howth run --port N` or the PORT environment variable.

const TEXT = { "content-type": "text/plain;charset=utf-8" };
const JSON_TYPE = { "content-type": "application/json" };
const OCTETS = { "content-type": "application/octet-stream" };
const PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

// /users/:id?fields=a,b -> { id, fields }
function user(path: string, query: string) {
  const id = decodeURIComponent(path.slice(7));
  let fields: string[] = [];
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq) === "fields") {
      fields = decodeURIComponent(pair.slice(eq + 1)).split(",");
    }
  }
  return { headers: JSON_TYPE, body: JSON.stringify({ id, fields }) };
}

async function hiLater() {
  const text = await Promise.resolve("Hi");
  return { body: text };
}

async function echo(req: Request) {
  return { headers: OCTETS, body: await req.arrayBuffer() };
}

export default {
  hostname: "127.0.0.1",
  fetch(req: Request) {
    const url = req.url; // absolute: http://host:port/path?query
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const q = url.indexOf("?", start);
    const path = q < 0 ? url.slice(start) : url.slice(start, q);
    const query = q < 0 ? "" : url.slice(q + 1);

    if (req.method === "GET") {
      // A string body with no headers is sent as text/plain;charset=utf-8.
      if (path === "/") return { body: "Hi" };
      if (path === "/json") return { headers: JSON_TYPE, body: JSON.stringify(PAYLOAD) };
      if (path.startsWith("/users/")) return user(path, query);
      if (path === "/async") return hiLater();
    } else if (req.method === "POST" && path === "/echo") {
      return echo(req);
    }
    return { status: 404, headers: TEXT, body: "Not Found" };
  },
};
