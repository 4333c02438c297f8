//! The loop's side of client connections: opening one (DNS answers in,
//! a registered source out), the turn's lists (output to flush,
//! connections to read again, connections to close), the deadline sweep,
//! and the TLS client context shared by every connection of the loop.
use std::net::IpAddr;
use std::time::{Duration, Instant};

use howth_runtime::dns::connect_order;
use howth_runtime::Value;
use howth_tls::{ClientContext, ClientOptions, Pem, Session, TrustAnchors};
use mio::Token;

use super::{Attempts, Client, ClientEvents, Driver, Kind};
use crate::source::Source;
use crate::state::LoopState;

/// Everything the loop keeps about its client connections besides the
/// connections themselves (which are sources).
#[derive(Default)]
pub struct Clients {
    pub events: ClientEvents,
    /// The events being handed to JS (the callback takes them from here).
    pub delivering: ClientEvents,
    /// The function called once a turn when there are events.
    pub callback: Option<Value>,
    /// Connections with output for this turn's flush.
    dirty: Vec<usize>,
    /// Connections to read again next turn (resumed, or read up to the
    /// per-turn cap).
    pub revisit: Vec<usize>,
    /// Connections that may be finished.
    maybe_done: Vec<usize>,
    /// Connections open and ref'ed: they keep the loop running.
    refed: usize,
    /// Connections with a connect deadline (the sweep looks only if any).
    pub with_deadline: usize,
    tls: Option<ClientContext>,
}

/// How to open a connection.
pub struct ConnectOptions {
    /// The resolved addresses (DNS is the caller's: node:dns's lookup on
    /// the worker pool), in the resolver's order.
    pub addrs: Vec<IpAddr>,
    pub port: u16,
    /// TLS on top, with this server name (SNI and the certificate check).
    pub tls: Option<(String, ClientOptions)>,
    /// Connect (and the TLS handshake) must be done within this.
    pub timeout: Option<Duration>,
}

impl Clients {
    pub fn keeps_alive(&self) -> bool {
        self.refed > 0
    }

    /// Work for this turn without waiting on the poll.
    pub fn pending(&self) -> bool {
        !self.events.is_empty() || !self.revisit.is_empty()
    }
}

impl LoopState {
    /// Opens a connection: returns (key, id). A connection that fails at
    /// once (no descriptor left, every address refused on the spot, bad TLS
    /// options) still gets an id: its error and close events come in the
    /// next turn's call, as for any failure, and the key is None.
    pub(crate) fn connect_client(&mut self, opts: ConnectOptions, driver: Driver) -> (Option<usize>, u64) {
        let id = self.next_stream_id();
        let attempts = Attempts::new(connect_order(&opts.addrs, opts.port));
        let failed = |ext: &mut LoopState, code: &str, message: &str| {
            ext.clients.events.error(id, code, message);
            ext.clients.events.push(id, Kind::Close, 1);
            (None, id)
        };
        let tls = match opts.tls {
            None => None,
            Some((name, options)) => match self.tls_session(&name, &options) {
                Ok(s) => Some(Box::new(s)),
                Err((code, message)) => return failed(self, code, &message),
            },
        };
        let deadline = opts.timeout.map(|t| self.now.max(Instant::now()) + t);
        let mut client = match Client::start(id, attempts, tls, driver, deadline) {
            Ok(c) => c,
            Err((code, message)) => return failed(self, code, &message),
        };
        let key = self.sources.next_key();
        if let Err(e) = client.register(&self.registry, Token(key)) {
            let code = super::error_code(&e);
            return failed(
                self,
                code,
                &format!("connect {code}: cannot watch the socket: {e}"),
            );
        }
        self.clients.refed += 1;
        self.clients.with_deadline += usize::from(deadline.is_some());
        self.sources.insert(Source::Client(client));
        (Some(key), id)
    }

    fn tls_session(
        &mut self,
        name: &str,
        options: &ClientOptions,
    ) -> Result<Session, (&'static str, String)> {
        if self.clients.tls.is_none() {
            // The system store is read once per loop, on the first TLS
            // connection.
            let roots = TrustAnchors::from_env().map_err(|e| ("ERR_TLS_CONFIG", e.to_string()))?;
            self.clients.tls = Some(ClientContext::new(roots));
        }
        let Some(context) = self.clients.tls.as_mut() else {
            unreachable!("set above");
        };
        let config = context
            .config(options)
            .map_err(|e| ("ERR_TLS_CONFIG", e.to_string()))?;
        Session::client(&config, name).map_err(|e| (e.code(), e.to_string()))
    }

    /// Client connection `key` if it is still connection `id`.
    pub(crate) fn client_of(&mut self, key: usize, id: u64) -> Option<&mut Client> {
        self.sources.client_mut(key).filter(|c| c.id() == id)
    }

    /// Queues connection `key`'s output for this turn's flush.
    pub(crate) fn mark_client_dirty(&mut self, key: usize) {
        if self.sources.client_mut(key).is_some_and(|c| c.mark_dirty()) {
            self.clients.dirty.push(key);
        }
    }

    /// The connection may have finished (ended, failed, destroyed).
    pub(crate) fn client_maybe_done(&mut self, key: usize) {
        self.clients.maybe_done.push(key);
    }

    /// Changes whether connection `key` keeps the loop alive.
    pub(crate) fn ref_client(&mut self, key: usize, id: u64, on: bool) {
        let Some(c) = self.client_of(key, id) else {
            return;
        };
        match (c.set_ref(on), on) {
            (false, true) => self.clients.refed += 1,
            (true, false) => self.clients.refed -= 1,
            _ => {}
        }
    }

    /// Writes every connection with output, once each.
    pub(crate) fn flush_clients(&mut self) {
        for i in 0..self.clients.dirty.len() {
            let key = self.clients.dirty[i];
            if let Some(c) = self.sources.client_mut(key) {
                c.flush(&mut self.clients.events);
                if c.is_finished() {
                    self.clients.maybe_done.push(key);
                }
            }
        }
        self.clients.dirty.clear();
    }

    /// Reads the connections queued for another read (resumed, or left
    /// with bytes in the kernel).
    pub(crate) fn revisit_clients(&mut self) {
        let keys = std::mem::take(&mut self.clients.revisit);
        for &key in &keys {
            self.client_ready(key, None);
        }
        // Keep the vector's capacity for the next turn.
        let mut keys = keys;
        keys.clear();
        if self.clients.revisit.is_empty() {
            self.clients.revisit = keys;
        }
    }

    /// Hands a readiness event (or, for None, a plain "read again") to
    /// connection `key` and queues what it asks for.
    pub(crate) fn client_ready(&mut self, key: usize, event: Option<&mio::event::Event>) {
        let Some(Source::Client(c)) = self.sources.get_mut(key) else {
            return;
        };
        let events = &mut self.clients.events;
        let ready = match event {
            Some(ev) => c.ready(ev, &self.registry, Token(key), events),
            None => c.read_again(events),
        };
        let finished = c.is_finished();
        if ready.flush {
            self.mark_client_dirty(key);
        }
        if ready.revisit {
            self.clients.revisit.push(key);
        }
        if finished {
            self.clients.maybe_done.push(key);
        }
    }

    /// Closes the connections that finished: each one's close event is
    /// queued for JS.
    pub(crate) fn close_done_clients(&mut self) {
        for i in 0..self.clients.maybe_done.len() {
            let key = self.clients.maybe_done[i];
            if self.sources.client_mut(key).is_some_and(|c| c.is_finished()) {
                self.close_client(key);
            }
        }
        self.clients.maybe_done.clear();
    }

    fn close_client(&mut self, key: usize) {
        let Some(mut c) = self.sources.remove_client(key) else {
            return;
        };
        c.deregister(&self.registry);
        if c.refed() {
            self.clients.refed -= 1;
        }
        if c.has_deadline() {
            self.clients.with_deadline -= 1;
        }
        self.clients
            .events
            .push(c.id(), Kind::Close, usize::from(c.had_error()));
        // Dropping `c` closes the socket.
    }

    /// Fails the connections whose connect deadline passed.
    pub(crate) fn sweep_clients(&mut self, now: Instant) {
        if self.clients.with_deadline == 0 {
            return;
        }
        let LoopState { sources, clients, .. } = self;
        for (key, c) in sources.clients_mut() {
            if c.check_deadline(now, &mut clients.events) {
                clients.maybe_done.push(key);
            }
        }
        self.close_done_clients();
    }

    /// The loop is stopping: every connection closes now.
    pub(crate) fn close_all_clients(&mut self) {
        let keys: Vec<usize> = self.sources.clients_mut().map(|(k, _)| k).collect();
        for key in keys {
            self.close_client(key);
        }
    }
}

/// The TLS part of a connect: the name to verify and the options, from
/// what JS passed.
pub fn tls_options(ca: Option<String>, reject_unauthorized: bool, alpn: Vec<Vec<u8>>) -> ClientOptions {
    ClientOptions {
        ca: ca.map(|pem| Pem::Bytes(pem.into_bytes())),
        reject_unauthorized,
        alpn,
    }
}

/// Parses a list of IP address literals.
pub fn parse_addrs(list: &[String]) -> Result<Vec<IpAddr>, String> {
    list.iter()
        .map(|s| {
            s.parse::<IpAddr>()
                .map_err(|_| format!("{s:?} is not an IP address"))
        })
        .collect()
}
