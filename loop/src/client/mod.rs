//! Outgoing connections: sockets this loop opens (node:net, node:tls,
//! fetch(), database clients), sources of the same poll as the listeners
//! and the server streams (source.rs).
//!
//! A client connection is a transport and a protocol driver:
//! - the transport is the TCP socket, with a TLS session (howth-tls, the
//!   sans-I/O rustls wrapper) between it and the driver when asked for:
//!   ciphertext is read into the connection's buffer and fed to the
//!   session, the plaintext goes to the driver; what is sent is encrypted
//!   into the output at once;
//! - the driver turns plaintext into events for JS (and, for protocol
//!   drivers, decodes replies). [`Driver`] is an enum with one module per
//!   protocol.
//!
//! The loop's rules hold as for server streams: reads into a buffer the
//! connection keeps, at most one `write` per socket per turn (everything JS
//! sent during a turn leaves together at the flush), WRITABLE only matters
//! when the kernel pushed back, and one call into JS per turn carries every
//! connection's events (events.rs).
//!
//! # Adding a driver
//! 1. Write `client/<protocol>.rs` with a struct holding the protocol's
//!    state (a sans-I/O codec from howth-protocols) and three methods:
//!    `connected(&mut self, cx)` (the socket, and TLS, are up),
//!    `received(&mut self, plaintext, cx)` (bytes arrived: decode them and
//!    push events with `cx.events`), `ended(&mut self, cx)` (the peer
//!    closed its side). Each returns `Err(Failure)` to fail the
//!    connection (Node's code and a message). See raw.rs, the smallest,
//!    and http.rs.
//! 2. Add a variant to [`Driver`] and an arm to each of its three
//!    methods.
//! 3. Give JS an op that opens a connection with it
//!    (`LoopState::connect_client` takes the driver) and ops that send
//!    requests through `Client::send`; register them beside net_ops.rs.
mod connect;
mod decode;
mod events;
mod http;
mod raw;
mod table;

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::Instant;

use howth_tls::Session;
use mio::event::Event;
use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

pub use connect::{error_code, Attempts};
pub use events::{ClientEvents, Kind};
pub use http::Http;
pub use raw::Raw;
pub use table::{parse_addrs, tls_options, Clients, ConnectOptions};

/// Size of a connection's read buffer.
const READ_BUF: usize = 64 * 1024;

/// Most bytes one connection reads in a turn: the rest waits for the next
/// turn (fairness between connections, and a bound on one turn's events).
const READ_PER_TURN: usize = 256 * 1024;

/// Why a driver gave up on a connection: Node's code and a message. The
/// connection fails with it (an error event, then close).
pub type Failure = (&'static str, String);

/// The protocol spoken over a connection.
pub enum Driver {
    /// Bytes as they are (node:net, node:tls).
    Raw(Raw),
    /// HTTP/1.1 requests and responses (fetch).
    Http(Box<Http>),
}

impl Driver {
    fn connected(&mut self, cx: &mut Cx<'_>) -> Result<(), Failure> {
        match self {
            Driver::Raw(d) => d.connected(cx),
            Driver::Http(d) => d.connected(cx),
        }
    }

    fn received(&mut self, data: &[u8], cx: &mut Cx<'_>) -> Result<(), Failure> {
        match self {
            Driver::Raw(d) => d.received(data, cx),
            Driver::Http(d) => d.received(data, cx),
        }
    }

    fn ended(&mut self, cx: &mut Cx<'_>) -> Result<(), Failure> {
        match self {
            Driver::Raw(d) => d.ended(cx),
            Driver::Http(d) => d.ended(cx),
        }
    }
}

/// What a driver gets while handling bytes: the connection's id and the
/// turn's event queue.
pub struct Cx<'a> {
    pub id: u64,
    pub events: &'a mut ClientEvents,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// The non-blocking connect is in flight.
    Connecting,
    /// Connected, the TLS handshake is under way.
    Handshaking,
    /// Application bytes flow.
    Open,
}

/// What the loop should do after a connection handled an event.
#[derive(Default, Clone, Copy)]
pub struct Ready {
    /// Output is waiting (a TLS handshake message): flush this turn.
    pub flush: bool,
    /// Bytes were left in the kernel (the per-turn cap): read again next
    /// turn without waiting for an event (the poll is edge-triggered).
    pub revisit: bool,
}

/// One outgoing connection.
pub struct Client {
    id: u64,
    sock: TcpStream,
    /// The address being connected to (then: connected to).
    peer: SocketAddr,
    attempts: Attempts,
    phase: Phase,
    tls: Option<Box<Session>>,
    driver: Driver,
    /// Bytes to write (ciphertext under TLS); `out[sent..]` is unsent.
    out: Vec<u8>,
    sent: usize,
    input: Vec<u8>,
    /// TLS plaintext of the current read.
    plain: Vec<u8>,
    paused: bool,
    /// The peer ended its side.
    read_closed: bool,
    /// JS ended ours: shut the write side once the output is out.
    end_requested: bool,
    write_shut: bool,
    failed: bool,
    destroyed: bool,
    /// A write was refused for the high-water mark: tell JS when it drains.
    owes_drain: bool,
    dirty: bool,
    /// Keeps the loop alive (Node's ref/unref).
    refed: bool,
    /// When connecting (and the TLS handshake) must be done.
    deadline: Option<Instant>,
}

impl Client {
    /// Starts connecting to the first address of `attempts` that takes a
    /// connect. Err: none did (the code and message JS gets).
    fn start(
        id: u64,
        mut attempts: Attempts,
        tls: Option<Box<Session>>,
        driver: Driver,
        deadline: Option<Instant>,
    ) -> Result<Client, (&'static str, String)> {
        let Some((sock, peer)) = attempts.start_next() else {
            return Err(attempts.describe_failure());
        };
        Ok(Client {
            id,
            sock,
            peer,
            attempts,
            phase: Phase::Connecting,
            tls,
            driver,
            out: Vec::new(),
            sent: 0,
            input: Vec::new(),
            plain: Vec::new(),
            paused: false,
            read_closed: false,
            end_requested: false,
            write_shut: false,
            failed: false,
            destroyed: false,
            owes_drain: false,
            dirty: false,
            refed: true,
            deadline,
        })
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        // Edge-triggered both ways from the start: WRITABLE reports the
        // connect, and afterwards only matters when a write was short.
        registry.register(&mut self.sock, token, Interest::READABLE | Interest::WRITABLE)
    }

    pub fn deregister(&mut self, registry: &Registry) {
        let _ = registry.deregister(&mut self.sock);
    }

    fn cx<'a>(id: u64, events: &'a mut ClientEvents) -> Cx<'a> {
        Cx { id, events }
    }

    /// Fails the connection once: an error event, then it closes.
    fn fail(&mut self, events: &mut ClientEvents, code: &str, message: &str) {
        if !self.failed && !self.destroyed {
            self.failed = true;
            events.error(self.id, code, message);
        }
    }

    // ---- readiness ---------------------------------------------------------

    /// Handles a readiness event: finishes the connect, writes what waited
    /// for WRITABLE, reads what arrived.
    pub fn ready(
        &mut self,
        event: &Event,
        registry: &Registry,
        token: Token,
        events: &mut ClientEvents,
    ) -> Ready {
        let mut ready = Ready::default();
        if self.failed || self.destroyed {
            return ready;
        }
        if self.phase == Phase::Connecting {
            if !(event.is_writable() || event.is_error() || event.is_write_closed()) {
                return ready;
            }
            match self.connect_outcome() {
                Ok(false) => return ready,
                Ok(true) => ready.flush = self.connected(events),
                Err(e) => {
                    self.attempts.failed(e, self.peer);
                    self.next_attempt(registry, token, events);
                    return ready;
                }
            }
        } else if event.is_writable() {
            self.write_once(events);
        }
        if event.is_readable() || event.is_read_closed() || event.is_error() {
            ready = self.read(events, ready);
        }
        ready
    }

    /// Done (true), still in progress (false), or failed.
    fn connect_outcome(&mut self) -> io::Result<bool> {
        if let Some(e) = self.sock.take_error()? {
            return Err(e);
        }
        match self.sock.peer_addr() {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(false),
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// This address failed: the next one, or the connection fails with the
    /// first address's error.
    fn next_attempt(&mut self, registry: &Registry, token: Token, events: &mut ClientEvents) {
        let _ = registry.deregister(&mut self.sock);
        match self.attempts.start_next() {
            Some((sock, peer)) => {
                self.sock = sock;
                self.peer = peer;
                if let Err(e) = self.register(registry, token) {
                    let code = error_code(&e);
                    self.fail(events, code, &format!("connect {code} {peer}"));
                }
            }
            None => {
                let (code, message) = self.attempts.describe_failure();
                self.fail(events, code, &message);
            }
        }
    }

    /// The socket is connected: start TLS, or tell the driver. True when
    /// there is output to flush (the ClientHello, bytes JS sent early).
    fn connected(&mut self, events: &mut ClientEvents) -> bool {
        // Requests and small writes go out at once; batching is the loop's
        // (one write per turn), not Nagle's.
        let _ = self.sock.set_nodelay(true);
        if self.input.capacity() == 0 {
            self.input = vec![0; READ_BUF];
        }
        match self.tls.as_mut() {
            Some(tls) => {
                self.phase = Phase::Handshaking;
                tls.write_output(&mut self.out);
            }
            None => {
                self.phase = Phase::Open;
                self.deadline = None;
                let r = self.driver.connected(&mut Self::cx(self.id, events));
                self.driver_outcome(r, events);
            }
        }
        self.unsent() > 0 || self.end_requested
    }

    /// Reads what arrived, up to the per-turn cap.
    fn read(&mut self, events: &mut ClientEvents, mut ready: Ready) -> Ready {
        let mut budget = READ_PER_TURN;
        while !self.paused && !self.read_closed && !self.failed && !self.destroyed {
            if budget == 0 {
                ready.revisit = true;
                break;
            }
            match self.sock.read(&mut self.input) {
                Ok(0) => {
                    self.peer_ended(events);
                    break;
                }
                Ok(n) => {
                    budget = budget.saturating_sub(n);
                    ready.flush |= self.received(n, events);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let code = error_code(&e);
                    self.fail(events, code, &format!("read {code}"));
                }
            }
        }
        ready
    }

    /// Reads again without an event: after a resume, or when the last read
    /// stopped at the per-turn cap.
    pub fn read_again(&mut self, events: &mut ClientEvents) -> Ready {
        if self.phase == Phase::Connecting {
            return Ready::default();
        }
        self.read(events, Ready::default())
    }

    /// `n` bytes were read into the input buffer. True when TLS has output
    /// to send (handshake messages).
    fn received(&mut self, n: usize, events: &mut ClientEvents) -> bool {
        let id = self.id;
        let Some(tls) = self.tls.as_mut() else {
            let r = self.driver.received(&self.input[..n], &mut Self::cx(id, events));
            self.driver_outcome(r, events);
            return false;
        };
        self.plain.clear();
        if let Err(e) = tls.receive(&self.input[..n], &mut self.plain) {
            // The alert the session queued goes out before the close.
            tls.write_output(&mut self.out);
            self.fail(events, e.code(), &e.to_string());
            return true;
        }
        let mut peer_closed = false;
        while let Some(ev) = tls.poll_event() {
            match ev {
                howth_tls::Event::Handshake(_) => {
                    self.phase = Phase::Open;
                    self.deadline = None;
                    if let Err((code, message)) = self.driver.connected(&mut Self::cx(id, events)) {
                        self.failed = true;
                        events.error(id, code, &message);
                    }
                }
                howth_tls::Event::PeerClosed => peer_closed = true,
            }
        }
        let wants_write = tls.wants_write();
        if wants_write {
            tls.write_output(&mut self.out);
        }
        let r = self.driver.received(&self.plain, &mut Self::cx(id, events));
        self.driver_outcome(r, events);
        if peer_closed {
            self.peer_ended(events);
        }
        wants_write
    }

    /// The peer will send nothing more.
    fn peer_ended(&mut self, events: &mut ClientEvents) {
        if self.read_closed {
            return;
        }
        if self.phase != Phase::Open {
            // Closed before the handshake finished: the server refused us.
            let message = format!(
                "Client network socket disconnected before secure TLS connection was established ({})",
                self.peer
            );
            self.fail(events, "ECONNRESET", &message);
            return;
        }
        // A TLS peer that closes without close_notify is taken as an end,
        // as Node takes it: the protocol above knows whether its message
        // was complete (HTTP framing, a database reply).
        self.read_closed = true;
        let r = self.driver.ended(&mut Self::cx(self.id, events));
        self.driver_outcome(r, events);
    }

    /// A driver that gave up fails the connection.
    fn driver_outcome(&mut self, r: Result<(), Failure>, events: &mut ClientEvents) {
        if let Err((code, message)) = r {
            self.fail(events, code, &message);
        }
    }

    /// The HTTP driver, on an HTTP connection.
    pub fn http_mut(&mut self) -> Option<&mut Http> {
        match &mut self.driver {
            Driver::Http(h) => Some(h),
            _ => None,
        }
    }

    // ---- writing -----------------------------------------------------------

    /// Queues bytes to send (encrypted at once under TLS). False once the
    /// unsent output is over the high-water mark: JS should wait for the
    /// drain event.
    pub fn send(&mut self, data: &[u8], events: &mut ClientEvents) -> bool {
        if self.failed || self.destroyed || self.end_requested {
            return false;
        }
        match self.tls.as_mut() {
            Some(tls) => {
                if let Err(e) = tls.send(data) {
                    self.fail(events, e.code(), &e.to_string());
                    return false;
                }
                if self.phase == Phase::Open {
                    tls.write_output(&mut self.out);
                }
            }
            None => self.out.extend_from_slice(data),
        }
        let under = self.unsent() < crate::WRITE_HIGH_WATER;
        self.owes_drain |= !under;
        under
    }

    /// JS ended its side: once the output is out, a FIN (after TLS's
    /// close_notify).
    pub fn end(&mut self) {
        self.end_requested = true;
    }

    pub fn destroy(&mut self) {
        self.destroyed = true;
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    pub fn set_ref(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.refed, on)
    }

    pub fn refed(&self) -> bool {
        self.refed
    }

    pub fn set_no_delay(&mut self, on: bool) {
        let _ = self.sock.set_nodelay(on);
    }

    fn unsent(&self) -> usize {
        self.out.len() - self.sent
    }

    /// Marks the connection as having output for this turn's flush; false
    /// when it already was marked.
    pub fn mark_dirty(&mut self) -> bool {
        !std::mem::replace(&mut self.dirty, true)
    }

    /// The loop's flush: one write.
    pub fn flush(&mut self, events: &mut ClientEvents) {
        self.dirty = false;
        self.write_once(events);
    }

    /// One `write` of what is unsent; then, when all is out, the end JS
    /// asked for, and the drain JS waits for.
    fn write_once(&mut self, events: &mut ClientEvents) {
        if self.phase == Phase::Connecting || self.failed || self.destroyed {
            return;
        }
        if self.end_requested && !self.write_shut && self.phase == Phase::Open {
            if let Some(tls) = self.tls.as_mut() {
                tls.close();
                tls.write_output(&mut self.out);
            }
        }
        if self.unsent() > 0 {
            match self.sock.write(&self.out[self.sent..]) {
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::Interrupted => {
                }
                Err(e) => {
                    let code = error_code(&e);
                    self.fail(events, code, &format!("write {code}"));
                    return;
                }
            }
            if self.sent == self.out.len() {
                self.out.clear();
                self.sent = 0;
            }
        }
        if self.unsent() == 0 && self.end_requested && !self.write_shut && self.phase == Phase::Open {
            self.write_shut = true;
            let _ = self.sock.shutdown(Shutdown::Write);
        }
        if self.owes_drain && self.unsent() < crate::WRITE_LOW_WATER {
            self.owes_drain = false;
            events.push(self.id, Kind::Drain, 0);
        }
    }

    // ---- ending ------------------------------------------------------------

    /// Nothing is left to do: failed, destroyed, or both sides ended.
    pub fn is_finished(&self) -> bool {
        self.failed || self.destroyed || (self.read_closed && self.write_shut && self.unsent() == 0)
    }

    pub fn had_error(&self) -> bool {
        self.failed
    }

    /// The sweep's question: did connecting (and the handshake) overstay
    /// the deadline? Fails the connection with ETIMEDOUT if so.
    pub fn check_deadline(&mut self, now: Instant, events: &mut ClientEvents) -> bool {
        match self.deadline {
            Some(at) if now >= at && self.phase != Phase::Open => {
                let message = format!("connect ETIMEDOUT {}", self.peer);
                self.fail(events, "ETIMEDOUT", &message);
                true
            }
            _ => false,
        }
    }

    pub fn has_deadline(&self) -> bool {
        self.deadline.is_some()
    }

    /// The two ends' addresses, once connected.
    pub fn addresses(&self) -> Option<(SocketAddr, SocketAddr)> {
        Some((self.sock.local_addr().ok()?, self.sock.peer_addr().ok()?))
    }
}
