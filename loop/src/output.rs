//! A stream's output queue: the bytes it owes its peer, put in order.
//!
//! Responses on one HTTP/1 connection must leave in request order, but
//! handlers finish in any order: an async handler's answer to request 3 can
//! be ready before request 2's. Each response is numbered (its `seq`) when
//! its request is parsed and written into `out_for(seq)`:
//!
//! - the response next in line writes straight into `ready`, the bytes the
//!   socket takes next (the common case: nothing is copied twice);
//! - a later one writes into its slot in `waiting`, a ring indexed by how
//!   far it is from the front, and moves into `ready` once every response
//!   before it has finished (`finish`). A response still streaming when its
//!   turn comes moves what it has and writes the rest straight into `ready`.
//!
//! No I/O happens here: `write_to` hands `ready` to anything that implements
//! `Write` (the stream's transport), so the reassembly is fuzzed without
//! sockets (loop/fuzz/fuzz_targets/output.rs).
//!
//! Segments are bytes today. A file range for sendfile(2) would be a second
//! kind of segment queued behind `ready` (see docs/loop.md).
use std::collections::VecDeque;
use std::io::{self, Write};

/// An output buffer that grew past this (a large response) is given back
/// once drained, so an idle connection does not hold on to it.
const SHRINK_ABOVE: usize = 1 << 20;

/// A response finished or started out of order.
#[derive(Default)]
struct Slot {
    bytes: Vec<u8>,
    done: bool,
}

#[derive(Default)]
pub struct OutQueue {
    /// In-order bytes not yet taken by the transport, from `sent` on.
    ready: Vec<u8>,
    sent: usize,
    /// The response that writes into `ready` now.
    front: u64,
    /// `waiting[i]` is response `front + 1 + i`.
    waiting: VecDeque<Slot>,
    /// Bytes written for a response already finished (a caller bug, or a
    /// response the stream gave up on): dropped, never sent out of order.
    stale: Vec<u8>,
}

/// What a `write_to` achieved.
#[derive(Debug, PartialEq, Eq)]
pub enum Flushed {
    /// Everything ready went out.
    All,
    /// The transport pushed back (WouldBlock): the rest waits for WRITABLE.
    Blocked,
}

impl OutQueue {
    pub fn new() -> OutQueue {
        OutQueue::default()
    }

    /// The buffer response `seq` writes into: the output itself when it is
    /// next in line, else its slot.
    #[inline]
    pub fn out_for(&mut self, seq: u64) -> &mut Vec<u8> {
        if seq == self.front {
            return &mut self.ready;
        }
        if seq < self.front {
            self.stale.clear();
            return &mut self.stale;
        }
        let i = (seq - self.front - 1) as usize;
        if i >= self.waiting.len() {
            self.waiting.resize_with(i + 1, Slot::default);
        }
        &mut self.waiting[i].bytes
    }

    /// Bytes that go out now, ahead of any response still owed: for what
    /// is written when the stream is about to close (a timeout's 408).
    pub fn push_now(&mut self, bytes: &[u8]) {
        self.ready.extend_from_slice(bytes);
    }

    /// Marks response `seq` complete and moves every response now next in
    /// line into the output. Finishing one twice, or one long gone, does
    /// nothing.
    pub fn finish(&mut self, seq: u64) {
        if seq != self.front {
            if seq > self.front {
                self.out_for(seq);
                self.waiting[(seq - self.front - 1) as usize].done = true;
            }
            return;
        }
        self.front += 1;
        // The common case: nothing answered out of order.
        while let Some(mut next) = self.waiting.pop_front() {
            self.ready.append(&mut next.bytes);
            if !next.done {
                // Streaming (or not started): its later bytes go to `ready`.
                break;
            }
            self.front += 1;
        }
    }

    /// The response writing into `ready` now.
    pub fn front(&self) -> u64 {
        self.front
    }

    /// Bytes ready to go and not yet taken by the transport.
    #[inline]
    pub fn unsent(&self) -> usize {
        self.ready.len() - self.sent
    }

    /// Writes what is ready until it is all out or `w` pushes back.
    /// Returns the bytes written beside the outcome.
    pub fn write_to(&mut self, w: &mut impl Write) -> io::Result<(Flushed, usize)> {
        let mut wrote = 0;
        while self.sent < self.ready.len() {
            match w.write(&self.ready[self.sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.sent += n;
                    wrote += n;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok((Flushed::Blocked, wrote)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.ready.clear();
        self.sent = 0;
        if self.ready.capacity() > SHRINK_ABOVE {
            self.ready = Vec::new();
        }
        Ok((Flushed::All, wrote))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport that takes at most `room` bytes per write.
    struct Sink {
        got: Vec<u8>,
        room: usize,
    }

    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let n = b.len().min(self.room);
            self.got.extend_from_slice(&b[..n]);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn drain(q: &mut OutQueue) -> Vec<u8> {
        let mut s = Sink {
            got: Vec::new(),
            room: usize::MAX,
        };
        assert_eq!(q.write_to(&mut s).unwrap().0, Flushed::All);
        s.got
    }

    #[test]
    fn out_of_order_answers_leave_in_request_order() {
        let mut q = OutQueue::new();
        q.out_for(2).extend_from_slice(b"C");
        q.finish(2);
        q.out_for(1).extend_from_slice(b"B");
        q.finish(1);
        assert_eq!(q.unsent(), 0, "nothing may pass response 0");
        q.out_for(0).extend_from_slice(b"A");
        q.finish(0);
        assert_eq!(drain(&mut q), b"ABC");
        assert_eq!(q.front(), 3);
    }

    #[test]
    fn a_stream_reached_in_line_writes_straight_out() {
        let mut q = OutQueue::new();
        q.out_for(1).extend_from_slice(b"head1 ");
        q.out_for(0).extend_from_slice(b"r0 ");
        q.finish(0);
        // Response 1 is streaming: what it had moved up, the rest follows.
        q.out_for(1).extend_from_slice(b"chunk ");
        q.out_for(2).extend_from_slice(b"r2");
        q.finish(2);
        assert_eq!(drain(&mut q), b"r0 head1 chunk ");
        q.finish(1);
        assert_eq!(drain(&mut q), b"r2");
    }

    #[test]
    fn pushback_keeps_the_rest_and_late_bytes_for_gone_responses_drop() {
        let mut q = OutQueue::new();
        q.out_for(0).extend_from_slice(b"abcdef");
        q.finish(0);
        let mut s = Sink {
            got: Vec::new(),
            room: 4,
        };
        assert_eq!(q.write_to(&mut s).unwrap(), (Flushed::Blocked, 4));
        assert_eq!(q.unsent(), 2);
        q.out_for(0).extend_from_slice(b"late");
        q.finish(0);
        assert_eq!(drain(&mut q), b"ef");
    }
}
