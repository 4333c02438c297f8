// The benchmark app with `routes` (Bun.serve's table, matched natively by
// both runtimes) instead of routing in fetch: the same answers as bun.ts
// and howth-web.ts, which route in JS. One file for both runtimes: each
// serves the default export (Bun on $PORT, Howth on --port).

const TEXT = { "content-type": "text/plain;charset=utf-8" };
const OCTETS = { "content-type": "application/octet-stream" };
const PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

/** The `fields` query parameter of a request URL, split on commas. */
function fields(url: string): string[] {
  const q = url.indexOf("?");
  if (q < 0) return [];
  for (const pair of url.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq) === "fields") return decodeURIComponent(pair.slice(eq + 1)).split(",");
  }
  return [];
}

type Routed = Request & { params: Record<string, string> };

export default {
  hostname: "127.0.0.1",
  routes: {
    "/": new Response("Hi", { headers: TEXT }),
    "/json": () => Response.json(PAYLOAD),
    "/users/:id": (req: Routed) => Response.json({ id: req.params.id, fields: fields(req.url) }),
    "/async": async () => new Response(await Promise.resolve("Hi"), { headers: TEXT }),
    "/echo": { POST: (req: Request) => req.arrayBuffer().then((body) => new Response(body, { headers: OCTETS })) },
  },
  fetch() {
    return new Response("Not Found", { status: 404 });
  },
};
