//! Key agreement (deriveBits of ECDH and X25519): the shared secret of a
//! private key and a peer's public key.

use super::error::{access, data, operation, Result};
use super::key::{with_curve, Key};

pub fn shared_secret(private: &Key, public: &Key) -> Result<Vec<u8>> {
    match (private, public) {
        (
            Key::EcPrivate { curve, scalar, .. },
            Key::EcPublic {
                curve: peer_curve,
                public,
            },
        ) => {
            if curve != peer_curve {
                return Err(access("the public key is on another curve"));
            }
            with_curve!(*curve, c => {
                let sk = c::SecretKey::from_slice(scalar).map_err(|_| operation("bad EC key"))?;
                let pk = c::PublicKey::from_sec1_bytes(public).map_err(|_| data("bad EC point"))?;
                let shared = elliptic_curve::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine());
                Ok(shared.raw_secret_bytes().to_vec())
            })
        }
        (Key::X25519Private(sk), Key::X25519Public(pk)) => {
            let shared = sk.diffie_hellman(pk);
            // A small-order peer key gives all zeros: Web Crypto and Node refuse it.
            if !shared.was_contributory() {
                return Err(operation(
                    "X25519: the shared secret is all zeros (small-order public key)",
                ));
            }
            Ok(shared.as_bytes().to_vec())
        }
        _ => Err(access(format!(
            "cannot agree on a secret between a {} {} key and a {} {} key",
            private.key_type(),
            private.kind(),
            public.key_type(),
            public.kind()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::key::generate;
    use super::*;

    #[test]
    fn both_sides_agree() {
        for (kind, curve) in [("ec", "P-256"), ("ec", "P-384"), ("ec", "P-521"), ("x25519", "")] {
            let a = generate(kind, 0, &[], curve).unwrap();
            let b = generate(kind, 0, &[], curve).unwrap();
            let ab = shared_secret(&a, &b.public().unwrap()).unwrap();
            assert_eq!(
                ab,
                shared_secret(&b, &a.public().unwrap()).unwrap(),
                "{kind} {curve}"
            );
        }
        let x = generate("x25519", 0, &[], "").unwrap();
        let zero = super::super::key::import("raw", &[0u8; 32], "x25519", "").unwrap();
        assert!(shared_secret(&x, &zero).is_err());
    }
}
