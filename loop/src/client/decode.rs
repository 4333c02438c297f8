//! Content-Encoding decoding for fetch() response bodies, as the bytes
//! arrive (streaming: each chunk's output goes to JS in the same turn):
//! gzip, deflate (zlib, or raw deflate as some servers send it), br and
//! zstd.
use std::io::{self, Write};

use brotli::DecompressorWriter;
use flate2::write::{DeflateDecoder, GzDecoder, ZlibDecoder};
use zstd::stream::write::Decoder as ZstdDecoder;

/// How much output brotli buffers before handing it on.
const BROTLI_BUF: usize = 16 * 1024;

pub enum ContentDecoder {
    Gzip(GzDecoder<Vec<u8>>),
    /// "deflate" before its first bytes tell zlib from raw deflate.
    DeflateUnknown,
    Zlib(ZlibDecoder<Vec<u8>>),
    Raw(DeflateDecoder<Vec<u8>>),
    Brotli(Box<DecompressorWriter<Vec<u8>>>),
    Zstd(Box<ZstdDecoder<'static, Vec<u8>>>),
}

impl ContentDecoder {
    /// The decoder for a Content-Encoding value, None for identity and
    /// codings we do not decode (the body is then passed on as it is).
    pub fn for_encoding(value: &[u8]) -> Option<ContentDecoder> {
        let v = String::from_utf8_lossy(value).trim().to_ascii_lowercase();
        match v.as_str() {
            "gzip" | "x-gzip" => Some(ContentDecoder::Gzip(GzDecoder::new(Vec::new()))),
            "deflate" => Some(ContentDecoder::DeflateUnknown),
            "br" => Some(ContentDecoder::Brotli(Box::new(DecompressorWriter::new(
                Vec::new(),
                BROTLI_BUF,
            )))),
            // Creating the zstd context fails only when it cannot be
            // allocated; the body is then passed on as it is.
            "zstd" => ZstdDecoder::new(Vec::new())
                .ok()
                .map(|d| ContentDecoder::Zstd(Box::new(d))),
            _ => None,
        }
    }

    /// Feeds compressed bytes; the decoded ones are appended to `out`.
    pub fn write(&mut self, data: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if let ContentDecoder::DeflateUnknown = self {
            // RFC 1950: a zlib stream starts with CM = 8 and a header
            // that is a multiple of 31; anything else is raw deflate.
            let zlib = data[0] & 0x0f == 8
                && data.len() >= 2
                && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
            *self = if zlib {
                ContentDecoder::Zlib(ZlibDecoder::new(Vec::new()))
            } else {
                ContentDecoder::Raw(DeflateDecoder::new(Vec::new()))
            };
        }
        match self {
            ContentDecoder::Gzip(d) => d.write_all(data)?,
            ContentDecoder::Zlib(d) => d.write_all(data)?,
            ContentDecoder::Raw(d) => d.write_all(data)?,
            ContentDecoder::Brotli(d) => d.write_all(data)?,
            ContentDecoder::Zstd(d) => {
                // The writer keeps a run's output in its own buffer until
                // the next write; flushing hands it on in this turn.
                d.write_all(data)?;
                d.flush()?;
            }
            ContentDecoder::DeflateUnknown => {}
        }
        self.drain(out);
        Ok(())
    }

    /// The body ended: the rest of the output, or an error for a stream
    /// cut short.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        match self {
            ContentDecoder::Gzip(d) => d.try_finish()?,
            ContentDecoder::Zlib(d) => d.try_finish()?,
            ContentDecoder::Raw(d) => d.try_finish()?,
            ContentDecoder::Brotli(d) => d.flush()?,
            // UnexpectedEof when the body ends inside a frame.
            ContentDecoder::Zstd(d) => d.do_finish()?,
            ContentDecoder::DeflateUnknown => {}
        }
        self.drain(out);
        Ok(())
    }

    fn drain(&mut self, out: &mut Vec<u8>) {
        let buf = match self {
            ContentDecoder::Gzip(d) => d.get_mut(),
            ContentDecoder::Zlib(d) => d.get_mut(),
            ContentDecoder::Raw(d) => d.get_mut(),
            ContentDecoder::Brotli(d) => d.get_mut(),
            ContentDecoder::Zstd(d) => d.get_mut(),
            ContentDecoder::DeflateUnknown => return,
        };
        out.append(buf);
    }
}
