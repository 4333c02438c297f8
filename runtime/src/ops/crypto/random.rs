//! Randomness from the OS (getrandom): crypto.getRandomValues,
//! crypto.randomUUID and node:crypto's randomBytes and friends.

use howth_engine::{CallArgs, ErrorKind, Isolate};

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("randomFill", op_random_fill::<S>);
    iso.set_op("randomUUID", op_random_uuid::<S>);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let u = format_uuid_v4([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let u = format_uuid_v4([0; 16]);
        assert_eq!(u, "00000000-0000-4000-8000-000000000000");
    }
}
