//! encrypt/decrypt (and wrapKey/unwrapKey, which are encrypt/decrypt of an
//! exported key): the AES modes of aes.rs on secret keys, RSA-OAEP (rsa)
//! on RSA keys.

use rand_core::OsRng;
use rsa::Oaep;

use super::aes;
use super::error::{access, operation, unsupported, Result};
use super::hash::HashAlg;
use super::key::Key;

/// A cipher call's parameters, as JS passes them.
pub struct Params<'a> {
    /// "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW", "RSA-OAEP".
    pub alg: &'a str,
    /// RSA-OAEP's hash.
    pub hash: &'a str,
    /// The IV, AES-CTR's counter block, or RSA-OAEP's label.
    pub iv: &'a [u8],
    /// AES-GCM's tag length or AES-CTR's counter length, in bits; for
    /// AES-CBC 0 turns PKCS#7 padding off (node:crypto's setAutoPadding).
    pub param: u32,
    /// AES-GCM's additional data.
    pub aad: &'a [u8],
}

pub fn run(encrypt: bool, p: &Params<'_>, key: &Key, input: &[u8]) -> Result<Vec<u8>> {
    match (p.alg, key) {
        ("AES-GCM", Key::Secret(s)) => aes::gcm(encrypt, &s.bytes, p.iv, p.aad, p.param, input),
        ("AES-CBC", Key::Secret(s)) => aes::cbc(encrypt, &s.bytes, p.iv, p.param != 0, input),
        ("AES-CTR", Key::Secret(s)) => aes::ctr(&s.bytes, p.iv, p.param, input),
        ("AES-KW", Key::Secret(s)) => aes::kw(encrypt, &s.bytes, input),
        ("RSA-OAEP", Key::RsaPublic(k)) if encrypt => k
            .encrypt(&mut OsRng, oaep(p.hash, p.iv)?, input)
            .map_err(|e| operation(format!("RSA-OAEP encryption failed: {e}"))),
        ("RSA-OAEP", Key::RsaPrivate(k)) if !encrypt => k
            .decrypt_blinded(&mut OsRng, oaep(p.hash, p.iv)?, input)
            .map_err(|_| operation("The operation failed for an operation-specific reason")),
        ("AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" | "RSA-OAEP", _) => Err(access(format!(
            "a {} {} key cannot {} with {}",
            key.key_type(),
            key.kind(),
            if encrypt { "encrypt" } else { "decrypt" },
            p.alg
        ))),
        _ => Err(unsupported(format!("unsupported cipher '{}'", p.alg))),
    }
}

fn oaep(hash: &str, label: &[u8]) -> Result<Oaep> {
    let mut o = match HashAlg::from_name(hash)? {
        HashAlg::Sha1 => Oaep::new::<sha1::Sha1>(),
        HashAlg::Sha256 => Oaep::new::<sha2::Sha256>(),
        HashAlg::Sha384 => Oaep::new::<sha2::Sha384>(),
        HashAlg::Sha512 => Oaep::new::<sha2::Sha512>(),
        h => {
            return Err(unsupported(format!(
                "RSA-OAEP with {} is not supported",
                h.web_name()
            )))
        }
    };
    if !label.is_empty() {
        // The rsa crate keeps the label as a String.
        let text = std::str::from_utf8(label)
            .map_err(|_| unsupported("RSA-OAEP labels must be UTF-8 text in Howth"))?;
        o.label = Some(text.to_owned());
    }
    Ok(o)
}
