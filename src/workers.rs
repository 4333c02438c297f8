//! Shared-nothing workers: `howth run --workers N|auto`, an embedder's
//! [`Builder::workers`](crate::Builder::workers), or `workers` in a served
//! default export.
//!
//! A worker is a thread with its own isolate, event loop and listening
//! socket. The sockets share one port through SO_REUSEPORT and the kernel
//! spreads new connections between them, so nothing is shared on the
//! request path. A supervisor thread starts the workers, restarts one that
//! crashes (after a backoff, and up to a limit) and ends when all have
//! ended.
//!
//! Startup takes two steps. Worker 0 loads the entry module first; once the
//! module has evaluated (its servers listen), the other workers start with
//! worker 0's port as their port override. That is how port 0 becomes one
//! port for all, how a default export's `workers` is learnt, and why a
//! script that fails to load says so once rather than once per worker.
//!
//! The port rule: the workers share the `--port` / `PORT` / builder port
//! when it is not 0, else the port of worker 0's last server (the default
//! export's, which ts-lib serves after the module has run). Other workers
//! get it as their port override, which applies to the default export and
//! to `Howth.serve` calls without a port. A port the script passes to
//! `Howth.serve` itself is used as is by every worker: those sockets share
//! a fixed port too, but `Howth.serve({ port: 0 })` gives each worker a
//! port of its own.
//!
//! A worker whose loop fails (an uncaught exception, which ts-lib reports
//! by exiting with code 1; any other non-zero `Howth.exit`; a failure to
//! load; a panic) has crashed. With several workers, or whenever the
//! count was given explicitly, it is restarted; otherwise its failure is
//! the result, as with a plain `howth run`. A worker ending with code 0
//! (nothing left to do, `stop()`, a drained SIGINT/SIGTERM) is not
//! restarted.
use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroUsize;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use howth_loop::{EventLoop, LoopState, ServeOptions, StopHandle};
use howth_runtime::{CallArgs, RuntimeError, RuntimeOptions, RuntimeState};

use crate::Error;

/// How many workers to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workers {
    Count(NonZeroUsize),
    /// One per available core (`std::thread::available_parallelism`).
    Auto,
}

/// The most workers `howth run --workers` and a default export accept.
pub const MAX_WORKERS: usize = 1024;

impl Workers {
    /// The number of threads this stands for.
    pub fn count(self) -> usize {
        match self {
            Workers::Count(n) => n.get(),
            Workers::Auto => thread::available_parallelism().map_or(1, NonZeroUsize::get),
        }
    }
}

/// `0` means [`Workers::Auto`], as a thread count of 0 does for most pools.
impl From<usize> for Workers {
    fn from(n: usize) -> Workers {
        NonZeroUsize::new(n).map_or(Workers::Auto, Workers::Count)
    }
}

/// Parses "auto" or a count from 1 to [`MAX_WORKERS`].
impl FromStr for Workers {
    type Err = String;

    fn from_str(s: &str) -> Result<Workers, String> {
        if s == "auto" {
            return Ok(Workers::Auto);
        }
        match s.parse::<usize>() {
            Ok(n) if (1..=MAX_WORKERS).contains(&n) => Ok(Workers::from(n)),
            _ => Err(format!(
                "expected a number from 1 to {MAX_WORKERS} or \"auto\", got '{s}'"
            )),
        }
    }
}

impl fmt::Display for Workers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Workers::Count(n) => write!(f, "{n}"),
            Workers::Auto => f.write_str("auto"),
        }
    }
}

/// The first restart waits this long; each further crash within
/// [`CRASH_WINDOW`] doubles it, up to [`BACKOFF_MAX`].
const BACKOFF_FIRST: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);
/// A worker that crashes [`CRASH_LIMIT`] times within this window is not
/// restarted again: its script is broken, not unlucky.
const CRASH_WINDOW: Duration = Duration::from_secs(60);
const CRASH_LIMIT: usize = 5;
/// While restarts are pending, the supervisor looks at the signal flag at
/// least this often (a signal sets the flag but sends no event).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);
/// A main thread's stack: V8 sizes its stack limit from the thread's.
const WORKER_STACK: usize = 8 << 20;

/// What every worker runs, and how.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub entry: PathBuf,
    /// Each worker's options, but for `worker_id` and `port_override`.
    pub runtime: RuntimeOptions,
    pub serve_defaults: ServeOptions,
    /// Set by the caller (the CLI flag, the builder); None: one worker
    /// unless the default export asks for more.
    pub workers: Option<Workers>,
    /// Drain on SIGINT/SIGTERM, as the CLI does. An embedding program owns
    /// its signals.
    pub signals: bool,
    /// The process exits when the run ends (the CLI), so a lone worker may
    /// skip V8's teardown. An embedding program's process lives on.
    pub exits_with_run: bool,
}

/// Where the first workers listen, once all are up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listening {
    /// The port of worker 0's last server; None when it serves nothing.
    pub port: Option<u16>,
    pub workers: usize,
}

/// What a worker thread is to do.
struct WorkerSpec {
    slot: usize,
    port_override: Option<u16>,
    reuse_port: bool,
    /// Register `ops.requestWorkers` (worker 0 when no count was given).
    may_request_workers: bool,
}

enum Event {
    /// The worker's loop exists; it can be stopped from now on.
    Started {
        slot: usize,
        stop: StopHandle,
    },
    /// The entry module has evaluated.
    Ready {
        slot: usize,
        ports: Vec<u16>,
        requested: Option<Workers>,
    },
    Ended {
        slot: usize,
        end: End,
    },
    /// From the handle: stop every worker.
    Stop,
}

/// How a worker's thread ended.
enum End {
    /// Its loop returned with this exit code (`Howth.exit`, or 0).
    Exited(i32),
    /// Loading or running failed; the message as `howth run` prints it.
    Failed(String),
    /// A server could not listen (why, in one line).
    Listen(String),
    Panicked,
}

impl End {
    /// What the run as a whole reports when this end is final.
    fn outcome(&self, slot: usize) -> Result<(), Error> {
        match self {
            End::Exited(0) => Ok(()),
            End::Exited(code) => Err(Error::Exit(*code)),
            End::Failed(message) => Err(Error::Script(message.clone())),
            End::Listen(why) => Err(Error::Listen(why.clone())),
            End::Panicked => Err(Error::Script(format!("error: worker {slot} panicked"))),
        }
    }
}

/// A group of workers under a supervisor thread.
pub(crate) struct Supervisor {
    events: Sender<Event>,
    thread: Option<JoinHandle<Result<(), Error>>>,
}

impl Supervisor {
    /// Starts the workers; returns once worker 0's entry module has
    /// evaluated and every other worker has started (or failed).
    pub fn start(plan: Plan) -> Result<(Supervisor, Listening), Error> {
        let (events, rx) = mpsc::channel();
        let (ready_tx, ready) = mpsc::channel();
        let stopping = Arc::new(AtomicBool::new(false));
        if plan.signals {
            for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
                signal_hook::flag::register(signal, stopping.clone())
                    .map_err(|e| Error::Start(format!("error: cannot handle signals: {e}")))?;
            }
        }
        let group = Group {
            plan: Arc::new(plan),
            events: events.clone(),
            stopping,
            slots: Vec::new(),
            shared_port: None,
            restart: false,
            failure: None,
        };
        let thread = thread::Builder::new()
            .name("howth-supervisor".into())
            .spawn(move || group.supervise(rx, ready_tx))
            .map_err(|e| Error::Start(format!("error: cannot start the supervisor: {e}")))?;
        let mut supervisor = Supervisor {
            events,
            thread: Some(thread),
        };
        match ready.recv() {
            Ok(Ok(listening)) => Ok((supervisor, listening)),
            Ok(Err(e)) => {
                let _ = supervisor.join();
                Err(e)
            }
            // The supervisor ended without a word: it panicked.
            Err(_) => Err(supervisor
                .join()
                .err()
                .unwrap_or_else(|| Error::Start("error: the worker supervisor ended unexpectedly".into()))),
        }
    }

    /// Stops every worker now (connections close at once). Returns at once;
    /// [`Supervisor::wait`] waits for the workers to end.
    pub fn stop(&self) {
        let _ = self.events.send(Event::Stop);
    }

    /// Waits for every worker to end.
    pub fn wait(mut self) -> Result<(), Error> {
        self.join()
    }

    fn join(&mut self) -> Result<(), Error> {
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(Error::Start("error: the worker supervisor panicked".into()))),
            None => Ok(()),
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop();
            let _ = self.join();
        }
    }
}

/// Runs `entry` as `howth run` does, with `workers` (None: one, unless the
/// default export asks for more), draining on SIGINT/SIGTERM. Prints why it
/// failed, if it did, and returns the process exit code.
pub fn run_supervised(
    entry: &Path,
    runtime: RuntimeOptions,
    serve_defaults: ServeOptions,
    workers: Option<Workers>,
) -> i32 {
    let plan = Plan {
        entry: entry.to_path_buf(),
        runtime,
        serve_defaults,
        workers,
        signals: true,
        exits_with_run: true,
    };
    match Supervisor::start(plan).and_then(|(supervisor, _)| supervisor.wait()) {
        Ok(()) => 0,
        // The script said why (ts-lib prints uncaught errors before exiting).
        Err(Error::Exit(code)) => code,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

/// Where one worker slot stands.
enum Run {
    /// A thread runs it (its stop handle once it has sent one).
    Running {
        stop: Option<StopHandle>,
        thread: JoinHandle<()>,
    },
    /// Crashed; restarts at this instant.
    Waiting(Instant),
    Done,
}

struct Slot {
    run: Run,
    /// Its first worker has reported (ready, or ended before that).
    reported: bool,
    /// When it crashed, within the last [`CRASH_WINDOW`].
    crashes: VecDeque<Instant>,
}

impl Slot {
    fn new() -> Slot {
        Slot {
            run: Run::Done,
            reported: false,
            crashes: VecDeque::new(),
        }
    }
}

/// The supervisor thread's state.
struct Group {
    plan: Arc<Plan>,
    events: Sender<Event>,
    /// Set by a signal or a stop: end, and restart nothing.
    stopping: Arc<AtomicBool>,
    slots: Vec<Slot>,
    /// The port override of every worker but the first worker 0.
    shared_port: Option<u16>,
    /// Restart crashed workers (several workers, or a count was given).
    restart: bool,
    /// The first final failure: the run's result.
    failure: Option<Error>,
}

impl Group {
    fn supervise(
        mut self,
        rx: Receiver<Event>,
        ready: Sender<Result<Listening, Error>>,
    ) -> Result<(), Error> {
        let first = WorkerSpec {
            slot: 0,
            port_override: self.plan.runtime.port_override,
            reuse_port: self.plan.workers.is_some_and(|w| w.count() > 1),
            may_request_workers: self.plan.workers.is_none(),
        };
        self.slots.push(Slot::new());
        self.spawn(first);
        // Step 1: worker 0 loads the module.
        let (ports, requested) = loop {
            match rx.recv() {
                Ok(Event::Ready {
                    slot: 0,
                    ports,
                    requested,
                    ..
                }) => {
                    self.slots[0].reported = true;
                    break (ports, requested);
                }
                Ok(Event::Ended { slot, end, .. }) => {
                    self.join_slot(slot);
                    // Ended while loading: a clean end (`Howth.exit(0)`)
                    // listens nowhere.
                    let outcome = end.outcome(slot);
                    let _ = ready.send(outcome.clone().map(|()| Listening {
                        port: None,
                        workers: 0,
                    }));
                    return outcome;
                }
                Ok(event) => self.handle(event),
                Err(_) => unreachable!("the group holds a sender"),
            }
        };
        // Step 2: the others, on worker 0's port.
        let count = self.plan.workers.or(requested).map_or(1, Workers::count);
        self.restart = self.plan.workers.is_some() || count > 1;
        self.shared_port = match self.plan.runtime.port_override {
            Some(p) if p != 0 => Some(p),
            given => ports.last().copied().or(given),
        };
        let listening = Listening {
            port: ports.last().copied(),
            workers: count,
        };
        if !self.stopping.load(Ordering::SeqCst) {
            for slot in 1..count {
                self.slots.push(Slot::new());
                self.spawn(self.spec(slot));
            }
        }
        let mut ready = Some(ready);
        loop {
            if self.slots.iter().all(|s| s.reported) {
                if let Some(ready) = ready.take() {
                    let _ = ready.send(Ok(listening));
                }
            }
            if self.stopping.load(Ordering::SeqCst) {
                self.cancel_restarts();
            }
            self.restart_due();
            if self.slots.iter().all(|s| matches!(s.run, Run::Done)) {
                break;
            }
            let event = match self.next_restart() {
                None => rx.recv().ok(),
                Some(at) => {
                    let wait = at.saturating_duration_since(Instant::now()).min(SIGNAL_CHECK);
                    match rx.recv_timeout(wait) {
                        Ok(event) => Some(event),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => unreachable!("the group holds a sender"),
                    }
                }
            };
            if let Some(event) = event {
                self.handle(event);
            }
        }
        if let Some(ready) = ready {
            let _ = ready.send(Ok(listening));
        }
        self.failure.map_or(Ok(()), Err)
    }

    /// The spec of every worker but the first worker 0 (whose socket is
    /// shared only when it knows from the start that others will follow).
    fn spec(&self, slot: usize) -> WorkerSpec {
        WorkerSpec {
            slot,
            port_override: self.shared_port,
            reuse_port: self.slots.len() > 1,
            may_request_workers: false,
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Started { slot, stop: handle } => {
                if self.stopping.load(Ordering::SeqCst) {
                    handle.stop();
                }
                if let Run::Running { stop, .. } = &mut self.slots[slot].run {
                    *stop = Some(handle);
                }
            }
            Event::Ready { slot, .. } => self.slots[slot].reported = true,
            Event::Ended { slot, end, .. } => {
                self.slots[slot].reported = true;
                self.join_slot(slot);
                self.ended(slot, end);
            }
            Event::Stop => {
                self.stopping.store(true, Ordering::SeqCst);
                for s in &self.slots {
                    if let Run::Running { stop: Some(stop), .. } = &s.run {
                        stop.stop();
                    }
                }
                self.cancel_restarts();
            }
        }
    }

    /// Decides what follows a worker's end: nothing, a restart, or giving
    /// up on that slot.
    fn ended(&mut self, slot: usize, end: End) {
        let outcome = end.outcome(slot);
        let Err(error) = outcome else { return };
        if !self.restart || self.stopping.load(Ordering::SeqCst) {
            self.failure.get_or_insert(error);
            return;
        }
        let what = match &end {
            End::Exited(code) => format!("exited with code {code}"),
            End::Failed(message) => {
                eprintln!("{message}");
                "crashed".to_string()
            }
            End::Listen(why) => format!("could not listen ({why})"),
            End::Panicked => "panicked".to_string(),
        };
        let now = Instant::now();
        let crashes = &mut self.slots[slot].crashes;
        crashes.push_back(now);
        while crashes
            .front()
            .is_some_and(|t| now.duration_since(*t) > CRASH_WINDOW)
        {
            crashes.pop_front();
        }
        let recent = crashes.len();
        if recent >= CRASH_LIMIT {
            let left = self.slots.iter().filter(|s| !matches!(s.run, Run::Done)).count();
            eprintln!(
                "error: worker {slot} {what} ({recent} crashes within {} s); not restarting it \
                 ({left} workers left)",
                CRASH_WINDOW.as_secs()
            );
            self.failure.get_or_insert(error);
            return;
        }
        let delay = BACKOFF_FIRST
            .saturating_mul(1 << (recent - 1).min(16))
            .min(BACKOFF_MAX);
        eprintln!(
            "warning: worker {slot} {what}; restarting it in {} ms",
            delay.as_millis()
        );
        self.slots[slot].run = Run::Waiting(now + delay);
    }

    fn spawn(&mut self, spec: WorkerSpec) {
        let slot = spec.slot;
        let plan = self.plan.clone();
        let events = self.events.clone();
        let stopping = self.stopping.clone();
        let spawned = thread::Builder::new()
            .name(format!("howth-worker-{slot}"))
            .stack_size(WORKER_STACK)
            .spawn(move || {
                let end = catch_unwind(AssertUnwindSafe(|| run_worker(&plan, &spec, &events, &stopping)))
                    .unwrap_or(End::Panicked);
                let _ = events.send(Event::Ended { slot: spec.slot, end });
            });
        match spawned {
            Ok(thread) => self.slots[slot].run = Run::Running { stop: None, thread },
            Err(e) => {
                self.slots[slot].run = Run::Done;
                self.ended(
                    slot,
                    End::Failed(format!("error: cannot start worker {slot}: {e}")),
                );
            }
        }
    }

    /// Joins the thread of a slot whose worker has ended (it is finishing
    /// or done), so no isolate outlives the run.
    fn join_slot(&mut self, slot: usize) {
        if let Run::Running { thread, .. } = std::mem::replace(&mut self.slots[slot].run, Run::Done) {
            let _ = thread.join();
        }
    }

    fn next_restart(&self) -> Option<Instant> {
        self.slots
            .iter()
            .filter_map(|s| match s.run {
                Run::Waiting(at) => Some(at),
                _ => None,
            })
            .min()
    }

    fn restart_due(&mut self) {
        let now = Instant::now();
        for slot in 0..self.slots.len() {
            if matches!(self.slots[slot].run, Run::Waiting(at) if at <= now) {
                self.spawn(self.spec(slot));
            }
        }
    }

    fn cancel_restarts(&mut self) {
        for s in &mut self.slots {
            if matches!(s.run, Run::Waiting(_)) {
                s.run = Run::Done;
            }
        }
    }
}

thread_local! {
    /// What the default export asked for through `ops.requestWorkers`, on
    /// this worker's thread (an op is a plain function, with no state of
    /// its own beyond the runtime's).
    static REQUESTED: Cell<Option<Workers>> = const { Cell::new(None) };
}

/// `ops.requestWorkers(n)` (0: auto): must run before the default export
/// binds, so that its socket can be shared.
fn op_request_workers(state: &mut RuntimeState<LoopState>, args: &mut CallArgs<'_>) {
    let workers = Workers::from(args.int(0).max(0) as usize);
    if workers.count() > 1 {
        state.ext.set_reuse_port(true);
    }
    REQUESTED.set(Some(workers));
}

/// One worker's life: make its loop, load the entry, serve until the end.
fn run_worker(plan: &Plan, spec: &WorkerSpec, events: &Sender<Event>, stopping: &AtomicBool) -> End {
    let mut opts = plan.runtime.clone();
    opts.worker_id = spec.slot as u32;
    opts.port_override = spec.port_override;
    let mut el = match EventLoop::new(&opts) {
        Ok(el) => el,
        Err(e) => return End::Failed(format!("error: cannot start the event loop: {e}")),
    };
    el.set_reuse_port(spec.reuse_port);
    el.set_serve_defaults(plan.serve_defaults.clone());
    let stop = el.stop_handle();
    if plan.signals {
        if let Err(e) = crate::signals::shut_down_on_signals(&mut el) {
            eprintln!("warning: cannot handle SIGINT/SIGTERM: {e}; they will end the process at once");
        }
    }
    if spec.may_request_workers {
        el.runtime()
            .isolate()
            .set_op("requestWorkers", op_request_workers);
    }
    let _ = events.send(Event::Started {
        slot: spec.slot,
        stop,
    });
    // A stop or signal that came before the loop could hear it.
    if stopping.load(Ordering::SeqCst) {
        return End::Exited(0);
    }
    let mut alone = false;
    let ran = load(&mut el, plan, spec, events, stopping).and_then(|requested| {
        alone = plan.workers.is_none() && requested.is_none();
        el.run()
    });
    let end = match ran {
        Ok(()) => End::Exited(el.runtime().state().exit_code.unwrap_or(0)),
        Err(RuntimeError::Exit(code)) => End::Exited(code),
        Err(RuntimeError::Listen(why)) => End::Listen(why),
        Err(e) => End::Failed(e.to_string()),
    };
    // A lone worker is never restarted: its end is the process's, and the
    // exit frees V8's heap at once, faster than V8's teardown does.
    if alone && plan.exits_with_run {
        el.exit_without_teardown();
    }
    end
}

/// Loads the entry module, waits out its top-level await, and tells the
/// supervisor where the worker listens. Returns the workers the default
/// export asked for, if it did.
fn load(
    el: &mut EventLoop,
    plan: &Plan,
    spec: &WorkerSpec,
    events: &Sender<Event>,
    stopping: &AtomicBool,
) -> Result<Option<Workers>, RuntimeError> {
    REQUESTED.set(None);
    el.load(&plan.entry)?;
    while el.runtime().main_pending() && !stopping.load(Ordering::SeqCst) {
        el.turn()?;
    }
    let requested = REQUESTED.take();
    let _ = events.send(Event::Ready {
        slot: spec.slot,
        ports: el.ports(),
        requested,
    });
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_parse_as_the_cli_flag_does() {
        assert_eq!("auto".parse(), Ok(Workers::Auto));
        assert_eq!("3".parse::<Workers>().map(Workers::count), Ok(3));
        for bad in ["0", "-1", "1025", "two", ""] {
            assert!(bad.parse::<Workers>().is_err(), "{bad}");
        }
        assert_eq!(Workers::from(0), Workers::Auto);
        assert!(Workers::Auto.count() >= 1);
        assert_eq!(Workers::from(4).to_string(), "4");
    }
}
