//! howth-loop: Howth's event loop.
//!
//! One mio `Poll` watches every source (source.rs): listeners, and streams,
//! each a transport, a protocol and an output queue (stream.rs). It shares
//! its thread with the timers and (through `howth-runtime`) the V8
//! isolate. A turn (`EventLoop::turn`) polls, hands each event to its
//! source, calls into JS once per kind of ready work (a batch of requests,
//! the worker pool's completions, the microtask checkpoint, due timers,
//! drains), writes each stream's output once, and sweeps for timeouts.
//! docs/loop.md walks through it.
//!
//! There are no threads, channels or async runtimes on the request path.
//! The one helper thread, the watchdog (watchdog.rs), only sleeps until a
//! call into JS overstays its limit.
//!
//! Hostile clients are bounded where their bytes arrive: a stream reads at
//! most one maximal request ahead (frame.rs), stops reading while its
//! unsent output is above [`WRITE_HIGH_WATER`], and is timed out in every
//! phase in which it owes the server something (http1.rs, `Phase`).

#![forbid(unsafe_code)]

mod accept;
mod batch;
mod client;
mod fetch_ops;
mod frame;
mod http1;
mod http_ops;
mod js;
mod js_signals;
mod net_ops;
mod output;
mod respond;
mod serve;
mod server;
mod source;
mod state;
mod stream;
mod sweep;
mod trace;
mod transport;
mod watchdog;

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use howth_runtime::{Runtime, RuntimeError, RuntimeOptions};
use mio::{Events, Interest, Poll, Waker};
pub use signal_hook_mio::v1_0::Signals;

use serve::frame_requests;
use server::Paused;
pub use server::{ServeOptions, OPTION_NAMES};
use source::{Source, SIGNALS, WAKER};
pub use state::LoopState;
use stream::Readiness;
use sweep::{sweep, SWEEP_EVERY};

/// A stream whose unsent output passes this stops being read from (and
/// parsed) until the client catches up; a response stream writing to it is
/// told to wait. With the input cap of frame.rs this bounds what a client
/// that sends requests and never reads the answers costs: about this much
/// plus one read-ahead, however many requests it pipelines.
pub(crate) const WRITE_HIGH_WATER: usize = 256 * 1024;

/// ... and resumes once the output is down to this: the gap keeps a client
/// reading at the edge from flipping reads on and off every few bytes.
pub(crate) const WRITE_LOW_WATER: usize = 64 * 1024;

/// Requests one stream may have parsed and unanswered. Parsing stops there
/// and resumes as answers go out. For synchronous handlers it is the most
/// one stream adds to a batch (so one client's pipeline cannot produce more
/// than this many responses in a turn, whatever the high-water mark says);
/// for async ones, the most request copies it can make the server hold
/// while its handlers wait. A deeper pipeline takes more than one turn (a
/// poll and a JS call more per 64 requests): the price of not letting one
/// stream's pipeline have a turn to itself.
pub(crate) const MAX_IN_FLIGHT: u32 = 64;

/// Requests per call into JS, at most (give or take one stream's pipelined
/// ones): 1,000 connections pipelining 16 each made batches of 16,000 whose
/// request records and JS objects no longer fit in cache.
const BATCH_TARGET: usize = 1024;

/// After accept() fails for want of a resource, the listener is left alone
/// this long (or until a stream closes) rather than retried in a loop.
pub(crate) const ACCEPT_RETRY: Duration = Duration::from_millis(100);

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
    /// The signals the program listens for (`process.on("SIGHUP", ...)`).
    js_signals: js_signals::JsSignals,
    /// Streams read this turn, to frame.
    to_parse: Vec<usize>,
    /// Streams with work carried over to the next turn.
    carry: Vec<usize>,
    /// The timeout sweep's lists.
    sweep_scratch: sweep::Scratch,
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
        net_ops::register(rt.isolate());
        fetch_ops::register(rt.isolate());
        let js_signals = js_signals::JsSignals::default();
        rt.state().node.catch_signal = Some(Box::new(js_signals.catcher(poll.registry().try_clone()?)));
        let heap_limit0 = rt.isolate().heap_stats().limit;
        Ok(EventLoop {
            poll,
            events: Events::with_capacity(1024),
            rt,
            stop: Arc::new(AtomicBool::new(false)),
            waker,
            signals: None,
            js_signals,
            to_parse: Vec::with_capacity(1024),
            // Sized up front: its first push would otherwise be the one
            // allocation of a steady state that rarely carries work over.
            carry: Vec::with_capacity(1024),
            sweep_scratch: sweep::Scratch::default(),
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

    /// Shuts down gracefully when `signals` fires: servers stop accepting,
    /// requests in flight finish (up to each server's shutdown timeout),
    /// then `run` returns Ok. The signals arrive through their self-pipe in
    /// this loop's poll, so nothing runs on another thread. Which signals,
    /// and what a second one does, is the embedder's policy (the CLI's is
    /// in src/signals.rs).
    pub fn shut_down_on(&mut self, mut signals: Signals) -> io::Result<()> {
        self.poll
            .registry()
            .register(&mut signals, SIGNALS, Interest::READABLE)?;
        self.signals = Some(signals);
        Ok(())
    }

    /// The flag the embedder's own handlers set on a first SIGINT/SIGTERM
    /// to exit on the second (the CLI's, src/signals.rs): cleared whenever
    /// a program's `process.on` listener takes one of them, since that one
    /// did not start a shutdown.
    pub fn set_second_signal_flag(&mut self, flag: Arc<AtomicBool>) {
        self.js_signals.second_signal = Some(flag);
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
            .sources
            .listeners()
            .filter(|(_, s)| s.accepting())
            .map(|(_, s)| s.addr().port())
            .collect()
    }

    /// Loads the entry module and runs until nothing is left to do (no
    /// server, no timer, no pending work), `stop()`, `exit()` or a signal.
    pub fn run_file(&mut self, entry: &Path) -> Result<(), RuntimeError> {
        self.load(entry)?;
        self.run()
    }

    /// Loads and evaluates the entry module (its top-level await may still
    /// be pending: `turn()` until `runtime().main_pending()` is false).
    pub fn load(&mut self, entry: &Path) -> Result<(), RuntimeError> {
        let loaded = self.rt.run_main(entry);
        self.listen_failure(loaded)
    }

    /// A server that could not listen stopped the program the way `exit(1)`
    /// does; its caller hears why instead.
    fn listen_failure<T>(&mut self, r: Result<T, RuntimeError>) -> Result<T, RuntimeError> {
        match self.rt.state().ext.listen_error.take() {
            Some(msg) if r.is_err() => Err(RuntimeError::Listen(msg)),
            _ => r,
        }
    }

    fn alive(&mut self) -> bool {
        let ext = &self.rt.state().ext;
        if ext.shutting_down {
            return ext.sources.has_streams();
        }
        let serving = ext.accepting_servers() > 0
            || ext.sources.has_streams()
            || !ext.deferred.is_empty()
            || ext.clients.keeps_alive()
            || ext.clients.pending();
        serving || self.rt.has_pending_work()
    }

    pub fn run(&mut self) -> Result<(), RuntimeError> {
        loop {
            if self.stop.load(Ordering::SeqCst) {
                self.shutdown();
                return Ok(());
            }
            if !self.alive() {
                // Node's beforeExit may schedule more work (not when
                // shutting down: then pending timers do not count).
                if !self.rt.state().ext.shutting_down && self.rt.before_exit()? {
                    continue;
                }
                return Ok(());
            }
            self.turn()?;
        }
    }

    /// Stops every server and closes every stream now.
    fn shutdown(&mut self) {
        let ext = &mut self.rt.state().ext;
        for id in ext.sources.listener_keys() {
            ext.stop_server(id);
        }
        ext.flush_dirty();
        ext.close_all_clients();
        let registry = &ext.registry;
        ext.sources.drain(|mut s| s.deregister(registry));
        ext.maybe_done.clear();
    }

    /// SIGINT or SIGTERM: every server stops as `server.stop()` would.
    fn begin_graceful_shutdown(&mut self) {
        let Some(signals) = self.signals.as_mut() else {
            return;
        };
        // Only a signal no program listener takes stops the servers.
        let rt = &mut self.rt;
        if signals.pending().filter(|&s| !rt.wants_signal(s)).count() == 0 {
            return;
        }
        let ext = &mut self.rt.state().ext;
        if ext.shutting_down {
            return;
        }
        ext.shutting_down = true;
        for id in ext.sources.listener_keys() {
            ext.stop_server(id);
        }
        ext.close_done();
    }

    fn poll_timeout(&mut self) -> Option<Duration> {
        if !self.carry.is_empty() || self.rt.state().ext.clients.pending() {
            return Some(Duration::ZERO);
        }
        let timer = self.rt.next_timer();
        let ext = &self.rt.state().ext;
        let sweep = (ext.sources.has_streams()
            || ext.clients.with_deadline > 0
            || ext
                .sources
                .listeners()
                .any(|(_, s)| matches!(s.paused(), Paused::Error { .. })))
        .then_some(self.next_sweep);
        let at = match (timer, sweep) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        at.map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// One turn of the loop: poll, hand each event to its source, one call
    /// into JS per kind of ready work, flush, timers. A server that could
    /// not listen ends it with `RuntimeError::Listen`.
    pub fn turn(&mut self) -> Result<(), RuntimeError> {
        let turned = self.turn_once();
        self.listen_failure(turned)
    }

    fn turn_once(&mut self) -> Result<(), RuntimeError> {
        let timeout = self.poll_timeout();
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(RuntimeError::Load(format!("error: poll failed: {e}"))),
        }
        let now = Instant::now();
        let ext = &mut self.rt.state().ext;
        ext.now = now;
        ext.date.refresh(SystemTime::now());
        if self.hand_out_events() {
            self.begin_graceful_shutdown();
        }
        self.js_signals.deliver(&mut self.rt, self.signals.is_some())?;
        let batches = self.serve_requests()?;
        let js_end = Instant::now();
        self.rt.settle_completions()?;
        self.deliver_client_events()?;
        self.run_microtasks()?;
        let ext = &mut self.rt.state().ext;
        ext.flush_dirty();
        self.end_turn_for_read_streams(now);
        let ext = &mut self.rt.state().ext;
        if let Some(t) = ext.trace.as_mut() {
            t.record(now, js_end, Instant::now(), ext.batch.len, batches);
        }
        self.run_due_timers()?;
        self.deliver_drains()?;
        let ext = &mut self.rt.state().ext;
        // Async answers, timers and drain callbacks wrote output.
        ext.flush_dirty();
        ext.close_done();
        self.carry_revisits();
        if now >= self.next_sweep {
            self.next_sweep = now + SWEEP_EVERY;
            sweep(&mut self.rt.state().ext, now, &mut self.sweep_scratch);
        }
        Ok(())
    }

    /// Hands each event to its source: a listener accepts, a stream reads
    /// (and writes what waited for WRITABLE) and is queued for framing.
    /// Returns whether a signal arrived.
    fn hand_out_events(&mut self) -> bool {
        let ext = &mut self.rt.state().ext;
        let mut signalled = false;
        self.to_parse.clear();
        self.to_parse.append(&mut self.carry);
        ext.revisit_clients();
        for event in self.events.iter() {
            let token = event.token();
            match ext.sources.get_mut(token.0) {
                Some(Source::Stream(s)) => match s.ready(event, &ext.registry, token) {
                    Readiness::Parse => {
                        if s.queue_parse() {
                            self.to_parse.push(token.0);
                        }
                    }
                    Readiness::Nothing => {}
                    Readiness::Done => ext.maybe_done.push(token.0),
                },
                Some(Source::Listener(_)) => accept::accept_all(ext, token.0),
                Some(Source::Client(_)) => ext.client_ready(token.0, Some(event)),
                None if token == js_signals::JS_SIGNALS => self.js_signals.ready = true,
                None => signalled |= token == SIGNALS,
            }
        }
        signalled
    }

    /// Frames the requests of every stream read this turn and calls JS once
    /// per batch: a batch holds one server's requests, up to BATCH_TARGET.
    /// Returns how many batches ran.
    fn serve_requests(&mut self) -> Result<usize, RuntimeError> {
        let mut batches = 0;
        let mut next = 0;
        loop {
            let ext = &mut self.rt.state().ext;
            // Skip to the first stream still to frame: the ones before it
            // went out in earlier batches. Scanning from a framed one again
            // would make a turn quadratic in the ready streams.
            while next < self.to_parse.len()
                && !ext
                    .sources
                    .stream(self.to_parse[next])
                    .is_some_and(|s| s.queued_for_parse())
            {
                next += 1;
            }
            let Some(first) = self.to_parse.get(next).and_then(|&k| ext.sources.stream(k)) else {
                return Ok(batches);
            };
            let server = first.server();
            ext.batch.clear();
            ext.batch.server = server;
            for &key in &self.to_parse[next..] {
                let ours = ext.sources.stream_mut(key).filter(|s| s.server() == server);
                if ours.is_some_and(|s| s.take_parse()) {
                    frame_requests(ext, key);
                    if ext.batch.len >= BATCH_TARGET {
                        // The rest go in the next batch (the outer loop finds
                        // them still to frame).
                        break;
                    }
                }
            }
            if ext.batch.len > 0 {
                batches += 1;
                self.dispatch()?;
            }
        }
    }

    /// The streams read this turn: compact their input, resume reads that
    /// waited for the output to drain, move their timeout clocks, and
    /// close the finished ones.
    fn end_turn_for_read_streams(&mut self, now: Instant) {
        let ext = &mut self.rt.state().ext;
        for &key in &self.to_parse {
            ext.check_drained(key);
            let Some(s) = ext.sources.stream_mut(key) else {
                continue;
            };
            if s.end_turn(now) && s.queue_parse() {
                self.carry.push(key);
            }
            if s.is_finished() {
                ext.finish_stream(key);
            }
        }
    }

    /// Streams whose answers went out outside their own turn may frame
    /// again: next turn.
    fn carry_revisits(&mut self) {
        let ext = &mut self.rt.state().ext;
        for &key in &ext.revisit {
            if ext.sources.stream_mut(key).is_some_and(|s| s.queue_parse()) {
                self.carry.push(key);
            }
        }
        ext.revisit.clear();
    }
}
