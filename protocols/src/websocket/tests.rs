use super::frame::{write_frame, OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, OP_TEXT};
use super::*;

use OwnedEvent as Got;

fn got(event: Event<'_>) -> Got {
    event.into()
}

/// Feeds `wire` `step` bytes at a time, keeping unused bytes; the events,
/// the replies written, and the error if one came.
fn feed(role: Role, config: Config, wire: &[u8], step: usize) -> (Vec<Got>, Vec<u8>, Option<Error>) {
    let mut conn = Connection::new(role, config);
    let (mut events, mut out, mut pending) = (Vec::new(), Vec::new(), Vec::new());
    for piece in wire.chunks(step.max(1)) {
        pending.extend_from_slice(piece);
        loop {
            match conn.decode(&pending, &mut out) {
                Err(e) => return (events, out, Some(e)),
                Ok((used, event)) => {
                    let event = event.map(got);
                    pending.drain(..used);
                    match event {
                        Some(e) => events.push(e),
                        None if used > 0 => {}
                        None => break,
                    }
                }
            }
        }
    }
    (events, out, None)
}

/// `feed` for every step from 1 to 7 and whole: all must agree (client
/// replies are masked with fresh keys, so only their length compares).
fn every_split(role: Role, config: Config, wire: &[u8]) -> (Vec<Got>, Vec<u8>, Option<Error>) {
    let whole = feed(role, config, wire, wire.len());
    for step in 1..8 {
        let split = feed(role, config, wire, step);
        assert_eq!(
            (&split.0, split.1.len(), &split.2),
            (&whole.0, whole.1.len(), &whole.2),
            "step {step}"
        );
    }
    whole
}

fn deflate_config() -> Config {
    Config {
        deflate: Some(DeflateParams::default()),
        compress_threshold: 0,
        ..Config::default()
    }
}

#[test]
fn messages_of_every_length_class_cross_both_ways() {
    for config in [Config::default(), deflate_config()] {
        for (from, to) in [(Role::Client, Role::Server), (Role::Server, Role::Client)] {
            let mut sender = Connection::new(from, config);
            let mut wire = Vec::new();
            let sizes = [0, 1, 125, 126, 65535, 65536, 200_000];
            for &n in &sizes {
                sender.send_binary(&mut wire, &vec![n as u8; n]).unwrap();
            }
            sender.send_text(&mut wire, "héllo ✓").unwrap();
            sender.ping(&mut wire, b"are you there").unwrap();
            let (events, replies, error) = every_split(to, config, &wire);
            assert_eq!(error, None);
            let mut expected: Vec<Got> = sizes.iter().map(|&n| Got::Binary(vec![n as u8; n])).collect();
            expected.push(Got::Text("héllo ✓".into()));
            expected.push(Got::Ping(b"are you there".to_vec()));
            assert_eq!(events, expected);
            // The pong went back, masked by a client and not by a server.
            let (back, _, _) = feed(from, config, &replies, replies.len());
            assert_eq!(back, [Got::Pong(b"are you there".to_vec())]);
        }
    }
}

#[test]
fn clients_mask_and_servers_do_not() {
    let mut wire = Vec::new();
    Connection::new(Role::Client, Config::default())
        .send_text(&mut wire, "x")
        .unwrap();
    assert_eq!(wire[1] & 0x80, 0x80);
    let (_, out, error) = feed(Role::Client, Config::default(), &wire, 16);
    assert_eq!(error.unwrap().code, 1002, "a client refuses masked frames");
    assert_eq!(&out[..2], [0x88, 0x80 | 28], "and says why in a masked close");
    let mut wire = Vec::new();
    Connection::new(Role::Server, Config::default())
        .send_text(&mut wire, "x")
        .unwrap();
    assert_eq!(wire, [0x81, 0x01, b'x']);
    let (_, out, error) = feed(Role::Server, Config::default(), &wire, 16);
    assert_eq!(error.unwrap(), Error::protocol("unmasked frame from a client"));
    assert_eq!(
        out,
        [&[0x88, 30, 0x03, 0xEA][..], b"unmasked frame from a client"].concat()
    );
}

#[test]
fn fragments_make_one_message_with_control_frames_between() {
    let mask = Some([1, 2, 3, 4]);
    let mut wire = Vec::new();
    // "✓" is E2 9C 93: split across the fragments.
    write_frame(&mut wire, false, false, OP_TEXT, b"ab\xE2", mask);
    write_frame(&mut wire, true, false, OP_PING, b"p", mask);
    write_frame(&mut wire, false, false, OP_CONTINUATION, b"\x9C", mask);
    write_frame(&mut wire, true, false, OP_CONTINUATION, b"\x93c", mask);
    let (events, _, error) = every_split(Role::Server, Config::default(), &wire);
    assert_eq!(error, None);
    assert_eq!(events, [Got::Ping(b"p".to_vec()), Got::Text("ab✓c".into())]);

    // The sending side fragments too, compressed or not.
    for config in [Config::default(), deflate_config()] {
        let mut client = Connection::new(Role::Client, config);
        let mut wire = Vec::new();
        client
            .send_fragment(&mut wire, true, "one ".as_bytes(), false)
            .unwrap();
        client
            .send_fragment(&mut wire, true, "two ".repeat(100).as_bytes(), false)
            .unwrap();
        client.send_fragment(&mut wire, true, b"three", true).unwrap();
        client.send_binary(&mut wire, b"after").unwrap();
        let (events, _, error) = every_split(Role::Server, config, &wire);
        assert_eq!(error, None);
        let text = format!("one {}three", "two ".repeat(100));
        assert_eq!(events, [Got::Text(text), Got::Binary(b"after".to_vec())]);
    }
}

#[test]
fn bad_frames_fail_with_the_right_code() {
    let mask = Some([9, 9, 9, 9]);
    let fails = |frames: &[(bool, bool, u8, &[u8])], config: Config| {
        let mut wire = Vec::new();
        for &(fin, rsv1, opcode, payload) in frames {
            write_frame(&mut wire, fin, rsv1, opcode, payload, mask);
        }
        let (_, out, error) = every_split(Role::Server, config, &wire);
        let error = error.expect("an error");
        // The close frame sent says the same.
        assert_eq!(u16::from_be_bytes([out[2], out[3]]), error.code);
        error
    };
    let c = Config::default();
    assert_eq!(fails(&[(true, false, OP_CONTINUATION, b"x")], c).code, 1002);
    assert_eq!(
        fails(
            &[(false, false, OP_TEXT, b"x"), (true, false, OP_BINARY, b"y")],
            c
        )
        .code,
        1002
    );
    assert_eq!(
        fails(&[(true, true, OP_TEXT, b"x")], c).reason,
        "RSV1 without permessage-deflate"
    );
    assert_eq!(fails(&[(true, false, OP_TEXT, b"\xC0\xAF")], c).code, 1007);
    assert_eq!(fails(&[(true, false, OP_CLOSE, b"\x03")], c).code, 1002);
    assert_eq!(
        fails(&[(true, false, OP_CLOSE, &1005u16.to_be_bytes())], c).code,
        1002
    );
    assert_eq!(fails(&[(true, false, OP_CLOSE, b"\x03\xE8\xFF")], c).code, 1007);
    assert_eq!(
        fails(&[(true, false, OP_TEXT, b"\xE2\x9C")], c).code,
        1007,
        "cut short at the end"
    );
    let small = Config {
        max_message: 10,
        ..Config::default()
    };
    assert_eq!(fails(&[(true, false, OP_BINARY, &[0; 11])], small).code, 1009);
    assert_eq!(
        fails(
            &[
                (false, false, OP_BINARY, &[0; 6]),
                (true, false, OP_CONTINUATION, &[0; 6])
            ],
            small
        )
        .code,
        1009
    );
}

#[test]
fn invalid_text_fails_before_the_rest_arrives() {
    let mut wire = Vec::new();
    write_frame(&mut wire, false, false, OP_TEXT, b"ok \xFF", Some([0; 4]));
    // The message's next fragment never comes: the bad byte is enough.
    let (_, _, error) = feed(Role::Server, Config::default(), &wire, wire.len());
    assert_eq!(error.unwrap().code, 1007);
}

#[test]
fn a_compressed_bomb_stops_at_the_message_limit() {
    let mut sender = Connection::new(Role::Client, deflate_config());
    let mut wire = Vec::new();
    sender.send_binary(&mut wire, &vec![0; 4 << 20]).unwrap();
    assert!(wire.len() < 64 * 1024);
    let config = Config {
        max_message: 1 << 20,
        ..deflate_config()
    };
    let (_, _, error) = feed(Role::Server, config, &wire, wire.len());
    assert_eq!(error.unwrap().code, 1009);
}

#[test]
fn the_closing_handshake() {
    // The client closes; the server echoes and reads nothing more.
    let mut client = Connection::new(Role::Client, Config::default());
    let mut wire = Vec::new();
    client.close(&mut wire, Some(4000), "bye").unwrap();
    assert_eq!(client.send_text(&mut wire, "late"), Err(SendError::Closed));
    let mut server = Connection::new(Role::Server, Config::default());
    let mut echo = Vec::new();
    let (_, event) = server.decode(&wire, &mut echo).unwrap();
    assert_eq!(event.map(got), Some(Got::Close(Some(4000), "bye".into())));
    assert!(server.is_closed());
    assert_eq!(echo, [0x88, 0x05, 0x0F, 0xA0, b'b', b'y', b'e']);
    assert_eq!(server.decode(b"\x81\x81garbage", &mut echo).unwrap(), (0, None));
    // The client gets the echo; it does not answer it.
    let mut out = Vec::new();
    let (_, event) = client.decode(&echo, &mut out).unwrap();
    assert_eq!(event.map(got), Some(Got::Close(Some(4000), "bye".into())));
    assert!(out.is_empty() && client.is_closed());
    // An empty close is echoed empty.
    let mut empty = Vec::new();
    write_frame(&mut empty, true, false, OP_CLOSE, b"", None);
    let (events, mut out, _) = feed(Role::Client, Config::default(), &empty, 2);
    assert_eq!(
        (events, &out[..2]),
        (vec![Got::Close(None, String::new())], &[0x88, 0x80][..])
    );
    // What may not be sent.
    let mut c = Connection::new(Role::Server, Config::default());
    assert_eq!(
        c.close(&mut out, Some(1006), ""),
        Err(SendError::InvalidCloseCode(1006))
    );
    assert_eq!(c.ping(&mut out, &[0; 126]), Err(SendError::ControlTooLong));
    assert_eq!(
        c.close(&mut out, Some(1000), &"r".repeat(124)),
        Err(SendError::ControlTooLong)
    );
}

#[test]
fn small_messages_skip_compression_and_context_follows_the_agreement() {
    let frames = |params: DeflateParams| {
        let config = Config {
            deflate: Some(params),
            compress_threshold: 64,
            ..Config::default()
        };
        let mut server = Connection::new(Role::Server, config);
        let mut sizes = Vec::new();
        let mut all = Vec::new();
        for message in [
            "tiny",
            &"a compressible message ".repeat(10),
            &"a compressible message ".repeat(10),
        ] {
            let mut wire = Vec::new();
            server.send_text(&mut wire, message).unwrap();
            sizes.push((wire[0] & 0x40 != 0, wire.len()));
            all.extend_from_slice(&wire);
        }
        let (events, _, error) = every_split(Role::Client, config, &all);
        assert_eq!((events.len(), error), (3, None));
        sizes
    };
    let takeover = frames(DeflateParams::default());
    assert_eq!(takeover[0], (false, 6), "under the threshold: plain");
    assert!(takeover[1].0 && takeover[2].1 < takeover[1].1, "{takeover:?}");
    let reset = frames(DeflateParams {
        server_no_context_takeover: true,
        ..DeflateParams::default()
    });
    assert_eq!(reset[1], reset[2], "{reset:?}");
}
