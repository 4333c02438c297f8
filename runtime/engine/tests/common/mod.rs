//! What the engine's integration tests share: isolate options that make
//! runs repeatable, and calling a snippet of JavaScript with `ops` in scope.
#![allow(dead_code)] // each test binary uses its own part of this module

use howth_engine::{Isolate, IsolateOptions, PlatformOptions};

/// A fixed hash seed (snapshots need it, see `Startup::Snapshot`; the first
/// test to start initialises V8 with these flags) and no background
/// threads (no compile or GC work racing the test's own thread).
pub fn options() -> IsolateOptions {
    IsolateOptions {
        platform: PlatformOptions {
            flags: "--hash-seed=20261127".into(),
            background_threads: false,
        },
        ..IsolateOptions::default()
    }
}

/// Evaluates `src` as the body of a function of `ops` (script `file`) and
/// returns String(result); a throw fails the test with the source beside it.
pub fn run_with_ops<S: 'static>(iso: &mut Isolate<S>, file: &str, src: &str) -> String {
    let ops = iso.ops_object();
    let f = iso.eval_script(file, &format!("(ops) => {{ {src} }}")).unwrap();
    let r = iso.call(&f, &[&ops]).unwrap_or_else(|e| panic!("{src}: {e}"));
    iso.to_string(&r)
}
