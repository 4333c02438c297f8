//! Buffer's byte encodings for ts-lib/node/buffer.ts: the conversions
//! between strings and bytes that are not UTF-8 (UTF-8 goes through the
//! encoding ops). Buffer is hot in many libraries (JWTs, hashes, loggers),
//! so these run here rather than character by character in JS.
//!
//! Decoding follows Node, which is lenient where the WHATWG decoders are
//! strict: base64 accepts both alphabets, skips characters outside them and
//! stops at the first `=`; hex stops at the first pair that is not hex.
//! The strict, common case takes a SIMD path (base64-simd) and only input
//! it rejects falls back to the lenient loop.

use base64_simd::{STANDARD, URL_SAFE_NO_PAD};
use howth_engine::{CallArgs, ErrorKind, Isolate};

/// The encodings, numbered as in ts-lib/node/internal/encodings.ts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Enc {
    Hex,
    Base64,
    Base64Url,
    Latin1,
    Ascii,
    Utf16le,
}

impl Enc {
    fn from_code(code: i32) -> Option<Enc> {
        Some(match code {
            1 => Enc::Hex,
            2 => Enc::Base64,
            3 => Enc::Base64Url,
            4 => Enc::Latin1,
            5 => Enc::Ascii,
            6 => Enc::Utf16le,
            _ => return None,
        })
    }
}

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("bufferToString", op_to_string::<S>);
    iso.set_op("bufferFromString", op_from_string::<S>);
}

/// bufferToString(bytes, encoding): string
fn op_to_string<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let Some(enc) = Enc::from_code(args.int(1)) else {
        args.throw(ErrorKind::TypeError, "bufferToString: unknown encoding");
        return;
    };
    let mut bytes = Vec::new();
    args.append_bytes(0, &mut bytes);
    match enc {
        Enc::Utf16le => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            args.return_str(&String::from_utf16_lossy(&units));
        }
        _ => {
            let s = encode(&bytes, enc);
            args.return_latin1(&s);
        }
    }
}

/// bufferFromString(string, encoding): Uint8Array
fn op_from_string<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let Some(enc) = Enc::from_code(args.int(1)) else {
        args.throw(ErrorKind::TypeError, "bufferFromString: unknown encoding");
        return;
    };
    // Latin-1, ASCII and UTF-16LE need the string's code units, which
    // ts-lib hands over as a Uint16Array would cost a copy in JS; those
    // three are converted in buffer.ts. Here: hex and base64, whose inputs
    // that matter are ASCII, so their UTF-8 is the string itself.
    let mut text = Vec::new();
    args.append_utf8(0, &mut text);
    let out = decode(&text, enc);
    args.return_bytes(&out);
}

/// Bytes to the text of a one-byte encoding (hex, base64, base64url,
/// latin1, ascii), as Latin-1 bytes.
pub fn encode(bytes: &[u8], enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Hex => encode_hex(bytes),
        Enc::Base64 => STANDARD.encode_type::<Vec<u8>>(bytes),
        Enc::Base64Url => URL_SAFE_NO_PAD.encode_type::<Vec<u8>>(bytes),
        Enc::Latin1 => bytes.to_vec(),
        // Node's ascii decoding clears the top bit.
        Enc::Ascii => bytes.iter().map(|b| b & 0x7f).collect(),
        Enc::Utf16le => unreachable!("UTF-16LE is returned as a two-byte string"),
    }
}

/// The text of a hex or base64(url) string to bytes, as Node decodes it.
pub fn decode(text: &[u8], enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Hex => decode_hex(text),
        Enc::Base64 | Enc::Base64Url => decode_base64(text),
        // Reached only from Rust callers; ts-lib converts these itself.
        Enc::Latin1 | Enc::Ascii => text.to_vec(),
        Enc::Utf16le => text.iter().flat_map(|&b| [b, 0]).collect(),
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn encode_hex(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[(b >> 4) as usize];
        pair[1] = HEX[(b & 15) as usize];
    }
    out
}

/// 0..=15 for a hex digit, 0xff otherwise.
const fn hex_table() -> [u8; 256] {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
}
static HEX_VALUE: [u8; 256] = hex_table();

/// Node's hex: pairs of digits up to the first pair that is not one; an
/// odd last digit is dropped.
fn decode_hex(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 2);
    for pair in text.chunks_exact(2) {
        let (hi, lo) = (HEX_VALUE[pair[0] as usize], HEX_VALUE[pair[1] as usize]);
        if (hi | lo) == 0xff {
            break;
        }
        out.push(hi << 4 | lo);
    }
    out
}

/// The value of a base64 or base64url character, 0xff otherwise.
const fn base64_table() -> [u8; 256] {
    let mut t = [0xffu8; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t[b'-' as usize] = 62;
    t[b'_' as usize] = 63;
    t
}
static BASE64_VALUE: [u8; 256] = base64_table();

fn decode_base64(text: &[u8]) -> Vec<u8> {
    // The common case: canonical padded base64, or unpadded base64url.
    if let Ok(v) = STANDARD.decode_to_vec(text) {
        return v;
    }
    if let Ok(v) = URL_SAFE_NO_PAD.decode_to_vec(text) {
        return v;
    }
    decode_base64_lenient(text)
}

/// Node's rules for anything else: skip characters outside both alphabets,
/// stop at the first `=`, drop a trailing sextet that makes no whole byte.
fn decode_base64_lenient(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in text {
        if c == b'=' {
            break;
        }
        let v = BASE64_VALUE[c as usize];
        if v == 0xff {
            continue;
        }
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_stops_where_node_stops() {
        assert_eq!(encode(&[0, 0xab, 0xff], Enc::Hex), b"00abff");
        assert_eq!(decode(b"00ABff", Enc::Hex), [0, 0xab, 0xff]);
        assert_eq!(decode(b"abc", Enc::Hex), [0xab]);
        assert_eq!(decode(b"abzz12", Enc::Hex), [0xab]);
    }

    #[test]
    fn base64_is_lenient_as_in_node() {
        assert_eq!(encode(b"hello", Enc::Base64), b"aGVsbG8=");
        assert_eq!(encode(b"\xfb\xff", Enc::Base64Url), b"-_8");
        assert_eq!(decode(b"aGVsbG8=", Enc::Base64), b"hello");
        assert_eq!(decode(b"aGVsbG8", Enc::Base64), b"hello");
        assert_eq!(decode(b"aGVs bG8=ZZ", Enc::Base64), b"hello");
        assert_eq!(decode(b"a-_b", Enc::Base64), [0x6b, 0xef, 0xdb]);
        assert_eq!(decode(b"ab=cd", Enc::Base64), [0x69]);
        assert_eq!(decode(b"a$b%c^d", Enc::Base64), [0x69, 0xb7, 0x1d]);
        assert_eq!(decode(b"Zm9v\nYmFy", Enc::Base64), b"foobar");
    }

    #[test]
    fn ascii_clears_the_top_bit() {
        assert_eq!(encode(&[0x41, 0xc1], Enc::Ascii), b"AA");
    }
}
