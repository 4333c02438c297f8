//! Arbitrary bytes as what a server sent back, for a GET, HEAD or CONNECT
//! (first byte), decoded whole, in two pieces (split where the first byte
//! says) and byte by byte, then the connection ends: every way must give
//! the same events, body and error.

#![no_main]

use howth_protocols::http::{Event, Limits, RequestMethod, ResponseDecoder};
use libfuzzer_sys::fuzz_target;

/// Small limits, so inputs reach them.
const LIMITS: Limits = Limits { max_head: 2048, max_body: 4096, max_informational: 4 };

fn run<'a>(method: RequestMethod, pieces: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Event>, Vec<u8>, Option<String>) {
    let mut decoder = ResponseDecoder::with_limits(method, LIMITS);
    let mut events = Vec::new();
    let mut body = Vec::new();
    let mut pending = Vec::new();
    for piece in pieces {
        pending.extend_from_slice(piece);
        loop {
            match decoder.decode(&pending, &mut body) {
                Err(e) => return (events, body, Some(e.to_string())),
                Ok((used, event)) => {
                    assert!(used <= pending.len());
                    pending.drain(..used);
                    match event {
                        Some(e @ Event::End { .. }) => {
                            events.push(e);
                            return (events, body, None);
                        }
                        Some(e) => events.push(e),
                        None if used > 0 && !pending.is_empty() => {}
                        None => break,
                    }
                }
            }
        }
    }
    match decoder.eof() {
        Ok(e) => events.push(e),
        Err(e) => return (events, body, Some(e.to_string())),
    }
    assert!(body.len() as u64 <= LIMITS.max_body);
    (events, body, None)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else { return };
    let method = match first % 3 {
        0 => RequestMethod::Other,
        1 => RequestMethod::Head,
        _ => RequestMethod::Connect,
    };
    let split = usize::from(first / 3) % (input.len() + 1);
    let whole = run(method, [input]);
    let (a, b) = input.split_at(split);
    assert_eq!(run(method, [a, b]), whole);
    assert_eq!(run(method, input.chunks(1)), whole);
});
