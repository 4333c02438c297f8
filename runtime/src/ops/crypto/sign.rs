//! Signatures: HMAC, RSASSA-PKCS1-v1_5, RSA-PSS (rsa), ECDSA (p256, p384,
//! p521; ring signs and verifies P-256 and P-384 with their usual hashes,
//! several times faster), Ed25519 (ed25519-dalek).

use ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use ed25519_dalek::{Signer, Verifier};
use rand_core::OsRng;
use rsa::{Pkcs1v15Sign, Pss};

use super::error::{access, data, operation, unsupported, Result};
use super::hash::{self, HashAlg};
use super::key::{with_curve, Curve, Key};

/// The signature algorithms, with their parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scheme {
    Hmac(HashAlg),
    Pkcs1(HashAlg),
    /// The salt length in bytes.
    Pss(HashAlg, usize),
    /// `der`: ASN.1 DER signatures (node:crypto's default) instead of
    /// IEEE P1363's r || s (Web Crypto's).
    Ecdsa {
        hash: HashAlg,
        der: bool,
    },
    Ed25519,
}

impl Scheme {
    /// `alg` as Web Crypto names it; `param` is PSS's salt length, or for
    /// ECDSA 1 for DER signatures.
    pub fn new(alg: &str, hash: &str, param: f64) -> Result<Scheme> {
        let h = || HashAlg::from_name(hash);
        Ok(match alg {
            "HMAC" => Scheme::Hmac(h()?),
            "RSASSA-PKCS1-v1_5" => Scheme::Pkcs1(h()?),
            "RSA-PSS" => Scheme::Pss(h()?, param as usize),
            "ECDSA" => Scheme::Ecdsa {
                hash: h()?,
                der: param == 1.0,
            },
            "Ed25519" => Scheme::Ed25519,
            _ => return Err(unsupported(format!("unsupported signature algorithm '{alg}'"))),
        })
    }
}

fn pkcs1(alg: HashAlg) -> Result<Pkcs1v15Sign> {
    Ok(match alg {
        HashAlg::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        HashAlg::Sha224 => Pkcs1v15Sign::new::<sha2::Sha224>(),
        HashAlg::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlg::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        HashAlg::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
        HashAlg::Md5 => return Err(unsupported("RSA signatures with MD5 are not supported")),
    })
}

fn pss(alg: HashAlg, salt: usize) -> Result<Pss> {
    Ok(match alg {
        HashAlg::Sha1 => Pss::new_with_salt::<sha1::Sha1>(salt),
        HashAlg::Sha224 => Pss::new_with_salt::<sha2::Sha224>(salt),
        HashAlg::Sha256 => Pss::new_with_salt::<sha2::Sha256>(salt),
        HashAlg::Sha384 => Pss::new_with_salt::<sha2::Sha384>(salt),
        HashAlg::Sha512 => Pss::new_with_salt::<sha2::Sha512>(salt),
        HashAlg::Md5 => return Err(unsupported("RSA-PSS with MD5 is not supported")),
    })
}

fn wrong_key(scheme: Scheme, key: &Key, private: bool) -> super::error::CryptoError {
    access(format!(
        "a {} {} key cannot {} with {scheme:?}",
        key.key_type(),
        key.kind(),
        if private { "sign" } else { "verify" }
    ))
}

pub fn sign(scheme: Scheme, key: &Key, data_in: &[u8]) -> Result<Vec<u8>> {
    match (scheme, key) {
        (Scheme::Hmac(h), Key::Secret(s)) => Ok(match s.hmac(h) {
            Some(p) => p.sign(data_in),
            None => hash::hmac(h, &s.bytes, data_in),
        }),
        (Scheme::Pkcs1(h), Key::RsaPrivate(k)) => k
            .sign(pkcs1(h)?, &hash::digest(h, data_in))
            .map_err(|e| operation(format!("RSA signing failed: {e}"))),
        (Scheme::Pss(h, salt), Key::RsaPrivate(k)) => k
            .sign_with_rng(&mut OsRng, pss(h, salt)?, &hash::digest(h, data_in))
            .map_err(|e| operation(format!("RSA-PSS signing failed: {e}"))),
        (
            Scheme::Ecdsa { hash: h, der },
            Key::EcPrivate {
                curve,
                scalar,
                public,
                signers,
            },
        ) => {
            if let Some(pair) = signers.get(*curve, scalar, public, h, der) {
                return pair
                    .sign(&ring::rand::SystemRandom::new(), data_in)
                    .map(|sig| sig.as_ref().to_vec())
                    .map_err(|_| operation("ECDSA signing failed"));
            }
            let prehash = ecdsa_prehash(*curve, h, data_in);
            with_curve!(*curve, c => {
                let sk = c::ecdsa::SigningKey::from_slice(scalar).map_err(|_| operation("bad EC key"))?;
                let sig: c::ecdsa::Signature =
                    sk.sign_prehash(&prehash).map_err(|e| operation(format!("ECDSA signing failed: {e}")))?;
                Ok(if der { sig.to_der().as_bytes().to_vec() } else { sig.to_bytes().to_vec() })
            })
        }
        (Scheme::Ed25519, Key::Ed25519Private(k)) => Ok(k.sign(data_in).to_bytes().to_vec()),
        _ => Err(wrong_key(scheme, key, true)),
    }
}

/// Whether `signature` is valid; a malformed signature is `false`, as in
/// Web Crypto, never an error.
pub fn verify(scheme: Scheme, key: &Key, signature: &[u8], data_in: &[u8]) -> Result<bool> {
    match (scheme, key) {
        (Scheme::Hmac(h), Key::Secret(s)) => Ok(match s.hmac(h) {
            Some(p) => p.verify(data_in, signature),
            None => hash::constant_time_eq(&hash::hmac(h, &s.bytes, data_in), signature),
        }),
        (Scheme::Pkcs1(h), Key::RsaPublic(k)) => {
            Ok(k.verify(pkcs1(h)?, &hash::digest(h, data_in), signature).is_ok())
        }
        (Scheme::Pss(h, salt), Key::RsaPublic(k)) => Ok(k
            .verify(pss(h, salt)?, &hash::digest(h, data_in), signature)
            .is_ok()),
        (Scheme::Ecdsa { hash: h, der }, Key::EcPublic { curve, public }) => {
            if let Some(alg) = ring_ecdsa(*curve, h, der) {
                let k = ring::signature::UnparsedPublicKey::new(alg, public);
                return Ok(k.verify(data_in, signature).is_ok());
            }
            let prehash = ecdsa_prehash(*curve, h, data_in);
            with_curve!(*curve, c => {
                let vk = c::ecdsa::VerifyingKey::from_sec1_bytes(public).map_err(|_| data("bad EC point"))?;
                let sig = if der {
                    c::ecdsa::Signature::from_der(signature)
                } else {
                    c::ecdsa::Signature::from_slice(signature)
                };
                Ok(match sig {
                    Ok(sig) => vk.verify_prehash(&prehash, &sig).is_ok(),
                    Err(_) => false,
                })
            })
        }
        (Scheme::Ed25519, Key::Ed25519Public(k)) => {
            Ok(match ed25519_dalek::Signature::from_slice(signature) {
                Ok(sig) => k.verify(data_in, &sig).is_ok(),
                Err(_) => false,
            })
        }
        _ => Err(wrong_key(scheme, key, false)),
    }
}

/// The message digest as the ECDSA integer: a digest shorter than the
/// curve's field is left-padded with zeros (the same integer), since
/// RustCrypto refuses digests under half the field size (SHA-256 with
/// P-521, SHA-1 with P-384), which Web Crypto and OpenSSL allow.
fn ecdsa_prehash(curve: Curve, h: HashAlg, data_in: &[u8]) -> Vec<u8> {
    let d = hash::digest(h, data_in);
    let n = curve.field_len();
    if d.len() >= n {
        return d;
    }
    let mut padded = vec![0u8; n - d.len()];
    padded.extend_from_slice(&d);
    padded
}

fn ring_ecdsa(
    curve: Curve,
    h: HashAlg,
    der: bool,
) -> Option<&'static ring::signature::EcdsaVerificationAlgorithm> {
    use ring::signature::*;
    Some(match (curve, h, der) {
        (Curve::P256, HashAlg::Sha256, false) => &ECDSA_P256_SHA256_FIXED,
        (Curve::P384, HashAlg::Sha384, false) => &ECDSA_P384_SHA384_FIXED,
        (Curve::P256, HashAlg::Sha256, true) => &ECDSA_P256_SHA256_ASN1,
        (Curve::P256, HashAlg::Sha384, true) => &ECDSA_P256_SHA384_ASN1,
        (Curve::P384, HashAlg::Sha256, true) => &ECDSA_P384_SHA256_ASN1,
        (Curve::P384, HashAlg::Sha384, true) => &ECDSA_P384_SHA384_ASN1,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::key::generate;
    use super::*;

    #[test]
    fn ring_and_rustcrypto_accept_each_others_ecdsa_signatures() {
        for curve in ["P-256", "P-384", "P-521"] {
            let k = generate("ec", 0, &[], curve).unwrap();
            let public = k.public().unwrap();
            for h in [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512] {
                for der in [false, true] {
                    let s = Scheme::Ecdsa { hash: h, der };
                    let sig = sign(s, &k, b"msg").unwrap_or_else(|e| panic!("{curve} {h:?} {e}"));
                    assert!(
                        verify(s, &public, &sig, b"msg").unwrap(),
                        "{curve} {h:?} der={der}"
                    );
                    assert!(!verify(s, &public, &sig, b"other").unwrap());
                    assert!(!verify(s, &public, &sig[1..], b"msg").unwrap());
                }
            }
        }
    }

    /// ring signs P-256 with SHA-256 and P-384 with SHA-384 (a prepared key
    /// kept with the private key): RustCrypto verifies what it signs, in
    /// both formats, and the prepared key is reused.
    #[test]
    fn rings_ecdsa_signatures_verify_with_rustcrypto() {
        for (curve, h) in [("P-256", HashAlg::Sha256), ("P-384", HashAlg::Sha384)] {
            let k = generate("ec", 0, &[], curve).unwrap();
            let Key::EcPublic { curve: c, public } = k.public().unwrap() else {
                panic!("an EC public key")
            };
            for der in [false, true] {
                let s = Scheme::Ecdsa { hash: h, der };
                let (a, b) = (sign(s, &k, b"msg").unwrap(), sign(s, &k, b"msg").unwrap());
                assert_ne!(a, b, "ECDSA signatures are randomized");
                let prehash = ecdsa_prehash(c, h, b"msg");
                with_curve!(c, cc => {
                    let vk = cc::ecdsa::VerifyingKey::from_sec1_bytes(&public).unwrap();
                    for sig in [a, b] {
                        let sig = if der {
                            cc::ecdsa::Signature::from_der(&sig).unwrap()
                        } else {
                            cc::ecdsa::Signature::from_slice(&sig).unwrap()
                        };
                        assert!(vk.verify_prehash(&prehash, &sig).is_ok(), "{curve} der={der}");
                    }
                });
            }
            let Key::EcPrivate { signers, .. } = &k else {
                unreachable!()
            };
            assert!(signers.get(c, &[], &[], h, false).is_some(), "made once and kept");
        }
    }

    #[test]
    fn a_key_of_the_wrong_kind_is_an_invalid_access_error() {
        let ed = generate("ed25519", 0, &[], "").unwrap();
        let e = sign(Scheme::Hmac(HashAlg::Sha256), &ed, b"x").unwrap_err();
        assert_eq!(e.name, super::super::error::Name::InvalidAccess);
        let sig = sign(Scheme::Ed25519, &ed, b"x").unwrap();
        assert!(verify(Scheme::Ed25519, &ed.public().unwrap(), &sig, b"x").unwrap());
        assert!(
            verify(Scheme::Ed25519, &ed, &sig, b"x").is_err(),
            "a private key does not verify"
        );
    }
}
