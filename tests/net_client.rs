//! Outgoing connections (loop/src/client) through `Howth.connect`, against
//! upstreams these tests start on local ports: plain TCP ones in threads,
//! a TLS one under Node (with a CA made by `openssl` for the test).

mod client_support;
mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::process::Command;
use std::thread;

use client_support::{run_script, NodeTlsServer};
use common::{howth, TempScript};

fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

#[test]
fn writes_of_one_turn_leave_in_one_write_and_bytes_come_back() {
    let (l, port) = listener();
    let upstream = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        // Everything the script wrote in one turn arrives in one segment:
        // the first read has all of it.
        let mut buf = vec![0; 64 * 1024];
        let n = s.read(&mut buf).unwrap();
        let first = String::from_utf8_lossy(&buf[..n]).into_owned();
        s.write_all(format!("got {n} bytes").as_bytes()).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
        first
    });
    let out = run_script(&format!(
        r#"
let got = "";
const sock = await Howth.connect({{
  hostname: "127.0.0.1", port: {port},
  socket: {{
    data(s, d) {{ got += new TextDecoder().decode(d); }},
    end(s) {{ console.log("end:", got); s.end(); }},
    close(s, err) {{ console.log("close:", err === undefined); }},
  }},
}});
console.log("remote:", sock.remoteAddress, sock.localPort > 0);
for (let i = 0; i < 100; i++) sock.write(`m${{String(i).padStart(3, "0")}};`);
"#
    ));
    let first = upstream.join().unwrap();
    assert_eq!(first.len(), 500, "{first}");
    assert!(
        first.starts_with("m000;m001;") && first.ends_with("m099;"),
        "{first}"
    );
    assert_eq!(out, "remote: 127.0.0.1 true\nend: got 500 bytes\nclose: true\n");
}

#[test]
fn refused_unresolvable_and_timed_out_connects_reject_with_node_codes() {
    // A port nobody listens on: bind one, note it, close it.
    let (l, closed_port) = listener();
    drop(l);
    // An upstream that accepts and never answers: the TLS handshake
    // cannot finish, so the connect deadline cuts it.
    let (silent, silent_port) = listener();
    let hold = thread::spawn(move || {
        let (s, _) = silent.accept().unwrap();
        let mut s = s;
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    });
    let out = run_script(&format!(
        r#"
const show = async (what, o) => {{
  try {{
    await Howth.connect({{ ...o, socket: {{ connectError(s, e) {{ console.log(what, "connectError", e.code); }} }} }});
    console.log(what, "connected?!");
  }} catch (e) {{
    console.log(what, e.code, e.message);
  }}
}};
await show("refused", {{ hostname: "127.0.0.1", port: {closed_port} }});
await show("unknown", {{ hostname: "no-such-host.invalid", port: 80 }});
const t0 = Date.now();
await show("slow", {{ hostname: "127.0.0.1", port: {silent_port}, tls: true, timeout: 300 }});
const took = Date.now() - t0;
console.log("took", took >= 250 && took < 3000);
"#
    ));
    let _ = hold.join();
    assert_eq!(
        out,
        format!(
            "refused connectError ECONNREFUSED\nrefused ECONNREFUSED connect ECONNREFUSED 127.0.0.1:{closed_port}\n\
             unknown ENOTFOUND getaddrinfo ENOTFOUND no-such-host.invalid\n\
             slow connectError ETIMEDOUT\nslow ETIMEDOUT connect ETIMEDOUT 127.0.0.1:{silent_port}\n\
             took true\n"
        )
    );
}

#[test]
fn a_reset_mid_stream_is_an_error_and_the_loop_goes_on() {
    let (l, port) = listener();
    let upstream = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.write_all(b"partial").unwrap();
        // Wait for the client's answer and close without reading it:
        // closing a socket with unread input makes Linux send a reset.
        let mut b = [0u8; 1];
        s.peek(&mut b).unwrap();
        drop(s);
    });
    let out = run_script(&format!(
        r#"
await new Promise<void>((done) => Howth.connect({{
  hostname: "127.0.0.1", port: {port},
  socket: {{
    data(s, d) {{ console.log("data", new TextDecoder().decode(d)); s.write("k"); }},
    error(s, e) {{ console.log("error", e.code); }},
    close(s, e) {{ console.log("close", e?.code); done(); }},
  }},
}}));
setTimeout(() => console.log("still running"), 10);
"#
    ));
    upstream.join().unwrap();
    assert_eq!(
        out,
        "data partial\nerror ECONNRESET\nclose ECONNRESET\nstill running\n"
    );
}

#[test]
fn a_paused_connection_stops_reading_and_resumes() {
    const TOTAL: usize = 32 << 20;
    let (l, port) = listener();
    let upstream = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..TOTAL / chunk.len() {
            s.write_all(&chunk).unwrap();
        }
        s.shutdown(Shutdown::Write).unwrap();
    });
    let out = run_script(&format!(
        r#"
let got = 0;
let paused = false;
await new Promise<void>((done) => Howth.connect({{
  hostname: "127.0.0.1", port: {port},
  socket: {{
    data(s, d) {{
      got += d.byteLength;
      if (!paused) {{
        paused = true;
        s.pause();
        setTimeout(() => {{
          console.log("while paused, less than all:", got < {TOTAL});
          const before = got;
          setTimeout(() => {{
            console.log("nothing more while paused:", got === before);
            s.resume();
          }}, 100);
        }}, 100);
      }}
    }},
    end(s) {{ console.log("all:", got); s.end(); }},
    close() {{ done(); }},
  }},
}}));
"#
    ));
    upstream.join().unwrap();
    assert_eq!(
        out,
        format!("while paused, less than all: true\nnothing more while paused: true\nall: {TOTAL}\n")
    );
}

#[test]
fn tls_with_a_private_ca_and_certificate_failures() {
    let up = NodeTlsServer::start(
        r#"
const tls = require("tls"), fs = require("fs");
const s = tls.createServer({ key: fs.readFileSync(process.argv[2]), cert: fs.readFileSync(process.argv[3]) }, (c) => {
  c.on("data", (d) => c.write(d));
  c.on("end", () => c.end());
  c.on("error", () => {});
});
s.on("tlsClientError", () => {});
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
"#,
    );
    let port = up.port;
    let ca = serde_json::to_string(&up.ca).unwrap();
    let out = run_script(&format!(
        r#"
const ca = {ca};
let got = "";
await new Promise<void>(async (done) => {{
  const s = await Howth.connect({{ hostname: "localhost", port: {port}, tls: {{ ca }}, socket: {{
    open() {{ console.log("open"); }},
    data(s, d) {{ got += new TextDecoder().decode(d); if (got.length === 12) s.end(); }},
    close(s, e) {{ console.log("echo:", got, e?.code); done(); }},
  }} }});
  s.write("secret ");
  s.write("bytes");
}});
const fail = async (what, o) => {{
  try {{ await Howth.connect({{ hostname: "127.0.0.1", port: {port}, ...o, socket: {{}} }}); console.log(what, "connected?!"); }}
  catch (e) {{ console.log(what, e.code, e.message); }}
}};
await fail("unknown CA:", {{ tls: true }});
await fail("wrong name:", {{ tls: {{ ca, serverName: "other.test" }} }});
const s = await Howth.connect({{ hostname: "127.0.0.1", port: {port}, tls: {{ rejectUnauthorized: false }}, socket: {{}} }});
console.log("unverified:", s.readyState);
s.terminate();
"#
    ));
    assert_eq!(
        out,
        "open\necho: secret bytes undefined\n\
         unknown CA: UNABLE_TO_VERIFY_LEAF_SIGNATURE TLS: certificate is signed by an unknown authority\n\
         wrong name: ERR_TLS_CERT_ALTNAME_INVALID TLS: certificate is not valid for \"other.test\"; it names localhost, 127.0.0.1\n\
         unverified: open\n"
    );
}

#[test]
fn out_of_descriptors_rejects_connects_and_the_loop_goes_on() {
    let (l, port) = listener();
    let accepter = thread::spawn(move || {
        let mut held = Vec::new();
        l.set_nonblocking(false).unwrap();
        for s in l.incoming() {
            match s {
                Ok(s) => held.push(s),
                Err(_) => break,
            }
            if held.len() >= 200 {
                break;
            }
        }
    });
    let script = TempScript::new(
        "emfile.ts",
        &format!(
            r#"
const open = [];
const codes = new Set();
for (let i = 0; i < 100; i++) {{
  try {{ open.push(await Howth.connect({{ hostname: "127.0.0.1", port: {port}, socket: {{}} }})); }}
  catch (e) {{ codes.add(e.code); break; }}
}}
console.log("failed with", [...codes].join(","), open.length > 0 && open.length < 100);
for (const s of open) s.terminate();
await new Promise((r) => setTimeout(r, 20));
const again = await Howth.connect({{ hostname: "127.0.0.1", port: {port}, socket: {{}} }});
console.log("after closing:", again.readyState);
again.terminate();
"#
        ),
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && exec {} run {}",
            howth(),
            script.path.display()
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout, "failed with EMFILE true\nafter closing: open\n");
    drop(accepter);
}
