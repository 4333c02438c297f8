//! Requests per second inside the process: a batch of N parsed requests
//! dispatched into V8 and the responses collected, for five handlers.
//!
//! Two groups, both with batches of 1, 16 and 256 requests:
//!
//! - `dispatch_js`: no sockets. A `howth_runtime::Runtime` with ts-lib
//!   bootstrapped as in `howth run`, and bench ops standing in for the
//!   loop's HTTP ops (loop/src/http_ops.rs): the request accessors read
//!   heads parsed by `howth_parser` out of one pipelined buffer, and
//!   `respond` validates the headers and serialises the response (status
//!   line, Date, Content-Type, Content-Length, body) into a Vec, as the real
//!   op does into a connection's write buffer. The measured path is ts-lib's
//!   real `dispatch` (ts-lib/server.ts) → the handler → one `respond` per
//!   request, then the microtask checkpoint the loop runs after a batch.
//!   Parsing is not included (parser/benches/parse.rs measures it).
//! - `loop_loopback`: the real `howth_loop::EventLoop`, its real ops, over
//!   loopback TCP in this thread. Each iteration writes N pipelined
//!   requests on one keep-alive connection, then turns the loop until the
//!   client has read all N responses. Everything is in it: epoll, read(),
//!   parsing, dispatch, write(), and the client's own write() and read()
//!   (the socket cost is part of these figures; compare with `dispatch_js`
//!   to see it).
//!
//! Criterion reports time per batch and elements/s; ns per request is
//! 1e9 / (elements/s). Run: `cargo bench -p howth-loop --bench dispatch`.

use std::hint::black_box;
use std::io::{ErrorKind as IoErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use howth_loop::{EventLoop, StopHandle};
use howth_parser::{
    is_valid_header_name, is_valid_header_value, parse_request, status_allows_body, write_content_length,
    write_header, write_status_line, DateCache, Limits, RequestHead, Status,
};
use howth_runtime::{CallArgs, ErrorKind, Kind, Runtime, RuntimeOptions, RuntimeState, Value};

/// What oha sends (and what the `make bench` hello scenario answers).
const REQUEST: &[u8] =
    b"GET / HTTP/1.1\r\nHost: localhost:3000\r\nUser-Agent: oha/1.4.5\r\nAccept: */*\r\n\r\n";

const BATCHES: [usize; 3] = [1, 16, 256];

/// The handlers measured, in server-id order: (bench name, `fetch` source).
const HANDLERS: [(&str, &str); 5] = [
    ("plain_object", r#"() => ({ body: "Hi" })"#),
    // What benches/apps/howth.ts answers: a headers object to flatten and check.
    (
        "plain_with_headers",
        r#"() => ({ headers: { "content-type": "text/plain;charset=utf-8" }, body: "Hi" })"#,
    ),
    ("new_response", r#"() => new Response("Hi")"#),
    (
        "response_json",
        r#"() => Response.json({ message: "Hello, World!", n: 42, items: [1, 2, 3] })"#,
    ),
    (
        "read_url_and_ua",
        r#"(req) => { const url = req.url; const ua = req.headers.get("user-agent"); if (url.length + ua.length < 0) throw url; return { body: "Hi" }; }"#,
    ),
];

/// The entry module: one server per handler, quiet, on an ephemeral port.
fn write_entry(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("howth-dispatch-bench-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut src = String::new();
    for (_, fetch) in HANDLERS {
        src.push_str(&format!(
            "Howth.serve({{ port: 0, hostname: \"127.0.0.1\", onListen() {{}} }}, {fetch});\n"
        ));
    }
    let entry = dir.join("handlers.ts");
    std::fs::write(&entry, src).expect("write entry");
    entry
}

// ---- dispatch_js: ts-lib's dispatch over bench ops, no sockets -------------------

/// What the bench ops work on: one batch of parsed requests and the output.
struct Bench {
    /// N pipelined requests, as a connection's read buffer holds them.
    rbuf: Vec<u8>,
    heads: Vec<RequestHead>,
    offsets: Vec<usize>,
    answered: Vec<bool>,
    len: usize,
    server: usize,
    servers: usize,
    dispatch: Option<Value>,
    date: DateCache,
    batch_start: Instant,
    hdr_bytes: Vec<u8>,
    hdr_ends: Vec<u32>,
    scratch: Vec<u8>,
    /// Every response of the batch, serialised.
    out: Vec<u8>,
    responses: usize,
    flushes: usize,
}

type State = RuntimeState<Bench>;

impl Bench {
    fn new() -> Bench {
        Bench {
            rbuf: Vec::new(),
            heads: Vec::new(),
            offsets: Vec::new(),
            answered: Vec::new(),
            len: 0,
            server: 0,
            servers: 0,
            dispatch: None,
            date: DateCache::new(),
            batch_start: Instant::now(),
            hdr_bytes: Vec::with_capacity(256),
            hdr_ends: Vec::with_capacity(32),
            scratch: Vec::with_capacity(64),
            out: Vec::with_capacity(1 << 20),
            responses: 0,
            flushes: 0,
        }
    }

    /// Fills the batch with `n` copies of REQUEST, parsed as the loop does.
    fn load(&mut self, n: usize) {
        self.rbuf = REQUEST.repeat(n);
        self.heads.clear();
        self.offsets.clear();
        let limits = Limits::default();
        let mut at = 0;
        while at < self.rbuf.len() {
            let mut head = RequestHead::with_header_capacity(32);
            match parse_request(&self.rbuf[at..], &limits, &mut head) {
                Ok(Status::Complete) => {}
                other => panic!("bench request does not parse: {other:?}"),
            }
            self.offsets.push(at);
            at += head.head_len;
            self.heads.push(head);
        }
        assert_eq!(self.heads.len(), n);
        self.answered = vec![false; n];
        self.len = n;
    }

    fn request(&self, r: i32) -> Option<(&[u8], &RequestHead)> {
        let r = usize::try_from(r).ok().filter(|&r| r < self.len)?;
        Some((&self.rbuf[self.offsets[r]..], &self.heads[r]))
    }
}

fn register_bench_ops(rt: &mut Runtime<Bench>) {
    let iso = rt.isolate();
    iso.set_op("serve", op_serve);
    iso.set_op("serveRustOnly", op_unsupported);
    iso.set_op("serverStop", op_noop);
    iso.set_op("setDispatch", op_set_dispatch);
    iso.set_op("setDrainCallback", op_noop);
    iso.set_op("batchServer", op_batch_server);
    iso.set_op("reqMethod", op_req_method);
    iso.set_op("reqTarget", op_req_target);
    iso.set_op("reqHost", op_req_host);
    iso.set_op("reqUrl", op_req_url);
    iso.set_op("reqHeader", op_req_header);
    iso.set_op("reqHeaders", op_unsupported);
    iso.set_op("reqBody", op_unsupported);
    iso.set_op("reqBodyText", op_unsupported);
    iso.set_op("reqRemote", op_unsupported);
    iso.set_op("reqClosed", op_unsupported);
    iso.set_op("defer", op_unsupported);
    iso.set_op("respond", op_respond);
    iso.set_op("respondStart", op_unsupported);
    iso.set_op("respondChunk", op_unsupported);
    iso.set_op("respondEnd", op_unsupported);
}

fn op_noop(_: &mut State, _: &mut CallArgs<'_>) {}

fn op_unsupported(_: &mut State, args: &mut CallArgs<'_>) {
    args.throw(ErrorKind::Error, "not available in the dispatch benchmark");
}

fn op_serve(state: &mut State, args: &mut CallArgs<'_>) {
    let id = state.ext.servers;
    state.ext.servers += 1;
    args.return_numbers(&[id as f64, 3000.0]);
}

fn op_set_dispatch(state: &mut State, args: &mut CallArgs<'_>) {
    state.ext.dispatch = Some(args.value(0));
}

fn op_batch_server(state: &mut State, args: &mut CallArgs<'_>) {
    args.return_int(state.ext.server as i32);
}

fn op_req_method(state: &mut State, args: &mut CallArgs<'_>) {
    match state.ext.request(args.int(0)) {
        Some((buf, head)) => args.return_latin1(head.method.get(buf)),
        None => args.return_undefined(),
    }
}

fn op_req_target(state: &mut State, args: &mut CallArgs<'_>) {
    match state.ext.request(args.int(0)) {
        Some((buf, head)) => args.return_latin1(head.target.get(buf)),
        None => args.return_undefined(),
    }
}

fn op_req_host(state: &mut State, args: &mut CallArgs<'_>) {
    match state.ext.request(args.int(0)) {
        Some((buf, head)) => args.return_latin1(head.host.map(|h| h.get(buf)).unwrap_or(b"")),
        None => args.return_undefined(),
    }
}

/// As the loop's: one flat `http://<Host><target>`, or "" to fall back.
fn op_req_url(state: &mut State, args: &mut CallArgs<'_>) {
    let ext = &mut state.ext;
    let Some((buf, head)) = ext.request(args.int(0)) else {
        return args.return_undefined();
    };
    let mut url = Vec::new();
    head.write_origin_url(buf, &mut url);
    args.return_latin1(&url);
}

/// As the loop's: the name is compared without case; repeats are joined.
fn op_req_header(state: &mut State, args: &mut CallArgs<'_>) {
    let ext = &mut state.ext;
    ext.scratch.clear();
    args.append_utf8(1, &mut ext.scratch);
    let Some((buf, head)) = ext.request(args.int(0)) else {
        return args.return_null();
    };
    let name = &ext.scratch;
    let mut found: Option<&[u8]> = None;
    let mut joined: Vec<u8> = Vec::new();
    for (n, value) in head.headers(buf) {
        if n.eq_ignore_ascii_case(name) {
            match found {
                None => found = Some(value),
                Some(first) => {
                    if joined.is_empty() {
                        joined.extend_from_slice(first);
                    }
                    joined.extend_from_slice(b", ");
                    joined.extend_from_slice(value);
                }
            }
        }
    }
    match (found, joined.is_empty()) {
        (None, _) => args.return_null(),
        (Some(one), true) => args.return_latin1(one),
        (Some(_), false) => args.return_latin1(&joined),
    }
}

/// The loop's `respond`, minus the connection: the same checks, the same
/// head (static status line, cached Date, default text/plain for a string
/// body without headers, Content-Length), the body copied once from V8.
fn op_respond(state: &mut State, args: &mut CallArgs<'_>) {
    let ext = &mut state.ext;
    let r = args.int(0);
    let status = args.int(1);
    if !(100..=999).contains(&status) {
        return args.throw(ErrorKind::RangeError, &format!("invalid status code {status}"));
    }
    ext.hdr_bytes.clear();
    ext.hdr_ends.clear();
    let has_headers = match args.kind(3) {
        Kind::Undefined | Kind::Null => false,
        Kind::Array => match args.strings_into(3, &mut ext.hdr_bytes, &mut ext.hdr_ends) {
            Some(n) if n % 2 == 0 => true,
            _ => return args.throw(ErrorKind::TypeError, "headers must be name/value pairs"),
        },
        // The loop's built-in set 1: content-type: application/json.
        Kind::Int if args.int(3) == 1 => {
            ext.hdr_bytes.extend_from_slice(b"content-typeapplication/json");
            ext.hdr_ends.extend_from_slice(&[12, 28]);
            true
        }
        _ => return args.throw(ErrorKind::TypeError, "headers must be an array of strings"),
    };
    let body_kind = args.kind(2);
    let len = match body_kind {
        Kind::Undefined | Kind::Null => 0,
        Kind::String => args.utf8_len(2),
        Kind::View | Kind::ArrayBuffer => args.bytes_len(2),
        _ => return args.throw(ErrorKind::TypeError, "bad response body"),
    };
    let Some(answered) = usize::try_from(r)
        .ok()
        .and_then(|r| ext.answered[..ext.len].get_mut(r))
    else {
        return;
    };
    if *answered {
        return;
    }
    *answered = true;
    let out = &mut ext.out;
    let status = status as u16;
    write_status_line(out, status);
    let mut start = 0;
    for pair in ext.hdr_ends.chunks_exact(2) {
        let (mid, end) = (pair[0] as usize, pair[1] as usize);
        let (name, value) = (&ext.hdr_bytes[start..mid], &ext.hdr_bytes[mid..end]);
        start = end;
        if !is_valid_header_name(name) || !is_valid_header_value(value) {
            return args.throw(ErrorKind::TypeError, "invalid header");
        }
        if name.eq_ignore_ascii_case(b"content-length")
            || name.eq_ignore_ascii_case(b"transfer-encoding")
            || name.eq_ignore_ascii_case(b"connection")
        {
            continue;
        }
        write_header(out, name, value);
    }
    out.extend_from_slice(ext.date.header_line());
    let body_allowed = status_allows_body(status);
    if !has_headers && body_kind == Kind::String && body_allowed {
        out.extend_from_slice(b"Content-Type: text/plain;charset=utf-8\r\n");
    }
    if body_allowed {
        write_content_length(out, len as u64);
    }
    out.extend_from_slice(b"\r\n");
    if body_allowed {
        match body_kind {
            Kind::String => {
                args.append_utf8(2, out);
            }
            Kind::View | Kind::ArrayBuffer => {
                args.append_bytes(2, out);
            }
            _ => {}
        }
    }
    ext.responses += 1;
    // The loop checks its batch time bound after every response.
    if ext.batch_start.elapsed() > Duration::from_millis(1) {
        ext.flushes += 1;
    }
}

/// One batch: `dispatch(n)` into ts-lib, then the microtask checkpoint.
fn dispatch_batch(rt: &mut Runtime<Bench>) -> usize {
    let ext = &mut rt.state().ext;
    ext.out.clear();
    ext.responses = 0;
    let n = ext.len;
    ext.answered[..n].fill(false);
    ext.batch_start = Instant::now();
    let dispatch = ext
        .dispatch
        .take()
        .expect("ts-lib registered a dispatch function");
    let result = rt.isolate().call_with_int(&dispatch, n as i32);
    rt.state().ext.dispatch = Some(dispatch);
    if let Err(e) = result {
        panic!("dispatch threw: {e}");
    }
    rt.run_microtasks().expect("microtasks");
    rt.state().ext.responses
}

fn bench_dispatch_js(c: &mut Criterion) {
    let mut rt = Runtime::new(Bench::new(), &RuntimeOptions::default());
    register_bench_ops(&mut rt);
    rt.run_main(&write_entry("js")).expect("handlers load");
    assert_eq!(rt.state().ext.servers, HANDLERS.len());
    rt.state().ext.date.refresh(SystemTime::now());

    let mut group = c.benchmark_group("dispatch_js");
    for n in BATCHES {
        rt.state().ext.load(n);
        group.throughput(Throughput::Elements(n as u64));
        for (server, (name, _)) in HANDLERS.iter().enumerate() {
            rt.state().ext.server = server;
            // Every request answered, with a well-formed 200.
            assert_eq!(
                dispatch_batch(&mut rt),
                n,
                "{name}: not every request was answered"
            );
            let out = String::from_utf8_lossy(&rt.state().ext.out).into_owned();
            assert_eq!(out.matches("HTTP/1.1 200 OK\r\n").count(), n, "{name}: {out}");
            group.bench_with_input(BenchmarkId::new(*name, n), &n, |b, &n| {
                b.iter(|| {
                    let answered = dispatch_batch(&mut rt);
                    debug_assert_eq!(answered, n);
                    black_box(answered)
                })
            });
        }
    }
    group.finish();
    let flushes = rt.state().ext.flushes;
    if flushes > 0 {
        eprintln!("note: {flushes} responses came after a batch's 1 ms bound (the loop would flush early)");
    }
}

// ---- loop_loopback: the real EventLoop over loopback TCP --------------------------

struct Client {
    sock: TcpStream,
    /// The bytes of one response (constant: the Date header has a fixed width).
    response_len: usize,
    buf: Vec<u8>,
}

/// Turns the loop until `client` has read `want` bytes. The loop's poll has
/// no timeout when it has no timers, and after a turn the server may have
/// nothing left to do while the last bytes are still on their way to the
/// client, so every turn after the first is preceded by a wake-up (through
/// the loop's StopHandle: `turn` does not look at the stop flag, only `run`
/// does) and can never block. With 1 and 16 requests one turn does it; 256
/// responses may take a second turn after a partial write.
fn turn_until_read(el: &mut EventLoop, wake: &StopHandle, client: &mut Client, want: usize) {
    let mut got = 0;
    let mut first = true;
    while got < want {
        if !first {
            wake.stop();
        }
        first = false;
        el.turn().expect("loop turn");
        loop {
            match client.sock.read(&mut client.buf) {
                Ok(0) => panic!("server closed the connection"),
                Ok(k) => got += k,
                Err(e) if e.kind() == IoErrorKind::WouldBlock => break,
                Err(e) => panic!("read: {e}"),
            }
        }
    }
    assert_eq!(got, want, "more bytes than expected: responses differ in length");
}

fn exchange(el: &mut EventLoop, wake: &StopHandle, client: &mut Client, requests: &[u8], n: usize) {
    client.sock.write_all(requests).expect("write requests");
    turn_until_read(el, wake, client, n * client.response_len);
}

fn connect(el: &mut EventLoop, wake: &StopHandle, port: u16, name: &str) -> Client {
    let sock = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    sock.set_nodelay(true).expect("nodelay");
    let mut client = Client {
        sock,
        response_len: 0,
        buf: vec![0; 1 << 20],
    };
    // One blocking exchange to learn the response's length and check it.
    client.sock.write_all(REQUEST).expect("write");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut resp = Vec::new();
    client.sock.set_nonblocking(true).expect("nonblocking");
    while !is_whole_response(&resp) {
        assert!(Instant::now() < deadline, "{name}: no response");
        wake.stop();
        el.turn().expect("turn");
        match client.sock.read(&mut client.buf) {
            Ok(0) => panic!("{name}: server closed"),
            Ok(k) => resp.extend_from_slice(&client.buf[..k]),
            Err(e) if e.kind() == IoErrorKind::WouldBlock => {}
            Err(e) => panic!("{name}: read: {e}"),
        }
    }
    let text = String::from_utf8_lossy(&resp);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{name}: {text}");
    client.response_len = resp.len();
    client
}

/// A whole response with a Content-Length body.
fn is_whole_response(buf: &[u8]) -> bool {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    buf.len() >= end + 4 + len
}

fn bench_loop_loopback(c: &mut Criterion) {
    let mut el = EventLoop::new(&RuntimeOptions::default()).expect("event loop");
    el.runtime()
        .run_main(&write_entry("loop"))
        .expect("handlers load");
    let ports = el.ports();
    assert_eq!(ports.len(), HANDLERS.len());
    let wake = el.stop_handle();

    let mut group = c.benchmark_group("loop_loopback");
    for n in BATCHES {
        let requests = REQUEST.repeat(n);
        group.throughput(Throughput::Elements(n as u64));
        for (i, (name, _)) in HANDLERS.iter().enumerate() {
            // A fresh connection per benchmark: an idle one would meet the
            // server's idle timeout while the others run.
            let mut client = connect(&mut el, &wake, ports[i], name);
            group.bench_with_input(BenchmarkId::new(*name, n), &n, |b, &n| {
                b.iter(|| exchange(&mut el, &wake, &mut client, &requests, n))
            });
        }
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

// Each group makes its isolate and drops it before the next one starts: an
// isolate is entered for its whole life on the thread that made it.
criterion_group! {
    name = benches;
    config = config();
    targets = bench_dispatch_js, bench_loop_loopback
}
criterion_main!(benches);
