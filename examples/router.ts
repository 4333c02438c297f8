// Routing on the URL with nothing but the web API.
//
//   howth run examples/router.ts
//   curl localhost:3000/users/42?fields=name
//   curl -X POST localhost:3000/echo -H 'content-type: application/json' -d '{"a":1}'

type Params = Record<string, string>;
type Route = {
  method: string;
  pattern: RegExp;
  handle: (req: Request, params: Params, url: URL) => Response | Promise<Response>;
};

const users = new Map([
  ["1", { id: "1", name: "Ada", email: "ada@example.com" }],
  ["42", { id: "42", name: "Grace", email: "grace@example.com" }],
]);

const routes: Route[] = [
  { method: "GET", pattern: /^\/$/, handle: () => new Response("Howth router example\n") },
  {
    method: "GET",
    pattern: /^\/users\/(?<id>[^/]+)$/,
    handle: (_req, { id }, url) => {
      const user = users.get(id);
      if (!user) return Response.json({ error: `no user ${id}` }, { status: 404 });
      // ?fields=name,email picks fields.
      const fields = url.searchParams.get("fields")?.split(",");
      const shown = fields ? Object.fromEntries(fields.map((f) => [f, user[f as keyof typeof user]])) : user;
      return Response.json(shown);
    },
  },
  {
    method: "POST",
    pattern: /^\/echo$/,
    handle: async (req) => {
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        return Response.json({ error: "body is not JSON" }, { status: 400 });
      }
      return Response.json({ received: body });
    },
  },
];

export default {
  fetch(req: Request): Response | Promise<Response> {
    const url = new URL(req.url);
    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      // HEAD is answered like GET (the server drops the body).
      if (route.method !== req.method && !(req.method === "HEAD" && route.method === "GET")) {
        pathMatched = true;
        continue;
      }
      return route.handle(req, match.groups ?? {}, url);
    }
    return pathMatched ? new Response("Method Not Allowed\n", { status: 405 }) : new Response("Not Found\n", { status: 404 });
  },
} satisfies Howth.ServeExport;
