//! One client connection: its socket, the bytes read and not yet consumed,
//! and the bytes to write, in request order.
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::SocketAddr;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

/// Read granularity: the spare room kept at the end of the read buffer.
const READ_CHUNK: usize = 8 * 1024;

/// A response finished (or being streamed) out of order, waiting for the
/// responses before it on the same connection.
#[derive(Default)]
pub struct Pending {
    pub bytes: Vec<u8>,
    pub done: bool,
}

pub struct Conn {
    /// Unique for the process's life: a slab key can be reused, this cannot,
    /// so a late async response never reaches a newer connection.
    pub id: u64,
    pub sock: TcpStream,
    pub server: usize,
    pub peer: SocketAddr,
    /// Read buffer: always fully initialised (len == capacity) so reads need
    /// no zeroing; `filled` says how much of it holds data.
    pub rbuf: Vec<u8>,
    pub filled: usize,
    /// Bytes of `rbuf` taken by requests already parsed.
    pub consumed: usize,
    /// Reading stopped at the buffer cap; resume once bytes are consumed.
    pub read_blocked: bool,
    pub wbuf: Vec<u8>,
    pub wpos: usize,
    /// Sequence number of the next request parsed on this connection.
    pub next_seq: u64,
    /// Sequence number of the response that goes out next.
    pub write_seq: u64,
    pub pending: BTreeMap<u64, Pending>,
    /// Requests parsed and not yet answered.
    pub in_flight: u32,
    /// No more requests are read (Connection: close, an error, EOF).
    pub read_closed: bool,
    /// The peer closed its side, or the socket failed.
    pub peer_gone: bool,
    /// Close once every response up to and including this one is written.
    pub close_after: Option<u64>,
    pub want_writable: bool,
    /// Queued in the loop's dirty list (has output to flush).
    pub dirty: bool,
    /// Queued in the loop's parse list.
    pub to_parse: bool,
    /// `100 Continue` was sent for the request at `consumed`.
    pub continue_sent: bool,
    pub requests_served: u64,
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
    pub fn new(id: u64, sock: TcpStream, server: usize, peer: SocketAddr) -> Conn {
        Conn {
            id,
            sock,
            server,
            peer,
            rbuf: vec![0; READ_CHUNK],
            filled: 0,
            consumed: 0,
            read_blocked: false,
            wbuf: Vec::new(),
            wpos: 0,
            next_seq: 0,
            write_seq: 0,
            pending: BTreeMap::new(),
            in_flight: 0,
            read_closed: false,
            peer_gone: false,
            close_after: None,
            want_writable: false,
            dirty: false,
            to_parse: false,
            continue_sent: false,
            requests_served: 0,
        }
    }

    /// Reads everything available (edge-triggered: until WouldBlock), never
    /// holding more than `cap` unconsumed bytes.
    pub fn read_available(&mut self, cap: usize) -> io::Result<ReadOutcome> {
        loop {
            if self.filled - self.consumed >= cap {
                self.read_blocked = true;
                return Ok(ReadOutcome::Full);
            }
            if self.rbuf.len() - self.filled < READ_CHUNK / 4 {
                // Grow by doubling; the zeroing happens once per growth.
                let grow = self.rbuf.len().max(READ_CHUNK);
                self.rbuf.resize(self.rbuf.len() + grow, 0);
            }
            match self.sock.read(&mut self.rbuf[self.filled..]) {
                Ok(0) => return Ok(ReadOutcome::Eof),
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(ReadOutcome::Drained),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The bytes read and not yet parsed.
    pub fn unparsed(&self) -> &[u8] {
        &self.rbuf[self.consumed..self.filled]
    }

    /// Writes as much of the output as the socket takes. Asks for WRITABLE
    /// when it stops short, and drops that interest once drained.
    pub fn flush(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        while self.wpos < self.wbuf.len() {
            match self.sock.write(&self.wbuf[self.wpos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.wpos += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !self.want_writable {
                        self.want_writable = true;
                        registry.reregister(
                            &mut self.sock,
                            token,
                            Interest::READABLE | Interest::WRITABLE,
                        )?;
                    }
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.wbuf.clear();
        self.wpos = 0;
        if self.want_writable {
            self.want_writable = false;
            registry.reregister(&mut self.sock, token, Interest::READABLE)?;
        }
        Ok(())
    }

    /// Bytes written by handlers and not yet taken by the socket.
    pub fn unsent(&self) -> usize {
        self.wbuf.len() - self.wpos
    }

    /// The buffer a response with sequence `seq` is written into: the output
    /// itself when it is next in line, else its place in the queue.
    pub fn out_for(&mut self, seq: u64) -> &mut Vec<u8> {
        if seq == self.write_seq {
            &mut self.wbuf
        } else {
            &mut self.pending.entry(seq).or_default().bytes
        }
    }

    /// Marks response `seq` complete and moves every queued response that
    /// is now next in line into the output.
    pub fn finish(&mut self, seq: u64) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.requests_served += 1;
        if seq != self.write_seq {
            self.pending.entry(seq).or_default().done = true;
            return;
        }
        self.write_seq += 1;
        while let Some(mut next) = self.pending.remove(&self.write_seq) {
            self.wbuf.append(&mut next.bytes);
            if !next.done {
                // A stream in progress: its later chunks now go to wbuf.
                break;
            }
            self.write_seq += 1;
        }
    }

    /// True when the connection has nothing left to do and should close.
    pub fn is_finished(&self) -> bool {
        if self.unsent() > 0 {
            return false;
        }
        if let Some(last) = self.close_after {
            if self.write_seq > last {
                return true;
            }
        }
        (self.read_closed || self.peer_gone) && self.in_flight == 0
    }

    /// Forgets the bytes of requests already parsed (answered or copied
    /// out); the unparsed tail moves to the front.
    pub fn compact(&mut self) {
        if self.consumed == 0 {
            return;
        }
        self.rbuf.copy_within(self.consumed..self.filled, 0);
        self.filled -= self.consumed;
        self.consumed = 0;
        self.continue_sent = false;
    }
}
