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
    let file = app("listen.js");
    let run = |program: &str, args: &[&str]| {
        let out = Command::new(program).args(args).arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let node = run("node", &[]);
    assert!(node.contains("EADDRINUSE"), "{node}");
    assert_eq!(run(howth(), &["run"]), node);
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
