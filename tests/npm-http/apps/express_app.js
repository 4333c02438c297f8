// One Express app for Express 4 (express4.js) and Express 5 (express5.js):
// body parsers, a router with params, cookies, redirects, express.static
// with ETag and 304, error middleware, and errors thrown in async handlers.
const path = require("path");
const cookieParser = require("cookie-parser");

module.exports = function build(express, major) {
  const app = express();
  app.use(cookieParser("secret"));
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  app.use("/static", express.static(path.join(__dirname, "public")));

  app.get("/", (req, res) => res.send("hello express"));
  app.get("/json", (req, res) => res.json({ hello: "world", major }));

  const users = express.Router();
  users.get("/:id", (req, res) => res.json({ id: req.params.id, q: req.query }));
  users.post("/:id/items/:item", (req, res) => {
    res.status(201).json({ id: req.params.id, item: req.params.item, body: req.body });
  });
  app.use("/users", users);

  app.post("/form", (req, res) => res.type("text").send(`name=${req.body.name} age=${req.body.age}`));
  app.get("/cookies", (req, res) => {
    res.cookie("visited", "yes", { httpOnly: true, path: "/" });
    res.cookie("signed", "s1", { signed: true });
    res.json({ cookies: req.cookies, signed: req.signedCookies });
  });
  app.get("/old", (req, res) => res.redirect("/new"));
  app.get("/moved", (req, res) => res.redirect(301, "/json"));
  app.get("/headers", (req, res) => {
    res.set({ "X-One": "1", "X-Two": "2" }).append("X-Two", "3");
    res.status(202).send({ ip: req.ip, host: req.hostname, proto: req.protocol, xhr: req.xhr, ua: req.get("user-agent") });
  });
  app.get("/sync-error", () => {
    throw new Error("sync failure");
  });
  app.get("/async-error", async (req, res, next) => {
    await Promise.resolve();
    const err = new Error("async failure");
    err.status = 418;
    // Express 5 catches a rejected promise itself; Express 4 needs next(err).
    if (major >= 5) throw err;
    next(err);
  });
  app.get("/send-buffer", (req, res) => res.send(Buffer.from("bytes!")));
  app.get("/end", (req, res) => {
    res.write("part1 ");
    setTimeout(() => res.end("part2"), 2);
  });
  app.use((req, res) => res.status(404).send(`not found: ${req.path}`));
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    // A body parser's JSON.parse message is the engine's own wording (V8
    // versions differ), so a parse failure reports its type instead.
    const error = err.type === "entity.parse.failed" ? "invalid JSON body" : err.message;
    res.status(err.status || 500).json({ error, type: err.type });
  });
  return app;
};
