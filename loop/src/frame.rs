//! The input half of a connection: bytes from the socket in, whole requests
//! (head and body) or a refusal out.
//!
//! Nothing here touches a socket or V8, on purpose: the loop drives it from
//! `parse_conn`, and the connection fuzz target (loop/fuzz) compiles this
//! very file and feeds it arbitrary bytes split at arbitrary points. It
//! depends on `howth_parser` and std only; keep it that way.
//!
//! The read buffer holds every byte from the first unparsed request on. A
//! request is framed only once all of it is buffered (handlers get whole
//! bodies), so the buffer must be able to grow to one maximal request; past
//! that, reading stops (see [`Input::read_cap`]) and the request is refused
//! rather than buffered without bound.

use howth_parser::{parse_request, BodyKind, ChunkStatus, ChunkedDecoder, Limits, RequestHead, Status};

/// Read granularity: the spare room kept at the end of the read buffer.
pub const READ_CHUNK: usize = 8 * 1024;

/// Unparsed bytes a connection may buffer while the request in front is
/// complete (pipelined requests waiting their turn). Past it, reading stops
/// until parsing catches up, so a client pipelining megabytes of requests
/// costs this much memory, not megabytes.
pub const READ_SOFT_CAP: usize = 256 * 1024;

/// A read buffer that grew past this (a large body) is given back once it
/// is empty again, so an idle keep-alive connection does not keep holding
/// the memory of the biggest request it ever carried.
pub const READ_SHRINK_ABOVE: usize = 1 << 20;

/// Where a request's body is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BodyAt {
    #[default]
    None,
    /// In the read buffer (Content-Length bodies): absolute offsets.
    Read { start: usize, len: usize },
    /// In the caller's arena (decoded chunked bodies).
    Arena { start: usize, len: usize },
}

/// What the request at the read position still lacks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Awaiting {
    /// Nothing: no bytes of a next request, or a complete one not parsed yet.
    #[default]
    Nothing,
    /// Part of a head has arrived.
    Head,
    /// The head has arrived, part of the body has not.
    Body,
}

/// The outcome of [`Input::next`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole request: its head is in the `RequestHead` given, its first
    /// byte at `offset` in the buffer (the head's spans are relative to it),
    /// `len` bytes long in all. The read position has moved past it.
    Request { offset: usize, len: usize, body: BodyAt },
    /// More bytes are needed. `send_continue`: the client asked for
    /// `100 Continue` and has not been sent one for this request yet.
    NeedMore { send_continue: bool },
    /// Answer `status` and close: the bytes cannot be framed (or are too
    /// many), so nothing after them can be trusted to start a request.
    Refuse { status: u16, reason: &'static str },
    /// No unparsed bytes.
    Empty,
}

/// Incremental decoding of the chunked body of the request at the read
/// position, so a body arriving in many reads is decoded once, not again
/// from its start on every read (which would be quadratic).
struct Chunked {
    decoder: ChunkedDecoder,
    body: Vec<u8>,
    /// Encoded bytes after the head already fed to the decoder.
    scanned: usize,
}

pub struct Input {
    /// Always fully initialised (len == capacity), so reads need no zeroing;
    /// `filled` says how much holds data.
    pub buf: Vec<u8>,
    pub filled: usize,
    /// Bytes taken by requests already framed.
    pub consumed: usize,
    pub awaiting: Awaiting,
    /// While awaiting a Content-Length body: the bytes the request needs.
    need: usize,
    /// Kept between chunked requests for its buffers; `chunk_active` says
    /// whether it belongs to the request at the read position.
    chunked: Option<Box<Chunked>>,
    chunk_active: bool,
    /// `100 Continue` was sent for the request at the read position.
    continue_sent: bool,
    /// [`READ_SOFT_CAP`], smaller in the fuzz target so inputs reach it.
    pub soft_cap: usize,
}

impl Default for Input {
    fn default() -> Self {
        Input::new()
    }
}

impl Input {
    pub fn new() -> Input {
        Input {
            buf: vec![0; READ_CHUNK],
            filled: 0,
            consumed: 0,
            awaiting: Awaiting::Nothing,
            need: 0,
            chunked: None,
            chunk_active: false,
            continue_sent: false,
            soft_cap: READ_SOFT_CAP,
        }
    }

    /// The bytes read and not yet framed.
    #[allow(dead_code)] // tests and the fuzz target
    pub fn unparsed(&self) -> &[u8] {
        &self.buf[self.consumed..self.filled]
    }

    pub fn unparsed_len(&self) -> usize {
        self.filled - self.consumed
    }

    /// Free room to read into, grown (by doubling, zeroed once per growth)
    /// when less than a quarter chunk is left.
    pub fn spare(&mut self) -> &mut [u8] {
        if self.buf.len() - self.filled < READ_CHUNK / 4 {
            let grow = self.buf.len().max(READ_CHUNK);
            self.buf.resize(self.buf.len() + grow, 0);
        }
        &mut self.buf[self.filled..]
    }

    /// Records `n` bytes read into [`Input::spare`].
    pub fn advance(&mut self, n: usize) {
        debug_assert!(self.filled + n <= self.buf.len());
        self.filled += n;
    }

    /// How many unparsed bytes may be buffered before reading stops: enough
    /// for the request in front to complete (one maximal head, or the body
    /// it announced) and never less than [`READ_SOFT_CAP`]. A request that
    /// cannot complete within it is refused by [`Input::next`], so a
    /// connection whose reading stopped at the cap always has a request to
    /// frame or a refusal to send: it cannot stall.
    pub fn read_cap(&self, limits: &Limits) -> usize {
        let head = limits.max_head_bytes.saturating_add(1);
        let want = match self.awaiting {
            Awaiting::Body if self.chunk_active => chunked_cap(limits),
            Awaiting::Body => self.need,
            _ => head,
        };
        want.max(self.soft_cap)
    }

    /// Frames the request at the read position. On `Request` the position
    /// moves past it; on `Refuse` the caller must stop reading and close.
    /// `head` is overwritten whatever the outcome; decoded chunked bodies
    /// are appended to `arena`.
    pub fn next(&mut self, limits: &Limits, head: &mut RequestHead, arena: &mut Vec<u8>) -> Frame {
        if self.consumed == self.filled {
            self.awaiting = Awaiting::Nothing;
            return Frame::Empty;
        }
        let offset = self.consumed;
        let buf = &self.buf[offset..self.filled];
        match parse_request(buf, limits, head) {
            Ok(Status::Complete) => {}
            Ok(Status::Partial) => {
                self.awaiting = Awaiting::Head;
                return Frame::NeedMore { send_continue: false };
            }
            Err(e) => return self.refuse(e.status(), e.reason()),
        }
        let head_len = head.head_len;
        let (body, len) = match head.body {
            BodyKind::None => (BodyAt::None, head_len),
            BodyKind::Length(n) => {
                // The parser bounds n by max_body_bytes; the conversion only
                // fails on a 32-bit target with a limit above 4 GiB.
                let Some(total) = usize::try_from(n).ok().and_then(|n| n.checked_add(head_len)) else {
                    return self.refuse(413, "content length above what this machine can buffer");
                };
                if buf.len() < total {
                    self.awaiting = Awaiting::Body;
                    self.need = total;
                    return Frame::NeedMore {
                        send_continue: self.take_continue(head),
                    };
                }
                (
                    BodyAt::Read {
                        start: offset + head_len,
                        len: total - head_len,
                    },
                    total,
                )
            }
            BodyKind::Chunked => {
                if !self.chunk_active {
                    self.chunk_active = true;
                    let c = self.chunked.get_or_insert_with(|| {
                        Box::new(Chunked {
                            decoder: ChunkedDecoder::new(0),
                            body: Vec::new(),
                            scanned: 0,
                        })
                    });
                    c.decoder = ChunkedDecoder::new(limits.max_body_bytes);
                    c.body.clear();
                    c.scanned = 0;
                }
                let c = self.chunked.as_mut().expect("chunk state is active");
                // Decode no further than the cap, so that the verdict on a
                // request depends on its bytes alone, not on how they were
                // split into reads.
                let cap = chunked_cap(limits);
                let from = head_len + c.scanned;
                let to = buf.len().min(cap).max(from);
                match c.decoder.decode(&buf[from..to], &mut c.body) {
                    Ok(ChunkStatus::Done { consumed }) => {
                        let start = arena.len();
                        arena.extend_from_slice(&c.body);
                        let total = from + consumed;
                        self.chunk_active = false;
                        if c.body.capacity() > READ_SHRINK_ABOVE {
                            c.body = Vec::new();
                        }
                        (
                            BodyAt::Arena {
                                start,
                                len: arena.len() - start,
                            },
                            total,
                        )
                    }
                    Ok(ChunkStatus::Partial { consumed }) => {
                        c.scanned += consumed;
                        if to >= cap {
                            return self.refuse(413, "chunked body encoding too large");
                        }
                        self.awaiting = Awaiting::Body;
                        return Frame::NeedMore {
                            send_continue: self.take_continue(head),
                        };
                    }
                    Err(e) => return self.refuse(e.status(), e.reason()),
                }
            }
        };
        self.consumed += len;
        self.awaiting = Awaiting::Nothing;
        self.continue_sent = false;
        Frame::Request { offset, len, body }
    }

    fn refuse(&mut self, status: u16, reason: &'static str) -> Frame {
        self.chunk_active = false;
        self.awaiting = Awaiting::Nothing;
        Frame::Refuse { status, reason }
    }

    fn take_continue(&mut self, head: &RequestHead) -> bool {
        if head.expect_continue && !self.continue_sent {
            self.continue_sent = true;
            return true;
        }
        false
    }

    /// Forgets the bytes of framed requests: the unparsed tail moves to the
    /// front. Only between batches: batch entries point into the buffer.
    pub fn compact(&mut self) {
        if self.consumed > 0 {
            self.buf.copy_within(self.consumed..self.filled, 0);
            self.filled -= self.consumed;
            self.consumed = 0;
        }
        if self.filled == 0 && self.buf.len() > READ_SHRINK_ABOVE {
            self.buf = vec![0; READ_CHUNK];
        }
    }
}

/// The most bytes a chunked request may take on the wire: twice the largest
/// head and body the limits allow, room for any honest chunk framing. The
/// decoder bounds extensions, but tiny chunks (or size lines padded with
/// zeros) could otherwise make a body within the limit take any number of
/// bytes, all of which would have to be buffered.
pub fn chunked_cap(limits: &Limits) -> usize {
    let body = usize::try_from(limits.max_body_bytes).unwrap_or(usize::MAX);
    limits.max_head_bytes.saturating_add(body).saturating_mul(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(input: &mut Input, bytes: &[u8]) {
        let mut at = 0;
        while at < bytes.len() {
            let spare = input.spare();
            let n = spare.len().min(bytes.len() - at);
            spare[..n].copy_from_slice(&bytes[at..at + n]);
            input.advance(n);
            at += n;
        }
    }

    #[test]
    fn pipelined_requests_frame_one_by_one() {
        let mut input = Input::new();
        let mut head = RequestHead::new();
        let mut arena = Vec::new();
        let limits = Limits::default();
        feed(
            &mut input,
            b"GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET",
        );
        let Frame::Request {
            offset: 0,
            len: 19,
            body: BodyAt::None,
        } = input.next(&limits, &mut head, &mut arena)
        else {
            panic!()
        };
        assert_eq!(
            input.next(&limits, &mut head, &mut arena),
            Frame::Request {
                offset: 19,
                len: 42,
                body: BodyAt::Read { start: 58, len: 3 }
            }
        );
        assert_eq!(
            input.next(&limits, &mut head, &mut arena),
            Frame::NeedMore { send_continue: false }
        );
        assert_eq!(input.awaiting, Awaiting::Head);
        input.compact();
        assert_eq!(input.unparsed(), b"GET");
    }

    #[test]
    fn chunked_bodies_decode_across_reads_and_ask_for_continue_once() {
        let mut input = Input::new();
        let mut head = RequestHead::new();
        let mut arena = Vec::new();
        let limits = Limits::default();
        feed(
            &mut input,
            b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
        );
        assert_eq!(
            input.next(&limits, &mut head, &mut arena),
            Frame::NeedMore { send_continue: true }
        );
        feed(&mut input, b"c\r\n");
        assert_eq!(
            input.next(&limits, &mut head, &mut arena),
            Frame::NeedMore { send_continue: false }
        );
        assert_eq!(input.awaiting, Awaiting::Body);
        feed(&mut input, b"0\r\n\r\n");
        let Frame::Request {
            body: BodyAt::Arena { start: 0, len: 3 },
            ..
        } = input.next(&limits, &mut head, &mut arena)
        else {
            panic!()
        };
        assert_eq!(arena, b"abc");
        assert_eq!(input.next(&limits, &mut head, &mut arena), Frame::Empty);
    }

    #[test]
    fn a_chunked_body_that_outgrows_its_cap_is_refused() {
        let limits = Limits {
            max_body_bytes: 1000,
            ..Limits::default()
        };
        let mut input = Input::new();
        let mut head = RequestHead::new();
        let mut arena = Vec::new();
        feed(
            &mut input,
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        let mut refused = None;
        for _ in 0..100_000 {
            // One body byte per 4 KiB size line: within the body limit,
            // far beyond any honest encoding.
            let mut line = vec![b'0'; 4000];
            line.extend_from_slice(b"1\r\nx\r\n");
            feed(&mut input, &line);
            match input.next(&limits, &mut head, &mut arena) {
                Frame::NeedMore { .. } => assert!(input.unparsed_len() < input.read_cap(&limits)),
                other => {
                    refused = Some(other);
                    break;
                }
            }
        }
        assert!(
            matches!(refused, Some(Frame::Refuse { status: 413, .. })),
            "{refused:?}"
        );
    }
}
