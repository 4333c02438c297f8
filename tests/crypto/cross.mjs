// Cross-verification between two runtimes for the randomized algorithms
// (and the key formats): each run makes keys, signatures and ciphertexts
// and writes them, with the public or private keys as JWK, SPKI and
// PKCS#8, to ./out.json; when ./peer.json (the other runtime's out.json)
// is there, it first checks every item in it and prints one line per
// check. tests/webcrypto.rs runs node, then howth on node's output, then
// node on howth's, and wants every line to end in "ok".

import { existsSync, readFileSync, writeFileSync } from "node:fs";

const subtle = globalThis.crypto.subtle;
const enc = new TextEncoder();
const b64 = (b) => btoa(String.fromCharCode(...new Uint8Array(b)));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const msg = enc.encode("cross-checked message");
const secret = enc.encode("a secret to encrypt");

/** [label, sign/verify algorithm, key import algorithm, generateKey params] */
const SIGNERS = [
  ["ECDSA P-256 SHA-256", { name: "ECDSA", hash: "SHA-256" }, { name: "ECDSA", namedCurve: "P-256" }],
  ["ECDSA P-256 SHA-512", { name: "ECDSA", hash: "SHA-512" }, { name: "ECDSA", namedCurve: "P-256" }],
  ["ECDSA P-384 SHA-384", { name: "ECDSA", hash: "SHA-384" }, { name: "ECDSA", namedCurve: "P-384" }],
  ["ECDSA P-521 SHA-512", { name: "ECDSA", hash: "SHA-512" }, { name: "ECDSA", namedCurve: "P-521" }],
  // Digests shorter than the curve (Howth pads them: ops/crypto/sign.rs).
  ["ECDSA P-521 SHA-256", { name: "ECDSA", hash: "SHA-256" }, { name: "ECDSA", namedCurve: "P-521" }],
  ["ECDSA P-384 SHA-1", { name: "ECDSA", hash: "SHA-1" }, { name: "ECDSA", namedCurve: "P-384" }],
  ["Ed25519", { name: "Ed25519" }, { name: "Ed25519" }],
  ["RSA-PSS SHA-256", { name: "RSA-PSS", saltLength: 32 }, { name: "RSA-PSS", hash: "SHA-256" }],
  ["RSASSA-PKCS1-v1_5 SHA-384", { name: "RSASSA-PKCS1-v1_5" }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" }],
];
const RSA_GEN = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
const FORMATS = ["jwk", "spki"];

function check(label, ok) {
  console.log(`${label}: ${ok ? "ok" : "FAILED"}`);
}

async function attempt(label, f) {
  try {
    check(label, await f());
  } catch (e) {
    console.log(`${label}: FAILED (${e?.name}: ${e?.message})`);
  }
}

const out = { signers: [], oaep: [], ecdh: [], x25519: [] };

async function make() {
  for (const [label, alg, keyAlg] of SIGNERS) {
    const params = keyAlg.name.startsWith("RSA") ? { ...keyAlg, ...RSA_GEN } : keyAlg;
    const { publicKey, privateKey } = await subtle.generateKey(params, true, ["sign", "verify"]);
    const sig = await subtle.sign(alg, privateKey, msg);
    out.signers.push({
      label,
      sig: b64(sig),
      jwk: await subtle.exportKey("jwk", publicKey),
      spki: b64(await subtle.exportKey("spki", publicKey)),
      pkcs8: b64(await subtle.exportKey("pkcs8", privateKey)),
      privJwk: await subtle.exportKey("jwk", privateKey),
    });
  }
  for (const hash of ["SHA-1", "SHA-256"]) {
    const { publicKey, privateKey } = await subtle.generateKey({ name: "RSA-OAEP", hash, ...RSA_GEN }, true, ["encrypt", "decrypt"]);
    const ct = await subtle.encrypt({ name: "RSA-OAEP" }, publicKey, secret);
    out.oaep.push({ hash, ct: b64(ct), pkcs8: b64(await subtle.exportKey("pkcs8", privateKey)), spki: b64(await subtle.exportKey("spki", publicKey)) });
  }
  for (const [name, keyAlg] of [["ECDH P-256", { name: "ECDH", namedCurve: "P-256" }], ["ECDH P-384", { name: "ECDH", namedCurve: "P-384" }], ["X25519", { name: "X25519" }]]) {
    const { publicKey, privateKey } = await subtle.generateKey(keyAlg, true, ["deriveBits"]);
    out.ecdh.push({ name, keyAlg, pub: b64(await subtle.exportKey("spki", publicKey)), priv: b64(await subtle.exportKey("pkcs8", privateKey)) });
  }
  writeFileSync("out.json", JSON.stringify(out));
}

async function checkPeer(peer) {
  for (const s of peer.signers) {
    const [, alg, keyAlg] = SIGNERS.find(([l]) => l === s.label);
    for (const f of FORMATS) {
      await attempt(`${s.label} verify peer signature, key as ${f}`, async () => {
        const pub = await subtle.importKey(f, f === "jwk" ? s.jwk : unb64(s.spki), keyAlg, true, ["verify"]);
        const good = await subtle.verify(alg, pub, unb64(s.sig), msg);
        const bad = await subtle.verify(alg, pub, unb64(s.sig), enc.encode("tampered"));
        return good && !bad;
      });
    }
    for (const f of ["pkcs8", "jwk"]) {
      await attempt(`${s.label} sign with peer private key as ${f}, peer public verifies`, async () => {
        const priv = await subtle.importKey(f, f === "jwk" ? s.privJwk : unb64(s.pkcs8), keyAlg, true, ["sign"]);
        const pub = await subtle.importKey("spki", unb64(s.spki), keyAlg, true, ["verify"]);
        return subtle.verify(alg, pub, await subtle.sign(alg, priv, msg), msg);
      });
    }
  }
  for (const o of peer.oaep) {
    await attempt(`RSA-OAEP ${o.hash} decrypt peer ciphertext`, async () => {
      const priv = await subtle.importKey("pkcs8", unb64(o.pkcs8), { name: "RSA-OAEP", hash: o.hash }, true, ["decrypt"]);
      return new TextDecoder().decode(await subtle.decrypt({ name: "RSA-OAEP" }, priv, unb64(o.ct))) === "a secret to encrypt";
    });
    await attempt(`RSA-OAEP ${o.hash} encrypt to peer key, peer private decrypts`, async () => {
      const pub = await subtle.importKey("spki", unb64(o.spki), { name: "RSA-OAEP", hash: o.hash }, true, ["encrypt"]);
      const priv = await subtle.importKey("pkcs8", unb64(o.pkcs8), { name: "RSA-OAEP", hash: o.hash }, true, ["decrypt"]);
      const ct = await subtle.encrypt({ name: "RSA-OAEP" }, pub, secret);
      return new TextDecoder().decode(await subtle.decrypt({ name: "RSA-OAEP" }, priv, ct)) === "a secret to encrypt";
    });
  }
  for (const e of peer.ecdh) {
    const mine = out.ecdh.find((m) => m.name === e.name);
    await attempt(`${e.name} agree with peer key`, async () => {
      const peerPub = await subtle.importKey("spki", unb64(e.pub), e.keyAlg, true, []);
      const peerPriv = await subtle.importKey("pkcs8", unb64(e.priv), e.keyAlg, true, ["deriveBits"]);
      const myPub = await subtle.importKey("spki", unb64(mine.pub), e.keyAlg, true, []);
      const myPriv = await subtle.importKey("pkcs8", unb64(mine.priv), e.keyAlg, true, ["deriveBits"]);
      const a = new Uint8Array(await subtle.deriveBits({ name: e.keyAlg.name, public: peerPub }, myPriv, null));
      const b = new Uint8Array(await subtle.deriveBits({ name: e.keyAlg.name, public: myPub }, peerPriv, null));
      return a.length > 0 && a.every((x, i) => x === b[i]);
    });
  }
}

await make();
if (existsSync("peer.json")) await checkPeer(JSON.parse(readFileSync("peer.json", "utf8")));
