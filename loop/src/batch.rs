//! The requests of one dispatch, and the ones handlers answer later.
//!
//! A batch request is referred to by its index; its bytes stay in the
//! stream's read buffer for the duration of the batch. A handler that goes
//! async `defer`s its request: the bytes are copied into a `Deferred` and JS
//! holds a [`Handle`] to it (a negative number) until it responds. A handle
//! carries its slot's generation, so one JS kept past its request's end is
//! recognised as stale, never taken for the request now in that slot.
use howth_parser::RequestHead;
use slab::Slab;

pub use crate::frame::BodyAt;

/// Who a response goes to and how it must be framed.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplyTo {
    /// The stream's key among the sources, and its id (keys are reused).
    pub stream: usize,
    pub stream_id: u64,
    pub seq: u64,
    pub is_head: bool,
    pub keep_alive: bool,
    pub http10: bool,
}

pub struct BatchEntry {
    pub reply: ReplyTo,
    /// Offset of the request's first byte in the connection's read buffer;
    /// the head's spans are relative to it.
    pub offset: usize,
    pub head: RequestHead,
    pub body: BodyAt,
    pub answered: bool,
    pub deferred: bool,
}

/// The current batch. Entries past `len` are kept (with their header
/// vectors) for reuse, so steady state allocates nothing.
#[derive(Default)]
pub struct Batch {
    pub entries: Vec<BatchEntry>,
    pub len: usize,
    /// Decoded chunked bodies of this batch.
    pub arena: Vec<u8>,
    pub server: usize,
}

impl Batch {
    pub fn clear(&mut self) {
        self.len = 0;
        self.arena.clear();
    }

    /// The next free entry, reused when possible.
    pub fn push(&mut self) -> &mut BatchEntry {
        if self.len == self.entries.len() {
            self.entries.push(BatchEntry {
                reply: ReplyTo::default(),
                offset: 0,
                head: RequestHead::new(),
                body: BodyAt::None,
                answered: false,
                deferred: false,
            });
        }
        self.len += 1;
        &mut self.entries[self.len - 1]
    }

    /// `push`, with the arena beside it (chunked bodies decode into it).
    pub fn push_with_arena(&mut self) -> (&mut BatchEntry, &mut Vec<u8>) {
        self.push();
        let Batch {
            entries, len, arena, ..
        } = self;
        (&mut entries[*len - 1], arena)
    }

    /// Makes the entries from `from` on that `keep` accepts the whole batch,
    /// in their order, and returns how many there are. The entries dropped
    /// stay allocated past `len` for reuse.
    pub fn keep_from(&mut self, from: usize, keep: impl Fn(&ReplyTo) -> bool) -> usize {
        let mut kept = 0;
        for i in from..self.len {
            if keep(&self.entries[i].reply) {
                self.entries.swap(kept, i);
                kept += 1;
            }
        }
        self.len = kept;
        kept
    }

    pub fn active(&self) -> &[BatchEntry] {
        &self.entries[..self.len]
    }
}

/// A request copied out of its stream for a handler that answers later.
pub struct Deferred {
    pub reply: ReplyTo,
    /// The head bytes; `head`'s spans are relative to this.
    pub bytes: Vec<u8>,
    pub head: RequestHead,
    pub body: Vec<u8>,
    pub peer: std::net::SocketAddr,
    /// A streamed response has started (respondStart) and not ended.
    pub streaming: bool,
    /// The loop answered it already (its handler was cut short by the
    /// watchdog or the heap limit). The entry stays until JS lets go of the
    /// handle; whatever JS sends for it is dropped.
    pub failed: bool,
}

/// A deferred request as JS holds it: its slot and the slot's generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handle {
    key: u32,
    generation: u32,
}

/// Slots above this are refused (the table is full): 16M requests waiting
/// at once.
const KEY_LIMIT: u32 = 1 << 24;
/// Generations wrap here, keeping every handle an exact integer in a JS
/// number (24 + 28 bits < 53): a slot is reused 268M times before a handle
/// could repeat.
const GENERATION_LIMIT: u32 = 1 << 28;

impl Handle {
    /// The JS number: -(1 + key + generation * 2^24), always negative, so
    /// JS tells it from a batch index.
    pub fn to_js(self) -> f64 {
        -(1.0 + f64::from(self.key) + f64::from(self.generation) * f64::from(KEY_LIMIT))
    }

    /// The handle a JS number stands for, if it is one.
    pub fn from_js(x: f64) -> Option<Handle> {
        let n = -x - 1.0;
        if !(0.0..(f64::from(KEY_LIMIT) * f64::from(GENERATION_LIMIT))).contains(&n) {
            return None;
        }
        let whole = n as u64;
        if whole as f64 != n {
            return None;
        }
        let n = whole;
        Some(Handle {
            key: (n % u64::from(KEY_LIMIT)) as u32,
            generation: (n / u64::from(KEY_LIMIT)) as u32,
        })
    }
}

/// What JS refers to a request by: its index in the running batch, or the
/// handle of a deferred request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestRef {
    Batch(usize),
    Deferred(Handle),
}

impl RequestRef {
    #[inline]
    pub fn from_js(x: f64) -> Option<RequestRef> {
        if x >= 0.0 {
            // A batch index: small and whole (anything else finds nothing).
            Some(RequestRef::Batch(x as usize))
        } else {
            Handle::from_js(x).map(RequestRef::Deferred)
        }
    }
}

/// The deferred requests, by handle; each slot's generation moves on when
/// its request goes, so an old handle finds nothing.
#[derive(Default)]
pub struct DeferredTable {
    slab: Slab<Deferred>,
    generations: Vec<u32>,
}

impl DeferredTable {
    /// Stores `d`; None when the table is full.
    pub fn insert(&mut self, d: Deferred) -> Option<Handle> {
        let key = self.slab.vacant_key();
        if key >= KEY_LIMIT as usize {
            return None;
        }
        self.slab.insert(d);
        if key >= self.generations.len() {
            self.generations.resize(key + 1, 0);
        }
        Some(Handle {
            key: key as u32,
            generation: self.generations[key],
        })
    }

    #[inline]
    fn live(&self, h: Handle) -> bool {
        self.generations.get(h.key as usize) == Some(&h.generation) && self.slab.contains(h.key as usize)
    }

    pub fn get(&self, h: Handle) -> Option<&Deferred> {
        self.live(h).then(|| &self.slab[h.key as usize])
    }

    pub fn get_mut(&mut self, h: Handle) -> Option<&mut Deferred> {
        if !self.live(h) {
            return None;
        }
        self.slab.get_mut(h.key as usize)
    }

    pub fn contains(&self, h: Handle) -> bool {
        self.live(h)
    }

    /// Removes the request; its handle goes stale.
    pub fn remove(&mut self, h: Handle) -> Option<Deferred> {
        if !self.live(h) {
            return None;
        }
        let g = &mut self.generations[h.key as usize];
        *g = (*g + 1) % GENERATION_LIMIT;
        Some(self.slab.remove(h.key as usize))
    }

    pub fn is_empty(&self) -> bool {
        self.slab.is_empty()
    }

    /// The handles of every request not failed yet.
    pub fn unfailed(&self) -> Vec<Handle> {
        self.slab
            .iter()
            .filter(|(_, d)| !d.failed)
            .map(|(k, _)| Handle {
                key: k as u32,
                generation: self.generations[k],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deferred() -> Deferred {
        Deferred {
            reply: ReplyTo::default(),
            bytes: Vec::new(),
            head: RequestHead::new(),
            body: Vec::new(),
            peer: "127.0.0.1:1".parse().unwrap(),
            streaming: false,
            failed: false,
        }
    }

    #[test]
    fn a_stale_handle_finds_nothing_in_a_reused_slot() {
        let mut t = DeferredTable::default();
        let old = t.insert(deferred()).unwrap();
        assert!(t.remove(old).is_some());
        let new = t.insert(deferred()).unwrap();
        assert_eq!(old.key, new.key, "the slot is reused");
        assert!(t.get(old).is_none() && t.remove(old).is_none());
        assert!(t.get(new).is_some());
    }

    #[test]
    fn handles_round_trip_through_js_numbers_and_never_look_like_batch_indices() {
        for (key, generation) in [(0, 0), (5, 1), (KEY_LIMIT - 1, GENERATION_LIMIT - 1)] {
            let h = Handle { key, generation };
            let x = h.to_js();
            assert!(x < 0.0 && x == x.trunc() && x.abs() < 2f64.powi(53));
            assert_eq!(RequestRef::from_js(x), Some(RequestRef::Deferred(h)));
        }
        assert_eq!(RequestRef::from_js(3.0), Some(RequestRef::Batch(3)));
        assert_eq!(Handle::from_js(-0.5), None);
        assert_eq!(Handle::from_js(f64::NEG_INFINITY), None);
        assert_eq!(Handle::from_js(f64::NAN), None);
    }
}
