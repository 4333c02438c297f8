//! One client connection: its socket, its input (see frame.rs), the bytes
//! to write in request order, and where it stands for the timeouts.
use std::io::{self, Read};
use std::net::SocketAddr;
use std::time::Instant;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use crate::frame::{Awaiting, Input};
use crate::output::{Flushed, OutQueue};

/// What the connection waits for, which decides the timeout that applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Between requests on a kept-alive connection: the idle timeout.
    Idle,
    /// A request head is due (a new connection, or part of a head came):
    /// the header timeout, counted from the start of this request.
    Head,
    /// A body is due: the body timeout, counted from the end of the head.
    Body,
    /// Output waits for the client to read it: closed after the idle
    /// timeout without progress (a client that never reads would otherwise
    /// hold its buffers forever).
    Draining,
    /// A handler has the request; no client timeout applies.
    Busy,
    /// An error response went out and the write side is shut; what the
    /// client still sends is read and dropped until it stops, for at most
    /// LINGER (see `Conn::start_lingering`).
    Lingering,
}

pub struct Conn {
    /// Unique for the process's life: a slab key can be reused, this cannot,
    /// so a late async response never reaches a newer connection.
    pub id: u64,
    pub sock: TcpStream,
    pub server: usize,
    pub peer: SocketAddr,
    pub input: Input,
    /// Reading stopped (the input cap, or output over the high-water mark)
    /// while the socket may hold more: with edge-triggered readiness no new
    /// event will say so, so the loop reads explicitly once the cause lifts.
    pub read_blocked: bool,
    /// Responses in request order (output.rs).
    pub out: OutQueue,
    /// Sequence number of the next request parsed on this connection.
    pub next_seq: u64,
    /// Requests parsed and not yet answered.
    pub in_flight: u32,
    /// No more requests are read (Connection: close, an error, shutdown).
    pub read_closed: bool,
    /// The peer closed its side (EOF): no more requests will come, but the
    /// responses owed are still written (it may only have half-closed).
    pub peer_gone: bool,
    /// The socket failed (reset, write error): nothing more can be written,
    /// so the connection closes at once, whatever it still owes.
    pub broken: bool,
    /// Close once every response up to and including this one is written.
    pub close_after: Option<u64>,
    /// The next request parsed is the last (maxRequestsPerConnection, or a
    /// shutdown in progress): it is answered with `Connection: close`.
    pub last_request: bool,
    pub want_writable: bool,
    /// Queued in the loop's dirty list (has output to flush).
    pub dirty: bool,
    /// Queued in the loop's parse list.
    pub to_parse: bool,
    /// A streamed response on this connection was told to wait
    /// (respondChunk returned false): tell JS when the output drains.
    pub stream_waiting: bool,
    pub requests_served: u64,
    /// Timeout bookkeeping: the phase, the request it concerns, when it
    /// began, and whether the socket took output since the last look.
    pub phase: Phase,
    pub phase_seq: u64,
    pub phase_since: Instant,
    pub wrote: bool,
    /// Closing after an error response: linger instead of closing outright.
    pub linger_on_close: bool,
    pub lingering: bool,
}

/// What reading a socket found.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    /// Read until the socket was drained (WouldBlock).
    Drained,
    /// The peer closed its side (a 0-byte read) after any bytes read.
    Eof,
    /// The buffered bytes reached `cap`: stop reading until they are consumed.
    Full,
}

impl Conn {
    pub fn new(id: u64, sock: TcpStream, server: usize, peer: SocketAddr, now: Instant) -> Conn {
        Conn {
            id,
            sock,
            server,
            peer,
            input: Input::new(),
            read_blocked: false,
            out: OutQueue::new(),
            next_seq: 0,
            in_flight: 0,
            read_closed: false,
            peer_gone: false,
            broken: false,
            close_after: None,
            last_request: false,
            want_writable: false,
            dirty: false,
            to_parse: false,
            stream_waiting: false,
            requests_served: 0,
            phase: Phase::Head,
            phase_seq: 0,
            phase_since: now,
            wrote: false,
            linger_on_close: false,
            lingering: false,
        }
    }

    /// Reads everything available, never holding more than `cap` unparsed
    /// bytes. A read that fills less than the room offered means the socket
    /// is empty for now, which saves the WouldBlock read: bytes arriving
    /// later are a new edge. (An EOF that came with those bytes is known
    /// from the event's read-closed flag instead, see `turn`.)
    pub fn read_available(&mut self, cap: usize) -> io::Result<ReadOutcome> {
        loop {
            if self.input.unparsed_len() >= cap {
                self.read_blocked = true;
                return Ok(ReadOutcome::Full);
            }
            let spare = self.input.spare();
            let offered = spare.len();
            match self.sock.read(spare) {
                Ok(0) => return Ok(ReadOutcome::Eof),
                Ok(n) => {
                    self.input.advance(n);
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

    /// Writes as much of the output as the socket takes. Asks for WRITABLE
    /// when it stops short, and drops that interest once drained.
    pub fn flush(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        let (flushed, wrote) = self.out.write_to(&mut self.sock)?;
        self.wrote |= wrote > 0;
        let want = flushed == Flushed::Blocked;
        if want != self.want_writable {
            self.want_writable = want;
            let interest = if want {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            registry.reregister(&mut self.sock, token, interest)?;
        }
        Ok(())
    }

    /// Bytes written by handlers and not yet taken by the socket.
    #[inline]
    pub fn unsent(&self) -> usize {
        self.out.unsent()
    }

    /// Whether `reply` is for this connection and still to be written:
    /// not after a response that closes it, nor on a failed socket.
    pub fn owes(&self, reply: &crate::batch::ReplyTo) -> bool {
        self.id == reply.conn_id && !self.broken && self.close_after.is_none_or(|last| reply.seq <= last)
    }

    /// The buffer a response with sequence `seq` is written into (see
    /// output.rs).
    #[inline]
    pub fn out_for(&mut self, seq: u64) -> &mut Vec<u8> {
        self.out.out_for(seq)
    }

    /// Marks response `seq` complete; the ones after it that were waiting
    /// for it move into the output.
    pub fn finish(&mut self, seq: u64) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.requests_served += 1;
        self.out.finish(seq);
    }

    /// True when the connection has nothing left to do and should close.
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
        if let Some(last) = self.close_after {
            if self.out.front() > last {
                return true;
            }
        }
        // Bytes read before an EOF may still hold whole requests (a client
        // that sends its requests and half-closes): those are owed answers.
        let more_to_parse =
            !self.read_closed && self.input.unparsed_len() > 0 && self.input.awaiting == Awaiting::Nothing;
        (self.read_closed || self.peer_gone) && self.in_flight == 0 && !more_to_parse
    }

    /// Whether reading may go on: not closed, output below `high_water`,
    /// and room left under the input cap.
    pub fn may_read(&self, high_water: usize, cap: usize) -> bool {
        !self.read_closed && !self.broken && self.unsent() < high_water && self.input.unparsed_len() < cap
    }

    /// Whether closing now could cost the client its last response: after
    /// an error answer the client may still be sending (a body refused with
    /// 413, say), and closing a socket with unread input makes the kernel
    /// send a reset, which can destroy the response in the client's buffers
    /// before it reads it. Such a connection lingers instead.
    pub fn should_linger(&self) -> bool {
        self.linger_on_close && !self.broken && !self.peer_gone && !self.lingering
    }

    /// Shuts the write side (the response is followed by a FIN, not a
    /// reset) and from now on discards what arrives.
    pub fn start_lingering(&mut self, now: Instant) {
        self.lingering = true;
        self.read_closed = true;
        self.read_blocked = false;
        self.phase = Phase::Lingering;
        self.phase_seq = self.next_seq;
        self.phase_since = now;
        if self.sock.shutdown(std::net::Shutdown::Write).is_err() {
            self.broken = true;
            return;
        }
        if !self.discard_input() {
            self.broken = true;
        }
    }

    /// Reads and drops everything available; false at EOF or on an error
    /// (the client is done: close).
    pub fn discard_input(&mut self) -> bool {
        self.input.filled = 0;
        self.input.consumed = 0;
        loop {
            match self.sock.read(&mut self.input.buf) {
                Ok(0) => return false,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    /// Complete requests may be waiting in the input, and there is room to
    /// take them (output below the high-water mark, answers owed below
    /// MAX_IN_FLIGHT).
    pub fn has_parse_work(&self) -> bool {
        !self.read_closed
            && !self.broken
            && self.input.unparsed_len() > 0
            && self.input.awaiting == Awaiting::Nothing
            && self.unsent() < crate::WRITE_HIGH_WATER
            && self.in_flight < crate::MAX_IN_FLIGHT
    }

    /// Something stopped for want of room may go on now: reading, blocked
    /// until the output came down to the low-water mark, or parsing.
    pub fn may_resume(&self) -> bool {
        (self.read_blocked && !self.read_closed && self.unsent() < crate::WRITE_LOW_WATER)
            || self.has_parse_work()
    }

    /// What the connection waits for now (see [`Phase`]).
    pub fn current_phase(&self) -> Phase {
        if self.lingering {
            Phase::Lingering
        } else if self.unsent() > 0 {
            Phase::Draining
        } else if self.in_flight > 0 || self.read_closed || self.peer_gone || self.broken {
            Phase::Busy
        } else if self.input.awaiting == Awaiting::Body {
            Phase::Body
        } else if self.input.unparsed_len() == 0 && self.next_seq > 0 {
            Phase::Idle
        } else {
            // A fresh connection owes its first head from the moment it
            // connects: an accepted socket that sends nothing is the
            // cheapest slowloris there is.
            Phase::Head
        }
    }

    /// Moves the timeout clock: a new phase, a new request in the same
    /// phase, or output progress while draining starts it again.
    pub fn update_phase(&mut self, now: Instant) {
        let p = self.current_phase();
        if p != self.phase || self.phase_seq != self.next_seq || (p == Phase::Draining && self.wrote) {
            self.phase = p;
            self.phase_seq = self.next_seq;
            self.phase_since = now;
        }
        self.wrote = false;
    }
}
