// Express 4: the harness's scenarios (benches/harness/README.md) as an
// Express app, the same file on Howth, Bun and Node (port from PORT).
// express is the version tests/npm-http's lockfile pins, found through a
// node_modules link the harness makes beside a copy of this file.
const express = require("express");

const PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

const app = express();
app.disable("x-powered-by");
app.disable("etag");

app.get("/", (req, res) => res.type("text/plain").send("Hi"));
app.get("/json", (req, res) => res.json(PAYLOAD));
// /users/:id?fields=a,b -> { id, fields }
app.get("/users/:id", (req, res) => {
  const fields = req.query.fields;
  res.json({ id: req.params.id, fields: fields ? String(fields).split(",") : [] });
});
app.get("/async", async (req, res) => res.type("text/plain").send(await Promise.resolve("Hi")));
app.post("/echo", express.raw({ type: () => true, limit: "1mb" }), (req, res) => {
  res.type("application/octet-stream").send(req.body);
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, "127.0.0.1", () => console.log(`express listening on http://127.0.0.1:${port}/`));
