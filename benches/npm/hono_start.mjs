// Start-up of a Hono app: import hono and its middleware, build the app,
// answer one request in-process, exit. The same file runs on every runtime.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";

const app = new Hono();
app.use("*", cors());
app.use("*", etag());
app.get("/users/:id", (c) => c.json({ id: c.req.param("id") }));
const res = await app.request("/users/1");
if (res.status !== 200) throw new Error(`status ${res.status}`);
