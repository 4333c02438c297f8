//! Who holds the isolate's state: the flag that makes `&mut S` unique.
//!
//! An op gets `&mut S`. Some ops run JavaScript while they hold it: V8's
//! serializer calls user getters, `Array::Get` calls getters and proxy
//! traps. If that JavaScript called another op, a second `&mut S` would be
//! made while the first is live: undefined behaviour in Rust's model, even
//! when the program happens to print the right thing. So every path that
//! makes a `&mut S` (an op's trampoline, the module hooks, the embedder's
//! [`StateGuard`]) first takes this flag, and a path that finds it taken
//! makes no reference at all: an op call is refused with a JavaScript
//! `Error` naming both ops, an `import()` is rejected, a module evaluation
//! is an error. Ops that never touch the state are registered stateless and
//! take no flag (structuredClone is one: its getters may call any op).
//!
//! In debug builds (`make test-checked`) the invariants the type system
//! already gives are asserted as well: no JavaScript is entered from the
//! embedder while the flag is taken.
use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut};

/// A holder that is not an op: the embedder through a [`StateGuard`].
pub(crate) const EMBEDDER: u32 = u32::MAX - 1;
/// The `import()` hook.
pub(crate) const IMPORT_HOOK: u32 = u32::MAX - 2;
/// The `import.meta` hook.
pub(crate) const META_HOOK: u32 = u32::MAX - 3;
const FREE: u32 = u32::MAX;

/// The flag and the op names it reports (ops are numbered in the order
/// they were registered).
pub(crate) struct Borrow {
    holder: Cell<u32>,
    names: RefCell<Vec<Box<str>>>,
}

impl Borrow {
    pub(crate) fn new() -> Borrow {
        Borrow {
            holder: Cell::new(FREE),
            names: RefCell::new(Vec::new()),
        }
    }

    /// Records an op's name; returns the number it takes the flag with.
    pub(crate) fn register(&self, name: &str) -> u32 {
        let mut names = self.names.borrow_mut();
        names.push(name.into());
        (names.len() - 1) as u32
    }

    /// Takes the flag for `who`, or says who holds it.
    pub(crate) fn take(&self, who: u32) -> Result<Taken<'_>, u32> {
        match self.holder.get() {
            FREE => {
                self.holder.set(who);
                Ok(Taken { borrow: self })
            }
            holder => Err(holder),
        }
    }

    /// Who holds the flag now, if anyone.
    pub(crate) fn holder(&self) -> Option<u32> {
        let h = self.holder.get();
        (h != FREE).then_some(h)
    }

    /// "ops.respond", or what a non-op holder is.
    pub(crate) fn describe(&self, who: u32) -> String {
        match who {
            EMBEDDER => "the embedder (Isolate::modules_and_state)".to_string(),
            IMPORT_HOOK => "the import() hook".to_string(),
            META_HOOK => "the import.meta hook".to_string(),
            op => match self.names.borrow().get(op as usize) {
                Some(name) => format!("ops.{name}"),
                None => format!("op #{op}"),
            },
        }
    }

    /// The message of a refused call.
    pub(crate) fn refusal(&self, who: u32, holder: u32) -> String {
        format!(
            "{} was called while {} holds the runtime state (re-entrant call, e.g. from a getter or proxy it ran); refused",
            self.describe(who),
            self.describe(holder)
        )
    }

    /// Debug builds: asserts that nothing holds the flag, before Rust code
    /// that needs `&mut self` of the isolate makes a `&mut S` or runs JS.
    pub(crate) fn assert_free(&self, doing: &str) {
        if cfg!(debug_assertions) {
            if let Some(h) = self.holder() {
                panic!("{doing} while {} holds the runtime state", self.describe(h));
            }
        }
    }
}

/// The flag, taken; dropping it frees the flag.
pub(crate) struct Taken<'a> {
    borrow: &'a Borrow,
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        self.borrow.holder.set(FREE);
    }
}

/// The isolate's state, borrowed by the embedder next to the module API
/// ([`crate::Isolate::modules_and_state`]). While it lives, ops called by
/// JavaScript are refused and [`crate::Modules::evaluate`] fails: drop it
/// before evaluating.
pub struct StateGuard<'a, S> {
    state: &'a mut S,
    _taken: Taken<'a>,
}

impl<'a, S> StateGuard<'a, S> {
    pub(crate) fn new(state: &'a mut S, taken: Taken<'a>) -> StateGuard<'a, S> {
        StateGuard { state, _taken: taken }
    }
}

impl<S> Deref for StateGuard<'_, S> {
    type Target = S;
    fn deref(&self) -> &S {
        self.state
    }
}

impl<S> DerefMut for StateGuard<'_, S> {
    fn deref_mut(&mut self) -> &mut S {
        self.state
    }
}
