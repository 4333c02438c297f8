//! node:zlib's native half: gzip, deflate (zlib-wrapped and raw), brotli and
//! zstd, both ways, on flate2 (zlib-rs backend), the brotli and zstd crates. A whole
//! input in, a whole output out: the sync forms run inline, the callback
//! and promise forms on the worker pool (crate::pool). ts-lib/node/zlib.ts
//! is the JS half; CompressionStream, DecompressionStream and the Howth.*Sync
//! functions (ts-lib/compression.ts) use it too. zstd is not in Node 20's
//! zlib; only Howth's own APIs name it.

use std::io::{Read, Write};

use flate2::{Compression, GzBuilder};
use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use serde_json::json;

use crate::ops::host::HostValue;
use crate::RuntimeState;

/// What a call does to its input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Codec {
    Gzip,
    Gunzip,
    Deflate,
    Inflate,
    DeflateRaw,
    InflateRaw,
    /// gunzip or inflate, by the header.
    Unzip,
    BrotliCompress,
    BrotliDecompress,
    ZstdCompress,
    ZstdDecompress,
}

impl Codec {
    fn from_name(name: &str) -> Option<Codec> {
        Some(match name {
            "gzip" => Codec::Gzip,
            "gunzip" => Codec::Gunzip,
            "deflate" => Codec::Deflate,
            "inflate" => Codec::Inflate,
            "deflateRaw" => Codec::DeflateRaw,
            "inflateRaw" => Codec::InflateRaw,
            "unzip" => Codec::Unzip,
            "brotliCompress" => Codec::BrotliCompress,
            "brotliDecompress" => Codec::BrotliDecompress,
            "zstdCompress" => Codec::ZstdCompress,
            "zstdDecompress" => Codec::ZstdDecompress,
            _ => return None,
        })
    }
}

/// Inputs at least this large go to the pool even from a sync-looking JS
/// API that allows it (CompressionStream chunks); smaller ones run inline.
pub const POOL_THRESHOLD: usize = 64 * 1024;

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("zlibCall", op_zlib_call::<X>);
}

/// `zlibCall(async, codec, data, level)`: sync, returns whether it failed
/// (the outcome waits in `poolResult`); async, returns the job id.
fn op_zlib_call<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let is_async = args.bool(0);
    let name = if args.kind(1) == Kind::String {
        args.string(1)
    } else {
        String::new()
    };
    let Some(codec) = Codec::from_name(&name) else {
        return args.throw(
            ErrorKind::TypeError,
            &format!("zlibCall: no codec named {name:?}"),
        );
    };
    if !matches!(args.kind(2), Kind::ArrayBuffer | Kind::View) {
        return args.throw(ErrorKind::TypeError, "zlibCall: the input must be bytes");
    }
    let mut input = Vec::with_capacity(args.bytes_len(2));
    args.append_bytes(2, &mut input);
    let level = match args.kind(3) {
        Kind::Int | Kind::Number => Some(args.number(3) as i32),
        _ => None,
    };
    state.pool.run_or_submit(args, is_async, move || {
        run(codec, &input, level).map(HostValue::Bytes)
    });
}

/// zlib's error for a bad or cut-short stream, as Node reports it.
fn zlib_error(e: &std::io::Error) -> HostValue {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return data_error("unexpected end of file", "Z_BUF_ERROR", -5);
    }
    // flate2 passes zlib's own message through (e.g. "invalid distance too far back").
    let msg = e.to_string();
    let msg = msg
        .trim_start_matches("deflate decompression error")
        .trim_start_matches(": ");
    data_error(
        if msg.is_empty() { "invalid data" } else { msg },
        "Z_DATA_ERROR",
        -3,
    )
}

fn data_error(message: &str, code: &str, errno: i32) -> HostValue {
    HostValue::Json(json!({ "message": message, "code": code, "errno": errno }))
}

/// zlib checks a stream's header before anything else; so does this, with
/// zlib's message.
fn check_header(codec: Codec, input: &[u8]) -> Result<(), HostValue> {
    let bad = || data_error("incorrect header check", "Z_DATA_ERROR", -3);
    match codec {
        Codec::Gunzip if input.len() >= 2 && input[..2] != [0x1f, 0x8b] => Err(bad()),
        Codec::Inflate if input.len() >= 2 => {
            let (cmf, flg) = (input[0] as u16, input[1] as u16);
            if cmf & 0x0f != 8 || (cmf << 8 | flg) % 31 != 0 {
                Err(bad())
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn level_of(level: Option<i32>) -> Compression {
    match level {
        Some(l @ 0..=9) => Compression::new(l as u32),
        _ => Compression::new(6),
    }
}

/// Compresses or decompresses all of `input`.
pub fn run(codec: Codec, input: &[u8], level: Option<i32>) -> Result<Vec<u8>, HostValue> {
    let io = |r: std::io::Result<Vec<u8>>| r.map_err(|e| zlib_error(&e));
    match codec {
        Codec::Gzip => {
            // OS 3 (Unix), as zlib writes it; flate2 sets XFL from the level as zlib does.
            let mut e = GzBuilder::new()
                .operating_system(3)
                .write(Vec::new(), level_of(level));
            io(e.write_all(input).and_then(|_| e.finish()))
        }
        Codec::Deflate => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level_of(level));
            io(e.write_all(input).and_then(|_| e.finish()))
        }
        Codec::DeflateRaw => {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), level_of(level));
            io(e.write_all(input).and_then(|_| e.finish()))
        }
        Codec::Gunzip => {
            check_header(codec, input)?;
            io(read_all(flate2::read::MultiGzDecoder::new(input)))
        }
        Codec::Inflate => {
            check_header(codec, input)?;
            io(read_all(flate2::read::ZlibDecoder::new(input)))
        }
        Codec::InflateRaw => io(read_all(flate2::read::DeflateDecoder::new(input))),
        Codec::Unzip => {
            if input.starts_with(&[0x1f, 0x8b]) {
                run(Codec::Gunzip, input, level)
            } else {
                run(Codec::Inflate, input, level)
            }
        }
        Codec::BrotliCompress => {
            let quality = level.filter(|q| (0..=11).contains(q)).unwrap_or(11);
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality,
                ..Default::default()
            };
            let mut reader = input;
            io(brotli::BrotliCompress(&mut reader, &mut out, &params).map(|_| out))
        }
        Codec::BrotliDecompress => {
            let mut out = Vec::new();
            let mut reader = input;
            brotli::BrotliDecompress(&mut reader, &mut out).map_err(|_| {
                HostValue::Json(json!({
                    "message": "Decompression failed",
                    "code": "ERR__ERROR_FORMAT_PADDING_1",
                    "errno": -1,
                }))
            })?;
            Ok(out)
        }
        Codec::ZstdCompress => {
            // zstd's own default level is 3; its range is 1..=22.
            let level = level.filter(|l| (1..=22).contains(l)).unwrap_or(3);
            io(zstd::bulk::compress(input, level))
        }
        // A frame's content size is optional, so decode as a stream rather
        // than trusting a size from the header.
        Codec::ZstdDecompress => zstd::stream::decode_all(input).map_err(|e| {
            HostValue::Json(json!({
                "message": format!("zstd decompression failed: {e}"),
                "code": "ERR_ZSTD_INVALID",
                "errno": -1,
            }))
        }),
    }
}

fn read_all(mut r: impl Read) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codec_round_trips_and_bad_input_is_a_zlib_error() {
        let input: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        for (c, d) in [
            (Codec::Gzip, Codec::Gunzip),
            (Codec::Gzip, Codec::Unzip),
            (Codec::Deflate, Codec::Inflate),
            (Codec::Deflate, Codec::Unzip),
            (Codec::DeflateRaw, Codec::InflateRaw),
            (Codec::BrotliCompress, Codec::BrotliDecompress),
            (Codec::ZstdCompress, Codec::ZstdDecompress),
        ] {
            let packed = run(c, &input, None).unwrap();
            assert!(packed.len() < input.len() / 10, "{c:?} compresses");
            assert_eq!(run(d, &packed, None).unwrap(), input, "{c:?} then {d:?}");
        }
        let gz = run(Codec::Gzip, b"x", Some(6)).unwrap();
        assert_eq!(&gz[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
        let bad = run(Codec::ZstdDecompress, b"not zstd", None).unwrap_err();
        assert_eq!(bad.as_json().unwrap()["code"], "ERR_ZSTD_INVALID");
        let bad = run(Codec::Inflate, b"not zlib", None).unwrap_err();
        assert_eq!(bad.as_json().unwrap()["code"], "Z_DATA_ERROR");
        let cut = run(Codec::Gunzip, &gz[..gz.len() - 4], None).unwrap_err();
        assert_eq!(cut.as_json().unwrap()["code"], "Z_BUF_ERROR");
    }
}
