//! Incremental decoding of `Transfer-Encoding: chunked` request bodies
//! (RFC 9112 §7.1).
//!
//! The body arrives in whatever pieces the socket hands over, split at any
//! byte, so the decoder is a byte-level state machine that keeps its place
//! between calls; chunk data, the bulk of the bytes, is copied a run at a
//! time. Extensions and trailers are checked and bounded, then dropped: the
//! runtime has no use for them and they must not cost unbounded memory.

use std::fmt;

use crate::response::is_tchar;

/// Longest chunk-size line, hex digits and extensions together.
pub const MAX_CHUNK_LINE: usize = 4 * 1024;

/// Most extension bytes across one body. Without a total, a client could
/// send one body byte per kilobytes of extensions for as long as it likes.
pub const MAX_EXTENSIONS: usize = 16 * 1024;

/// Largest trailer section.
pub const MAX_TRAILERS: usize = 16 * 1024;

/// How far decoding got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a Partial body needs more input, a Done one leaves input unconsumed"]
pub enum ChunkStatus {
    /// The body ended after `consumed` bytes of this input; what follows is
    /// the next request on the connection.
    Done { consumed: usize },
    /// All of the input was used (`consumed` is its length) and the body has
    /// not ended: call again with the next bytes.
    Partial { consumed: usize },
}

/// Why a chunked body was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkError {
    /// 400: the framing is broken; a short description of how.
    Malformed(&'static str),
    /// 413: the chunks add up to more than the decoder's `max_body`.
    TooLarge,
}

impl ChunkError {
    /// The HTTP status code to answer with.
    pub fn status(&self) -> u16 {
        match self {
            ChunkError::Malformed(_) => 400,
            ChunkError::TooLarge => 413,
        }
    }

    /// A short lower-case description, for logs.
    pub fn reason(&self) -> &'static str {
        match self {
            ChunkError::Malformed(why) => why,
            ChunkError::TooLarge => "chunked body above the body limit",
        }
    }
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason(), self.status())
    }
}

impl std::error::Error for ChunkError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Start of a chunk-size line: a hex digit must come.
    SizeStart,
    /// In the hex digits.
    Size,
    /// Whitespace after the digits (BWS before `;`).
    SizeWs,
    /// In the extensions, up to the CR.
    Ext,
    /// CR of the size line seen.
    SizeLf,
    /// `size` bytes of chunk data still to come.
    Data,
    DataCr,
    DataLf,
    /// After the last chunk: a trailer field line or the final CRLF.
    TrailerStart,
    Trailer,
    TrailerLf,
    /// CR of the final empty line seen.
    EndLf,
    Done,
    /// An error was returned; the stream cannot be resynchronised.
    Failed(ChunkError),
}

/// Decodes one chunked body, fed in pieces of any size.
#[derive(Clone, Debug)]
pub struct ChunkedDecoder {
    state: State,
    max_body: u64,
    /// Body bytes announced by the chunk sizes so far.
    body_len: u64,
    /// While reading a size line: the size so far; in data: bytes left.
    size: u64,
    /// Bytes of the current size line, or of the trailer section.
    line_len: usize,
    /// Extension bytes of this body so far.
    ext_len: usize,
}

impl ChunkedDecoder {
    /// A decoder for one body of at most `max_body` decoded bytes.
    pub fn new(max_body: u64) -> Self {
        ChunkedDecoder {
            state: State::SizeStart,
            max_body,
            body_len: 0,
            size: 0,
            line_len: 0,
            ext_len: 0,
        }
    }

    /// Whether the whole body, trailers included, has been decoded.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes as much of `input` as it can, appending body bytes to `out`.
    ///
    /// After an error, `out` may hold part of the body, and every later call
    /// returns the same error: the connection should be closed. After
    /// `Done`, later calls consume nothing.
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<ChunkStatus, ChunkError> {
        let mut pos = 0;
        while pos < input.len() {
            match self.state {
                State::Data => {
                    let avail = input.len() - pos;
                    let n = usize::try_from(self.size).map_or(avail, |left| left.min(avail));
                    out.extend_from_slice(&input[pos..pos + n]);
                    pos += n;
                    self.size -= n as u64;
                    if self.size == 0 {
                        self.state = State::DataCr;
                    }
                }
                State::Done => return Ok(ChunkStatus::Done { consumed: pos }),
                State::Failed(e) => return Err(e),
                _ => {
                    let b = input[pos];
                    pos += 1;
                    if let Err(e) = self.step(b) {
                        self.state = State::Failed(e);
                        return Err(e);
                    }
                }
            }
        }
        match self.state {
            State::Done => Ok(ChunkStatus::Done { consumed: pos }),
            State::Failed(e) => Err(e),
            _ => Ok(ChunkStatus::Partial { consumed: pos }),
        }
    }

    /// Advances the state machine by one framing byte.
    fn step(&mut self, b: u8) -> Result<(), ChunkError> {
        use ChunkError::Malformed;
        self.state = match self.state {
            State::SizeStart => {
                let digit = hex_value(b).ok_or(Malformed("invalid chunk size"))?;
                self.size = u64::from(digit);
                self.line_len = 1;
                State::Size
            }
            State::Size => {
                self.count_line_byte()?;
                if let Some(digit) = hex_value(b) {
                    if self.size > u64::MAX >> 4 {
                        return Err(Malformed("chunk size overflows"));
                    }
                    self.size = (self.size << 4) | u64::from(digit);
                    State::Size
                } else {
                    self.after_size(b)?
                }
            }
            State::SizeWs => {
                self.count_line_byte()?;
                self.after_size(b)?
            }
            State::Ext => match b {
                b'\r' => State::SizeLf,
                b'\t' | b' '..=b'~' | 0x80..=0xff => {
                    self.count_line_byte()?;
                    self.ext_len += 1;
                    if self.ext_len > MAX_EXTENSIONS {
                        return Err(Malformed("too many chunk extension bytes"));
                    }
                    State::Ext
                }
                _ => return Err(Malformed("invalid byte in chunk extension")),
            },
            State::SizeLf => {
                expect_lf(b)?;
                self.start_chunk()?
            }
            State::DataCr if b == b'\r' => State::DataLf,
            State::DataCr => return Err(Malformed("chunk data not followed by CRLF")),
            State::DataLf => {
                expect_lf(b)?;
                State::SizeStart
            }
            State::TrailerStart => {
                self.count_trailer_byte()?;
                match b {
                    b'\r' => State::EndLf,
                    // A field line starts with a field name; anything else
                    // (obs-fold whitespace included) is refused.
                    _ if is_tchar(b) => State::Trailer,
                    _ => return Err(Malformed("invalid trailer field")),
                }
            }
            State::Trailer => {
                self.count_trailer_byte()?;
                match b {
                    b'\r' => State::TrailerLf,
                    b'\t' | b' '..=b'~' | 0x80..=0xff => State::Trailer,
                    _ => return Err(Malformed("invalid trailer field")),
                }
            }
            State::TrailerLf => {
                self.count_trailer_byte()?;
                expect_lf(b)?;
                State::TrailerStart
            }
            State::EndLf => {
                expect_lf(b)?;
                State::Done
            }
            // `decode` handles these without calling `step`.
            State::Data | State::Done | State::Failed(_) => self.state,
        };
        Ok(())
    }

    /// The byte after the chunk size's digits (and any whitespace).
    fn after_size(&self, b: u8) -> Result<State, ChunkError> {
        match b {
            b' ' | b'\t' => Ok(State::SizeWs),
            b';' => Ok(State::Ext),
            b'\r' => Ok(State::SizeLf),
            _ => Err(ChunkError::Malformed("invalid chunk size")),
        }
    }

    /// The size line is over: expect its data, or the trailers after the
    /// last chunk.
    fn start_chunk(&mut self) -> Result<State, ChunkError> {
        if self.size == 0 {
            self.line_len = 0;
            return Ok(State::TrailerStart);
        }
        // Refuse as soon as the size is known, before buffering any of it.
        if self.size > self.max_body - self.body_len {
            return Err(ChunkError::TooLarge);
        }
        self.body_len += self.size;
        Ok(State::Data)
    }

    fn count_line_byte(&mut self) -> Result<(), ChunkError> {
        self.line_len += 1;
        if self.line_len > MAX_CHUNK_LINE {
            return Err(ChunkError::Malformed("chunk size line too long"));
        }
        Ok(())
    }

    fn count_trailer_byte(&mut self) -> Result<(), ChunkError> {
        self.line_len += 1;
        if self.line_len > MAX_TRAILERS {
            return Err(ChunkError::Malformed("trailer section too large"));
        }
        Ok(())
    }
}

/// Every CR in the framing must be followed by LF, and a LF must never come
/// alone: lenient line endings are how two parsers come to disagree.
fn expect_lf(b: u8) -> Result<(), ChunkError> {
    if b == b'\n' {
        Ok(())
    } else {
        Err(ChunkError::Malformed("CR not followed by LF"))
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digits() {
        assert_eq!(hex_value(b'0'), Some(0));
        assert_eq!(hex_value(b'9'), Some(9));
        assert_eq!(hex_value(b'a'), Some(10));
        assert_eq!(hex_value(b'F'), Some(15));
        assert_eq!(hex_value(b'g'), None);
        assert_eq!(hex_value(b'x'), None);
    }

    #[test]
    fn stays_failed() {
        let mut d = ChunkedDecoder::new(100);
        let mut out = Vec::new();
        let e = d.decode(b"z\r\n", &mut out).unwrap_err();
        assert_eq!(d.decode(b"0\r\n\r\n", &mut out), Err(e));
        assert_eq!(d.decode(b"", &mut out), Err(e));
    }

    #[test]
    fn done_consumes_nothing_more() {
        let mut d = ChunkedDecoder::new(100);
        let mut out = Vec::new();
        assert_eq!(
            d.decode(b"0\r\n\r\nGET", &mut out),
            Ok(ChunkStatus::Done { consumed: 5 })
        );
        assert!(d.is_done());
        assert_eq!(d.decode(b"GET", &mut out), Ok(ChunkStatus::Done { consumed: 0 }));
    }
}
