// A Fastify app: JSON schema validation of body, params and query,
// hooks (onRequest, preHandler, onSend), a plugin with a prefix and a
// decorator, async handlers, reply.code/header, errors and 404s.
const fastify = require("fastify")({ logger: false });

fastify.addHook("onRequest", async (req, reply) => {
  reply.header("X-Hook", "onRequest");
});
fastify.addHook("onSend", async (req, reply, payload) => {
  reply.header("X-Sent", "yes");
  return payload;
});

fastify.register(
  async (api) => {
    api.decorate("greeting", "hi from plugin");
    api.addHook("preHandler", async (req) => {
      req.seen = "preHandler";
    });
    api.get("/hello", async (req) => ({ greeting: api.greeting, seen: req.seen }));
    api.post(
      "/items/:id",
      {
        schema: {
          params: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] },
          querystring: { type: "object", properties: { verbose: { type: "boolean" } } },
          body: {
            type: "object",
            properties: { name: { type: "string", minLength: 1 }, qty: { type: "integer", minimum: 1 } },
            required: ["name", "qty"],
          },
        },
      },
      async (req, reply) => {
        reply.code(201);
        return { id: req.params.id, verbose: req.query.verbose ?? false, item: req.body };
      },
    );
  },
  { prefix: "/api" },
);

fastify.get("/", async () => "hello fastify");
fastify.get("/json", async () => ({ hello: "world" }));
fastify.get("/teapot", async (req, reply) => {
  reply.code(418).header("X-Why", "tea");
  return { short: true };
});
fastify.get("/boom", async () => {
  throw new Error("fastify handler failed");
});

fastify.listen({ port: 0, host: "127.0.0.1" }, (err) => {
  if (err) throw err;
  console.log(`Listening on http://127.0.0.1:${fastify.server.address().port}/`);
});
