use howth_parser::{
    parse_request, BodyKind, ChunkStatus, ChunkedDecoder, Limits, ParseError, RequestHead, Span, Status,
    MAX_HEADERS,
};

fn parse_with(buf: &[u8], limits: &Limits) -> Result<(Status, RequestHead), ParseError> {
    let mut head = RequestHead::new();
    parse_request(buf, limits, &mut head).map(|s| (s, head))
}

#[track_caller]
fn complete(buf: &[u8]) -> RequestHead {
    match parse_with(buf, &Limits::default()) {
        Ok((Status::Complete, head)) => head,
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(buf)),
    }
}

#[track_caller]
fn error(buf: &[u8]) -> ParseError {
    error_with(buf, &Limits::default())
}

#[track_caller]
fn error_with(buf: &[u8], limits: &Limits) -> ParseError {
    match parse_with(buf, limits) {
        Err(e) => e,
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(buf)),
    }
}

#[track_caller]
fn bad_request(buf: &[u8]) {
    let e = error(buf);
    assert!(
        matches!(e, ParseError::BadRequest(_)),
        "{:?}: {e:?}",
        String::from_utf8_lossy(buf)
    );
    assert_eq!(e.status(), 400);
}

const WRK: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost:3000\r\nUser-Agent: oha/1.4.5\r\nAccept: */*\r\n\r\n";

#[test]
fn simple_get() {
    let head = complete(WRK);
    assert_eq!(head.method.get(WRK), b"GET");
    assert_eq!(head.target.get(WRK), b"/");
    assert_eq!(head.minor_version, 1);
    assert_eq!(head.head_len, WRK.len());
    assert_eq!(head.body, BodyKind::None);
    assert!(head.keep_alive);
    assert!(!head.expect_continue);
    assert_eq!(head.host.map(|s| s.get(WRK)), Some(&b"localhost:3000"[..]));
    assert_eq!(head.content_type, None);
    let headers: Vec<_> = head.headers(WRK).collect();
    assert_eq!(
        headers,
        [
            (&b"Host"[..], &b"localhost:3000"[..]),
            (b"User-Agent", b"oha/1.4.5"),
            (b"Accept", b"*/*"),
        ]
    );
}

#[test]
fn no_headers() {
    let buf = b"OPTIONS * HTTP/1.0\r\n\r\n";
    let head = complete(buf);
    assert_eq!(head.method.get(buf), b"OPTIONS");
    assert_eq!(head.target.get(buf), b"*");
    assert_eq!(head.minor_version, 0);
    assert!(head.headers.is_empty());
    assert_eq!(head.head_len, buf.len());
    assert!(!head.keep_alive);
}

#[test]
fn span_get() {
    let buf = b"0123456789";
    assert_eq!(Span { start: 2, len: 3 }.get(buf), b"234");
    assert_eq!(Span { start: 10, len: 0 }.get(buf), b"");
    assert!(Span::default().is_empty());
}

#[test]
fn header_lookup_ignores_case_and_returns_the_first() {
    let buf = b"GET / HTTP/1.1\r\nX-Thing: one\r\nx-thing: two\r\nContent-Type: text/plain\r\ncontent-type: application/json\r\n\r\n";
    let head = complete(buf);
    assert_eq!(head.header(buf, b"X-THING"), Some(&b"one"[..]));
    assert_eq!(head.header(buf, b"content-TYPE"), Some(&b"text/plain"[..]));
    assert_eq!(head.content_type.map(|s| s.get(buf)), Some(&b"text/plain"[..]));
    assert_eq!(head.header(buf, b"missing"), None);
    assert_eq!(head.headers.len(), 4);
}

#[test]
fn header_values_are_trimmed_and_may_be_empty() {
    let buf = b"GET / HTTP/1.1\r\nA:   spaced out \t \r\nB:\r\nC: \r\nD: caf\xc3\xa9\tx\r\n\r\n";
    let head = complete(buf);
    assert_eq!(head.header(buf, b"a"), Some(&b"spaced out"[..]));
    assert_eq!(head.header(buf, b"b"), Some(&b""[..]));
    assert_eq!(head.header(buf, b"c"), Some(&b""[..]));
    assert_eq!(head.header(buf, b"d"), Some(&b"caf\xc3\xa9\tx"[..]));
}

#[test]
fn leading_empty_lines_are_skipped() {
    let buf = b"\r\n\r\nGET /x HTTP/1.1\r\n\r\n";
    let head = complete(buf);
    assert_eq!(head.method.get(buf), b"GET");
    assert_eq!(head.target.get(buf), b"/x");
    assert_eq!(head.head_len, buf.len());
}

#[test]
fn keep_alive() {
    let cases: &[(&[u8], bool)] = &[
        (b"GET / HTTP/1.1\r\n\r\n", true),
        (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
        (b"GET / HTTP/1.1\r\nConnection: CLOSE\r\n\r\n", false),
        (b"GET / HTTP/1.1\r\nConnection: Upgrade, close\r\n\r\n", false),
        (
            b"GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
            false,
        ),
        (b"GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", true),
        (b"GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", true),
        (b"GET / HTTP/1.0\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        (b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        (
            b"GET / HTTP/1.0\r\nConnection: foo ,keep-alive\t,bar\r\n\r\n",
            true,
        ),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\nConnection: keep-alivex\r\n\r\n", false),
    ];
    for &(buf, expected) in cases {
        assert_eq!(
            complete(buf).keep_alive,
            expected,
            "{}",
            String::from_utf8_lossy(buf)
        );
    }
}

#[test]
fn expect_continue() {
    let cases: &[(&[u8], bool)] = &[
        (
            b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
            true,
        ),
        (
            b"POST / HTTP/1.1\r\nexpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n",
            true,
        ),
        // No body: nothing to wait for.
        (b"POST / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", false),
        (
            b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
            false,
        ),
        // RFC 9110: ignored in HTTP/1.0.
        (
            b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
            false,
        ),
        (
            b"POST / HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n",
            false,
        ),
    ];
    for &(buf, expected) in cases {
        assert_eq!(
            complete(buf).expect_continue,
            expected,
            "{}",
            String::from_utf8_lossy(buf)
        );
    }
}

#[test]
fn content_length() {
    let cases: &[(&[u8], BodyKind)] = &[
        (
            b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
            BodyKind::Length(5),
        ),
        (b"POST / HTTP/1.1\r\ncontent-length: 0\r\n\r\n", BodyKind::None),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 007\r\n\r\n",
            BodyKind::Length(7),
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
            BodyKind::Length(5),
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n",
            BodyKind::Length(5),
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 5,5,5\r\n\r\n",
            BodyKind::Length(5),
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 16777216\r\n\r\n",
            BodyKind::Length(16 << 20),
        ),
    ];
    for &(buf, expected) in cases {
        assert_eq!(complete(buf).body, expected, "{}", String::from_utf8_lossy(buf));
    }
}

#[test]
fn bad_content_length() {
    for value in [
        &b"5\r\nContent-Length: 6"[..],
        b"5, 6",
        b"5,",
        b",5",
        b"",
        b"abc",
        b"+5",
        b"-5",
        b"5 5",
        b"0x5",
        b"5.0",
        b"18446744073709551616",
        b"99999999999999999999999999",
    ] {
        let mut buf = b"POST / HTTP/1.1\r\nContent-Length: ".to_vec();
        buf.extend_from_slice(value);
        buf.extend_from_slice(b"\r\n\r\n");
        bad_request(&buf);
    }
}

#[test]
fn content_length_above_the_body_limit() {
    let limits = Limits {
        max_body_bytes: 10,
        ..Limits::default()
    };
    let buf = b"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
    let e = error_with(buf, &limits);
    assert_eq!(e, ParseError::PayloadTooLarge);
    assert_eq!(e.status(), 413);
    let buf = b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
    assert_eq!(parse_with(buf, &limits).unwrap().1.body, BodyKind::Length(10));
    // The largest well-formed length still gets 413, not 400.
    let buf = b"POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n";
    assert_eq!(error(buf), ParseError::PayloadTooLarge);
}

#[test]
fn transfer_encoding() {
    for value in [&b"chunked"[..], b"Chunked", b"CHUNKED"] {
        let mut buf = b"POST / HTTP/1.1\r\nTransfer-Encoding: ".to_vec();
        buf.extend_from_slice(value);
        buf.extend_from_slice(b"\r\n\r\n");
        assert_eq!(complete(&buf).body, BodyKind::Chunked);
    }
}

#[test]
fn bad_transfer_encoding() {
    for headers in [
        &b"Transfer-Encoding: gzip, chunked"[..],
        b"Transfer-Encoding: chunked, gzip",
        b"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
        b"Transfer-Encoding: chunked, chunked",
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        b"Transfer-Encoding: chunked,",
        b"Transfer-Encoding: identity",
        b"Transfer-Encoding: gzip",
        b"Transfer-Encoding: xchunked",
        b"Transfer-Encoding: chunked-false",
        b"Transfer-Encoding: \"chunked\"",
        b"Transfer-Encoding:",
        // Both framings: the request smuggling classic, in both orders.
        b"Transfer-Encoding: chunked\r\nContent-Length: 5",
        b"Content-Length: 5\r\nTransfer-Encoding: chunked",
        b"Content-Length: 0\r\nTransfer-Encoding: chunked",
    ] {
        let mut buf = b"POST / HTTP/1.1\r\n".to_vec();
        buf.extend_from_slice(headers);
        buf.extend_from_slice(b"\r\n\r\n");
        bad_request(&buf);
    }
    bad_request(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n");
}

#[test]
fn host() {
    let buf = b"GET / HTTP/1.1\r\nhost: a.example\r\n\r\n";
    assert_eq!(complete(buf).host.map(|s| s.get(buf)), Some(&b"a.example"[..]));
    bad_request(b"GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");
    // Not required: plenty of hand-written clients leave it out.
    assert_eq!(complete(b"GET / HTTP/1.1\r\n\r\n").host, None);
}

#[test]
fn malformed_header_lines() {
    for line in [
        // obs-fold
        &b"X-A: one\r\n two"[..],
        b"X-A: one\r\n\ttwo",
        // whitespace between name and colon, or before the name
        b"X-A : one",
        b"X-A\t: one",
        b" X-A: one",
        // no colon, empty name, bad name bytes
        b"X-A one",
        b": one",
        b"X A: one",
        b"X\"A: one",
        b"X\x00A: one",
        b"X\x7fA: one",
        b"X-\xc3\xa9: one",
        // control characters in the value
        b"X-A: o\x00ne",
        b"X-A: o\x01ne",
        b"X-A: o\x1bne",
        b"X-A: o\x7fne",
        b"X-A: o\rne",
    ] {
        let mut buf = b"GET / HTTP/1.1\r\n".to_vec();
        buf.extend_from_slice(line);
        buf.extend_from_slice(b"\r\n\r\n");
        bad_request(&buf);
    }
}

#[test]
fn bare_lf_line_endings() {
    for buf in [
        &b"GET / HTTP/1.1\n\r\n"[..],
        b"GET / HTTP/1.1\n\n",
        b"GET / HTTP/1.1\r\nHost: a\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a  \n\r\n",
        b"GET / HTTP/1.1\r\nHost:\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\n\n",
        b"GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n",
        b"\nGET / HTTP/1.1\r\n\r\n",
        b"\r\n\nGET / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\r\n\r\n",
    ] {
        bad_request(buf);
    }
}

#[test]
fn malformed_request_lines() {
    for buf in [
        &b"GET  / HTTP/1.1\r\n\r\n"[..],
        b"GET /  HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1 \r\n\r\n",
        b"GET\t/ HTTP/1.1\r\n\r\n",
        b" GET / HTTP/1.1\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET\r\n\r\n",
        b"/ HTTP/1.1\r\n\r\n",
        b"G(T / HTTP/1.1\r\n\r\n",
        b"GET /a\x00b HTTP/1.1\r\n\r\n",
        b"GET /a\x7fb HTTP/1.1\r\n\r\n",
        b"GET /\xff HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    ] {
        bad_request(buf);
    }
}

#[test]
fn any_token_is_a_method() {
    let buf = b"PROPFIND /dav HTTP/1.1\r\n\r\n";
    assert_eq!(complete(buf).method.get(buf), b"PROPFIND");
    let buf = b"get / HTTP/1.1\r\n\r\n";
    assert_eq!(complete(buf).method.get(buf), b"get");
}

#[test]
fn unsupported_versions_get_505() {
    for buf in [
        &b"GET / HTTP/2.0\r\n\r\n"[..],
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET / HTTP/3\r\n\r\n",
        b"GET / HTTP/0.9\r\n\r\n",
        b"GET / HTTP/1.2\r\n\r\n",
        b"GET / HTTP/10.0\r\n\r\n",
        // Already decided before the line ends.
        b"GET / HTTP/2",
    ] {
        let e = error(buf);
        assert_eq!(
            e,
            ParseError::VersionNotSupported,
            "{}",
            String::from_utf8_lossy(buf)
        );
        assert_eq!(e.status(), 505);
    }
}

#[test]
fn garbage_versions_get_400() {
    for buf in [
        &b"GET / HTTP/x.1\r\n\r\n"[..],
        b"GET / http/1.1\r\n\r\n",
        b"GET / HTTPS/1.1\r\n\r\n",
        b"GET / FOO\r\n\r\n",
        b"GET / HTTP/\r\n\r\n",
        b"GET / HTTP/1.\r\n\r\n",
        b"GET / HTTP/.1\r\n\r\n",
        b"GET / HTTP/1.1.1\r\n\r\n",
    ] {
        bad_request(buf);
    }
}

#[test]
fn target_length_limit() {
    let limits = Limits {
        max_target_len: 16,
        ..Limits::default()
    };
    let at_limit = b"GET /23456789abcdefg HTTP/1.1\r\n\r\n";
    assert_eq!(parse_with(at_limit, &limits).unwrap().1.target.len, 16);
    let over = b"GET /23456789abcdefgh HTTP/1.1\r\n\r\n";
    let e = error_with(over, &limits);
    assert_eq!(e, ParseError::UriTooLong);
    assert_eq!(e.status(), 414);
}

#[test]
fn endless_target_is_refused_before_the_line_ends() {
    let limits = Limits {
        max_target_len: 16,
        ..Limits::default()
    };
    let mut buf = b"GET /".to_vec();
    while buf.len() < 4 + 16 {
        assert_eq!(parse_with(&buf, &limits).unwrap().0, Status::Partial);
        buf.push(b'a');
    }
    assert_eq!(parse_with(&buf, &limits).unwrap().0, Status::Partial);
    buf.push(b'a');
    assert_eq!(error_with(&buf, &limits), ParseError::UriTooLong);

    // With the default limits the refusal comes long before the head limit.
    let mut buf = b"GET /".to_vec();
    buf.resize(8 * 1024 + 6, b'a');
    assert_eq!(error(&buf), ParseError::UriTooLong);
    // A complete target in an unfinished head is checked too.
    let mut buf = b"GET /".to_vec();
    buf.resize(8 * 1024 + 6, b'a');
    buf.extend_from_slice(b" HTTP/1.1\r\nHost: x");
    assert_eq!(error(&buf), ParseError::UriTooLong);
}

#[test]
fn head_size_limit() {
    let limits = Limits {
        max_head_bytes: 64,
        ..Limits::default()
    };
    let mut buf = b"GET / HTTP/1.1\r\nX: ".to_vec();
    let fill = 64 - buf.len() - 4;
    buf.resize(buf.len() + fill, b'a');
    buf.extend_from_slice(b"\r\n\r\n");
    assert_eq!(buf.len(), 64);
    assert_eq!(parse_with(&buf, &limits).unwrap().0, Status::Complete);

    let mut long = buf[..buf.len() - 4].to_vec();
    long.extend_from_slice(b"a\r\n\r\n");
    let e = error_with(&long, &limits);
    assert_eq!(e, ParseError::HeadersTooLarge);
    assert_eq!(e.status(), 431);

    // Unfinished: refused once more than the limit is buffered.
    let mut unfinished = b"GET / HTTP/1.1\r\nX: ".to_vec();
    unfinished.resize(64, b'a');
    assert_eq!(parse_with(&unfinished, &limits).unwrap().0, Status::Partial);
    unfinished.push(b'a');
    assert_eq!(error_with(&unfinished, &limits), ParseError::HeadersTooLarge);

    // Endless empty lines before the request line count too.
    let blank = b"\r\n".repeat(40);
    assert_eq!(error_with(&blank, &limits), ParseError::HeadersTooLarge);
}

fn with_headers(n: usize) -> Vec<u8> {
    let mut buf = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..n {
        buf.extend_from_slice(format!("X-Header-{i}: value {i}\r\n").as_bytes());
    }
    buf.extend_from_slice(b"\r\n");
    buf
}

#[test]
fn header_count_limit() {
    let limits = Limits {
        max_headers: 10,
        ..Limits::default()
    };
    assert_eq!(
        parse_with(&with_headers(10), &limits).unwrap().1.headers.len(),
        10
    );
    assert_eq!(
        error_with(&with_headers(11), &limits),
        ParseError::HeadersTooLarge
    );
    // Refused while still arriving as well.
    let buf = with_headers(11);
    assert_eq!(
        error_with(&buf[..buf.len() - 2], &limits),
        ParseError::HeadersTooLarge
    );

    assert_eq!(complete(&with_headers(100)).headers.len(), 100);
    assert_eq!(error(&with_headers(101)), ParseError::HeadersTooLarge);

    let generous = Limits {
        max_headers: 10_000,
        max_head_bytes: 1 << 20,
        ..Limits::default()
    };
    assert_eq!(
        parse_with(&with_headers(MAX_HEADERS), &generous)
            .unwrap()
            .1
            .headers
            .len(),
        MAX_HEADERS
    );
    assert_eq!(
        error_with(&with_headers(MAX_HEADERS + 1), &generous),
        ParseError::HeadersTooLarge
    );

    let none = Limits {
        max_headers: 0,
        ..Limits::default()
    };
    assert_eq!(parse_with(&with_headers(0), &none).unwrap().0, Status::Complete);
    assert_eq!(error_with(&with_headers(1), &none), ParseError::HeadersTooLarge);
}

#[test]
fn errors_have_reasons() {
    for e in [
        ParseError::BadRequest("invalid Content-Length"),
        ParseError::UriTooLong,
        ParseError::HeadersTooLarge,
        ParseError::PayloadTooLarge,
        ParseError::VersionNotSupported,
    ] {
        assert!(!e.reason().is_empty());
        assert!(e.to_string().contains(&e.status().to_string()));
    }
    assert_eq!(
        ParseError::BadRequest("invalid Content-Length").reason(),
        "invalid Content-Length"
    );
}

const VALID: &[&[u8]] = &[
    WRK,
    b"GET / HTTP/1.0\r\n\r\n",
    b"\r\nGET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n",
    b"PUT /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
    b"GET / HTTP/1.1\r\nEmpty:\r\nTrail: x \t\r\nConnection: close\r\n\r\n",
];

#[test]
fn partial_at_every_split_point() {
    for &buf in VALID {
        let full = complete(buf);
        assert_eq!(full.head_len, buf.len());
        let mut head = RequestHead::new();
        for i in 0..buf.len() {
            assert_eq!(
                parse_request(&buf[..i], &Limits::default(), &mut head),
                Ok(Status::Partial),
                "{:?} cut at {i}",
                String::from_utf8_lossy(buf)
            );
        }
        assert_eq!(
            parse_request(buf, &Limits::default(), &mut head),
            Ok(Status::Complete)
        );
        assert_eq!(head, full);
    }
}

#[test]
fn invalid_prefixes_are_partial_or_the_same_error() {
    let invalid: &[&[u8]] = &[
        b"GET / HTTP/2.0\r\n\r\n",
        b"GET / HTTP/x.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-A : one\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    ];
    for &buf in invalid {
        let full = error(buf);
        for i in 0..buf.len() {
            match parse_with(&buf[..i], &Limits::default()) {
                Ok((Status::Partial, _)) => {}
                Err(e) => assert_eq!(e, full, "{:?} cut at {i}", String::from_utf8_lossy(buf)),
                Ok(other) => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn head_is_reused_and_cleared() {
    let mut head = RequestHead::new();
    let big = with_headers(30);
    let limits = Limits::default();
    assert_eq!(parse_request(&big, &limits, &mut head), Ok(Status::Complete));
    assert_eq!(head.headers.len(), 30);
    let small = b"POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n";
    assert_eq!(parse_request(small, &limits, &mut head), Ok(Status::Complete));
    assert_eq!(head, complete(small));
    assert!(head.headers.capacity() >= 30);
    assert_eq!(parse_request(WRK, &limits, &mut head), Ok(Status::Complete));
    assert_eq!(head, complete(WRK));
}

#[test]
fn pipelined_requests() {
    let mut stream = Vec::new();
    stream.extend_from_slice(WRK);
    stream.extend_from_slice(b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    stream.extend_from_slice(
        b"PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: v\r\n\r\n",
    );
    stream.extend_from_slice(b"GET /c HTTP/1.1\r\nConnection: close\r\n\r\n");

    let limits = Limits::default();
    let mut head = RequestHead::new();
    let mut pos = 0;
    let mut seen = Vec::new();
    while pos < stream.len() {
        let buf = &stream[pos..];
        assert_eq!(parse_request(buf, &limits, &mut head), Ok(Status::Complete));
        let body_start = head.head_len;
        let mut body = Vec::new();
        let body_len = match head.body {
            BodyKind::None => 0,
            BodyKind::Length(n) => {
                body.extend_from_slice(&buf[body_start..body_start + n as usize]);
                n as usize
            }
            BodyKind::Chunked => {
                let mut decoder = ChunkedDecoder::new(limits.max_body_bytes);
                match decoder.decode(&buf[body_start..], &mut body) {
                    Ok(ChunkStatus::Done { consumed }) => consumed,
                    other => panic!("{other:?}"),
                }
            }
        };
        seen.push((
            String::from_utf8(head.method.get(buf).to_vec()).unwrap(),
            String::from_utf8(head.target.get(buf).to_vec()).unwrap(),
            String::from_utf8(body).unwrap(),
            head.keep_alive,
        ));
        pos += body_start + body_len;
    }
    assert_eq!(pos, stream.len());
    let expected = [
        ("GET", "/", "", true),
        ("POST", "/a", "hello", true),
        ("PUT", "/b", "abcde", true),
        ("GET", "/c", "", false),
    ];
    let seen: Vec<_> = seen
        .iter()
        .map(|(m, t, b, k)| (m.as_str(), t.as_str(), b.as_str(), *k))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn pipelined_batch_of_sixteen() {
    let stream = WRK.repeat(16);
    let limits = Limits::default();
    let mut head = RequestHead::new();
    let mut pos = 0;
    let mut count = 0;
    loop {
        match parse_request(&stream[pos..], &limits, &mut head) {
            Ok(Status::Complete) => {
                assert_eq!(head.body, BodyKind::None);
                pos += head.head_len;
                count += 1;
            }
            Ok(Status::Partial) => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((count, pos), (16, stream.len()));
}

#[test]
fn origin_url_is_built_only_for_origin_form_targets_with_a_host() {
    let url = |req: &[u8]| {
        let head = complete(req);
        let mut out = b"kept:".to_vec();
        let made = head.write_origin_url(req, &mut out);
        (made, String::from_utf8(out).unwrap())
    };
    assert_eq!(
        url(b"GET /a/b?c=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"),
        (true, "kept:http://example.com:8080/a/b?c=1".to_string())
    );
    assert_eq!(url(b"GET /a HTTP/1.0\r\n\r\n"), (false, "kept:".to_string()));
    assert_eq!(
        url(b"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"),
        (false, "kept:".to_string())
    );
    assert_eq!(
        url(b"GET http://other/x HTTP/1.1\r\nHost: h\r\n\r\n"),
        (false, "kept:".to_string())
    );
}
