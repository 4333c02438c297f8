//! Arbitrary bytes as a Redis server's replies to 16 pipelined commands,
//! in RESP2 or RESP3 (first byte), received whole, in two pieces (split
//! where the first byte says) and byte by byte: every way must give the
//! same events, and nothing may panic.

#![no_main]

use howth_protocols::redis::{Client, Config, Event, Protocol};
use libfuzzer_sys::fuzz_target;

fn run<'a>(protocol: Protocol, pieces: impl IntoIterator<Item = &'a [u8]>) -> Vec<String> {
    let mut client = Client::new(Config { protocol, ..Config::default() });
    let mut out = Vec::new();
    client.start(&mut out);
    client.command(&["SUBSCRIBE", "a", "b"], &mut out);
    for _ in 0..15 {
        client.command(&["GET", "k"], &mut out);
    }
    let mut events = Vec::new();
    for piece in pieces {
        client.receive(piece);
        // Debug strings, since a NaN double is not equal to itself.
        events.extend(std::iter::from_fn(|| client.poll_event()).map(|e| format!("{e:?}")));
    }
    client.connection_lost();
    events.extend(std::iter::from_fn(|| client.poll_event()).map(|e: Event| format!("{e:?}")));
    events
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else { return };
    let protocol = if first & 1 == 0 { Protocol::Resp2 } else { Protocol::Resp3 };
    let split = usize::from(first >> 1) % (input.len() + 1);
    let whole = run(protocol, [input]);
    let (a, b) = input.split_at(split);
    assert_eq!(run(protocol, [a, b]), whole);
    assert_eq!(run(protocol, input.chunks(1)), whole);
});
