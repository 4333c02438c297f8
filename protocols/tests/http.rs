//! The HTTP/1.1 client codec against a real server: Node's `http` module
//! (and a raw `net` server for a close-delimited body).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use common::{wait_for_line, Server, DEADLINE};
use howth_protocols::http::{write_request_head, Event, Framing, RequestMethod, ResponseDecoder};

const SERVER: &str = r#"
const http = require("http");
const net = require("net");
let connections = 0;
const server = http.createServer((req, res) => {
  switch (req.url) {
    case "/length": res.setHeader("content-length", 5); res.end("hello"); break;
    case "/chunked":
      res.write("a".repeat(1000));
      setImmediate(() => { res.write("b".repeat(70000)); res.end("c"); });
      break;
    case "/connections": res.end(String(connections)); break;
    case "/echo": {
      const parts = [];
      req.on("data", (c) => parts.push(c));
      req.on("end", () => { res.setHeader("x-method", req.method); res.end(Buffer.concat(parts)); });
      break;
    }
    case "/empty": res.statusCode = 204; res.end(); break;
    case "/close": res.setHeader("connection", "close"); res.end("bye"); break;
    case "/hints": res.writeEarlyHints({ link: "</a.css>; rel=preload" }); res.end("after hints"); break;
    default: res.statusCode = 404; res.end("no");
  }
});
server.on("connection", () => connections++);
const raw = net.createServer((s) => s.once("data", () => s.end("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end")));
server.listen(0, "127.0.0.1", () => raw.listen(0, "127.0.0.1", () =>
  console.log(`ports ${server.address().port} ${raw.address().port}`)));
"#;

struct Node {
    server: Server,
    raw_port: u16,
}

fn node() -> Node {
    let mut child = Command::new("node")
        .args(["-e", SERVER])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node");
    let stdout = child.stdout.take().unwrap();
    let line = wait_for_line(stdout, "ports ", "node");
    let ports: Vec<u16> = line.split(' ').skip(1).map(|p| p.parse().unwrap()).collect();
    Node {
        server: Server {
            child,
            port: ports[0],
        },
        raw_port: ports[1],
    }
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// One response read from `stream` with the decoder, as the loop would:
/// the events, the body, and bytes left over.
struct Exchange {
    events: Vec<Event>,
    body: Vec<u8>,
}

impl Exchange {
    fn head(&self) -> &howth_protocols::http::ResponseHead {
        self.events
            .iter()
            .find_map(|e| if let Event::Head(h) = e { Some(h) } else { None })
            .unwrap()
    }

    fn end(&self) -> &Event {
        self.events.last().unwrap()
    }
}

fn read_response(stream: &mut TcpStream, method: RequestMethod, pending: &mut Vec<u8>) -> Exchange {
    let mut decoder = ResponseDecoder::new(method);
    let mut events = Vec::new();
    let mut body = Vec::new();
    let mut buf = vec![0u8; 8 * 1024];
    loop {
        let (used, event) = decoder
            .decode(pending, &mut body)
            .expect("a well-formed response");
        pending.drain(..used);
        match event {
            Some(e @ Event::End { .. }) => {
                events.push(e);
                return Exchange { events, body };
            }
            Some(e) => {
                events.push(e);
                continue;
            }
            None if used > 0 => continue,
            None => {}
        }
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            events.push(decoder.eof().unwrap());
            return Exchange { events, body };
        }
        pending.extend_from_slice(&buf[..n]);
    }
}

fn get(stream: &mut TcpStream, path: &str, method: &str) -> Exchange {
    let mut out = Vec::new();
    write_request_head(
        &mut out,
        method,
        path,
        "localhost",
        &[("accept", "*/*")],
        Framing::None,
    )
    .unwrap();
    stream.write_all(&out).unwrap();
    let kind = if method == "HEAD" {
        RequestMethod::Head
    } else {
        RequestMethod::Other
    };
    read_response(stream, kind, &mut Vec::new())
}

#[test]
fn keep_alive_carries_every_framing_over_one_connection() {
    let node = node();
    let mut stream = connect(node.server.port);
    let r = get(&mut stream, "/length", "GET");
    assert_eq!((r.head().status, &r.body[..]), (200, &b"hello"[..]));
    assert_eq!(r.end(), &Event::End { reusable: true });

    let r = get(&mut stream, "/chunked", "GET");
    assert_eq!(r.head().header("transfer-encoding"), Some(&b"chunked"[..]));
    assert_eq!(r.body.len(), 71_001);
    assert!(r.body.starts_with(b"aaa") && r.body.ends_with(b"bc"));
    assert_eq!(r.end(), &Event::End { reusable: true });

    let r = get(&mut stream, "/length", "HEAD");
    assert_eq!(
        (r.head().header("content-length"), r.body.len()),
        (Some(&b"5"[..]), 0)
    );

    let r = get(&mut stream, "/empty", "GET");
    assert_eq!((r.head().status, r.end()), (204, &Event::End { reusable: true }));

    let r = get(&mut stream, "/connections", "GET");
    assert_eq!(r.body, b"1", "every request so far on one connection");

    let r = get(&mut stream, "/close", "GET");
    assert_eq!(
        (&r.body[..], r.end()),
        (&b"bye"[..], &Event::End { reusable: false })
    );
}

#[test]
fn pipelined_requests_are_read_back_in_order() {
    let node = node();
    let mut stream = connect(node.server.port);
    let mut out = Vec::new();
    for path in ["/length", "/chunked", "/empty", "/length"] {
        write_request_head(
            &mut out,
            "GET",
            path,
            "localhost",
            &[] as &[(&str, &[u8])],
            Framing::None,
        )
        .unwrap();
    }
    stream.write_all(&out).unwrap();
    let mut pending = Vec::new();
    let statuses_and_sizes: Vec<_> = (0..4)
        .map(|_| {
            let r = read_response(&mut stream, RequestMethod::Other, &mut pending);
            (r.head().status, r.body.len())
        })
        .collect();
    assert_eq!(statuses_and_sizes, [(200, 5), (200, 71_001), (204, 0), (200, 5)]);
}

#[test]
fn bodies_go_out_with_either_framing() {
    let node = node();
    let mut stream = connect(node.server.port);
    let mut out = Vec::new();
    write_request_head(
        &mut out,
        "PUT",
        "/echo",
        "localhost",
        &[("content-type", "text/plain")],
        Framing::Length(4),
    )
    .unwrap();
    out.extend_from_slice(b"abcd");
    stream.write_all(&out).unwrap();
    let r = read_response(&mut stream, RequestMethod::Other, &mut Vec::new());
    assert_eq!(
        (r.head().header("x-method"), &r.body[..]),
        (Some(&b"PUT"[..]), &b"abcd"[..])
    );

    out.clear();
    write_request_head(
        &mut out,
        "POST",
        "/echo",
        "localhost",
        &[] as &[(&str, &[u8])],
        Framing::Chunked,
    )
    .unwrap();
    howth_parser::write_chunk(&mut out, b"chunk one, ");
    howth_parser::write_chunk(&mut out, b"chunk two");
    howth_parser::write_last_chunk(&mut out);
    stream.write_all(&out).unwrap();
    let r = read_response(&mut stream, RequestMethod::Other, &mut Vec::new());
    assert_eq!(r.body, b"chunk one, chunk two");
}

#[test]
fn interim_responses_come_before_the_final_one() {
    let node = node();
    let mut stream = connect(node.server.port);
    let r = get(&mut stream, "/hints", "GET");
    let Event::Informational(hints) = &r.events[0] else {
        panic!("{:?}", r.events)
    };
    assert_eq!(
        (hints.status, hints.header("link")),
        (103, Some(&b"</a.css>; rel=preload"[..]))
    );
    assert_eq!(r.body, b"after hints");

    // Expect: 100-continue: the body goes only after the 100.
    let mut out = Vec::new();
    write_request_head(
        &mut out,
        "POST",
        "/echo",
        "localhost",
        &[("expect", "100-continue")],
        Framing::Length(2),
    )
    .unwrap();
    stream.write_all(&out).unwrap();
    let mut decoder = ResponseDecoder::new(RequestMethod::Other);
    let mut pending = Vec::new();
    let mut buf = [0u8; 1024];
    let continued = loop {
        let n = stream.read(&mut buf).unwrap();
        pending.extend_from_slice(&buf[..n]);
        if let (used, Some(event)) = decoder.decode(&pending, &mut Vec::new()).unwrap() {
            pending.drain(..used);
            break event;
        }
    };
    assert!(matches!(continued, Event::Informational(h) if h.status == 100));
    stream.write_all(b"ok").unwrap();
    let mut body = Vec::new();
    loop {
        let (used, event) = decoder.decode(&pending, &mut body).unwrap();
        pending.drain(..used);
        if matches!(event, Some(Event::End { .. })) {
            break;
        }
        if event.is_none() && used == 0 {
            let n = stream.read(&mut buf).unwrap();
            pending.extend_from_slice(&buf[..n]);
        }
    }
    assert_eq!(body, b"ok");
}

#[test]
fn a_close_delimited_body_ends_with_the_connection() {
    let node = node();
    let mut stream = connect(node.raw_port);
    let r = get(&mut stream, "/", "GET");
    assert_eq!(
        (&r.body[..], r.end()),
        (&b"until the end"[..], &Event::End { reusable: false })
    );
}
