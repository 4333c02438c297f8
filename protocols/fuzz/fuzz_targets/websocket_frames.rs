//! Arbitrary bytes as the frames a peer sent, to a client or a server,
//! with or without permessage-deflate (first byte), decoded whole, in two
//! pieces (split where the first byte says) and byte by byte: every way
//! must give the same messages, control events, replies and error, and no
//! message may exceed the limit.

#![no_main]

use howth_protocols::websocket::{Config, Connection, DeflateParams, OwnedEvent as Got, Role};
use libfuzzer_sys::fuzz_target;

const MAX_MESSAGE: usize = 8192;

fn run<'a>(role: Role, config: Config, pieces: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Got>, usize, Option<u16>) {
    let mut conn = Connection::new(role, config);
    let (mut events, mut out, mut pending) = (Vec::new(), Vec::new(), Vec::new());
    for piece in pieces {
        pending.extend_from_slice(piece);
        loop {
            match conn.decode(&pending, &mut out) {
                // Replies from a client are masked with fresh keys: compare
                // their length only.
                Err(e) => return (events, out.len(), Some(e.code)),
                Ok((used, event)) => {
                    assert!(used <= pending.len());
                    let got = event.map(Got::from);
                    pending.drain(..used);
                    match got {
                        Some(Got::Text(t)) => {
                            assert!(t.len() <= MAX_MESSAGE);
                            events.push(Got::Text(t));
                        }
                        Some(Got::Binary(b)) => {
                            assert!(b.len() <= MAX_MESSAGE);
                            events.push(Got::Binary(b));
                        }
                        Some(other) => events.push(other),
                        None if used > 0 => {}
                        None => break,
                    }
                }
            }
        }
    }
    (events, out.len(), None)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else { return };
    let role = if first & 1 == 0 { Role::Server } else { Role::Client };
    let deflate = (first & 2 != 0).then(|| DeflateParams {
        server_no_context_takeover: first & 4 != 0,
        client_no_context_takeover: first & 4 != 0,
        ..DeflateParams::default()
    });
    let config = Config { max_message: MAX_MESSAGE, compress_threshold: 0, deflate };
    let split = usize::from(first >> 3) % (input.len() + 1);
    let whole = run(role, config, [input]);
    let (a, b) = input.split_at(split);
    assert_eq!(run(role, config, [a, b]), whole);
    assert_eq!(run(role, config, input.chunks(1)), whole);
});
