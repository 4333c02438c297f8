//! The HTTP server over real sockets, against the built binary.
mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::*;

const HELLO: &str = r#"export default { fetch: () => new Response("Hi") };"#;

#[test]
fn default_export_fetch_is_served_with_keep_alive() {
    let server = Server::from_source(HELLO);
    let mut s = server.connect();
    for _ in 0..3 {
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let r = read_response(&mut s).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), "Hi");
        assert_eq!(r.header("content-length"), Some("2"));
        assert!(r.header("date").is_some());
        assert!(r.header("connection").is_none(), "keep-alive is the 1.1 default");
    }
}

fn serve_src(handler: &str) -> String {
    format!(
        "const server = Howth.serve({{ port: 0, hostname: \"127.0.0.1\" }}, {handler});\nconsole.log(`Listening on http://127.0.0.1:${{server.port}}/`);\n"
    )
}

#[test]
fn plain_object_fast_path_with_headers_and_status() {
    let server = Server::from_source(&serve_src(
        r#"(req) => ({ status: 201, headers: { "x-path": new URL(req.url).pathname, "content-type": "application/json" }, body: JSON.stringify({ m: req.method }) })"#,
    ));
    let r = server.get("/a/b?c=1");
    assert_eq!(r.status, 201);
    assert_eq!(r.header("x-path"), Some("/a/b"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.text(), r#"{"m":"GET"}"#);
}

#[test]
fn hundred_pipelined_requests_in_one_write_are_answered_in_order() {
    let server = Server::from_source(&serve_src(r#"(req) => new Response(new URL(req.url).pathname)"#));
    let mut s = server.connect();
    let mut all = String::new();
    for i in 0..100 {
        all.push_str(&format!("GET /r{i} HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    s.write_all(all.as_bytes()).unwrap();
    for i in 0..100 {
        let r = read_response(&mut s).unwrap();
        assert_eq!(r.text(), format!("/r{i}"));
    }
}

/// More requests in one turn than one call into JS takes (1,024): the
/// batch is split between connections, and every connection's answers
/// still come in order, each to its own request.
#[test]
fn a_turn_larger_than_one_batch_answers_everything_in_order() {
    let server = Server::from_source(&serve_src(r#"(req) => new Response(new URL(req.url).pathname)"#));
    let mut conns: Vec<_> = (0..40).map(|_| server.connect()).collect();
    for (c, s) in conns.iter_mut().enumerate() {
        let mut all = String::new();
        for i in 0..60 {
            all.push_str(&format!("GET /c{c}/r{i} HTTP/1.1\r\nHost: x\r\n\r\n"));
        }
        s.write_all(all.as_bytes()).unwrap();
    }
    for (c, s) in conns.iter_mut().enumerate() {
        for i in 0..60 {
            let r = read_response(s).unwrap();
            assert_eq!(r.text(), format!("/c{c}/r{i}"));
        }
    }
}

#[test]
fn async_responses_keep_pipelined_order() {
    // The first request answers last (after a timer); the second at once.
    let server = Server::from_source(&serve_src(
        r#"async (req) => { const p = new URL(req.url).pathname; if (p === "/slow") await new Promise((r) => setTimeout(r, 50)); return new Response(p); }"#,
    ));
    let mut s = server.connect();
    s.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut s).unwrap().text(), "/slow");
    assert_eq!(read_response(&mut s).unwrap().text(), "/fast");
}

#[test]
fn a_slow_async_handler_does_not_hold_other_connections() {
    let server = Server::from_source(&serve_src(
        r#"async (req) => { if (req.url.endsWith("/slow")) await new Promise((r) => setTimeout(r, 800)); return new Response("ok"); }"#,
    ));
    let mut slow = server.connect();
    slow.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    let r = server.get("/fast");
    assert_eq!(r.text(), "ok");
    assert!(
        t.elapsed() < Duration::from_millis(700),
        "fast request waited {:?}",
        t.elapsed()
    );
    assert_eq!(read_response(&mut slow).unwrap().text(), "ok");
}

#[test]
fn thousand_concurrent_connections() {
    let server = Server::from_source(HELLO);
    let mut conns: Vec<_> = (0..1000).map(|_| server.connect()).collect();
    for s in conns.iter_mut() {
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    }
    for s in conns.iter_mut() {
        let r = read_response(s).unwrap();
        assert_eq!((r.status, r.text().as_str()), (200, "Hi"));
    }
}

#[test]
fn head_gets_headers_without_body() {
    let server = Server::from_source(HELLO);
    let mut s = server.connect();
    s.write_all(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let r = read_response_for(&mut s, true).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("2"));
    // The next response starts right after the head: no body bytes between.
    let r2 = read_response(&mut s).unwrap();
    assert_eq!(r2.text(), "Hi");
}

#[test]
fn ten_megabytes_to_a_slow_reader() {
    let server = Server::from_source(&serve_src(
        r#"(req) => new Response(new Uint8Array(10 * 1024 * 1024).fill(120))"#,
    ));
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    // Read slowly at first so the server's writes hit WouldBlock.
    let mut first = [0u8; 1024];
    s.read_exact(&mut first).unwrap();
    let mut scratch = [0u8; 1024];
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(40));
        s.read_exact(&mut scratch).unwrap();
        assert!(scratch.iter().all(|&b| b == b'x'));
    }
    // Meanwhile another client is served.
    assert_eq!(server.get("/").body.len(), 10 * 1024 * 1024);
    let mut rest = Vec::new();
    let head_end = first.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let want = 10 * 1024 * 1024 + head_end - 5 * 1024;
    while rest.len() < want {
        let mut buf = vec![0u8; 1 << 16];
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed early");
        rest.extend_from_slice(&buf[..n]);
    }
    assert_eq!(rest.len(), want);
    assert!(rest.iter().all(|&b| b == b'x'));
}

#[test]
fn a_throwing_handler_gets_500_and_others_are_unaffected() {
    let server = Server::from_source(&serve_src(
        r#"(req) => { if (req.url.endsWith("/boom")) throw new Error("kaboom"); return new Response("fine"); }"#,
    ));
    let mut s = server.connect();
    s.write_all(
        b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .unwrap();
    assert_eq!(read_response(&mut s).unwrap().text(), "fine");
    assert_eq!(read_response(&mut s).unwrap().status, 500);
    assert_eq!(read_response(&mut s).unwrap().text(), "fine");
    assert_eq!(server.get("/c").text(), "fine");
    let err = server.stderr();
    assert!(err.contains("kaboom"), "stderr: {err}");
    assert!(err.contains("server.ts:"), "stack points at the source: {err}");
}

#[test]
fn rejected_async_handler_gets_500() {
    let server = Server::from_source(&serve_src(
        r#"async () => { await null; throw new TypeError("nope"); }"#,
    ));
    assert_eq!(server.get("/").status, 500);
    assert!(server.stderr().contains("TypeError: nope"));
}

#[test]
fn async_handler_resolved_by_set_timeout() {
    let server = Server::from_source(&serve_src(
        r#"(req) => new Promise((resolve) => setTimeout(() => resolve(new Response("later")), 20))"#,
    ));
    let t = Instant::now();
    let r = server.get("/");
    assert_eq!(r.text(), "later");
    assert!(t.elapsed() >= Duration::from_millis(20));
}

#[test]
fn post_body_is_echoed() {
    let server = Server::from_source(&serve_src(
        r#"async (req) => new Response(await req.text(), { headers: { "x-method": req.method } })"#,
    ));
    let mut s = server.connect();
    let body = "héllo wörld ".repeat(1000);
    write!(
        s,
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let r = read_response(&mut s).unwrap();
    assert_eq!(r.header("x-method"), Some("POST"));
    assert_eq!(r.text(), body);
}

#[test]
fn chunked_request_bodies_are_decoded() {
    let server = Server::from_source(&serve_src(r#"async (req) => new Response(await req.text())"#));
    let mut s = server.connect();
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut s).unwrap().text(), "hello world");
}

#[test]
fn connection_close_and_http10_are_honoured() {
    let server = Server::from_source(HELLO);
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let r = read_response(&mut s).unwrap();
    assert_eq!(r.header("connection"), Some("close"));
    assert!(is_closed(&mut s));

    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut s).unwrap().text(), "Hi");
    assert!(is_closed(&mut s));

    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .unwrap();
    let r = read_response(&mut s).unwrap();
    assert_eq!(r.header("connection"), Some("keep-alive"));
    s.write_all(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut s).unwrap().text(), "Hi");
}

#[test]
fn bad_requests_get_400_and_the_connection_closes() {
    let server = Server::from_source(HELLO);
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut s).unwrap().status, 400);
    assert!(is_closed(&mut s));
    assert_eq!(server.get("/").text(), "Hi");
}

#[test]
fn port_in_use_is_one_clear_line_and_exit_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let script = TempScript::new(
        "taken.ts",
        &format!("Howth.serve({{ port: {port}, hostname: \"127.0.0.1\" }}, () => new Response(\"x\"));"),
    );
    let out = run(&script.path, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(
        err.contains(&format!("port {port} is already in use")),
        "stderr: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn rust_only_baseline_answers_without_js() {
    let server = Server::from_source(
        "const s = Howth.serveRustOnly({ port: 0, hostname: \"127.0.0.1\", body: \"Hi\" });\nconsole.log(`Listening on http://127.0.0.1:${s.port}/`);",
    );
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut s).unwrap().text(), "Hi");
    let r = read_response(&mut s).unwrap();
    assert_eq!(r.text(), "Hi");
    assert_eq!(r.header("content-type"), Some("text/plain;charset=utf-8"));
}

#[test]
fn port_flag_and_env_override_the_default_export_port() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let script = TempScript::new(
        "p.ts",
        "export default { port: 1, fetch: () => new Response(\"p\") };",
    );
    let mut child = std::process::Command::new(howth())
        .args(["run", "--port", &port.to_string()])
        .arg(&script.path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut ok = false;
    while Instant::now() < deadline {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            ok = read_response(&mut s).map(|r| r.text()) == Some("p".into());
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok);
}

#[test]
fn server_stop_lets_the_process_exit() {
    let script = TempScript::new(
        "stop.ts",
        "const s = Howth.serve({ port: 0, hostname: \"127.0.0.1\" }, () => new Response(\"x\"));\nsetTimeout(() => { s.stop(); console.log(\"stopped\"); }, 50);",
    );
    let t = Instant::now();
    let out = run(&script.path, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().last(),
        Some("stopped")
    );
    assert!(t.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_101_keeps_the_handlers_connection_upgrade_and_closes_until_a_protocol_can_take_over() {
    let server = Server::from_source(&serve_src(
        r#"() => ({ status: 101, headers: { upgrade: "websocket", connection: "Upgrade" } })"#,
    ));
    let mut s = server.connect();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
        .unwrap();
    let r = read_response(&mut s).unwrap();
    assert_eq!(r.status, 101);
    assert_eq!(r.header("upgrade"), Some("websocket"));
    assert_eq!(r.header("connection"), Some("Upgrade"));
    assert!(r.header("content-length").is_none());
    // No protocol can take the socket over yet: it closes rather than
    // reading HTTP after a 101.
    assert!(is_closed(&mut s));
}
