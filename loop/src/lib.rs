//! howth-loop: Howth's event loop.
//!
//! One mio `Poll` owns the listening sockets, every connection, the timers
//! and (through `howth-runtime`) the V8 isolate. Each turn:
//!
//! 1. poll, with the next timer (or the next timeout sweep) as the timeout;
//! 2. accept every pending connection; read every readable socket;
//! 3. frame every complete request (pipelined ones too) into the batch;
//! 4. call JS once for the whole batch; ops write each response straight
//!    into its connection's buffer;
//! 5. run microtasks (async handlers answer here);
//! 6. write each connection's output once;
//! 7. run due timers; every 250 ms, sweep connections for timeouts.
//!
//! There are no threads, channels or async runtimes on the request path.
//! The one helper thread, the watchdog (watchdog.rs), only sleeps until a
//! call into JS overstays its limit.
//!
//! Hostile clients are bounded where their bytes arrive: a connection reads
//! at most one maximal request ahead (frame.rs), stops reading while its
//! unsent output is above [`WRITE_HIGH_WATER`], and is timed out in every
//! phase in which it owes the server something (conn.rs, `Phase`).

#![forbid(unsafe_code)]

mod batch;
mod conn;
mod frame;
mod http_ops;
mod output;
mod respond;
mod server;
mod trace;
mod watchdog;

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use howth_parser::{write_error_response, DateCache};
use howth_runtime::{Runtime, RuntimeError, RuntimeOptions, TerminateHandle, Value};
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;
use slab::Slab;

use batch::{deferred_handle, Batch, DeferredTable, ReplyTo};
use conn::{Conn, Phase, ReadOutcome};
use frame::Frame;
use server::{Handler, Paused, Server};
pub use server::{ServeOptions, OPTION_NAMES};
use trace::Trace;
use watchdog::Watchdog;

/// A connection whose unsent output passes this stops being read from (and
/// parsed) until the client catches up; a stream writing to it is told to
/// wait. With the input cap of frame.rs this bounds what a client that
/// sends requests and never reads the answers costs: about this much plus
/// one read-ahead, however many requests it pipelines.
pub(crate) const WRITE_HIGH_WATER: usize = 256 * 1024;

/// ... and resumes once the output is down to this: the gap keeps a client
/// reading at the edge from flipping reads on and off every few bytes.
pub(crate) const WRITE_LOW_WATER: usize = 64 * 1024;

/// Requests one connection may have parsed and unanswered. Parsing stops
/// there and resumes as answers go out. For synchronous handlers it is the
/// most one connection adds to a batch (so one client's pipeline cannot
/// produce more than this many responses in a turn, whatever the high-water
/// mark says); for async ones, the most request copies it can make the
/// server hold while its handlers wait. A deeper pipeline takes more than
/// one turn (a poll and a JS call more per 64 requests): the price of not
/// letting one connection's pipeline have a turn to itself.
pub(crate) const MAX_IN_FLIGHT: u32 = 64;

/// How often connections are checked for timeouts. Deadlines are coarse by
/// this much; in exchange a timeout costs nothing per request (no timer is
/// armed or cancelled), only a walk over the connections four times a second.
const SWEEP_EVERY: Duration = Duration::from_millis(250);
/// Requests per call into JS, at most (give or take one connection's
/// pipelined ones): 1,000 connections pipelining 16 each made batches of
/// 16,000 whose request records and JS objects no longer fit in cache.
const BATCH_TARGET: usize = 1024;

/// After accept() fails for want of a resource, the listener is left alone
/// this long (or until a connection closes) rather than retried in a loop.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Longest a connection lingers after an error response (see
/// `Conn::should_linger`): long enough for the client to have read the
/// response, short enough that lingering costs no more than a slow client.
const LINGER: Duration = Duration::from_secs(2);

/// Times the heap limit may be hit and survived. Each hit raises V8's limit
/// (the near-heap-limit callback must, to let the handler unwind), so
/// surviving without bound would let the heap grow without bound.
const MAX_HEAP_RECOVERIES: u32 = 3;

const LISTENER_BASE: usize = 1 << 40;
const WAKER: Token = Token(usize::MAX);
const SIGNALS: Token = Token(usize::MAX - 1);

/// What the loop's ops work on: everything but the isolate itself.
pub struct LoopState {
    registry: Registry,
    servers: Slab<Server>,
    conns: Slab<Conn>,
    batch: Batch,
    deferred: DeferredTable,
    date: DateCache,
    /// Connections with output to write this turn.
    dirty: Vec<usize>,
    /// Connections that may have finished, closed at the end of the turn
    /// (never during a batch: its entries point into their buffers).
    maybe_done: Vec<usize>,
    /// Connections whose answers went out outside their own turn (async
    /// handlers) and that may now read or parse again: queued for the next.
    revisit: Vec<usize>,
    dispatch: Option<Value>,
    drain_callback: Option<Value>,
    /// Drain callbacks owed to JS: (request handle, client gone).
    notify: Vec<(i32, bool)>,
    batch_start: Instant,
    /// When the running batch last wrote what was ready (its start, at
    /// first): a long batch writes early once per BATCH_FLUSH_AFTER.
    last_flush: Instant,
    in_batch: bool,
    next_conn_id: u64,
    hdr_bytes: Vec<u8>,
    hdr_ends: Vec<u32>,
    /// Scratch head for requests answered without JS.
    static_head: howth_parser::RequestHead,
    trace: Option<Trace>,
    /// Set for workers: every listener shares its port (SO_REUSEPORT).
    pub(crate) reuse_port: bool,
    /// What a server gets for the options it does not set (the CLI flags).
    pub(crate) serve_defaults: ServeOptions,
    watchdog: Option<Watchdog>,
    /// The longest maxHandlerMs of the servers: the limit for JS that runs
    /// for no one request in particular (promise callbacks, timers).
    any_handler_limit: Duration,
    /// The time of this turn (just after poll returned).
    now: Instant,
    /// SIGINT/SIGTERM arrived: leave once the connections are done, even
    /// if timers would keep the process alive.
    shutting_down: bool,
}

impl LoopState {
    /// As [`EventLoop::set_reuse_port`], from an op (before a server binds).
    pub fn set_reuse_port(&mut self, on: bool) {
        self.reuse_port = on;
    }

    fn new(registry: Registry) -> LoopState {
        LoopState {
            registry,
            servers: Slab::new(),
            conns: Slab::with_capacity(1024),
            batch: Batch::default(),
            deferred: Slab::new(),
            date: DateCache::new(),
            dirty: Vec::with_capacity(1024),
            maybe_done: Vec::with_capacity(1024),
            revisit: Vec::with_capacity(64),
            dispatch: None,
            drain_callback: None,
            notify: Vec::with_capacity(64),
            batch_start: Instant::now(),
            last_flush: Instant::now(),
            in_batch: false,
            next_conn_id: 0,
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
        }
    }

    /// Binds and registers a listener; returns (server id, bound port).
    /// `terminate` lets the watchdog stop this isolate's JS.
    fn listen(
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
        let entry = self.servers.vacant_entry();
        let id = entry.key();
        self.registry
            .register(&mut listener, Token(LISTENER_BASE + id), Interest::READABLE)
            .map_err(|e| format!("cannot watch the listener: {e}"))?;
        self.any_handler_limit = self.any_handler_limit.max(options.max_handler);
        entry.insert(Server {
            listener: Some(listener),
            addr,
            handler,
            options,
            accepting: true,
            paused: Paused::No,
            accept_error_logged: false,
            conns: 0,
            stop_deadline: None,
        });
        Ok((id, addr.port()))
    }

    /// Stops accepting and closes the listener (new clients are refused).
    /// Connections with nothing in progress close at the end of the turn;
    /// the others finish what they started, the next response closing them,
    /// until the server's shutdown timeout.
    fn stop_server(&mut self, id: usize) {
        let Some(s) = self.servers.get_mut(id) else { return };
        if !s.accepting {
            return;
        }
        s.accepting = false;
        if let Some(mut l) = s.listener.take() {
            // Already deregistered when paused; the error is moot either way.
            let _ = self.registry.deregister(&mut l);
        }
        s.paused = Paused::No;
        let timeout = s.options.shutdown_timeout;
        s.stop_deadline = (!timeout.is_zero()).then(|| self.now + timeout);
        for (key, c) in self.conns.iter_mut() {
            if c.server != id {
                continue;
            }
            if c.input.unparsed_len() == 0 {
                c.read_closed = true;
            } else {
                // Part of a request (or requests not parsed yet) is here:
                // let it complete, answered with Connection: close.
                c.last_request = true;
            }
            self.maybe_done.push(key);
        }
    }

    fn mark_dirty(&mut self, key: usize) {
        if let Some(c) = self.conns.get_mut(key) {
            if !c.dirty {
                c.dirty = true;
                self.dirty.push(key);
            }
        }
    }

    /// Writes every connection with output; one whose socket fails is
    /// marked broken. Either way finished ones are queued for closing.
    fn flush_dirty(&mut self) {
        for k in 0..self.dirty.len() {
            let key = self.dirty[k];
            if let Some(c) = self.conns.get_mut(key) {
                c.dirty = false;
                if c.flush(&self.registry, Token(key)).is_err() {
                    c.broken = true;
                }
                if c.is_finished() {
                    self.maybe_done.push(key);
                } else if !c.to_parse && c.may_resume() {
                    self.revisit.push(key);
                }
                self.check_drained(key);
            }
        }
        self.dirty.clear();
    }

    /// A stream told to wait on connection `key` may go on once the output
    /// is down to the low-water mark: queue its drain callback.
    fn check_drained(&mut self, key: usize) {
        let Some(c) = self.conns.get_mut(key) else { return };
        if !c.stream_waiting || c.unsent() >= WRITE_LOW_WATER {
            return;
        }
        c.stream_waiting = false;
        for (k, d) in self.deferred.iter() {
            if d.reply.conn_id == c.id && d.streaming && !d.failed {
                self.notify.push((deferred_handle(k), false));
            }
        }
    }

    /// Closes the queued connections that are finished.
    fn close_done(&mut self) {
        let mut i = 0;
        while i < self.maybe_done.len() {
            let key = self.maybe_done[i];
            if self.conns.get(key).is_some_and(Conn::is_finished) {
                self.finish_conn(key);
            }
            i += 1;
        }
        self.maybe_done.clear();
    }

    fn accepting_servers(&self) -> usize {
        self.servers.iter().filter(|(_, s)| s.accepting).count()
    }

    /// Ends a finished connection: closes it, or lingers first after an
    /// error response (see `Conn::should_linger`).
    fn finish_conn(&mut self, key: usize) {
        let now = self.now;
        match self.conns.get_mut(key) {
            Some(c) if c.should_linger() => {
                c.start_lingering(now);
                if c.broken {
                    self.close_conn(key);
                } else {
                    // Only input matters now: no WRITABLE wake-ups.
                    let _ = self
                        .registry
                        .reregister(&mut c.sock, Token(key), Interest::READABLE);
                    c.want_writable = false;
                }
            }
            Some(_) => self.close_conn(key),
            None => {}
        }
    }

    /// Closes a connection now. Its deferred requests' handlers hear of it
    /// (req.signal aborts, streams stop); a listener paused for want of
    /// room or descriptors gets another chance.
    fn close_conn(&mut self, key: usize) {
        let Some(mut c) = self.conns.try_remove(key) else {
            return;
        };
        let _ = self.registry.deregister(&mut c.sock);
        if c.in_flight > 0 {
            for (k, d) in self.deferred.iter() {
                if d.reply.conn_id == c.id && !d.failed {
                    self.notify.push((deferred_handle(k), true));
                }
            }
        }
        let server = c.server;
        // Dropping `c` closes the socket.
        drop(c);
        let Some(s) = self.servers.get_mut(server) else {
            return;
        };
        s.conns = s.conns.saturating_sub(1);
        if s.paused != Paused::No {
            self.resume_accepting(server);
        }
    }

    fn pause_accepting(&mut self, server: usize, why: Paused) {
        let Some(s) = self.servers.get_mut(server) else {
            return;
        };
        if s.paused == Paused::No {
            if let Some(l) = s.listener.as_mut() {
                // Deregistered, not just ignored: a level-triggered or
                // re-armed listener would otherwise wake every turn.
                let _ = self.registry.deregister(l);
            }
        }
        s.paused = why;
    }

    fn resume_accepting(&mut self, server: usize) {
        let Some(s) = self.servers.get_mut(server) else {
            return;
        };
        if s.paused == Paused::No || !s.accepting {
            return;
        }
        if s.paused == Paused::Full && s.conns >= s.options.max_connections {
            return;
        }
        let Some(l) = s.listener.as_mut() else { return };
        match self
            .registry
            .register(l, Token(LISTENER_BASE + server), Interest::READABLE)
        {
            Ok(()) => {
                s.paused = Paused::No;
                // Clients may be waiting in the backlog: take them now
                // rather than on the next readiness event.
                accept_all(self, server);
            }
            Err(e) => {
                if !s.accept_error_logged {
                    s.accept_error_logged = true;
                    eprintln!("warning: cannot watch the listener again: {e}; retrying");
                }
                s.paused = Paused::Error {
                    retry: self.now + ACCEPT_RETRY,
                };
            }
        }
    }

    /// Arms the watchdog (when there is one and `limit` is set) for JS
    /// starting at `start`.
    #[inline]
    fn arm(&self, limit: Duration, start: Instant) {
        if let Some(w) = &self.watchdog {
            if !limit.is_zero() {
                w.arm(start, limit);
            }
        }
    }

    #[inline]
    fn disarm(&self) -> bool {
        self.watchdog.as_ref().is_some_and(Watchdog::disarm)
    }

    /// Answers every request still waiting for an async handler with
    /// `status` (a streamed one, whose head is out, is cut off instead).
    /// Used when JS that belongs to no one request had to be stopped: V8
    /// drops every queued promise reaction on termination, so any of them
    /// may never be answered otherwise. Returns how many were failed.
    fn fail_deferred(&mut self, status: u16) -> usize {
        let keys: Vec<usize> = self
            .deferred
            .iter()
            .filter(|(_, d)| !d.failed)
            .map(|(k, _)| k)
            .collect();
        for &k in &keys {
            let d = &mut self.deferred[k];
            d.failed = true;
            let (reply, streaming) = (d.reply, d.streaming);
            self.notify.push((deferred_handle(k), true));
            if streaming {
                if let Some(c) = self.conns.get_mut(reply.conn).filter(|c| c.id == reply.conn_id) {
                    c.broken = true;
                    self.maybe_done.push(reply.conn);
                }
            } else {
                answer_error(self, &reply, status);
            }
        }
        keys.len()
    }

    /// "GET /path" of batch request `i`, for logs.
    fn describe_request(&self, i: usize) -> String {
        let Some(e) = self.batch.active().get(i) else {
            return "a request".into();
        };
        let Some(c) = self.conns.get(e.reply.conn) else {
            return "a request".into();
        };
        let base = &c.input.buf[e.offset..c.input.filled];
        let text = |b: &[u8]| String::from_utf8_lossy(b).chars().take(200).collect::<String>();
        format!(
            "{} {}",
            text(e.head.method.get(base)),
            text(e.head.target.get(base))
        )
    }
}

/// Stops a running loop from another thread: every connection is closed
/// at once (the embedder's hard stop; signals get the graceful one).
#[derive(Clone)]
pub struct StopHandle {
    waker: Arc<Waker>,
    stop: Arc<AtomicBool>,
}

impl StopHandle {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.waker.wake();
    }

    /// Wakes the loop's poll without stopping it: work for the loop has
    /// arrived from another thread (an async host call's result).
    pub fn wake(&self) {
        let _ = self.waker.wake();
    }
}

pub struct EventLoop {
    poll: Poll,
    events: Events,
    rt: Runtime<LoopState>,
    stop: Arc<AtomicBool>,
    waker: Arc<Waker>,
    signals: Option<Signals>,
    /// Connections read this turn, to parse.
    to_parse: Vec<usize>,
    /// Connections with work carried over to the next turn.
    carry: Vec<usize>,
    /// Connections to check for closing at the end of the turn.
    touched: Vec<usize>,
    /// Connections the sweep found past a deadline.
    expired: Vec<usize>,
    next_sweep: Instant,
    /// V8's heap limit before any near-heap-limit callback raised it.
    heap_limit0: usize,
    heap_recoveries: u32,
}

impl EventLoop {
    pub fn new(opts: &RuntimeOptions) -> io::Result<EventLoop> {
        let poll = Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let mut rt = Runtime::new(LoopState::new(registry), opts);
        // A worker pool job's outcome rouses this loop's poll.
        let pool_waker = waker.clone();
        rt.state().pool.set_wake(move || {
            let _ = pool_waker.wake();
        });
        http_ops::register(rt.isolate());
        let heap_limit0 = rt.isolate().heap_stats().limit;
        Ok(EventLoop {
            poll,
            events: Events::with_capacity(1024),
            rt,
            stop: Arc::new(AtomicBool::new(false)),
            waker,
            signals: None,
            to_parse: Vec::with_capacity(1024),
            // Sized up front: its first push would otherwise be the one
            // allocation of a steady state that rarely carries work over.
            carry: Vec::with_capacity(1024),
            touched: Vec::with_capacity(1024),
            expired: Vec::with_capacity(64),
            next_sweep: Instant::now() + SWEEP_EVERY,
            heap_limit0,
            heap_recoveries: 0,
        })
    }

    /// Makes every server this loop starts share its port with other
    /// loops (workers), through SO_REUSEPORT.
    pub fn set_reuse_port(&mut self, on: bool) {
        self.rt.state().ext.reuse_port = on;
    }

    /// The options servers get for what they do not set themselves (the
    /// CLI's limit flags); a server's own options win.
    pub fn set_serve_defaults(&mut self, defaults: ServeOptions) {
        self.rt.state().ext.serve_defaults = defaults;
    }

    /// Shuts down gracefully on SIGINT and SIGTERM: servers stop accepting,
    /// requests in flight finish (up to each server's shutdown timeout),
    /// then `run` returns Ok. The signals arrive through a self-pipe in this
    /// loop's poll, so nothing runs on another thread. A second signal exits
    /// the process at once (code 130 or 143), the way out when JS never
    /// gives the loop back (a runaway at top level, where no watchdog is).
    pub fn handle_signals(&mut self) -> io::Result<()> {
        let again = Arc::new(AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM] {
            signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, again.clone())?;
            signal_hook::flag::register(sig, again.clone())?;
        }
        let mut signals = Signals::new([SIGINT, SIGTERM])?;
        self.poll
            .registry()
            .register(&mut signals, SIGNALS, Interest::READABLE)?;
        self.signals = Some(signals);
        Ok(())
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle {
            waker: self.waker.clone(),
            stop: self.stop.clone(),
        }
    }

    pub fn runtime(&mut self) -> &mut Runtime<LoopState> {
        &mut self.rt
    }

    /// Ends the loop without V8's teardown (sockets still close): for a
    /// process that exits as soon as this loop is done.
    pub fn exit_without_teardown(self) {
        self.rt.exit_without_teardown();
    }

    /// The ports of the servers listening now, in start order.
    pub fn ports(&mut self) -> Vec<u16> {
        self.rt
            .state()
            .ext
            .servers
            .iter()
            .filter(|(_, s)| s.accepting)
            .map(|(_, s)| s.addr.port())
            .collect()
    }

    /// Loads the entry module and runs until nothing is left to do (no
    /// server, no timer, no pending work), `stop()`, `exit()` or a signal.
    pub fn run_file(&mut self, entry: &Path) -> Result<(), RuntimeError> {
        self.rt.run_main(entry)?;
        self.run()
    }

    fn alive(&mut self) -> bool {
        let ext = &self.rt.state().ext;
        if ext.shutting_down {
            return !ext.conns.is_empty();
        }
        let serving = ext.accepting_servers() > 0 || !ext.conns.is_empty() || !ext.deferred.is_empty();
        serving || self.rt.has_pending_work()
    }

    pub fn run(&mut self) -> Result<(), RuntimeError> {
        loop {
            if self.stop.load(Ordering::SeqCst) {
                self.shutdown();
                return Ok(());
            }
            if !self.alive() {
                return Ok(());
            }
            self.turn()?;
        }
    }

    /// Stops every server and closes every connection now.
    fn shutdown(&mut self) {
        let ext = &mut self.rt.state().ext;
        let ids: Vec<usize> = ext.servers.iter().map(|(k, _)| k).collect();
        for id in ids {
            ext.stop_server(id);
        }
        ext.flush_dirty();
        for (_, mut c) in std::mem::take(&mut ext.conns) {
            let _ = ext.registry.deregister(&mut c.sock);
        }
        ext.maybe_done.clear();
        ext.servers.clear();
    }

    /// SIGINT or SIGTERM: every server stops as `server.stop()` would.
    fn begin_graceful_shutdown(&mut self) {
        let Some(signals) = self.signals.as_mut() else {
            return;
        };
        if signals.pending().count() == 0 {
            return;
        }
        let ext = &mut self.rt.state().ext;
        if ext.shutting_down {
            return;
        }
        ext.shutting_down = true;
        for id in 0..ext.servers.capacity() {
            ext.stop_server(id);
        }
        ext.close_done();
    }

    fn poll_timeout(&mut self) -> Option<Duration> {
        if !self.carry.is_empty() {
            return Some(Duration::ZERO);
        }
        let timer = self.rt.next_timer();
        let ext = &self.rt.state().ext;
        let sweep = (!ext.conns.is_empty()
            || ext
                .servers
                .iter()
                .any(|(_, s)| matches!(s.paused, Paused::Error { .. })))
        .then_some(self.next_sweep);
        let at = match (timer, sweep) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        at.map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// One turn of the loop (see the crate docs).
    pub fn turn(&mut self) -> Result<(), RuntimeError> {
        let timeout = self.poll_timeout();
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(RuntimeError::Load(format!("error: poll failed: {e}"))),
        }
        let now = Instant::now();
        let mut signalled = false;
        let ext = &mut self.rt.state().ext;
        ext.now = now;
        ext.date.refresh(SystemTime::now());
        self.to_parse.clear();
        self.to_parse.append(&mut self.carry);
        for event in self.events.iter() {
            let token = event.token();
            if token == WAKER {
                continue;
            }
            if token == SIGNALS {
                signalled = true;
                continue;
            }
            if token.0 >= LISTENER_BASE {
                accept_all(ext, token.0 - LISTENER_BASE);
                continue;
            }
            let key = token.0;
            let LoopState {
                conns,
                servers,
                registry,
                ..
            } = &mut *ext;
            let Some(conn) = conns.get_mut(key) else {
                continue;
            };
            if conn.lingering {
                if !conn.discard_input() {
                    conn.broken = true;
                    ext.maybe_done.push(key);
                }
                continue;
            }
            if event.is_error() {
                // A pending socket error (a reset): nothing more can be
                // delivered either way.
                conn.broken = true;
            }
            if event.is_writable() && !conn.broken && conn.flush(registry, token).is_err() {
                conn.broken = true;
            }
            if event.is_read_closed() {
                // Reads stop at a short read, so an EOF that came with the
                // last bytes is known only from this event (EPOLLRDHUP).
                conn.peer_gone = true;
            }
            if event.is_readable() || event.is_read_closed() {
                let cap = read_cap(servers, conn);
                if conn.may_read(WRITE_HIGH_WATER, cap) {
                    read_conn(conn, cap);
                } else {
                    // Over the high-water mark or the input cap: leave the
                    // bytes in the kernel (whose window then pushes back on
                    // the client) and read once the cause lifts.
                    conn.read_blocked = true;
                }
            }
            if !conn.to_parse {
                conn.to_parse = true;
                self.to_parse.push(key);
            }
        }
        if signalled {
            self.begin_graceful_shutdown();
        }
        // Parse and dispatch, one batch per server with JS work.
        let mut batches = 0;
        let mut next = 0;
        loop {
            let ext = &mut self.rt.state().ext;
            // Skip to the first connection still to parse: the ones before
            // it went out in earlier batches. Scanning from a parsed one
            // again would make a turn quadratic in the ready connections.
            while next < self.to_parse.len()
                && !ext.conns.get(self.to_parse[next]).is_some_and(|c| c.to_parse)
            {
                next += 1;
            }
            let Some(&first) = self.to_parse.get(next) else {
                break;
            };
            let server = ext.conns[first].server;
            ext.batch.clear();
            ext.batch.server = server;
            let mut parsed_any = false;
            for k in next..self.to_parse.len() {
                let key = self.to_parse[k];
                if ext
                    .conns
                    .get(key)
                    .is_some_and(|c| c.server == server && c.to_parse)
                {
                    ext.conns[key].to_parse = false;
                    parse_conn(ext, key);
                    parsed_any = true;
                    if ext.batch.len >= BATCH_TARGET {
                        // The rest go in the next batch (the outer loop
                        // finds them still to parse).
                        break;
                    }
                }
            }
            if parsed_any && ext.batch.len > 0 {
                batches += 1;
                self.dispatch()?;
            }
        }
        let t_js_end = Instant::now();
        // Worker pool outcomes (async host calls, fs, ...); their promises'
        // reactions run next.
        self.rt.settle_completions()?;
        self.run_microtasks()?;
        let ext = &mut self.rt.state().ext;
        ext.flush_dirty();
        // Compact read buffers, resume blocked reads, move the timeout
        // clocks, close finished connections.
        self.touched.clear();
        self.touched.extend_from_slice(&self.to_parse);
        for &key in &self.touched {
            ext.check_drained(key);
            let LoopState { conns, servers, .. } = &mut *ext;
            let Some(conn) = conns.get_mut(key) else {
                continue;
            };
            conn.input.compact();
            let cap = read_cap(servers, conn);
            if conn.read_blocked && conn.may_read(WRITE_LOW_WATER, cap) {
                conn.read_blocked = false;
                read_conn(conn, cap);
                if !conn.to_parse {
                    conn.to_parse = true;
                    self.carry.push(key);
                }
            } else if conn.has_parse_work() && !conn.to_parse {
                // Complete requests left unparsed (output over the
                // high-water mark, or MAX_IN_FLIGHT reached): once room is
                // back, parse on next turn.
                conn.to_parse = true;
                self.carry.push(key);
            }
            conn.update_phase(now);
            if conn.is_finished() {
                ext.finish_conn(key);
            }
        }
        if let Some(t) = ext.trace.as_mut() {
            t.record(now, t_js_end, Instant::now(), ext.batch.len, batches);
        }
        self.run_due_timers()?;
        self.deliver_notifications()?;
        let ext = &mut self.rt.state().ext;
        if !ext.dirty.is_empty() {
            // Async responses, timers and drain callbacks wrote output.
            ext.flush_dirty();
        }
        ext.close_done();
        for i in 0..ext.revisit.len() {
            let key = ext.revisit[i];
            if let Some(c) = ext.conns.get_mut(key) {
                if !c.to_parse {
                    c.to_parse = true;
                    self.carry.push(key);
                }
            }
        }
        ext.revisit.clear();
        if now >= self.next_sweep {
            self.sweep(now);
        }
        Ok(())
    }

    /// Calls into JS for this batch, watched by the watchdog, until every
    /// request was run. A request the handler neither answered nor deferred
    /// gets an error status, so no client hangs: 500 when the dispatch
    /// failed; when a handler was stopped (runaway handler, heap limit), 503
    /// for its request only, and the requests after it in the batch, which
    /// never started, run in a fresh call.
    fn dispatch(&mut self) -> Result<(), RuntimeError> {
        loop {
            let Some(running) = self.dispatch_once()? else {
                return Ok(());
            };
            let LoopState { batch, conns, .. } = &mut self.rt.state().ext;
            let still_owed = |r: &ReplyTo| conns.get(r.conn).is_some_and(|c| c.owes(r));
            if batch.keep_from(running + 1, still_owed) == 0 {
                return Ok(());
            }
        }
    }

    /// One call into JS for the batch. Returns the index of the request
    /// whose handler was stopped (answered 503 here); None when the call
    /// ran to the end or failed (its unanswered requests answered 500).
    fn dispatch_once(&mut self) -> Result<Option<usize>, RuntimeError> {
        let ext = &mut self.rt.state().ext;
        let n = ext.batch.len as i32;
        let Some(dispatch) = ext.dispatch.take() else {
            return Err(RuntimeError::Load(
                "error: ts-lib registered no dispatch function".into(),
            ));
        };
        let limit = ext
            .servers
            .get(ext.batch.server)
            .map_or(Duration::ZERO, |s| s.options.max_handler);
        ext.batch_start = Instant::now();
        ext.last_flush = ext.batch_start;
        ext.in_batch = true;
        ext.arm(limit, ext.batch_start);
        let result = self.rt.isolate().call_with_int(&dispatch, n);
        let state = self.rt.state();
        let fired = state.ext.disarm();
        state.ext.dispatch = Some(dispatch);
        state.ext.in_batch = false;
        let mut heap_hit = false;
        let stopped = match result {
            Ok(()) => {
                if fired {
                    // The deadline passed as the batch returned: the
                    // termination hit nothing, but must not hit the next call.
                    self.rt.isolate().cancel_terminate();
                }
                false
            }
            Err(e) => {
                if let Some(code) = state.exit_code {
                    return Err(RuntimeError::Exit(code));
                }
                if e.terminated || fired {
                    self.rt.isolate().cancel_terminate();
                    heap_hit = self.rt.isolate().take_heap_limit_hit();
                    true
                } else {
                    eprintln!("error: request dispatch failed: {e}");
                    false
                }
            }
        };
        let ext = &mut self.rt.state().ext;
        if !stopped {
            answer_unanswered(ext, 0, 500);
            return Ok(None);
        }
        // Dispatch runs requests in order: the first one neither answered
        // nor deferred is the one that was running when JS stopped.
        let running = ext.batch.active().iter().position(|e| !e.answered && !e.deferred);
        self.report_stopped_batch(running, fired && !heap_hit, limit);
        let Some(running) = running else {
            return Ok(None);
        };
        let ext = &mut self.rt.state().ext;
        let entry = &mut ext.batch.entries[running];
        entry.answered = true;
        let reply = entry.reply;
        answer_error(ext, &reply, 503);
        if heap_hit {
            ext.flush_dirty();
            if let Err(exit) = self.recover_heap() {
                let ext = &mut self.rt.state().ext;
                answer_unanswered(ext, running + 1, 503);
                ext.flush_dirty();
                return Err(exit);
            }
        }
        Ok(Some(running))
    }

    /// Logs which request (batch index `running`) was running when a batch
    /// was stopped.
    fn report_stopped_batch(&mut self, running: Option<usize>, by_watchdog: bool, limit: Duration) {
        let ext = &self.rt.state().ext;
        let what = running.map_or_else(|| "a request".to_string(), |i| ext.describe_request(i));
        if by_watchdog {
            eprintln!(
                "error: handler for {what} ran past maxHandlerMs ({} ms) and was stopped; answered 503",
                limit.as_millis()
            );
        } else {
            let s = self.rt.isolate().heap_stats();
            eprintln!(
                "error: heap limit reached while handling {what} (heap {} MiB, limit {} MiB); handler stopped, answered 503",
                mib(s.used),
                mib(self.heap_limit0)
            );
        }
    }

    /// After the heap limit stopped JS: collect garbage, then serve on if
    /// the memory was the stopped handler's own, or exit with a message if
    /// it is still held (a leak would only hit the limit again) or the
    /// limit has been raised too often already.
    fn recover_heap(&mut self) -> Result<(), RuntimeError> {
        self.heap_recoveries += 1;
        let iso = self.rt.isolate();
        iso.low_memory_notification();
        let s = iso.heap_stats();
        let retained = s.used > self.heap_limit0 / 2;
        if retained || self.heap_recoveries > MAX_HEAP_RECOVERIES {
            if retained {
                eprintln!(
                    "error: the heap still holds {} MiB after garbage collection (limit {} MiB): memory is being retained, not just used by one request; exiting",
                    mib(s.used),
                    mib(self.heap_limit0)
                );
            } else {
                eprintln!(
                    "error: heap limit reached {} times; exiting rather than letting the heap grow further",
                    self.heap_recoveries
                );
            }
            let ext = &mut self.rt.state().ext;
            ext.flush_dirty();
            return Err(RuntimeError::Exit(1));
        }
        eprintln!(
            "warning: heap back to {} MiB after garbage collection; serving on",
            mib(s.used)
        );
        Ok(())
    }

    /// Microtasks (async handlers' continuations), watched by the watchdog.
    fn run_microtasks(&mut self) -> Result<(), RuntimeError> {
        let ext = &self.rt.state().ext;
        ext.arm(ext.any_handler_limit, Instant::now());
        let result = self.rt.run_microtasks();
        let fired = self.rt.state().ext.disarm();
        self.after_unattributed_js(fired, false, "a promise callback")?;
        result
    }

    /// Due timers, watched by the watchdog.
    fn run_due_timers(&mut self) -> Result<(), RuntimeError> {
        let ext = &self.rt.state().ext;
        ext.arm(ext.any_handler_limit, Instant::now());
        let result = self.rt.run_due_timers();
        let fired = self.rt.state().ext.disarm();
        match result {
            Err(RuntimeError::Uncaught(e)) if e.terminated => {
                self.after_unattributed_js(fired, true, "a timer callback")
            }
            other => {
                self.after_unattributed_js(fired, false, "a timer callback")?;
                other
            }
        }
    }

    /// JS that belongs to no one request was stopped (by the watchdog, the
    /// heap limit, or anything else that terminated it): cancel the
    /// termination, say so, and answer the requests that may have lost
    /// their continuation with it (see `fail_deferred`).
    fn after_unattributed_js(
        &mut self,
        fired: bool,
        terminated: bool,
        what: &str,
    ) -> Result<(), RuntimeError> {
        let heap_hit = self.rt.isolate().take_heap_limit_hit();
        if !fired && !heap_hit && !terminated {
            return Ok(());
        }
        self.rt.isolate().cancel_terminate();
        let state = self.rt.state();
        if let Some(code) = state.exit_code {
            return Err(RuntimeError::Exit(code));
        }
        let failed = state.ext.fail_deferred(503);
        let failed = match failed {
            0 => String::new(),
            1 => "; 1 request waiting for an async answer was answered 503".to_string(),
            n => format!("; {n} requests waiting for an async answer were answered 503"),
        };
        if heap_hit {
            let s = self.rt.isolate().heap_stats();
            eprintln!(
                "error: heap limit reached in {what} (heap {} MiB, limit {} MiB); stopped it{failed}",
                mib(s.used),
                mib(self.heap_limit0)
            );
            self.rt.state().ext.flush_dirty();
            return self.recover_heap();
        }
        let limit = state.ext.any_handler_limit.as_millis();
        if fired {
            eprintln!("error: {what} ran past maxHandlerMs ({limit} ms) and was stopped{failed}");
        } else {
            eprintln!("error: {what} was terminated{failed}");
        }
        Ok(())
    }

    /// Calls JS's drain callback for each queued (handle, closed): a stream
    /// may write again, or its client went away.
    fn deliver_notifications(&mut self) -> Result<(), RuntimeError> {
        let ext = &mut self.rt.state().ext;
        if ext.notify.is_empty() {
            return Ok(());
        }
        let mut list = std::mem::take(&mut ext.notify);
        let Some(cb) = ext.drain_callback.take() else {
            list.clear();
            ext.notify = list;
            return Ok(());
        };
        for &(h, closed) in &list {
            let iso = self.rt.isolate();
            let a = iso.number(f64::from(h));
            let b = iso.number(if closed { 1.0 } else { 0.0 });
            if let Err(e) = iso.call(&cb, &[&a, &b]) {
                if let Some(code) = self.rt.state().exit_code {
                    return Err(RuntimeError::Exit(code));
                }
                if e.terminated {
                    self.rt.isolate().cancel_terminate();
                }
                eprintln!("error: stream drain callback failed: {e}");
            }
        }
        let ext = &mut self.rt.state().ext;
        ext.drain_callback = Some(cb);
        list.clear();
        // Callbacks may have queued more (a stream closing another); keep them.
        list.append(&mut ext.notify);
        ext.notify = list;
        self.run_microtasks()
    }

    /// The timeout sweep: each connection's phase clock against its
    /// server's limits; listeners paused on an accept error get a retry;
    /// stopped servers past their shutdown timeout lose their connections.
    fn sweep(&mut self, now: Instant) {
        self.next_sweep = now + SWEEP_EVERY;
        let ext = &mut self.rt.state().ext;
        for id in 0..ext.servers.capacity() {
            if let Some(s) = ext.servers.get(id) {
                if matches!(s.paused, Paused::Error { retry } if retry <= now) {
                    ext.resume_accepting(id);
                }
            }
        }
        self.expired.clear();
        let LoopState { conns, servers, .. } = &mut *ext;
        for (key, c) in conns.iter_mut() {
            c.update_phase(now);
            let Some(s) = servers.get(c.server) else { continue };
            if s.stop_deadline.is_some_and(|d| now >= d) {
                self.expired.push(key);
                continue;
            }
            let o = &s.options;
            let limit = match c.phase {
                Phase::Idle | Phase::Draining => o.idle_timeout,
                Phase::Head => o.header_timeout,
                Phase::Body => o.body_timeout,
                Phase::Lingering => LINGER,
                Phase::Busy => continue,
            };
            if !limit.is_zero() && now.duration_since(c.phase_since) >= limit {
                self.expired.push(key);
            }
        }
        let mut forced = 0;
        for &key in &self.expired {
            let Some(c) = ext.conns.get_mut(key) else { continue };
            let stopping = ext
                .servers
                .get(c.server)
                .and_then(|s| s.stop_deadline)
                .is_some_and(|d| now >= d);
            if stopping {
                forced += 1;
            } else if (c.phase == Phase::Head && c.input.unparsed_len() > 0) || c.phase == Phase::Body {
                // The client is part way through a request: 408 says why it
                // is cut off (RFC 9110 §15.5.9). A connection that sent
                // nothing, or is between requests, is closed silently: a
                // 408 could cross a request the client sends just then.
                // Best effort: one write, no waiting on a client this slow.
                let mut answer = Vec::with_capacity(128);
                write_error_response(&mut answer, 408, &ext.date, true);
                c.out.push_now(&answer);
                let _ = c.flush(&ext.registry, Token(key));
            }
            ext.close_conn(key);
        }
        if forced > 0 {
            eprintln!("warning: {forced} connections were still busy at the end of the shutdown timeout; closed them");
        }
        for id in 0..ext.servers.capacity() {
            if let Some(s) = ext.servers.get_mut(id) {
                if s.stop_deadline.is_some_and(|d| now >= d) {
                    s.stop_deadline = None;
                }
            }
        }
    }
}

fn mib(bytes: usize) -> usize {
    bytes.div_ceil(1 << 20)
}

/// The input cap of `conn` under its server's limits.
fn read_cap(servers: &Slab<Server>, conn: &Conn) -> usize {
    let limits = servers
        .get(conn.server)
        .map(|s| s.options.limits)
        .unwrap_or_default();
    conn.input.read_cap(&limits)
}

fn read_conn(conn: &mut Conn, cap: usize) {
    match conn.read_available(cap) {
        Ok(ReadOutcome::Drained) | Ok(ReadOutcome::Full) => {}
        Ok(ReadOutcome::Eof) => conn.peer_gone = true,
        // ECONNRESET and the like: the socket is dead both ways.
        Err(_) => conn.broken = true,
    }
}

/// What an accept() error means.
enum AcceptError {
    /// Nothing more to accept now.
    WouldBlock,
    /// Try again at once (EINTR).
    Retry,
    /// The error belongs to one pending connection, which it consumed:
    /// go on with the next.
    ThisConnection,
    /// Out of descriptors, buffers or memory (or an unexpected error):
    /// pause the listener, since retrying at once would spin.
    Resource,
}

fn classify_accept_error(e: &io::Error) -> AcceptError {
    match e.kind() {
        io::ErrorKind::WouldBlock => return AcceptError::WouldBlock,
        io::ErrorKind::Interrupted => return AcceptError::Retry,
        _ => {}
    }
    match e.raw_os_error() {
        // accept(2): Linux passes errors already pending on the new socket
        // back from accept; each concerns that connection alone.
        Some(
            libc::ECONNABORTED
            | libc::ECONNRESET
            | libc::EPROTO
            | libc::EPERM
            | libc::ENOPROTOOPT
            | libc::EHOSTDOWN
            | libc::ENONET
            | libc::EHOSTUNREACH
            | libc::EOPNOTSUPP
            | libc::ENETDOWN
            | libc::ENETUNREACH
            | libc::ETIMEDOUT,
        ) => AcceptError::ThisConnection,
        _ => AcceptError::Resource,
    }
}

fn accept_all(ext: &mut LoopState, server: usize) {
    loop {
        let LoopState {
            servers,
            conns,
            registry,
            next_conn_id,
            now,
            ..
        } = &mut *ext;
        let Some(s) = servers.get_mut(server) else { return };
        if !s.accepting || s.paused != Paused::No {
            return;
        }
        if s.options.max_connections > 0 && s.conns >= s.options.max_connections {
            ext.pause_accepting(server, Paused::Full);
            return;
        }
        let Some(listener) = s.listener.as_ref() else {
            return;
        };
        match listener.accept() {
            Ok((mut sock, peer)) => {
                s.accept_error_logged = false;
                let _ = sock.set_nodelay(true);
                let entry = conns.vacant_entry();
                let key = entry.key();
                if key >= SIGNALS.0.min(LISTENER_BASE) {
                    // 2^40 connections: unreachable; dropping closes it.
                    return;
                }
                if let Err(e) = registry.register(&mut sock, Token(key), Interest::READABLE) {
                    // ENOMEM, or the epoll watch limit: this client is
                    // dropped (closing its socket), the loop goes on.
                    if !s.accept_error_logged {
                        s.accept_error_logged = true;
                        eprintln!("warning: cannot watch a new connection: {e}; closing it");
                    }
                    continue;
                }
                *next_conn_id += 1;
                s.conns += 1;
                entry.insert(Conn::new(*next_conn_id, sock, server, peer, *now));
            }
            Err(e) => match classify_accept_error(&e) {
                AcceptError::WouldBlock => return,
                AcceptError::Retry | AcceptError::ThisConnection => {}
                AcceptError::Resource => {
                    // EMFILE/ENFILE/ENOBUFS/ENOMEM: the pending client stays
                    // in the backlog. Retrying now would fail again (and
                    // with level-triggered readiness, spin); so the listener
                    // rests until a connection closes or ACCEPT_RETRY passes.
                    if !s.accept_error_logged {
                        s.accept_error_logged = true;
                        eprintln!(
                            "warning: accept failed: {e}; pausing new connections until one closes (or {} ms)",
                            ACCEPT_RETRY.as_millis()
                        );
                    }
                    let retry = *now + ACCEPT_RETRY;
                    ext.pause_accepting(server, Paused::Error { retry });
                    return;
                }
            },
        }
    }
}

/// Answers `status` to the batch's requests from `from` on that JS neither
/// answered nor deferred.
fn answer_unanswered(ext: &mut LoopState, from: usize, status: u16) {
    for i in from..ext.batch.len {
        let e = &mut ext.batch.entries[i];
        if !e.answered && !e.deferred {
            e.answered = true;
            let reply = e.reply;
            answer_error(ext, &reply, status);
        }
    }
}

/// Answers with an error status (and Connection: close) in request order.
fn answer_error(ext: &mut LoopState, reply: &ReplyTo, status: u16) {
    let LoopState { conns, date, .. } = ext;
    let Some(conn) = conns.get_mut(reply.conn).filter(|c| c.id == reply.conn_id) else {
        return;
    };
    write_error_response(conn.out_for(reply.seq), status, date, true);
    conn.finish(reply.seq);
    conn.close_after = Some(reply.seq);
    conn.read_closed = true;
    conn.linger_on_close = true;
    ext.mark_dirty(reply.conn);
}

/// Frames every complete request buffered on connection `key`: JS servers
/// get batch entries, the Rust-only server is answered on the spot, and a
/// request that cannot be framed gets its error status and ends the
/// connection (nothing after it can be trusted to be a request).
fn parse_conn(ext: &mut LoopState, key: usize) {
    let conn_server = ext.conns[key].server;
    let Some(server) = ext.servers.get(conn_server) else {
        return;
    };
    let limits = server.options.limits;
    let max_requests = server.options.max_requests_per_connection;
    let is_static = matches!(server.handler, Handler::Static { .. });
    loop {
        let conn = &mut ext.conns[key];
        if conn.read_closed
            || conn.broken
            || conn.unsent() >= WRITE_HIGH_WATER
            || conn.in_flight >= MAX_IN_FLIGHT
        {
            return;
        }
        let frame = if is_static {
            conn.input
                .next(&limits, &mut ext.static_head, &mut ext.batch.arena)
        } else {
            let (entry, arena) = ext.batch.push_with_arena();
            conn.input.next(&limits, &mut entry.head, arena)
        };
        let unwind = |ext: &mut LoopState| {
            if !is_static {
                ext.batch.len -= 1;
            }
        };
        let (offset, body) = match frame {
            Frame::Request { offset, body, .. } => (offset, body),
            Frame::Empty => return unwind(ext),
            Frame::NeedMore { send_continue } => {
                unwind(ext);
                if send_continue {
                    // Interim responses go out in order too: after the
                    // answers to the requests before this one.
                    let conn = &mut ext.conns[key];
                    let seq = conn.next_seq;
                    conn.out_for(seq).extend_from_slice(howth_parser::CONTINUE_100);
                    ext.mark_dirty(key);
                }
                return;
            }
            Frame::Refuse { status, .. } => {
                unwind(ext);
                let conn = &mut ext.conns[key];
                let reply = ReplyTo {
                    conn: key,
                    conn_id: conn.id,
                    seq: conn.next_seq,
                    ..ReplyTo::default()
                };
                conn.next_seq += 1;
                conn.in_flight += 1;
                conn.read_closed = true;
                answer_error(ext, &reply, status);
                return;
            }
        };
        let conn = &mut ext.conns[key];
        let head = if is_static {
            &ext.static_head
        } else {
            &ext.batch.entries[ext.batch.len - 1].head
        };
        let base = &conn.input.buf[offset..conn.input.filled];
        let seq = conn.next_seq;
        conn.next_seq += 1;
        conn.in_flight += 1;
        let last = conn.last_request || (max_requests > 0 && conn.next_seq >= max_requests);
        let reply = ReplyTo {
            conn: key,
            conn_id: conn.id,
            seq,
            is_head: head.method.get(base) == b"HEAD",
            keep_alive: head.keep_alive && !last,
            http10: head.minor_version == 0,
        };
        if !reply.keep_alive {
            conn.read_closed = true;
        }
        if is_static {
            answer_static(ext, &reply, conn_server);
        } else {
            let e = &mut ext.batch.entries[ext.batch.len - 1];
            e.reply = reply;
            e.offset = offset;
            e.body = body;
            e.answered = false;
            e.deferred = false;
        }
    }
}

/// `Howth.serveRustOnly`: the fixed response, written without JS.
fn answer_static(ext: &mut LoopState, reply: &ReplyTo, server: usize) {
    let LoopState {
        conns, date, servers, ..
    } = ext;
    let Handler::Static { body } = &servers[server].handler else {
        return;
    };
    let conn = &mut conns[reply.conn];
    let out = conn.out_for(reply.seq);
    let w = respond::write_head(
        out,
        200,
        date,
        None,
        true,
        howth_parser::BodyFraming::Length(body.len() as u64),
        reply,
    );
    if !reply.is_head {
        out.extend_from_slice(body);
    }
    conn.finish(reply.seq);
    if w.close || w.upgrade {
        conn.close_after = Some(reply.seq);
    }
    ext.mark_dirty(reply.conn);
}

/// Runs `entry` as the `howth run` command does: prints a failure and
/// returns the process exit code.
pub fn run_file(entry: &Path, opts: &RuntimeOptions) -> i32 {
    run_file_with(entry, opts, ServeOptions::default())
}

/// `run_file` with the defaults servers get for options they do not set
/// (the CLI's limit flags). Also shuts down gracefully on SIGINT/SIGTERM.
pub fn run_file_with(entry: &Path, opts: &RuntimeOptions, serve_defaults: ServeOptions) -> i32 {
    let mut el = match EventLoop::new(opts) {
        Ok(el) => el,
        Err(e) => {
            eprintln!("error: cannot start the event loop: {e}");
            return 1;
        }
    };
    el.set_serve_defaults(serve_defaults);
    if let Err(e) = el.handle_signals() {
        eprintln!("warning: cannot handle SIGINT/SIGTERM: {e}; they will end the process at once");
    }
    match el.run_file(entry) {
        Ok(()) => el.rt.state().exit_code.unwrap_or(0),
        Err(RuntimeError::Exit(code)) => code,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}
