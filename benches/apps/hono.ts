// Hono: one benchmark app, this same file on Howth (`howth run --port N`),
// Bun (`bun run`, port from PORT) and Deno (`deno serve --port N`). The
// scenarios are the harness's (benches/harness/README.md), routed by Hono's
// own router; hono is the version tests/npm's lockfile pins, found through
// a node_modules link the harness makes beside a copy of this file.
import { Hono } from "hono";

const PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

const app = new Hono();

app.get("/", (c) => c.text("Hi"));
app.get("/json", (c) => c.json(PAYLOAD));
// /users/:id?fields=a,b -> { id, fields }
app.get("/users/:id", (c) => {
  const fields = c.req.query("fields");
  return c.json({ id: c.req.param("id"), fields: fields ? fields.split(",") : [] });
});
app.get("/async", async (c) => c.text(await Promise.resolve("Hi")));
app.post("/echo", async (c) => c.body(await c.req.arrayBuffer(), 200, { "content-type": "application/octet-stream" }));

export default { fetch: app.fetch };
