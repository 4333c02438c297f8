//! Digests and HMAC. RustCrypto's md-5, sha1 and sha2 digest; HMAC runs on
//! ring for the SHA-1/SHA-2 hashes Web Crypto names (JWT verification is
//! HMAC-bound and ring's is several times faster), on RustCrypto's hmac for
//! the rest (MD5, SHA-224: node:crypto only).

use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::error::{unsupported, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashAlg {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// Web Crypto's names ("SHA-256") and Node's ("sha256", "RSA-SHA256"),
    /// in any case.
    pub fn from_name(name: &str) -> Result<HashAlg> {
        let lower = name.to_ascii_lowercase();
        let bare = lower.strip_prefix("rsa-").unwrap_or(&lower);
        Ok(match bare {
            "md5" => HashAlg::Md5,
            "sha-1" | "sha1" => HashAlg::Sha1,
            "sha-224" | "sha224" => HashAlg::Sha224,
            "sha-256" | "sha256" => HashAlg::Sha256,
            "sha-384" | "sha384" => HashAlg::Sha384,
            "sha-512" | "sha512" => HashAlg::Sha512,
            _ => return Err(unsupported(format!("unsupported hash algorithm '{name}'"))),
        })
    }

    /// Digest size in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha224 => 28,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// Block size in bytes (the default HMAC key length of Web Crypto).
    pub fn block_len(self) -> usize {
        match self {
            HashAlg::Sha384 | HashAlg::Sha512 => 128,
            _ => 64,
        }
    }

    /// The JWK "alg" suffix number and Web Crypto name.
    pub fn web_name(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    fn ring_hmac(self) -> Option<ring::hmac::Algorithm> {
        Some(match self {
            HashAlg::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            HashAlg::Sha256 => ring::hmac::HMAC_SHA256,
            HashAlg::Sha384 => ring::hmac::HMAC_SHA384,
            HashAlg::Sha512 => ring::hmac::HMAC_SHA512,
            _ => return None,
        })
    }
}

pub fn digest(alg: HashAlg, data: &[u8]) -> Vec<u8> {
    match alg {
        HashAlg::Md5 => Md5::digest(data).to_vec(),
        HashAlg::Sha1 => Sha1::digest(data).to_vec(),
        HashAlg::Sha224 => Sha224::digest(data).to_vec(),
        HashAlg::Sha256 => Sha256::digest(data).to_vec(),
        HashAlg::Sha384 => Sha384::digest(data).to_vec(),
        HashAlg::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// A streaming digest (node:crypto's Hash: update, copy, digest).
#[derive(Clone)]
pub enum Hasher {
    Md5(Md5),
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    pub fn new(alg: HashAlg) -> Hasher {
        match alg {
            HashAlg::Md5 => Hasher::Md5(Md5::new()),
            HashAlg::Sha1 => Hasher::Sha1(Sha1::new()),
            HashAlg::Sha224 => Hasher::Sha224(Sha224::new()),
            HashAlg::Sha256 => Hasher::Sha256(Sha256::new()),
            HashAlg::Sha384 => Hasher::Sha384(Sha384::new()),
            HashAlg::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// HMAC of `data` under `key`.
pub fn hmac(alg: HashAlg, key: &[u8], data: &[u8]) -> Vec<u8> {
    if let Some(ring_alg) = alg.ring_hmac() {
        let k = ring::hmac::Key::new(ring_alg, key);
        return ring::hmac::sign(&k, data).as_ref().to_vec();
    }
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        let mut m = <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        m.update(data);
        m.finalize().into_bytes().to_vec()
    }
    match alg {
        HashAlg::Md5 => run::<Hmac<Md5>>(key, data),
        HashAlg::Sha224 => run::<Hmac<Sha224>>(key, data),
        _ => unreachable!("ring covers the other hashes"),
    }
}

/// A ring HMAC key made once per CryptoKey and hash (it holds the padded
/// inner and outer states, so a verification hashes only the message).
pub struct PreparedHmac {
    pub alg: HashAlg,
    key: ring::hmac::Key,
}

impl PreparedHmac {
    pub fn new(alg: HashAlg, key: &[u8]) -> Option<PreparedHmac> {
        Some(PreparedHmac {
            alg,
            key: ring::hmac::Key::new(alg.ring_hmac()?, key),
        })
    }

    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        ring::hmac::sign(&self.key, data).as_ref().to_vec()
    }

    /// Constant-time comparison with an expected tag.
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        ring::hmac::verify(&self.key, data, tag).is_ok()
    }
}

/// Constant-time equality of two equally long byte strings.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn digests_match_known_vectors() {
        assert_eq!(
            hex(&digest(HashAlg::Sha1, b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&digest(HashAlg::Sha256, b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&digest(HashAlg::Md5, b"abc")),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        let mut h = Hasher::new(HashAlg::Sha256);
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), digest(HashAlg::Sha256, b"abc"));
    }

    #[test]
    fn ring_and_rustcrypto_hmac_agree_with_rfc_4231_case_2() {
        let want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(
            hex(&hmac(HashAlg::Sha256, b"Jefe", b"what do ya want for nothing?")),
            want
        );
        let p = PreparedHmac::new(HashAlg::Sha256, b"Jefe").unwrap();
        assert!(p.verify(
            b"what do ya want for nothing?",
            &p.sign(b"what do ya want for nothing?")
        ));
        assert_eq!(
            hex(&hmac(HashAlg::Sha224, b"Jefe", b"what do ya want for nothing?")),
            "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44"
        );
    }
}
