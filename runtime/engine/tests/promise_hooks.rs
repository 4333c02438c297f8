//! `CallArgs::set_promise_hooks` (promise_hooks.cc), the engine half of
//! AsyncLocalStorage following `await`: V8 calls the hooks for the
//! promises of `await` and `then`, arguments that are not functions leave
//! a hook empty instead of being cast, and removing the hooks stops them.
use howth_engine::{Hooks, Isolate};

mod common;

fn isolate() -> Isolate<()> {
    let mut iso = Isolate::new((), &common::options(), Hooks::default());
    iso.set_stateless_op("setPromiseHooks", |args| args.set_promise_hooks());
    iso
}

/// Runs `body` (given `ops` and a `log` array), drains the microtasks and
/// returns the log joined with spaces.
fn run(iso: &mut Isolate<()>, body: &str) -> String {
    let ops = iso.ops_object();
    let f = iso
        .eval_script("t.js", &format!("(ops) => {{ globalThis.log = []; {body} }}"))
        .unwrap();
    iso.call(&f, &[&ops]).unwrap();
    iso.run_microtasks();
    let read = iso.eval_script("read.js", "log.join(' ')").unwrap();
    iso.to_string(&read)
}

#[test]
fn hooks_see_await_and_then() {
    let mut iso = isolate();
    let log = run(
        &mut iso,
        "let n = 0;
         ops.setPromiseHooks(
           (p) => { p.tag = ++n; },
           (p) => log.push('before:' + p.tag),
           (p) => log.push('after:' + p.tag),
           undefined);
         (async () => { await null; log.push('resumed'); })();
         Promise.resolve().then(() => log.push('then'));",
    );
    // The async function's promise (1), the promise `await` wraps null in
    // (2), its throwaway promise (3) whose reaction resumes the function;
    // then the resolved promise (4) and the one `then` made (5).
    assert_eq!(log, "before:3 resumed after:3 before:5 then after:5");
}

#[test]
fn non_functions_leave_hooks_empty_and_remove_them() {
    let mut iso = isolate();
    // Strings, objects and numbers are refused by kind, not cast.
    let log = run(
        &mut iso,
        "ops.setPromiseHooks('init', {}, 7, null);
         ops.setPromiseHooks();
         Promise.resolve().then(() => log.push('ran'));",
    );
    assert_eq!(log, "ran");
    let log = run(
        &mut iso,
        "ops.setPromiseHooks((p) => log.push('init'), undefined, undefined, undefined);
         Promise.resolve();
         ops.setPromiseHooks(undefined, undefined, undefined, undefined);
         Promise.resolve().then(() => log.push('ran'));",
    );
    assert_eq!(log, "init ran");
}
