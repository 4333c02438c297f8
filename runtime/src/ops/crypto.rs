//! Crypto ops for ts-lib/crypto.ts: randomness from the OS (getrandom) and
//! the SHA digests of crypto.subtle.digest (RustCrypto's sha1 and sha2).

use howth_engine::{CallArgs, ErrorKind, Isolate};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("randomFill", op_random_fill::<S>);
    iso.set_op("randomUUID", op_random_uuid::<S>);
    iso.set_op("digest", op_digest::<S>);
}

/// The digest of `data` with a WebCrypto algorithm name as ts-lib normalises
/// it ("SHA-1", "SHA-256", "SHA-384", "SHA-512"); None for others.
pub fn digest(algorithm: &str, data: &[u8]) -> Option<Vec<u8>> {
    Some(match algorithm {
        "SHA-1" => Sha1::digest(data).to_vec(),
        "SHA-256" => Sha256::digest(data).to_vec(),
        "SHA-384" => Sha384::digest(data).to_vec(),
        "SHA-512" => Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

/// Formats 16 random bytes as an RFC 4122 version 4 UUID, lower-case.
pub fn format_uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10xx
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(HEX[(byte >> 4) as usize] as char);
        s.push(HEX[(byte & 0xf) as usize] as char);
    }
    s
}

/// randomFill(view): fills the whole view with OS randomness.
fn op_random_fill<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut buf = vec![0u8; args.bytes_len(0)];
    if let Err(e) = getrandom::getrandom(&mut buf) {
        args.throw(
            ErrorKind::Error,
            &format!("randomFill: the OS gave no randomness: {e}"),
        );
        return;
    }
    args.fill_view(0, &buf);
    args.return_undefined();
}

/// randomUUID(): string
fn op_random_uuid<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut b = [0u8; 16];
    if let Err(e) = getrandom::getrandom(&mut b) {
        args.throw(
            ErrorKind::Error,
            &format!("randomUUID: the OS gave no randomness: {e}"),
        );
        return;
    }
    args.return_latin1(format_uuid_v4(b).as_bytes());
}

/// digest(algorithm, data): Uint8Array
fn op_digest<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let alg = args.string(0);
    let mut data = Vec::new();
    args.append_bytes(1, &mut data);
    match digest(&alg, &data) {
        Some(d) => args.return_bytes(&d),
        None => args.throw(
            ErrorKind::TypeError,
            &format!("digest: unsupported algorithm '{alg}'"),
        ),
    }
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
            hex(&digest("SHA-1", b"abc").unwrap()),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&digest("SHA-256", b"abc").unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&digest("SHA-384", b"").unwrap()),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
        );
        assert_eq!(digest("SHA-512", b"abc").unwrap().len(), 64);
        assert!(digest("MD5", b"").is_none());
    }

    #[test]
    fn uuid_shape() {
        let u = format_uuid_v4([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let u = format_uuid_v4([0; 16]);
        assert_eq!(u, "00000000-0000-4000-8000-000000000000");
    }
}
