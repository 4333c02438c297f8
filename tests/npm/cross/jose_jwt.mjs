// jose across runtimes (tests/npm.rs): `make FILE` generates a key for each
// of HS256, ES256, RS256 and EdDSA, signs a token with it and writes the
// tokens with the keys moved out as JWK, PKCS#8 and SPKI; `check FILE`
// reads them back, verifies the tokens, signs new ones with the imported
// private keys and prints what it found. The test makes the file under one
// runtime and checks it under the other (and under the same), so a token
// howth signs is verified by node and the reverse, and the printed results
// of both runtimes must be equal.
import { readFileSync, writeFileSync } from "node:fs";
import * as jose from "jose";

const [mode, file] = process.argv.slice(2);
const algs = ["ES256", "RS256", "EdDSA"];
const claims = { sub: "user-7", role: "admin", iat: 1700000000 };
const hsSecret = new TextEncoder().encode("a shared secret of at least 32 bytes!");

async function make() {
  const out = { keys: {}, tokens: {} };
  for (const alg of algs) {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, {
      extractable: true,
      ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
    });
    out.keys[alg] = {
      pkcs8: await jose.exportPKCS8(privateKey),
      spki: await jose.exportSPKI(publicKey),
      jwk: await jose.exportJWK(publicKey),
      privateJwk: await jose.exportJWK(privateKey),
    };
    out.tokens[alg] = await sign(alg, privateKey);
  }
  out.tokens.HS256 = await sign("HS256", hsSecret);
  writeFileSync(file, JSON.stringify(out, null, 2));
  console.log("made", Object.keys(out.tokens).join(" "));
}

const sign = (alg, key, extra = {}) =>
  new jose.SignJWT({ ...claims, ...extra })
    .setProtectedHeader({ alg, typ: "JWT" })
    .setIssuer("howth-tests")
    .setExpirationTime(4102444800) // 2100-01-01
    .sign(key);

// A failure as the error code jose gives it, so both runtimes print alike.
const outcome = (p) =>
  p.then(
    (r) => `ok ${r.payload.sub} ${r.payload.role} ${r.protectedHeader.alg}`,
    (e) => `rejected ${e.code ?? e.name}`,
  );

function tamper(token) {
  const [h, p, s] = token.split(".");
  const flipped = s[5] === "A" ? "B" : "A";
  return [h, p, s.slice(0, 5) + flipped + s.slice(6)].join(".");
}

async function check() {
  const data = JSON.parse(readFileSync(file, "utf8"));
  const opts = { issuer: "howth-tests" };
  for (const alg of [...algs, "HS256"]) {
    const token = data.tokens[alg];
    let viaSpki, viaJwk, priv, privJwk;
    if (alg === "HS256") {
      viaSpki = viaJwk = priv = privJwk = hsSecret;
    } else {
      const k = data.keys[alg];
      viaSpki = await jose.importSPKI(k.spki, alg);
      viaJwk = await jose.importJWK(k.jwk, alg);
      priv = await jose.importPKCS8(k.pkcs8, alg);
      privJwk = await jose.importJWK(k.privateJwk, alg);
    }
    console.log(alg, "spki", await outcome(jose.jwtVerify(token, viaSpki, opts)));
    console.log(alg, "jwk", await outcome(jose.jwtVerify(token, viaJwk, opts)));
    console.log(alg, "tampered", await outcome(jose.jwtVerify(tamper(token), viaJwk, opts)));
    console.log(alg, "wrong issuer", await outcome(jose.jwtVerify(token, viaJwk, { issuer: "x" })));
    // Signed here with the imported private keys (PKCS#8 and JWK).
    const again = await sign(alg, priv, { role: "again" });
    console.log(alg, "re-signed", await outcome(jose.jwtVerify(again, viaSpki, opts)));
    const fromJwk = await sign(alg, privJwk, { role: "jwk" });
    console.log(alg, "jwk-signed", await outcome(jose.jwtVerify(fromJwk, viaSpki, opts)));
    // Deterministic algorithms give the same token in every runtime.
    if (alg !== "ES256") console.log(alg, "token", again);
    const expired = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg })
      .setExpirationTime(1700000001)
      .sign(priv);
    console.log(alg, "expired", await outcome(jose.jwtVerify(expired, viaSpki)));
  }
  const decoded = jose.decodeJwt(data.tokens.HS256);
  console.log("decoded", decoded.sub, decoded.exp, jose.decodeProtectedHeader(data.tokens.ES256).alg);
}

await (mode === "make" ? make() : check());
