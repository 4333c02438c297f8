//! The timeout sweep: four times a second, each stream's phase clock
//! against its server's limits. A timeout costs nothing per request (no
//! timer is armed or cancelled), only this walk.
use std::time::{Duration, Instant};

use howth_parser::write_error_response;
use mio::Token;

use crate::state::LoopState;

/// How often streams are checked for timeouts. Deadlines are coarse by
/// this much.
pub(crate) const SWEEP_EVERY: Duration = Duration::from_millis(250);

/// Longest a stream lingers after an error response (see
/// `Stream::close_or_linger`): long enough for the client to have read the
/// response, short enough that lingering costs no more than a slow client.
const LINGER: Duration = Duration::from_secs(2);

/// The sweep's lists, kept from one sweep to the next so that a sweep
/// allocates nothing in steady state.
pub(crate) struct Scratch {
    listeners: Vec<usize>,
    stopping: Vec<usize>,
    expired: Vec<usize>,
}

impl Default for Scratch {
    /// Sized up front: empty, the first sweep (250 ms in) would allocate
    /// them in whatever turn it falls, a steady one included.
    fn default() -> Self {
        Scratch {
            listeners: Vec::with_capacity(16),
            stopping: Vec::with_capacity(16),
            expired: Vec::with_capacity(64),
        }
    }
}

/// Listeners paused on an accept error get their retry; streams past a
/// deadline close (a 408 first for one caught mid-request); stopped
/// servers past their shutdown timeout lose their streams.
pub(crate) fn sweep(ext: &mut LoopState, now: Instant, scratch: &mut Scratch) {
    let Scratch {
        listeners,
        stopping,
        expired,
    } = scratch;
    ext.sweep_clients(now);
    listeners.clear();
    listeners.extend(ext.sources.listeners().map(|(k, _)| k));
    stopping.clear();
    for &id in listeners.iter() {
        let Some(l) = ext.sources.listener(id) else {
            continue;
        };
        if l.retry_due(now) {
            ext.resume_accepting(id);
        }
        if ext.sources.listener(id).is_some_and(|l| l.stop_expired(now)) {
            stopping.push(id);
        }
    }
    expired.clear();
    let mut forced = 0;
    for (key, s) in ext.sources.streams_mut() {
        if stopping.contains(&s.server()) {
            forced += 1;
            expired.push(key);
        } else if s.timed_out(now, LINGER) {
            expired.push(key);
        }
    }
    for &key in expired.iter() {
        let Some(s) = ext.sources.stream_mut(key) else {
            continue;
        };
        if !stopping.contains(&s.server()) && s.http().mid_request() {
            // The client is part way through a request: 408 says why it is
            // cut off (RFC 9110 §15.5.9). Best effort: one write, no
            // waiting on a client this slow.
            let mut answer = Vec::with_capacity(128);
            write_error_response(&mut answer, 408, &ext.date, true);
            s.last_words(&answer, &ext.registry, Token(key));
        }
        ext.close_stream(key);
    }
    if forced > 0 {
        eprintln!(
            "warning: {forced} connections were still busy at the end of the shutdown timeout; closed them"
        );
    }
    for &id in stopping.iter() {
        if let Some(l) = ext.sources.listener_mut(id) {
            l.clear_stop_deadline();
        }
    }
}
