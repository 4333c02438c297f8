//! The HTTP/1.1 client codec against a real server: Node's `http` module,
//! the same handler behind Node's `https` reached through howth-tls, and a
//! raw `net` server for a close-delimited body and a response nobody
//! asked for. A small blocking driver stands in for the loop.

mod common;
#[path = "../../tls/tests/common/mod.rs"]
mod tls_common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use common::{wait_for_line, Server, DEADLINE};
use howth_protocols::http::{
    write_request_head, BodyWriter, Error, Event, Framing, RequestMethod, ResponseDecoder,
};
use howth_tls::{ClientContext, ClientOptions, Pem, Session, TrustAnchors};
use tls_common::{KeyType, Pki, TlsStream};

/// `node -e SERVER [cert key]`: an HTTP server, a raw TCP server and, given
/// a certificate, an HTTPS server with the same handler.
const SERVER: &str = r#"
const http = require("http");
const https = require("https");
const net = require("net");
const fs = require("fs");
let connections = 0;
const handler = (req, res) => {
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
      req.on("end", () => {
        res.setHeader("x-method", req.method);
        res.setHeader("x-framing", req.headers["transfer-encoding"] || "length " + req.headers["content-length"]);
        res.end(Buffer.concat(parts));
      });
      break;
    }
    case "/empty": res.statusCode = 204; res.end(); break;
    case "/close": res.setHeader("connection", "close"); res.end("bye"); break;
    case "/hints": res.writeEarlyHints({ link: "</a.css>; rel=preload" }); res.end("after hints"); break;
    default: res.statusCode = 404; res.end("no");
  }
};
const server = http.createServer(handler);
server.on("connection", () => connections++);
const raw = net.createServer((s) => s.once("data", (d) => {
  if (d.toString().startsWith("GET /twice ")) {
    // One answer, then a second that no request asked for.
    s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nforged");
  } else {
    s.end("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end");
  }
}));
const [cert, key] = process.argv.slice(1);
const secure = cert ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, handler) : null;
if (secure) secure.on("secureConnection", () => connections++);
server.listen(0, "127.0.0.1", () => raw.listen(0, "127.0.0.1", () => {
  const ports = () => console.log(`ports ${server.address().port} ${raw.address().port} ${secure ? secure.address().port : 0}`);
  if (secure) secure.listen(0, "127.0.0.1", ports); else ports();
}));
"#;

struct Node {
    server: Server,
    raw_port: u16,
    tls_port: u16,
}

fn node(args: &[&std::path::Path]) -> Node {
    let mut child = Command::new("node")
        .args(["-e", SERVER])
        .args(args)
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
        tls_port: ports[2],
    }
}

/// Plain TCP or TLS, blocking: what the loop's connection would do with
/// readiness events.
trait Transport {
    fn send(&mut self, bytes: &[u8]);
    /// Appends what arrived to `pending`; false at the end of the stream.
    fn receive(&mut self, pending: &mut Vec<u8>) -> bool;
}

impl Transport for TcpStream {
    fn send(&mut self, bytes: &[u8]) {
        self.write_all(bytes).unwrap();
    }

    fn receive(&mut self, pending: &mut Vec<u8>) -> bool {
        let mut buf = [0u8; 16 * 1024];
        let n = self.read(&mut buf).unwrap();
        pending.extend_from_slice(&buf[..n]);
        n > 0
    }
}

impl Transport for TlsStream {
    fn send(&mut self, bytes: &[u8]) {
        TlsStream::send(self, bytes);
    }

    fn receive(&mut self, pending: &mut Vec<u8>) -> bool {
        let more = self.read_more().expect("TLS");
        pending.append(&mut self.plain);
        more
    }
}

/// A client connection: a transport, the decoder and the unread bytes.
struct Client<T> {
    transport: T,
    decoder: ResponseDecoder,
    pending: Vec<u8>,
}

/// Header fields copied out of a head.
type Fields = Vec<(String, Vec<u8>)>;

/// One response, copied out of the decoder's events.
#[derive(Debug)]
struct Exchange {
    interim: Vec<(u16, Fields)>,
    status: u16,
    headers: Fields,
    body: Vec<u8>,
    reusable: bool,
}

impl Exchange {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| &v[..])
    }
}

impl<T: Transport> Client<T> {
    fn new(transport: T) -> Self {
        Client {
            transport,
            decoder: ResponseDecoder::new(),
            pending: Vec::new(),
        }
    }

    /// Writes a request head (and a whole body in its framing).
    fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(Framing, &[&[u8]])>,
    ) {
        let mut out = Vec::new();
        let framing = body.map_or(Framing::None, |(f, _)| f);
        write_request_head(&mut out, method, path, "localhost", headers, framing).unwrap();
        if let Some((framing, pieces)) = body {
            let mut writer = BodyWriter::new(framing);
            for piece in pieces {
                writer.write(&mut out, piece).unwrap();
            }
            writer.finish(&mut out).unwrap();
        }
        self.transport.send(&out);
        self.decoder.request_sent(RequestMethod::of(method));
    }

    /// Reads until the next response ends.
    fn response(&mut self) -> Result<Exchange, Error> {
        let mut exchange = Exchange {
            interim: Vec::new(),
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
            reusable: false,
        };
        loop {
            let (used, event) = self.decoder.decode(&self.pending, &mut exchange.body)?;
            let copy = |h: &howth_protocols::http::ResponseHead<'_>| {
                h.headers()
                    .map(|(n, v)| (n.to_owned(), v.to_vec()))
                    .collect::<Fields>()
            };
            let ended = match event {
                Some(Event::Informational(h)) => {
                    exchange.interim.push((h.status, copy(&h)));
                    None
                }
                Some(Event::Head(h)) => {
                    exchange.status = h.status;
                    exchange.headers = copy(&h);
                    None
                }
                Some(Event::End { reusable }) => Some(reusable),
                None => None,
            };
            self.pending.drain(..used);
            if let Some(reusable) = ended {
                exchange.reusable = reusable;
                return Ok(exchange);
            }
            if used > 0 {
                continue;
            }
            if !self.transport.receive(&mut self.pending) {
                exchange.reusable = match self.decoder.eof()? {
                    Some(Event::End { reusable }) => reusable,
                    other => panic!("end of file gave {other:?}"),
                };
                return Ok(exchange);
            }
        }
    }

    fn get(&mut self, path: &str, method: &str) -> Exchange {
        self.request(method, path, &[("accept", "*/*")], None);
        self.response().expect("a well-formed response")
    }
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// Every framing, on one kept-alive connection.
fn every_framing_over_one_connection<T: Transport>(client: &mut Client<T>) {
    let r = client.get("/length", "GET");
    assert_eq!((r.status, &r.body[..], r.reusable), (200, &b"hello"[..], true));

    let r = client.get("/chunked", "GET");
    assert_eq!(r.header("transfer-encoding"), Some(&b"chunked"[..]));
    assert_eq!(r.body.len(), 71_001);
    assert!(r.body.starts_with(b"aaa") && r.body.ends_with(b"bc"));
    assert!(r.reusable);

    let r = client.get("/length", "HEAD");
    assert_eq!((r.header("content-length"), r.body.len()), (Some(&b"5"[..]), 0));

    let r = client.get("/empty", "GET");
    assert_eq!((r.status, r.reusable), (204, true));

    let r = client.get("/connections", "GET");
    assert_eq!(r.body, b"1", "every request so far on one connection");

    let r = client.get("/close", "GET");
    assert_eq!((&r.body[..], r.reusable), (&b"bye"[..], false));
}

#[test]
fn keep_alive_carries_every_framing_over_one_connection() {
    let node = node(&[]);
    every_framing_over_one_connection(&mut Client::new(connect(node.server.port)));
}

#[test]
fn a_tls_upstream_through_howth_tls() {
    let pki = Pki::new("http-upstream");
    let leaf = pki.leaf("localhost", &["localhost"], KeyType::EcdsaP256);
    let node = node(&[&leaf.cert, &leaf.key]);
    let mut context = ClientContext::new(TrustAnchors::defaults(None).unwrap());
    let options = ClientOptions {
        ca: Some(Pem::File(pki.ca_cert.clone())),
        ..ClientOptions::default()
    };
    let config = context.config(&options).unwrap();
    let session = Session::client(&config, "localhost").unwrap();
    let mut tls = TlsStream::new(connect(node.tls_port), session);
    let info = tls.handshake().unwrap();
    assert_eq!(info.alpn.as_deref(), Some(&b"http/1.1"[..]));
    let mut client = Client::new(tls);
    every_framing_over_one_connection(&mut client);

    // A body both ways over TLS.
    let mut client = Client::new({
        let session = Session::client(&config, "localhost").unwrap();
        let mut tls = TlsStream::new(connect(node.tls_port), session);
        tls.handshake().unwrap();
        tls
    });
    let big = vec![b'z'; 100_000];
    client.request("POST", "/echo", &[], Some((Framing::Chunked, &[b"head ", &big])));
    let r = client.response().unwrap();
    assert_eq!(
        (r.header("x-framing"), r.body.len()),
        (Some(&b"chunked"[..]), 100_005)
    );
}

#[test]
fn pipelined_requests_are_read_back_in_order() {
    let node = node(&[]);
    let mut client = Client::new(connect(node.server.port));
    for (method, path) in [
        ("GET", "/length"),
        ("GET", "/chunked"),
        ("HEAD", "/length"),
        ("GET", "/empty"),
    ] {
        client.request(method, path, &[], None);
    }
    let statuses_and_sizes: Vec<_> = (0..4)
        .map(|_| {
            let r = client.response().unwrap();
            (r.status, r.body.len())
        })
        .collect();
    assert_eq!(statuses_and_sizes, [(200, 5), (200, 71_001), (200, 0), (204, 0)]);
    assert!(client.decoder.is_idle());
}

#[test]
fn bodies_go_out_with_either_framing() {
    let node = node(&[]);
    let mut client = Client::new(connect(node.server.port));
    client.request(
        "PUT",
        "/echo",
        &[("content-type", "text/plain")],
        Some((Framing::Length(4), &[b"ab", b"cd"])),
    );
    let r = client.response().unwrap();
    assert_eq!(
        (r.header("x-method"), r.header("x-framing"), &r.body[..]),
        (Some(&b"PUT"[..]), Some(&b"length 4"[..]), &b"abcd"[..])
    );
    client.request(
        "POST",
        "/echo",
        &[],
        Some((Framing::Chunked, &[b"chunk one, ", b"", b"chunk two"])),
    );
    let r = client.response().unwrap();
    assert_eq!(
        (r.header("x-framing"), &r.body[..]),
        (Some(&b"chunked"[..]), &b"chunk one, chunk two"[..])
    );
}

#[test]
fn interim_responses_come_before_the_final_one() {
    let node = node(&[]);
    let mut client = Client::new(connect(node.server.port));
    let r = client.get("/hints", "GET");
    assert_eq!(
        r.interim,
        [(103, vec![("Link".to_owned(), b"</a.css>; rel=preload".to_vec())])]
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
    let stream = &mut client.transport;
    stream.write_all(&out).unwrap();
    client.decoder.request_sent(RequestMethod::Other);
    let continued = loop {
        assert!(client.transport.receive(&mut client.pending));
        if let (used, Some(event)) = client.decoder.decode(&client.pending, &mut Vec::new()).unwrap() {
            let status = match event {
                Event::Informational(h) => h.status,
                other => panic!("{other:?}"),
            };
            client.pending.drain(..used);
            break status;
        }
    };
    assert_eq!(continued, 100);
    client.transport.write_all(b"ok").unwrap();
    let r = client.response().unwrap();
    assert_eq!((r.status, &r.body[..]), (200, &b"ok"[..]));
}

#[test]
fn a_close_delimited_body_ends_with_the_connection() {
    let node = node(&[]);
    let mut client = Client::new(connect(node.raw_port));
    let r = client.get("/", "GET");
    assert_eq!((&r.body[..], r.reusable), (&b"until the end"[..], false));
}

#[test]
fn a_response_nobody_asked_for_is_an_error_not_a_second_answer() {
    let node = node(&[]);
    let mut client = Client::new(connect(node.raw_port));
    let r = client.get("/twice", "GET");
    assert_eq!((&r.body[..], r.reusable), (&b"ok"[..], true));
    // The forged response is already in, or arrives next: either way it is
    // refused before the connection could go back to a pool.
    let err = loop {
        match client.decoder.decode(&client.pending, &mut Vec::new()) {
            Err(e) => break e,
            Ok((0, None)) => assert!(client.transport.receive(&mut client.pending)),
            Ok(other) => panic!("{other:?}"),
        }
    };
    assert_eq!(err, Error::Unsolicited);
}
