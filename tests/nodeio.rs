//! The Node I/O built-ins (node:fs, node:fs/promises, node:os, node:zlib,
//! CompressionStream, node:child_process) against Node
//! itself: every probe under tests/node/probes/{fs,os,zlib,child_process}/ runs under `node`
//! and under `howth run`, and the two outputs must match line for line.
//! (A stand-in for the shared differential harness, tests/node/run.mjs,
//! until it is on main.)

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const MODULES: &[&str] = &["fs", "os", "zlib", "child_process"];

fn probes() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/probes");
    let mut out = Vec::new();
    for m in MODULES {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(m))
            .unwrap_or_else(|e| panic!("tests/node/probes/{m}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "mjs"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

fn stdout_of(cmd: &mut Command, what: &str, probe: &Path) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("spawn {what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} {} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        probe.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn io_probes_match_node_line_for_line() {
    let probes = probes();
    assert!(probes.len() >= 3, "no probes found");
    let mut failures = Vec::new();
    for probe in &probes {
        let node = stdout_of(Command::new("node").arg(probe), "node", probe);
        let howth = stdout_of(
            Command::new(common::howth()).arg("run").arg(probe),
            "howth",
            probe,
        );
        let (n, h): (Vec<&str>, Vec<&str>) = (node.lines().collect(), howth.lines().collect());
        assert!(n.len() > 5, "{}: node printed almost nothing", probe.display());
        for i in 0..n.len().max(h.len()) {
            let (a, b) = (
                n.get(i).copied().unwrap_or("<none>"),
                h.get(i).copied().unwrap_or("<none>"),
            );
            if a != b {
                failures.push(format!(
                    "{} line {}:\n  node:  {a}\n  howth: {b}",
                    probe.display(),
                    i + 1
                ));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "probes differ from node:\n{}",
        failures.join("\n")
    );
}

/// Async host functions and the Node I/O built-ins share one worker pool
/// and one completion queue; a server that uses both at once, with many
/// jobs in flight, gets every result back to the right promise or callback.
#[test]
fn host_calls_and_node_io_share_the_pool_and_its_queue() {
    let dir = std::env::temp_dir().join(format!("howth-nodeio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..20 {
        std::fs::write(dir.join(format!("f{i}.txt")), format!("file {i}")).unwrap();
    }
    let source = r#"
        import { readFile } from "node:fs/promises";
        import { readFile as readFileCb } from "node:fs";
        import { gzip, gunzipSync } from "node:zlib";
        import { execFile } from "node:child_process";
        const DIR = "__DIR__";
        export default {
          async fetch() {
            const files = Promise.all(Array.from({ length: 20 }, (_, i) => readFile(`${DIR}/f${i}.txt`, "utf8")));
            const doubled = Promise.all(Array.from({ length: 20 }, (_, i) => Howth.ops.double(i)));
            const viaCallback = new Promise((resolve, reject) =>
              readFileCb(`${DIR}/f7.txt`, "utf8", (err: Error | null, data?: string) => (err ? reject(err) : resolve(data))));
            const zipped = new Promise((resolve, reject) =>
              gzip("round trip", (err: Error | null, out?: Uint8Array) => (err ? reject(err) : resolve(new TextDecoder().decode(gunzipSync(out!))))));
            const child = new Promise((resolve, reject) =>
              execFile("echo", ["from a child"], (err: Error | null, out: unknown) => (err ? reject(err) : resolve(out))));
            const missing = readFile(`${DIR}/missing`).then(() => "read", (e: { code: string }) => e.code);
            return Response.json({
              files: await files, doubled: await doubled, viaCallback: await viaCallback,
              zipped: await zipped, child: await child, missing: await missing,
            });
          },
        };
    "#
    .replace("__DIR__", &dir.to_string_lossy());
    let server = howth::Howth::builder()
        .source("app.ts", &source)
        .port(0)
        .hostname("127.0.0.1")
        .async_function("double", |args| {
            Ok((args[0].as_f64().ok_or("a number")? * 2.0).into())
        })
        .start()
        .expect("server starts");
    for _ in 0..3 {
        let mut s = TcpStream::connect(("127.0.0.1", server.port())).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let r = common::read_response(&mut s).expect("a response");
        assert_eq!(r.status, 200, "{}", r.text());
        let v: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
        let files: Vec<String> = (0..20).map(|i| format!("file {i}")).collect();
        assert_eq!(v["files"], serde_json::json!(files));
        let doubled: Vec<i64> = (0..20).map(|i| i * 2).collect();
        assert_eq!(v["doubled"], serde_json::json!(doubled));
        assert_eq!(v["viaCallback"], "file 7");
        assert_eq!(v["zipped"], "round trip");
        assert_eq!(v["child"], "from a child\n");
        assert_eq!(v["missing"], "ENOENT");
    }
    server.stop();
    assert_eq!(server.wait(), Ok(()));
    let _ = std::fs::remove_dir_all(&dir);
}
