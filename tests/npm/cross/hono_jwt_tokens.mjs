// The other side of apps/hono_jwt.ts, run under node by tests/npm.rs:
// `tokens` prints, as JSON, tokens signed here with jose for the app's
// HS256 secret and ES256 key (valid, expired, tampered, signed with
// another key); `verify TOKEN` verifies a token the app issued.
import { readFileSync } from "node:fs";
import * as jose from "jose";

const key = JSON.parse(readFileSync(new URL("../apps/jwt_es256_key.json", import.meta.url), "utf8"));
const secret = new TextEncoder().encode("hono-jwt-test-secret-of-32-bytes!");
const now = Math.floor(Date.now() / 1000);
const [mode, arg] = process.argv.slice(2);

const sign = (alg, k, claims, exp) =>
  new jose.SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).setExpirationTime(exp).sign(k);

if (mode === "tokens") {
  const es = await jose.importJWK(key.private, "ES256");
  const other = (await jose.generateKeyPair("ES256")).privateKey;
  const hs = await sign("HS256", secret, { sub: "bob", role: "reader" }, now + 300);
  const tampered = hs.slice(0, -4) + (hs.endsWith("AAAA") ? "BBBB" : "AAAA");
  console.log(
    JSON.stringify({
      hs,
      es: await sign("ES256", es, { sub: "ada", role: "admin" }, now + 300),
      hsExpired: await sign("HS256", secret, { sub: "bob" }, now - 300),
      esExpired: await sign("ES256", es, { sub: "ada" }, now - 300),
      hsTampered: tampered,
      esOtherKey: await sign("ES256", other, { sub: "mallory" }, now + 300),
      hsWrongSecret: await sign("HS256", new TextEncoder().encode("x".repeat(32)), { sub: "bob" }, now + 300),
    }),
  );
} else {
  const { payload } = await jose.jwtVerify(arg, secret);
  console.log(payload.sub, payload.exp > now);
}
