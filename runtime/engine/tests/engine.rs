//! The engine against a real V8: scripts, natives, exceptions, modules.
use howth_engine::{
    Hooks, Isolate, IsolateOptions, Kind, ModuleId, Modules, PromiseState, SnapshotBlob, Startup,
};

mod common;
use common::options;

fn isolate() -> Isolate<Vec<String>> {
    let mut iso = Isolate::new(Vec::new(), &options(), Hooks::default());
    iso.set_op("log", |out: &mut Vec<String>, args| {
        let s = args.string(0);
        out.push(s);
    });
    iso
}

#[test]
fn evaluates_a_script() {
    let mut iso = isolate();
    let v = iso
        .eval_script("a.js", "[1, 2, 3].map((x) => x * 2).join(',')")
        .unwrap();
    assert_eq!(iso.to_string(&v), "2,4,6");
}

#[test]
fn intl_is_available() {
    let mut iso = isolate();
    let v = iso
        .eval_script("intl.js", "new Intl.NumberFormat('de-DE').format(1234.5)")
        .unwrap();
    assert_eq!(iso.to_string(&v), "1.234,5");
}

#[test]
fn catches_exceptions_with_message_position_and_stack() {
    let mut iso = isolate();
    let err = iso
        .eval_script(
            "boom.js",
            "function f() {\n  throw new TypeError('bad thing');\n}\nf();",
        )
        .unwrap_err();
    assert_eq!(err.message, "TypeError: bad thing");
    assert_eq!(err.line, 2);
    assert_eq!(err.resource.as_deref(), Some("boom.js"));
    let stack = err.stack.unwrap();
    assert!(stack.contains("at f (boom.js:2:9)"), "{stack}");
    assert!(err.source_line.unwrap().contains("throw new TypeError"));
}

#[test]
fn reports_syntax_errors_with_line_and_column() {
    let mut iso = isolate();
    let err = iso.eval_script("syn.js", "let a = 1;\nlet b = ;\n").unwrap_err();
    assert!(err.message.starts_with("SyntaxError"), "{}", err.message);
    assert_eq!((err.line, err.column), (2, 9));
}

#[test]
fn natives_get_arguments_and_return_values() {
    let mut iso = isolate();
    iso.set_op("kinds", |out: &mut Vec<String>, args| {
        for i in 0..args.len() {
            out.push(format!("{:?}", args.kind(i)));
        }
        args.return_strings(&[b"a", b"bc"], true);
    });
    iso.set_op("bytes", |_, args| {
        let mut v = b"<".to_vec();
        args.append_bytes(0, &mut v);
        v.push(b'>');
        args.return_bytes(&v);
    });
    iso.set_op("fail", |_, args| {
        args.throw(howth_engine::ErrorKind::RangeError, "nope")
    });
    let ops = iso.ops_object();
    let f = iso
        .eval_script(
            "n.js",
            "(ops) => { const r = ops.kinds(1, 1.5, 'x', null, undefined, true, new Uint8Array(2), [], {}, () => 1);
               ops.log(r.join('|') + ' ' + r.length);
               ops.log(String(ops.bytes(new Uint8Array([104, 195, 169]).subarray(1))));
               try { ops.fail(); } catch (e) { ops.log(e.name + ':' + e.message); }
               ops.log('héllo 😀'); }",
        )
        .unwrap();
    iso.call(&f, &[&ops]).unwrap();
    let log = iso.state().clone();
    assert_eq!(
        &log[..10],
        [
            "Int",
            "Number",
            "String",
            "Null",
            "Undefined",
            "Bool",
            "View",
            "Array",
            "Object",
            "Function"
        ]
    );
    assert_eq!(log[10], "a|bc 2");
    assert_eq!(log[11], "60,195,169,62");
    assert_eq!(log[12], "RangeError:nope");
    assert_eq!(log[13], "héllo 😀");
    let _ = Kind::Other;
}

#[test]
fn call_with_int_is_the_hot_call() {
    let mut iso = isolate();
    let ops = iso.ops_object();
    let make = iso
        .eval_script(
            "d.js",
            "(ops) => (n) => { for (let i = 0; i < n; i++) ops.log('r' + i); }",
        )
        .unwrap();
    let dispatch = iso.call(&make, &[&ops]).unwrap();
    assert!(iso.is_function(&dispatch));
    iso.call_with_int(&dispatch, 3).unwrap();
    assert_eq!(iso.state().as_slice(), ["r0", "r1", "r2"]);
}

fn load(modules: &mut Modules<'_>, files: &[(&str, &str)], entry: &str) -> ModuleId {
    // A tiny loader over an in-memory file table; names are the specifiers.
    fn visit(
        m: &mut Modules<'_>,
        files: &[(&str, &str)],
        name: &str,
        seen: &mut Vec<(String, ModuleId)>,
    ) -> ModuleId {
        if let Some((_, id)) = seen.iter().find(|(n, _)| n == name) {
            return *id;
        }
        let src = files.iter().find(|(n, _)| *n == name).unwrap().1;
        let id = m.compile(name, src).unwrap();
        seen.push((name.to_string(), id));
        for spec in m.requests(id) {
            let target = visit(m, files, &spec, seen);
            m.link(id, &spec, target);
        }
        id
    }
    let id = visit(modules, files, entry, &mut Vec::new());
    modules.instantiate(id).unwrap();
    id
}

#[test]
fn module_graph_with_cycles_json_and_top_level_await() {
    let mut iso = isolate();
    let files = [
        ("main", "import { a } from 'a'; import data from 'data'; export const out = a() + ':' + data.n + ':' + await Promise.resolve(7);"),
        ("a", "import { b } from 'b'; export function a() { return 'a' + b(); }"),
        ("b", "import { a } from 'a'; export function b() { return typeof a === 'function' ? 'b' : '?'; }"),
        ("data", "export default {\"n\": 42};"),
    ];
    let (mut m, _) = iso.modules_and_state();
    let id = load(&mut m, &files, "main");
    let promise = m.evaluate(id).unwrap();
    let ns = m.namespace(id);
    iso.run_microtasks();
    assert_eq!(iso.promise_state(&promise), PromiseState::Fulfilled);
    let out = iso.get(&ns, "out").unwrap();
    assert_eq!(iso.to_string(&out), "ab:42:7");
}

#[test]
fn module_evaluation_errors_reject_the_promise() {
    let mut iso = isolate();
    let files = [("main", "await null; throw new Error('late');")];
    let (mut m, _) = iso.modules_and_state();
    let id = load(&mut m, &files, "main");
    let promise = m.evaluate(id).unwrap();
    iso.run_microtasks();
    assert_eq!(iso.promise_state(&promise), PromiseState::Rejected);
    let reason = iso.promise_result(&promise).expect("settled");
    let err = iso.describe(&reason);
    assert_eq!(err.message, "Error: late");
    assert!(err.stack.unwrap().contains("main:1"));
}

#[test]
fn dynamic_import_and_import_meta_use_the_hooks() {
    fn import(
        _: &mut Vec<String>,
        m: &mut Modules<'_>,
        referrer: &str,
        spec: &str,
    ) -> Result<ModuleId, String> {
        if spec != "dyn" {
            return Err(format!("cannot find '{spec}' from '{referrer}'"));
        }
        let id = m
            .compile(
                "dyn",
                "export const v = import.meta.url + ' ' + import.meta.main;",
            )
            .map_err(|e| e.message)?;
        m.instantiate(id).map_err(|e| e.message)?;
        Ok(id)
    }
    fn meta(_: &mut Vec<String>, id: ModuleId) -> (String, bool) {
        (format!("file:///m{}", id.index()), id.index() == 0)
    }
    let hooks = Hooks {
        dynamic_import: Some(import),
        import_meta: Some(meta),
    };
    let mut iso = Isolate::new(Vec::new(), &options(), hooks);
    iso.set_op("log", |out: &mut Vec<String>, args| out.push(args.string(0)));
    let ops = iso.ops_object();
    let f = iso
        .eval_script(
            "dyn.js",
            "(ops) => { import('dyn').then((m) => ops.log(m.v)); import('nope').catch((e) => ops.log(e.message)); }",
        )
        .unwrap();
    iso.call(&f, &[&ops]).unwrap();
    iso.run_microtasks();
    let log = iso.state().clone();
    assert!(log.contains(&"file:///m0 true".to_string()), "{log:?}");
    assert!(
        log.contains(&"cannot find 'nope' from 'dyn.js'".to_string()),
        "{log:?}"
    );
}

#[test]
fn unhandled_rejections_are_reported_once() {
    let mut iso = isolate();
    iso.eval_script(
        "r.js",
        "Promise.reject(new Error('lost')); Promise.reject(1).catch(() => {});",
    )
    .unwrap();
    iso.run_microtasks();
    let err = iso.take_unhandled_rejection().unwrap();
    assert_eq!(err.message, "Error: lost");
    assert!(iso.take_unhandled_rejection().is_none());
}

#[test]
fn two_isolates_one_after_the_other_and_side_by_side() {
    for round in 0..2 {
        let mut a = isolate();
        let mut b = isolate();
        a.eval_script("a.js", "globalThis.x = 1").unwrap();
        let v = b.eval_script("b.js", "typeof globalThis.x").unwrap();
        assert_eq!(b.to_string(&v), "undefined", "round {round}");
        drop(v);
        drop(b);
        let v = a.eval_script("a.js", "x + 1").unwrap();
        assert_eq!(a.to_string(&v), "2");
    }
}

#[test]
fn values_outliving_their_isolate_are_harmless() {
    let mut iso = isolate();
    let v = iso.eval_script("v.js", "({})").unwrap();
    drop(iso);
    drop(v);
}

#[test]
fn isolates_on_parallel_threads() {
    let threads: Vec<_> = (0..2)
        .map(|t| {
            std::thread::spawn(move || {
                let mut iso = isolate();
                let v = iso
                    .eval_script(
                        "t.js",
                        &format!("let s = 0; for (let i = 0; i < 1e5; i++) s += i; s + {t}"),
                    )
                    .unwrap();
                iso.to_string(&v)
            })
        })
        .collect();
    let out: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(out, ["4999950000", "4999950001"]);
}

#[test]
fn terminate_stops_a_runaway_script() {
    let mut iso = isolate();
    let handle = iso.terminate_handle();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        handle.terminate();
    });
    let err = iso.eval_script("loop.js", "for (;;) {}").unwrap_err();
    t.join().unwrap();
    assert!(err.terminated);
    iso.cancel_terminate();
    let v = iso.eval_script("after.js", "1 + 1").unwrap();
    assert_eq!(iso.to_string(&v), "2");
}

#[test]
fn structured_clone_copies_deeply() {
    let mut iso = isolate();
    iso.set_op("clone", |_, args| args.return_structured_clone(0));
    let ops = iso.ops_object();
    let f = iso
        .eval_script(
            "c.js",
            "(ops) => { const a = { m: new Map([[1, { d: new Date(0) }]]) }; a.self = a; const b = ops.clone(a);
               let threw = false; try { ops.clone(() => 1); } catch (e) { threw = /could not be cloned/.test(e.message); }
               return [b !== a, b.self === b, b.m.get(1).d.getTime(), threw].join(); }",
        )
        .unwrap();
    let r = iso.call(&f, &[&ops]).unwrap();
    assert_eq!(iso.to_string(&r), "true,true,0,true");
}

#[test]
fn strings_into_reads_a_whole_list_latin1_or_utf8() {
    let mut iso = isolate();
    iso.set_op("list", |out: &mut Vec<String>, args| {
        let mut bytes = b"x".to_vec();
        let mut ends = Vec::new();
        let n = args.strings_into(0, &mut bytes, &mut ends);
        out.push(format!("{n:?} {bytes:?} {ends:?}"));
        let bad = args.strings_into(1, &mut bytes, &mut ends);
        out.push(format!("{bad:?}"));
    });
    let ops = iso.ops_object();
    let f = iso
        .eval_script("l.js", "(ops) => ops.list(['ab', 'é', '😀'], ['ok', 1])")
        .unwrap();
    iso.call(&f, &[&ops]).unwrap();
    assert_eq!(
        iso.state().as_slice(),
        ["Some(3) [120, 97, 98, 233, 240, 159, 152, 128] [3, 4, 8]", "None"]
    );
}

#[test]
fn a_snapshot_of_an_evaluated_module_graph_starts_new_isolates() {
    let opts = IsolateOptions {
        startup: Startup::ForSnapshot,
        ..options()
    };
    let mut maker: Isolate<Vec<String>> = Isolate::new(Vec::new(), &opts, Hooks::default());
    let files = [
        // A namespace object (`import * as`) is in the heap too: V8 10.2
        // needs the shim's extra external references for its accessors.
        ("main", "import * as lib from 'lib'; globalThis.fromSnapshot = 'yes'; export function boot(ops) { return lib.greet(ops.name()); }"),
        ("lib", "let count = 0; export function greet(n) { count += 1; return `hi ${n} #${count}`; }"),
    ];
    let (mut m, _) = maker.modules_and_state();
    let id = load(&mut m, &files, "main");
    drop(m.evaluate(id).unwrap());
    let ns = m.namespace(id);
    maker.run_microtasks();
    let boot = maker.get(&ns, "boot").unwrap();
    drop(ns);
    let blob = maker.create_snapshot(boot).expect("snapshot");
    assert!(blob.len() > 100_000, "a whole heap, not {} bytes", blob.len());
    // Also through a file, mapped, behind a header, as the runtime keeps it.
    let path = std::env::temp_dir().join(format!("howth-engine-snap-{}", std::process::id()));
    std::fs::write(&path, [b"HEADER".as_slice(), &blob].concat()).unwrap();
    let mapped = SnapshotBlob::map(&std::fs::File::open(&path).unwrap())
        .unwrap()
        .skip(6);
    let _ = std::fs::remove_file(&path);
    assert_eq!(mapped.bytes(), blob.as_slice());
    let blob = std::sync::Arc::new(mapped);

    // Isolates from one blob each get their own copy of the module state.
    for _ in 0..20 {
        let opts = IsolateOptions {
            startup: Startup::Snapshot(blob.clone()),
            ..options()
        };
        let mut iso = Isolate::new(Vec::new(), &opts, Hooks::default());
        iso.set_op("name", |_: &mut Vec<String>, args| args.return_str("howth"));
        let boot = iso.snapshot_data().expect("the snapshot's data");
        assert!(iso.snapshot_data().is_none(), "data is handed out once");
        let ops = iso.ops_object();
        let out = iso.call(&boot, &[&ops]).unwrap();
        assert_eq!(iso.to_string(&out), "hi howth #1");
        let v = iso.eval_script("g.js", "globalThis.fromSnapshot").unwrap();
        assert_eq!(iso.to_string(&v), "yes");
    }

    // An isolate from V8's own snapshot has no data.
    let mut plain = isolate();
    assert!(plain.snapshot_data().is_none());
}

#[test]
fn modules_of_a_snapshot_come_back_with_their_ids_and_new_modules_link_to_them() {
    let opts = IsolateOptions {
        startup: Startup::ForSnapshot,
        ..options()
    };
    let mut maker: Isolate<Vec<String>> = Isolate::new(Vec::new(), &opts, Hooks::default());
    let files = [
        ("main", "import { greet } from 'lib'; export function boot() { return greet('boot'); }"),
        ("lib", "let count = 0; export class Thing {} export function greet(n) { count += 1; return `hi ${n} #${count}`; }"),
    ];
    let (mut m, _) = maker.modules_and_state();
    let main = load(&mut m, &files, "main");
    drop(m.evaluate(main).unwrap());
    let ns = m.namespace(main);
    let boot = maker.get(&ns, "boot").unwrap();
    drop(ns);
    let blob = std::sync::Arc::new(SnapshotBlob::from_vec(
        maker.create_snapshot(boot).expect("snapshot"),
    ));

    let opts = IsolateOptions {
        startup: Startup::Snapshot(blob),
        ..options()
    };
    let mut iso: Isolate<Vec<String>> = Isolate::new(Vec::new(), &opts, Hooks::default());
    // `load` compiled main first, then lib.
    let ids = iso.snapshot_modules();
    assert_eq!(ids.iter().map(|id| id.index()).collect::<Vec<_>>(), [0, 1]);
    assert!(iso.snapshot_modules().is_empty(), "handed out once");
    let boot = iso.snapshot_data().expect("data");
    let out = iso.call(&boot, &[]).unwrap();
    assert_eq!(iso.to_string(&out), "hi boot #1");
    // A module compiled now imports the snapshot's lib: the same instance,
    // so its state (the count) and its classes are shared with main's.
    let (mut m, _) = iso.modules_and_state();
    let user = m
        .compile("user", "import { greet, Thing } from 'lib'; export const r = greet('user'); export const t = new Thing();")
        .unwrap();
    m.link(user, "lib", ids[1]);
    m.instantiate(user).unwrap();
    drop(m.evaluate(user).unwrap());
    let ns = m.namespace(user);
    let lib_ns = m.namespace(ids[1]);
    let r = iso.get(&ns, "r").unwrap();
    assert_eq!(iso.to_string(&r), "hi user #2");
    let check = iso
        .eval_script("c.js", "(t, lib) => t instanceof lib.Thing")
        .unwrap();
    let t = iso.get(&ns, "t").unwrap();
    let same = iso.call(&check, &[&t, &lib_ns]).unwrap();
    assert_eq!(iso.to_string(&same), "true");

    // An isolate from V8's own snapshot has no modules to give back.
    assert!(isolate().snapshot_modules().is_empty());
}

#[test]
fn append_utf8_encodes_latin1_two_byte_and_lone_surrogates() {
    let mut iso = isolate();
    iso.set_op("utf8", |out: &mut Vec<String>, args| {
        let mut bytes = b"prefix:".to_vec();
        let n = args.append_utf8(0, &mut bytes);
        assert_eq!(n, bytes.len() - 7);
        out.push(bytes.iter().map(|b| format!("{b:02x}")).collect());
    });
    let cases = [
        ("''", ""),
        ("'abc'", "616263"),
        // One-byte strings with non-ASCII Latin-1: widened in place.
        ("'\\u00e9a\\u00ff'", "c3a961c3bf"),
        ("'\\u00e9'.repeat(3) + 'z'", "c3a9c3a9c3a97a"),
        ("'a'.repeat(5) + '\\u00e9'", "6161616161c3a9"),
        // Two-byte strings, and a lone surrogate replaced by U+FFFD.
        ("'\\u20ac\\ud83d\\ude00'", "e282acf09f9880"),
        ("'\\ud800x'", "efbfbd78"),
    ];
    let ops = iso.ops_object();
    for (src, _) in cases {
        let f = iso
            .eval_script("u.js", &format!("(ops) => ops.utf8({src})"))
            .unwrap();
        iso.call(&f, &[&ops]).unwrap();
    }
    let want: Vec<String> = cases
        .iter()
        .map(|(_, hex)| format!("7072656669783a{hex}"))
        .collect();
    assert_eq!(iso.state().as_slice(), want.as_slice());
}
