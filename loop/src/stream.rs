//! A stream: one registered socket that carries bytes both ways. It is a
//! transport (transport.rs: plain TCP now, TLS later), a protocol state
//! machine (http1.rs: the HTTP/1 server side now) and an output queue
//! (output.rs). The loop hands it readiness events and asks it what it
//! needs next; the fields are its own.
use std::io::{self, Read};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use howth_parser::Limits;
use mio::event::Event;
use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use crate::batch::Handle;
use crate::http1::{Around, Http1, Phase};
use crate::output::{Flushed, OutQueue};
use crate::transport::Transport;

/// What a stream's server lets it do: copied from the server's options
/// when the stream is accepted, so the stream answers its own questions
/// without looking its listener up.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    pub limits: Limits,
    pub max_requests: u64,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
}

/// What a readiness event asked of the loop.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Requests may be waiting: frame them this turn.
    Parse,
    /// Nothing for the protocol (a lingering stream read and dropped).
    Nothing,
    /// The stream is finished: close it at the end of the turn.
    Done,
}

pub struct Stream {
    /// Unique for the process's life: a slab key can be reused, this cannot,
    /// so a late async response never reaches a newer connection.
    id: u64,
    /// The listener's key (its token) in the loop's sources.
    server: usize,
    peer: SocketAddr,
    rules: Rules,
    transport: Transport,
    http: Http1,
    out: OutQueue,
    /// Reading stopped (the input cap, or output over the high-water mark)
    /// while the socket may hold more: with edge-triggered readiness no new
    /// event will say so, so the loop reads explicitly once the cause lifts.
    read_blocked: bool,
    /// The peer closed its side (EOF): no more requests will come, but the
    /// responses owed are still written (it may only have half-closed).
    peer_gone: bool,
    /// The socket failed (reset, write error): nothing more can be written,
    /// so the stream closes at once, whatever it still owes.
    broken: bool,
    want_writable: bool,
    /// Queued in the loop's dirty list (has output to flush).
    dirty: bool,
    /// Queued in the loop's parse list.
    to_parse: bool,
    /// A streamed response on this connection was told to wait
    /// (respondChunk returned false): tell JS when the output drains.
    stream_waiting: bool,
    /// The socket took output since the timeout clock last looked.
    wrote: bool,
    lingering: bool,
    /// Its requests waiting for async handlers (at most MAX_IN_FLIGHT):
    /// found from here when the stream drains or closes, not by a scan.
    deferred: Vec<Handle>,
}

/// What reading a socket found.
#[derive(Debug, PartialEq, Eq)]
enum ReadOutcome {
    /// Read until the socket was drained (WouldBlock).
    Drained,
    /// The peer closed its side (a 0-byte read) after any bytes read.
    Eof,
    /// The buffered bytes reached `cap`: stop reading until they are consumed.
    Full,
}

impl Stream {
    /// A stream for an accepted socket (`register` it next).
    pub fn accept(
        id: u64,
        sock: TcpStream,
        peer: SocketAddr,
        server: usize,
        rules: Rules,
        now: Instant,
    ) -> Stream {
        let _ = sock.set_nodelay(true);
        Stream {
            id,
            server,
            peer,
            rules,
            transport: Transport::Tcp(sock),
            http: Http1::new(now),
            out: OutQueue::new(),
            read_blocked: false,
            peer_gone: false,
            broken: false,
            want_writable: false,
            dirty: false,
            to_parse: false,
            stream_waiting: false,
            wrote: false,
            lingering: false,
            deferred: Vec::new(),
        }
    }

    /// Watches the stream under `token` (its key among the sources).
    pub fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        self.transport.register(registry, token, Interest::READABLE)
    }

    #[inline]
    pub fn id(&self) -> u64 {
        self.id
    }

    #[inline]
    pub fn server(&self) -> usize {
        self.server
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    #[inline]
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    #[inline]
    pub fn http(&self) -> &Http1 {
        &self.http
    }

    #[inline]
    pub fn http_mut(&mut self) -> &mut Http1 {
        &mut self.http
    }

    /// The bytes of the read buffer from `offset` to the end of what was
    /// read (a framed request's head spans are relative to its offset).
    #[inline]
    pub fn read_bytes(&self, offset: usize) -> &[u8] {
        let input = self.http.input();
        &input.buf[offset..input.filled]
    }

    /// `len` bytes of the read buffer from `start` (a body).
    #[inline]
    pub fn read_range(&self, start: usize, len: usize) -> &[u8] {
        &self.http.input().buf[start..start + len]
    }

    // ---- readiness ---------------------------------------------------------

    /// Handles a readiness event: writes what waited for WRITABLE, reads
    /// what arrived (up to the input cap and while the output is below the
    /// high-water mark), and says what the loop should do next.
    pub fn ready(&mut self, event: &Event, registry: &Registry, token: Token) -> Readiness {
        if self.lingering {
            if !self.discard_input() {
                self.broken = true;
                return Readiness::Done;
            }
            return Readiness::Nothing;
        }
        if event.is_error() {
            // A pending socket error (a reset): nothing more can be
            // delivered either way.
            self.broken = true;
        }
        if event.is_writable() && !self.broken && self.flush(registry, token).is_err() {
            self.broken = true;
        }
        if event.is_read_closed() {
            // Reads stop at a short read, so an EOF that came with the last
            // bytes is known only from this event (EPOLLRDHUP).
            self.peer_gone = true;
        }
        if event.is_readable() || event.is_read_closed() {
            if self.may_read(crate::WRITE_HIGH_WATER) {
                self.read();
            } else {
                // Over the high-water mark or the input cap: leave the bytes
                // in the kernel (whose window then pushes back on the
                // client) and read once the cause lifts.
                self.read_blocked = true;
            }
        }
        Readiness::Parse
    }

    /// Marks the stream queued for parsing; false when it already was.
    #[inline]
    pub fn queue_parse(&mut self) -> bool {
        !std::mem::replace(&mut self.to_parse, true)
    }

    /// Takes the stream off the parse queue; true when it was on it.
    #[inline]
    pub fn take_parse(&mut self) -> bool {
        std::mem::replace(&mut self.to_parse, false)
    }

    #[inline]
    pub fn queued_for_parse(&self) -> bool {
        self.to_parse
    }

    /// Whether framing may go on: the protocol reads, the socket works,
    /// and the output and the answers owed are below their bounds.
    #[inline]
    pub fn may_frame(&self) -> bool {
        self.http.reading()
            && !self.broken
            && self.unsent() < crate::WRITE_HIGH_WATER
            && self.http.in_flight() < crate::MAX_IN_FLIGHT
    }

    /// The input cap under this stream's limits.
    fn read_cap(&self) -> usize {
        self.http.input().read_cap(&self.rules.limits)
    }

    /// Whether reading may go on: not closed, output below `high_water`,
    /// and room left under the input cap.
    fn may_read(&self, high_water: usize) -> bool {
        self.http.reading()
            && !self.broken
            && self.unsent() < high_water
            && self.http.input().unparsed_len() < self.read_cap()
    }

    fn read(&mut self) {
        match self.read_available(self.read_cap()) {
            Ok(ReadOutcome::Drained) | Ok(ReadOutcome::Full) => {}
            Ok(ReadOutcome::Eof) => self.peer_gone = true,
            // ECONNRESET and the like: the socket is dead both ways.
            Err(_) => self.broken = true,
        }
    }

    /// Reads everything available, never holding more than `cap` unparsed
    /// bytes. A read that fills less than the room offered means the socket
    /// is empty for now, which saves the WouldBlock read: bytes arriving
    /// later are a new edge. (An EOF that came with those bytes is known
    /// from the event's read-closed flag instead, see `ready`.)
    fn read_available(&mut self, cap: usize) -> io::Result<ReadOutcome> {
        loop {
            let input = self.http.input_mut();
            if input.unparsed_len() >= cap {
                self.read_blocked = true;
                return Ok(ReadOutcome::Full);
            }
            let spare = input.spare();
            let offered = spare.len();
            match self.transport.read(spare) {
                Ok(0) => return Ok(ReadOutcome::Eof),
                Ok(n) => {
                    self.http.input_mut().advance(n);
                    if n < offered {
                        return Ok(ReadOutcome::Drained);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(ReadOutcome::Drained),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The end of a turn that touched this stream: compact the input,
    /// resume a read blocked on the output once it is down to the low-water
    /// mark, move the timeout clock. Returns whether the stream has
    /// requests to frame next turn.
    pub fn end_turn(&mut self, now: Instant) -> bool {
        self.http.input_mut().compact();
        let parse = if self.read_blocked && self.may_read(crate::WRITE_LOW_WATER) {
            self.read_blocked = false;
            self.read();
            true
        } else {
            // Complete requests left unframed (output over the high-water
            // mark, or MAX_IN_FLIGHT reached): once room is back, frame
            // them next turn.
            self.has_frame_work()
        };
        self.update_phase(now);
        parse
    }

    /// Complete requests may be waiting and there is room to take them.
    fn has_frame_work(&self) -> bool {
        !self.broken && self.unsent() < crate::WRITE_HIGH_WATER && self.http.has_requests_to_frame()
    }

    /// Something stopped for want of room may go on now: reading, blocked
    /// until the output came down to the low-water mark, or framing.
    pub fn may_resume(&self) -> bool {
        (self.read_blocked && self.http.reading() && self.unsent() < crate::WRITE_LOW_WATER)
            || self.has_frame_work()
    }

    // ---- output ------------------------------------------------------------

    /// The buffer the response with sequence `seq` is written into (see
    /// output.rs).
    #[inline]
    pub fn out_for(&mut self, seq: u64) -> &mut Vec<u8> {
        self.out.out_for(seq)
    }

    /// Response `seq` is complete; the ones after it that were waiting for
    /// it move into the output.
    #[inline]
    pub fn finish(&mut self, seq: u64) {
        self.http.answered();
        self.out.finish(seq);
    }

    /// Bytes written by handlers and not yet taken by the socket.
    #[inline]
    pub fn unsent(&self) -> usize {
        self.out.unsent()
    }

    /// Marks the stream as having output to flush; false when it already was.
    #[inline]
    pub fn mark_dirty(&mut self) -> bool {
        !std::mem::replace(&mut self.dirty, true)
    }

    /// Writes as much of the output as the socket takes. Asks for WRITABLE
    /// when it stops short, and drops that interest once drained.
    pub fn flush(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        let (flushed, wrote) = self.out.write_to(&mut self.transport)?;
        self.wrote |= wrote > 0;
        let want = flushed == Flushed::Blocked;
        if want != self.want_writable {
            self.want_writable = want;
            let interest = if want {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            self.transport.reregister(registry, token, interest)?;
        }
        Ok(())
    }

    /// The loop's flush of a dirty stream: a failed socket marks it broken.
    pub fn flush_dirty(&mut self, registry: &Registry, token: Token) {
        self.dirty = false;
        if self.flush(registry, token).is_err() {
            self.broken = true;
        }
    }

    /// Bytes that go out ahead of anything owed, once, without waiting:
    /// the 408 of a stream about to be closed for a timeout.
    pub fn last_words(&mut self, bytes: &[u8], registry: &Registry, token: Token) {
        self.out.push_now(bytes);
        let _ = self.flush(registry, token);
    }

    /// A streamed response was told to wait for the output to drain.
    pub fn set_stream_waiting(&mut self) {
        self.stream_waiting = true;
    }

    /// A stream told to wait may go on: the output is down to the
    /// low-water mark. True once per wait.
    pub fn take_drained(&mut self) -> bool {
        if !self.stream_waiting || self.unsent() >= crate::WRITE_LOW_WATER {
            return false;
        }
        self.stream_waiting = false;
        true
    }

    // ---- requests answered later -------------------------------------------

    pub fn add_deferred(&mut self, h: Handle) {
        self.deferred.push(h);
    }

    pub fn remove_deferred(&mut self, h: Handle) {
        if let Some(i) = self.deferred.iter().position(|&d| d == h) {
            self.deferred.swap_remove(i);
        }
    }

    /// The handles of this stream's requests waiting for async handlers.
    pub fn deferred(&self) -> &[Handle] {
        &self.deferred
    }

    // ---- ending ------------------------------------------------------------

    /// Whether `seq` on stream `id` is still to be answered here: the same
    /// connection, a working socket, not after a response that closes it.
    #[inline]
    pub fn owes(&self, id: u64, seq: u64) -> bool {
        self.id == id && !self.broken && self.http.owes(seq)
    }

    /// Whether the client is still there to read an answer.
    pub fn alive(&self) -> bool {
        !self.peer_gone
    }

    /// The socket is given up on: the stream closes at once.
    pub fn break_off(&mut self) {
        self.broken = true;
    }

    /// True when the stream has nothing left to do and should close.
    pub fn is_finished(&self) -> bool {
        if self.broken {
            return true;
        }
        if self.lingering {
            // Ends by EOF or error (then broken) or by the sweep.
            return false;
        }
        if self.unsent() > 0 {
            return false;
        }
        self.http.closing_done(self.out.front()) || self.http.done(self.peer_gone)
    }

    /// Whether closing now could cost the client its last response: after
    /// an error answer the client may still be sending (a body refused with
    /// 413, say), and closing a socket with unread input makes the kernel
    /// send a reset, which can destroy the response in the client's buffers
    /// before it reads it. Such a connection lingers instead.
    fn should_linger(&self) -> bool {
        self.http.lingers_on_close() && !self.broken && !self.peer_gone && !self.lingering
    }

    /// A finished stream: true when it should close now; false when it
    /// lingers instead (write side shut, input read and dropped until the
    /// client stops or LINGER passes).
    pub fn close_or_linger(&mut self, registry: &Registry, token: Token, now: Instant) -> bool {
        if !self.should_linger() {
            return true;
        }
        self.lingering = true;
        self.read_blocked = false;
        self.http.start_lingering(now);
        if self.transport.shutdown_write().is_err() || !self.discard_input() {
            self.broken = true;
            return true;
        }
        // Only input matters now: no WRITABLE wake-ups.
        let _ = self.transport.reregister(registry, token, Interest::READABLE);
        self.want_writable = false;
        false
    }

    /// Reads and drops everything available; false at EOF or on an error
    /// (the client is done: close).
    fn discard_input(&mut self) -> bool {
        let input = self.http.input_mut();
        input.filled = 0;
        input.consumed = 0;
        loop {
            match self.transport.read(&mut self.http.input_mut().buf) {
                Ok(0) => return false,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    /// Takes the stream out of the poll (before it is dropped, which
    /// closes the socket).
    pub fn deregister(&mut self, registry: &Registry) {
        let _ = self.transport.deregister(registry);
    }

    // ---- timeouts ----------------------------------------------------------

    fn update_phase(&mut self, now: Instant) {
        let around = Around {
            unsent: self.unsent(),
            lingering: self.lingering,
            ended: self.peer_gone || self.broken,
        };
        self.http.update_phase(now, around, self.wrote);
        self.wrote = false;
    }

    /// The sweep's question: has the stream overstayed the limit of the
    /// phase it is in? `linger` is the limit while lingering.
    pub fn timed_out(&mut self, now: Instant, linger: Duration) -> bool {
        self.update_phase(now);
        let (phase, since) = self.http.phase();
        let r = &self.rules;
        let limit = match phase {
            Phase::Idle | Phase::Draining => r.idle_timeout,
            Phase::Head => r.header_timeout,
            Phase::Body => r.body_timeout,
            Phase::Lingering => linger,
            Phase::Busy => return false,
        };
        !limit.is_zero() && now.duration_since(since) >= limit
    }
}
