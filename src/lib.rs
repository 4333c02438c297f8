//! Howth: run TypeScript HTTP handlers on V8 from one mio event loop per
//! thread.
//!
//! The `howth` binary is a thin CLI over this crate; other Rust programs
//! embed Howth through it.
//!
//! # Embedding
//!
//! [`Howth::builder`] starts a server from a file or a source string and
//! returns a [`Server`] once it listens. Host functions registered on the
//! builder are how the program hands its own data to the TypeScript
//! handler: JS calls them as `Howth.ops.name(...)`.
//!
//! ```no_run
//! use howth::{Howth, HostValue};
//!
//! fn main() -> Result<(), howth::Error> {
//!     let server = Howth::builder()
//!         .source(
//!             "app.ts",
//!             r#"export default {
//!                 async fetch(req: Request) {
//!                     const user = Howth.ops.user(new URL(req.url).searchParams.get("id"));
//!                     const quota = await Howth.ops.quota(user.name);
//!                     return Response.json({ ...user, quota });
//!                 },
//!             };"#,
//!         )
//!         .port(8080)
//!         .hostname("127.0.0.1")
//!         .function("user", |args: &[HostValue]| {
//!             let id = args.first().and_then(HostValue::as_str).ok_or("user(id): no id")?;
//!             Ok(serde_json::json!({ "id": id, "name": format!("user-{id}") }).into())
//!         })
//!         .async_function("quota", |_args: &[HostValue]| {
//!             // Runs on a host thread: blocking here does not stall the server.
//!             std::thread::sleep(std::time::Duration::from_millis(5));
//!             Ok(HostValue::Number(42.0))
//!         })
//!         .start()?;
//!     println!("listening on http://127.0.0.1:{}/", server.port());
//!     server.wait()
//! }
//! ```
//!
//! ## Values
//!
//! Arguments and results are [`HostValue`]s. From JS, `null` and
//! `undefined` arrive as `Null`, booleans as `Bool`, numbers as `Number`,
//! strings as `String`, ArrayBuffers and typed arrays as `Bytes`, and plain
//! objects and arrays as `Json` (a `serde_json::Value`). Results go back
//! the same way (`Bytes` as a `Uint8Array`). `Err(message)` is thrown by a
//! sync function and rejects an async one, as an `Error` with that
//! message. A host function that panics fails the same way, with a message
//! saying so.
//!
//! ## Threads
//!
//! Each worker's isolate lives on its own thread (V8 isolates never move
//! between threads), so embedded servers may run side by side or one after
//! another in one process. A sync host function runs on the worker's loop
//! thread, inside the JS call, and holds up that worker's requests while it
//! runs; an async one runs on a small thread pool and its result reaches
//! the loop through a queue and the loop's poll waker.
//!
//! # Workers
//!
//! `howth run --workers N|auto`, [`Builder::workers`], or `workers` in the
//! served default export run N threads, each with its own isolate, event
//! loop and listening socket on one shared port (SO_REUSEPORT): nothing is
//! shared on the request path and the kernel spreads connections between
//! workers. `Howth.workerId` tells them apart. Worker 0 loads the module
//! first; the others follow on its port, so port 0 means one free port for
//! all. A worker that crashes is restarted after a backoff (100 ms,
//! doubling to 5 s); one that crashes 5 times within 60 s is given up on.
//! Under `howth run`, SIGINT and SIGTERM drain every worker and the process
//! exits when all are done.
//!
//! The port rule: workers share the `--port` / `PORT` / builder port, or,
//! when that is 0 or unset, the port worker 0's default export got. A port
//! a script passes to `Howth.serve` itself is used as is by each worker, so
//! `Howth.serve({ port: 0 })` gives each worker its own port; leave `port`
//! out to share.

#![forbid(unsafe_code)]
use std::fmt;

mod embed;
mod run;
mod signals;
mod workers;

pub use embed::{Builder, Howth, Server};
pub use howth_loop::{EventLoop, ServeOptions, StopHandle, OPTION_NAMES};
pub use howth_runtime::{
    HostFunctions, HostResult, HostValue, PlatformOptions, RuntimeError, RuntimeOptions, VERSION,
};
pub use run::{run_file, run_file_with};
pub use workers::{run_supervised, Workers, MAX_WORKERS};

/// Why a Howth server could not start, or how it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Howth itself could not start: an invalid setting, an entry file that
    /// is missing or cannot be written, no event loop, no thread.
    Start(String),
    /// The script failed: it did not compile, an import is missing, or an
    /// error went uncaught while it loaded. The message is what `howth run`
    /// prints.
    Script(String),
    /// The script called `Howth.exit(code)` with a non-zero code; ts-lib
    /// also ends this way after printing an uncaught exception from a
    /// callback.
    Exit(i32),
    /// A server could not listen: the address is in use, or permission to
    /// listen on it is denied. The message names the address and the
    /// cause ("port 8080 is already in use (0.0.0.0:8080)"); nothing has
    /// been printed.
    Listen(String),
}

impl Error {
    /// The process exit code `howth run` gives for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Exit(code) => *code,
            Error::Start(_) | Error::Script(_) | Error::Listen(_) => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Start(message) | Error::Script(message) => f.write_str(message),
            Error::Exit(code) => write!(f, "the script exited with code {code}"),
            Error::Listen(why) => write!(f, "error: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// "0.1.0 (V8 10.2.154.26-node.36)"
pub fn version_string() -> &'static str {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| format!("{VERSION} (V8 {})", howth_runtime::v8_version()))
}
