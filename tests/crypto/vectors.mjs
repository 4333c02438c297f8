// Published test vectors (vectors/PROVENANCE.md) through crypto.subtle:
// one line per test, "ok" when the verification gives the expected result.
// tests/webcrypto.rs runs it under howth and node.
import { readFileSync } from "node:fs";

const subtle = globalThis.crypto.subtle;
const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
const v = JSON.parse(readFileSync(new URL("./vectors/wycheproof_subset.json", import.meta.url), "utf8"));

async function run(name, key, alg, tests) {
  for (const t of tests) {
    let got;
    try {
      got = (await subtle.verify(alg, key, unhex(t.sig), unhex(t.msg))) ? "valid" : "invalid";
    } catch (e) {
      got = `throws ${e.name}`;
    }
    console.log(`${name} tcId ${t.tcId}: ${got === t.result ? "ok" : `FAILED (${got}, want ${t.result})`}`);
  }
}

const ed = v.ed25519;
await run("Ed25519 (jwk)", await subtle.importKey("jwk", ed.publicKeyJwk, "Ed25519", true, ["verify"]), "Ed25519", ed.tests);
await run("Ed25519 (spki)", await subtle.importKey("spki", unhex(ed.publicKeyDer), "Ed25519", true, ["verify"]), "Ed25519", ed.tests);
const ec = v.ecdsa_p256_sha256_p1363;
const alg = { name: "ECDSA", namedCurve: "P-256" };
await run("ECDSA P-256 (spki)", await subtle.importKey("spki", unhex(ec.publicKeyDer), alg, true, ["verify"]), { name: "ECDSA", hash: "SHA-256" }, ec.tests);
await run("ECDSA P-256 (raw)", await subtle.importKey("raw", unhex(ec.uncompressed), alg, true, ["verify"]), { name: "ECDSA", hash: "SHA-256" }, ec.tests);
