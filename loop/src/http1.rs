//! The HTTP/1 server side of a stream: requests framed from the input
//! (frame.rs), numbered in arrival order so their answers leave in that
//! order (output.rs), and where the exchange stands for the timeouts.
//!
//! No I/O here: the stream (stream.rs) reads into `input()` and writes what
//! the output queue holds; this module decides what the bytes mean.
use std::time::Instant;

use howth_parser::{Limits, RequestHead};

use crate::frame::{Awaiting, Frame, Input};

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
    /// LINGER (see `Stream::start_lingering`).
    Lingering,
}

/// What the stream around the protocol knows that the phase depends on.
#[derive(Clone, Copy)]
pub struct Around {
    pub unsent: usize,
    pub lingering: bool,
    /// The peer closed or the socket failed: no more requests come.
    pub ended: bool,
}

pub struct Http1 {
    input: Input,
    /// Sequence number of the next request parsed.
    next_seq: u64,
    /// Requests parsed and not yet answered.
    in_flight: u32,
    /// No more requests are read (Connection: close, an error, shutdown).
    read_closed: bool,
    /// Close once every response up to and including this one is written.
    close_after: Option<u64>,
    /// The next request parsed is the last (maxRequestsPerConnection, or a
    /// shutdown in progress): it is answered with `Connection: close`.
    last_request: bool,
    /// Closing after an error response: linger instead of closing outright.
    linger_on_close: bool,
    /// Timeout bookkeeping: the phase, the request it concerns, when it
    /// began.
    phase: Phase,
    phase_seq: u64,
    phase_since: Instant,
}

impl Http1 {
    pub fn new(now: Instant) -> Http1 {
        Http1 {
            input: Input::new(),
            next_seq: 0,
            in_flight: 0,
            read_closed: false,
            close_after: None,
            last_request: false,
            linger_on_close: false,
            phase: Phase::Head,
            phase_seq: 0,
            phase_since: now,
        }
    }

    #[inline]
    pub fn input(&self) -> &Input {
        &self.input
    }

    #[inline]
    pub fn input_mut(&mut self) -> &mut Input {
        &mut self.input
    }

    /// Frames the next request (see `Input::next`).
    #[inline]
    pub fn frame(&mut self, limits: &Limits, head: &mut RequestHead, arena: &mut Vec<u8>) -> Frame {
        self.input.next(limits, head, arena)
    }

    /// Numbers a request just framed; returns its sequence number.
    #[inline]
    pub fn begin_request(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.in_flight += 1;
        seq
    }

    /// The sequence number the next request will get (an interim 100
    /// Continue for it goes out in its place).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Requests parsed and not answered yet.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Whether requests are still read.
    #[inline]
    pub fn reading(&self) -> bool {
        !self.read_closed
    }

    pub fn stop_reading(&mut self) {
        self.read_closed = true;
    }

    /// The next request parsed is the last one (`Connection: close`).
    pub fn last_request(&self) -> bool {
        self.last_request
    }

    /// A server stopping: nothing buffered, stop reading now; part of a
    /// request (or requests not parsed yet) here, let it complete and
    /// close after it.
    pub fn wind_down(&mut self) {
        if self.input.unparsed_len() == 0 {
            self.read_closed = true;
        } else {
            self.last_request = true;
        }
    }

    /// An answer to request `seq` is complete.
    #[inline]
    pub fn answered(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// The connection closes once response `seq` is out; nothing more is read.
    pub fn close_after(&mut self, seq: u64) {
        self.close_after = Some(seq);
        self.read_closed = true;
    }

    /// An error response: close after it, lingering (see
    /// `Stream::should_linger`).
    pub fn close_after_error(&mut self, seq: u64) {
        self.close_after(seq);
        self.linger_on_close = true;
    }

    pub fn lingers_on_close(&self) -> bool {
        self.linger_on_close
    }

    /// Whether response `seq` is still to be written: not after a response
    /// that closes the connection.
    #[inline]
    pub fn owes(&self, seq: u64) -> bool {
        self.close_after.is_none_or(|last| seq <= last)
    }

    /// Whether every response up to the closing one is out (`written` is
    /// the output queue's front).
    pub fn closing_done(&self, written: u64) -> bool {
        self.close_after.is_some_and(|last| written > last)
    }

    /// Nothing more will come or is owed: the connection may close (with
    /// its output drained). Bytes read before an EOF may still hold whole
    /// requests (a client that sends its requests and half-closes): those
    /// are owed answers.
    pub fn done(&self, peer_gone: bool) -> bool {
        let more_to_parse =
            !self.read_closed && self.input.unparsed_len() > 0 && self.input.awaiting == Awaiting::Nothing;
        (self.read_closed || peer_gone) && self.in_flight == 0 && !more_to_parse
    }

    /// Complete requests may be waiting in the input, and there is room to
    /// take them (answers owed below MAX_IN_FLIGHT).
    pub fn has_requests_to_frame(&self) -> bool {
        !self.read_closed
            && self.input.unparsed_len() > 0
            && self.input.awaiting == Awaiting::Nothing
            && self.in_flight < crate::MAX_IN_FLIGHT
    }

    /// A request is part way in: a timeout now deserves a 408 (a client
    /// between requests is closed silently instead, since a 408 could cross
    /// a request it sends just then; RFC 9110 §15.5.9).
    pub fn mid_request(&self) -> bool {
        (self.phase == Phase::Head && self.input.unparsed_len() > 0) || self.phase == Phase::Body
    }

    /// What the connection waits for now (see [`Phase`]).
    fn current_phase(&self, around: Around) -> Phase {
        if around.lingering {
            Phase::Lingering
        } else if around.unsent > 0 {
            Phase::Draining
        } else if self.in_flight > 0 || self.read_closed || around.ended {
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
    /// phase, or output progress (`wrote`) while draining starts it again.
    pub fn update_phase(&mut self, now: Instant, around: Around, wrote: bool) {
        let p = self.current_phase(around);
        if p != self.phase || self.phase_seq != self.next_seq || (p == Phase::Draining && wrote) {
            self.phase = p;
            self.phase_seq = self.next_seq;
            self.phase_since = now;
        }
    }

    /// Starts the lingering phase now.
    pub fn start_lingering(&mut self, now: Instant) {
        self.read_closed = true;
        self.phase = Phase::Lingering;
        self.phase_seq = self.next_seq;
        self.phase_since = now;
    }

    /// The phase and since when.
    pub fn phase(&self) -> (Phase, Instant) {
        (self.phase, self.phase_since)
    }
}
