use howth_parser::chunked::{MAX_CHUNK_LINE, MAX_EXTENSIONS, MAX_TRAILERS};
use howth_parser::{write_chunk, write_last_chunk, ChunkError, ChunkStatus, ChunkedDecoder};

const MAX: u64 = 1 << 20;

/// Decodes `input` fed in the given pieces: the body and the bytes consumed
/// once done, or the first error.
fn decode_pieces(pieces: &[&[u8]], max: u64) -> Result<(Vec<u8>, usize), ChunkError> {
    let mut decoder = ChunkedDecoder::new(max);
    let mut body = Vec::new();
    let mut consumed_total = 0;
    for piece in pieces {
        match decoder.decode(piece, &mut body)? {
            ChunkStatus::Done { consumed } => {
                assert!(decoder.is_done());
                return Ok((body, consumed_total + consumed));
            }
            ChunkStatus::Partial { consumed } => {
                assert_eq!(consumed, piece.len());
                assert!(!decoder.is_done());
                consumed_total += consumed;
            }
        }
    }
    Err(ChunkError::Malformed("test: input ended before the body"))
}

fn decode(input: &[u8]) -> Result<(Vec<u8>, usize), ChunkError> {
    decode_pieces(&[input], MAX)
}

const VALID: &[(&[u8], &[u8])] = &[
    (b"0\r\n\r\n", b""),
    (b"5\r\nhello\r\n0\r\n\r\n", b"hello"),
    (b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", b"hello world"),
    (
        b"a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n",
        b"01234567890123456789",
    ),
    (b"000003\r\nabc\r\n0000\r\n\r\n", b"abc"),
    (b"3;name=value\r\nabc\r\n0\r\n\r\n", b"abc"),
    (
        b"3;a;b=c;d=\"quoted; \\\" value\"\r\nabc\r\n0;last\r\n\r\n",
        b"abc",
    ),
    (b"3 ;ext\r\nabc\r\n0\t\r\n\r\n", b"abc"),
    (
        b"3\r\nabc\r\n0\r\nX-Trailer: yes\r\nChecksum: abc \t\r\n\r\n",
        b"abc",
    ),
    (b"2\r\n\r\n\r\n0\r\n\r\n", b"\r\n"),
    (b"5\r\n0\r\n\r\n\r\n0\r\n\r\n", b"0\r\n\r\n"),
];

#[test]
fn decodes_valid_bodies() {
    for &(input, body) in VALID {
        assert_eq!(
            decode(input),
            Ok((body.to_vec(), input.len())),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn stops_at_the_end_of_the_body() {
    let input = b"3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    assert_eq!(decode(input), Ok((b"abc".to_vec(), 13)));
}

#[test]
fn every_split_point_gives_the_same_result() {
    for &(input, body) in VALID {
        let mut with_next = input.to_vec();
        with_next.extend_from_slice(b"NEXT");
        for i in 0..=with_next.len() {
            let (a, b) = with_next.split_at(i);
            assert_eq!(
                decode_pieces(&[a, b], MAX),
                Ok((body.to_vec(), input.len())),
                "{:?} split at {i}",
                String::from_utf8_lossy(input)
            );
        }
    }
}

#[test]
fn every_pair_of_split_points_gives_the_same_result() {
    for &(input, body) in VALID {
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let pieces = [&input[..i], &input[i..j], &input[j..]];
                assert_eq!(decode_pieces(&pieces, MAX), Ok((body.to_vec(), input.len())));
            }
        }
    }
}

#[test]
fn byte_by_byte() {
    for &(input, body) in VALID {
        let pieces: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(decode_pieces(&pieces, MAX), Ok((body.to_vec(), input.len())));
    }
}

#[test]
fn empty_input_is_partial() {
    let mut decoder = ChunkedDecoder::new(MAX);
    let mut out = Vec::new();
    assert_eq!(
        decoder.decode(b"", &mut out),
        Ok(ChunkStatus::Partial { consumed: 0 })
    );
    assert_eq!(
        decoder.decode(b"3\r\nab", &mut out),
        Ok(ChunkStatus::Partial { consumed: 5 })
    );
    assert_eq!(
        decoder.decode(b"", &mut out),
        Ok(ChunkStatus::Partial { consumed: 0 })
    );
    assert_eq!(out, b"ab");
}

#[track_caller]
fn malformed(input: &[u8]) {
    match decode(input) {
        Err(e @ ChunkError::Malformed(_)) => assert_eq!(e.status(), 400),
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(input)),
    }
    // Whatever the split, the same verdict.
    let full = decode(input);
    for i in 0..=input.len() {
        let (a, b) = input.split_at(i);
        assert_eq!(
            decode_pieces(&[a, b], MAX),
            full,
            "{:?} split at {i}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn bad_sizes() {
    for input in [
        &b"\r\n\r\n"[..],
        b"g\r\n",
        b"0x5\r\nhello\r\n0\r\n\r\n",
        b"-5\r\nhello\r\n0\r\n\r\n",
        b"+5\r\nhello\r\n0\r\n\r\n",
        b" 5\r\nhello\r\n0\r\n\r\n",
        b"5 5\r\nhello\r\n0\r\n\r\n",
        b"5x\r\nhello\r\n0\r\n\r\n",
        b";ext\r\n0\r\n\r\n",
        // 17 significant hex digits cannot fit a u64.
        b"1ffffffffffffffff\r\n",
        b"10000000000000000\r\n",
    ] {
        malformed(input);
    }
}

#[test]
fn bad_line_endings() {
    for input in [
        &b"5\nhello\r\n0\r\n\r\n"[..],
        b"5\rhello\r\n0\r\n\r\n",
        b"5\r\r\nhello\r\n0\r\n\r\n",
        b"5\r\nhello\n0\r\n\r\n",
        b"5\r\nhelloX\r\n0\r\n\r\n",
        b"5\r\nhello\r0\r\n\r\n",
        b"5\r\nhello0\r\n\r\n",
        b"5\r\nhello\r\n0\n\r\n",
        b"5\r\nhello\r\n0\r\n\n",
        b"5\r\nhello\r\n0\r\n\rX",
        b"5\r\nhello\r\n0\r\nX: y\n\r\n",
        b"5\r\nhello\r\n0\r\nX: y\r\r\n",
        b"5;ext\nhello\r\n0\r\n\r\n",
    ] {
        malformed(input);
    }
}

#[test]
fn bad_extensions_and_trailers() {
    for input in [
        &b"5;a\x00b\r\nhello\r\n0\r\n\r\n"[..],
        b"5;a\x7fb\r\nhello\r\n0\r\n\r\n",
        b"5;a\x1bb\r\nhello\r\n0\r\n\r\n",
        b"5 x\r\nhello\r\n0\r\n\r\n",
        // obs-fold and whitespace-led trailer lines
        b"0\r\nX: a\r\n b\r\n\r\n",
        b"0\r\n X: a\r\n\r\n",
        b"0\r\n:x\r\n\r\n",
        b"0\r\nX: a\x00\r\n\r\n",
    ] {
        malformed(input);
    }
}

#[test]
fn size_line_is_bounded() {
    let mut ok = b"1;".to_vec();
    ok.resize(MAX_CHUNK_LINE, b'x');
    ok.extend_from_slice(b"\r\na\r\n0\r\n\r\n");
    assert_eq!(decode(&ok).unwrap().0, b"a");

    let mut long = b"1;".to_vec();
    long.resize(MAX_CHUNK_LINE + 1, b'x');
    assert!(matches!(decode(&long), Err(ChunkError::Malformed(_))));

    let mut zeros = vec![b'0'; MAX_CHUNK_LINE + 1];
    zeros.extend_from_slice(b"1\r\n");
    assert!(matches!(decode(&zeros), Err(ChunkError::Malformed(_))));
}

#[test]
fn extensions_are_bounded_across_the_body() {
    let ext = format!(";{}", "e".repeat(1000));
    let chunk = format!("1{ext}\r\na\r\n");
    let fits = MAX_EXTENSIONS / 1000;
    let mut input = chunk.repeat(fits);
    input.push_str("0\r\n\r\n");
    assert_eq!(decode(input.as_bytes()).unwrap().0, b"a".repeat(fits));

    let mut input = chunk.repeat(fits + 1);
    input.push_str("0\r\n\r\n");
    assert!(matches!(decode(input.as_bytes()), Err(ChunkError::Malformed(_))));
}

#[test]
fn trailers_are_bounded() {
    let line = format!("X-T: {}\r\n", "v".repeat(95));
    assert_eq!(line.len(), 102);
    // The final empty line counts too.
    let fits = (MAX_TRAILERS - 1) / 102;
    let input = format!("0\r\n{}\r\n", line.repeat(fits));
    assert_eq!(decode(input.as_bytes()).unwrap().0, b"");
    let input = format!("0\r\n{}\r\n", line.repeat(fits + 1));
    assert!(matches!(decode(input.as_bytes()), Err(ChunkError::Malformed(_))));
}

#[test]
fn body_limit() {
    let input = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    assert_eq!(decode_pieces(&[input], 11).unwrap().0, b"hello world");
    assert_eq!(decode_pieces(&[input], 10), Err(ChunkError::TooLarge));
    assert_eq!(ChunkError::TooLarge.status(), 413);

    // Refused on the size line, before any of the chunk's data arrives.
    let mut decoder = ChunkedDecoder::new(15);
    let mut out = Vec::new();
    assert_eq!(decoder.decode(b"10\r\n", &mut out), Err(ChunkError::TooLarge));
    assert!(out.is_empty());

    let mut decoder = ChunkedDecoder::new(u64::MAX);
    assert_eq!(
        decoder.decode(b"ffffffffffffffff\r\nabc", &mut out),
        Ok(ChunkStatus::Partial { consumed: 21 })
    );

    let mut decoder = ChunkedDecoder::new(0);
    assert_eq!(decoder.decode(b"1\r\n", &mut out), Err(ChunkError::TooLarge));
    let mut decoder = ChunkedDecoder::new(0);
    assert_eq!(
        decoder.decode(b"0\r\n\r\n", &mut out),
        Ok(ChunkStatus::Done { consumed: 5 })
    );
}

#[test]
fn errors_have_reasons() {
    for e in [ChunkError::Malformed("invalid chunk size"), ChunkError::TooLarge] {
        assert!(!e.reason().is_empty());
        assert!(e.to_string().contains(&e.status().to_string()));
    }
}

#[test]
fn round_trips_what_write_chunk_writes() {
    let data: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    for piece_len in [1, 15, 16, 17, 255, 256, 4096, 65_536, 70_000] {
        let mut wire = Vec::new();
        for piece in data.chunks(piece_len) {
            write_chunk(&mut wire, piece);
        }
        write_chunk(&mut wire, b"");
        write_last_chunk(&mut wire);
        assert_eq!(decode(&wire), Ok((data.clone(), wire.len())));
        let pieces: Vec<&[u8]> = wire.chunks(7).collect();
        assert_eq!(decode_pieces(&pieces, MAX), Ok((data.clone(), wire.len())));
    }
}
