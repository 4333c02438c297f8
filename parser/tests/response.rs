use std::time::{Duration, UNIX_EPOCH};

use howth_parser::{
    is_valid_header_name, is_valid_header_value, reason_phrase, status_allows_body, write_chunk,
    write_content_length, write_error_response, write_header, write_last_chunk, write_status_line, DateCache,
    CONTINUE_100,
};

fn status_line(status: u16) -> String {
    let mut out = Vec::new();
    write_status_line(&mut out, status);
    String::from_utf8(out).unwrap()
}

/// RFC 9110's example date: Sun, 06 Nov 1994 08:49:37 GMT.
fn rfc_date() -> DateCache {
    DateCache::at(UNIX_EPOCH + Duration::from_secs(784_111_777))
}

#[test]
fn status_lines() {
    assert_eq!(status_line(200), "HTTP/1.1 200 OK\r\n");
    assert_eq!(status_line(404), "HTTP/1.1 404 Not Found\r\n");
    assert_eq!(status_line(413), "HTTP/1.1 413 Content Too Large\r\n");
    assert_eq!(status_line(505), "HTTP/1.1 505 HTTP Version Not Supported\r\n");
    assert_eq!(status_line(103), "HTTP/1.1 103 Early Hints\r\n");
    // Unregistered: the reason phrase may be empty, the space may not.
    assert_eq!(status_line(299), "HTTP/1.1 299 \r\n");
    assert_eq!(status_line(999), "HTTP/1.1 999 \r\n");
    assert_eq!(status_line(100), "HTTP/1.1 100 Continue\r\n");
    // No three-digit form: never put on the wire.
    for status in [0, 1, 99, 1000, u16::MAX] {
        assert_eq!(status_line(status), "HTTP/1.1 500 Internal Server Error\r\n");
    }
}

#[test]
fn appends_without_touching_what_is_there() {
    let mut out = b"previous".to_vec();
    write_status_line(&mut out, 201);
    write_status_line(&mut out, 599);
    assert_eq!(out, b"previousHTTP/1.1 201 Created\r\nHTTP/1.1 599 \r\n");
}

#[test]
fn reason_phrases() {
    assert_eq!(reason_phrase(200), "OK");
    assert_eq!(reason_phrase(204), "No Content");
    assert_eq!(reason_phrase(308), "Permanent Redirect");
    assert_eq!(reason_phrase(418), "I'm a teapot");
    assert_eq!(reason_phrase(422), "Unprocessable Content");
    assert_eq!(reason_phrase(431), "Request Header Fields Too Large");
    assert_eq!(reason_phrase(511), "Network Authentication Required");
    assert_eq!(reason_phrase(306), "");
    assert_eq!(reason_phrase(0), "");
    let registered = (100..=999).filter(|&s| !reason_phrase(s).is_empty()).count();
    assert_eq!(registered, 62);
}

#[test]
fn bodies_by_status() {
    for status in [100, 101, 103, 199, 204, 304] {
        assert!(!status_allows_body(status), "{status}");
    }
    for status in [200, 201, 203, 205, 206, 299, 301, 303, 400, 404, 500, 999] {
        assert!(status_allows_body(status), "{status}");
    }
}

#[test]
fn date_cache() {
    let mut date = rfc_date();
    assert_eq!(date.header_line(), b"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
    assert_eq!(date.value(), b"Sun, 06 Nov 1994 08:49:37 GMT");
    date.refresh(UNIX_EPOCH + Duration::from_millis(784_111_777_999));
    assert_eq!(date.value(), b"Sun, 06 Nov 1994 08:49:37 GMT");
    date.refresh(UNIX_EPOCH + Duration::from_secs(784_111_778));
    assert_eq!(date.value(), b"Sun, 06 Nov 1994 08:49:38 GMT");
    // Back in time is taken as it comes: the clock was set.
    date.refresh(UNIX_EPOCH);
    assert_eq!(date.header_line(), b"Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n");

    let now = DateCache::new();
    assert!(now.header_line().starts_with(b"Date: "));
    assert!(now.header_line().ends_with(b" GMT\r\n"));
    assert_eq!(now.header_line().len(), 37);
}

#[test]
fn headers_and_framing() {
    let mut out = Vec::new();
    write_header(&mut out, b"Content-Type", b"text/plain");
    write_content_length(&mut out, 0);
    write_content_length(&mut out, u64::MAX);
    assert_eq!(
        out,
        b"Content-Type: text/plain\r\nContent-Length: 0\r\nContent-Length: 18446744073709551615\r\n"
    );
}

#[test]
fn chunks() {
    let mut out = Vec::new();
    write_chunk(&mut out, b"hello");
    write_chunk(&mut out, b"");
    write_chunk(&mut out, &[b'x'; 26]);
    write_last_chunk(&mut out);
    let mut expected = b"5\r\nhello\r\n1a\r\n".to_vec();
    expected.extend_from_slice(&[b'x'; 26]);
    expected.extend_from_slice(b"\r\n0\r\n\r\n");
    assert_eq!(out, expected);

    for (len, hex) in [
        (1usize, "1"),
        (15, "f"),
        (16, "10"),
        (255, "ff"),
        (4096, "1000"),
        (65_537, "10001"),
    ] {
        let mut out = Vec::new();
        write_chunk(&mut out, &vec![0; len]);
        assert!(out.starts_with(format!("{hex}\r\n").as_bytes()), "{len}");
        assert_eq!(out.len(), hex.len() + 2 + len + 2);
    }
}

#[test]
fn header_names() {
    for name in [
        &b"Content-Type"[..],
        b"x",
        b"X-Custom_1.2",
        b"!#$%&'*+-.^_`|~09azAZ",
    ] {
        assert!(is_valid_header_name(name), "{}", String::from_utf8_lossy(name));
    }
    for name in [
        &b""[..],
        b"Content Type",
        b"Content-Type:",
        b"X\r\nY",
        b"X\0",
        b"X(",
        b"X\"",
        b"X/",
        b"X\t",
        b"caf\xc3\xa9",
        b"\x7f",
    ] {
        assert!(!is_valid_header_name(name), "{}", String::from_utf8_lossy(name));
    }
}

#[test]
fn header_values() {
    for value in [
        &b""[..],
        b"text/plain; charset=utf-8",
        b"a\tb c",
        b"caf\xc3\xa9",
        b"\x80\xff",
        b"~!\"#",
    ] {
        assert!(is_valid_header_value(value), "{}", String::from_utf8_lossy(value));
    }
    for value in [
        &b"a\r\nSet-Cookie: x"[..],
        b"a\rb",
        b"a\nb",
        b"a\0b",
        b"\x01",
        b"\x1f",
        b"\x7f",
    ] {
        assert!(
            !is_valid_header_value(value),
            "{}",
            String::from_utf8_lossy(value)
        );
    }
    for b in 0..=255u8 {
        let allowed = b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80;
        assert_eq!(is_valid_header_value(&[b]), allowed, "{b:#x}");
    }
}

#[test]
fn error_responses() {
    let date = rfc_date();
    let mut out = Vec::new();
    write_error_response(&mut out, 400, &date, true);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "HTTP/1.1 400 Bad Request\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
         Content-Length: 11\r\nConnection: close\r\n\r\nBad Request"
    );

    let mut out = Vec::new();
    write_error_response(&mut out, 503, &date, false);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "HTTP/1.1 503 Service Unavailable\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
         Content-Length: 19\r\n\r\nService Unavailable"
    );

    let mut out = Vec::new();
    write_error_response(&mut out, 599, &date, false);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "HTTP/1.1 599 \r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n\r\n"
    );

    let mut out = Vec::new();
    write_error_response(&mut out, 304, &date, true);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "HTTP/1.1 304 Not Modified\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn continue_100() {
    assert_eq!(CONTINUE_100, b"HTTP/1.1 100 Continue\r\n\r\n");
}
