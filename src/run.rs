//! Running one file on one loop, the CLI's way: failures printed as one
//! line, the outcome as a process exit code. The loop itself only returns
//! errors (`RuntimeError`); this is where they become output and codes.
use std::path::Path;

use howth_loop::{EventLoop, ServeOptions};
use howth_runtime::{RuntimeError, RuntimeOptions};

use crate::signals::shut_down_on_signals;

/// Runs `entry` as the `howth run` command does: prints a failure and
/// returns the process exit code.
pub fn run_file(entry: &Path, opts: &RuntimeOptions) -> i32 {
    run_file_with(entry, opts, ServeOptions::default())
}

/// `run_file` with the defaults servers get for options they do not set
/// (the CLI's limit flags). Also shuts down gracefully on SIGINT/SIGTERM.
pub fn run_file_with(entry: &Path, opts: &RuntimeOptions, serve_defaults: ServeOptions) -> i32 {
    let mut el = match EventLoop::new(opts) {
        Ok(el) => el,
        Err(e) => {
            eprintln!("error: cannot start the event loop: {e}");
            return 1;
        }
    };
    el.set_serve_defaults(serve_defaults);
    if let Err(e) = shut_down_on_signals(&mut el) {
        eprintln!("warning: cannot handle SIGINT/SIGTERM: {e}; they will end the process at once");
    }
    match el.run_file(entry) {
        Ok(()) => el.runtime().state().exit_code.unwrap_or(0),
        Err(RuntimeError::Exit(code)) => code,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}
