//! The runtime's worker pool and its completion queue: the ONE way work done
//! off the loop's thread comes back to JS.
//!
//! Blocking work (an async host function, a file system call behind a
//! callback or a promise, compression of a large input) is submitted as a
//! job: [`Completions::submit`] hands it to a process-wide set of worker
//! threads and returns an id at once. When the job finishes, its outcome is
//! pushed to the submitting runtime's completion queue and the loop's poll
//! is woken. The loop calls [`crate::Runtime::settle_completions`] once per
//! turn; it calls ts-lib's completion callback (ts-lib/pool.ts) with each
//! finished id, and ts-lib resolves or rejects the matching promise or
//! calls the matching Node-style callback.
//!
//! The threads are shared by every runtime of the process (workers too):
//! `HOWTH_POOL_THREADS` (default 4) or [`set_threads`] sizes them before
//! the first job starts them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use howth_engine::{CallArgs, ErrorKind, Isolate, JsError, Kind, Value};

use crate::ops::host::{return_value, HostValue};
use crate::RuntimeState;

/// What a job produces: a value, or an error value (a message string, or
/// an object ts-lib turns into a Node error with `code`, `errno`, ...).
pub type Outcome = Result<HostValue, HostValue>;

/// How work finished off the loop's thread rouses the loop (its poll waker).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

type Job = Box<dyn FnOnce() + Send>;

const DEFAULT_THREADS: usize = 4;

/// 0 until set: then `HOWTH_POOL_THREADS` or the default decides.
static THREADS: AtomicUsize = AtomicUsize::new(0);
static JOBS: OnceLock<Sender<Job>> = OnceLock::new();

/// Sets how many worker threads the pool starts; only before its first job.
pub fn set_threads(n: usize) {
    THREADS.store(n.max(1), Ordering::Relaxed);
}

fn thread_count() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => std::env::var("HOWTH_POOL_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(DEFAULT_THREADS)
            .min(256),
        n => n,
    }
}

/// Runs `job` on a worker thread; starts the threads on first use. They
/// live as long as the process.
fn run_on_pool(job: Job) {
    let jobs = JOBS.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..thread_count() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("howth-pool-{i}"))
                .spawn(move || loop {
                    // The lock is held only while waiting for a job.
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                eprintln!("warning: cannot start a worker pool thread: {e}");
            }
        }
        tx
    });
    let _ = jobs.send(job);
}

/// A finished job's id and outcome, on its way back to the loop's thread.
type Completion = (u32, Outcome);

/// One runtime's completion queue: its jobs in flight and the channel their
/// outcomes come back on.
pub struct Completions {
    done_tx: Sender<Completion>,
    done_rx: Receiver<Completion>,
    wake: Option<Wake>,
    in_flight: usize,
    next_id: u32,
    /// ts-lib's function that settles the promise or callback of an id.
    callback: Option<Value>,
    /// The outcome `poolResult` hands out: the one being settled, or the
    /// one a synchronous call just produced.
    current: Option<Outcome>,
}

impl Default for Completions {
    fn default() -> Self {
        Completions::new()
    }
}

impl Completions {
    pub fn new() -> Completions {
        let (done_tx, done_rx) = mpsc::channel();
        Completions {
            done_tx,
            done_rx,
            wake: None,
            in_flight: 0,
            next_id: 0,
            callback: None,
            current: None,
        }
    }

    /// Sets how a finished job rouses the loop (its poll waker). Without it
    /// outcomes wait for the loop's next turn.
    pub fn set_wake(&mut self, wake: impl Fn() + Send + Sync + 'static) {
        self.wake = Some(Arc::new(wake));
    }

    /// The loop's waker, for other work that completes off its thread
    /// (messages from other isolates: crate::broadcast).
    pub fn wake(&self) -> Option<Wake> {
        self.wake.clone()
    }

    /// Jobs submitted and not yet settled (they keep the loop alive).
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Runs `job` on the pool; its outcome settles id in a later turn.
    pub fn submit(&mut self, job: impl FnOnce() -> Outcome + Send + 'static) -> u32 {
        let id = self.next_id;
        // Ids travel to JS as int32.
        self.next_id = (self.next_id + 1) & 0x7fff_ffff;
        self.in_flight += 1;
        let done = self.done_tx.clone();
        let wake = self.wake.clone();
        run_on_pool(Box::new(move || {
            let outcome = job();
            // The runtime may be gone (its server stopped): nobody waits.
            if done.send((id, outcome)).is_ok() {
                if let Some(wake) = wake {
                    wake();
                }
            }
        }));
        id
    }

    /// Keeps a synchronous call's outcome for `poolResult`; true when it
    /// failed (what the op returns, so JS knows to throw).
    fn set_current(&mut self, outcome: Outcome) -> bool {
        let failed = outcome.is_err();
        self.current = Some(outcome);
        failed
    }

    /// What an op with a synchronous and an asynchronous form returns: the
    /// synchronous form runs `job` now, keeps its outcome for `poolResult`
    /// and returns whether it failed; the asynchronous form submits it and
    /// returns its id.
    pub fn run_or_submit(
        &mut self,
        args: &mut CallArgs<'_>,
        is_async: bool,
        job: impl FnOnce() -> Outcome + Send + 'static,
    ) {
        if is_async {
            let id = self.submit(job);
            args.return_int(id as i32);
        } else {
            let failed = self.set_current(job());
            args.return_bool(failed);
        }
    }
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("poolSetCallback", op_pool_set_callback::<X>);
    iso.set_op("poolFailed", op_pool_failed::<X>);
    iso.set_op("poolResult", op_pool_result::<X>);
}

/// Hands every outcome that has arrived to ts-lib's callback. The caller
/// runs microtasks afterwards (the promises' reactions).
pub(crate) fn settle<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) -> Result<(), JsError> {
    loop {
        let pool = &mut iso.state().pool;
        if pool.in_flight == 0 {
            return Ok(());
        }
        let Ok((id, outcome)) = pool.done_rx.try_recv() else {
            return Ok(());
        };
        pool.in_flight -= 1;
        let Some(callback) = pool.callback.take() else {
            continue;
        };
        pool.current = Some(outcome);
        let called = iso.call_with_int(&callback, id as i32);
        let pool = &mut iso.state().pool;
        pool.callback = Some(callback);
        pool.current = None;
        called?;
    }
}

fn op_pool_set_callback<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    if args.kind(0) != Kind::Function {
        return args.throw(ErrorKind::TypeError, "poolSetCallback expects a function");
    }
    state.pool.callback = Some(args.value(0));
}

fn op_pool_failed<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    args.return_bool(matches!(state.pool.current, Some(Err(_))));
}

/// The current outcome's value (or error value), once; an object or array
/// comes back as undefined with its JSON text in `hostJson`.
fn op_pool_result<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match state.pool.current.take() {
        Some(Ok(v) | Err(v)) => return_value(&mut state.host.json, args, v),
        None => args.throw(ErrorKind::Error, "no pool outcome is being settled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn outcomes_come_back_with_their_ids_and_wake_the_loop() {
        let mut c = Completions::new();
        let (wake_tx, wake_rx) = mpsc::channel();
        let wake_tx = Mutex::new(wake_tx);
        c.set_wake(move || {
            let _ = wake_tx.lock().unwrap().send(());
        });
        let a = c.submit(|| Ok(HostValue::Number(1.0)));
        let b = c.submit(|| Err(HostValue::String("no".into())));
        assert_ne!(a, b);
        assert_eq!(c.in_flight(), 2);
        let mut got = Vec::new();
        for _ in 0..2 {
            wake_rx.recv_timeout(Duration::from_secs(10)).expect("woken");
            got.push(c.done_rx.recv_timeout(Duration::from_secs(10)).expect("outcome"));
        }
        got.sort_by_key(|(id, _)| *id);
        assert_eq!(got[0], (a, Ok(HostValue::Number(1.0))));
        assert_eq!(got[1], (b, Err(HostValue::String("no".into()))));
    }
}
