//! What the loop's ops work on: the sources, the batch, the requests
//! answered later, and the queues a turn fills and empties.
use std::time::{Duration, Instant};

use howth_parser::DateCache;
use howth_runtime::{TerminateHandle, Value};
use mio::{Interest, Registry, Token};

use crate::accept::accept_all;
use crate::batch::{Batch, DeferredTable, Handle};
use crate::client::Clients;
use crate::server::{self, Handler, Paused, ServeOptions, Server};
use crate::source::{Source, Sources};
use crate::trace::Trace;
use crate::watchdog::Watchdog;
use crate::ACCEPT_RETRY;

pub struct LoopState {
    pub(crate) registry: Registry,
    pub(crate) sources: Sources,
    pub(crate) batch: Batch,
    pub(crate) deferred: DeferredTable,
    pub(crate) date: DateCache,
    /// Streams with output to write this turn.
    pub(crate) dirty: Vec<usize>,
    /// Streams that may have finished, closed at the end of the turn
    /// (never during a batch: its entries point into their buffers).
    pub(crate) maybe_done: Vec<usize>,
    /// Streams whose answers went out outside their own turn (async
    /// handlers) and that may now read or parse again: queued for the next.
    pub(crate) revisit: Vec<usize>,
    pub(crate) dispatch: Option<Value>,
    pub(crate) drain_callback: Option<Value>,
    /// Drain callbacks owed to JS this turn: (request handle, client gone),
    /// delivered in one call.
    pub(crate) notify: Vec<(Handle, bool)>,
    /// When the running batch last wrote what was ready (its start, at
    /// first): a long batch writes early once per BATCH_FLUSH_AFTER.
    pub(crate) last_flush: Instant,
    pub(crate) in_batch: bool,
    next_stream_id: u64,
    pub(crate) hdr_bytes: Vec<u8>,
    pub(crate) hdr_ends: Vec<u32>,
    /// Scratch head for requests answered without JS.
    pub(crate) static_head: howth_parser::RequestHead,
    pub(crate) trace: Option<Trace>,
    /// Set for workers: every listener shares its port (SO_REUSEPORT).
    pub(crate) reuse_port: bool,
    /// What a server gets for the options it does not set (the CLI flags).
    pub(crate) serve_defaults: ServeOptions,
    watchdog: Option<Watchdog>,
    /// The longest maxHandlerMs of the servers: the limit for JS that runs
    /// for no one request in particular (promise callbacks, timers).
    pub(crate) any_handler_limit: Duration,
    /// The time of this turn (just after poll returned).
    pub(crate) now: Instant,
    /// SIGINT/SIGTERM arrived: leave once the streams are done, even if
    /// timers would keep the process alive.
    pub(crate) shutting_down: bool,
    /// Why a server could not listen; the program stops, and the loop's
    /// caller gets it as `RuntimeError::Listen`.
    pub(crate) listen_error: Option<String>,
    /// Outgoing connections' bookkeeping (the connections are sources).
    pub(crate) clients: Clients,
    /// Bytes of a netWrite on their way into a connection.
    pub(crate) client_scratch: Vec<u8>,
}

impl LoopState {
    /// As [`crate::EventLoop::set_reuse_port`], from an op (before a server binds).
    pub fn set_reuse_port(&mut self, on: bool) {
        self.reuse_port = on;
    }

    pub(crate) fn new(registry: Registry) -> LoopState {
        LoopState {
            registry,
            sources: Sources::with_capacity(1024),
            batch: Batch::default(),
            deferred: DeferredTable::default(),
            date: DateCache::new(),
            dirty: Vec::with_capacity(1024),
            maybe_done: Vec::with_capacity(1024),
            revisit: Vec::with_capacity(64),
            dispatch: None,
            drain_callback: None,
            notify: Vec::with_capacity(64),
            last_flush: Instant::now(),
            in_batch: false,
            next_stream_id: 0,
            hdr_bytes: Vec::new(),
            hdr_ends: Vec::new(),
            static_head: howth_parser::RequestHead::with_header_capacity(32),
            trace: Trace::from_env(),
            reuse_port: false,
            serve_defaults: ServeOptions::default(),
            watchdog: None,
            any_handler_limit: Duration::ZERO,
            now: Instant::now(),
            shutting_down: false,
            listen_error: None,
            clients: Clients::default(),
            client_scratch: Vec::new(),
        }
    }

    /// A fresh stream id (never reused, unlike slab keys).
    pub(crate) fn next_stream_id(&mut self) -> u64 {
        self.next_stream_id += 1;
        self.next_stream_id
    }

    /// Binds and registers a listener; returns (server id, bound port).
    /// The server id is the listener's key among the sources.
    /// `terminate` lets the watchdog stop this isolate's JS.
    pub(crate) fn listen(
        &mut self,
        mut options: ServeOptions,
        handler: Handler,
        terminate: Option<TerminateHandle>,
    ) -> Result<(usize, u16), String> {
        options.reuse_port |= self.reuse_port;
        if !options.max_handler.is_zero() && self.watchdog.is_none() {
            if let Some(t) = terminate {
                let w = Watchdog::start(t).map_err(|e| format!("cannot start the handler watchdog: {e}"))?;
                self.watchdog = Some(w);
            }
        }
        let (mut listener, addr) = server::bind(&options)?;
        let key = self.sources.next_key();
        self.registry
            .register(&mut listener, Token(key), Interest::READABLE)
            .map_err(|e| format!("cannot watch the listener: {e}"))?;
        self.any_handler_limit = self.any_handler_limit.max(options.max_handler);
        self.sources
            .insert(Source::Listener(Server::new(listener, addr, handler, options)));
        Ok((key, addr.port()))
    }

    /// Stops accepting and closes the listener (new clients are refused).
    /// Streams with nothing in progress close at the end of the turn; the
    /// others finish what they started, the next response closing them,
    /// until the server's shutdown timeout.
    pub(crate) fn stop_server(&mut self, id: usize) {
        let now = self.now;
        let Some(s) = self.sources.listener_mut(id) else {
            return;
        };
        if !s.stop(&self.registry, now) {
            return;
        }
        for (key, st) in self.sources.streams_mut() {
            if st.server() == id {
                st.http_mut().wind_down();
                self.maybe_done.push(key);
            }
        }
    }

    pub(crate) fn accepting_servers(&self) -> usize {
        self.sources.listeners().filter(|(_, s)| s.accepting()).count()
    }

    #[inline]
    pub(crate) fn mark_dirty(&mut self, key: usize) {
        if self.sources.stream_mut(key).is_some_and(|s| s.mark_dirty()) {
            self.dirty.push(key);
        }
    }

    /// Writes every stream with output; one whose socket fails is marked
    /// broken. Either way finished ones are queued for closing.
    pub(crate) fn flush_dirty(&mut self) {
        for k in 0..self.dirty.len() {
            let key = self.dirty[k];
            if let Some(s) = self.sources.stream_mut(key) {
                s.flush_dirty(&self.registry, Token(key));
                if s.is_finished() {
                    self.maybe_done.push(key);
                } else if !s.queued_for_parse() && s.may_resume() {
                    self.revisit.push(key);
                }
                self.check_drained(key);
            }
        }
        self.dirty.clear();
        self.flush_clients();
    }

    /// A response stream told to wait on stream `key` may go on once the
    /// output is down to the low-water mark: queue its drain callback.
    pub(crate) fn check_drained(&mut self, key: usize) {
        let Some(s) = self.sources.stream_mut(key) else {
            return;
        };
        if !s.take_drained() {
            return;
        }
        for &h in s.deferred() {
            if self.deferred.get(h).is_some_and(|d| d.streaming && !d.failed) {
                self.notify.push((h, false));
            }
        }
    }

    /// Closes the queued streams that are finished.
    pub(crate) fn close_done(&mut self) {
        for i in 0..self.maybe_done.len() {
            let key = self.maybe_done[i];
            if self.sources.stream(key).is_some_and(|s| s.is_finished()) {
                self.finish_stream(key);
            }
        }
        self.maybe_done.clear();
        self.close_done_clients();
    }

    /// Ends a finished stream: closes it, or lingers first after an error
    /// response (see `Stream::close_or_linger`).
    pub(crate) fn finish_stream(&mut self, key: usize) {
        let now = self.now;
        let Some(s) = self.sources.stream_mut(key) else {
            return;
        };
        if s.close_or_linger(&self.registry, Token(key), now) {
            self.close_stream(key);
        }
    }

    /// Closes a stream now. Its deferred requests' handlers hear of it
    /// (req.signal aborts, streams stop); a listener paused for want of
    /// room or descriptors gets another chance.
    pub(crate) fn close_stream(&mut self, key: usize) {
        let Some(mut s) = self.sources.remove_stream(key) else {
            return;
        };
        s.deregister(&self.registry);
        for &h in s.deferred() {
            if self.deferred.get(h).is_some_and(|d| !d.failed) {
                self.notify.push((h, true));
            }
        }
        let server = s.server();
        // Dropping `s` closes the socket.
        drop(s);
        let Some(l) = self.sources.listener_mut(server) else {
            return;
        };
        l.stream_closed();
        if l.paused() != Paused::No {
            self.resume_accepting(server);
        }
    }

    pub(crate) fn pause_accepting(&mut self, server: usize, why: Paused) {
        if let Some(l) = self.sources.listener_mut(server) {
            l.pause(&self.registry, why);
        }
    }

    pub(crate) fn resume_accepting(&mut self, server: usize) {
        let now = self.now;
        let Some(l) = self.sources.listener_mut(server) else {
            return;
        };
        if l.resume(&self.registry, Token(server), now + ACCEPT_RETRY) {
            // Clients may be waiting in the backlog: take them now rather
            // than on the next readiness event.
            accept_all(self, server);
        }
    }

    /// Arms the watchdog (when there is one and `limit` is set) for JS
    /// starting at `start`.
    #[inline]
    pub(crate) fn arm(&self, limit: Duration, start: Instant) {
        if let Some(w) = &self.watchdog {
            if !limit.is_zero() {
                w.arm(start, limit);
            }
        }
    }

    #[inline]
    pub(crate) fn disarm(&self) -> bool {
        self.watchdog.as_ref().is_some_and(Watchdog::disarm)
    }

    /// Answers every request still waiting for an async handler with
    /// `status` (a streamed one, whose head is out, is cut off instead).
    /// Used when JS that belongs to no one request had to be stopped: V8
    /// drops every queued promise reaction on termination, so any of them
    /// may never be answered otherwise. Returns how many were failed.
    pub(crate) fn fail_deferred(&mut self, status: u16) -> usize {
        let handles = self.deferred.unfailed();
        for &h in &handles {
            let Some(d) = self.deferred.get_mut(h) else {
                continue;
            };
            d.failed = true;
            let (reply, streaming) = (d.reply, d.streaming);
            self.notify.push((h, true));
            if streaming {
                if let Some(s) = self.sources.stream_of(reply.stream, reply.stream_id) {
                    s.break_off();
                    self.maybe_done.push(reply.stream);
                }
            } else {
                crate::serve::answer_error(self, &reply, status);
            }
        }
        handles.len()
    }

    /// "GET /path" of batch request `i`, for logs.
    pub(crate) fn describe_request(&self, i: usize) -> String {
        let Some(e) = self.batch.active().get(i) else {
            return "a request".into();
        };
        let Some(s) = self.sources.stream(e.reply.stream) else {
            return "a request".into();
        };
        let base = s.read_bytes(e.offset);
        let text = |b: &[u8]| String::from_utf8_lossy(b).chars().take(200).collect::<String>();
        format!(
            "{} {}",
            text(e.head.method.get(base)),
            text(e.head.target.get(base))
        )
    }
}
