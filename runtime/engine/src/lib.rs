//! howth-engine: the only code in Howth that touches V8.
//!
//! It binds the V8 10.2 inside Debian's libnode through a small C++ shim
//! (`shim.cc`) and wraps it in a safe API shaped by what the runtime needs:
//! an [`Isolate`] with one context and a Rust state `S`, native functions on
//! an `ops` object, classic scripts, ES modules ([`Modules`]), calls,
//! microtasks, unhandled rejections, heap statistics and termination from a
//! watchdog thread. All `unsafe` code in Howth lives in this crate.
//!
//! ```
//! use howth_engine::{Isolate, IsolateOptions, Hooks};
//!
//! let mut iso = Isolate::new(0u32, &IsolateOptions::default(), Hooks::default());
//! iso.set_op("bump", |count: &mut u32, args| {
//!     *count += args.int(0) as u32;
//!     args.return_int(*count as i32);
//! });
//! let ops = iso.ops_object();
//! let f = iso.eval_script("demo.js", "(ops) => ops.bump(2) + ops.bump(3)").unwrap();
//! let r = iso.call(&f, &[&ops]).unwrap();
//! assert_eq!(iso.to_string(&r), "7");
//! assert_eq!(*iso.state(), 5);
//! ```

mod args;
mod error;
mod ffi;
mod guard;
mod isolate;
mod unwind;
mod value;

pub use args::Detach;
pub use args::{CallArgs, ErrorKind, Kind};
pub use error::JsError;
pub use guard::StateGuard;
pub use isolate::{
    init_platform, snapshots_supported, v8_version, DynamicImportFn, HeapStats, Hooks, ImportMetaFn, Isolate,
    IsolateOptions, ModuleId, ModuleOpFn, Modules, NativeFn, PlatformOptions, SnapshotBlob, Startup,
    StatelessFn, TerminateHandle,
};
pub use value::{PromiseState, Value};
