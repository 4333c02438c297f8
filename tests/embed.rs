//! Howth embedded in a Rust program: the builder, host functions (sync and
//! async, every value kind, errors), stopping, and servers one after
//! another in one process.
mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use howth::{Error, HostValue, Howth, Server};
use serde_json::json;

/// One request on a new connection: (status, body).
fn request(port: u16, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let r = common::read_response(&mut s).expect("a response");
    (r.status, r.text())
}

fn get(port: u16, path: &str) -> (u16, String) {
    request(port, "GET", path, b"")
}

fn start(source: &str) -> Server {
    Howth::builder()
        .source("app.ts", source)
        .port(0)
        .hostname("127.0.0.1")
        .start()
        .expect("server starts")
}

#[test]
fn sync_host_functions_carry_every_value_kind() {
    let server = Howth::builder()
        .source(
            "app.ts",
            r#"
            export default {
              async fetch(req: Request) {
                const body = new Uint8Array(await req.arrayBuffer());
                const ops = Howth.ops;
                return Response.json({
                  greeting: ops.greet("ada"),
                  sum: ops.add(2, 40.5),
                  not: ops.not(false),
                  nothing: ops.nothing(),
                  echoed: ops.echo({ a: [1, "two", null], b: { c: true } }),
                  list: ops.echo([1, 2, 3]),
                  kinds: ops.kinds(null, undefined, 1, "s", true, new Uint8Array([1]), {}, []),
                  upper: new TextDecoder().decode(ops.upper(body)),
                  isBytes: ops.upper(body) instanceof Uint8Array,
                  jsonString: ops.jsonScalar(),
                });
              },
            };
            "#,
        )
        .port(0)
        .hostname("127.0.0.1")
        .function("greet", |args| {
            let name = args.first().and_then(HostValue::as_str).ok_or("greet(name)")?;
            Ok(format!("hello {name}").into())
        })
        .function("add", |args| {
            let sum: f64 = args.iter().filter_map(HostValue::as_f64).sum();
            Ok(sum.into())
        })
        .function("not", |args| Ok((!args[0].as_bool().unwrap_or(false)).into()))
        .function("nothing", |_| Ok(HostValue::Null))
        .function("echo", |args| Ok(args[0].clone()))
        .function("kinds", |args| {
            let kinds: Vec<&str> = args
                .iter()
                .map(|a| match a {
                    HostValue::Null => "null",
                    HostValue::Bool(_) => "bool",
                    HostValue::Number(_) => "number",
                    HostValue::String(_) => "string",
                    HostValue::Bytes(_) => "bytes",
                    HostValue::Json(_) => "json",
                })
                .collect();
            Ok(json!(kinds).into())
        })
        .function("upper", |args| {
            let bytes = args[0].as_bytes().ok_or("upper(bytes)")?;
            Ok(bytes.to_ascii_uppercase().into())
        })
        .function("jsonScalar", |_| Ok(json!("just a string").into()))
        .start()
        .expect("server starts");
    let (status, body) = request(server.port(), "POST", "/", b"shout");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v,
        json!({
            "greeting": "hello ada",
            "sum": 42.5,
            "not": true,
            "nothing": null,
            "echoed": { "a": [1, "two", null], "b": { "c": true } },
            "list": [1, 2, 3],
            "kinds": ["null", "null", "number", "string", "bool", "bytes", "json", "json"],
            "upper": "SHOUT",
            "isBytes": true,
            "jsonString": "just a string",
        })
    );
    server.stop();
    assert_eq!(server.wait(), Ok(()));
}

#[test]
fn host_function_errors_become_js_errors() {
    let server = Howth::builder()
        .source(
            "app.ts",
            r#"
            export default {
              async fetch() {
                const out: string[] = [];
                try { Howth.ops.fail("x"); } catch (e) { out.push(`${(e as Error).name}: ${(e as Error).message}`); }
                try { Howth.ops.boom(); } catch (e) { out.push((e as Error).message); }
                try { Howth.ops.fail(() => 1); } catch (e) { out.push((e as Error).name); }
                try { await Howth.ops.failLater(); } catch (e) { out.push(`later: ${(e as Error).message}`); }
                return new Response(out.join("\n"));
              },
            };
            "#,
        )
        .port(0)
        .hostname("127.0.0.1")
        .function("fail", |args| Err(format!("no good: {:?}", args[0])))
        .function("boom", |_| panic!("a host function panicked on purpose"))
        .async_function("failLater", |_| Err("not today".into()))
        .start()
        .expect("server starts");
    let (status, body) = get(server.port(), "/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "Error: no good: String(\"x\")\nhost function boom panicked\nTypeError\nlater: not today"
    );
    // The server is still fine.
    assert_eq!(get(server.port(), "/").0, 200);
    server.stop();
    assert_eq!(server.wait(), Ok(()));
}

#[test]
fn async_host_functions_resolve_on_the_loop() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let server = Howth::builder()
        .source(
            "app.ts",
            r#"
            export default {
              async fetch(req: Request) {
                const n = Number(new URL(req.url).searchParams.get("n"));
                // Several in flight at once, settled in whatever order they finish.
                const [a, b, c] = await Promise.all([
                  Howth.ops.slowDouble(n),
                  Howth.ops.slowDouble(n + 1),
                  Howth.ops.lookup({ key: "k", n }),
                ]);
                return Response.json({ a, b, c, threadIsNotTheLoop: Howth.ops.loopThread() !== c.thread });
              },
            };
            "#,
        )
        .port(0)
        .hostname("127.0.0.1")
        .async_threads(2)
        .async_function("slowDouble", move |args| {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(50));
            Ok((args[0].as_f64().ok_or("a number")? * 2.0).into())
        })
        .async_function("lookup", |args| {
            let q = args[0].as_json().ok_or("an object")?;
            let thread = std::thread::current().name().unwrap_or("?").to_string();
            Ok(json!({ "key": q["key"], "n": q["n"], "thread": thread }).into())
        })
        .function("loopThread", |_| {
            Ok(std::thread::current().name().unwrap_or("?").to_string().into())
        })
        .start()
        .expect("server starts");
    for n in [1, 20] {
        let (status, body) = get(server.port(), &format!("/?n={n}"));
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["a"], json!(2 * n));
        assert_eq!(v["b"], json!(2 * (n + 1)));
        assert_eq!(v["c"]["key"], json!("k"));
        assert_eq!(v["c"]["n"], json!(n));
        assert_eq!(v["threadIsNotTheLoop"], json!(true));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    server.stop();
    assert_eq!(server.wait(), Ok(()));
}

#[test]
fn start_waits_for_a_top_level_await_of_a_host_call() {
    let server = Howth::builder()
        .source(
            "app.ts",
            r#"
            const config = await Howth.ops.loadConfig("greeting");
            export default { fetch: () => new Response(config.text) };
            "#,
        )
        .port(0)
        .hostname("127.0.0.1")
        .async_function("loadConfig", |args| {
            std::thread::sleep(Duration::from_millis(100));
            Ok(json!({ "text": format!("{} from the host", args[0].as_str().unwrap_or("?")) }).into())
        })
        .start()
        .expect("server starts");
    assert_eq!(
        get(server.port(), "/"),
        (200, "greeting from the host".to_string())
    );
}

#[test]
fn two_servers_one_after_another_on_different_ports() {
    let a = start(r#"export default { fetch: () => new Response("A " + Howth.workerId) };"#);
    let port_a = a.port();
    assert_eq!(get(port_a, "/"), (200, "A 0".to_string()));
    a.stop();
    assert_eq!(a.wait(), Ok(()));
    assert!(
        TcpStream::connect(("127.0.0.1", port_a)).is_err(),
        "A still listens"
    );

    let port_b = loop {
        let p = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if p != port_a {
            break p;
        }
    };
    let b = Howth::builder()
        .source(
            "b.ts",
            r#"export default { port: 1, fetch: () => new Response("B") };"#,
        )
        .port(port_b)
        .hostname("127.0.0.1")
        .start()
        .expect("B starts");
    assert_eq!(b.port(), port_b);
    assert_eq!(get(port_b, "/"), (200, "B".to_string()));
    drop(b); // stops and waits
    assert!(
        TcpStream::connect(("127.0.0.1", port_b)).is_err(),
        "B still listens"
    );
}

#[test]
fn workers_share_the_port_and_the_host_functions() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let server = Howth::builder()
        .source(
            "app.ts",
            r#"export default { fetch: () => new Response(`${Howth.workerId} ${Howth.ops.count()}`) };"#,
        )
        .port(0)
        .hostname("127.0.0.1")
        .workers(2)
        .function("count", move |_| {
            Ok((counter.fetch_add(1, Ordering::SeqCst) as f64).into())
        })
        .start()
        .expect("server starts");
    assert_eq!(server.workers(), 2);
    let mut ids = BTreeSet::new();
    for _ in 0..200 {
        let (status, body) = get(server.port(), "/");
        assert_eq!(status, 200);
        ids.insert(body.split(' ').next().unwrap().to_string());
        if ids.len() == 2 {
            break;
        }
    }
    assert_eq!(ids, BTreeSet::from(["0".to_string(), "1".to_string()]));
    assert!(served.load(Ordering::SeqCst) >= 2);
    server.stop();
    assert_eq!(server.wait(), Ok(()));
}

#[test]
fn a_file_entry_resolves_its_imports() {
    let script = common::TempScript::new(
        "main.ts",
        r#"
        import { greeting } from "./lib.ts";
        export default { fetch: () => new Response(greeting(Howth.args.join(","))) };
    "#,
    );
    script.add("lib.ts", "export const greeting = (s: string) => `hi ${s}`;");
    let server = Howth::builder()
        .file(&script.path)
        .args(["x", "y"])
        .port(0)
        .hostname("127.0.0.1")
        .start()
        .expect("server starts");
    assert_eq!(get(server.port(), "/"), (200, "hi x,y".to_string()));
}

#[test]
fn start_reports_what_went_wrong() {
    let err = |b: howth::Builder| b.start().err().expect("start fails");
    assert!(matches!(err(Howth::builder()), Error::Start(m) if m.contains("no entry module")));
    assert!(matches!(
        err(Howth::builder().file("/no/such/app.ts")),
        Error::Start(m) if m.contains("no such file")
    ));
    assert!(matches!(
        err(Howth::builder().source("app.ts", "x").serve_option("maxBogus", 1)),
        Error::Start(m) if m.contains("maxBogus")
    ));
    assert!(matches!(
        err(Howth::builder().source("../app.ts", "x")),
        Error::Start(m) if m.contains("file name")
    ));
    assert!(matches!(
        err(Howth::builder().source("app.ts", "export default {")),
        Error::Script(m) if m.contains("app.ts")
    ));
    assert!(matches!(
        err(Howth::builder().source("app.ts", "throw new Error('at load')")),
        Error::Script(m) if m.contains("at load")
    ));
}

/// A port that is really taken: the embedder gets `Error::Listen` naming
/// it (the process goes on: this test does), from the default export, from
/// `Howth.serve` after a top-level await, with two workers, and from the
/// event loop itself as `RuntimeError::Listen`.
#[test]
fn a_port_in_use_is_an_error_the_embedder_gets() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let in_use = format!("port {port} is already in use (127.0.0.1:{port})");
    let start = |code: &str, workers: usize| {
        Howth::builder()
            .source("app.ts", code)
            .hostname("127.0.0.1")
            .port(port)
            .workers(workers)
            .start()
            .err()
            .expect("start fails")
    };
    let default_export = start("export default { fetch: () => new Response('x') };", 1);
    assert_eq!(default_export, Error::Listen(in_use.clone()));
    assert_eq!(default_export.to_string(), format!("error: {in_use}"));
    assert_eq!(default_export.exit_code(), 1);
    let after_await = start(
        &format!(
            "await Promise.resolve();\nHowth.serve({{ port: {port}, hostname: '127.0.0.1' }}, () => new Response('x'));\n\
             console.log('not reached');"
        ),
        1,
    );
    assert_eq!(after_await, Error::Listen(in_use.clone()));
    assert_eq!(
        start("export default { fetch: () => new Response('x') };", 2),
        Error::Listen(in_use.clone())
    );

    let script = common::TempScript::new(
        "taken.ts",
        &format!("Howth.serve({{ port: {port}, hostname: '127.0.0.1' }}, () => new Response('x'));"),
    );
    let mut el = howth::EventLoop::new(&howth::RuntimeOptions::default()).unwrap();
    match el.run_file(&script.path) {
        Err(howth::RuntimeError::Listen(why)) => assert_eq!(why, in_use),
        other => panic!("want RuntimeError::Listen, got {other:?}"),
    }
    // The port is still the first listener's.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    drop(taken);
}

#[test]
fn serve_options_are_defaults_for_the_script() {
    let server = Howth::builder()
        .source(
            "app.ts",
            "export default { fetch: async (r: Request) => new Response(await r.text()) };",
        )
        .port(0)
        .hostname("127.0.0.1")
        .serve_option("maxBodyBytes", 4)
        .start()
        .expect("server starts");
    assert_eq!(
        request(server.port(), "POST", "/", b"1234"),
        (200, "1234".to_string())
    );
    assert_eq!(request(server.port(), "POST", "/", b"12345").0, 413);
}
