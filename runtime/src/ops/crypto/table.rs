//! The key table: every CryptoKey and KeyObject in JS holds a handle into
//! it, never the key bytes. A handle is a slot index and the slot's
//! generation, so a handle kept after its key was freed (by the
//! FinalizationRegistry in ts-lib/crypto_key.ts) is detected instead of
//! reaching the slot's next key.

use std::sync::Arc;

use super::error::{access, Result};
use super::key::Key;

/// Slot generations wrap below 2^20 so that a handle (generation * 2^32 +
/// index) stays an exact JS number.
const GENERATION_MASK: u32 = (1 << 20) - 1;

struct Slot {
    generation: u32,
    key: Option<Arc<Key>>,
}

#[derive(Default)]
pub struct KeyTable {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

impl KeyTable {
    /// Stores a key and returns its handle.
    pub fn insert(&mut self, key: Arc<Key>) -> f64 {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    key: None,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.key = Some(key);
        handle(slot.generation, index)
    }

    /// The key behind a handle; InvalidAccessError for a freed or made-up one.
    pub fn get(&self, h: f64) -> Result<&Arc<Key>> {
        let (generation, index) = split(h).ok_or_else(stale)?;
        match self.slots.get(index as usize) {
            Some(Slot {
                generation: g,
                key: Some(key),
            }) if *g == generation => Ok(key),
            _ => Err(stale()),
        }
    }

    /// Frees a handle's slot; a stale handle is ignored (freeing is idempotent).
    pub fn free(&mut self, h: f64) {
        let Some((generation, index)) = split(h) else {
            return;
        };
        if let Some(slot) = self.slots.get_mut(index as usize) {
            if slot.generation == generation && slot.key.is_some() {
                slot.key = None;
                slot.generation = (slot.generation + 1) & GENERATION_MASK;
                self.free.push(index);
            }
        }
    }

    /// Keys held now (for tests and leak checks).
    pub fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

fn handle(generation: u32, index: u32) -> f64 {
    generation as f64 * 4_294_967_296.0 + index as f64
}

fn split(h: f64) -> Option<(u32, u32)> {
    if !(h >= 0.0 && h.fract() == 0.0 && h < 9_007_199_254_740_992.0) {
        return None;
    }
    let n = h as u64;
    Some(((n >> 32) as u32, n as u32))
}

fn stale() -> super::error::CryptoError {
    access("the key's handle is no longer valid (the key was freed)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freed_handle_is_detected_after_its_slot_is_reused() {
        let mut t = KeyTable::default();
        let a = t.insert(Arc::new(Key::secret(vec![1])));
        t.free(a);
        let b = t.insert(Arc::new(Key::secret(vec![2])));
        assert_ne!(a, b, "the reused slot has a new generation");
        assert!(t.get(a).is_err());
        assert!(matches!(&**t.get(b).unwrap(), Key::Secret(k) if k.bytes == [2]));
        t.free(a); // stale: must not free b
        assert!(t.get(b).is_ok());
        assert_eq!(t.live(), 1);
        assert!(t.get(-1.0).is_err() && t.get(0.5).is_err() && t.get(f64::NAN).is_err());
    }
}
