//! Panics stop at the engine boundary.
//!
//! Every function V8 calls back into Rust (an op's trampoline, the module
//! hooks) runs its Rust body through [`catch`]. A panic unwinding out of an
//! `extern "C"` function aborts the process, so without this one bug in one
//! op would drop every connection; with it, the op's call throws a
//! JavaScript `Error` and the process carries on.
//!
//! The default panic hook prints several lines (and a backtrace hint) for
//! each panic. While a callback runs, the hook installed here keeps the
//! panic's message and place instead, and [`catch`] reports them as one
//! stderr line that names the op. Panics anywhere else go to the hook that
//! was installed before (the default one, or the embedder's).
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many callbacks are running on this thread (they can nest: an op
    /// of one isolate may drive another isolate).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The message and place of the panic being unwound, kept by the hook.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                return previous(info);
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_string());
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST.with(|last| *last.borrow_mut() = Some(format!("{message}{place}")));
        }));
    });
}

/// Runs `f`; a panic inside it comes back as `Err(message)` after one line
/// on stderr naming `what` (e.g. "op respond"). The caller turns the
/// message into a JavaScript exception.
///
/// `f` is taken as unwind-safe: after a panic the state an op was changing
/// may be half-changed, as after a caught exception in any language; the
/// runtime keeps serving, and the failed call reports the error.
pub(crate) fn catch<R>(what: &dyn std::fmt::Display, f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|_| {
        let message = LAST
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| "(no message)".to_string());
        eprintln!("howth: {what} panicked: {message}; the call threw an Error and the process goes on");
        message
    })
}
