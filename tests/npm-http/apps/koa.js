// A Koa app: middleware in order (timing header, error handler), ctx.body
// as text, JSON, a Buffer and a stream, ctx.throw, redirects, cookies.
const Koa = require("koa");
const { Readable } = require("stream");
const fs = require("fs");
const path = require("path");

const app = new Koa();

app.use(async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    ctx.status = err.status || 500;
    ctx.body = { error: err.message, expose: err.expose };
  }
});

app.use(async (ctx, next) => {
  ctx.set("X-Order", "outer-before");
  await next();
  ctx.append("X-Order", "outer-after");
});

app.use(async (ctx) => {
  switch (ctx.path) {
    case "/":
      ctx.body = "hello koa";
      return;
    case "/json":
      ctx.body = { method: ctx.method, query: ctx.query, ua: ctx.get("user-agent") };
      return;
    case "/buffer":
      ctx.type = "application/octet-stream";
      ctx.body = Buffer.from([1, 2, 3, 4]);
      return;
    case "/stream":
      ctx.type = "text/plain";
      ctx.body = Readable.from(["chunk1 ", "chunk2 ", "chunk3"]);
      return;
    case "/file":
      ctx.type = "text/plain";
      ctx.body = fs.createReadStream(path.join(__dirname, "public", "hello.txt"));
      return;
    case "/echo": {
      const chunks = [];
      for await (const c of ctx.req) chunks.push(c);
      ctx.body = { got: Buffer.concat(chunks).toString(), type: ctx.is("json") };
      return;
    }
    case "/teapot":
      ctx.throw(418, "short and stout");
      return;
    case "/crash":
      throw new Error("koa handler failed");
    case "/go":
      ctx.redirect("/json");
      return;
    case "/cookie":
      ctx.cookies.set("k", "v", { httpOnly: true });
      ctx.body = `cookie a=${ctx.cookies.get("a")}`;
      return;
    case "/empty":
      ctx.status = 204;
      return;
  }
});

const server = app.listen(0, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}/`);
});
