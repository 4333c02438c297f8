//! The runaway-handler watchdog: one thread per loop that stops JavaScript
//! (V8's TerminateExecution, the one isolate call that is safe from another
//! thread) when a call into it runs past its deadline.
//!
//! The loop arms it before each call into JS and disarms it after. That is
//! the hot path, so arming is one atomic store and disarming one swap: no
//! lock, no allocation, and no system call unless the watchdog thread is
//! parked with nothing to watch (then one unpark, at most about once per
//! limit period, since the thread only parks idle after a deadline passed).
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

use howth_runtime::TerminateHandle;

/// Nothing armed.
const IDLE: u64 = 0;
/// The armed call ran past its deadline and was terminated.
const FIRED: u64 = u64::MAX;

struct Shared {
    base: Instant,
    /// IDLE, FIRED, or the armed deadline in µs since `base`, plus one (so
    /// no deadline is IDLE).
    state: AtomicU64,
    /// The thread parks with no timeout (nothing armed): an arm must wake it.
    parked: AtomicBool,
    quit: AtomicBool,
    /// Held from claiming a deadline to the end of terminate(), so a disarm
    /// that sees FIRED can wait until terminate() has returned: the loop's
    /// cancel must come after it, or the termination would outlive the call
    /// it was meant for and kill the next one.
    fire: Mutex<()>,
    terminate: TerminateHandle,
}

pub struct Watchdog {
    shared: Arc<Shared>,
    thread: Thread,
    join: Option<JoinHandle<()>>,
}

impl Watchdog {
    pub fn start(terminate: TerminateHandle) -> io::Result<Watchdog> {
        let shared = Arc::new(Shared {
            base: Instant::now(),
            state: AtomicU64::new(IDLE),
            parked: AtomicBool::new(false),
            quit: AtomicBool::new(false),
            fire: Mutex::new(()),
            terminate,
        });
        let s = shared.clone();
        let join = thread::Builder::new()
            .name("howth-watchdog".into())
            .spawn(move || watch(&s))?;
        Ok(Watchdog {
            shared,
            thread: join.thread().clone(),
            join: Some(join),
        })
    }

    /// Watches a call that started at `start` and may run for `limit`.
    #[inline]
    pub fn arm(&self, start: Instant, limit: Duration) {
        let at = (start + limit).saturating_duration_since(self.shared.base);
        let deadline = (at.as_micros() as u64).saturating_add(1).min(FIRED - 1);
        self.shared.state.store(deadline, SeqCst);
        // SeqCst on both sides (store state / load parked here, store
        // parked / load state in `watch`): either the thread sees the new
        // deadline before parking or this sees it parked.
        if self.shared.parked.load(SeqCst) {
            self.thread.unpark();
        }
    }

    /// Ends the watched call. True when the watchdog terminated it: the
    /// caller must then cancel the termination (Isolate::cancel_terminate),
    /// which is safe from the moment this returns.
    #[inline]
    pub fn disarm(&self) -> bool {
        if self.shared.state.swap(IDLE, SeqCst) != FIRED {
            return false;
        }
        drop(self.shared.fire.lock().unwrap_or_else(|e| e.into_inner()));
        true
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.shared.quit.store(true, SeqCst);
        self.thread.unpark();
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

fn now_us(s: &Shared) -> u64 {
    (s.base.elapsed().as_micros() as u64).saturating_add(1)
}

fn watch(s: &Shared) {
    while !s.quit.load(SeqCst) {
        let deadline = s.state.load(SeqCst);
        if deadline == IDLE || deadline == FIRED {
            s.parked.store(true, SeqCst);
            if s.state.load(SeqCst) == deadline && !s.quit.load(SeqCst) {
                thread::park();
            }
            s.parked.store(false, SeqCst);
            continue;
        }
        let now = now_us(s);
        if now < deadline {
            // Woken early by a new arm or spuriously: the loop re-reads.
            thread::park_timeout(Duration::from_micros(deadline - now));
            continue;
        }
        let _held = s.fire.lock().unwrap_or_else(|e| e.into_inner());
        // Only the call this deadline belongs to (or a later one already
        // past the same deadline) may be stopped: a disarm or a new arm in
        // between makes the exchange fail.
        if s.state.compare_exchange(deadline, FIRED, SeqCst, SeqCst).is_ok() {
            s.terminate.terminate();
        }
    }
}
