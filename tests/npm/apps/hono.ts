// A Hono app with its cors and etag middleware and @hono/zod-validator,
// served by Howth (tests/npm.rs requests it over HTTP).
import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";

const app = new Hono();
app.use("/api/*", cors({ origin: "https://example.com" }));
app.use("/etag/*", etag());

app.get("/", (c) => c.text("Hello Hono"));
app.get("/api/users/:id", (c) => c.json({ id: Number(c.req.param("id")), name: "Ada" }));
app.get("/etag/doc", (c) => c.text("the same body every time"));
app.post(
  "/api/users",
  zValidator("json", z.object({ name: z.string().min(2), age: z.number().int() })),
  (c) => {
    const user = c.req.valid("json");
    return c.json({ created: user.name, nextAge: user.age + 1 }, 201);
  },
);

export default { fetch: app.fetch };
