//! Encoding ops for ts-lib/encoding.ts (TextEncoder, TextDecoder),
//! structuredClone and the detaching of its transferred ArrayBuffers.
//! Decoding goes through encoding_rs, which implements the WHATWG Encoding
//! Standard's decoders and label table exactly, so every label TextDecoder
//! accepts is handled the same way browsers do.
//!
//! Streaming decoders (`decode(bytes, { stream: true })`) keep state between
//! calls that JS cannot see: a partial UTF-8 sequence, half a UTF-16 code
//! unit, ISO-2022-JP's current mode. They live here in a per-thread table
//! (an isolate belongs to one thread) and JS holds a small integer handle.

use std::cell::RefCell;

use encoding_rs::{CoderResult, Decoder, DecoderResult, Encoding};
use howth_engine::{CallArgs, Detach, ErrorKind, Isolate};

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("encodeUtf8", op_encode_utf8::<S>);
    iso.set_op("btoa", op_btoa::<S>);
    iso.set_op("atob", op_atob::<S>);
    iso.set_op("decode", op_decode::<S>);
    iso.set_op("encodingName", op_encoding_name::<S>);
    iso.set_op("decoderOpen", op_decoder_open::<S>);
    iso.set_op("decoderDecode", op_decoder_decode::<S>);
    iso.set_op("decoderClose", op_decoder_close::<S>);
    // Stateless: the serializer runs user getters, which may call any op.
    iso.set_stateless_op("structuredClone", op_structured_clone);
    iso.set_stateless_op("detachArrayBuffer", op_detach_array_buffer);
}

/// btoa(binaryString): its base64, or null when a character is above
/// U+00FF (ts-lib throws the DOMException). The string crosses as UTF-8;
/// an ASCII string (the common case) is its own Latin-1.
fn op_btoa<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut utf8 = Vec::new();
    args.append_utf8(0, &mut utf8);
    let latin1 = if utf8.is_ascii() {
        utf8
    } else {
        let text = String::from_utf8_lossy(&utf8);
        match text.chars().map(|c| u8::try_from(c as u32).ok()).collect() {
            Some(bytes) => bytes,
            None => return args.return_null(),
        }
    };
    args.return_latin1(&base64_simd::STANDARD.encode_type::<Vec<u8>>(&latin1));
}

/// atob(data): the decoded bytes as a binary string, or null when `data`
/// is not forgiving-base64 (WHATWG Infra): ASCII whitespace anywhere is
/// ignored, one or two `=` may end a length divisible by four, a remainder
/// of one fails, leftover bits are dropped.
fn op_atob<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut data = Vec::new();
    args.append_utf8(0, &mut data);
    match forgiving_base64_decode(data) {
        Some(bytes) => args.return_latin1(&bytes),
        None => args.return_null(),
    }
}

fn forgiving_base64_decode(mut data: Vec<u8>) -> Option<Vec<u8>> {
    if data
        .iter()
        .any(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))
    {
        data.retain(|b| !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '));
    }
    if data.len().is_multiple_of(4) {
        for _ in 0..2 {
            if data.last() == Some(&b'=') {
                data.pop();
            }
        }
    }
    if data.len() % 4 == 1 {
        return None;
    }
    // The SIMD decoder takes canonical input; non-zero leftover bits, which
    // the forgiving rules drop, go the slow way.
    if let Ok(bytes) = base64_simd::STANDARD_NO_PAD.decode_to_vec(&data) {
        return Some(bytes);
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in &data {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Labels the Encoding Standard dropped (whatwg/encoding#168) that
/// encoding_rs 0.8 still maps to UTF-8 or UTF-16LE.
const REMOVED_LABELS: [&str; 9] = [
    "unicode11utf8",
    "unicode20utf8",
    "x-unicode20utf8",
    "csunicode",
    "ucs-2",
    "unicode",
    "iso-10646-ucs-2",
    "unicodefeff",
    "unicodefffe",
];

/// The encoding a label names (WHATWG "get an encoding": surrounding ASCII
/// whitespace ignored, case-insensitive), or None.
pub fn lookup(label: &str) -> Option<&'static Encoding> {
    let trimmed = label.trim_matches(|c| matches!(c, '\t' | '\n' | '\x0C' | '\r' | ' '));
    if REMOVED_LABELS.iter().any(|r| r.eq_ignore_ascii_case(trimmed)) {
        return None;
    }
    Encoding::for_label(label.as_bytes())
}

/// The name TextDecoder's `encoding` getter shows: the standard's name in
/// lower case ("utf-8", "shift_jis", "windows-1252").
pub fn display_name(enc: &'static Encoding) -> String {
    enc.name().to_ascii_lowercase()
}

pub fn new_decoder(enc: &'static Encoding, ignore_bom: bool) -> Decoder {
    // TextDecoder strips only the BOM of its own encoding and never switches
    // encodings on a BOM: that is exactly encoding_rs's "BOM removal".
    if ignore_bom {
        enc.new_decoder_without_bom_handling()
    } else {
        enc.new_decoder_with_bom_removal()
    }
}

/// The input was malformed and the decoder is fatal.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed;

/// Feeds `input` to `dec`; `last` flushes (ends the stream). With `fatal`
/// the first malformed sequence is an error, else it becomes U+FFFD.
pub fn decode_with(dec: &mut Decoder, input: &[u8], last: bool, fatal: bool) -> Result<String, Malformed> {
    let mut out = String::new();
    if fatal {
        let cap = dec
            .max_utf8_buffer_length_without_replacement(input.len())
            .unwrap_or(input.len().saturating_mul(3).saturating_add(16));
        out.reserve(cap);
        let (result, _read) = dec.decode_to_string_without_replacement(input, &mut out, last);
        match result {
            DecoderResult::InputEmpty => Ok(out),
            DecoderResult::Malformed(_, _) => Err(Malformed),
            // The buffer was sized for the worst case, so this cannot happen.
            DecoderResult::OutputFull => unreachable!("output sized by max_utf8_buffer_length"),
        }
    } else {
        let cap = dec
            .max_utf8_buffer_length(input.len())
            .unwrap_or(input.len().saturating_mul(3).saturating_add(16));
        out.reserve(cap);
        let (result, _read, _replaced) = dec.decode_to_string(input, &mut out, last);
        debug_assert_eq!(result, CoderResult::InputEmpty);
        Ok(out)
    }
}

/// One-shot decode of a whole buffer.
pub fn decode_all(
    enc: &'static Encoding,
    input: &[u8],
    fatal: bool,
    ignore_bom: bool,
) -> Result<String, Malformed> {
    decode_with(&mut new_decoder(enc, ignore_bom), input, true, fatal)
}

struct Stream {
    decoder: Decoder,
    fatal: bool,
}

thread_local! {
    /// Open streaming decoders, by handle (index); None marks a free slot.
    static STREAMS: RefCell<Vec<Option<Stream>>> = const { RefCell::new(Vec::new()) };
}

fn stream_open(enc: &'static Encoding, fatal: bool, ignore_bom: bool) -> usize {
    STREAMS.with(|t| {
        let mut t = t.borrow_mut();
        let s = Some(Stream {
            decoder: new_decoder(enc, ignore_bom),
            fatal,
        });
        match t.iter().position(Option::is_none) {
            Some(i) => {
                t[i] = s;
                i
            }
            None => {
                t.push(s);
                t.len() - 1
            }
        }
    })
}

/// Feeds a streaming decoder. The stream is closed (its slot freed) when
/// `last` is true or on a fatal error, as TextDecoder then starts afresh.
fn stream_decode(handle: usize, input: &[u8], last: bool) -> Option<Result<String, Malformed>> {
    STREAMS.with(|t| {
        let mut t = t.borrow_mut();
        let s = t.get_mut(handle)?.as_mut()?;
        let fatal = s.fatal;
        let r = decode_with(&mut s.decoder, input, last, fatal);
        if last || r.is_err() {
            t[handle] = None;
        }
        Some(r)
    })
}

fn stream_close(handle: usize) {
    STREAMS.with(|t| {
        if let Some(slot) = t.borrow_mut().get_mut(handle) {
            *slot = None;
        }
    })
}

const MALFORMED: &str = "The encoded data was not valid.";

fn label_arg(args: &CallArgs<'_>, i: usize) -> Option<&'static Encoding> {
    lookup(&args.string(i))
}

/// encodeUtf8(s): Uint8Array. Lone surrogates become U+FFFD, as the
/// USVString conversion in TextEncoder.encode requires.
fn op_encode_utf8<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let mut out = Vec::new();
    args.append_utf8(0, &mut out);
    args.return_bytes(&out);
}

/// decode(bytes, label, fatal, ignoreBOM): string
fn op_decode<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let Some(enc) = label_arg(args, 1) else {
        args.throw(ErrorKind::RangeError, "decode: unknown encoding label");
        return;
    };
    let mut input = Vec::new();
    args.append_bytes(0, &mut input);
    match decode_all(enc, &input, args.bool(2), args.bool(3)) {
        Ok(s) => args.return_str(&s),
        Err(Malformed) => args.throw(ErrorKind::TypeError, MALFORMED),
    }
}

/// encodingName(label): string | undefined
fn op_encoding_name<S>(_: &mut S, args: &mut CallArgs<'_>) {
    match label_arg(args, 0) {
        Some(enc) => args.return_str(&display_name(enc)),
        None => args.return_undefined(),
    }
}

/// decoderOpen(label, fatal, ignoreBOM): number
fn op_decoder_open<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let Some(enc) = label_arg(args, 0) else {
        args.throw(ErrorKind::RangeError, "decoderOpen: unknown encoding label");
        return;
    };
    let h = stream_open(enc, args.bool(1), args.bool(2));
    args.return_int(h as i32);
}

/// decoderDecode(handle, bytes, last): string
fn op_decoder_decode<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let handle = args.int(0);
    let mut input = Vec::new();
    args.append_bytes(1, &mut input);
    let r = if handle < 0 {
        None
    } else {
        stream_decode(handle as usize, &input, args.bool(2))
    };
    match r {
        Some(Ok(s)) => args.return_str(&s),
        Some(Err(Malformed)) => args.throw(ErrorKind::TypeError, MALFORMED),
        None => args.throw(ErrorKind::TypeError, "decoderDecode: the stream is closed"),
    }
}

/// decoderClose(handle): void
fn op_decoder_close<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let handle = args.int(0);
    if handle >= 0 {
        stream_close(handle as usize);
    }
    args.return_undefined();
}

/// structuredClone(value): a deep copy through V8's serializer.
fn op_structured_clone(args: &mut CallArgs<'_>) {
    args.return_structured_clone(0);
}

/// detachArrayBuffer(buffer): true once it is detached (a transfer's
/// source), false when V8 will not detach it or it was detached already;
/// a TypeError for anything but an ArrayBuffer.
fn op_detach_array_buffer(args: &mut CallArgs<'_>) {
    match args.detach_array_buffer(0) {
        Detach::Detached => args.return_bool(true),
        Detach::NotDetachable => args.return_bool(false),
        Detach::NotArrayBuffer => args.throw(ErrorKind::TypeError, "detachArrayBuffer: not an ArrayBuffer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgiving_base64() {
        let d = |s: &str| forgiving_base64_decode(s.as_bytes().to_vec());
        assert_eq!(d("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(d("aGk").as_deref(), Some(&b"hi"[..]), "padding optional");
        assert_eq!(
            d(" a G\tk\n= ").as_deref(),
            Some(&b"hi"[..]),
            "whitespace anywhere"
        );
        assert_eq!(d("aGl=").as_deref(), Some(&b"hi"[..]), "leftover bits dropped");
        assert_eq!(d("").as_deref(), Some(&b""[..]));
        assert_eq!(d("aGk==="), None, "three pads");
        assert_eq!(d("aG=k"), None, "= inside");
        assert_eq!(d("a"), None, "remainder of one");
        assert_eq!(d("aGk-"), None, "base64url is not base64");
        assert_eq!(d("aGk\u{e9}"), None, "non-ASCII");
    }

    #[test]
    fn labels() {
        assert_eq!(display_name(lookup(" UTF8 ").unwrap()), "utf-8");
        assert_eq!(display_name(lookup("latin1").unwrap()), "windows-1252");
        assert_eq!(display_name(lookup("sjis").unwrap()), "shift_jis");
        assert_eq!(display_name(lookup("utf-16").unwrap()), "utf-16le");
        assert_eq!(display_name(lookup("iso-2022-kr").unwrap()), "replacement");
        assert!(lookup("utf-7").is_none());
        assert!(lookup(" Unicode ").is_none(), "dropped by the standard");
        assert!(lookup("unicode-1-1-utf-8").is_some());
        assert!(lookup("").is_none());
    }

    #[test]
    fn bom_handling() {
        let utf8 = lookup("utf-8").unwrap();
        assert_eq!(decode_all(utf8, b"\xEF\xBB\xBFhi", false, false).unwrap(), "hi");
        assert_eq!(
            decode_all(utf8, b"\xEF\xBB\xBFhi", false, true).unwrap(),
            "\u{FEFF}hi"
        );
        // A UTF-16 BOM does not switch a UTF-8 decoder.
        assert_eq!(
            decode_all(utf8, b"\xFF\xFEh", false, false).unwrap(),
            "\u{FFFD}\u{FFFD}h"
        );
        let le = lookup("utf-16le").unwrap();
        assert_eq!(decode_all(le, b"\xFF\xFEh\x00", false, false).unwrap(), "h");
    }

    #[test]
    fn fatal_and_replacement() {
        let utf8 = lookup("utf-8").unwrap();
        assert_eq!(decode_all(utf8, b"a\xC3", false, false).unwrap(), "a\u{FFFD}");
        assert_eq!(decode_all(utf8, b"a\xC3", true, false), Err(Malformed));
        assert_eq!(decode_all(utf8, b"\xF0\x9F\x98\x80", true, false).unwrap(), "😀");
        let w = lookup("windows-1252").unwrap();
        assert_eq!(decode_all(w, b"\x80\xE9", true, false).unwrap(), "€é");
    }

    #[test]
    fn streaming_keeps_partial_sequences() {
        let utf8 = lookup("utf-8").unwrap();
        let h = stream_open(utf8, true, false);
        let mut s = String::new();
        for b in b"\xEF\xBB\xBFx\xF0\x9F\x98\x80y" {
            s += &stream_decode(h, &[*b], false).unwrap().unwrap();
        }
        s += &stream_decode(h, b"", true).unwrap().unwrap();
        assert_eq!(s, "x😀y");
        // Flushing closed the stream.
        assert!(stream_decode(h, b"", true).is_none());

        let h = stream_open(utf8, true, false);
        assert_eq!(stream_decode(h, b"\xE2\x82", false).unwrap().unwrap(), "");
        assert_eq!(stream_decode(h, b"", true).unwrap(), Err(Malformed));

        let le = lookup("utf-16le").unwrap();
        let h = stream_open(le, false, false);
        assert_eq!(stream_decode(h, b"a\x00b", false).unwrap().unwrap(), "a");
        assert_eq!(stream_decode(h, b"\x00", true).unwrap().unwrap(), "b");
    }

    #[test]
    fn slots_are_reused() {
        let utf8 = lookup("utf-8").unwrap();
        let a = stream_open(utf8, false, false);
        stream_close(a);
        let b = stream_open(utf8, false, false);
        assert_eq!(a, b);
        stream_close(b);
    }
}
