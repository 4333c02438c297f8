//! fetch() against an upstream these tests run in a thread: plain HTTP/1.1
//! on a local port, with routes for each behaviour (framing, encodings,
//! redirects, faults), counting the connections it accepts.

mod client_support;
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use client_support::{run_script, NodeTlsServer};

const GZIP: &[u8] = &[
    31, 139, 8, 0, 0, 0, 0, 0, 0, 3, 203, 72, 205, 201, 201, 87, 72, 43, 202, 207, 85, 72, 84, 72, 206, 207,
    45, 40, 74, 45, 46, 78, 77, 81, 72, 202, 79, 169, 84, 200, 24, 149, 28, 149, 36, 44, 9, 0, 9, 153, 185,
    239, 68, 2, 0, 0,
];
const BR: &[u8] = &[
    27, 67, 2, 248, 141, 148, 110, 222, 170, 4, 9, 27, 171, 182, 183, 22, 100, 144, 86, 24, 211, 44, 236, 96,
    207, 75, 220, 89, 229, 242, 224, 225, 0,
];
const DEFLATE: &[u8] = &[
    120, 156, 203, 72, 205, 201, 201, 87, 72, 43, 202, 207, 85, 72, 84, 72, 206, 207, 45, 40, 74, 45, 46, 78,
    77, 81, 72, 202, 79, 169, 84, 200, 24, 149, 28, 149, 36, 44, 9, 0, 106, 222, 213, 113,
];
const DEFLATE_RAW: &[u8] = &[
    203, 72, 205, 201, 201, 87, 72, 43, 202, 207, 85, 72, 84, 72, 206, 207, 45, 40, 74, 45, 46, 78, 77, 81,
    72, 202, 79, 169, 84, 200, 24, 149, 28, 149, 36, 44, 9, 0,
];

/// `zstd -19` of the same text.
const ZSTD: &[u8] = &[
    40, 181, 47, 253, 4, 104, 45, 1, 0, 232, 104, 101, 108, 108, 111, 32, 102, 114, 111, 109, 32, 97, 32, 99,
    111, 109, 112, 114, 101, 115, 115, 101, 100, 32, 98, 111, 100, 121, 32, 1, 0, 145, 0, 149, 114, 2, 250,
    128, 116, 73,
];

/// The upstream: routes by path; `accepted` counts connections.
struct Upstream {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

struct Req {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(r: &mut BufReader<TcpStream>) -> Option<Req> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if let Some(len) = get("content-length") {
        body.resize(len.parse().ok()?, 0);
        r.read_exact(&mut body).ok()?;
    } else if get("transfer-encoding").is_some() {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    Some(Req {
        method,
        path,
        headers,
        body,
    })
}

fn respond(s: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    let _ = s.write_all(&bytes);
}

fn json_escape(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

impl Upstream {
    fn start() -> Upstream {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let gate = Arc::new(Mutex::new(false));
        thread::spawn(move || {
            for s in l.incoming() {
                let Ok(s) = s else { break };
                count.fetch_add(1, Ordering::SeqCst);
                let gate = gate.clone();
                thread::spawn(move || serve(s, port, gate));
            }
        });
        Upstream { port, accepted }
    }
}

fn serve(mut s: TcpStream, port: u16, gate: Arc<Mutex<bool>>) {
    let mut r = BufReader::new(s.try_clone().unwrap());
    while let Some(req) = read_request(&mut r) {
        let header = |n: &str| {
            req.headers
                .iter()
                .find(|(k, _)| k == n)
                .map_or("", |(_, v)| v.as_str())
                .to_string()
        };
        match req.path.as_str() {
            "/json" => respond(
                &mut s,
                "200 OK",
                &[("content-type", "application/json")],
                b"{\"ok\":true}",
            ),
            "/echo" => {
                let body = format!(
                    "{{\"method\":{},\"body\":{},\"type\":{},\"ua\":{},\"accept\":{},\"encoding\":{},\"auth\":{},\"length\":{},\"chunked\":{},\"custom\":{}}}",
                    json_escape(&req.method),
                    json_escape(&String::from_utf8_lossy(&req.body)),
                    json_escape(&header("content-type")),
                    json_escape(&header("user-agent")),
                    json_escape(&header("accept")),
                    json_escape(&header("accept-encoding")),
                    json_escape(&header("authorization")),
                    json_escape(&header("content-length")),
                    json_escape(&header("transfer-encoding")),
                    json_escape(&header("x-custom")),
                );
                respond(
                    &mut s,
                    "200 OK",
                    &[("content-type", "application/json")],
                    body.as_bytes(),
                );
            }
            "/chunked" => {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n");
            }
            "/until-close" => {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nread until the end");
                return;
            }
            "/gzip" => respond(&mut s, "200 OK", &[("content-encoding", "gzip")], GZIP),
            "/br" => respond(&mut s, "200 OK", &[("content-encoding", "br")], BR),
            "/deflate" => respond(&mut s, "200 OK", &[("content-encoding", "deflate")], DEFLATE),
            "/deflate-raw" => respond(&mut s, "200 OK", &[("content-encoding", "deflate")], DEFLATE_RAW),
            "/zstd" => respond(&mut s, "200 OK", &[("content-encoding", "zstd")], ZSTD),
            // A frame cut short: the body must fail, not end early.
            "/zstd-cut" => respond(&mut s, "200 OK", &[("content-encoding", "zstd")], &ZSTD[..30]),
            "/see-other" => respond(&mut s, "303 See Other", &[("location", "/echo")], b""),
            "/cross" => {
                let to = format!("http://localhost:{port}/echo");
                respond(&mut s, "302 Found", &[("location", to.as_str())], b"");
            }
            "/loop" => respond(&mut s, "302 Found", &[("location", "/loop")], b""),
            p if p.starts_with("/redirect/") => {
                let n: u32 = p[10..].parse().unwrap_or(0);
                if n == 0 {
                    respond(&mut s, "200 OK", &[], b"landed");
                } else {
                    let to = format!("/redirect/{}", n - 1);
                    respond(&mut s, "301 Moved Permanently", &[("location", to.as_str())], b"");
                }
            }
            "/conflicting-length" => {
                let _ =
                    s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!");
                return;
            }
            "/bad-chunk" => {
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                );
                return;
            }
            "/huge-head" => {
                let big = "x".repeat(100 * 1024);
                let _ = s.write_all(format!("HTTP/1.1 200 OK\r\nx-big: {big}\r\n\r\n").as_bytes());
                return;
            }
            "/cut" => {
                // Announces 100 bytes, sends 10 and closes.
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789");
                return;
            }
            "/slow" => {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nfirst");
                thread::sleep(Duration::from_secs(3));
                return;
            }
            "/stream" => {
                // The first chunk now; the rest once /release was asked for.
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n");
                for _ in 0..500 {
                    if *gate.lock().unwrap() {
                        break;
                    }
                    thread::sleep(Duration::from_millis(5));
                }
                let _ = s.write_all(b"4\r\nlast\r\n0\r\n\r\n");
            }
            "/release" => {
                *gate.lock().unwrap() = true;
                respond(&mut s, "200 OK", &[], b"released");
            }
            "/big" => {
                let body = vec![b'b'; 8 << 20];
                respond(&mut s, "200 OK", &[], &body);
            }
            _ => respond(&mut s, "404 Not Found", &[], b"no such route"),
        }
    }
}

#[test]
fn methods_headers_bodies_and_defaults() {
    let up = Upstream::start();
    let base = format!("http://127.0.0.1:{}", up.port);
    let out = run_script(&format!(
        r#"
const base = "{base}";
const echo = async (init) => {{ const r = await fetch(base + "/echo", init); return r.json(); }};
const get = await echo();
console.log(get.method, get.accept, get.encoding, get.ua.startsWith("Howth/"), get.length === "");
const text = await echo({{ method: "POST", body: "hi there" }});
console.log(text.method, text.body, text.type, text.length);
const bytes = await echo({{ method: "PUT", body: new Uint8Array([104, 105]) }});
console.log(bytes.method, bytes.body, bytes.length, JSON.stringify(bytes.type));
const form = await echo({{ method: "POST", body: new URLSearchParams({{ a: "1", b: "x y" }}) }});
console.log(form.body, form.type);
const fd = new FormData(); fd.append("field", "value");
const multi = await echo({{ method: "POST", body: fd }});
console.log(multi.type.startsWith("multipart/form-data; boundary="), multi.body.includes('name="field"'));
const blob = await echo({{ method: "POST", body: new Blob(["blob body"], {{ type: "text/x-blob" }}) }});
console.log(blob.body, blob.type);
const stream = new ReadableStream({{ start(c) {{ c.enqueue(new TextEncoder().encode("streamed ")); c.enqueue(new TextEncoder().encode("body")); c.close(); }} }});
const chunked = await echo({{ method: "POST", body: stream, duplex: "half" }});
console.log(chunked.body, chunked.chunked);
const custom = await echo({{ headers: {{ "x-custom": "yes", "user-agent": "mine", authorization: "Bearer t" }} }});
console.log(custom.custom, custom.ua, custom.auth);
const empty = await echo({{ method: "POST" }});
console.log("empty post length", empty.length);
const res = await fetch(new Request(base + "/json"));
console.log(res.status, res.ok, res.headers.get("content-type"), res.url === base + "/json", await res.text());
const missing = await fetch(base + "/nope");
console.log(missing.status, missing.statusText, await missing.text());
"#
    ));
    assert_eq!(
        out,
        "GET */* gzip, deflate, br, zstd true true\n\
         POST hi there text/plain;charset=UTF-8 8\n\
         PUT hi 2 \"\"\n\
         a=1&b=x+y application/x-www-form-urlencoded;charset=UTF-8\n\
         true true\n\
         blob body text/x-blob\n\
         streamed body chunked\n\
         yes mine Bearer t\n\
         empty post length 0\n\
         200 true application/json true {\"ok\":true}\n\
         404 Not Found no such route\n"
    );
}

#[test]
fn framing_encodings_and_keep_alive_reuse() {
    let up = Upstream::start();
    let base = format!("http://127.0.0.1:{}", up.port);
    let out = run_script(&format!(
        r#"
const base = "{base}";
const expected = "hello from a compressed body ".repeat(20);
for (const p of ["/chunked", "/until-close"]) console.log(p, await (await fetch(base + p)).text());
for (const p of ["/gzip", "/br", "/deflate", "/deflate-raw", "/zstd"]) {{
  const r = await fetch(base + p);
  console.log(p, (await r.text()) === expected, r.headers.get("content-encoding"));
}}
const raw = await fetch(base + "/gzip", {{ decompress: false }});
console.log("raw gzip bytes", (await raw.arrayBuffer()).byteLength);
for (let i = 0; i < 5; i++) await (await fetch(base + "/json")).text();
const all = await Promise.all(Array.from({{ length: 20 }}, () => fetch(base + "/json").then((r) => r.json())));
console.log("parallel", all.every((j) => j.ok));
const big = await fetch(base + "/big");
console.log("big", (await big.arrayBuffer()).byteLength);
"#
    ));
    assert_eq!(
        out,
        "/chunked hello world\n/until-close read until the end\n\
         /gzip true gzip\n/br true br\n/deflate true deflate\n/deflate-raw true deflate\n/zstd true zstd\n\
         raw gzip bytes 57\nparallel true\nbig 8388608\n"
            .replace("57", &GZIP.len().to_string())
    );
    // /until-close and /gzip with decompress: false and each encoding used
    // connections of their own (the pool is per options); the five
    // sequential /json fetches reused one, the parallel ones opened at
    // most twenty.
    let accepted = up.accepted.load(Ordering::SeqCst);
    assert!(accepted <= 4 + 20, "accepted {accepted}");
}

#[test]
fn redirects() {
    let up = Upstream::start();
    let base = format!("http://127.0.0.1:{}", up.port);
    let out = run_script(&format!(
        r#"
const base = "{base}";
const r = await fetch(base + "/redirect/3");
console.log(r.status, await r.text(), r.redirected, r.url.endsWith("/redirect/0"));
const seeOther = await fetch(base + "/see-other", {{ method: "POST", body: "dropped" }});
const j = await seeOther.json();
console.log(j.method, JSON.stringify(j.body));
const cross = await (await fetch(base + "/cross", {{ headers: {{ authorization: "secret" }} }})).json();
console.log("auth across origins:", JSON.stringify(cross.auth));
const manual = await fetch(base + "/redirect/1", {{ redirect: "manual" }});
console.log(manual.status, manual.headers.get("location"));
try {{ await fetch(base + "/redirect/1", {{ redirect: "error" }}); }} catch (e) {{ console.log(e.name, e.cause.code); }}
try {{ await fetch(base + "/loop"); }} catch (e) {{ console.log(e.message, e.cause.message); }}
"#
    ));
    assert_eq!(
        out,
        "200 landed true true\nGET \"\"\nauth across origins: \"\"\n301 /redirect/0\n\
         TypeError ERR_FETCH_REDIRECT\nfetch failed more than 20 redirects\n"
    );
}

#[test]
fn bad_input_and_faults() {
    let up = Upstream::start();
    let base = format!("http://127.0.0.1:{}", up.port);
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = run_script(&format!(
        r#"
const base = "{base}";
const show = async (what, f) => {{
  try {{ await f(); console.log(what, "no error?!"); }}
  catch (e) {{ console.log(what, e.name, e.cause?.code ?? e.message); }}
}};
await show("conflicting length:", () => fetch(base + "/conflicting-length"));
await show("bad chunk:", async () => (await fetch(base + "/bad-chunk")).text());
await show("huge head:", () => fetch(base + "/huge-head"));
await show("cut body:", async () => (await fetch(base + "/cut")).text());
await show("cut zstd frame:", async () => (await fetch(base + "/zstd-cut")).text());
await show("refused:", () => fetch("http://127.0.0.1:{closed}/"));
await show("no such host:", () => fetch("http://no-such-host.invalid/"));
await show("bad scheme:", () => fetch("ftp://example.test/"));
await show("timeout:", async () => (await fetch(base + "/slow", {{ signal: AbortSignal.timeout(200) }})).text());
const ac = new AbortController(); ac.abort(new Error("gave up"));
await show("aborted:", () => fetch(base + "/json", {{ signal: ac.signal }}));
console.log("still fine:", (await fetch(base + "/json")).status);
const data = await fetch("data:text/plain;base64,aGVsbG8=");
console.log(data.headers.get("content-type"), await data.text(), await (await fetch("data:,a%20b")).text());
"#
    ));
    assert_eq!(
        out,
        "conflicting length: TypeError HPE_UNEXPECTED_CONTENT_LENGTH\n\
         bad chunk: TypeError HPE_INVALID_CHUNK_SIZE\n\
         huge head: TypeError HPE_HEADER_OVERFLOW\n\
         cut body: TypeError ECONNRESET\n\
         cut zstd frame: TypeError Z_DATA_ERROR\n\
         refused: TypeError ECONNREFUSED\n\
         no such host: TypeError ENOTFOUND\n\
         bad scheme: TypeError fetch: unsupported URL scheme \"ftp:\"\n\
         timeout: TimeoutError The operation was aborted due to timeout\n\
         aborted: Error gave up\n\
         still fine: 200\n\
         text/plain hello a b\n"
    );
}

#[test]
fn the_first_chunk_streams_through_a_handler_before_the_upstream_finishes() {
    let up = Upstream::start();
    let base = format!("http://127.0.0.1:{}", up.port);
    let out = run_script(&format!(
        r#"
const base = "{base}";
const server = Howth.serve({{ port: 0, onListen() {{}}, fetch: async () => {{
  const upstream = await fetch(base + "/stream");
  return new Response(upstream.body, {{ headers: {{ "content-type": "text/plain" }} }});
}} }});
const res = await fetch(`http://127.0.0.1:${{server.port}}/`);
const reader = res.body.getReader();
const first = await reader.read();
console.log("first:", new TextDecoder().decode(first.value));
await (await fetch(base + "/release")).text();
let rest = "";
for (;;) {{ const {{ value, done }} = await reader.read(); if (done) break; rest += new TextDecoder().decode(value); }}
console.log("rest:", rest);
server.stop();
"#
    ));
    assert_eq!(out, "first: first\nrest: last\n");
}

#[test]
fn sequential_fetches_reuse_one_connection_and_unread_bodies_do_not() {
    let up = Upstream::start();
    let base = format!("http://127.0.0.1:{}", up.port);
    let out = run_script(&format!(
        r#"
const base = "{base}";
for (let i = 0; i < 5; i++) await (await fetch(base + "/json")).json();
console.log("read");
"#
    ));
    assert_eq!(out, "read\n");
    assert_eq!(
        up.accepted.load(Ordering::SeqCst),
        1,
        "five fetches read to the end share one connection"
    );

    let up = Upstream::start();
    let base = format!("http://127.0.0.1:{}", up.port);
    let out = run_script(&format!(
        r#"
const base = "{base}";
const first = await fetch(base + "/stream");
await first.body.cancel();
console.log((await (await fetch(base + "/json")).json()).ok);
"#
    ));
    assert_eq!(out, "true\n");
    assert_eq!(
        up.accepted.load(Ordering::SeqCst),
        2,
        "a cancelled body's connection is not reused"
    );
}

#[test]
fn https_with_a_private_ca() {
    let up = NodeTlsServer::start(
        r#"
const https = require("https"), fs = require("fs");
let conns = 0;
const s = https.createServer({ key: fs.readFileSync(process.argv[2]), cert: fs.readFileSync(process.argv[3]) }, (req, res) => {
  res.setHeader("content-type", "text/plain");
  res.end(`secure ${req.method} ${req.url} conns=${conns}`);
});
s.on("secureConnection", () => conns++);
s.on("tlsClientError", () => {});
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
"#,
    );
    let port = up.port;
    let ca = serde_json::to_string(&up.ca).unwrap();
    let out = run_script(&format!(
        r#"
const ca = {ca};
const url = "https://localhost:{port}/x?y=1";
const a = await fetch(url, {{ tls: {{ ca }} }});
console.log(a.status, await a.text());
console.log(await (await fetch(url, {{ method: "POST", body: "b", tls: {{ ca }} }})).text());
const fail = async (what, u, init) => {{
  try {{ await fetch(u, init); console.log(what, "no error?!"); }}
  catch (e) {{ console.log(what, e.name, e.cause?.code); }}
}};
await fail("unknown CA:", url);
await fail("wrong name:", "https://127.0.0.1:{port}/", {{ tls: {{ ca, serverName: "other.test" }} }});
console.log("unverified:", (await fetch(url, {{ tls: {{ rejectUnauthorized: false }} }})).status);
"#
    ));
    assert_eq!(
        out,
        "200 secure GET /x?y=1 conns=1\nsecure POST /x?y=1 conns=1\n\
         unknown CA: TypeError UNABLE_TO_VERIFY_LEAF_SIGNATURE\n\
         wrong name: TypeError ERR_TLS_CERT_ALTNAME_INVALID\nunverified: 200\n"
    );
}
