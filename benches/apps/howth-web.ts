// Howth running the Bun app's handler as it is: web-standard Request and
// Response (new Response, Response.json) instead of Howth's plain objects,
// to show what the web API costs next to the plain-object path (howth.ts).
// Scenarios are selected by path (see benches/harness/README.md). The port
// comes from `howth run --port N` or the PORT environment variable.

const TEXT = { "content-type": "text/plain;charset=utf-8" };
const OCTETS = { "content-type": "application/octet-stream" };
const PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

// /users/:id?fields=a,b -> { id, fields }
function user(path: string, query: string): Response {
  const id = decodeURIComponent(path.slice(7));
  let fields: string[] = [];
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq) === "fields") {
      fields = decodeURIComponent(pair.slice(eq + 1)).split(",");
    }
  }
  return Response.json({ id, fields });
}

async function hiLater(): Promise<Response> {
  const text = await Promise.resolve("Hi");
  return new Response(text, { headers: TEXT });
}

export default {
  hostname: "127.0.0.1",
  fetch(req: Request): Response | Promise<Response> {
    const url = req.url; // absolute: http://host:port/path?query
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const q = url.indexOf("?", start);
    const path = q < 0 ? url.slice(start) : url.slice(start, q);
    const query = q < 0 ? "" : url.slice(q + 1);

    if (req.method === "GET") {
      if (path === "/") return new Response("Hi", { headers: TEXT });
      if (path === "/json") return Response.json(PAYLOAD);
      if (path.startsWith("/users/")) return user(path, query);
      if (path === "/async") return hiLater();
    } else if (req.method === "POST" && path === "/echo") {
      return req.arrayBuffer().then((body) => new Response(body, { headers: OCTETS }));
    }
    return new Response("Not Found", { status: 404 });
  },
};
