//! Arbitrary bytes as a chunked body, split in two at the point the first
//! byte picks, and fed byte by byte: the pieces must decode exactly as the
//! whole does, to the same body, length consumed or error.

#![no_main]

use howth_parser::{ChunkError, ChunkStatus, ChunkedDecoder};
use libfuzzer_sys::fuzz_target;

/// Small enough for inputs to reach it, so 413 is exercised too.
const MAX_BODY: u64 = 4096;

#[derive(Debug, PartialEq)]
enum Outcome {
    Done { consumed: usize },
    Partial,
    Failed(ChunkError),
}

fn decode<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> (Outcome, Vec<u8>) {
    let mut decoder = ChunkedDecoder::new(MAX_BODY);
    let mut body = Vec::new();
    let mut offset = 0;
    for piece in pieces {
        match decoder.decode(piece, &mut body) {
            Ok(ChunkStatus::Done { consumed }) => {
                assert!(consumed <= piece.len());
                assert!(decoder.is_done());
                return (
                    Outcome::Done {
                        consumed: offset + consumed,
                    },
                    body,
                );
            }
            Ok(ChunkStatus::Partial { consumed }) => {
                assert_eq!(consumed, piece.len());
                offset += consumed;
            }
            Err(e) => {
                assert!(matches!(e.status(), 400 | 413));
                // Once failed, always failed.
                assert_eq!(decoder.decode(b"0\r\n\r\n", &mut Vec::new()), Err(e));
                return (Outcome::Failed(e), body);
            }
        }
    }
    (Outcome::Partial, body)
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else {
        return;
    };
    let split = usize::from(split) % (input.len() + 1);

    let whole = decode([input]);
    assert!(whole.1.len() as u64 <= MAX_BODY);
    if let Outcome::Done { consumed } = whole.0 {
        assert!(consumed <= input.len());
    }
    let (a, b) = input.split_at(split);
    assert_eq!(decode([a, b]), whole);
    assert_eq!(decode(input.chunks(1)), whole);
});
