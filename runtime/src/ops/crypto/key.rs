//! Key material and its formats: what a handle in the key table points to,
//! how keys come in (raw, PKCS#8, SPKI, JWK, and for node:crypto PKCS#1,
//! SEC1 and PEM) and go out, and key generation. The algorithm a key is
//! used with is checked in JS (ts-lib/crypto_subtle.ts); Rust checks that
//! the material fits the operation.

use std::sync::{Arc, OnceLock};

use base64ct::{Base64UrlUnpadded, Encoding};
use elliptic_curve::sec1::ToEncodedPoint;
use pkcs8::der::asn1::{BitStringRef, OctetStringRef};
use pkcs8::der::{Decode, Encode};
use pkcs8::{DecodePrivateKey, EncodePrivateKey, ObjectIdentifier, PrivateKeyInfo};
use rand_core::OsRng;
use ring::signature::EcdsaKeyPair;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Map, Value};
use spki::{AlgorithmIdentifierRef, DecodePublicKey, EncodePublicKey, SubjectPublicKeyInfoRef};

use super::error::{data, operation, unsupported, Result};
use super::hash::{HashAlg, PreparedHmac};

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    /// Web Crypto's names and OpenSSL's (what node:crypto takes).
    pub fn from_name(name: &str) -> Result<Curve> {
        Ok(match name {
            "P-256" | "prime256v1" | "secp256r1" => Curve::P256,
            "P-384" | "secp384r1" => Curve::P384,
            "P-521" | "secp521r1" => Curve::P521,
            _ => return Err(unsupported(format!("unsupported named curve '{name}'"))),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Size of a scalar or coordinate in bytes.
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => OID_P256,
            Curve::P384 => OID_P384,
            Curve::P521 => OID_P521,
        }
    }

    fn from_oid(oid: ObjectIdentifier) -> Result<Curve> {
        Ok(match oid {
            OID_P256 => Curve::P256,
            OID_P384 => Curve::P384,
            OID_P521 => Curve::P521,
            _ => return Err(unsupported(format!("unsupported named curve {oid}"))),
        })
    }
}

/// Runs `$body` with `$c` naming the RustCrypto crate of `$curve`.
macro_rules! with_curve {
    ($curve:expr, $c:ident => $body:expr) => {
        match $curve {
            $crate::ops::crypto::key::Curve::P256 => {
                use p256 as $c;
                $body
            }
            $crate::ops::crypto::key::Curve::P384 => {
                use p384 as $c;
                $body
            }
            $crate::ops::crypto::key::Curve::P521 => {
                use p521 as $c;
                $body
            }
        }
    };
}
pub(crate) use with_curve;

/// A secret key's bytes, with the ring HMAC key made on first use.
pub struct Secret {
    pub bytes: Vec<u8>,
    hmac: OnceLock<Option<PreparedHmac>>,
}

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret {
            bytes,
            hmac: OnceLock::new(),
        }
    }

    /// The prepared HMAC key for `alg` (made once: a key has one hash in
    /// Web Crypto), or None where ring has no such HMAC.
    pub fn hmac(&self, alg: HashAlg) -> Option<&PreparedHmac> {
        self.hmac
            .get_or_init(|| PreparedHmac::new(alg, &self.bytes))
            .as_ref()
            .filter(|p| p.alg == alg)
    }
}

/// An EC private key's ring signing keys (P-256 with SHA-256, P-384 with
/// SHA-384: ring's assembly signs about ten times faster than the p256
/// crate), made on first use, one per signature format: IEEE P1363 (Web
/// Crypto) and DER (node:crypto's default). Making one checks the key pair
/// and computes tables, so it is kept rather than redone per signature.
#[derive(Default)]
pub struct EcSigners {
    by_format: [OnceLock<Option<EcdsaKeyPair>>; 2],
}

impl EcSigners {
    /// ring's signing key for this curve, hash and format; None where ring
    /// has no such ECDSA (P-521, other hashes), which RustCrypto signs.
    pub fn get(
        &self,
        curve: Curve,
        scalar: &[u8],
        public: &[u8],
        h: HashAlg,
        der: bool,
    ) -> Option<&EcdsaKeyPair> {
        use ring::signature::*;
        let alg = match (curve, h, der) {
            (Curve::P256, HashAlg::Sha256, false) => &ECDSA_P256_SHA256_FIXED_SIGNING,
            (Curve::P256, HashAlg::Sha256, true) => &ECDSA_P256_SHA256_ASN1_SIGNING,
            (Curve::P384, HashAlg::Sha384, false) => &ECDSA_P384_SHA384_FIXED_SIGNING,
            (Curve::P384, HashAlg::Sha384, true) => &ECDSA_P384_SHA384_ASN1_SIGNING,
            _ => return None,
        };
        self.by_format[der as usize]
            .get_or_init(|| {
                EcdsaKeyPair::from_private_key_and_public_key(
                    alg,
                    scalar,
                    public,
                    &ring::rand::SystemRandom::new(),
                )
                .ok()
            })
            .as_ref()
    }
}

pub enum Key {
    Secret(Secret),
    RsaPrivate(Box<RsaPrivateKey>),
    RsaPublic(RsaPublicKey),
    /// The scalar (big-endian, field size) and the public point, uncompressed.
    EcPrivate {
        curve: Curve,
        scalar: Vec<u8>,
        public: Vec<u8>,
        signers: Box<EcSigners>,
    },
    EcPublic {
        curve: Curve,
        public: Vec<u8>,
    },
    Ed25519Private(ed25519_dalek::SigningKey),
    Ed25519Public(ed25519_dalek::VerifyingKey),
    X25519Private(x25519_dalek::StaticSecret),
    X25519Public(x25519_dalek::PublicKey),
}

impl Key {
    pub fn secret(bytes: Vec<u8>) -> Key {
        Key::Secret(Secret::new(bytes))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Key::Secret(_) => "secret",
            Key::RsaPrivate(_) | Key::RsaPublic(_) => "rsa",
            Key::EcPrivate { .. } | Key::EcPublic { .. } => "ec",
            Key::Ed25519Private(_) | Key::Ed25519Public(_) => "ed25519",
            Key::X25519Private(_) | Key::X25519Public(_) => "x25519",
        }
    }

    pub fn key_type(&self) -> &'static str {
        match self {
            Key::Secret(_) => "secret",
            Key::RsaPrivate(_) | Key::EcPrivate { .. } | Key::Ed25519Private(_) | Key::X25519Private(_) => {
                "private"
            }
            _ => "public",
        }
    }

    /// What JS needs to build a CryptoKey or KeyObject around the handle.
    pub fn info(&self) -> Value {
        let mut o = Map::new();
        o.insert("kind".into(), self.kind().into());
        o.insert("type".into(), self.key_type().into());
        match self {
            Key::Secret(s) => {
                o.insert("length".into(), (s.bytes.len() * 8).into());
            }
            Key::RsaPrivate(k) => rsa_info(&mut o, &k.to_public_key()),
            Key::RsaPublic(k) => rsa_info(&mut o, k),
            Key::EcPrivate { curve, .. } | Key::EcPublic { curve, .. } => {
                o.insert("namedCurve".into(), curve.name().into());
            }
            _ => {}
        }
        Value::Object(o)
    }

    /// The public half of a private key (a public key is its own).
    pub fn public(&self) -> Result<Key> {
        Ok(match self {
            Key::RsaPrivate(k) => Key::RsaPublic(k.to_public_key()),
            Key::RsaPublic(k) => Key::RsaPublic(k.clone()),
            Key::EcPrivate { curve, public, .. } | Key::EcPublic { curve, public } => Key::EcPublic {
                curve: *curve,
                public: public.clone(),
            },
            Key::Ed25519Private(k) => Key::Ed25519Public(k.verifying_key()),
            Key::Ed25519Public(k) => Key::Ed25519Public(*k),
            Key::X25519Private(k) => Key::X25519Public(x25519_dalek::PublicKey::from(k)),
            Key::X25519Public(k) => Key::X25519Public(*k),
            Key::Secret(_) => return Err(data("a secret key has no public half")),
        })
    }
}

fn rsa_info(o: &mut Map<String, Value>, k: &RsaPublicKey) {
    o.insert("modulusLength".into(), (k.n().bits()).into());
    o.insert("publicExponent".into(), k.e().to_bytes_be().into());
}

// ---- import -------------------------------------------------------------

/// Imports key data. `format` is "raw", "spki", "pkcs8", "jwk" (data is
/// the JWK's JSON text), "pkcs1" or "sec1" (node:crypto), or "pem" (the
/// label says which). For "raw", `kind` ("ec", "ed25519", "x25519",
/// "secret") and `curve` say what the bytes are; other formats carry it.
pub fn import(format: &str, bytes: &[u8], kind: &str, curve: &str) -> Result<Key> {
    match format {
        "raw" => import_raw(kind, curve, bytes),
        "spki" => import_spki(bytes),
        "pkcs8" => import_pkcs8(bytes),
        "pkcs1" => import_pkcs1(bytes),
        "sec1" => import_sec1(bytes),
        "jwk" => {
            let jwk: Value = serde_json::from_slice(bytes).map_err(|_| data("the JWK is not valid JSON"))?;
            import_jwk(&jwk)
        }
        "pem" => import_pem(bytes),
        _ => Err(unsupported(format!("unsupported key format '{format}'"))),
    }
}

fn import_raw(kind: &str, curve: &str, bytes: &[u8]) -> Result<Key> {
    match kind {
        "secret" => Ok(Key::secret(bytes.to_vec())),
        "ec" => {
            let curve = Curve::from_name(curve)?;
            Ok(Key::EcPublic {
                curve,
                public: ec_point(curve, bytes)?,
            })
        }
        "ed25519" => Ok(Key::Ed25519Public(ed_public(bytes)?)),
        "x25519" => Ok(Key::X25519Public(x_public(bytes)?)),
        _ => Err(unsupported(format!(
            "raw import of a {kind} key is not supported"
        ))),
    }
}

/// Validates a SEC1 point (compressed or not) and returns it uncompressed.
fn ec_point(curve: Curve, bytes: &[u8]) -> Result<Vec<u8>> {
    with_curve!(curve, c => {
        let p = c::PublicKey::from_sec1_bytes(bytes).map_err(|_| data("invalid EC public key"))?;
        Ok(p.to_encoded_point(false).as_bytes().to_vec())
    })
}

fn ed_public(bytes: &[u8]) -> Result<ed25519_dalek::VerifyingKey> {
    let b: [u8; 32] = bytes
        .try_into()
        .map_err(|_| data("an Ed25519 public key is 32 bytes"))?;
    ed25519_dalek::VerifyingKey::from_bytes(&b).map_err(|_| data("invalid Ed25519 public key"))
}

fn x_public(bytes: &[u8]) -> Result<x25519_dalek::PublicKey> {
    let b: [u8; 32] = bytes
        .try_into()
        .map_err(|_| data("an X25519 public key is 32 bytes"))?;
    Ok(x25519_dalek::PublicKey::from(b))
}

fn ec_private(curve: Curve, scalar: &[u8]) -> Result<Key> {
    with_curve!(curve, c => {
        let sk = c::SecretKey::from_slice(scalar).map_err(|_| data("invalid EC private key"))?;
        Ok(Key::EcPrivate {
            curve,
            scalar: sk.to_bytes().to_vec(),
            public: sk.public_key().to_encoded_point(false).as_bytes().to_vec(),
            signers: Box::default(),
        })
    })
}

fn import_spki(der: &[u8]) -> Result<Key> {
    let spki = SubjectPublicKeyInfoRef::try_from(der).map_err(|_| data("invalid SPKI key data"))?;
    let bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| data("invalid SPKI key data"))?;
    match spki.algorithm.oid {
        OID_RSA => Ok(Key::RsaPublic(
            RsaPublicKey::from_public_key_der(der).map_err(|_| data("invalid RSA public key"))?,
        )),
        OID_EC => {
            let oid = spki
                .algorithm
                .parameters_oid()
                .map_err(|_| data("EC key without a named curve"))?;
            let curve = Curve::from_oid(oid)?;
            Ok(Key::EcPublic {
                curve,
                public: ec_point(curve, bits)?,
            })
        }
        OID_ED25519 => Ok(Key::Ed25519Public(ed_public(bits)?)),
        OID_X25519 => Ok(Key::X25519Public(x_public(bits)?)),
        oid => Err(unsupported(format!("unsupported key algorithm {oid}"))),
    }
}

fn import_pkcs8(der: &[u8]) -> Result<Key> {
    let info = PrivateKeyInfo::try_from(der).map_err(|_| data("invalid PKCS#8 key data"))?;
    match info.algorithm.oid {
        OID_RSA => {
            rsa_private(RsaPrivateKey::from_pkcs8_der(der).map_err(|_| data("invalid RSA private key"))?)
        }
        OID_EC => {
            let oid = info
                .algorithm
                .parameters_oid()
                .map_err(|_| data("EC key without a named curve"))?;
            let curve = Curve::from_oid(oid)?;
            with_curve!(curve, c => {
                let sk = c::SecretKey::from_pkcs8_der(der).map_err(|_| data("invalid EC private key"))?;
                ec_private(curve, &sk.to_bytes())
            })
        }
        OID_ED25519 => {
            let seed = curve25519_seed(info.private_key)?;
            Ok(Key::Ed25519Private(ed25519_dalek::SigningKey::from_bytes(&seed)))
        }
        OID_X25519 => Ok(Key::X25519Private(x25519_dalek::StaticSecret::from(
            curve25519_seed(info.private_key)?,
        ))),
        oid => Err(unsupported(format!("unsupported key algorithm {oid}"))),
    }
}

/// RFC 8410: the private key of an Ed25519 or X25519 PKCS#8 is an OCTET
/// STRING holding the 32-byte seed.
fn curve25519_seed(inner: &[u8]) -> Result<[u8; 32]> {
    let os = OctetStringRef::from_der(inner).map_err(|_| data("invalid PKCS#8 key data"))?;
    os.as_bytes()
        .try_into()
        .map_err(|_| data("a Curve25519 private key is 32 bytes"))
}

fn rsa_private(mut k: RsaPrivateKey) -> Result<Key> {
    k.validate().map_err(|_| data("invalid RSA private key"))?;
    k.precompute().map_err(|_| data("invalid RSA private key"))?;
    Ok(Key::RsaPrivate(Box::new(k)))
}

fn import_pkcs1(der: &[u8]) -> Result<Key> {
    if let Ok(k) = RsaPrivateKey::from_pkcs1_der(der) {
        return rsa_private(k);
    }
    RsaPublicKey::from_pkcs1_der(der)
        .map(Key::RsaPublic)
        .map_err(|_| data("invalid PKCS#1 key data"))
}

fn import_sec1(der: &[u8]) -> Result<Key> {
    let ec = sec1::EcPrivateKey::from_der(der).map_err(|_| data("invalid SEC1 key data"))?;
    let oid = ec
        .parameters
        .and_then(|p| p.named_curve())
        .ok_or_else(|| data("SEC1 key without a named curve"))?;
    ec_private(Curve::from_oid(oid)?, ec.private_key)
}

fn import_pem(text: &[u8]) -> Result<Key> {
    let text = std::str::from_utf8(text).map_err(|_| data("the PEM text is not UTF-8"))?;
    let (label, der) =
        pkcs8::der::pem::decode_vec(text.trim().as_bytes()).map_err(|_| data("invalid PEM"))?;
    match label {
        "PRIVATE KEY" => import_pkcs8(&der),
        "PUBLIC KEY" => import_spki(&der),
        "RSA PRIVATE KEY" | "RSA PUBLIC KEY" => import_pkcs1(&der),
        "EC PRIVATE KEY" => import_sec1(&der),
        "CERTIFICATE" => Err(unsupported("keys from X.509 certificates are not supported")),
        "ENCRYPTED PRIVATE KEY" => Err(unsupported("encrypted private keys are not supported")),
        _ => Err(data(format!("unsupported PEM label '{label}'"))),
    }
}

fn b64(jwk: &Value, field: &str) -> Result<Vec<u8>> {
    let s = jwk
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| data(format!("the JWK has no '{field}'")))?;
    Base64UrlUnpadded::decode_vec(s.trim_end_matches('='))
        .map_err(|_| data(format!("the JWK's '{field}' is not base64url")))
}

fn big(jwk: &Value, field: &str) -> Result<BigUint> {
    Ok(BigUint::from_bytes_be(&b64(jwk, field)?))
}

/// Imports a JWK's key material; JS has checked "alg", "use", "key_ops"
/// and "ext" against the algorithm and usages. Secret ("oct") keys are
/// decoded in JS.
pub fn import_jwk(jwk: &Value) -> Result<Key> {
    let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
    let private = jwk.get("d").is_some();
    match kty {
        "oct" => Ok(Key::secret(b64(jwk, "k")?)),
        "RSA" => {
            let (n, e) = (big(jwk, "n")?, big(jwk, "e")?);
            if !private {
                return RsaPublicKey::new(n, e)
                    .map(Key::RsaPublic)
                    .map_err(|_| data("invalid RSA public key"));
            }
            let d = big(jwk, "d")?;
            let primes = match (jwk.get("p"), jwk.get("q")) {
                (Some(_), Some(_)) => vec![big(jwk, "p")?, big(jwk, "q")?],
                _ => return Err(data("RSA private JWKs need their primes 'p' and 'q'")),
            };
            let k = RsaPrivateKey::from_components(n, e, d, primes)
                .map_err(|_| data("invalid RSA private key"))?;
            rsa_private(k)
        }
        "EC" => {
            let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or("");
            let curve = Curve::from_name(crv).map_err(|_| data(format!("unsupported JWK curve '{crv}'")))?;
            let (x, y) = (b64(jwk, "x")?, b64(jwk, "y")?);
            let n = curve.field_len();
            if x.len() != n || y.len() != n {
                return Err(data("the JWK's coordinates have the wrong length"));
            }
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let public = ec_point(curve, &point)?;
            if !private {
                return Ok(Key::EcPublic { curve, public });
            }
            let d = b64(jwk, "d")?;
            if d.len() != n {
                return Err(data("the JWK's 'd' has the wrong length"));
            }
            let key = ec_private(curve, &d)?;
            match &key {
                Key::EcPrivate { public: p, .. } if *p == public => Ok(key),
                _ => Err(data("the JWK's 'd' does not match its public point")),
            }
        }
        "OKP" => {
            let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or("");
            let x = b64(jwk, "x")?;
            match (crv, private) {
                ("Ed25519", false) => Ok(Key::Ed25519Public(ed_public(&x)?)),
                ("X25519", false) => Ok(Key::X25519Public(x_public(&x)?)),
                ("Ed25519", true) => {
                    let d: [u8; 32] = b64(jwk, "d")?
                        .try_into()
                        .map_err(|_| data("invalid Ed25519 'd'"))?;
                    let k = ed25519_dalek::SigningKey::from_bytes(&d);
                    if k.verifying_key().as_bytes()[..] != x[..] {
                        return Err(data("the JWK's 'd' does not match its 'x'"));
                    }
                    Ok(Key::Ed25519Private(k))
                }
                ("X25519", true) => {
                    let d: [u8; 32] = b64(jwk, "d")?
                        .try_into()
                        .map_err(|_| data("invalid X25519 'd'"))?;
                    let k = x25519_dalek::StaticSecret::from(d);
                    if x25519_dalek::PublicKey::from(&k).as_bytes()[..] != x[..] {
                        return Err(data("the JWK's 'd' does not match its 'x'"));
                    }
                    Ok(Key::X25519Private(k))
                }
                _ => Err(data(format!("unsupported JWK curve '{crv}'"))),
            }
        }
        _ => Err(data(format!("unsupported JWK key type '{kty}'"))),
    }
}

// ---- export -------------------------------------------------------------

/// Exported key data: bytes, or a JWK object.
pub enum Exported {
    Bytes(Vec<u8>),
    Jwk(Value),
}

pub fn export(key: &Key, format: &str) -> Result<Exported> {
    let bytes = match (format, key) {
        ("jwk", _) => return export_jwk(key).map(Exported::Jwk),
        ("raw", Key::Secret(s)) => s.bytes.clone(),
        ("raw", Key::EcPublic { public, .. }) => public.clone(),
        ("raw", Key::Ed25519Public(k)) => k.as_bytes().to_vec(),
        ("raw", Key::X25519Public(k)) => k.as_bytes().to_vec(),
        ("spki", Key::RsaPublic(k)) => k.to_public_key_der().map_err(der_err)?.into_vec(),
        ("spki", Key::EcPublic { curve, public }) => with_curve!(*curve, c => {
            c::PublicKey::from_sec1_bytes(public)
                .map_err(|_| operation("bad EC point"))?
                .to_public_key_der()
                .map_err(der_err)?
                .into_vec()
        }),
        ("spki", Key::Ed25519Public(k)) => spki_bytes(OID_ED25519, k.as_bytes())?,
        ("spki", Key::X25519Public(k)) => spki_bytes(OID_X25519, k.as_bytes())?,
        ("pkcs8", Key::RsaPrivate(k)) => k.to_pkcs8_der().map_err(der_err)?.as_bytes().to_vec(),
        ("pkcs8", Key::EcPrivate { curve, scalar, .. }) => with_curve!(*curve, c => {
            c::SecretKey::from_slice(scalar)
                .map_err(|_| operation("bad EC key"))?
                .to_pkcs8_der()
                .map_err(der_err)?
                .as_bytes()
                .to_vec()
        }),
        ("pkcs8", Key::Ed25519Private(k)) => pkcs8_bytes(OID_ED25519, &k.to_bytes())?,
        ("pkcs8", Key::X25519Private(k)) => pkcs8_bytes(OID_X25519, &k.to_bytes())?,
        ("pkcs1", Key::RsaPrivate(k)) => k.to_pkcs1_der().map_err(der_err)?.as_bytes().to_vec(),
        ("pkcs1", Key::RsaPublic(k)) => k.to_pkcs1_der().map_err(der_err)?.into_vec(),
        (
            "sec1",
            Key::EcPrivate {
                curve,
                scalar,
                public,
                ..
            },
        ) => {
            // With the curve's OID inside, as OpenSSL writes it (RustCrypto's
            // to_sec1_der leaves it out), so the key stands on its own.
            let ec = sec1::EcPrivateKey {
                private_key: scalar,
                parameters: Some(sec1::EcParameters::NamedCurve(curve.oid())),
                public_key: Some(public),
            };
            ec.to_der().map_err(der_err)?
        }
        ("raw" | "spki" | "pkcs8" | "pkcs1" | "sec1", _) => {
            return Err(super::error::access(format!(
                "a {} {} key cannot be exported as {format}",
                key.key_type(),
                key.kind()
            )))
        }
        _ => return Err(unsupported(format!("unsupported key format '{format}'"))),
    };
    Ok(Exported::Bytes(bytes))
}

fn der_err<E>(_: E) -> super::error::CryptoError {
    operation("the key could not be encoded")
}

fn spki_bytes(oid: ObjectIdentifier, public: &[u8]) -> Result<Vec<u8>> {
    let info = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid,
            parameters: None,
        },
        subject_public_key: BitStringRef::from_bytes(public).map_err(|_| operation("bad key"))?,
    };
    info.to_der()
        .map_err(|_| operation("the key could not be encoded"))
}

fn pkcs8_bytes(oid: ObjectIdentifier, seed: &[u8]) -> Result<Vec<u8>> {
    let inner = OctetStringRef::new(seed)
        .and_then(|o| o.to_der())
        .map_err(|_| operation("the key could not be encoded"))?;
    let info = PrivateKeyInfo {
        algorithm: AlgorithmIdentifierRef {
            oid,
            parameters: None,
        },
        private_key: &inner,
        public_key: None,
    };
    info.to_der()
        .map_err(|_| operation("the key could not be encoded"))
}

fn enc(b: &[u8]) -> Value {
    Value::String(Base64UrlUnpadded::encode_string(b))
}

fn enc_big(b: &BigUint) -> Value {
    enc(&b.to_bytes_be())
}

/// Pads a big-endian number to a curve's field size (JWK coordinates are fixed-length).
fn fixed(b: &[u8], n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n.saturating_sub(b.len())];
    v.extend_from_slice(b);
    v
}

fn export_jwk(key: &Key) -> Result<Value> {
    Ok(match key {
        Key::Secret(s) => json!({ "kty": "oct", "k": enc(&s.bytes) }),
        Key::RsaPublic(k) => json!({ "kty": "RSA", "n": enc_big(k.n()), "e": enc_big(k.e()) }),
        Key::RsaPrivate(k) => {
            let p = k.primes();
            if p.len() != 2 {
                return Err(unsupported("multi-prime RSA keys cannot be exported as JWK"));
            }
            let (dp, dq) = (
                k.dp().ok_or_else(|| operation("no CRT values"))?,
                k.dq().ok_or_else(|| operation("no CRT values"))?,
            );
            let qi = k.crt_coefficient().ok_or_else(|| operation("no CRT values"))?;
            json!({
                "kty": "RSA", "n": enc_big(k.n()), "e": enc_big(k.e()), "d": enc_big(k.d()),
                "p": enc_big(&p[0]), "q": enc_big(&p[1]), "dp": enc_big(dp), "dq": enc_big(dq), "qi": enc_big(&qi),
            })
        }
        Key::EcPublic { curve, public } | Key::EcPrivate { curve, public, .. } => {
            let n = curve.field_len();
            let mut o = json!({ "kty": "EC", "crv": curve.name(), "x": enc(&public[1..1 + n]), "y": enc(&public[1 + n..]) });
            if let Key::EcPrivate { scalar, .. } = key {
                o["d"] = enc(&fixed(scalar, n));
            }
            o
        }
        Key::Ed25519Public(k) => json!({ "kty": "OKP", "crv": "Ed25519", "x": enc(k.as_bytes()) }),
        Key::Ed25519Private(k) => {
            json!({ "kty": "OKP", "crv": "Ed25519", "x": enc(k.verifying_key().as_bytes()), "d": enc(&k.to_bytes()) })
        }
        Key::X25519Public(k) => json!({ "kty": "OKP", "crv": "X25519", "x": enc(k.as_bytes()) }),
        Key::X25519Private(k) => {
            let public = x25519_dalek::PublicKey::from(k);
            json!({ "kty": "OKP", "crv": "X25519", "x": enc(public.as_bytes()), "d": enc(&k.to_bytes()) })
        }
    })
}

// ---- generation ---------------------------------------------------------

/// Generates a key pair's private key: `kind` "rsa" (`size` bits and the
/// public exponent's big-endian bytes), "ec" (`curve`), "ed25519", "x25519".
pub fn generate(kind: &str, size: usize, exponent: &[u8], curve: &str) -> Result<Key> {
    match kind {
        "rsa" => {
            if !(256..=16384).contains(&size) || !size.is_multiple_of(8) {
                return Err(operation(format!("unsupported RSA modulus length {size}")));
            }
            let e = BigUint::from_bytes_be(exponent);
            let k = RsaPrivateKey::new_with_exp(&mut OsRng, size, &e)
                .map_err(|err| operation(format!("RSA key generation failed: {err}")))?;
            rsa_private(k)
        }
        "ec" => {
            let curve = Curve::from_name(curve)?;
            with_curve!(curve, c => {
                let sk = c::SecretKey::random(&mut OsRng);
                ec_private(curve, &sk.to_bytes())
            })
        }
        "ed25519" => Ok(Key::Ed25519Private(ed25519_dalek::SigningKey::generate(
            &mut OsRng,
        ))),
        "x25519" => Ok(Key::X25519Private(x25519_dalek::StaticSecret::random_from_rng(
            OsRng,
        ))),
        _ => Err(unsupported(format!("cannot generate a {kind} key"))),
    }
}

/// Shares a key between the table's slots.
pub fn shared(key: Key) -> Arc<Key> {
    Arc::new(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(k: &Key, format: &str) -> Key {
        match export(k, format).unwrap() {
            Exported::Bytes(b) => import(format, &b, "", "").unwrap(),
            Exported::Jwk(v) => import_jwk(&v).unwrap(),
        }
    }

    #[test]
    fn generated_keys_survive_every_format() {
        for (kind, curve) in [
            ("ec", "P-256"),
            ("ec", "P-384"),
            ("ec", "P-521"),
            ("ed25519", ""),
            ("x25519", ""),
        ] {
            let k = generate(kind, 0, &[], curve).unwrap();
            let pub_k = k.public().unwrap();
            for f in ["pkcs8", "jwk"] {
                let back = round_trip(&k, f);
                assert_eq!(back.info(), k.info(), "{kind} {f}");
                assert_eq!(export_jwk(&back).unwrap(), export_jwk(&k).unwrap(), "{kind} {f}");
            }
            let back = round_trip(&pub_k, "spki");
            assert_eq!(
                export_jwk(&back).unwrap(),
                export_jwk(&pub_k).unwrap(),
                "{kind} spki"
            );
        }
        // RFC 8410's layout for an Ed25519 PKCS#8 (what Node and OpenSSL emit): 48 bytes.
        let ed = generate("ed25519", 0, &[], "").unwrap();
        let Exported::Bytes(der) = export(&ed, "pkcs8").unwrap() else {
            panic!()
        };
        assert_eq!(der.len(), 48);
        assert_eq!(
            &der[..16],
            &[0x30, 0x2e, 2, 1, 0, 0x30, 5, 6, 3, 0x2b, 0x65, 0x70, 4, 0x22, 4, 0x20]
        );
    }

    #[test]
    fn bad_key_data_is_a_data_error() {
        for (f, b) in [
            ("spki", &b"\x30\x03\x02\x01\x00"[..]),
            ("pkcs8", b"junk"),
            ("jwk", b"{"),
            ("pem", b"-----BEGIN X-----"),
        ] {
            assert_eq!(
                import(f, b, "", "").err().unwrap().name,
                super::super::error::Name::Data,
                "{f}"
            );
        }
        assert!(
            import("raw", &[4u8; 65], "ec", "P-256").is_err(),
            "not on the curve"
        );
        assert!(import("raw", &[0u8; 31], "ed25519", "").is_err());
    }
}
