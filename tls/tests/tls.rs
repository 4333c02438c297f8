//! howth-tls against real peers over real sockets: `openssl s_server` for
//! the client side; `openssl s_client`, node:tls and node:https for the
//! server side. Certificates come from a CA the test makes with `openssl`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;

use common::*;
use howth_tls::{
    server_config, ClientContext, ClientOptions, ConfigError, Event, Pem, ServerCertificate, ServerOptions,
    Session, TlsErrorKind, TrustAnchors,
};

const MIB: usize = 1024 * 1024;

fn trusting(ca: &Path) -> ClientOptions {
    ClientOptions {
        ca: Some(Pem::File(ca.to_path_buf())),
        ..ClientOptions::default()
    }
}

/// `openssl s_server` on a free port, quiet (no commands, plaintext only
/// on stdout), serving `leaf`; its stdin and stdout are the test's.
fn s_server(leaf: &Leaf, extra: &[&str]) -> (Child, u16) {
    let port = free_port();
    let mut child = Command::new("openssl")
        .args([
            "s_server",
            "-quiet",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
        ])
        .arg(&leaf.cert)
        .arg("-key")
        .arg(&leaf.key)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl s_server");
    wait_listening(port, &mut child);
    (child, port)
}

fn connect(ctx: &mut ClientContext, options: &ClientOptions, port: u16, name: &str) -> TlsStream {
    let config = ctx.config(options).unwrap();
    let session = Session::client(&config, name).unwrap();
    TlsStream::new(TcpStream::connect(("127.0.0.1", port)).unwrap(), session)
}

fn context() -> ClientContext {
    ClientContext::new(TrustAnchors::defaults(None).unwrap())
}

#[test]
fn client_moves_1_mib_each_way_through_openssl_s_server_and_closes_cleanly() {
    let pki = Pki::new("client-mib");
    let leaf = pki.leaf("server", &["server.test"], KeyType::EcdsaP256);
    let (mut server, port) = s_server(&leaf, &["-alpn", "http/1.1", "-naccept", "1"]);
    let mut server_in = server.stdin.take().unwrap();
    let mut server_out = server.stdout.take().unwrap();

    let mut ctx = context();
    let mut client = connect(&mut ctx, &trusting(&pki.ca_cert), port, "server.test");
    let info = client.handshake().unwrap();
    assert_eq!(info.alpn.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(info.protocol, "TLSv1.3");
    assert!(!info.resumed);

    // Client to server: s_server prints what it decrypts.
    let up = pattern(MIB, 1);
    let reader = std::thread::spawn(move || {
        let mut got = vec![0; MIB];
        server_out.read_exact(&mut got).unwrap();
        (got, server_out)
    });
    client.send(&up);
    let (got, _server_out) = reader.join().unwrap();
    assert!(got == up, "s_server received different bytes");

    // Server to client: s_server encrypts what it reads on stdin.
    let down = pattern(MIB, 2);
    let writer = {
        let down = down.clone();
        std::thread::spawn(move || {
            server_in.write_all(&down).unwrap();
            server_in
        })
    };
    let received = client.read_exact(MIB).unwrap();
    let _server_in = writer.join().unwrap();
    assert!(received == down, "the client received different bytes");

    // close_notify: ours goes out, s_server answers with its own and exits.
    client.session.close();
    client.flush();
    let rest = client.read_to_close().unwrap();
    assert!(rest.is_empty());
    assert!(client.peer_closed(), "s_server's close_notify was not seen");
    assert!(
        client.session.eof().is_ok(),
        "end of file after close_notify is clean"
    );
    assert!(server.wait().unwrap().success());
}

#[test]
fn client_speaks_tls_1_2_with_an_rsa_server() {
    let pki = Pki::new("client-tls12");
    let leaf = pki.leaf("rsa", &["rsa.test"], KeyType::Rsa2048);
    let (mut server, port) = s_server(&leaf, &["-tls1_2", "-naccept", "1"]);
    let mut ctx = context();
    let mut client = connect(&mut ctx, &trusting(&pki.ca_cert), port, "rsa.test");
    let info = client.handshake().unwrap();
    assert_eq!(info.protocol, "TLSv1.2");
    assert_eq!(info.alpn, None, "s_server offered no ALPN");
    client.send(b"over tls 1.2\n");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "over tls 1.2\n");
    client.session.close();
    client.flush();
    client.read_to_close().unwrap();
    assert!(server.wait().unwrap().success());
}

/// Connects to a server showing `leaf` and returns the handshake's error.
fn handshake_error(leaf: &Leaf, options: &ClientOptions, name: &str) -> howth_tls::TlsError {
    let (mut server, port) = s_server(leaf, &["-naccept", "1"]);
    let mut ctx = context();
    let mut client = connect(&mut ctx, options, port, name);
    let err = client.handshake().expect_err("the handshake must fail");
    drop(client);
    let _ = server.kill();
    let _ = server.wait();
    err
}

#[test]
fn a_certificate_for_another_host_is_a_hostname_mismatch() {
    let pki = Pki::new("client-mismatch");
    let leaf = pki.leaf("server", &["right.test"], KeyType::EcdsaP256);
    let err = handshake_error(&leaf, &trusting(&pki.ca_cert), "wrong.test");
    assert_eq!(err.kind(), TlsErrorKind::HostnameMismatch, "{err}");
    assert_eq!(err.code(), "ERR_TLS_CERT_ALTNAME_INVALID");
    assert!(err.is_certificate_error());
    let text = err.to_string();
    assert!(
        text.contains("wrong.test") && text.contains("right.test"),
        "{text}"
    );
}

#[test]
fn a_certificate_from_an_unknown_ca_is_refused_unless_reject_unauthorized_is_off() {
    let pki = Pki::new("client-unknown-ca");
    let leaf = pki.leaf("server", &["server.test"], KeyType::EcdsaP256);
    // The defaults (Mozilla's roots and the system's) do not know the test CA.
    let err = handshake_error(&leaf, &ClientOptions::default(), "server.test");
    assert_eq!(err.kind(), TlsErrorKind::UnknownIssuer, "{err}");
    assert_eq!(err.code(), "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    assert_eq!(
        err.to_string(),
        "TLS: certificate is signed by an unknown authority"
    );

    // rejectUnauthorized: false accepts it, and even a wrong name.
    let (mut server, port) = s_server(&leaf, &["-naccept", "1"]);
    let mut ctx = context();
    let insecure = ClientOptions {
        reject_unauthorized: false,
        ..ClientOptions::default()
    };
    let mut client = connect(&mut ctx, &insecure, port, "not-the-name.test");
    client.handshake().unwrap();
    client.send(b"ok\n");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "ok\n");
    client.session.close();
    client.flush();
    client.read_to_close().unwrap();
    server.wait().unwrap();
}

#[test]
fn an_expired_certificate_is_refused() {
    let pki = Pki::new("client-expired");
    let leaf = pki.leaf_dated(
        "old",
        &["old.test"],
        KeyType::EcdsaP256,
        "20200101000000Z",
        "20200201000000Z",
    );
    let err = handshake_error(&leaf, &trusting(&pki.ca_cert), "old.test");
    assert_eq!(err.kind(), TlsErrorKind::Expired, "{err}");
    assert_eq!(err.code(), "CERT_HAS_EXPIRED");

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let future = pki.leaf_dated(
        "future",
        &["future.test"],
        KeyType::EcdsaP256,
        &asn1_time(now + 86_400),
        &asn1_time(now + 2 * 86_400),
    );
    let err = handshake_error(&future, &trusting(&pki.ca_cert), "future.test");
    assert_eq!(err.kind(), TlsErrorKind::NotYetValid, "{err}");
}

#[test]
fn node_extra_ca_certs_adds_to_the_default_roots() {
    let pki = Pki::new("client-extra-ca");
    let leaf = pki.leaf("server", &["extra.test"], KeyType::EcdsaP256);
    let (mut server, port) = s_server(&leaf, &["-naccept", "1"]);
    let anchors = TrustAnchors::defaults(Some(&pki.ca_cert)).unwrap();
    assert_eq!(anchors.len(), TrustAnchors::defaults(None).unwrap().len() + 1);
    let mut ctx = ClientContext::new(anchors);
    let mut client = connect(&mut ctx, &ClientOptions::default(), port, "extra.test");
    client.handshake().unwrap();
    client.session.close();
    client.flush();
    client.read_to_close().unwrap();
    server.wait().unwrap();
}

#[test]
fn an_ip_address_is_checked_against_the_certificates_ip_names() {
    let pki = Pki::new("client-ip");
    let leaf = pki.leaf("ip", &["127.0.0.1"], KeyType::EcdsaP256);
    let (mut server, port) = s_server(&leaf, &["-naccept", "2"]);
    let mut ctx = context();
    let mut client = connect(&mut ctx, &trusting(&pki.ca_cert), port, "127.0.0.1");
    client.handshake().unwrap();
    client.session.close();
    client.flush();
    client.read_to_close().unwrap();
    let mut client = connect(&mut ctx, &trusting(&pki.ca_cert), port, "127.0.0.2");
    let err = client.handshake().unwrap_err();
    assert_eq!(err.kind(), TlsErrorKind::HostnameMismatch, "{err}");
    drop(client);
    server.wait().unwrap();
}

#[test]
fn a_second_connection_resumes_the_first_ones_session() {
    let pki = Pki::new("client-resume");
    let leaf = pki.leaf("server", &["resume.test"], KeyType::EcdsaP256);
    let (mut server, port) = s_server(&leaf, &["-naccept", "2"]);
    let mut server_in = server.stdin.take().unwrap();
    let mut server_out = BufReader::new(server.stdout.take().unwrap());
    let mut ctx = context();
    let options = trusting(&pki.ca_cert);
    for round in 0..2 {
        let mut client = connect(&mut ctx, &options, port, "resume.test");
        let info = client.handshake().unwrap();
        assert_eq!(info.resumed, round == 1, "round {round}");
        // A round trip, so the session ticket sent after the handshake is in.
        client.send(b"ping\n");
        let mut line = String::new();
        server_out.read_line(&mut line).unwrap();
        assert_eq!(line, "ping\n");
        server_in.write_all(b"pong\n").unwrap();
        assert_eq!(client.read_exact(5).unwrap(), b"pong\n");
        client.session.close();
        client.flush();
        client.read_to_close().unwrap();
    }
    drop(server_in);
    server.wait().unwrap();
}

/// Serves `connections` accepted connections one after the other on a
/// free port, each through `handle`.
fn serve<R: Send + 'static>(
    config: Arc<rustls::ServerConfig>,
    connections: usize,
    handle: impl Fn(&mut TlsStream) -> R + Send + 'static,
) -> (u16, JoinHandle<Vec<R>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        (0..connections)
            .map(|_| {
                let (tcp, _) = listener.accept().unwrap();
                let mut stream = TlsStream::new(tcp, Session::server(&config).unwrap());
                handle(&mut stream)
            })
            .collect()
    });
    (port, thread)
}

use howth_tls::rustls;

/// Echoes until the peer's close_notify, answers with ours, and returns
/// the handshake and every byte received.
fn echo(stream: &mut TlsStream) -> (Option<howth_tls::HandshakeInfo>, Vec<u8>) {
    let info = match stream.handshake() {
        Ok(info) => info,
        Err(_) => return (None, Vec::new()),
    };
    let mut all = Vec::new();
    loop {
        let more = stream.read_more().unwrap_or(false);
        if !stream.plain.is_empty() {
            let chunk = std::mem::take(&mut stream.plain);
            stream.send(&chunk);
            all.extend_from_slice(&chunk);
        }
        if !more || stream.peer_closed() {
            break;
        }
    }
    stream.session.close();
    stream.flush();
    (Some(info), all)
}

/// For `openssl s_client -ign_eof`, which never closes first: echoes one
/// line, then sends close_notify (s_client exits on it).
fn echo_line(stream: &mut TlsStream) -> (Option<howth_tls::HandshakeInfo>, Vec<u8>) {
    let info = match stream.handshake() {
        Ok(info) => info,
        Err(_) => return (None, Vec::new()),
    };
    while !stream.plain.contains(&b'\n') {
        assert!(stream.read_more().unwrap(), "end of file before a line");
    }
    let line = std::mem::take(&mut stream.plain);
    stream.send(&line);
    stream.session.close();
    stream.flush();
    (Some(info), line)
}

fn cert(leaf: &Leaf, name: Option<&str>) -> ServerCertificate {
    ServerCertificate {
        cert: Pem::File(leaf.cert.clone()),
        key: Pem::File(leaf.key.clone()),
        server_name: name.map(str::to_string),
    }
}

fn s_client(port: u16, ca: &Path, args: &[&str], input: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}"), "-CAfile"])
        .arg(ca)
        .args(["-verify_return_error", "-ign_eof"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn server_picks_the_certificate_by_sni_for_openssl_s_client() {
    let pki = Pki::new("server-sni");
    let a = pki.leaf("a", &["a.test"], KeyType::EcdsaP256);
    let b = pki.leaf("b", &["b.test"], KeyType::EcdsaP256);
    let wild = pki.leaf("wild", &["*.wild.test"], KeyType::EcdsaP256);
    let options = ServerOptions {
        certificates: vec![
            cert(&a, Some("a.test")),
            cert(&b, Some("B.test")),
            cert(&wild, Some("*.wild.test")),
        ],
        alpn: vec![b"http/1.1".to_vec()],
        session_tickets: true,
    };
    let (port, server) = serve(server_config(&options).unwrap(), 4, echo_line);
    for (sni, subject) in [
        ("a.test", "CN = a.test"),
        ("b.test", "CN = b.test"),
        ("x.wild.test", "CN = *.wild.test"),
    ] {
        let out = s_client(
            port,
            &pki.ca_cert,
            &["-servername", sni, "-verify_hostname", sni, "-alpn", "http/1.1"],
            b"hello\n",
        );
        assert!(out.contains(&format!("subject={subject}")), "{sni}: {out}");
        assert!(out.contains("Verification: OK"), "{sni}: {out}");
        assert!(out.contains("ALPN protocol: http/1.1"), "{sni}: {out}");
        assert!(out.contains("\nhello\n"), "{sni}: the echo is missing: {out}");
    }
    // No name any entry claims: the first entry answers.
    let out = s_client(port, &pki.ca_cert, &["-servername", "other.test"], b"hi\n");
    assert!(out.contains("subject=CN = a.test"), "{out}");
    let served: Vec<_> = server
        .join()
        .unwrap()
        .into_iter()
        .map(|(info, _)| info.unwrap().server_name)
        .collect();
    assert_eq!(
        served,
        [
            Some("a.test"),
            Some("b.test"),
            Some("x.wild.test"),
            Some("other.test")
        ]
        .map(|s| s.map(String::from))
    );
}

#[test]
fn server_serves_rsa_ecdsa_and_ed25519_keys() {
    let pki = Pki::new("server-keys");
    for (key, signature) in [
        (KeyType::Rsa2048, "RSA-PSS"),
        (KeyType::EcdsaP256, "ECDSA"),
        (KeyType::Ed25519, "ed25519"),
    ] {
        let leaf = pki.leaf(&format!("{key:?}"), &["keys.test"], key);
        let config =
            server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
        let (port, server) = serve(config, 1, echo_line);
        let out = s_client(
            port,
            &pki.ca_cert,
            &["-servername", "keys.test", "-brief"],
            b"key\n",
        );
        assert!(
            out.contains(&format!("Signature type: {signature}")),
            "{key:?}: {out}"
        );
        assert!(out.contains("Verification: OK"), "{key:?}: {out}");
        let (_, received) = server.join().unwrap().pop().unwrap();
        assert_eq!(received, b"key\n");
    }
}

#[test]
fn server_resumes_sessions_for_openssl_s_client() {
    let pki = Pki::new("server-resume");
    let leaf = pki.leaf("server", &["resume.test"], KeyType::EcdsaP256);
    let config = server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
    let (port, server) = serve(config, 2, echo_line);
    let session_file = pki.dir.path("session.pem");
    let session = session_file.to_str().unwrap();
    let first = s_client(
        port,
        &pki.ca_cert,
        &["-servername", "resume.test", "-sess_out", session],
        b"one\n",
    );
    assert!(first.contains("New, TLSv1.3"), "{first}");
    let second = s_client(
        port,
        &pki.ca_cert,
        &["-servername", "resume.test", "-sess_in", session],
        b"two\n",
    );
    assert!(second.contains("Reused, TLSv1.3"), "{second}");
    let resumed: Vec<bool> = server
        .join()
        .unwrap()
        .into_iter()
        .map(|(info, _)| info.unwrap().resumed)
        .collect();
    assert_eq!(resumed, [false, true]);
}

fn node(script: &str, args: &[String]) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/node")
        .join(script);
    let out = Command::new("node").arg(path).args(args).output().expect("node");
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|_| {
        panic!(
            "node printed {text:?}, stderr {:?}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn server_echoes_1_mib_to_node_tls_and_closes_with_close_notify() {
    let pki = Pki::new("server-node");
    let leaf = pki.leaf("server", &["node.test"], KeyType::EcdsaP256);
    let config = server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
    let (port, server) = serve(config, 1, echo);
    let seen = node(
        "tls_echo_client.mjs",
        &[
            port.to_string(),
            "node.test".into(),
            pki.ca_cert.display().to_string(),
            MIB.to_string(),
        ],
    );
    assert_eq!(seen["authorized"], true, "{seen}");
    assert_eq!(seen["alpn"], "http/1.1", "{seen}");
    assert_eq!(seen["protocol"], "TLSv1.3", "{seen}");
    assert_eq!(seen["subject"], "node.test", "{seen}");
    assert_eq!(seen["received"], MIB, "{seen}");
    assert_eq!(seen["same"], true, "{seen}");
    let (info, received) = server.join().unwrap().pop().unwrap();
    assert_eq!(info.unwrap().alpn.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(received.len(), MIB);
    // Node's payload, rebuilt here: the server decrypted every byte right.
    let expected: Vec<u8> = (0..MIB).map(|i| ((i * 7 + (i >> 8)) & 0xff) as u8).collect();
    assert!(received == expected);
}

#[test]
fn server_answers_node_https_get() {
    let pki = Pki::new("server-https");
    let leaf = pki.leaf("server", &["https.test"], KeyType::Rsa2048);
    let config = server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
    let (port, server) = serve(config, 1, |stream: &mut TlsStream| {
        stream.handshake().unwrap();
        while !stream.plain.windows(4).any(|w| w == b"\r\n\r\n") {
            assert!(stream.read_more().unwrap(), "end of file inside the request head");
        }
        let head = String::from_utf8(std::mem::take(&mut stream.plain)).unwrap();
        stream.send(b"HTTP/1.1 200 OK\r\nserver: howth-tls-test\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello");
        stream.session.close();
        stream.flush();
        head
    });
    let seen = node(
        "https_get.mjs",
        &[
            port.to_string(),
            "https.test".into(),
            pki.ca_cert.display().to_string(),
        ],
    );
    assert_eq!(seen["status"], 200, "{seen}");
    assert_eq!(seen["server"], "howth-tls-test", "{seen}");
    assert_eq!(seen["body"], "hello", "{seen}");
    let head = server.join().unwrap().pop().unwrap();
    assert!(head.starts_with("GET /hello HTTP/1.1\r\n"), "{head}");
}

#[test]
fn server_refuses_a_client_with_no_common_alpn_protocol() {
    let pki = Pki::new("server-alpn");
    let leaf = pki.leaf("server", &["alpn.test"], KeyType::EcdsaP256);
    let config = server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
    let (port, server) = serve(config, 1, |stream: &mut TlsStream| {
        stream.handshake().unwrap_err()
    });
    let out = s_client(
        port,
        &pki.ca_cert,
        &["-servername", "alpn.test", "-alpn", "h2"],
        b"",
    );
    assert!(out.contains("no application protocol"), "{out}");
    let err = server.join().unwrap().pop().unwrap();
    assert_eq!(err.kind(), TlsErrorKind::NoApplicationProtocol, "{err}");
}

#[test]
fn garbage_and_plain_http_fail_that_session_with_an_alert() {
    let pki = Pki::new("server-garbage");
    let leaf = pki.leaf("server", &["g.test"], KeyType::EcdsaP256);
    let config = server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
    for input in [
        &b"GET / HTTP/1.1\r\nhost: g.test\r\n\r\n"[..],
        &[0x16, 0x03, 0x01, 0x00, 0x04, 1, 0, 0, 0][..],
    ] {
        let (port, server) = serve(config.clone(), 1, |stream: &mut TlsStream| {
            stream.handshake().unwrap_err()
        });
        let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
        tcp.write_all(input).unwrap();
        let err = server.join().unwrap().pop().unwrap();
        assert_eq!(err.kind(), TlsErrorKind::Protocol, "{err}");
        // The server said why before closing: a TLS alert record (type 21).
        let mut reply = Vec::new();
        let _ = tcp.read_to_end(&mut reply);
        assert_eq!(reply.first(), Some(&21), "{reply:?}");
    }
    // The configuration still serves a well-formed client afterwards.
    let (port, server) = serve(config, 1, echo_line);
    let out = s_client(port, &pki.ca_cert, &["-servername", "g.test"], b"fine\n");
    assert!(out.contains("Verification: OK"), "{out}");
    assert_eq!(server.join().unwrap().pop().unwrap().1, b"fine\n");
}

#[test]
fn bad_server_certificates_and_keys_are_one_clear_error() {
    let pki = Pki::new("server-config");
    let a = pki.leaf("a", &["a.test"], KeyType::EcdsaP256);
    let b = pki.leaf("b", &["b.test"], KeyType::EcdsaP256);
    let try_config = |cert: Pem, key: Pem| server_config(&ServerOptions::single(cert, key)).unwrap_err();

    let err = try_config(Pem::File(a.cert.clone()), Pem::File(b.key.clone()));
    assert!(matches!(err, ConfigError::KeyMismatch { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "the private key {} does not match the certificate {}",
            b.key.display(),
            a.cert.display()
        )
    );

    let missing = pki.dir.path("missing.key");
    let err = try_config(Pem::File(a.cert.clone()), Pem::File(missing.clone()));
    assert!(
        err.to_string()
            .starts_with(&format!("cannot read {}: ", missing.display())),
        "{err}"
    );

    let err = try_config(Pem::File(a.cert.clone()), Pem::File(a.cert.clone()));
    assert!(matches!(err, ConfigError::NoPrivateKey { .. }), "{err}");

    let err = try_config(Pem::File(a.key.clone()), Pem::File(a.key.clone()));
    assert!(matches!(err, ConfigError::NoCertificate { .. }), "{err}");

    let encrypted = pki.dir.path("encrypted.key");
    gen_key(&encrypted, KeyType::EcdsaP256, Some("secret"));
    let err = try_config(Pem::File(a.cert.clone()), Pem::File(encrypted));
    assert!(matches!(err, ConfigError::EncryptedKey { .. }), "{err}");
    assert!(err.to_string().contains("encrypted"), "{err}");

    let err = server_config(&ServerOptions {
        certificates: vec![],
        alpn: vec![],
        session_tickets: true,
    })
    .unwrap_err();
    assert!(matches!(err, ConfigError::NoServerCertificate));

    let err = try_config(Pem::from("x"), Pem::from("y"));
    assert!(
        matches!(err, ConfigError::NoCertificate { .. }) && !err.to_string().contains('\n'),
        "{err}"
    );
}

#[test]
fn end_of_file_without_close_notify_is_reported_as_truncation() {
    let pki = Pki::new("server-eof");
    let leaf = pki.leaf("server", &["eof.test"], KeyType::EcdsaP256);
    let config = server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
    let (port, server) = serve(config, 1, |stream: &mut TlsStream| {
        stream.handshake().unwrap();
        stream.read_to_close().unwrap_err()
    });
    let mut ctx = context();
    let mut client = connect(&mut ctx, &trusting(&pki.ca_cert), port, "eof.test");
    client.handshake().unwrap();
    client.send(b"partial");
    drop(client); // the socket closes, no close_notify
    let err = server.join().unwrap().pop().unwrap();
    assert_eq!(err.kind(), TlsErrorKind::UnexpectedEof, "{err}");
    assert_eq!(err.code(), "ECONNRESET");
}

#[test]
fn client_events_arrive_in_order() {
    let pki = Pki::new("client-events");
    let leaf = pki.leaf("server", &["ev.test"], KeyType::EcdsaP256);
    let config = server_config(&ServerOptions::single(Pem::File(leaf.cert), Pem::File(leaf.key))).unwrap();
    let (port, server) = serve(config, 1, echo);
    let mut ctx = context();
    let mut client = connect(&mut ctx, &trusting(&pki.ca_cert), port, "ev.test");
    client.handshake().unwrap();
    client.send(b"abc");
    assert_eq!(client.read_exact(3).unwrap(), b"abc");
    client.session.close();
    client.flush();
    client.read_to_close().unwrap();
    assert!(matches!(client.events[0], Event::Handshake(_)));
    assert_eq!(client.events.last(), Some(&Event::PeerClosed));
    server.join().unwrap();
}
