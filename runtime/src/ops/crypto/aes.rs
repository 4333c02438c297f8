//! AES in the modes Web Crypto and node:crypto name: GCM (RustCrypto's
//! aes-gcm), CBC with PKCS#7 padding (cbc), CTR with a counter of any width
//! (ctr) and key wrap (aes-kw, RFC 3394).

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, StreamCipher};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::consts::{U12, U13, U14, U15, U16};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use cbc::cipher::block_padding::Pkcs7;

use super::error::{data, operation, unsupported, Result};

fn check_key(key: &[u8]) -> Result<()> {
    match key.len() {
        16 | 24 | 32 => Ok(()),
        n => Err(data(format!("AES keys are 128, 192 or 256 bits, not {}", n * 8))),
    }
}

/// AES-GCM with a 96-bit or 128-bit IV and a tag of 32, 64 or 96 to 128
/// bits (the tag is appended to the ciphertext, as Web Crypto does).
pub fn gcm(encrypt: bool, key: &[u8], iv: &[u8], aad: &[u8], tag_bits: u32, input: &[u8]) -> Result<Vec<u8>> {
    if tag_bits == 32 || tag_bits == 64 {
        return gcm_short_tag(encrypt, key, iv, aad, (tag_bits / 8) as usize, input);
    }
    check_key(key)?;
    macro_rules! run {
        ($aes:ty, $nonce:ty, $tag:ty) => {{
            let c = AesGcm::<$aes, $nonce, $tag>::new_from_slice(key).map_err(|_| data("bad AES key"))?;
            let nonce = aes_gcm::aead::generic_array::GenericArray::from_slice(iv);
            let payload = Payload { msg: input, aad };
            if encrypt {
                c.encrypt(nonce, payload)
                    .map_err(|_| operation("AES-GCM encryption failed"))
            } else {
                c.decrypt(nonce, payload)
                    .map_err(|_| operation("The operation failed for an operation-specific reason"))
            }
        }};
    }
    macro_rules! by_tag {
        ($aes:ty, $nonce:ty) => {
            match tag_bits {
                96 => run!($aes, $nonce, U12),
                104 => run!($aes, $nonce, U13),
                112 => run!($aes, $nonce, U14),
                120 => run!($aes, $nonce, U15),
                128 => run!($aes, $nonce, U16),
                _ => Err(operation(format!(
                    "{tag_bits} is not a valid AES-GCM tag length"
                ))),
            }
        };
    }
    macro_rules! by_nonce {
        ($aes:ty) => {
            match iv.len() {
                12 => by_tag!($aes, U12),
                16 => by_tag!($aes, U16),
                0 => Err(operation("the AES-GCM IV must not be empty")),
                n => Err(unsupported(format!(
                    "AES-GCM IVs of {n} bytes are not supported (12 or 16)"
                ))),
            }
        };
    }
    if !encrypt && input.len() < (tag_bits / 8) as usize {
        return Err(operation("The provided data is too small."));
    }
    match key.len() {
        16 => by_nonce!(Aes128),
        24 => by_nonce!(Aes192),
        _ => by_nonce!(Aes256),
    }
}

/// AES-GCM with a 32 or 64-bit tag, which aes-gcm does not offer: the tag
/// of t bytes is the first t bytes of the full tag (NIST SP 800-38D, 5.2.1.2),
/// so encryption truncates the full tag. Decryption recovers the plaintext
/// by encrypting the ciphertext (GCM's keystream does not depend on the
/// data), then encrypts that plaintext again to get the full tag, and
/// compares its first t bytes with the given tag in constant time.
fn gcm_short_tag(
    encrypt: bool,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    tag_len: usize,
    input: &[u8],
) -> Result<Vec<u8>> {
    let full = |msg: &[u8], aad: &[u8]| gcm(true, key, iv, aad, 128, msg);
    if encrypt {
        let mut out = full(input, aad)?;
        out.truncate(input.len() + tag_len);
        return Ok(out);
    }
    let Some(ct_len) = input.len().checked_sub(tag_len) else {
        return Err(operation("The provided data is too small."));
    };
    let (ct, tag) = input.split_at(ct_len);
    let mut plain = full(ct, &[])?;
    plain.truncate(ct_len);
    let expected = full(&plain, aad)?;
    if super::hash::constant_time_eq(&expected[ct_len..ct_len + tag_len], tag) {
        Ok(plain)
    } else {
        Err(operation("The operation failed for an operation-specific reason"))
    }
}

/// AES-CBC with PKCS#7 padding; `padding` false (node:crypto's
/// setAutoPadding(false)) needs whole blocks.
pub fn cbc(encrypt: bool, key: &[u8], iv: &[u8], padding: bool, input: &[u8]) -> Result<Vec<u8>> {
    check_key(key)?;
    if iv.len() != 16 {
        return Err(operation("AES-CBC needs a 16-byte IV"));
    }
    if !padding && !input.len().is_multiple_of(16) {
        return Err(operation("wrong final block length"));
    }
    macro_rules! run {
        ($aes:ty) => {{
            if encrypt {
                let c = cbc::Encryptor::<$aes>::new_from_slices(key, iv).map_err(|_| data("bad AES key"))?;
                if padding {
                    Ok(c.encrypt_padded_vec_mut::<Pkcs7>(input))
                } else {
                    Ok(c.encrypt_padded_vec_mut::<cbc::cipher::block_padding::NoPadding>(input))
                }
            } else {
                let c = cbc::Decryptor::<$aes>::new_from_slices(key, iv).map_err(|_| data("bad AES key"))?;
                let out = if padding {
                    c.decrypt_padded_vec_mut::<Pkcs7>(input)
                } else {
                    c.decrypt_padded_vec_mut::<cbc::cipher::block_padding::NoPadding>(input)
                };
                out.map_err(|_| operation("The operation failed for an operation-specific reason"))
            }
        }};
    }
    match key.len() {
        16 => run!(Aes128),
        24 => run!(Aes192),
        _ => run!(Aes256),
    }
}

/// AES-CTR: the rightmost `length` bits of the 16-byte counter block count
/// and wrap to zero; the bits to their left stay fixed (Web Crypto §27).
pub fn ctr(key: &[u8], counter: &[u8], length: u32, input: &[u8]) -> Result<Vec<u8>> {
    check_key(key)?;
    if counter.len() != 16 {
        return Err(operation("AES-CTR needs a 16-byte counter"));
    }
    if length == 0 || length > 128 {
        return Err(operation("AES-CTR's counter length must be 1 to 128 bits"));
    }
    let block = u128::from_be_bytes(counter.try_into().expect("16 bytes"));
    let mask: u128 = if length == 128 {
        u128::MAX
    } else {
        (1u128 << length) - 1
    };
    let blocks = input.len().div_ceil(16) as u128;
    let room = if length == 128 { u128::MAX } else { 1u128 << length };
    if blocks > room {
        return Err(operation("AES-CTR: the counter would repeat for this much data"));
    }
    // Blocks before the counter's low bits wrap, then the rest from zero.
    let before_wrap = (mask - (block & mask)).saturating_add(1);
    let split = if blocks > before_wrap {
        (before_wrap * 16) as usize
    } else {
        input.len()
    };
    let mut out = input.to_vec();
    let (first, second) = out.split_at_mut(split);
    ctr128(key, block, first);
    if !second.is_empty() {
        ctr128(key, block & !mask, second);
    }
    Ok(out)
}

fn ctr128(key: &[u8], block: u128, buf: &mut [u8]) {
    let iv = block.to_be_bytes();
    macro_rules! run {
        ($aes:ty) => {{
            let mut c = ctr::Ctr128BE::<$aes>::new_from_slices(key, &iv).expect("key length checked");
            c.apply_keystream(buf);
        }};
    }
    match key.len() {
        16 => run!(Aes128),
        24 => run!(Aes192),
        _ => run!(Aes256),
    }
}

/// AES key wrap (RFC 3394) of key bytes, a multiple of 8 bytes.
pub fn kw(wrap: bool, kek: &[u8], input: &[u8]) -> Result<Vec<u8>> {
    check_key(kek)?;
    if wrap && (!input.len().is_multiple_of(8) || input.len() < 16) {
        return Err(operation("AES-KW wraps a multiple of 8 bytes, at least 16"));
    }
    let failed = |_| operation("The operation failed for an operation-specific reason");
    match kek.len() {
        16 => {
            let k = aes_kw::KekAes128::new(kek.into());
            if wrap {
                k.wrap_vec(input)
            } else {
                k.unwrap_vec(input)
            }
            .map_err(failed)
        }
        24 => {
            let k = aes_kw::KekAes192::new(kek.into());
            if wrap {
                k.wrap_vec(input)
            } else {
                k.unwrap_vec(input)
            }
            .map_err(failed)
        }
        _ => {
            let k = aes_kw::KekAes256::new(kek.into());
            if wrap {
                k.wrap_vec(input)
            } else {
                k.unwrap_vec(input)
            }
            .map_err(failed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn rfc_3394_wraps_and_unwraps() {
        let kek = unhex("000102030405060708090A0B0C0D0E0F");
        let key = unhex("00112233445566778899AABBCCDDEEFF");
        let wrapped = kw(true, &kek, &key).unwrap();
        assert_eq!(wrapped, unhex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"));
        assert_eq!(kw(false, &kek, &wrapped).unwrap(), key);
        let mut bad = wrapped.clone();
        bad[3] ^= 1;
        assert!(kw(false, &kek, &bad).is_err());
    }

    #[test]
    fn gcm_round_trips_and_rejects_a_tampered_tag() {
        let key = [7u8; 32];
        let iv = [1u8; 12];
        let ct = gcm(true, &key, &iv, b"aad", 128, b"hello").unwrap();
        assert_eq!(ct.len(), 5 + 16);
        assert_eq!(gcm(false, &key, &iv, b"aad", 128, &ct).unwrap(), b"hello");
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert!(gcm(false, &key, &iv, b"aad", 128, &bad).is_err());
        assert!(gcm(false, &key, &iv, b"other", 128, &ct).is_err());
    }

    /// A 32 or 64-bit tag is the start of the 128-bit one; decryption checks
    /// it and the additional data.
    #[test]
    fn gcm_short_tags_are_the_full_tag_truncated() {
        let key = [3u8; 16];
        let iv = [5u8; 12];
        let full = gcm(true, &key, &iv, b"aad", 128, b"a message of some length").unwrap();
        for bits in [32u32, 64] {
            let t = (bits / 8) as usize;
            let ct = gcm(true, &key, &iv, b"aad", bits, b"a message of some length").unwrap();
            assert_eq!(ct, full[..24 + t]);
            assert_eq!(
                gcm(false, &key, &iv, b"aad", bits, &ct).unwrap(),
                b"a message of some length"
            );
            let mut bad = ct.clone();
            *bad.last_mut().unwrap() ^= 1;
            assert!(gcm(false, &key, &iv, b"aad", bits, &bad).is_err());
            bad = ct.clone();
            bad[0] ^= 1;
            assert!(gcm(false, &key, &iv, b"aad", bits, &bad).is_err());
            assert!(gcm(false, &key, &iv, b"other", bits, &ct).is_err());
            assert!(gcm(false, &key, &iv, b"aad", bits, &ct[..t - 1]).is_err());
            assert_eq!(
                gcm(
                    false,
                    &key,
                    &iv,
                    b"aad",
                    bits,
                    &gcm(true, &key, &iv, b"aad", bits, b"").unwrap()
                )
                .unwrap(),
                b""
            );
        }
    }

    #[test]
    fn ctr_wraps_only_the_counter_bits() {
        let key = [9u8; 16];
        // Counter low 8 bits at 0xff: the second block's counter is ...00, not ...0100.
        let mut c = [0xaau8; 16];
        c[15] = 0xff;
        let data = [0u8; 32];
        let out = ctr(&key, &c, 8, &data).unwrap();
        let mut c2 = c;
        c2[15] = 0x00;
        let second = ctr(&key, &c2, 8, &data[..16]).unwrap();
        assert_eq!(&out[16..], &second[..]);
        assert_eq!(ctr(&key, &c, 8, &out).unwrap(), data);
        assert!(ctr(&key, &c, 1, &[0u8; 48]).is_err());
    }
}
