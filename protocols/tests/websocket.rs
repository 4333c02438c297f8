//! The WebSocket codec against the npm `ws` package (protocols/tests/ws,
//! installed by scripts/deps.sh) in both roles: our client against a `ws`
//! server, a `ws` client against our server, with and without
//! permessage-deflate and its context takeover. A small blocking driver
//! stands in for the loop.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{wait_for_line, Server, DEADLINE};
use howth_protocols::http::{Event as HttpEvent, RequestMethod, ResponseDecoder};
use howth_protocols::websocket::{
    ClientHandshake, Config, Connection, DeflateParams, OwnedEvent as Got, Role, UpgradeRequest,
};
use serde_json::{json, Value};

fn peer_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ws");
    assert!(
        dir.join("node_modules/ws").is_dir(),
        "the ws package is missing: run `make deps` (scripts/deps.sh installs it)"
    );
    dir
}

/// The `ws` server: echoes every message with its type; "ping-me" makes it
/// ping, "fragments" makes it send a message in three frames, "close-me"
/// makes it close with 4001. A pong is answered with "pong <payload>".
const WS_SERVER: &str = r#"
const { WebSocketServer } = require("ws");
const mode = process.argv[1];
const perMessageDeflate = mode === "plain" ? false
  : { threshold: 0, serverNoContextTakeover: mode === "reset", clientNoContextTakeover: mode === "reset" };
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate,
  handleProtocols: (protocols) => protocols.has("chat") ? "chat" : false });
wss.on("connection", (ws, req) => {
  console.log("extensions " + (req.headers["sec-websocket-extensions"] || "none"));
  ws.on("message", (data, isBinary) => {
    const text = isBinary ? null : data.toString();
    if (text === "ping-me") ws.ping("hb");
    else if (text === "fragments") { ws.send("one ", { fin: false }); ws.send("two ", { fin: false }); ws.send("three", { fin: true }); }
    else if (text === "close-me") ws.close(4001, "asked");
    else ws.send(data, { binary: isBinary });
  });
  ws.on("pong", (data) => ws.send("pong " + data));
  ws.on("close", (code, reason) => console.log(`closed ${code} ${reason}`));
});
wss.on("listening", () => console.log("port " + wss.address().port));
"#;

/// Our side of a connection, blocking.
struct Peer {
    stream: TcpStream,
    conn: Connection,
    pending: Vec<u8>,
    out: Vec<u8>,
}

impl Peer {
    fn flush(&mut self) {
        if !self.out.is_empty() {
            self.stream.write_all(&self.out).unwrap();
            self.out.clear();
        }
    }

    /// The next event, reading as needed (None: the socket ended);
    /// replies are written at once.
    fn next(&mut self) -> Option<Got> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let (used, event) = self
                .conn
                .decode(&self.pending, &mut self.out)
                .expect("a valid stream");
            let got = event.map(Got::from);
            self.pending.drain(..used);
            self.flush();
            if got.is_some() {
                return got;
            }
            if used > 0 {
                continue;
            }
            let n = self.stream.read(&mut buf).unwrap();
            if n == 0 {
                return None;
            }
            self.pending.extend_from_slice(&buf[..n]);
        }
    }
}

/// Connects our client to a `ws` server in `mode`; what was agreed.
fn client(mode: &str) -> (Server, Peer, Option<DeflateParams>, std::process::ChildStdout) {
    let mut child = Command::new("node")
        .current_dir(peer_dir())
        .args(["-e", WS_SERVER, mode])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node");
    let mut stdout = child.stdout.take().unwrap();
    let port: u16 = read_line(&mut stdout)
        .strip_prefix("port ")
        .unwrap()
        .parse()
        .unwrap();
    let server = Server { child, port };
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let offer = DeflateParams {
        client_max_window_bits: Some(15),
        ..DeflateParams::default()
    };
    let mut nonce = [0u8; 16];
    getrandom::getrandom(&mut nonce).unwrap();
    let handshake = ClientHandshake::new(nonce, &["other", "chat"], Some(offer));
    let mut out = Vec::new();
    handshake
        .write_request(
            &mut out,
            &format!("127.0.0.1:{port}"),
            "/socket",
            &[("origin", "http://localhost")],
        )
        .unwrap();
    stream.write_all(&out).unwrap();
    let mut decoder = ResponseDecoder::new();
    decoder.request_sent(RequestMethod::Other);
    let mut pending = Vec::new();
    let mut buf = [0u8; 4096];
    let accepted = loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "the server closed during the handshake");
        pending.extend_from_slice(&buf[..n]);
        let (used, event) = decoder.decode(&pending, &mut Vec::new()).unwrap();
        if let Some(HttpEvent::Head(head)) = event {
            let accepted = handshake.finish(&head).unwrap();
            pending.drain(..used);
            break accepted;
        }
    };
    assert_eq!(accepted.protocol.as_deref(), Some("chat"));
    let config = Config {
        deflate: accepted.deflate,
        compress_threshold: 0,
        ..Config::default()
    };
    // Frames that came with the 101 stay in `pending` for the connection.
    let peer = Peer {
        stream,
        conn: Connection::new(Role::Client, config),
        pending,
        out: Vec::new(),
    };
    (server, peer, accepted.deflate, stdout)
}

/// One line from a child's stdout (blocking; the child prints few).
fn read_line(stdout: &mut std::process::ChildStdout) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    String::from_utf8(line).unwrap()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn our_client_against_a_ws_server(mode: &str) {
    let (_server, mut peer, deflate, mut stdout) = client(mode);
    let extensions = read_line(&mut stdout);
    assert_eq!(
        extensions,
        "extensions permessage-deflate; client_max_window_bits"
    );
    match mode {
        "plain" => assert_eq!(deflate, None),
        "reset" => {
            assert!(deflate.is_some_and(|d| d.server_no_context_takeover && d.client_no_context_takeover))
        }
        _ => assert!(deflate.is_some_and(|d| !d.server_no_context_takeover && !d.client_no_context_takeover)),
    }
    let big_text = "a compressible line of text\n".repeat(40_000);
    let binary = pattern(100_000);
    let conn = &mut peer.conn;
    conn.send_text(&mut peer.out, "héllo ✓").unwrap();
    conn.send_binary(&mut peer.out, &binary).unwrap();
    conn.send_text(&mut peer.out, &big_text).unwrap();
    conn.send_text(&mut peer.out, &big_text).unwrap();
    conn.send_fragment(&mut peer.out, false, b"frag", false).unwrap();
    conn.send_fragment(&mut peer.out, false, b"ments", true).unwrap();
    let sent_bytes = peer.out.len();
    if mode != "plain" {
        assert!(sent_bytes < big_text.len() / 10, "compressed: {sent_bytes} bytes");
    }
    peer.flush();
    assert_eq!(peer.next(), Some(Got::Text("héllo ✓".into())));
    assert_eq!(peer.next(), Some(Got::Binary(binary)));
    assert_eq!(peer.next(), Some(Got::Text(big_text.clone())));
    assert_eq!(peer.next(), Some(Got::Text(big_text)));
    assert_eq!(peer.next(), Some(Got::Binary(b"fragments".to_vec())));

    peer.conn.send_text(&mut peer.out, "ping-me").unwrap();
    peer.flush();
    assert_eq!(peer.next(), Some(Got::Ping(b"hb".to_vec())));
    assert_eq!(
        peer.next(),
        Some(Got::Text("pong hb".into())),
        "our automatic pong reached ws"
    );
    peer.conn.send_text(&mut peer.out, "fragments").unwrap();
    peer.flush();
    assert_eq!(peer.next(), Some(Got::Text("one two three".into())));

    peer.conn.close(&mut peer.out, Some(1000), "done").unwrap();
    peer.flush();
    assert_eq!(peer.next(), Some(Got::Close(Some(1000), "done".into())));
    assert_eq!(
        peer.next(),
        None,
        "the server closes the socket after the handshake"
    );
    // Then the client does (RFC 6455 §7.1.1), and ws reports the close.
    peer.stream.shutdown(std::net::Shutdown::Both).unwrap();
    assert_eq!(read_line(&mut stdout), "closed 1000 done");
}

#[test]
fn our_client_against_a_ws_server_without_compression() {
    our_client_against_a_ws_server("plain");
}

#[test]
fn our_client_against_a_ws_server_with_deflate() {
    our_client_against_a_ws_server("deflate");
}

#[test]
fn our_client_against_a_ws_server_with_deflate_and_no_context_takeover() {
    our_client_against_a_ws_server("reset");
}

#[test]
fn a_ws_server_closing_first() {
    let (_server, mut peer, _, mut stdout) = client("plain");
    read_line(&mut stdout);
    peer.conn.send_text(&mut peer.out, "close-me").unwrap();
    peer.flush();
    assert_eq!(peer.next(), Some(Got::Close(Some(4001), "asked".into())));
    assert_eq!(peer.next(), None, "the server closes the socket first");
    peer.stream.shutdown(std::net::Shutdown::Both).unwrap();
    assert_eq!(read_line(&mut stdout), "closed 4001 asked", "ws got our echo");
}

/// The `ws` client: sends messages, checks the echoes, pings, closes, and
/// prints one JSON line of what it saw.
const WS_CLIENT: &str = r#"
const WebSocket = require("ws");
const [port, mode] = process.argv.slice(1);
const perMessageDeflate = mode === "plain" ? false
  : { threshold: 0, clientNoContextTakeover: mode === "reset", serverNoContextTakeover: mode === "reset" };
const ws = new WebSocket(`ws://127.0.0.1:${port}/socket`, ["chat"], { perMessageDeflate });
const big = "a compressible line of text\n".repeat(40000);
const binary = Buffer.alloc(70000, 0).map((_, i) => (i * 13) & 255);
const sent = ["hello ✓", binary, big, big, "fragmented message"];
const result = { echoes: [], pong: null };
ws.on("open", () => {
  result.protocol = ws.protocol;
  result.extensions = ws.extensions;
  ws.send(sent[0]); ws.send(sent[1]); ws.send(sent[2]); ws.send(sent[3]);
  ws.send("fragmented ", { fin: false }); ws.send("message", { fin: true });
  ws.ping("are you there");
});
ws.on("message", (data, isBinary) => {
  const i = result.echoes.length;
  const want = sent[i];
  result.echoes.push(isBinary === Buffer.isBuffer(want) && Buffer.from(data).equals(Buffer.from(want)));
  if (result.echoes.length === sent.length) ws.close(4000, "bye");
});
ws.on("pong", (data) => { result.pong = data.toString(); });
ws.on("close", (code, reason) => {
  result.close = [code, reason.toString()];
  console.log("result " + JSON.stringify(result));
});
ws.on("error", (e) => { console.log("result " + JSON.stringify({ error: e.message })); });
"#;

/// Our server: one connection from the `ws` client, echoing until it
/// closes. Returns what it agreed.
fn serve_one(
    listener: &TcpListener,
    policy: Option<DeflateParams>,
) -> (Option<String>, Option<DeflateParams>, Vec<Got>) {
    let (mut stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut pending = Vec::new();
    let mut buf = [0u8; 4096];
    let (used, request) = loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0);
        pending.extend_from_slice(&buf[..n]);
        let mut head = howth_parser::RequestHead::new();
        if let Ok(howth_parser::Status::Complete) =
            howth_parser::parse_request(&pending, &howth_parser::Limits::default(), &mut head)
        {
            let request = UpgradeRequest::read(head.method.get(&pending), head.headers(&pending)).unwrap();
            break (head.head_len, request);
        }
    };
    pending.drain(..used);
    assert_eq!(request.protocols, ["chat"]);
    let mut out = Vec::new();
    let accepted = request.accept(&mut out, Some("chat"), policy.as_ref()).unwrap();
    stream.write_all(&out).unwrap();
    let config = Config {
        deflate: accepted.deflate,
        compress_threshold: 0,
        ..Config::default()
    };
    let mut peer = Peer {
        stream,
        conn: Connection::new(Role::Server, config),
        pending,
        out: Vec::new(),
    };
    let mut control = Vec::new();
    loop {
        match peer.next().expect("the client closes before leaving") {
            Got::Text(t) => peer.conn.send_text(&mut peer.out, &t).unwrap(),
            Got::Binary(b) => peer.conn.send_binary(&mut peer.out, &b).unwrap(),
            close @ Got::Close(..) => {
                control.push(close);
                // The echo went out in next(); the server closes the socket.
                return (accepted.protocol, accepted.deflate, control);
            }
            other => control.push(other),
        }
        peer.flush();
    }
}

fn run_ws_client(mode: &str, policy: Option<DeflateParams>) -> (Option<DeflateParams>, Value) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut child = Command::new("node")
        .current_dir(peer_dir())
        .args(["-e", WS_CLIENT, &port.to_string(), mode])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node");
    let stdout = child.stdout.take().unwrap();
    let _client = Server { child, port };
    let (protocol, deflate, control) = serve_one(&listener, policy);
    assert_eq!(protocol.as_deref(), Some("chat"));
    assert_eq!(
        control,
        [
            Got::Ping(b"are you there".to_vec()),
            Got::Close(Some(4000), "bye".into())
        ]
    );
    let line = wait_for_line(stdout, "result ", "the ws client");
    (deflate, serde_json::from_str(&line["result ".len()..]).unwrap())
}

/// What the `ws` client saw when every echo matched, the ping was
/// answered and our server echoed its close.
fn all_well(extensions: &str) -> Value {
    json!({
        "echoes": [true, true, true, true, true],
        "pong": "are you there",
        "protocol": "chat",
        "extensions": extensions,
        "close": [4000, "bye"],
    })
}

#[test]
fn a_ws_client_against_our_server() {
    let (deflate, result) = run_ws_client("plain", Some(DeflateParams::default()));
    assert_eq!(deflate, None, "the client offered nothing");
    assert_eq!(result, all_well(""));
}

#[test]
fn a_ws_client_against_our_server_with_deflate() {
    let (deflate, result) = run_ws_client("deflate", Some(DeflateParams::default()));
    assert!(deflate.is_some());
    assert_eq!(result, all_well("permessage-deflate"));
}

#[test]
fn a_ws_client_against_our_server_with_no_context_takeover() {
    let (deflate, result) = run_ws_client("reset", Some(DeflateParams::default()));
    let d = deflate.unwrap();
    assert!(d.server_no_context_takeover && d.client_no_context_takeover);
    assert_eq!(result, all_well("permessage-deflate"));
}

#[test]
fn our_server_declines_deflate_by_policy() {
    let (deflate, result) = run_ws_client("deflate", None);
    assert_eq!(deflate, None);
    assert_eq!(result, all_well(""));
}
