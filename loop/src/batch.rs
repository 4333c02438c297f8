//! The requests of one dispatch, and the ones handlers answer later.
//!
//! A batch request is referred to by its index; its bytes stay in the
//! connection's read buffer for the duration of the batch. A handler that
//! goes async `defer`s its request: the bytes are copied into a `Deferred`
//! and JS holds a negative handle to it until it responds.
use howth_parser::RequestHead;
use slab::Slab;

pub use crate::frame::BodyAt;

/// Who a response goes to and how it must be framed.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplyTo {
    pub conn: usize,
    pub conn_id: u64,
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

/// A request copied out of its connection for a handler that answers later.
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
    /// handle, so the key is not reused under a handle JS may still hold;
    /// whatever JS sends for it is dropped.
    pub failed: bool,
}

pub type DeferredTable = Slab<Deferred>;

/// Request handles as JS sees them: batch index >= 0, deferred key < 0.
pub fn deferred_handle(key: usize) -> i32 {
    -(key as i32) - 1
}

pub fn deferred_key(handle: i32) -> Option<usize> {
    (handle < 0).then(|| (-(handle + 1)) as usize)
}
