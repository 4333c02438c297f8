// node:crypto probes with deterministic output: run under node and under
// howth, outputs identical line for line (tests/webcrypto.rs). Bytes are
// printed as hex (Howth hands out Uint8Arrays until node:buffer lands);
// errors print their code or name.
import crypto from "node:crypto";
import {
  createHash, createHmac, createCipheriv, createDecipheriv, pbkdf2Sync, pbkdf2, scryptSync, scrypt, hkdfSync, hkdf,
  randomBytes, randomInt, randomUUID, timingSafeEqual, generateKeyPairSync, generateKeyPair, createPrivateKey,
  createPublicKey, createSecretKey, sign, verify, createSign, createVerify, KeyObject, webcrypto, getHashes,
  publicEncrypt, privateDecrypt, constants,
} from "crypto";

const hex = (b) => Array.from(new Uint8Array(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength), (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (n, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff);
const show = (e) => e?.code ?? e?.name ?? String(e);

async function probe(label, f) {
  try {
    console.log(`${label}: ${await f()}`);
  } catch (e) {
    console.log(`${label}: throws ${show(e)}`);
  }
}

// ---- hashes -----------------------------------------------------------------
for (const alg of ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "SHA256", "RSA-SHA256"]) {
  await probe(`createHash ${alg}`, () => createHash(alg).update("The quick brown fox ").update(bytes(10)).digest("hex"));
}
await probe("digest encodings", () => {
  const h = () => createHash("sha256").update("abc");
  return [h().digest("base64"), h().digest("base64url"), h().digest("latin1").length, hex(h().digest())].join(" ");
});
await probe("update with encodings", () => createHash("sha1").update("616263", "hex").update("YWJj", "base64").digest("hex"));
await probe("hash copy", () => {
  const a = createHash("sha256").update("one");
  const b = a.copy();
  b.update("two");
  return `${a.digest("hex")} ${b.digest("hex")}`;
});
await probe("digest twice", () => {
  const h = createHash("sha256");
  h.digest();
  return h.digest();
});
await probe("update after digest", () => {
  const h = createHash("sha256");
  h.digest();
  return h.update("x");
});
await probe("unknown hash", () => createHash("sha3-999"));
await probe("getHashes has sha256", () => getHashes().includes("sha256"));

// ---- HMAC -------------------------------------------------------------------
for (const alg of ["md5", "sha1", "sha256", "sha512"]) {
  await probe(`createHmac ${alg}`, () => createHmac(alg, "key").update("The quick brown fox jumps over the lazy dog").digest("hex"));
}
await probe("hmac key as bytes and KeyObject", () => {
  const k = bytes(100);
  return `${createHmac("sha256", k).update("m").digest("hex")} ${createHmac("sha256", createSecretKey(k)).update("m").digest("hex")}`;
});
await probe("hmac chunks", () => createHmac("sha384", "k").update("a").update("b").update(bytes(3)).digest("base64"));
await probe("hmac digest twice", () => {
  const h = createHmac("sha256", "k");
  h.digest();
  return JSON.stringify(h.digest("hex"));
});

// ---- randomness -------------------------------------------------------------
await probe("randomBytes", () => randomBytes(32).length);
await probe("randomBytes callback", () => new Promise((r) => randomBytes(8, (err, b) => r(`${err} ${b.length}`))));
await probe("randomBytes bad size", () => randomBytes(-1));
await probe("randomInt range", () => {
  for (let i = 0; i < 200; i++) {
    const n = randomInt(3, 9);
    if (n < 3 || n >= 9 || !Number.isInteger(n)) return `bad ${n}`;
  }
  return "ok";
});
await probe("randomInt one arg", () => randomInt(1));
await probe("randomInt bad range", () => randomInt(5, 5));
await probe("randomUUID", () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(randomUUID()));
await probe("timingSafeEqual", () => `${timingSafeEqual(bytes(8), bytes(8))} ${timingSafeEqual(bytes(8), bytes(8, 1))}`);
await probe("timingSafeEqual lengths", () => timingSafeEqual(bytes(8), bytes(9)));
await probe("webcrypto", () => `${typeof webcrypto.subtle.digest} ${webcrypto.getRandomValues(new Uint8Array(4)).length} ${crypto.webcrypto === webcrypto}`);

// ---- key derivation ---------------------------------------------------------
await probe("pbkdf2Sync", () => hex(pbkdf2Sync("password", "salt", 4096, 32, "sha256")));
await probe("pbkdf2Sync sha1 20", () => hex(pbkdf2Sync("password", "salt", 2, 20, "sha1")));
await probe("pbkdf2 callback", () => new Promise((r) => pbkdf2("pw", bytes(16), 50000, 16, "sha512", (e, k) => r(`${e} ${hex(k)}`))));
await probe("pbkdf2 bad digest", () => pbkdf2Sync("p", "s", 1, 8, "sha999"));
await probe("pbkdf2 zero iterations", () => pbkdf2Sync("p", "s", 0, 8, "sha256"));
await probe("scryptSync", () => hex(scryptSync("password", "NaCl", 64, { N: 1024, r: 8, p: 16 })));
await probe("scrypt callback", () => new Promise((r) => scrypt("pw", "salt", 32, (e, k) => r(`${e} ${hex(k)}`))));
await probe("scrypt too much memory", () => scryptSync("pw", "salt", 32, { N: 2 ** 20, r: 8 }));
await probe("hkdfSync", () => hex(hkdfSync("sha256", bytes(22), bytes(13), bytes(10), 42)));
await probe("hkdfSync returns ArrayBuffer", () => hkdfSync("sha256", "k", "s", "i", 8) instanceof ArrayBuffer);
await probe("hkdf callback", () => new Promise((r) => hkdf("sha512", "key", "salt", "info", 64, (e, k) => r(`${e} ${hex(new Uint8Array(k))}`))));

// ---- ciphers ----------------------------------------------------------------
const plain = "The quick brown fox jumps over the lazy dog, twice over: the quick brown fox.";
for (const [alg, keyLen, ivLen] of [
  ["aes-128-cbc", 16, 16], ["aes-256-cbc", 32, 16], ["aes-192-ctr", 24, 16], ["aes-256-ctr", 32, 16],
  ["aes-128-gcm", 16, 12], ["aes-256-gcm", 32, 12],
]) {
  await probe(`cipher ${alg}`, () => {
    const key = bytes(keyLen, 1);
    const iv = bytes(ivLen, 2);
    const c = createCipheriv(alg, key, iv);
    if (alg.endsWith("gcm")) c.setAAD(bytes(5));
    const parts = [c.update(plain.slice(0, 7), "utf8", "hex"), c.update(plain.slice(7, 40), "utf8", "hex"), c.update(plain.slice(40), "utf8", "hex"), c.final("hex")];
    const tag = alg.endsWith("gcm") ? hex(c.getAuthTag()) : "";
    const d = createDecipheriv(alg, key, iv);
    if (alg.endsWith("gcm")) {
      d.setAAD(bytes(5));
      d.setAuthTag(c.getAuthTag());
    }
    const back = d.update(parts.join(""), "hex", "utf8") + d.final("utf8");
    return `${parts.map((p) => p.length).join(",")} ${parts.join("")} ${tag} ${back === plain}`;
  });
}
await probe("cbc no padding", () => {
  const c = createCipheriv("aes-128-cbc", bytes(16), bytes(16)).setAutoPadding(false);
  return hex(c.update(bytes(32))) + hex(c.final());
});
await probe("cbc no padding partial", () => {
  const c = createCipheriv("aes-128-cbc", bytes(16), bytes(16)).setAutoPadding(false);
  c.update(bytes(20));
  return c.final();
});
await probe("cbc bad decrypt", () => {
  const d = createDecipheriv("aes-128-cbc", bytes(16), bytes(16));
  d.update(bytes(32));
  return d.final();
});
await probe("gcm bad tag", () => {
  const c = createCipheriv("aes-128-gcm", bytes(16), bytes(12));
  const ct = Uint8Array.from([...c.update(bytes(20)), ...c.final()]);
  const d = createDecipheriv("aes-128-gcm", bytes(16), bytes(12));
  d.setAuthTag(new Uint8Array(16));
  d.update(ct);
  return d.final();
});
for (const authTagLength of [4, 8]) {
  await probe(`gcm ${authTagLength}-byte tag`, () => {
    const c = createCipheriv("aes-128-gcm", bytes(16), bytes(12), { authTagLength });
    const ct = Uint8Array.from([...c.update(bytes(20)), ...c.final()]);
    const tag = c.getAuthTag();
    const d = createDecipheriv("aes-128-gcm", bytes(16), bytes(12), { authTagLength });
    d.setAuthTag(tag);
    const pt = Uint8Array.from([...d.update(ct), ...d.final()]);
    const bad = createDecipheriv("aes-128-gcm", bytes(16), bytes(12), { authTagLength });
    bad.setAuthTag(tag.map((b, i) => (i === 0 ? b ^ 1 : b)));
    bad.update(ct);
    let rejected = false;
    try { bad.final(); } catch { rejected = true; }
    return `${hex(ct)} ${hex(tag)} ${hex(pt)} ${rejected}`;
  });
}
await probe("unknown cipher", () => createCipheriv("aes-128-xyz", bytes(16), bytes(16)));
await probe("bad key length", () => createCipheriv("aes-256-cbc", bytes(16), bytes(16)));
await probe("bad iv length", () => createCipheriv("aes-128-cbc", bytes(16), bytes(8)));

// ---- keys and signatures (fixed keys) ---------------------------------------
const edKey = createPrivateKey({ key: Uint8Array.from([0x30, 0x2e, 2, 1, 0, 0x30, 5, 6, 3, 0x2b, 0x65, 0x70, 4, 0x22, 4, 0x20, ...bytes(32, 11)]), format: "der", type: "pkcs8" });
await probe("ed25519 key", () => `${edKey.type} ${edKey.asymmetricKeyType} ${JSON.stringify(edKey.asymmetricKeyDetails)}`);
await probe("ed25519 export pem", () => edKey.export({ format: "pem", type: "pkcs8" }).replace(/\n/g, "|"));
await probe("ed25519 public pem", () => createPublicKey(edKey).export({ format: "pem", type: "spki" }).replace(/\n/g, "|"));
await probe("ed25519 sign", () => {
  const sig = sign(null, Uint8Array.from([1, 2, 3]), edKey);
  return `${hex(sig)} ${verify(null, Uint8Array.from([1, 2, 3]), createPublicKey(edKey), sig)} ${verify(null, Uint8Array.from([1, 2, 4]), edKey, sig)}`;
});
await probe("ed25519 jwk", () => JSON.stringify(edKey.export({ format: "jwk" })));
await probe("jwk round trip", () => createPrivateKey({ key: edKey.export({ format: "jwk" }), format: "jwk" }).equals(edKey));
const ecJwk = {
  kty: "EC", crv: "P-256",
  x: "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
  y: "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps",
  d: "0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo",
};
const ecKey = createPrivateKey({ key: ecJwk, format: "jwk" });
await probe("ec key", () => `${ecKey.asymmetricKeyType} ${JSON.stringify(ecKey.asymmetricKeyDetails)}`);
await probe("ec exports", () => [
  ecKey.export({ format: "pem", type: "pkcs8" }).replace(/\n/g, "|"),
  hex(ecKey.export({ format: "der", type: "sec1" })),
  createPublicKey(ecKey).export({ format: "pem", type: "spki" }).replace(/\n/g, "|"),
].join(" "));
await probe("ecdsa sign/verify", () => {
  const der = sign("sha256", Uint8Array.from([5]), ecKey);
  const p1363 = sign("sha384", Uint8Array.from([5]), { key: ecKey, dsaEncoding: "ieee-p1363" });
  return `${der[0]} ${p1363.length} ${verify("sha256", Uint8Array.from([5]), ecKey, der)} ${verify("sha384", Uint8Array.from([5]), { key: createPublicKey(ecKey), dsaEncoding: "ieee-p1363" }, p1363)} ${verify("sha256", Uint8Array.from([6]), ecKey, der)}`;
});
await probe("createSign/createVerify", () => {
  const s = createSign("SHA256");
  s.update("part one ").update("part two");
  const sig = s.sign(ecKey.export({ format: "pem", type: "pkcs8" }));
  const v = createVerify("sha256");
  v.update("part one part two");
  return v.verify(createPublicKey(ecKey).export({ format: "pem", type: "spki" }), sig);
});
await probe("sec1 pem import", () => createPrivateKey(ecKey.export({ format: "pem", type: "sec1" })).equals(ecKey));
await probe("private key as public", () => createPublicKey(ecKey.export({ format: "pem", type: "pkcs8" })).type);
await probe("bad pem", () => createPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
await probe("secret key", () => {
  const k = createSecretKey(bytes(24));
  return `${k.type} ${k.symmetricKeySize} ${hex(k.export())} ${JSON.stringify(k.export({ format: "jwk" }))}`;
});
await probe("KeyObject.from CryptoKey", async () => {
  const ck = await webcrypto.subtle.importKey("raw", bytes(16), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const k = KeyObject.from(ck);
  return `${k.type} ${k.symmetricKeySize} ${hex(k.export())}`;
});

// ---- generated keys (randomized: shapes and round trips) ----------------------
await probe("generateKeyPairSync rsa pem", () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 1024,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const sig = sign("sha256", Uint8Array.from([1]), privateKey);
  return `${publicKey.split("\n")[0]} ${privateKey.split("\n")[0]} ${sig.length} ${verify("sha256", Uint8Array.from([1]), publicKey, sig)}`;
});
await probe("rsa pss and pkcs1", () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const pss = sign("sha256", Uint8Array.from([1]), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING });
  const pss32 = sign("sha256", Uint8Array.from([1]), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  const pkcs1 = privateKey.export({ format: "pem", type: "pkcs1" });
  return [
    publicKey.asymmetricKeyDetails.modulusLength, publicKey.asymmetricKeyDetails.publicExponent,
    verify("sha256", Uint8Array.from([1]), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING }, pss),
    verify("sha256", Uint8Array.from([1]), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss32),
    pkcs1.split("\n")[0], createPrivateKey(pkcs1).equals(privateKey),
    publicKey.export({ format: "pem", type: "pkcs1" }).split("\n")[0],
  ].join(" ");
});
await probe("rsa oaep", () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const ct = publicEncrypt(publicKey, new TextEncoder().encode("secret"));
  const ct256 = publicEncrypt({ key: publicKey, oaepHash: "sha256" }, new TextEncoder().encode("secret"));
  return `${ct.length} ${new TextDecoder().decode(privateDecrypt(privateKey, ct))} ${new TextDecoder().decode(privateDecrypt({ key: privateKey, oaepHash: "sha256" }, ct256))}`;
});
for (const [type, opts] of [["ec", { namedCurve: "P-384" }], ["ec", { namedCurve: "prime256v1" }], ["ed25519", {}], ["x25519", {}]]) {
  await probe(`generateKeyPairSync ${type} ${opts.namedCurve ?? ""}`, () => {
    const { publicKey, privateKey } = generateKeyPairSync(type, opts);
    return `${publicKey.type} ${privateKey.type} ${privateKey.asymmetricKeyType} ${JSON.stringify(publicKey.asymmetricKeyDetails)} ${Object.keys(privateKey.export({ format: "jwk" })).sort()}`;
  });
}
await probe("generateKeyPair callback", () => new Promise((r) => generateKeyPair("rsa", { modulusLength: 1024, publicKeyEncoding: { type: "pkcs1", format: "der" }, privateKeyEncoding: { type: "pkcs8", format: "der" } }, (e, pub, priv) => r(`${e} ${pub[0]} ${priv[0]} ${createPublicKey({ key: pub, format: "der", type: "pkcs1" }).asymmetricKeyDetails.modulusLength}`))));
await probe("generateKeyPair bad type", () => generateKeyPairSync("dsa2", {}));
