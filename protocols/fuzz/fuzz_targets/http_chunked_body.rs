//! Arbitrary bytes as the body of a chunked response, decoded whole, in
//! two pieces and byte by byte: the same body, end and error every way.

#![no_main]

use howth_protocols::http::{Event, Limits, RequestMethod, ResponseDecoder};
use libfuzzer_sys::fuzz_target;

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

/// The body, the end (whether the connection is reusable) and the error.
fn run<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> (Vec<u8>, Option<bool>, Option<String>) {
    let limits = Limits { max_body: 4096, ..Limits::default() };
    let mut decoder = ResponseDecoder::with_limits(limits);
    decoder.request_sent(RequestMethod::Other);
    let mut body = Vec::new();
    let (used, head) = decoder.decode(HEAD, &mut body).unwrap();
    assert!(used == HEAD.len() && matches!(head, Some(Event::Head(_))));
    for piece in pieces {
        let mut at = 0;
        while at < piece.len() {
            match decoder.decode(&piece[at..], &mut body) {
                Err(e) => return (body, None, Some(e.to_string())),
                Ok((_, Some(Event::End { reusable }))) => return (body, Some(reusable), None),
                Ok((_, Some(other))) => panic!("{other:?} inside a body"),
                Ok((used, None)) => {
                    assert_eq!(used, piece.len() - at, "a body consumes all it is given");
                    at += used;
                }
            }
        }
    }
    match decoder.eof() {
        Ok(Some(Event::End { reusable })) => (body, Some(reusable), None),
        Ok(_) => (body, None, None),
        Err(e) => (body, None, Some(e.to_string())),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else { return };
    let split = usize::from(split) % (input.len() + 1);
    let whole = run([input]);
    let (a, b) = input.split_at(split);
    assert_eq!(run([a, b]), whole);
    assert_eq!(run(input.chunks(1)), whole);
});
