//! The calls into JS a turn makes, each watched by the watchdog: the
//! batch dispatch, the microtask checkpoint, due timers and the drain
//! callback; and what happens when JS is stopped (a runaway handler, the
//! heap limit).
use std::time::{Duration, Instant};

use howth_runtime::{JsError, RuntimeError, Value};

use crate::batch::ReplyTo;
use crate::serve::{answer_error, answer_unanswered};
use crate::state::LoopState;
use crate::EventLoop;

/// Times the heap limit may be hit and survived. Each hit raises V8's limit
/// (the near-heap-limit callback must, to let the handler unwind), so
/// surviving without bound would let the heap grow without bound.
const MAX_HEAP_RECOVERIES: u32 = 3;

fn mib(bytes: usize) -> usize {
    bytes.div_ceil(1 << 20)
}

impl EventLoop {
    /// Calls into JS for this batch, watched by the watchdog, until every
    /// request was run. A request the handler neither answered nor deferred
    /// gets an error status, so no client hangs: 500 when the dispatch
    /// failed; when a handler was stopped (runaway handler, heap limit), 503
    /// for its request only, and the requests after it in the batch, which
    /// never started, run in a fresh call.
    pub(crate) fn dispatch(&mut self) -> Result<(), RuntimeError> {
        loop {
            let Some(running) = self.dispatch_once()? else {
                return Ok(());
            };
            let LoopState { batch, sources, .. } = &mut self.rt.state().ext;
            let still_owed = |r: &ReplyTo| {
                sources
                    .stream(r.stream)
                    .is_some_and(|s| s.owes(r.stream_id, r.seq))
            };
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
            .sources
            .listener(ext.batch.server)
            .map_or(Duration::ZERO, |s| s.options().max_handler);
        let start = Instant::now();
        ext.last_flush = start;
        ext.in_batch = true;
        ext.arm(limit, start);
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
    pub(crate) fn run_microtasks(&mut self) -> Result<(), RuntimeError> {
        let ext = &self.rt.state().ext;
        ext.arm(ext.any_handler_limit, Instant::now());
        let result = self.rt.run_microtasks();
        let fired = self.rt.state().ext.disarm();
        self.after_unattributed_js(fired, false, "a promise callback")?;
        result
    }

    /// Due timers, watched by the watchdog.
    pub(crate) fn run_due_timers(&mut self) -> Result<(), RuntimeError> {
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

    /// Tells JS, in one call, which streamed responses may write again and
    /// which clients went away: its drain callback takes the list with
    /// the `takeDrains` op.
    pub(crate) fn deliver_drains(&mut self) -> Result<(), RuntimeError> {
        let ext = &mut self.rt.state().ext;
        if ext.notify.is_empty() {
            return Ok(());
        }
        let Some(cb) = ext.drain_callback.take() else {
            ext.notify.clear();
            return Ok(());
        };
        let result = self.rt.isolate().call(&cb, &[]);
        self.rt.state().ext.drain_callback = Some(cb);
        self.callback_outcome(result, "stream drain callback")?;
        self.run_microtasks()
    }

    /// Hands the turn's client connection events to JS in one call: its
    /// callback takes them with `netTakeEvents`, `netTakeBytes` and
    /// `netTakeErrors` (client/events.rs).
    pub(crate) fn deliver_client_events(&mut self) -> Result<(), RuntimeError> {
        let ext = &mut self.rt.state().ext;
        if ext.clients.events.is_empty() {
            return Ok(());
        }
        // The callback takes this turn's events from `delivering`; events
        // its own calls cause queue up for the next turn, and what it
        // leaves untaken (it threw first) is dropped, not delivered again.
        let clients = &mut ext.clients;
        std::mem::swap(&mut clients.events, &mut clients.delivering);
        let Some(cb) = clients.callback.take() else {
            // Nobody listens (no connection was opened from JS).
            clients.delivering.clear();
            return Ok(());
        };
        let result = self.rt.isolate().call(&cb, &[]);
        let clients = &mut self.rt.state().ext.clients;
        clients.callback = Some(cb);
        clients.delivering.clear();
        self.callback_outcome(result, "network event callback")
    }

    /// After a callback into JS: `exit()` inside it ends the loop; any
    /// other failure is reported and the loop goes on.
    fn callback_outcome(&mut self, result: Result<Value, JsError>, what: &str) -> Result<(), RuntimeError> {
        let Err(e) = result else {
            return Ok(());
        };
        if let Some(code) = self.rt.state().exit_code {
            return Err(RuntimeError::Exit(code));
        }
        if e.terminated {
            self.rt.isolate().cancel_terminate();
        }
        eprintln!("error: {what} failed: {e}");
        Ok(())
    }
}
