// Web Crypto probes with deterministic output: run under node and under
// howth, the two outputs must be identical line for line (tests/webcrypto.rs).
// Fixed keys, IVs and inputs; randomized algorithms (ECDSA, RSA-PSS,
// RSA-OAEP) print only what does not depend on the randomness (lengths,
// verify results, round trips). Errors print their name.

const subtle = globalThis.crypto.subtle;
const enc = new TextEncoder();
const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (n, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff);
const sorted = (o) => JSON.stringify(o, Object.keys(o).sort());

async function probe(label, f) {
  try {
    const v = await f();
    console.log(`${label}: ${v}`);
  } catch (e) {
    console.log(`${label}: throws ${e?.name}`);
  }
}

const msg = enc.encode("The quick brown fox jumps over the lazy dog");

// ---- digest ---------------------------------------------------------------
for (const h of ["SHA-1", "SHA-256", "SHA-384", "SHA-512", "sha-256"]) {
  await probe(`digest ${h}`, async () => hex(await subtle.digest(h, msg)));
}
await probe("digest 100 KiB (pool)", async () => hex(await subtle.digest("SHA-256", bytes(100 * 1024))));
await probe("digest MD5", () => subtle.digest("MD5", msg));
await probe("digest no data", () => subtle.digest("SHA-256"));
await probe("digest string data", () => subtle.digest("SHA-256", "abc"));

// ---- HMAC -----------------------------------------------------------------
for (const h of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
  await probe(`HMAC ${h}`, async () => {
    const k = await subtle.importKey("raw", bytes(32, 1), { name: "HMAC", hash: h }, true, ["sign", "verify"]);
    const sig = await subtle.sign("HMAC", k, msg);
    const ok = await subtle.verify("HMAC", k, sig, msg);
    const bad = await subtle.verify("HMAC", k, sig, enc.encode("x"));
    return `${hex(sig)} ${ok} ${bad} ${k.algorithm.length} ${k.algorithm.hash.name}`;
  });
}
await probe("HMAC key shape", async () => {
  const k = await subtle.importKey("raw", bytes(20), { name: "hmac", hash: "sha-256" }, false, ["verify", "sign", "sign"]);
  return `${k.type} ${k.extractable} ${k.algorithm.name} ${k.usages.join(",")} ${Object.prototype.toString.call(k)}`;
});
await probe("HMAC jwk export", async () => {
  const k = await subtle.importKey("raw", bytes(16), { name: "HMAC", hash: "SHA-384" }, true, ["sign"]);
  return sorted(await subtle.exportKey("jwk", k));
});
await probe("HMAC jwk import", async () => {
  const k = await subtle.importKey("jwk", { kty: "oct", k: "AAECAwQFBgcICQoLDA0ODw", alg: "HS256" }, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  return hex(await subtle.sign("HMAC", k, msg));
});
await probe("HMAC jwk wrong alg", () =>
  subtle.importKey("jwk", { kty: "oct", k: "AAECAwQFBgcICQoLDA0ODw", alg: "HS512" }, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]));
await probe("HMAC empty usages", () => subtle.importKey("raw", bytes(16), { name: "HMAC", hash: "SHA-256" }, true, []));
await probe("HMAC bad usage", () => subtle.importKey("raw", bytes(16), { name: "HMAC", hash: "SHA-256" }, true, ["encrypt"]));
await probe("HMAC no hash", () => subtle.importKey("raw", bytes(16), { name: "HMAC" }, true, ["sign"]));
await probe("HMAC sign without usage", async () => {
  const k = await subtle.importKey("raw", bytes(16), { name: "HMAC", hash: "SHA-256" }, true, ["verify"]);
  return subtle.sign("HMAC", k, msg);
});
await probe("HMAC generate default length", async () => {
  const k = await subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["sign"]);
  return `${k.algorithm.length} ${(await subtle.exportKey("raw", k)).byteLength}`;
});
await probe("non-extractable export", async () => {
  const k = await subtle.importKey("raw", bytes(16), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  // Node 20 names this "InvalidAccessException" (a typo in its
  // lib/internal/crypto/keys.js); the specification, Deno, Bun and Howth
  // say InvalidAccessError. The probe accepts exactly these two.
  return subtle.exportKey("raw", k).catch((e) => {
    throw { name: e.name === "InvalidAccessException" ? "InvalidAccessError" : e.name };
  });
});
await probe("unknown algorithm", () => subtle.importKey("raw", bytes(16), { name: "FOO" }, true, ["sign"]));
await probe("bad format", () => subtle.importKey("der", bytes(16), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]));

// ---- AES ------------------------------------------------------------------
const iv12 = bytes(12, 3);
const iv16 = bytes(16, 5);
for (const bits of [128, 192, 256]) {
  const raw = bytes(bits / 8, bits);
  await probe(`AES-GCM-${bits}`, async () => {
    const k = await subtle.importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
    const ct = await subtle.encrypt({ name: "AES-GCM", iv: iv12, additionalData: enc.encode("hdr") }, k, msg);
    const pt = await subtle.decrypt({ name: "AES-GCM", iv: iv12, additionalData: enc.encode("hdr") }, k, ct);
    return `${hex(ct)} ${new TextDecoder().decode(pt) === "The quick brown fox jumps over the lazy dog"}`;
  });
  await probe(`AES-CBC-${bits}`, async () => {
    const k = await subtle.importKey("raw", raw, { name: "AES-CBC" }, true, ["encrypt", "decrypt"]);
    const ct = await subtle.encrypt({ name: "AES-CBC", iv: iv16 }, k, msg);
    const pt = await subtle.decrypt({ name: "AES-CBC", iv: iv16 }, k, ct);
    return `${hex(ct)} ${hex(pt) === hex(msg)}`;
  });
  await probe(`AES-CTR-${bits}`, async () => {
    const k = await subtle.importKey("raw", raw, "AES-CTR", true, ["encrypt", "decrypt"]);
    const ct = await subtle.encrypt({ name: "AES-CTR", counter: iv16, length: 64 }, k, msg);
    const pt = await subtle.decrypt({ name: "AES-CTR", counter: iv16, length: 64 }, k, ct);
    return `${hex(ct)} ${hex(pt) === hex(msg)}`;
  });
  await probe(`AES-KW-${bits}`, async () => {
    const kek = await subtle.importKey("raw", raw, "AES-KW", true, ["wrapKey", "unwrapKey"]);
    const inner = await subtle.importKey("raw", bytes(32, 9), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
    const wrapped = await subtle.wrapKey("raw", inner, kek, "AES-KW");
    const back = await subtle.unwrapKey("raw", wrapped, kek, "AES-KW", { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
    return `${hex(wrapped)} ${hex(await subtle.exportKey("raw", back))}`;
  });
}
await probe("AES-GCM tag lengths", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-GCM", false, ["encrypt"]);
  const out = [];
  for (const t of [32, 64, 96, 104, 112, 120, 128]) out.push((await subtle.encrypt({ name: "AES-GCM", iv: iv12, tagLength: t }, k, msg)).byteLength);
  return out.join(",");
});
for (const tagLength of [32, 64]) {
  await probe(`AES-GCM ${tagLength}-bit tag`, async () => {
    const k = await subtle.importKey("raw", bytes(16), "AES-GCM", false, ["encrypt", "decrypt"]);
    const params = { name: "AES-GCM", iv: iv12, additionalData: enc.encode("hdr"), tagLength };
    const ct = new Uint8Array(await subtle.encrypt(params, k, msg));
    const pt = await subtle.decrypt(params, k, ct);
    ct[ct.length - 1] ^= 1;
    const tampered = await subtle.decrypt(params, k, ct).then(() => "accepted", (e) => e.name);
    return `${hex(ct.slice(0, -1))} ${new TextDecoder().decode(pt)} ${tampered}`;
  });
}
await probe("AES-GCM 16-byte IV", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-GCM", false, ["encrypt"]);
  return hex(await subtle.encrypt({ name: "AES-GCM", iv: iv16 }, k, msg));
});
await probe("AES-GCM bad tag length", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-GCM", false, ["encrypt"]);
  return subtle.encrypt({ name: "AES-GCM", iv: iv12, tagLength: 100 }, k, msg);
});
await probe("AES-GCM tampered", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-GCM", false, ["encrypt", "decrypt"]);
  const ct = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: iv12 }, k, msg));
  ct[3] ^= 1;
  return subtle.decrypt({ name: "AES-GCM", iv: iv12 }, k, ct);
});
await probe("AES-GCM no iv", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-GCM", false, ["encrypt"]);
  return subtle.encrypt({ name: "AES-GCM" }, k, msg);
});
await probe("AES-CBC bad padding", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-CBC", false, ["decrypt"]);
  return subtle.decrypt({ name: "AES-CBC", iv: iv16 }, k, bytes(32));
});
await probe("AES-CBC short iv", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-CBC", false, ["encrypt"]);
  return subtle.encrypt({ name: "AES-CBC", iv: iv12 }, k, msg);
});
await probe("AES-CTR counter wrap", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-CTR", false, ["encrypt"]);
  const counter = new Uint8Array(16).fill(0xff);
  return hex(await subtle.encrypt({ name: "AES-CTR", counter, length: 8 }, k, bytes(48)));
});
await probe("AES bad key length", () => subtle.importKey("raw", bytes(20), "AES-GCM", true, ["encrypt"]));
await probe("AES wrong algorithm key", async () => {
  const k = await subtle.importKey("raw", bytes(16), "AES-CBC", false, ["encrypt"]);
  return subtle.encrypt({ name: "AES-GCM", iv: iv12 }, k, msg);
});
await probe("AES jwk", async () => {
  const k = await subtle.importKey("raw", bytes(32), "AES-GCM", true, ["encrypt"]);
  const jwk = await subtle.exportKey("jwk", k);
  const back = await subtle.importKey("jwk", jwk, "AES-GCM", true, ["encrypt"]);
  return `${sorted(jwk)} ${back.algorithm.length}`;
});
await probe("AES generate", async () => {
  const k = await subtle.generateKey({ name: "AES-CBC", length: 192 }, true, ["encrypt"]);
  return `${k.algorithm.name} ${k.algorithm.length} ${(await subtle.exportKey("raw", k)).byteLength}`;
});
await probe("AES generate bad length", () => subtle.generateKey({ name: "AES-CBC", length: 100 }, true, ["encrypt"]));
await probe("wrapKey jwk with AES-GCM", async () => {
  const kek = await subtle.importKey("raw", bytes(16, 2), "AES-GCM", false, ["wrapKey", "unwrapKey"]);
  const inner = await subtle.importKey("raw", bytes(16, 4), "AES-CBC", true, ["encrypt", "decrypt"]);
  const wrapped = await subtle.wrapKey("jwk", inner, kek, { name: "AES-GCM", iv: iv12 });
  const back = await subtle.unwrapKey("jwk", wrapped, kek, { name: "AES-GCM", iv: iv12 }, "AES-CBC", true, ["decrypt"]);
  return `${back.algorithm.name} ${back.usages} ${hex(await subtle.exportKey("raw", back))}`;
});

// ---- PBKDF2, HKDF ----------------------------------------------------------
for (const h of ["SHA-1", "SHA-256", "SHA-512"]) {
  await probe(`PBKDF2 ${h}`, async () => {
    const k = await subtle.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits"]);
    return hex(await subtle.deriveBits({ name: "PBKDF2", hash: h, salt: enc.encode("salt"), iterations: 4096 }, k, 256));
  });
  await probe(`HKDF ${h}`, async () => {
    const k = await subtle.importKey("raw", bytes(22), "HKDF", false, ["deriveBits"]);
    return hex(await subtle.deriveBits({ name: "HKDF", hash: h, salt: bytes(13), info: bytes(10) }, k, 336));
  });
}
await probe("PBKDF2 100000 iterations (pool)", async () => {
  const k = await subtle.importKey("raw", enc.encode("pw"), "PBKDF2", false, ["deriveBits"]);
  return hex(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: bytes(16), iterations: 100000 }, k, 128));
});
await probe("PBKDF2 zero iterations", async () => {
  const k = await subtle.importKey("raw", enc.encode("pw"), "PBKDF2", false, ["deriveBits"]);
  return subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: bytes(16), iterations: 0 }, k, 128);
});
await probe("PBKDF2 null length", async () => {
  const k = await subtle.importKey("raw", enc.encode("pw"), "PBKDF2", false, ["deriveBits"]);
  return subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: bytes(16), iterations: 1 }, k, null);
});
await probe("PBKDF2 extractable", () => subtle.importKey("raw", enc.encode("pw"), "PBKDF2", true, ["deriveBits"]));
await probe("PBKDF2 deriveKey AES", async () => {
  const k = await subtle.importKey("raw", enc.encode("pw"), "PBKDF2", false, ["deriveKey"]);
  const aes = await subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: bytes(8), iterations: 1000 }, k, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  return `${aes.algorithm.name} ${aes.algorithm.length} ${hex(await subtle.exportKey("raw", aes))}`;
});
await probe("HKDF deriveKey HMAC", async () => {
  const k = await subtle.importKey("raw", bytes(32), "HKDF", false, ["deriveKey"]);
  const h = await subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: bytes(4), info: bytes(4) }, k, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  return `${h.algorithm.length} ${hex(await subtle.exportKey("raw", h))}`;
});
await probe("HKDF too long", async () => {
  const k = await subtle.importKey("raw", bytes(32), "HKDF", false, ["deriveBits"]);
  return subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: bytes(4), info: bytes(4) }, k, 255 * 256 + 8);
});

// ---- Ed25519 (deterministic signatures) -----------------------------------
const edPkcs8 = Uint8Array.from([0x30, 0x2e, 2, 1, 0, 0x30, 5, 6, 3, 0x2b, 0x65, 0x70, 4, 0x22, 4, 0x20, ...bytes(32, 11)]);
await probe("Ed25519 sign", async () => {
  const k = await subtle.importKey("pkcs8", edPkcs8, "Ed25519", true, ["sign"]);
  const sig = await subtle.sign("Ed25519", k, msg);
  const jwk = await subtle.exportKey("jwk", k);
  const pub = await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, "Ed25519", true, ["verify"]);
  const ok = await subtle.verify("Ed25519", pub, sig, msg);
  const raw = hex(await subtle.exportKey("raw", pub));
  const spki = hex(await subtle.exportKey("spki", pub));
  return `${hex(sig)} ${ok} ${raw} ${spki} ${jwk.crv} ${jwk.d.length}`;
});
await probe("Ed25519 pkcs8 round trip", async () => {
  const k = await subtle.importKey("pkcs8", edPkcs8, { name: "Ed25519" }, true, ["sign"]);
  return hex(await subtle.exportKey("pkcs8", k));
});
await probe("Ed25519 verify private", async () => {
  const k = await subtle.importKey("pkcs8", edPkcs8, "Ed25519", true, ["sign"]);
  return subtle.verify("Ed25519", k, new Uint8Array(64), msg);
});
await probe("Ed25519 bad signature length", async () => {
  const k = await subtle.importKey("pkcs8", edPkcs8, "Ed25519", true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", k);
  const pub = await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, "Ed25519", true, ["verify"]);
  return subtle.verify("Ed25519", pub, new Uint8Array(10), msg);
});
await probe("Ed25519 generate", async () => {
  const { publicKey, privateKey } = await subtle.generateKey("Ed25519", true, ["sign", "verify"]);
  const sig = await subtle.sign("Ed25519", privateKey, msg);
  return `${publicKey.type} ${publicKey.usages} ${privateKey.usages} ${publicKey.extractable} ${await subtle.verify("Ed25519", publicKey, sig, msg)}`;
});
await probe("Ed25519 raw private", () => subtle.importKey("raw", bytes(32), "Ed25519", true, ["sign"]));

// ---- X25519 (RFC 7748 section 6.1) -----------------------------------------
const unhex = (s) => Uint8Array.from(s.match(/../g), (x) => parseInt(x, 16));
const x25519Pkcs8 = (seed) => Uint8Array.from([0x30, 0x2e, 2, 1, 0, 0x30, 5, 6, 3, 0x2b, 0x65, 0x6e, 4, 0x22, 4, 0x20, ...seed]);
await probe("X25519 RFC 7748", async () => {
  const alice = await subtle.importKey("pkcs8", x25519Pkcs8(unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")), "X25519", true, ["deriveBits"]);
  const bobPub = await subtle.importKey("raw", unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), "X25519", true, []);
  const jwk = await subtle.exportKey("jwk", alice);
  return `${hex(await subtle.deriveBits({ name: "X25519", public: bobPub }, alice, 256))} ${jwk.x}`;
});
await probe("X25519 small order", async () => {
  const alice = await subtle.importKey("pkcs8", x25519Pkcs8(bytes(32)), "X25519", true, ["deriveBits"]);
  const zero = await subtle.importKey("raw", new Uint8Array(32), "X25519", true, []);
  return subtle.deriveBits({ name: "X25519", public: zero }, alice, 256);
});

// ---- ECDSA, ECDH (fixed keys) -----------------------------------------------
const p256 = {
  kty: "EC", crv: "P-256",
  x: "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
  y: "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
  d: "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo",
};
await probe("ECDSA P-256 jwk", async () => {
  const priv = await subtle.importKey("jwk", p256, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const { d, ...pubJwk } = p256;
  const pub = await subtle.importKey("jwk", pubJwk, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  const sig = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, priv, msg);
  const ok = await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, sig, msg);
  const bad = await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, sig, enc.encode("no"));
  const raw = hex(await subtle.exportKey("raw", pub));
  const spki = hex(await subtle.exportKey("spki", pub));
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", priv));
  const back = await subtle.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  return `${sig.byteLength} ${ok} ${bad} ${raw} ${spki} ${sorted(await subtle.exportKey("jwk", back))}`;
});
await probe("ECDSA hashes", async () => {
  const priv = await subtle.importKey("jwk", p256, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const { d, ...pubJwk } = p256;
  const pub = await subtle.importKey("jwk", pubJwk, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  const out = [];
  for (const h of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
    const sig = await subtle.sign({ name: "ECDSA", hash: h }, priv, msg);
    out.push(`${h}:${await subtle.verify({ name: "ECDSA", hash: h }, pub, sig, msg)}`);
  }
  return out.join(" ");
});
await probe("ECDSA curve mismatch", () => subtle.importKey("jwk", p256, { name: "ECDSA", namedCurve: "P-384" }, true, ["sign"]));
await probe("ECDSA bad curve", () => subtle.generateKey({ name: "ECDSA", namedCurve: "P-192" }, true, ["sign"]));
for (const curve of ["P-256", "P-384", "P-521"]) {
  await probe(`ECDSA generate ${curve}`, async () => {
    const { publicKey, privateKey } = await subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
    const sig = await subtle.sign({ name: "ECDSA", hash: "SHA-384" }, privateKey, msg);
    const raw = await subtle.exportKey("raw", publicKey);
    const jwk = await subtle.exportKey("jwk", privateKey);
    return `${sig.byteLength} ${raw.byteLength} ${await subtle.verify({ name: "ECDSA", hash: "SHA-384" }, publicKey, sig, msg)} ${jwk.crv} ${Object.keys(jwk).sort()}`;
  });
  await probe(`ECDH ${curve}`, async () => {
    const a = await subtle.generateKey({ name: "ECDH", namedCurve: curve }, true, ["deriveBits"]);
    const b = await subtle.generateKey({ name: "ECDH", namedCurve: curve }, true, ["deriveBits"]);
    const ab = hex(await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, null));
    const ba = hex(await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, null));
    const short = (await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 100)).byteLength;
    return `${ab === ba} ${ab.length / 2} ${short} ${a.publicKey.usages.length}`;
  });
}
await probe("ECDH fixed", async () => {
  const priv = await subtle.importKey("jwk", p256, { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const { d, ...pubJwk } = p256;
  const pub = await subtle.importKey("jwk", pubJwk, { name: "ECDH", namedCurve: "P-256" }, true, []);
  return hex(await subtle.deriveBits({ name: "ECDH", public: pub }, priv, 256));
});
await probe("ECDH wrong public type", async () => {
  const priv = await subtle.importKey("jwk", p256, { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  return subtle.deriveBits({ name: "ECDH", public: priv }, priv, 256);
});
await probe("ECDSA key for ECDH", async () => {
  const priv = await subtle.importKey("jwk", p256, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  return subtle.deriveBits({ name: "ECDH", public: priv }, priv, 256);
});
await probe("EC raw bad point", () => subtle.importKey("raw", new Uint8Array(65).fill(4), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]));
await probe("spki garbage", () => subtle.importKey("spki", bytes(40), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]));

// ---- RSA (a fixed 1024-bit test key: fast, never for real use) -------------
// Made once with Node's generateKey and kept here, so outputs are deterministic.
const rsaJwk = {
  kty: "RSA",
  n: "92-MHOKA1PfhlFyAvcKP_AffwLndhOJZHm_pCy_-ibxE9_kbSGHyHyr1ubyyJMReQ1trCHp6LrG16_CB3Ls1iw7gcY0252LSYjcBUgR3NUvfpQEp_yOALllpAGvcCY0yR1XmZls_y_PbZU6GsIxzv4QnP3mJSoZ_fl10ofv1cZ8",
  e: "AQAB",
  d: "e1S0R-l2QbDUVXjOCsehsQPTuWJrUcLonM03IYZonwqibd9Sg_-eCX8GP_AX80-VlIlKjk1N_VxCyzlz4SvHAXAbTPbHrs-YLIRAakxJ7hLad7ZgoD6AMKHOLXaehiYcIiPZorTmFYnncxJ1VGVPOb-QJ9_ecPPfOfrF6wvLftE",
  p: "_wvwUB2OSsOO6tot_3yL1o4IoL2Uflf_8iTYvfuR_ScWJ9H40XlF4HHfVlR7numf6yvM1UnLFOzdAYsbRA3ZpQ",
  q: "-FxTVFqV5fTucO6V2kgugcZ0WtdKkVeF3PhUuCyyxfWXd597O56pb50FDaZ_4_9G1qzNGEdUClwGJDlasWVS8w",
  dp: "XEtRt2w6pcuG2G4D30SOxiG39ZMlPWNS96ll1bpH5jhSyC4vwH4GT2Zlz7Pa2HLqsAu1oCmIGBZvE7PnNgVdEQ",
  dq: "HyOsSwJEkx1_m-c-IK02L41LX2xo7Ao2PXthW-o2y_077YKwd8wv4E-mp4x9sn96SUZHPMkMr3PUTUxno6BZow",
  qi: "D35er5SXlUVAP3jr98D3rbDAPuS9qtS5GA3hZYqiw_mHpKti3CBrBM5UH5Ri0NkXoPQF-cWNTyhrSxiX20QL7A",
};
await probe("RSA jwk import", async () => {
  const k = await subtle.importKey("jwk", rsaJwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
  return `${k.algorithm.modulusLength} ${hex(k.algorithm.publicExponent)} ${k.algorithm.hash.name}`;
});
for (const h of ["SHA-1", "SHA-256", "SHA-512"]) {
  await probe(`RSASSA-PKCS1-v1_5 ${h}`, async () => {
    const k = await subtle.importKey("jwk", rsaJwk, { name: "RSASSA-PKCS1-v1_5", hash: h }, true, ["sign"]);
    const { d, p, q, dp, dq, qi, ...pubJwk } = rsaJwk;
    const pub = await subtle.importKey("jwk", pubJwk, { name: "RSASSA-PKCS1-v1_5", hash: h }, true, ["verify"]);
    const sig = await subtle.sign("RSASSA-PKCS1-v1_5", k, msg);
    return `${hex(sig)} ${await subtle.verify("RSASSA-PKCS1-v1_5", pub, sig, msg)}`;
  });
}
await probe("RSA-PSS", async () => {
  const k = await subtle.importKey("jwk", rsaJwk, { name: "RSA-PSS", hash: "SHA-256" }, true, ["sign"]);
  const { d, p, q, dp, dq, qi, ...pubJwk } = rsaJwk;
  const pub = await subtle.importKey("jwk", pubJwk, { name: "RSA-PSS", hash: "SHA-256" }, true, ["verify"]);
  const sig = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, k, msg);
  const ok = await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pub, sig, msg);
  const bad = await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pub, sig, enc.encode("x"));
  return `${sig.byteLength} ${ok} ${bad}`;
});
await probe("RSA-OAEP", async () => {
  const k = await subtle.importKey("jwk", rsaJwk, { name: "RSA-OAEP", hash: "SHA-256" }, true, ["decrypt"]);
  const { d, p, q, dp, dq, qi, ...pubJwk } = rsaJwk;
  const pub = await subtle.importKey("jwk", pubJwk, { name: "RSA-OAEP", hash: "SHA-256" }, true, ["encrypt"]);
  const ct = await subtle.encrypt({ name: "RSA-OAEP", label: enc.encode("L") }, pub, enc.encode("secret"));
  const pt = await subtle.decrypt({ name: "RSA-OAEP", label: enc.encode("L") }, k, ct);
  const wrongLabel = await subtle.decrypt({ name: "RSA-OAEP", label: enc.encode("M") }, k, ct).then(() => "ok", (e) => e.name);
  return `${ct.byteLength} ${new TextDecoder().decode(pt)} ${wrongLabel}`;
});
await probe("RSA pkcs8/spki round trip", async () => {
  const k = await subtle.importKey("jwk", rsaJwk, { name: "RSA-PSS", hash: "SHA-384" }, true, ["sign"]);
  const pkcs8 = await subtle.exportKey("pkcs8", k);
  const back = await subtle.importKey("pkcs8", pkcs8, { name: "RSA-PSS", hash: "SHA-384" }, true, ["sign"]);
  const { d, p, q, dp, dq, qi, ...pubJwk } = rsaJwk;
  const pub = await subtle.importKey("jwk", pubJwk, { name: "RSA-PSS", hash: "SHA-384" }, true, ["verify"]);
  const spki = await subtle.exportKey("spki", pub);
  return `${hex(await subtle.digest("SHA-256", pkcs8))} ${hex(spki)} ${sorted(await subtle.exportKey("jwk", back))}`;
});
await probe("RSA raw import", () => subtle.importKey("raw", bytes(16), { name: "RSA-PSS", hash: "SHA-256" }, true, ["verify"]));
await probe("RSA spki as pkcs8", async () => {
  const { d, p, q, dp, dq, qi, ...pubJwk } = rsaJwk;
  const pub = await subtle.importKey("jwk", pubJwk, { name: "RSA-PSS", hash: "SHA-256" }, true, ["verify"]);
  return subtle.importKey("pkcs8", await subtle.exportKey("spki", pub), { name: "RSA-PSS", hash: "SHA-256" }, true, ["sign"]);
});
await probe("RSA generate 1024", async () => {
  const { publicKey, privateKey } = await subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true, ["sign", "verify"]);
  const sig = await subtle.sign("RSASSA-PKCS1-v1_5", privateKey, msg);
  return `${publicKey.algorithm.modulusLength} ${sig.byteLength} ${await subtle.verify("RSASSA-PKCS1-v1_5", publicKey, sig, msg)} ${privateKey.usages}`;
});
await probe("RSA private key verifies", async () => {
  const k = await subtle.importKey("jwk", rsaJwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
  return subtle.verify("RSASSA-PKCS1-v1_5", k, bytes(128), msg);
});

await probe("jwk member order", async () => {
  const out = [];
  for (const [alg, usages] of [
    ["Ed25519", ["sign", "verify"]], ["X25519", ["deriveBits"]], [{ name: "ECDSA", namedCurve: "P-384" }, ["sign", "verify"]],
    [{ name: "RSA-OAEP", hash: "SHA-256", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]) }, ["encrypt", "decrypt"]],
  ]) {
    const { publicKey, privateKey } = await subtle.generateKey(alg, true, usages);
    const priv = await subtle.exportKey("jwk", privateKey);
    out.push(`${Object.keys(priv)}/${priv.alg}/${Object.keys(await subtle.exportKey("jwk", publicKey))}`);
  }
  const h = await subtle.generateKey({ name: "HMAC", hash: "SHA-1" }, true, ["sign"]);
  out.push(Object.keys(await subtle.exportKey("jwk", h)).join());
  return out.join(" ");
});
await probe("Ed25519 jwk with legacy alg EdDSA", async () => {
  const k = await subtle.importKey("pkcs8", edPkcs8, "Ed25519", true, ["sign"]);
  const { x } = await subtle.exportKey("jwk", k);
  return (await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x, alg: "EdDSA" }, "Ed25519", true, ["verify"])).type;
});

// ---- CryptoKey and getRandomValues -----------------------------------------
await probe("CryptoKey constructor", () => new CryptoKey());
await probe("CryptoKey toStringTag", () => String(CryptoKey.prototype[Symbol.toStringTag]));
await probe("getRandomValues", () => crypto.getRandomValues(new Uint8Array(16)).length);
await probe("getRandomValues float", () => crypto.getRandomValues(new Float32Array(4)));
await probe("randomUUID shape", () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
