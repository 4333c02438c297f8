//! `HOWTH_TRACE=1`: time per phase and batch size, printed every N requests.
use std::time::{Duration, Instant};

const EVERY: u64 = 10_000;

pub struct Trace {
    requests: u64,
    batches: u64,
    turns: u64,
    parse_js: Duration,
    write: Duration,
}

impl Trace {
    pub fn from_env() -> Option<Trace> {
        std::env::var_os("HOWTH_TRACE")
            .filter(|v| v != "0")
            .map(|_| Trace {
                requests: 0,
                batches: 0,
                turns: 0,
                parse_js: Duration::ZERO,
                write: Duration::ZERO,
            })
    }

    /// One turn: [start, js_end) parsed and ran JS, [js_end, end) wrote.
    pub fn record(&mut self, start: Instant, js_end: Instant, end: Instant, requests: usize, batches: usize) {
        self.turns += 1;
        self.batches += batches as u64;
        self.parse_js += js_end - start;
        self.write += end - js_end;
        let before = self.requests / EVERY;
        self.requests += requests as u64;
        if self.requests / EVERY != before && self.requests > 0 {
            let per = |d: Duration| d.as_nanos() as f64 / self.requests as f64 / 1000.0;
            eprintln!(
                "[howth trace] {} requests, {} turns, {} batches, {:.1} req/batch | parse+js {:.2} µs/req, write {:.2} µs/req",
                self.requests,
                self.turns,
                self.batches,
                self.requests as f64 / self.batches.max(1) as f64,
                per(self.parse_js),
                per(self.write),
            );
        }
    }
}
