//! `howth` as a process: output, exit codes and error messages.
mod common;

use std::process::Command;

use common::*;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn version_and_help() {
    let out = Command::new(howth()).arg("--version").output().unwrap();
    assert!(out.status.success());
    let v = stdout(&out);
    assert!(
        v.starts_with(&format!("howth {}", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    assert!(v.contains("V8 10.2"), "{v}");
    let out = Command::new(howth()).arg("help").output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("run"));
}

#[test]
fn unknown_command_and_missing_file_exit_2() {
    let out = Command::new(howth()).arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("frobnicate"), "{}", stderr(&out));
    let out = Command::new(howth())
        .args(["run", "/nonexistent/x.ts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/x.ts"));
}

#[test]
fn console_output_goes_to_the_right_stream() {
    let s = TempScript::new(
        "c.ts",
        r#"const n: number = 42;
console.log("hello", n, { a: 1, b: "x" }, [1, 2, 3]);
console.error("oops");
console.log(new Map([["k", 1]]));
console.log(Howth.args.join(","));"#,
    );
    let out = run(&s.path, &["one", "--two"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let o = stdout(&out);
    let lines: Vec<&str> = o.lines().collect();
    assert_eq!(lines[0], "hello 42 { a: 1, b: 'x' } [ 1, 2, 3 ]");
    assert_eq!(lines[1], "Map(1) { 'k' => 1 }");
    assert_eq!(lines[2], "one,--two");
    assert_eq!(stderr(&out).trim(), "oops");
}

#[test]
fn syntax_error_names_file_line_and_column_and_exits_1() {
    let s = TempScript::new("bad.ts", "const a = 1;\nconst b: number = 2;\nconst c = (a +;\n");
    let out = run(&s.path, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bad.ts:3:"), "{err}");
    assert!(
        err.contains("const c = (a +;"),
        "the offending line is shown: {err}"
    );
}

#[test]
fn uncaught_exception_stack_is_mapped_to_typescript_lines() {
    // Type-only lines shift the generated code; the stack must not shift.
    let s = TempScript::new(
        "throws.ts",
        r#"interface Point {
  x: number;
  y: number;
}
type Pair = [Point, Point];

function explode(p: Point): never {
  throw new Error("exploded at " + p.x);
}

explode({ x: 1, y: 2 });
"#,
    );
    let out = run(&s.path, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("Error: exploded at 1"), "{err}");
    assert!(err.contains("throws.ts:8:"), "throw site mapped to line 8: {err}");
    assert!(
        err.contains("throws.ts:11:"),
        "call site mapped to line 11: {err}"
    );
}

#[test]
fn unhandled_rejection_exits_1() {
    let s = TempScript::new("rej.ts", "Promise.reject(new Error(\"nobody caught me\"));\n");
    let out = run(&s.path, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nobody caught me"));
}

#[test]
fn missing_import_names_importer_and_specifier() {
    let s = TempScript::new("main.ts", "import { x } from \"./nope\";\nconsole.log(x);\n");
    let out = run(&s.path, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("./nope") && err.contains("main.ts"), "{err}");
}

#[test]
fn unknown_node_builtin_is_one_line_and_exit_1() {
    let s = TempScript::new(
        "main.mjs",
        "import x from \"node:no-such-module\";\nconsole.log(x);\n",
    );
    let out = run(&s.path, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("No such built-in module: node:no-such-module"),
        "{err}"
    );
    assert!(err.contains("main.mjs"), "{err}");
}

#[test]
fn ts_lib_dir_override_is_compiled_at_start() {
    // A copy of ts-lib with one module added: the override serves it as a
    // built-in without a cargo build; without the override it is unknown.
    let lib = TempScript::new("unused.ts", "");
    let root = lib.dir.join("ts-lib");
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ts-lib"),
        &root,
    );
    std::fs::create_dir_all(root.join("node")).unwrap();
    std::fs::write(
        root.join("node/howth_probe.ts"),
        "export const answer = 42;\nexport default { answer };\n",
    )
    .unwrap();
    let s = TempScript::new(
        "main.mjs",
        "import p from \"node:howth_probe\";\nconsole.log(p.answer);\n",
    );
    let cache = TempScript::new("cache.txt", "");
    let with = Command::new(howth())
        .args(["run", s.path.to_str().unwrap()])
        .env("HOWTH_TS_LIB_DIR", &root)
        .env("HOWTH_CACHE_DIR", &cache.dir)
        .output()
        .unwrap();
    assert!(with.status.success(), "{}", stderr(&with));
    assert_eq!(stdout(&with).trim(), "42");
    let without = run(&s.path, &[]);
    assert_eq!(without.status.code(), Some(1));
    assert!(
        stderr(&without).contains("No such built-in module"),
        "{}",
        stderr(&without)
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

#[test]
fn modules_json_cycles_top_level_await_and_dynamic_import() {
    let s = TempScript::new(
        "main.ts",
        r#"import { a } from "./a.js";
import data from "./data.json" with { type: "json" };
const later = await new Promise<string>((r) => setTimeout(() => r("tla"), 10));
const dyn = await import("./b.ts");
console.log(a(), data.n, later, dyn.b(), import.meta.url.startsWith("file://"));
"#,
    );
    s.add(
        "a.ts",
        "import { b } from \"./b\";\nexport function a(): string { return \"a\" + b(); }\n",
    );
    s.add("b.ts", "import { a } from \"./a\";\nexport const b = (): string => (typeof a === \"function\" ? \"b\" : \"?\");\n");
    s.add("data.json", "{ \"n\": 42 }");
    let out = run(&s.path, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "ab 42 tla b true");
}

#[test]
fn typescript_features_compile() {
    let s = TempScript::new(
        "ts.ts",
        r#"enum Color { Red, Green = "g" }
namespace Geo { export const origin = 0; }
class P { constructor(public x: number, private y = 2) {} sum() { return this.x + this.y; } }
const t = { k: 1 } as const satisfies { k: number };
console.log(Color.Red, Color.Green, Geo.origin, new P(1).sum(), t.k);
"#,
    );
    let out = run(&s.path, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "0 g 0 3 1");
}

#[test]
fn exit_code_and_timers() {
    let s = TempScript::new(
        "t.ts",
        "let n = 0; const id = setInterval(() => { n++; if (n === 3) { clearInterval(id); console.log(\"done\", n); } }, 5);",
    );
    let out = run(&s.path, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "done 3");
}

/// ts-lib's startup snapshot: made on the first run into the cache
/// directory, used by the next, rebuilt when damaged, and never holding one
/// process's arguments or environment.
#[test]
fn startup_snapshot_is_made_once_reused_and_checked() {
    let script = TempScript::new(
        "snap.ts",
        "console.log(JSON.stringify([Howth.args, Howth.env.SNAP_MARK ?? null, typeof URL, typeof Response, new URL('http://a/b?c=d').searchParams.get('c')]));",
    );
    let cache = script.dir.join("cache");
    let run = |args: &[&str], mark: &str, snapshot: &str| {
        let out = Command::new(howth())
            .arg("run")
            .arg(&script.path)
            .args(args)
            .env("HOWTH_CACHE_DIR", &cache)
            .env("HOWTH_SNAPSHOT", snapshot)
            .env("SNAP_MARK", mark)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let snapshots = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&cache)
            .map(|d| d.flatten().map(|e| e.path()).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "v8snapshot"))
            .collect()
    };

    assert_eq!(
        run(&["x"], "one", "0"),
        "[[\"x\"],\"one\",\"function\",\"function\",\"d\"]\n"
    );
    assert!(snapshots().is_empty(), "HOWTH_SNAPSHOT=0 makes none");

    assert_eq!(
        run(&["a"], "first", "1"),
        "[[\"a\"],\"first\",\"function\",\"function\",\"d\"]\n"
    );
    let made = snapshots();
    assert_eq!(made.len(), 1, "the first run makes one snapshot");
    let bytes = std::fs::read(&made[0]).unwrap();
    assert!(bytes.len() > 100_000);

    // The second run starts from it: same globals, its own args and env.
    assert_eq!(
        run(&["b", "c"], "second", "1"),
        "[[\"b\",\"c\"],\"second\",\"function\",\"function\",\"d\"]\n"
    );
    assert!(std::fs::read(&made[0]).unwrap() == bytes, "reused, not rewritten");

    // A damaged file is noticed (V8 would abort on it) and replaced.
    let mut damaged = bytes.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x55;
    std::fs::write(&made[0], &damaged).unwrap();
    assert_eq!(
        run(&["c"], "third", "1"),
        "[[\"c\"],\"third\",\"function\",\"function\",\"d\"]\n"
    );
    let rewritten = std::fs::read(&made[0]).unwrap();
    assert!(
        rewritten != damaged && rewritten.len() > 100_000,
        "rewritten whole"
    );
    std::fs::write(&made[0], &bytes[..bytes.len() / 3]).unwrap();
    assert_eq!(
        run(&["d"], "fourth", "1"),
        "[[\"d\"],\"fourth\",\"function\",\"function\",\"d\"]\n"
    );
}

/// `make deps` writes a copy of libnode bound to its own functions
/// (scripts/symbolic-libnode.mjs) and the binary's rpath prefers it: the
/// process that serves maps that copy, not Debian's, and works on it.
#[test]
fn binary_loads_the_self_bound_libnode() {
    let server =
        Server::from_source("Howth.serve({ port: 0 }, (req) => ({ body: new URL(req.url).pathname }));");
    let res = server.get("/symbolic");
    assert_eq!(res.status, 200);
    assert_eq!(res.text(), "/symbolic");
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", server.child.id())).unwrap();
    let libnode: Vec<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| p.ends_with("/libnode.so.108"))
        .collect();
    assert!(!libnode.is_empty(), "libnode not mapped:\n{maps}");
    assert!(
        libnode
            .iter()
            .all(|p| p.ends_with(".deps/libnode-symbolic/libnode.so.108")),
        "expected the self-bound copy, got {libnode:?}"
    );
}

/// `howth bench http --url --pid --json`, the one HTTP measurement `make
/// bench` runs for every runtime, against a real server under wrk (which
/// `make deps` installs): a POST with a body (answered 200 only when it
/// arrived whole), one second, and the figures the harness reads. Then a server that answers 404: counted, and exit 1.
#[test]
fn bench_http_measures_a_running_server() {
    let server = Server::from_source(
        "Howth.serve({ port: 0 }, async (req) => {\n\
           const n = (await req.arrayBuffer()).byteLength;\n\
           const sent = req.method === 'POST' && n === 1000 && req.headers.get('content-type') === 'text/plain';\n\
           return new Response('', { status: req.url.endsWith('/gone') ? 404 : sent ? 200 : 400 });\n\
         });",
    );
    let body = TempScript::new("body.bin", &"x".repeat(1000));
    let raw = body.add("raw.txt", "");
    let measure = |path: &str| {
        Command::new(howth())
            .args([
                "bench", "http", "--load", "wrk", "--warmup", "0", "-d", "1s", "-c", "4",
            ])
            .args(["--method", "POST", "--content-type", "text/plain", "--json"])
            .arg("--body-file")
            .arg(&body.path)
            .arg("--raw")
            .arg(&raw)
            .arg("--url")
            .arg(format!("http://127.0.0.1:{}{path}", server.port))
            .arg("--pid")
            .arg(server.child.id().to_string())
            .output()
            .unwrap()
    };
    let out = measure("/");
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let j: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let ok = j["ok"].as_u64().unwrap();
    assert!(ok > 100, "{j}");
    assert_eq!(
        (j["errors"].as_u64(), j["non2xx"].as_u64()),
        (Some(0), Some(0)),
        "{j}"
    );
    assert!(j["rps"].as_f64().unwrap() > 100.0, "{j}");
    assert!(j["cpuTicks"].as_u64().unwrap() > 0, "the server worked: {j}");
    let cpu_us = j["cpuUsPerReq"].as_f64().unwrap();
    let ticks_us = j["cpuTicks"].as_f64().unwrap() / j["clkTck"].as_f64().unwrap() * 1e6;
    assert!((cpu_us - ticks_us / ok as f64).abs() < 1e-6, "{j}");
    assert!(j["peakRssMb"].as_f64().unwrap() > 5.0, "{j}");
    assert!(j["p50Ms"].as_f64().unwrap() > 0.0, "{j}");
    assert!(j["loadGenerator"].as_str().unwrap().starts_with("wrk"), "{j}");
    assert_eq!(j["problems"], serde_json::json!([]));
    // wrk's own output, with the summary line the figures came from.
    assert!(std::fs::read_to_string(&raw).unwrap().contains("HOWTH_WRK_JSON"));

    let out = measure("/gone");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(j["ok"].as_u64(), Some(0), "{j}");
    assert!(j["non2xx"].as_u64().unwrap() > 100, "{j}");
    assert_eq!(j["rps"].as_f64(), Some(0.0), "{j}");
    assert!(j["problems"].to_string().contains("non-2xx"), "{j}");
}

#[test]
fn bench_http_refuses_bad_combinations() {
    let run = |args: &[&str]| {
        Command::new(howth())
            .args(["bench", "http"])
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["--url", "http://127.0.0.1:1/"]);
    assert_eq!(o.status.code(), Some(2), "--url needs --pid");
    assert!(stderr(&o).contains("--pid"), "{}", stderr(&o));
    let o = run(&["--load", "oha", "--pipeline", "4"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("oha does not pipeline"), "{}", stderr(&o));
    let o = run(&["--load", "oha", "--mix", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--mix needs --load wrk"), "{}", stderr(&o));
    let o = run(&["--mix", "nonsense"]);
    assert_eq!(o.status.code(), Some(2), "clap refuses an unknown mix");
    let o = run(&[
        "--url",
        "http://127.0.0.1:1/",
        "--pid",
        "999999999",
        "--load",
        "wrk",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no server process 999999999"),
        "{}",
        stderr(&o)
    );
}

/// A port that is really taken: `howth run` prints one line naming it and
/// exits 1, with one worker or two.
#[test]
fn port_in_use_is_one_line_and_exit_1() {
    let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let script = TempScript::new("app.ts", "export default { fetch: () => new Response('x') };");
    for workers in ["1", "2"] {
        let out = Command::new(howth())
            .args(["run", "--port", &port.to_string(), "--workers", workers])
            .arg(&script.path)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(
            err,
            format!("error: port {port} is already in use (0.0.0.0:{port})\n"),
            "--workers {workers}"
        );
        assert_eq!(stdout(&out), "");
    }
}
