//! The runtime's timers: a min-heap of deadlines the event loop sleeps on.
//! JS owns the callbacks (ts-lib/timers.ts); Rust only knows ids and times.
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

struct Armed {
    interval: Option<Duration>,
    refd: bool,
    /// Matches the heap entry that is current; older entries are stale.
    generation: u64,
}

#[derive(Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Instant, u64, u32)>>,
    armed: HashMap<u32, Armed>,
    next_generation: u64,
    refd: usize,
}

impl Timers {
    /// Arms `id` (re-arming replaces the previous schedule). Like browsers
    /// and Node, a delay below 1 ms is 1 ms, so `setTimeout(f, 0)` yields to I/O.
    pub fn start(&mut self, id: u32, delay_ms: f64, repeat: bool, now: Instant) {
        self.stop(id);
        let delay = Duration::from_secs_f64(delay_ms.clamp(1.0, 2_147_483_647.0) / 1000.0);
        self.next_generation += 1;
        let generation = self.next_generation;
        self.armed.insert(
            id,
            Armed {
                interval: repeat.then_some(delay),
                refd: true,
                generation,
            },
        );
        self.refd += 1;
        self.heap.push(Reverse((now + delay, generation, id)));
    }

    pub fn stop(&mut self, id: u32) {
        if let Some(a) = self.armed.remove(&id) {
            if a.refd {
                self.refd -= 1;
            }
        }
    }

    /// An unref'd timer does not keep the process alive on its own.
    pub fn set_ref(&mut self, id: u32, refd: bool) {
        if let Some(a) = self.armed.get_mut(&id) {
            if a.refd != refd {
                a.refd = refd;
                if refd {
                    self.refd += 1;
                } else {
                    self.refd -= 1;
                }
            }
        }
    }

    /// True while a ref'd timer is armed.
    pub fn keeps_alive(&self) -> bool {
        self.refd > 0
    }

    pub fn is_empty(&self) -> bool {
        self.armed.is_empty()
    }

    /// The earliest deadline of a live timer.
    pub fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(Reverse((at, generation, id))) = self.heap.peek().copied() {
            if self.armed.get(&id).is_some_and(|a| a.generation == generation) {
                return Some(at);
            }
            self.heap.pop();
        }
        None
    }

    /// Takes the next timer due at `now`, re-arming intervals.
    pub fn pop_due(&mut self, now: Instant) -> Option<u32> {
        loop {
            let Reverse((at, generation, id)) = *self.heap.peek()?;
            let live = self.armed.get(&id).is_some_and(|a| a.generation == generation);
            if !live {
                self.heap.pop();
                continue;
            }
            if at > now {
                return None;
            }
            self.heap.pop();
            let armed = self.armed.get_mut(&id).expect("live timer");
            match armed.interval {
                Some(every) => {
                    self.next_generation += 1;
                    armed.generation = self.next_generation;
                    // Schedule from the deadline, not from now, so intervals do
                    // not drift; but never in the past (a blocked loop skips).
                    let next = (at + every).max(now);
                    self.heap.push(Reverse((next, self.next_generation, id)));
                }
                None => {
                    let a = self.armed.remove(&id).expect("live timer");
                    if a.refd {
                        self.refd -= 1;
                    }
                }
            }
            return Some(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_in_deadline_order_then_insertion_order() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        t.start(1, 20.0, false, t0);
        t.start(2, 10.0, false, t0);
        t.start(3, 10.0, false, t0);
        let later = t0 + Duration::from_millis(30);
        let order: Vec<u32> = std::iter::from_fn(|| t.pop_due(later)).collect();
        assert_eq!(order, [2, 3, 1]);
        assert!(!t.keeps_alive());
    }

    #[test]
    fn stop_and_rearm_forget_the_old_schedule() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        t.start(1, 5.0, false, t0);
        t.stop(1);
        assert_eq!(t.pop_due(t0 + Duration::from_secs(1)), None);
        t.start(2, 5.0, false, t0);
        t.start(2, 50.0, false, t0);
        assert_eq!(t.pop_due(t0 + Duration::from_millis(10)), None);
        assert_eq!(t.next_deadline(), Some(t0 + Duration::from_millis(50)));
    }

    #[test]
    fn intervals_repeat_until_stopped_and_unref_releases() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        t.start(7, 10.0, true, t0);
        assert_eq!(t.pop_due(t0 + Duration::from_millis(10)), Some(7));
        assert_eq!(t.pop_due(t0 + Duration::from_millis(15)), None);
        assert_eq!(t.pop_due(t0 + Duration::from_millis(20)), Some(7));
        assert!(t.keeps_alive());
        t.set_ref(7, false);
        assert!(!t.keeps_alive());
        t.stop(7);
        assert!(t.is_empty());
    }

    #[test]
    fn zero_delay_is_one_millisecond() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        t.start(1, 0.0, false, t0);
        assert_eq!(t.pop_due(t0), None);
        assert_eq!(t.pop_due(t0 + Duration::from_millis(1)), Some(1));
    }
}
