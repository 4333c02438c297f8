//! node:http's server on Howth's loop. The apps under tests/npm-http/apps
//! run under `node` and under `howth run`; the same raw requests go to
//! both over real sockets and the answers must match (status, headers,
//! body), less what each server adds on its own (Date, Connection,
//! Keep-Alive) and the framing (Content-Length or chunked), which the
//! tests check separately where Howth promises one.
//! The loop's request hardening guards a node:http server as it guards
//! Howth.serve: the bad requests of tests/hardening.rs are refused here too.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{howth, is_closed, read_response_for, Response};

fn app(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/npm-http/apps")
        .join(name)
}

/// A server process (node or howth) running one app; killed on drop.
struct App {
    child: Child,
    port: u16,
}

impl App {
    fn start(program: &str, args: &[&str], file: &Path) -> App {
        let mut child = Command::new(program)
            .args(args)
            .arg(file)
            .current_dir(file.parent().unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        let port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.trim().trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("{program} {}: no port in {line:?}", file.display())
            });
        // Keep draining stdout so a chatty app never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        App { child, port }
    }

    fn howth(file: &Path) -> App {
        App::start(howth(), &["run"], file)
    }

    fn node(file: &Path) -> App {
        App::start("node", &[], file)
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s
    }

    /// One request on a fresh connection.
    fn exchange(&self, raw: &str) -> Response {
        let mut s = self.connect();
        s.write_all(raw.as_bytes()).unwrap();
        read_response_for(&mut s, raw.starts_with("HEAD "))
            .unwrap_or_else(|| panic!("no response to {raw:?}"))
    }

    fn get(&self, path: &str) -> Response {
        self.exchange(&format!(
            "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        ))
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What both servers must agree on: status, the headers the app set (in
/// order, names as written), and the body with the port made neutral.
fn comparable(r: &Response, port: u16) -> String {
    const SERVER_OWN: [&str; 5] = [
        "date",
        "connection",
        "keep-alive",
        "content-length",
        "transfer-encoding",
    ];
    let mut out = format!("{}\n", r.status);
    for (name, value) in &r.headers {
        if !SERVER_OWN.contains(&name.to_ascii_lowercase().as_str()) {
            out.push_str(&format!("{name}: {value}\n"));
        }
    }
    out.push('\n');
    out.push_str(&r.text().replace(&port.to_string(), "PORT"));
    out
}

fn assert_same(requests: &[&str], file: &Path) {
    let node = App::node(file);
    let ours = App::howth(file);
    for raw in requests {
        let expected = comparable(&node.exchange(raw), node.port);
        let got = comparable(&ours.exchange(raw), ours.port);
        assert_eq!(
            got,
            expected,
            "{}: howth's answer to {raw:?} differs from node's",
            file.display()
        );
    }
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
}

#[test]
fn plain_app_answers_as_node_does() {
    let requests = [
        get("/"),
        get("/nope?x=1"),
        "GET /echo?q=1 HTTP/1.1\r\nHost: t\r\nAccept: a\r\naccept: b\r\nCookie: c=1\r\nCookie: d=2\r\nUser-Agent: one\r\nUser-Agent: two\r\nX-Mixed-Case: v\r\nConnection: close\r\n\r\n".to_string(),
        "GET /echo HTTP/1.0\r\nHost: t\r\n\r\n".to_string(),
        "POST /body HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world".to_string(),
        "PUT /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nchunk\r\n3\r\ned!\r\n0\r\n\r\n".to_string(),
        get("/stream"),
        get("/head"),
        get("/flat"),
        get("/headers"),
        get("/sent"),
        get("/empty"),
        get("/notmod"),
        get("/async"),
        get("/finish"),
        get("/events"),
        get("/big"),
        "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".to_string(),
        "HEAD /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".to_string(),
    ];
    let requests: Vec<&str> = requests.iter().map(String::as_str).collect();
    assert_same(&requests, &app("plain.js"));
}

#[test]
fn framing_content_length_when_ended_at_once_chunked_when_streamed() {
    let server = App::howth(&app("plain.js"));
    let whole = server.get("/");
    assert_eq!(whole.header("content-length"), Some("5"));
    assert_eq!(whole.text(), "hello");
    let streamed = server.get("/stream");
    assert_eq!(streamed.header("transfer-encoding"), Some("chunked"));
    assert_eq!(streamed.text(), "one,two,three");
    // 64 writes of 64 KiB: write() returned false and 'drain' resumed it.
    let big = server.get("/big");
    assert_eq!(big.body.len(), 64 * 64 * 1024 + "\nsent=64".len());
    let head = server.exchange("HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_eq!(head.header("content-length"), Some("5"));
}

#[test]
fn keep_alive_and_pipelined_requests_answer_in_order() {
    let server = App::howth(&app("plain.js"));
    let mut s = server.connect();
    // An async answer between two synchronous ones holds neither back out of order.
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /async HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let texts: Vec<String> = (0..3)
        .map(|_| read_response_for(&mut s, false).expect("response").text())
        .collect();
    assert_eq!(texts, ["hello", "later", "no route for /nope"]);
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    assert_eq!(read_response_for(&mut s, false).unwrap().text(), "hello");
}

#[test]
fn a_throwing_listener_is_a_500_and_the_server_stays_up() {
    let server = App::howth(&app("plain.js"));
    let r = server.get("/throws");
    assert_eq!(r.status, 500);
    assert_eq!(server.get("/").text(), "hello");
}

#[test]
fn listen_errors_and_header_checks_match_node() {
    let node = same_output_as_node(&app("listen.js"));
    assert!(node.contains("EADDRINUSE"), "{node}");
}

/// The loop refuses these before JavaScript sees them, for node:http too.
#[test]
fn bad_requests_are_refused_as_by_howth_serve() {
    let server = App::howth(&app("plain.js"));
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(20_000));
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "b".repeat(70_000)
    );
    let cases: [(&str, u16); 7] = [
        (
            "POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n",
            400,
        ),
        ("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        ("POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: t\r\nX-Fold: a\r\n b\r\n\r\n", 400),
        ("POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (&long_target, 414),
        (&big_header, 431),
    ];
    for (raw, status) in cases {
        let mut s = server.connect();
        let _ = s.write_all(raw.as_bytes());
        let r = read_response_for(&mut s, false).unwrap_or_else(|| panic!("no answer to {:.60?}", raw));
        assert_eq!(r.status, status, "{:.80?}", raw);
        assert!(is_closed(&mut s), "connection left open after {status}");
    }
    assert_eq!(server.get("/").text(), "hello");
}

#[test]
fn headers_timeout_cuts_off_a_slow_client_with_408() {
    let server = App::howth(&app("timeouts.js"));
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n").unwrap();
    // Never finishes the head: the server's headersTimeout (300 ms) answers.
    let r = read_response_for(&mut s, false).expect("a 408");
    assert_eq!(r.status, 408);
    assert!(is_closed(&mut s));
    assert_eq!(server.get("/").text(), "ok");
}

/// Express's requests: body parsers, router params, cookies, redirects,
/// static files with ETag and 304, error middleware, async errors.
fn express_requests() -> Vec<String> {
    let post = |path: &str, ctype: &str, body: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    vec![
        get("/"),
        get("/json"),
        get("/users/42?sort=asc&tags=a"),
        post("/users/7/items/x9", "application/json", r#"{"qty":3,"tags":["a","b"]}"#),
        post("/form", "application/x-www-form-urlencoded", "name=Ada+L&age=36"),
        post("/users/7/items/x9", "application/json", "{not json"),
        "GET /cookies HTTP/1.1\r\nHost: t\r\nCookie: a=1; b=two\r\nConnection: close\r\n\r\n".to_string(),
        get("/old"),
        get("/moved"),
        "GET /headers HTTP/1.1\r\nHost: example.test\r\nUser-Agent: probe\r\nX-Requested-With: XMLHttpRequest\r\nConnection: close\r\n\r\n".to_string(),
        get("/sync-error"),
        get("/async-error"),
        get("/send-buffer"),
        get("/end"),
        get("/static/hello.txt"),
        get("/static/"),
        get("/static/missing.txt"),
        get("/nowhere"),
        "HEAD /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".to_string(),
    ]
}

/// A static file's ETag from `server`, then the conditional request with it.
fn conditional_static(server: &App) -> (Response, Response) {
    let first = server.get("/static/hello.txt");
    let etag = first
        .header("etag")
        .expect("express.static sends an ETag")
        .to_string();
    let again = server.exchange(&format!(
        "GET /static/hello.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"
    ));
    (first, again)
}

fn express_matches_node(file: &str) {
    let file = app(file);
    let requests = express_requests();
    let requests: Vec<&str> = requests.iter().map(String::as_str).collect();
    assert_same(&requests, &file);
    let ours = App::howth(&file);
    let (first, again) = conditional_static(&ours);
    assert_eq!(first.status, 200);
    assert_eq!(first.text(), "static hello\n");
    assert_eq!(again.status, 304, "If-None-Match with the ETag");
    assert!(again.body.is_empty());
}

#[test]
fn express_4_app_matches_node() {
    express_matches_node("express4.js");
}

#[test]
fn express_5_app_matches_node() {
    express_matches_node("express5.js");
}

/// Koa: middleware order, ctx.body as text, JSON, Buffer and streams
/// (Readable.from and fs.createReadStream), ctx.throw, redirects, cookies.
#[test]
fn koa_app_matches_node() {
    let echo = r#"{"k":1}"#;
    let requests = [
        get("/"),
        "GET /json?a=1&b=2 HTTP/1.1\r\nHost: t\r\nUser-Agent: probe\r\nConnection: close\r\n\r\n".to_string(),
        get("/buffer"),
        get("/stream"),
        get("/file"),
        format!(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{echo}",
            echo.len()
        ),
        get("/teapot"),
        get("/crash"),
        get("/go"),
        "GET /cookie HTTP/1.1\r\nHost: t\r\nCookie: a=7\r\nConnection: close\r\n\r\n".to_string(),
        get("/empty"),
        get("/missing"),
        "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".to_string(),
    ];
    let requests: Vec<&str> = requests.iter().map(String::as_str).collect();
    assert_same(&requests, &app("koa.js"));
    let ours = App::howth(&app("koa.js"));
    let streamed = ours.get("/stream");
    assert_eq!(streamed.text(), "chunk1 chunk2 chunk3");
    assert_eq!(ours.get("/file").text(), "static hello\n");
}

/// Runs `file` to completion with `program`; its stdout.
fn run_script(program: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(program).args(args).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `file` under node and under howth; asserts the same stdout and
/// returns node's.
fn same_output_as_node(file: &Path) -> String {
    let node = run_script("node", &[], file);
    assert_eq!(run_script(howth(), &["run"], file), node, "{}", file.display());
    node
}

#[test]
fn http2_module_shape_matches_node_and_its_entry_points_say_not_implemented() {
    let node = same_output_as_node(&app("http2_shape.js"));
    assert!(node.contains("HTTP2_HEADER_STATUS :status"), "{node}");
    let missing = run_script(howth(), &["run"], &app("http2_missing.js"));
    assert_eq!(
        missing,
        "createServer ERR_NOT_IMPLEMENTED http2.createServer is not implemented in Howth yet\n\
         createSecureServer ERR_NOT_IMPLEMENTED http2.createSecureServer is not implemented in Howth yet\n\
         connect ERR_NOT_IMPLEMENTED http2.connect is not implemented in Howth yet\n"
    );
}

/// Fastify (which imports node:http2): schema validation of params, query
/// and body, hooks, a plugin with a prefix and a decorator, async handlers,
/// reply.code/header, thrown errors and 404s.
#[test]
fn fastify_app_matches_node() {
    let post = |path: &str, body: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let requests = [
        get("/"),
        get("/json"),
        get("/api/hello"),
        post("/api/items/12?verbose=true", r#"{"name":"bolt","qty":3}"#),
        post("/api/items/12", r#"{"name":"","qty":0}"#),
        post("/api/items/abc", r#"{"name":"bolt","qty":3}"#),
        post("/api/items/12", "{broken"),
        get("/teapot"),
        get("/boom"),
        get("/nowhere"),
        "HEAD /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".to_string(),
    ];
    let requests: Vec<&str> = requests.iter().map(String::as_str).collect();
    assert_same(&requests, &app("fastify.js"));
}
