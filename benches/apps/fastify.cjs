// Fastify: the harness's scenarios (benches/harness/README.md) as a
// Fastify app, the same file on Howth, Bun and Node (port from PORT).
// fastify is the version tests/npm-http's lockfile pins, found through a
// node_modules link the harness makes beside a copy of this file.
const fastify = require("fastify")({ logger: false });

const PAYLOAD = { message: "Hello, World!", n: 42, items: [1, 2, 3] };

fastify.addContentTypeParser("*", { parseAs: "buffer" }, (req, body, done) => done(null, body));

fastify.get("/", (req, reply) => reply.type("text/plain").send("Hi"));
fastify.get("/json", (req, reply) => reply.send(PAYLOAD));
// /users/:id?fields=a,b -> { id, fields }
fastify.get("/users/:id", (req, reply) => {
  const fields = req.query.fields;
  reply.send({ id: req.params.id, fields: fields ? String(fields).split(",") : [] });
});
fastify.get("/async", async (req, reply) => reply.type("text/plain").send(await Promise.resolve("Hi")));
fastify.post("/echo", (req, reply) => reply.type("application/octet-stream").send(req.body));

const port = Number(process.env.PORT ?? 3000);
fastify.listen({ port, host: "127.0.0.1" }, (err) => {
  if (err) throw err;
  console.log(`fastify listening on http://127.0.0.1:${port}/`);
});
