//! The CLI's policy for SIGINT and SIGTERM: the first one shuts the loop
//! down gracefully (through its poll, see `EventLoop::shut_down_on`); a
//! second one exits the process at once with 128 + the signal's number
//! (130 or 143), the way out when JS never gives the loop back (a runaway
//! at top level, where no watchdog is).
use std::io;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use howth_loop::{EventLoop, Signals};
use signal_hook::consts::{SIGINT, SIGTERM};

/// Makes `el` shut down gracefully on SIGINT/SIGTERM, and the process exit
/// on the second.
pub fn shut_down_on_signals(el: &mut EventLoop) -> io::Result<()> {
    let again = Arc::new(AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        // Exits when `again` is already set, i.e. on the second signal.
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, again.clone())?;
        signal_hook::flag::register(sig, again.clone())?;
    }
    // A program's own SIGINT/SIGTERM listener clears `again` (the signal
    // it took was no first one).
    el.set_second_signal_flag(again);
    el.shut_down_on(Signals::new([SIGINT, SIGTERM])?)
}
