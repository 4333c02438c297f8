//! Arbitrary bytes as what a server sent back on one connection after two
//! pipelined requests, each a GET, HEAD or CONNECT (first byte), decoded
//! whole, in two pieces (split where the first byte says) and byte by
//! byte, then the connection ends: every way must give the same events,
//! body and error, and nothing is read after a response that closes.

#![no_main]

use howth_protocols::http::{Event, Limits, RequestMethod, ResponseDecoder};
use libfuzzer_sys::fuzz_target;

/// Small limits, so inputs reach them.
const LIMITS: Limits = Limits { max_head: 2048, max_body: 4096, max_informational: 4 };

/// An event with its head copied out of the input.
#[derive(Debug, PartialEq)]
enum Seen {
    Head { interim: bool, status: u16, reason: String, headers: Vec<(String, Vec<u8>)> },
    End { reusable: bool },
}

fn seen(event: Event<'_>) -> Seen {
    match event {
        Event::Informational(h) | Event::Head(h) => Seen::Head {
            interim: (100..200).contains(&h.status) && h.status != 101,
            status: h.status,
            reason: h.reason.to_owned(),
            headers: h.headers().map(|(n, v)| (n.to_owned(), v.to_vec())).collect(),
        },
        Event::End { reusable } => Seen::End { reusable },
    }
}

fn run<'a>(methods: [RequestMethod; 2], pieces: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Seen>, Vec<u8>, Option<String>) {
    let mut decoder = ResponseDecoder::with_limits(LIMITS);
    for method in methods {
        decoder.request_sent(method);
    }
    let mut events = Vec::new();
    let mut body = Vec::new();
    let mut pending = Vec::new();
    let mut closed = false;
    for piece in pieces {
        pending.extend_from_slice(piece);
        loop {
            match decoder.decode(&pending, &mut body) {
                Err(e) => return (events, body, Some(e.to_string())),
                Ok((used, event)) => {
                    assert!(used <= pending.len());
                    let event = event.map(seen);
                    pending.drain(..used);
                    assert!(!closed || (used == 0 && event.is_none()), "nothing after a closing end");
                    match event {
                        Some(e) => {
                            closed |= e == Seen::End { reusable: false };
                            events.push(e);
                        }
                        None if used > 0 => {}
                        None => break,
                    }
                }
            }
        }
    }
    match decoder.eof() {
        Ok(e) => events.extend(e.map(seen)),
        Err(e) => return (events, body, Some(e.to_string())),
    }
    assert!(body.len() as u64 <= 2 * LIMITS.max_body);
    (events, body, None)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else { return };
    let method = |n: u8| match n % 3 {
        0 => RequestMethod::Other,
        1 => RequestMethod::Head,
        _ => RequestMethod::Connect,
    };
    let methods = [method(first), method(first / 3)];
    let split = usize::from(first / 9) % (input.len() + 1);
    let whole = run(methods, [input]);
    let (a, b) = input.split_at(split);
    assert_eq!(run(methods, [a, b]), whole);
    assert_eq!(run(methods, input.chunks(1)), whole);
});
