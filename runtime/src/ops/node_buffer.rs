//! Buffer's byte encodings for ts-lib/node/buffer.ts: the conversions
//! between strings and bytes that are not UTF-8 (UTF-8 goes through the
//! encoding ops). Buffer is hot in many libraries (JWTs, hashes, loggers),
//! so these run here rather than character by character in JS.
//!
//! Decoding follows Node, which is lenient where the WHATWG decoders are
//! strict: base64 accepts both alphabets, skips characters outside them and
//! stops at the first `=`; hex stops at the first pair that is not hex.
//! The strict, common case takes a SIMD path (base64-simd, hex-simd) and
//! only input it rejects falls back to the lenient loop.
//!
//! Both directions work in one buffer per thread, reused from call to call:
//! a decode copies the string's bytes into it (one byte a character when V8
//! stores the string so, a plain copy) and decodes them straight into the
//! vector V8 then adopts as the Uint8Array's memory (CallArgs::return_vec):
//! no zero-filled ArrayBuffer, no copy of the result. An encode writes its
//! text into the other buffer. Fresh multi-megabyte scratch vectors per
//! call cost more in page faults than the decoding itself.

use std::cell::RefCell;

use base64_simd::{STANDARD, URL_SAFE_NO_PAD};
use howth_engine::{CallArgs, ErrorKind, Isolate};

/// A scratch buffer grown past this is dropped after the call rather than
/// kept for the next one.
const SCRATCH_KEEP: usize = 8 << 20;

thread_local! {
    /// The bytes of the call in progress (see the module comment).
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The text an encode produces.
    static ENCODED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the thread's scratch buffer, emptied; drops it afterwards
/// when a large call grew it past `SCRATCH_KEEP`.
fn with_scratch<R>(
    cell: &'static std::thread::LocalKey<RefCell<Vec<u8>>>,
    f: impl FnOnce(&mut Vec<u8>) -> R,
) -> R {
    cell.with_borrow_mut(|buf| {
        buf.clear();
        let r = f(buf);
        if buf.capacity() > SCRATCH_KEEP {
            *buf = Vec::new();
        }
        r
    })
}

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
    with_scratch(&SCRATCH, |bytes| {
        args.append_bytes(0, bytes);
        match enc {
            Enc::Utf16le => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|p| u16::from_le_bytes([p[0], p[1]]))
                    .collect();
                args.return_str(&String::from_utf16_lossy(&units));
            }
            _ => with_scratch(&ENCODED, |text| {
                encode_into(bytes, enc, text);
                args.return_latin1(text);
            }),
        }
    });
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
    if !matches!(enc, Enc::Hex | Enc::Base64 | Enc::Base64Url) {
        let mut text = Vec::new();
        args.append_utf8(0, &mut text);
        args.return_bytes(&decode(&text, enc));
        return;
    }
    with_scratch(&SCRATCH, |text| {
        // A one-byte string's Latin-1 bytes decode as its UTF-8 would: both
        // decoders skip or stop at a byte outside their alphabet, and a
        // non-ASCII character is such bytes in either form.
        if !args.append_one_byte(0, text) {
            args.append_utf8(0, text);
        }
        args.return_vec(decode_to_vec(text, enc));
    });
}

/// Decodes hex or base64(url) text into a new vector of exactly the
/// decoded bytes: the strict SIMD decoders write straight into it, and only
/// text they reject is decoded leniently, in place in `text`, and copied.
fn decode_to_vec(text: &mut [u8], enc: Enc) -> Vec<u8> {
    let strict = match enc {
        // An odd last digit is dropped, as in Node.
        Enc::Hex => hex_simd::decode_to_vec(&text[..text.len() & !1]).ok(),
        // Canonical padded base64, or unpadded base64url.
        _ => STANDARD
            .decode_to_vec(&*text)
            .or_else(|_| URL_SAFE_NO_PAD.decode_to_vec(&*text))
            .ok(),
    };
    strict.unwrap_or_else(|| {
        let n = decode_in_place(text, enc);
        text[..n].to_vec()
    })
}

/// Bytes to the text of a one-byte encoding (hex, base64, base64url,
/// latin1, ascii), as Latin-1 bytes.
pub fn encode(bytes: &[u8], enc: Enc) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(bytes, enc, &mut out);
    out
}

/// As [`encode`], appended to `out`.
fn encode_into(bytes: &[u8], enc: Enc, out: &mut Vec<u8>) {
    match enc {
        Enc::Hex => hex_simd::encode_append(bytes, out, hex_simd::AsciiCase::Lower),
        Enc::Base64 => STANDARD.encode_append(bytes, out),
        Enc::Base64Url => URL_SAFE_NO_PAD.encode_append(bytes, out),
        Enc::Latin1 => out.extend_from_slice(bytes),
        // Node's ascii decoding clears the top bit.
        Enc::Ascii => out.extend(bytes.iter().map(|b| b & 0x7f)),
        Enc::Utf16le => unreachable!("UTF-16LE is returned as a two-byte string"),
    }
}

/// The text of a hex or base64(url) string to bytes, as Node decodes it.
pub fn decode(text: &[u8], enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Hex | Enc::Base64 | Enc::Base64Url => {
            let mut v = text.to_vec();
            let n = decode_in_place(&mut v, enc);
            v.truncate(n);
            v
        }
        // Reached only from Rust callers; ts-lib converts these itself.
        Enc::Latin1 | Enc::Ascii => text.to_vec(),
        Enc::Utf16le => text.iter().flat_map(|&b| [b, 0]).collect(),
    }
}

/// Decodes hex or base64(url) text into the front of its own buffer;
/// returns the decoded length. Each byte written lands at or before the
/// text still to be read, so decoding in place is sound; the SIMD decoders
/// run only on text they have checked first, so a rejected text is still
/// intact for the lenient loop.
fn decode_in_place(text: &mut [u8], enc: Enc) -> usize {
    match enc {
        Enc::Hex => {
            // An odd last digit is dropped, as in Node.
            let even = text.len() & !1;
            match hex_simd::check(&text[..even]) {
                Ok(()) => hex_simd::decode_inplace(&mut text[..even]).map_or(0, |d| d.len()),
                Err(_) => decode_hex_lenient(text),
            }
        }
        Enc::Base64 | Enc::Base64Url => {
            // The common case: canonical padded base64, or unpadded base64url.
            for engine in [&STANDARD, &URL_SAFE_NO_PAD] {
                if engine.check(text).is_ok() {
                    if let Ok(d) = engine.decode_inplace(text) {
                        return d.len();
                    }
                }
            }
            decode_base64_lenient(text)
        }
        Enc::Latin1 | Enc::Ascii | Enc::Utf16le => unreachable!("decoded in ts-lib"),
    }
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
/// odd last digit is dropped. In place: byte i/2 is written after pair i
/// is read.
fn decode_hex_lenient(text: &mut [u8]) -> usize {
    let mut n = 0;
    for i in (0..text.len() & !1).step_by(2) {
        let (hi, lo) = (HEX_VALUE[text[i] as usize], HEX_VALUE[text[i + 1] as usize]);
        if (hi | lo) == 0xff {
            break;
        }
        text[n] = hi << 4 | lo;
        n += 1;
    }
    n
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

/// Node's rules for anything the strict decoders reject: skip characters
/// outside both alphabets, stop at the first `=`, drop a trailing sextet
/// that makes no whole byte. In place: every byte written follows at least
/// one character read, so it never overtakes the reading.
fn decode_base64_lenient(text: &mut [u8]) -> usize {
    let mut n = 0;
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for i in 0..text.len() {
        let c = text[i];
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
            text[n] = (acc >> bits) as u8;
            n += 1;
        }
    }
    n
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
        assert_eq!(decode(b"ab1", Enc::Hex), [0xab]);
        assert_eq!(decode(b"", Enc::Hex), [0u8; 0]);
        let long: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        assert_eq!(decode(&encode(&long, Enc::Hex), Enc::Hex), long);
        let mut bad = encode(&long, Enc::Hex);
        bad[700] = b'g';
        assert_eq!(decode(&bad, Enc::Hex), &long[..350]);
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
        let long: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        assert_eq!(decode(&encode(&long, Enc::Base64), Enc::Base64), long);
        assert_eq!(decode(&encode(&long, Enc::Base64Url), Enc::Base64Url), long);
        assert_eq!(decode(&encode(&long, Enc::Base64Url), Enc::Base64), long);
    }

    #[test]
    fn ascii_clears_the_top_bit() {
        assert_eq!(encode(&[0x41, 0xc1], Enc::Ascii), b"AA");
    }
}
