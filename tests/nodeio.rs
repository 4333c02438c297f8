//! The Node I/O built-ins where the differential harness cannot reach:
//! an embedded server whose async host functions and node:fs, node:zlib
//! and node:child_process share the worker pool. (The probes under
//! tests/node/probes/{fs,os,zlib,child_process}/ are compared with node by
//! tests/node/run.mjs, which `make test` runs.)

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

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
