use std::cell::Cell;
use std::ptr::NonNull;
use std::rc::Rc;

use crate::ffi;

/// A persistent handle to a JavaScript value, owned by Rust.
///
/// A `Value` belongs to the isolate that made it and, like the isolate, to
/// one thread. It carries its isolate (the isolate's `alive` flag, one per
/// isolate), and every use checks it: a value handed to another isolate
/// (two coexist while a snapshot is made) is refused, never read as that
/// isolate's heap. Dropping it after its isolate is gone is harmless: the
/// handle is then simply forgotten.
pub struct Value {
    pub(crate) raw: NonNull<ffi::HowthValue>,
    pub(crate) alive: Rc<Cell<bool>>,
}

impl Value {
    pub(crate) fn from_raw(raw: *mut ffi::HowthValue, alive: &Rc<Cell<bool>>) -> Option<Value> {
        NonNull::new(raw).map(|raw| Value {
            raw,
            alive: alive.clone(),
        })
    }

    /// Whether the isolate whose `alive` flag this is made the value.
    pub(crate) fn belongs_to(&self, alive: &Rc<Cell<bool>>) -> bool {
        Rc::ptr_eq(&self.alive, alive)
    }

    /// Gives up ownership of the handle (the shim frees it).
    pub(crate) fn into_raw(self) -> *mut ffi::HowthValue {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so its Rc is read out and dropped
        // exactly once, here.
        drop(unsafe { std::ptr::read(&this.alive) });
        this.raw.as_ptr()
    }
}

impl Drop for Value {
    fn drop(&mut self) {
        if self.alive.get() {
            // SAFETY: `raw` came from the shim (a heap-allocated v8::Global)
            // and is freed exactly once, here, while its isolate still lives
            // (checked through `alive`, which the isolate clears on drop).
            unsafe { ffi::howth_value_free(self.raw.as_ptr()) }
        }
    }
}

/// The state of a promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseState {
    Pending,
    Fulfilled,
    Rejected,
    /// The value is not a promise.
    NotAPromise,
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Value(..)")
    }
}
