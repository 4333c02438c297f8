//! The signals a program listens for (`process.on("SIGUSR2", ...)`): caught
//! through a self-pipe registered in the loop's poll (signal-hook-mio), so
//! the listeners run on the loop thread between turns' other work, never
//! inside a signal handler. The pipe is made when the first listener is
//! added; a signal stays caught once it was listened for (signal-hook
//! cannot un-catch one), so one that arrives after the last listener went
//! does here what it would have done uncaught.
//!
//! As in Node, listening does not keep the process alive.
use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use howth_runtime::{Runtime, RuntimeError};
use mio::{Interest, Registry, Token};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;

use crate::state::LoopState;

/// The poll token of the pipe (the slab never hands it out).
pub const JS_SIGNALS: Token = Token(usize::MAX - 2);

#[derive(Default)]
pub struct JsSignals {
    /// The pipe, once a program listened for a signal; shared with the
    /// runtime's `catch_signal`, which makes it and adds signals to it.
    caught: Rc<RefCell<Option<Signals>>>,
    /// The pipe was readable this turn.
    pub ready: bool,
    pending: Vec<i32>,
    /// The embedder's "a SIGINT/SIGTERM came already" flag, cleared when a
    /// listener took one (see `EventLoop::set_second_signal_flag`).
    pub second_signal: Option<Arc<AtomicBool>>,
}

impl JsSignals {
    /// The runtime's `catch_signal`: starts catching `signo`, at once.
    pub fn catcher(&self, registry: Registry) -> impl FnMut(i32) -> io::Result<()> + 'static {
        let caught = self.caught.clone();
        move |signo| {
            let mut caught = caught.borrow_mut();
            if let Some(signals) = caught.as_mut() {
                return signals.add_signal(signo);
            }
            let mut signals = Signals::new([signo])?;
            registry.register(&mut signals, JS_SIGNALS, Interest::READABLE)?;
            *caught = Some(signals);
            Ok(())
        }
    }

    /// Hands each signal that arrived to the program's listeners. One with
    /// no listener left takes its uncaught course: SIGINT/SIGTERM the
    /// embedder's (`embedder_stops`: its own pipe saw them too, see
    /// `EventLoop::shut_down_on`), any other the system's default action.
    pub fn deliver(&mut self, rt: &mut Runtime<LoopState>, embedder_stops: bool) -> Result<(), RuntimeError> {
        if !std::mem::take(&mut self.ready) {
            return Ok(());
        }
        if let Some(signals) = self.caught.borrow_mut().as_mut() {
            self.pending.extend(signals.pending());
        }
        for signo in std::mem::take(&mut self.pending) {
            if rt.wants_signal(signo) {
                if let Some(flag) = &self.second_signal {
                    flag.store(false, Ordering::SeqCst);
                }
                rt.deliver_signal(signo)?;
            } else if !(embedder_stops && (signo == SIGINT || signo == SIGTERM)) {
                // Terminates (or stops, or ignores) as uncaught; an error
                // means a signal whose default is to do nothing here.
                let _ = signal_hook::low_level::emulate_default_handler(signo);
            }
        }
        Ok(())
    }
}
