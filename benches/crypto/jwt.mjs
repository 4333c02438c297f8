// JWT verification with crypto.subtle, the same file on every runtime:
// HS256 (HMAC-SHA256) and ES256 (ECDSA P-256) tokens made once, then
// verified in a loop for about a second each, as a server's auth
// middleware does per request: split, base64url-decode the signature,
// subtle.verify, parse the claims ("-jwt" cases), and subtle.verify alone
// on bytes decoded once ("-verify" cases: the crypto without atob and
// TextEncoder), and ES256 signing ("ES256-sign"). Prints "case ops/s"
// lines.
const enc = new TextEncoder();
const subtle = globalThis.crypto.subtle;
const b64url = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const SECONDS = Number(globalThis.process?.env?.BENCH_SECONDS ?? 1);

async function token(alg, key, signAlg) {
  const head = b64url(enc.encode(JSON.stringify({ alg, typ: "JWT" })));
  const claims = b64url(enc.encode(JSON.stringify({ sub: "user-42", iat: 1700000000, exp: 4100000000, role: "admin" })));
  const sig = await subtle.sign(signAlg, key, enc.encode(`${head}.${claims}`));
  return `${head}.${claims}.${b64url(sig)}`;
}

async function verify(jwt, key, alg) {
  const dot = jwt.lastIndexOf(".");
  const ok = await subtle.verify(alg, key, unb64url(jwt.slice(dot + 1)), enc.encode(jwt.slice(0, dot)));
  if (!ok) throw new Error("bad signature");
  return JSON.parse(atob(jwt.slice(jwt.indexOf(".") + 1, dot).replace(/-/g, "+").replace(/_/g, "/")));
}

async function rate(name, once) {
  for (let i = 0; i < 200; i++) await once(); // warm up the JIT
  let n = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) await once();
    n += 100;
    now = performance.now();
  }
  console.log(`${name} ${Math.round((n * 1000) / (now - start))}`);
}

async function cases(name, jwt, key, alg) {
  await rate(`${name}-jwt`, () => verify(jwt, key, alg));
  const dot = jwt.lastIndexOf(".");
  const sig = unb64url(jwt.slice(dot + 1));
  const signed = enc.encode(jwt.slice(0, dot));
  await rate(`${name}-verify`, async () => {
    if (!(await subtle.verify(alg, key, sig, signed))) throw new Error("bad signature");
  });
}

const hmac = await subtle.importKey("raw", enc.encode("a-secret-that-is-32-bytes-long!!"), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
await cases("HS256", await token("HS256", hmac, "HMAC"), hmac, "HMAC");
const ec = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
const es = { name: "ECDSA", hash: "SHA-256" };
await cases("ES256", await token("ES256", ec.privateKey, es), ec.publicKey, es);
// Signing, as a server issuing tokens does (ECDSA signatures are randomized).
const claims = enc.encode("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0");
await rate("ES256-sign", () => subtle.sign(es, ec.privateKey, claims));
