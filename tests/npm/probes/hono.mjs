// Hono's router and middleware without a server: app.request().
import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
const app = new Hono();
app.use("*", cors());
app.use("*", etag());
app.get("/users/:id{[0-9]+}", (c) => c.json({ id: c.req.param("id") }));
app.notFound((c) => c.text("nope", 404));
const r1 = await app.request("/users/42");
const r2 = await app.request("/users/abc");
console.log(r1.status, await r1.text(), r1.headers.get("access-control-allow-origin"), r1.headers.get("etag"));
console.log(r2.status, await r2.text());
