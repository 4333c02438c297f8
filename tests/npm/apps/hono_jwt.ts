// Hono's jwt middleware (hono/jwt) served by Howth: HS256 with a shared
// secret and ES256 with a public JWK. tests/npm.rs signs tokens under node
// with jose and requests the routes; /login issues a token signed here,
// which node verifies.
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { jwt, sign } from "hono/jwt";

const secret = "hono-jwt-test-secret-of-32-bytes!";
const es256 = JSON.parse(readFileSync(new URL("./jwt_es256_key.json", import.meta.url), "utf8"));

const app = new Hono();
app.use("/hs/*", jwt({ secret, alg: "HS256" }));
app.use("/es/*", jwt({ secret: es256.public, alg: "ES256" }));

const me = (c: { get: (k: "jwtPayload") => unknown; json: (v: unknown) => Response }) =>
  c.json({ payload: c.get("jwtPayload") });
app.get("/hs/me", me);
app.get("/es/me", me);
app.get("/login/:user", async (c) =>
  c.text(await sign({ sub: c.req.param("user"), exp: Math.floor(Date.now() / 1000) + 60 }, secret)),
);

export default { fetch: app.fetch };
