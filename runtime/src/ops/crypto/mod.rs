//! Web Crypto and node:crypto's native half: one key table and one set of
//! algorithms for both (ts-lib/crypto_subtle.ts and ts-lib/node/crypto.ts
//! are the JS halves).
//!
//! Keys live in Rust; JS holds handles (table.rs). The modules below are
//! pure functions over key material, on RustCrypto's crates and ring:
//! hash.rs (digests, HMAC), kdf.rs (PBKDF2, HKDF, scrypt), aes.rs,
//! cipher.rs (encrypt/decrypt dispatch, RSA-OAEP), sign.rs, agree.rs
//! (ECDH, X25519), key.rs (formats, generation). This file turns op
//! arguments into their calls.
//!
//! Errors cross as an Error whose message starts with the DOMException
//! name (error.rs). Slow work (RSA key generation, PBKDF2 and scrypt, big
//! digests) can run on the worker pool (crate::pool) when JS asks for it.

pub mod aes;
pub mod agree;
pub mod cipher;
pub mod error;
pub mod hash;
pub mod kdf;
pub mod key;
pub mod random;
pub mod sign;
pub mod table;

use std::sync::Arc;

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};

use self::error::{data, CryptoError, Result};
use self::hash::HashAlg;
use self::key::{Exported, Key};
use self::table::KeyTable;
use crate::ops::host::HostValue;
use crate::pool::Outcome;
use crate::RuntimeState;

/// The crypto ops' part of the runtime's state.
#[derive(Default)]
pub struct CryptoState {
    pub keys: KeyTable,
    /// Streaming digests of node:crypto's Hash objects, by handle.
    hashes: Vec<Option<hash::Hasher>>,
    /// Reused argument buffers (signature checks are hot in JWT servers).
    buf_a: Vec<u8>,
    buf_b: Vec<u8>,
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    random::register(iso);
    iso.set_op("digest", op_digest::<X>);
    iso.set_op("cryptoDigestAsync", op_digest_async::<X>);
    iso.set_op("cryptoImportKey", op_import_key::<X>);
    iso.set_op("cryptoKeyInfo", op_key_info::<X>);
    iso.set_op("cryptoExportKey", op_export_key::<X>);
    iso.set_op("cryptoPublicKey", op_public_key::<X>);
    iso.set_op("cryptoKeyFree", op_key_free::<X>);
    iso.set_op("cryptoGenerateKey", op_generate_key::<X>);
    iso.set_op("cryptoSign", op_sign::<X>);
    iso.set_op("cryptoVerify", op_verify::<X>);
    iso.set_op("cryptoCipher", op_cipher::<X>);
    iso.set_op("cryptoDeriveBits", op_derive_bits::<X>);
    iso.set_op("cryptoScrypt", op_scrypt::<X>);
    iso.set_op("cryptoHashNew", op_hash_new::<X>);
    iso.set_op("cryptoHashUpdate", op_hash_update::<X>);
    iso.set_op("cryptoHashDigest", op_hash_digest::<X>);
}

fn throw(args: &mut CallArgs<'_>, e: &CryptoError) {
    args.throw(ErrorKind::Error, &e.to_string());
}

/// Appends a data argument: bytes, or a string's UTF-8 (node:crypto's
/// update("text") without a copy through TextEncoder).
fn append_input(args: &CallArgs<'_>, i: usize, out: &mut Vec<u8>) {
    if args.kind(i) == Kind::String {
        args.append_utf8(i, out);
    } else {
        args.append_bytes(i, out);
    }
}

fn string_arg(args: &CallArgs<'_>, i: usize) -> String {
    if args.kind(i) == Kind::String {
        args.string(i)
    } else {
        String::new()
    }
}

fn bytes_arg(args: &CallArgs<'_>, i: usize) -> Vec<u8> {
    let mut v = Vec::new();
    if matches!(args.kind(i), Kind::ArrayBuffer | Kind::View) {
        args.append_bytes(i, &mut v);
    } else if args.kind(i) == Kind::String {
        v = args.string(i).into_bytes();
    }
    v
}

/// A key argument: a handle into the table, or (node:crypto's one-shot
/// HMACs and ciphers) the bytes of a secret key.
fn key_arg<X>(state: &RuntimeState<X>, args: &CallArgs<'_>, i: usize) -> Result<Arc<Key>> {
    match args.kind(i) {
        Kind::Int | Kind::Number => state.crypto.keys.get(args.number(i)).cloned(),
        Kind::ArrayBuffer | Kind::View => Ok(Arc::new(Key::secret(bytes_arg(args, i)))),
        _ => Err(data("expected a key")),
    }
}

/// Runs `job` inline (its outcome waits in poolResult; the op returns
/// whether it failed) or on the worker pool (the op returns the job id).
fn run_job<X>(
    state: &mut RuntimeState<X>,
    args: &mut CallArgs<'_>,
    is_async: bool,
    job: impl FnOnce() -> Result<Vec<u8>> + Send + 'static,
) {
    let run = move || -> Outcome {
        job()
            .map(HostValue::Bytes)
            .map_err(|e| HostValue::String(e.to_string()))
    };
    state.pool.run_or_submit(args, is_async, run);
}

fn return_info<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>, key: Key) {
    let mut info = key.info();
    let handle = state.crypto.keys.insert(Arc::new(key));
    info["handle"] = handle.into();
    args.return_str(&info.to_string());
}

/// digest(algorithm, data): the digest, inline.
fn op_digest<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let alg = match HashAlg::from_name(&string_arg(args, 0)) {
        Ok(a) => a,
        Err(e) => return throw(args, &e),
    };
    let buf = &mut state.crypto.buf_a;
    buf.clear();
    append_input(args, 1, buf);
    let d = hash::digest(alg, buf);
    args.return_bytes(&d);
}

/// cryptoDigestAsync(algorithm, data): a job id; the digest comes back as bytes.
fn op_digest_async<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let alg = match HashAlg::from_name(&string_arg(args, 0)) {
        Ok(a) => a,
        Err(e) => return throw(args, &e),
    };
    let input = bytes_arg(args, 1);
    run_job(state, args, true, move || Ok(hash::digest(alg, &input)));
}

/// cryptoImportKey(format, data, kind, curve): the key's info as JSON, with its handle.
fn op_import_key<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let format = string_arg(args, 0);
    let input = bytes_arg(args, 1);
    match key::import(&format, &input, &string_arg(args, 2), &string_arg(args, 3)) {
        Ok(k) => return_info(state, args, k),
        Err(e) => throw(args, &e),
    }
}

/// cryptoKeyInfo(handle): the key's info as JSON (without a handle).
fn op_key_info<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match key_arg(state, args, 0) {
        Ok(k) => args.return_str(&k.info().to_string()),
        Err(e) => throw(args, &e),
    }
}

/// cryptoExportKey(handle, format): bytes, or for "jwk" the JWK's JSON text.
fn op_export_key<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let format = string_arg(args, 1);
    match key_arg(state, args, 0).and_then(|k| key::export(&k, &format)) {
        Ok(Exported::Bytes(b)) => args.return_bytes(&b),
        Ok(Exported::Jwk(v)) => args.return_str(&v.to_string()),
        Err(e) => throw(args, &e),
    }
}

/// cryptoPublicKey(handle): the public half, a new key (info JSON with its handle).
fn op_public_key<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match key_arg(state, args, 0).and_then(|k| k.public()) {
        Ok(k) => return_info(state, args, k),
        Err(e) => throw(args, &e),
    }
}

fn op_key_free<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    if matches!(args.kind(0), Kind::Int | Kind::Number) {
        state.crypto.keys.free(args.number(0));
    }
    args.return_undefined();
}

/// cryptoGenerateKey(isAsync, kind, size, exponent, curve): as run_job; the
/// value is the new private key as PKCS#8 (JS imports it).
fn op_generate_key<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let is_async = args.bool(0);
    let kind = string_arg(args, 1);
    let size = args.number(2).max(0.0) as usize;
    let exponent = bytes_arg(args, 3);
    let curve = string_arg(args, 4);
    run_job(state, args, is_async, move || {
        let k = key::generate(&kind, size, &exponent, &curve)?;
        match key::export(&k, "pkcs8")? {
            Exported::Bytes(b) => Ok(b),
            Exported::Jwk(_) => unreachable!("pkcs8 is bytes"),
        }
    });
}

/// cryptoSign(alg, key, hash, param, data): the signature.
fn op_sign<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let scheme = match sign::Scheme::new(&string_arg(args, 0), &string_arg(args, 2), args.number(3)) {
        Ok(s) => s,
        Err(e) => return throw(args, &e),
    };
    let key = match key_arg(state, args, 1) {
        Ok(k) => k,
        Err(e) => return throw(args, &e),
    };
    let buf = &mut state.crypto.buf_a;
    buf.clear();
    append_input(args, 4, buf);
    match sign::sign(scheme, &key, buf) {
        Ok(sig) => args.return_bytes(&sig),
        Err(e) => throw(args, &e),
    }
}

/// cryptoVerify(alg, key, hash, param, signature, data): whether it is valid.
fn op_verify<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let scheme = match sign::Scheme::new(&string_arg(args, 0), &string_arg(args, 2), args.number(3)) {
        Ok(s) => s,
        Err(e) => return throw(args, &e),
    };
    let key = match key_arg(state, args, 1) {
        Ok(k) => k,
        Err(e) => return throw(args, &e),
    };
    let CryptoState { buf_a, buf_b, .. } = &mut state.crypto;
    buf_a.clear();
    buf_b.clear();
    append_input(args, 4, buf_a);
    append_input(args, 5, buf_b);
    match sign::verify(scheme, &key, buf_a, buf_b) {
        Ok(ok) => args.return_bool(ok),
        Err(e) => throw(args, &e),
    }
}

/// cryptoCipher(encrypt, alg, key, hash, iv, param, aad, data): the output.
fn op_cipher<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let encrypt = args.bool(0);
    let alg = string_arg(args, 1);
    let key = match key_arg(state, args, 2) {
        Ok(k) => k,
        Err(e) => return throw(args, &e),
    };
    let hash = string_arg(args, 3);
    let iv = bytes_arg(args, 4);
    let param = args.number(5).max(0.0) as u32;
    let aad = bytes_arg(args, 6);
    let input = bytes_arg(args, 7);
    let p = cipher::Params {
        alg: &alg,
        hash: &hash,
        iv: &iv,
        param,
        aad: &aad,
    };
    match cipher::run(encrypt, &p, &key, &input) {
        Ok(out) => args.return_bytes(&out),
        Err(e) => throw(args, &e),
    }
}

/// cryptoDeriveBits(isAsync, alg, key, hash, salt, param, info, length):
/// as run_job, `length` bytes of PBKDF2 (param: iterations), HKDF, or the
/// whole shared secret of ECDH and X25519 (param: the public key's handle).
fn op_derive_bits<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let is_async = args.bool(0);
    let alg = string_arg(args, 1);
    let key = match key_arg(state, args, 2) {
        Ok(k) => k,
        Err(e) => return throw(args, &e),
    };
    let hash = string_arg(args, 3);
    let salt = bytes_arg(args, 4);
    let param = args.number(5);
    let info = bytes_arg(args, 6);
    let len = args.number(7).max(0.0) as usize;
    let peer = if matches!(alg.as_str(), "ECDH" | "X25519") {
        match state.crypto.keys.get(param) {
            Ok(k) => Some(k.clone()),
            Err(e) => return throw(args, &e),
        }
    } else {
        None
    };
    run_job(state, args, is_async, move || {
        let secret = match &*key {
            Key::Secret(s) => Some(&s.bytes),
            _ => None,
        };
        let need_secret = || secret.ok_or_else(|| error::access(format!("{alg} derives from a secret key")));
        match alg.as_str() {
            "PBKDF2" => kdf::pbkdf2(
                HashAlg::from_name(&hash)?,
                need_secret()?,
                &salt,
                param as u32,
                len,
            ),
            "HKDF" => kdf::hkdf(HashAlg::from_name(&hash)?, need_secret()?, &salt, &info, len),
            "ECDH" | "X25519" => agree::shared_secret(&key, peer.as_deref().expect("peer looked up")),
            _ => Err(error::unsupported(format!("unsupported derivation '{alg}'"))),
        }
    });
}

/// cryptoScrypt(isAsync, password, salt, N, r, p, length): as run_job.
fn op_scrypt<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let is_async = args.bool(0);
    let password = bytes_arg(args, 1);
    let salt = bytes_arg(args, 2);
    let (n, r, p) = (
        args.number(3) as u64,
        args.number(4) as u32,
        args.number(5) as u32,
    );
    let len = args.number(6).max(0.0) as usize;
    run_job(state, args, is_async, move || {
        kdf::scrypt(&password, &salt, n, r, p, len)
    });
}

/// cryptoHashNew(alg, from): a streaming digest's handle; `from` (a handle)
/// copies that digest's state (node:crypto's hash.copy()).
fn op_hash_new<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let hasher = if matches!(args.kind(1), Kind::Int | Kind::Number) {
        match state
            .crypto
            .hashes
            .get(args.number(1) as usize)
            .and_then(Option::as_ref)
        {
            Some(h) => h.clone(),
            None => return throw(args, &error::operation("Digest already called")),
        }
    } else {
        match HashAlg::from_name(&string_arg(args, 0)) {
            Ok(a) => hash::Hasher::new(a),
            Err(e) => return throw(args, &e),
        }
    };
    let hashes = &mut state.crypto.hashes;
    let slot = match hashes.iter().position(Option::is_none) {
        Some(i) => i,
        None => {
            hashes.push(None);
            hashes.len() - 1
        }
    };
    hashes[slot] = Some(hasher);
    args.return_int(slot as i32);
}

fn op_hash_update<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let CryptoState { hashes, buf_a, .. } = &mut state.crypto;
    let Some(Some(h)) = hashes.get_mut(args.int(0) as usize) else {
        return throw(args, &error::operation("Digest already called"));
    };
    buf_a.clear();
    append_input(args, 1, buf_a);
    h.update(buf_a);
    args.return_undefined();
}

/// cryptoHashDigest(handle): the digest; the handle is freed.
fn op_hash_digest<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match state
        .crypto
        .hashes
        .get_mut(args.int(0) as usize)
        .and_then(Option::take)
    {
        Some(h) => args.return_bytes(&h.finish()),
        None => throw(args, &error::operation("Digest already called")),
    }
}
