//! Key derivation: PBKDF2 and HKDF (Web Crypto and node:crypto), scrypt
//! (node:crypto), on RustCrypto's pbkdf2, hkdf and scrypt.

use hkdf::Hkdf;
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha224, Sha256, Sha384, Sha512};

use super::error::{operation, Result};
use super::hash::HashAlg;

pub fn pbkdf2(alg: HashAlg, password: &[u8], salt: &[u8], iterations: u32, len: usize) -> Result<Vec<u8>> {
    if iterations == 0 {
        return Err(operation("PBKDF2 needs at least one iteration"));
    }
    let mut out = vec![0u8; len];
    match alg {
        HashAlg::Md5 => pbkdf2::pbkdf2_hmac::<Md5>(password, salt, iterations, &mut out),
        HashAlg::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out),
        HashAlg::Sha224 => pbkdf2::pbkdf2_hmac::<Sha224>(password, salt, iterations, &mut out),
        HashAlg::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out),
        HashAlg::Sha384 => pbkdf2::pbkdf2_hmac::<Sha384>(password, salt, iterations, &mut out),
        HashAlg::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, iterations, &mut out),
    }
    Ok(out)
}

pub fn hkdf(alg: HashAlg, ikm: &[u8], salt: &[u8], info: &[u8], len: usize) -> Result<Vec<u8>> {
    let mut out = vec![0u8; len];
    let too_long = |_| operation(format!("HKDF cannot derive {len} bytes with {}", alg.web_name()));
    match alg {
        HashAlg::Md5 => Hkdf::<Md5>::new(Some(salt), ikm)
            .expand(info, &mut out)
            .map_err(too_long)?,
        HashAlg::Sha1 => Hkdf::<Sha1>::new(Some(salt), ikm)
            .expand(info, &mut out)
            .map_err(too_long)?,
        HashAlg::Sha224 => Hkdf::<Sha224>::new(Some(salt), ikm)
            .expand(info, &mut out)
            .map_err(too_long)?,
        HashAlg::Sha256 => Hkdf::<Sha256>::new(Some(salt), ikm)
            .expand(info, &mut out)
            .map_err(too_long)?,
        HashAlg::Sha384 => Hkdf::<Sha384>::new(Some(salt), ikm)
            .expand(info, &mut out)
            .map_err(too_long)?,
        HashAlg::Sha512 => Hkdf::<Sha512>::new(Some(salt), ikm)
            .expand(info, &mut out)
            .map_err(too_long)?,
    }
    Ok(out)
}

/// scrypt with Node's parameter names: cost N (a power of two), block
/// size r, parallelism p.
pub fn scrypt(password: &[u8], salt: &[u8], n: u64, r: u32, p: u32, len: usize) -> Result<Vec<u8>> {
    if n < 2 || !n.is_power_of_two() {
        return Err(operation(
            "Invalid scrypt params: N must be a power of two greater than 1",
        ));
    }
    let log_n = n.trailing_zeros() as u8;
    let params = scrypt::Params::new(log_n, r, p, len.clamp(10, 64))
        .map_err(|e| operation(format!("Invalid scrypt params: {e}")))?;
    let mut out = vec![0u8; len];
    scrypt::scrypt(password, salt, &params, &mut out).map_err(|e| operation(format!("scrypt: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn rfc_vectors() {
        // RFC 6070, case 2.
        assert_eq!(
            hex(&pbkdf2(HashAlg::Sha1, b"password", b"salt", 2, 20).unwrap()),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
        // RFC 5869, case 3 (empty salt and info).
        let ikm = [0x0bu8; 22];
        assert_eq!(
            hex(&hkdf(HashAlg::Sha256, &ikm, &[], &[], 42).unwrap()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        );
        // RFC 7914, section 12, first vector.
        assert_eq!(
            hex(&scrypt(b"", b"", 16, 1, 1, 64).unwrap()),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        );
        assert!(pbkdf2(HashAlg::Sha256, b"p", b"s", 0, 32).is_err());
        assert!(hkdf(HashAlg::Sha256, b"k", b"", b"", 255 * 32 + 1).is_err());
    }
}
