//! The engine boundary (issue 19): no undefined behaviour reachable from
//! JavaScript, a panic is an exception, ids and values are checked.
//!
//! Each test drives a real V8 the way a script (or a buggy embedder) could.
//! Before the guard, the re-entrant calls below made a second `&mut` to the
//! state while the first was live; before the unwind catch, each panic
//! aborted the test process; before the checks, the bad ids and values were
//! read as if they were valid.
use std::panic::{catch_unwind, AssertUnwindSafe};

use howth_engine::{Hooks, Isolate, Modules, PromiseState};

mod common;
use common::options;

/// The message of a caught panic.
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// The state ops work on: a log, and buffers an op fills while it may run
/// JavaScript.
#[derive(Default)]
struct State {
    log: Vec<String>,
    bytes: Vec<u8>,
    ends: Vec<u32>,
    /// Modules `ops.require` loaded, by name.
    required: Vec<(String, howth_engine::ModuleId)>,
}

fn isolate() -> Isolate<State> {
    isolate_with(Hooks::default())
}

fn isolate_with(hooks: Hooks<State>) -> Isolate<State> {
    let mut iso = Isolate::new(State::default(), &options(), hooks);
    iso.set_op("log", |s: &mut State, args| s.log.push(args.string(0)));
    // Reads an array of strings with Array::Get: runs getters and proxies.
    iso.set_op("readStrings", |s: &mut State, args| {
        s.bytes.clear();
        s.ends.clear();
        match args.strings_into(0, &mut s.bytes, &mut s.ends) {
            Some(_) => {
                let text = String::from_utf8_lossy(&s.bytes).into_owned();
                args.return_str(&text)
            }
            None => args.return_null(),
        }
    });
    // A stateful op that runs the serializer (user getters) while it holds
    // the state.
    iso.set_op("cloneHoldingState", |s: &mut State, args| {
        s.log.push("clone start".into());
        args.return_structured_clone(0);
        s.log.push("clone end".into());
    });
    iso.set_stateless_op("clone", |args| args.return_structured_clone(0));
    iso.set_op("returnStrings", |_: &mut State, args| {
        args.return_strings(&[b"a", b"b"], true)
    });
    iso.set_op("returnNumbers", |_: &mut State, args| {
        args.return_numbers(&[1.0, 2.0])
    });
    iso.set_op("panic", |s: &mut State, args| {
        s.log.push("about to panic".into());
        panic!("op bug: {}", args.string(0));
    });
    iso.set_stateless_op("panicStateless", |_| panic!("stateless bug"));
    iso
}

/// Evaluates `src` as a function of `ops` and returns String(result).
fn run(iso: &mut Isolate<State>, src: &str) -> String {
    common::run_with_ops(iso, "test.js", src)
}

const REFUSED_BY_READ: &str =
    "ops.log was called while ops.readStrings holds the runtime state (re-entrant call, e.g. from a getter or proxy it ran); refused";

#[test]
fn an_op_called_from_a_getter_during_array_get_is_refused_naming_both_ops() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const a = ["x", "y"];
        Object.defineProperty(a, 0, { get() {
          try { ops.log("from getter"); return "not refused"; } catch (e) { return e.message; }
        } });
        return ops.readStrings(a);"#,
    );
    assert_eq!(out, format!("{REFUSED_BY_READ}y"));
    assert!(
        iso.state().log.is_empty(),
        "the refused op ran: {:?}",
        iso.state().log
    );
}

#[test]
fn an_op_called_from_a_proxy_trap_during_array_get_is_refused() {
    let mut iso = isolate();
    // A hole in the array sends Get to the prototype: a proxy.
    let out = run(
        &mut iso,
        r#"const a = [, "y"];
        Object.setPrototypeOf(a, new Proxy([], { get(t, k) {
          try { ops.log("from trap"); return "not refused"; } catch (e) { return e.message; }
        } }));
        return ops.readStrings(a);"#,
    );
    assert_eq!(out, format!("{REFUSED_BY_READ}y"));
    assert!(iso.state().log.is_empty());
}

#[test]
fn an_uncaught_refusal_propagates_out_of_the_op_and_the_state_is_released() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const a = ["x"];
        Object.defineProperty(a, 0, { get() { ops.log("x"); return "x"; } });
        let msg;
        try { ops.readStrings(a); } catch (e) { msg = e.message; }
        ops.log("after");
        return msg;"#,
    );
    assert_eq!(out, REFUSED_BY_READ);
    assert_eq!(iso.state().log, ["after"]);
}

#[test]
fn structured_clone_is_stateless_so_getters_may_call_any_op() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const v = ops.clone({ get x() { ops.log("getter"); return ops.clone({ n: 7 }); } });
        return JSON.stringify(v);"#,
    );
    assert_eq!(out, r#"{"x":{"n":7}}"#);
    assert_eq!(iso.state().log, ["getter"]);
}

#[test]
fn a_stateful_op_running_the_serializer_refuses_getters_that_call_ops() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const v = ops.cloneHoldingState({ get x() {
          try { ops.log("getter"); return "not refused"; } catch (e) { return e.message; }
        } });
        return v.x;"#,
    );
    assert_eq!(
        out,
        "ops.log was called while ops.cloneHoldingState holds the runtime state (re-entrant call, e.g. from a getter or proxy it ran); refused"
    );
    assert_eq!(iso.state().log, ["clone start", "clone end"]);
}

#[test]
fn re_entrant_calls_of_the_same_op_are_refused() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"const inner = ["a"];
        const outer = ["b"];
        Object.defineProperty(outer, 0, { get() {
          try { return ops.readStrings(inner); } catch (e) { return e.message; }
        } });
        return ops.readStrings(outer);"#,
    );
    assert!(
        out.starts_with("ops.readStrings was called while ops.readStrings holds the runtime state"),
        "{out}"
    );
}

#[test]
fn returned_arrays_do_not_run_setters_on_array_prototype() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"let ran = 0;
        Object.defineProperty(Array.prototype, 0, { set(v) { ran++; ops.log("setter"); }, configurable: true });
        Object.defineProperty(Array.prototype, 1, { set(v) { ran++; }, configurable: true });
        const s = ops.returnStrings();
        const n = ops.returnNumbers();
        delete Array.prototype[0]; delete Array.prototype[1];
        return [ran, s.length, Object.hasOwn(s, 0), s.join(","), n.join(",")].join("|");"#,
    );
    assert_eq!(out, "0|2|true|a,b|1,2");
    assert!(iso.state().log.is_empty());
}

#[test]
fn a_panicking_op_throws_an_error_and_the_isolate_goes_on() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"let msg;
        try { ops.panic("one"); } catch (e) { msg = `${e.constructor.name}: ${e.message}`; }
        ops.log("after the panic");
        return msg;"#,
    );
    assert!(
        out.starts_with("Error: ops.panic panicked: op bug: one at "),
        "{out}"
    );
    assert!(out.contains("boundary.rs:"), "the panic's place: {out}");
    // The flag was released: stateful ops work after a panic.
    assert_eq!(iso.state().log, ["about to panic", "after the panic"]);
}

#[test]
fn a_panicking_stateless_op_throws_too() {
    let mut iso = isolate();
    let out = run(
        &mut iso,
        r#"try { ops.panicStateless(); return "no throw"; } catch (e) { return e.message; }"#,
    );
    assert!(
        out.starts_with("ops.panicStateless panicked: stateless bug at "),
        "{out}"
    );
}

#[test]
fn an_uncaught_op_panic_is_the_call_s_exception() {
    let mut iso = isolate();
    let ops = iso.ops_object();
    let f = iso.eval_script("p.js", "(ops) => ops.panic('uncaught')").unwrap();
    let err = iso.call(&f, &[&ops]).unwrap_err();
    assert!(
        err.message
            .starts_with("Error: ops.panic panicked: op bug: uncaught"),
        "{}",
        err.message
    );
    assert!(!err.terminated);
}

fn import_hook(
    _: &mut State,
    m: &mut Modules<'_>,
    _referrer: &str,
    spec: &str,
) -> Result<howth_engine::ModuleId, String> {
    if spec == "panic" {
        panic!("hook bug");
    }
    let id = m.compile(spec, "export const v = 1;").map_err(|e| e.message)?;
    m.instantiate(id).map_err(|e| e.message)?;
    if spec == "evaluate" {
        // The hook holds the state: evaluating here would run ops under it.
        return m.evaluate(id).map(|_| id).map_err(|e| e.message);
    }
    Ok(id)
}

fn settle(iso: &mut Isolate<State>, src: &str) -> String {
    let ops = iso.ops_object();
    let f = iso.eval_script("dyn.js", &format!("(ops) => {src}")).unwrap();
    let p = iso.call(&f, &[&ops]).unwrap();
    iso.run_microtasks();
    let v = iso.promise_result(&p).expect("settled");
    iso.to_string(&v)
}

#[test]
fn a_panicking_import_hook_rejects_the_import() {
    let mut iso = isolate_with(Hooks {
        dynamic_import: Some(import_hook),
        import_meta: None,
    });
    let out = settle(&mut iso, "import('panic').then(() => 'loaded', (e) => e.message)");
    assert!(out.starts_with("the import() hook panicked: hook bug"), "{out}");
    let out = settle(
        &mut iso,
        "import('fine').then((m) => String(m.v), (e) => e.message)",
    );
    assert_eq!(out, "1");
}

#[test]
fn import_from_a_getter_inside_an_op_is_rejected_not_aliased() {
    let mut iso = isolate_with(Hooks {
        dynamic_import: Some(import_hook),
        import_meta: None,
    });
    let out = settle(
        &mut iso,
        r#"{ let p; const a = ["x"];
        Object.defineProperty(a, 0, { get() { p = import("fine"); return "x"; } });
        ops.readStrings(a);
        return p.then(() => "loaded", (e) => e.message); }"#,
    );
    assert!(
        out.starts_with("the import() hook was called while ops.readStrings holds the runtime state"),
        "{out}"
    );
}

#[test]
fn evaluating_a_module_from_the_import_hook_is_an_error() {
    let mut iso = isolate_with(Hooks {
        dynamic_import: Some(import_hook),
        import_meta: None,
    });
    let out = settle(
        &mut iso,
        "import('evaluate').then(() => 'loaded', (e) => e.message)",
    );
    assert_eq!(
        out,
        "Error: Modules::evaluate while the import() hook holds the runtime state"
    );
}

#[test]
fn evaluating_while_the_embedder_holds_the_state_is_refused() {
    let mut iso = isolate();
    let (mut m, mut state) = iso.modules_and_state();
    state.log.push("loader work".into());
    let id = m
        .compile("main", "ops_missing_anyway; export const v = 1;")
        .unwrap();
    m.instantiate(id).unwrap();
    let attempt = catch_unwind(AssertUnwindSafe(|| m.evaluate(id)));
    if cfg!(debug_assertions) {
        // make test-checked: the guard asserts.
        let msg = panic_text(attempt.unwrap_err());
        assert!(msg.contains("drop the StateGuard first"), "{msg}");
    } else {
        let err = attempt.unwrap().unwrap_err();
        assert_eq!(
            err.message,
            "Error: Modules::evaluate while the embedder (Isolate::modules_and_state) holds the runtime state"
        );
    }
    // Dropped, the guard frees the state: evaluation runs (and throws its
    // own ReferenceError, proving the module's code ran).
    drop(state);
    let p = m.evaluate(id).unwrap();
    iso.run_microtasks();
    assert_eq!(iso.promise_state(&p), PromiseState::Rejected);
    assert_eq!(iso.state().log, ["loader work"]);
}

#[test]
fn module_ids_of_another_isolate_are_refused() {
    let mut a = isolate();
    let mut b = isolate();
    let id_a = a.modules().compile("a", "export const v = 'a';").unwrap();
    let id_b = b.modules().compile("b", "export const v = 'b';").unwrap();
    assert_eq!(
        (id_a.index(), id_b.index()),
        (0, 0),
        "same index, different isolates"
    );
    assert_ne!(id_a, id_b);
    let err = b.modules().instantiate(id_a).unwrap_err();
    assert_eq!(err.message, "Error: a module id of another isolate");
    let err = b.modules().evaluate(id_a).unwrap_err();
    assert_eq!(err.message, "Error: a module id of another isolate");
    let panic = catch_unwind(AssertUnwindSafe(|| b.modules().namespace(id_a))).unwrap_err();
    assert_eq!(panic_text(panic), "Error: a module id of another isolate");
    // b's own module is untouched and works.
    b.modules().instantiate(id_b).unwrap();
    b.modules().evaluate(id_b).unwrap();
    let ns = b.modules().namespace(id_b);
    let v = b.get(&ns, "v").unwrap();
    assert_eq!(b.to_string(&v), "b");
}

#[test]
fn a_module_that_is_not_instantiated_is_an_error_not_a_v8_abort() {
    let mut iso = isolate();
    let mut m = iso.modules();
    let id = m
        .compile("lonely", "import 'missing'; export const v = 1;")
        .unwrap();
    assert!(!m.is_instantiated(id));
    assert_eq!(
        m.evaluate(id).unwrap_err().message,
        "Error: module is not instantiated"
    );
    let panic = catch_unwind(AssertUnwindSafe(|| m.namespace(id))).unwrap_err();
    assert!(panic_text(panic).contains("not instantiated"));
    assert!(m
        .instantiate(id)
        .unwrap_err()
        .message
        .contains("module not linked: missing"));
}

#[test]
fn values_of_another_isolate_are_refused() {
    let mut a = isolate();
    let mut b = isolate();
    let f = a.eval_script("f.js", "() => 1").unwrap();
    let s = a.string("from a");
    const REFUSED: &str = "a Value was used with an isolate other than the one that made it";
    let err = b.call(&f, &[]).unwrap_err();
    assert_eq!(err.message, format!("Error: {REFUSED}"));
    let g = b.eval_script("g.js", "(x) => x").unwrap();
    assert!(b.call(&g, &[&s]).unwrap_err().message.contains(REFUSED));
    assert!(b.call_with_int(&f, 1).unwrap_err().message.contains(REFUSED));
    let panic = catch_unwind(AssertUnwindSafe(|| b.to_string(&s))).unwrap_err();
    assert_eq!(panic_text(panic), REFUSED);
    // Both isolates still work with their own values.
    assert_eq!(a.to_string(&s), "from a");
    let mine = b.string("mine");
    let r = b.call(&g, &[&mine]).unwrap();
    assert_eq!(b.to_string(&r), "mine");
}

#[test]
fn promise_result_is_none_for_pending_promises_and_non_promises() {
    let mut iso = isolate();
    let pending = iso.eval_script("p.js", "new Promise(() => {})").unwrap();
    let number = iso.eval_script("n.js", "42").unwrap();
    let done = iso.eval_script("d.js", "Promise.resolve('done')").unwrap();
    assert_eq!(iso.promise_state(&pending), PromiseState::Pending);
    assert!(iso.promise_result(&pending).is_none());
    assert_eq!(iso.promise_state(&number), PromiseState::NotAPromise);
    assert!(iso.promise_result(&number).is_none());
    let v = iso.promise_result(&done).unwrap();
    assert_eq!(iso.to_string(&v), "done");
}

#[test]
fn call_with_int_checks_for_a_function_and_call_takes_any_arg_count() {
    let mut iso = isolate();
    let not_fn = iso.eval_script("o.js", "({})").unwrap();
    assert_eq!(
        iso.call_with_int(&not_fn, 1).unwrap_err().message,
        "TypeError: not a function"
    );
    let sum = iso
        .eval_script(
            "s.js",
            "(...xs) => xs.reduce((a, b) => a + b, 0) + ':' + xs.length",
        )
        .unwrap();
    let args: Vec<_> = (1..=20).map(|n| iso.number(n as f64)).collect();
    let refs: Vec<_> = args.iter().collect();
    let r = iso.call(&sum, &refs).unwrap();
    assert_eq!(iso.to_string(&r), "210:20");
}

#[test]
fn a_terminate_handle_outliving_its_isolate_does_nothing() {
    let iso = isolate();
    let handle = iso.terminate_handle();
    let copy = handle.clone();
    let started = std::sync::Arc::new(std::sync::Barrier::new(2));
    let started2 = started.clone();
    // A watchdog calling terminate() over and over while the isolate is
    // dropped: each call either reaches the live isolate or finds it gone.
    let hammer = std::thread::spawn(move || {
        let mut hits = 0u64;
        started2.wait();
        while copy.terminate() {
            hits += 1;
        }
        hits
    });
    started.wait();
    drop(iso);
    hammer.join().unwrap();
    assert!(!handle.is_alive());
    assert!(!handle.terminate(), "terminate after the isolate is gone");
}

// ---- import.meta: a refusal or a panic in its hook is the read's exception ----

/// The import.meta hook: logs its call; panics when the log's last line
/// asks it to.
fn meta_hook(s: &mut State, id: howth_engine::ModuleId) -> (String, bool) {
    if s.log.last().map(String::as_str) == Some("meta: panic") {
        panic!("meta bug");
    }
    s.log.push("meta".into());
    (format!("file:///m{}", id.index()), false)
}

/// A module whose `meta()` reads its import.meta (first read: when called).
fn meta_reader(iso: &mut Isolate<State>) -> howth_engine::Value {
    let mut m = iso.modules();
    let id = m
        .compile("m", "export function meta() { return import.meta.url; }")
        .unwrap();
    m.instantiate(id).unwrap();
    m.evaluate(id).unwrap();
    let ns = m.namespace(id);
    iso.get(&ns, "meta").unwrap()
}

fn with_reader(iso: &mut Isolate<State>, reader: &howth_engine::Value, src: &str) -> String {
    let ops = iso.ops_object();
    let f = iso
        .eval_script("meta.js", &format!("(ops, meta) => {{ {src} }}"))
        .unwrap();
    let r = iso
        .call(&f, &[&ops, reader])
        .unwrap_or_else(|e| panic!("{src}: {e}"));
    iso.to_string(&r)
}

#[test]
fn import_meta_first_read_inside_an_op_throws_the_refusal_and_a_later_read_works() {
    let mut iso = isolate_with(Hooks {
        dynamic_import: None,
        import_meta: Some(meta_hook),
    });
    let reader = meta_reader(&mut iso);
    let out = with_reader(
        &mut iso,
        &reader,
        r#"let got; const a = ["x"];
        Object.defineProperty(a, 0, { get() {
          try { got = meta(); } catch (e) { got = `${e.constructor.name}: ${e.message}`; }
          return "x";
        } });
        ops.readStrings(a);
        return `${got} | after: ${meta()} | again: ${meta()}`;"#,
    );
    assert_eq!(
        out,
        "Error: the import.meta hook was called while ops.readStrings holds the runtime state \
         (re-entrant call, e.g. from a getter or proxy it ran); refused | after: file:///m0 | again: file:///m0"
    );
    // The refused read never reached the hook; the object is made once.
    assert_eq!(iso.state().log, ["meta"]);
}

#[test]
fn a_panicking_import_meta_hook_throws_and_the_isolate_goes_on() {
    let mut iso = isolate_with(Hooks {
        dynamic_import: None,
        import_meta: Some(meta_hook),
    });
    let reader = meta_reader(&mut iso);
    iso.state().log.push("meta: panic".into());
    let out = with_reader(
        &mut iso,
        &reader,
        "try { return meta(); } catch (e) { return `${e.constructor.name}: ${e.message}`; }",
    );
    assert!(
        out.starts_with("Error: the import.meta hook panicked: meta bug"),
        "{out}"
    );
    iso.state().log.push("meta: fine".into());
    assert_eq!(with_reader(&mut iso, &reader, "return meta();"), "file:///m0");
}

// ---- module ops (require of an ES module): evaluated through checked calls ----

/// `ops.require(name, source)`: compiles and instantiates `source` once per
/// name (later calls return the same module); "raw:" names are left
/// uninstantiated, as a buggy loader might.
fn require_op(
    s: &mut State,
    m: &mut Modules<'_>,
    args: &mut howth_engine::CallArgs<'_>,
) -> Result<howth_engine::ModuleId, String> {
    let name = args.string(0);
    if let Some(&(_, id)) = s.required.iter().find(|(n, _)| *n == name) {
        return Ok(id);
    }
    let id = m.compile(&name, &args.string(1)).map_err(|e| e.message)?;
    if !name.starts_with("raw:") {
        m.instantiate(id).map_err(|e| e.message)?;
    }
    s.required.push((name, id));
    Ok(id)
}

fn require_isolate() -> Isolate<State> {
    let mut iso = isolate();
    iso.set_module_op("require", require_op);
    iso
}

const CAUGHT: &str = "catch (e) { return `${e.constructor.name}: ${e.message}`; }";

#[test]
fn a_module_op_returns_the_namespace_once_evaluated() {
    let mut iso = require_isolate();
    let src = "globalThis.runs = (globalThis.runs ?? 0) + 1; export const v = 2;";
    let out = run(
        &mut iso,
        &format!(
            "const a = ops.require('a', {src:?}); const b = ops.require('a', ''); \
             return `${{a.v}} ${{a === b}} ${{globalThis.runs}}`;"
        ),
    );
    assert_eq!(out, "2 true 1");
}

#[test]
fn a_module_op_refuses_top_level_await_and_reports_a_throw_every_time() {
    let mut iso = require_isolate();
    let out = run(
        &mut iso,
        &format!("try {{ return ops.require('t', 'await null; export const v = 1;'); }} {CAUGHT}"),
    );
    assert_eq!(
        out,
        "Error: require() cannot load an ES module that uses top-level await; use import() instead (ERR_REQUIRE_ASYNC_MODULE)"
    );
    for _ in 0..2 {
        // The first call evaluates and sees the rejection; the second finds
        // the module errored.
        let out = run(
            &mut iso,
            &format!("try {{ return ops.require('e', 'throw new TypeError(\"boom\");'); }} {CAUGHT}"),
        );
        assert!(out.starts_with("Error: TypeError: boom"), "{out}");
    }
    iso.run_microtasks();
    assert!(
        iso.take_unhandled_rejection().is_none(),
        "the rejections were reported, not left unhandled"
    );
}

#[test]
fn a_module_op_given_an_uninstantiated_module_throws_a_clear_error() {
    let mut iso = require_isolate();
    let out = run(
        &mut iso,
        &format!("try {{ return ops.require('raw:x', 'export const v = 1;'); }} {CAUGHT}"),
    );
    assert_eq!(out, "Error: module is not instantiated");
}

#[test]
fn a_module_op_called_from_a_getter_inside_an_op_is_refused() {
    let mut iso = require_isolate();
    let out = run(
        &mut iso,
        &format!(
            r#"let got; const a = ["x"];
            Object.defineProperty(a, 0, {{ get() {{
              try {{ got = ops.require('g', 'export const v = 1;').v; }} {}
              return "x";
            }} }});
            ops.readStrings(a);
            return `${{got}} | after: ${{ops.require('g', 'export const v = 1;').v}}`;"#,
            CAUGHT.replace("return", "got =")
        ),
    );
    assert_eq!(
        out,
        "Error: ops.require was called while ops.readStrings holds the runtime state \
         (re-entrant call, e.g. from a getter or proxy it ran); refused | after: 1"
    );
}
