//! Response heads: the framing the serialiser decides over what a handler
//! set, and the Connection header (close, 101 upgrade).
use std::time::UNIX_EPOCH;

use howth_parser::{write_response_head, BodyFraming, DateCache, Exchange, HeadWritten};

fn exchange(keep_alive: bool, http10: bool) -> Exchange {
    Exchange { keep_alive, http10 }
}

fn head(
    status: u16,
    headers: &[(&str, &str)],
    default_text: bool,
    framing: BodyFraming,
    x: Exchange,
) -> (String, HeadWritten) {
    let date = DateCache::at(UNIX_EPOCH);
    let mut out = Vec::new();
    let w = write_response_head(
        &mut out,
        status,
        &date,
        headers.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())),
        default_text,
        framing,
        x,
    );
    (String::from_utf8(out).unwrap(), w)
}

#[test]
fn plain_text_default() {
    let (h, w) = head(200, &[], true, BodyFraming::Length(2), exchange(true, false));
    assert_eq!(
        h,
        "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Type: text/plain;charset=utf-8\r\nContent-Length: 2\r\n\r\n"
    );
    assert_eq!(
        w,
        HeadWritten {
            body_allowed: true,
            close: false,
            upgrade: false
        }
    );
}

#[test]
fn framing_headers_from_the_handler_are_replaced() {
    let (h, w) = head(
        200,
        &[
            ("content-length", "99"),
            ("x-a", "1"),
            ("Connection", "close"),
            ("transfer-encoding", "gzip"),
        ],
        false,
        BodyFraming::Length(5),
        exchange(true, false),
    );
    assert!(h.contains("x-a: 1\r\n"));
    assert!(h.contains("Content-Length: 5\r\n"));
    assert!(!h.contains("99") && !h.contains("gzip"));
    assert!(h.ends_with("Connection: close\r\n\r\n"));
    assert!(w.close && !w.upgrade);
}

#[test]
fn no_body_statuses_get_no_length_and_http10_keep_alive_is_echoed() {
    let (h, w) = head(204, &[], true, BodyFraming::Length(0), exchange(true, true));
    assert!(!h.contains("Content-Length") && !h.contains("Content-Type"));
    assert!(h.ends_with("Connection: keep-alive\r\n\r\n"));
    assert!(!w.body_allowed && !w.close);
}

#[test]
fn chunked_on_http10_closes_instead() {
    let (h, w) = head(200, &[], false, BodyFraming::Chunked, exchange(true, true));
    assert!(!h.contains("chunked"));
    assert!(w.close);
    let (h, w) = head(
        200,
        &[("date", "x")],
        false,
        BodyFraming::Chunked,
        exchange(true, false),
    );
    assert!(h.contains("Transfer-Encoding: chunked") && h.contains("date: x") && !h.contains("GMT"));
    assert!(!w.close);
}

#[test]
fn a_request_that_closes_gets_connection_close() {
    let (h, w) = head(200, &[], false, BodyFraming::Length(0), exchange(false, false));
    assert!(h.ends_with("Content-Length: 0\r\nConnection: close\r\n\r\n"));
    assert!(w.close);
}

#[test]
fn switching_protocols_keeps_the_handlers_connection_upgrade() {
    let (h, w) = head(
        101,
        &[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        ],
        false,
        BodyFraming::Length(0),
        exchange(true, false),
    );
    assert_eq!(
        h,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n"
    );
    assert_eq!(
        w,
        HeadWritten {
            body_allowed: false,
            close: false,
            upgrade: true
        }
    );
    // Outside a 101 the header stays the serialiser's: no upgrade.
    let (h, w) = head(
        200,
        &[("Connection", "upgrade")],
        false,
        BodyFraming::Length(0),
        exchange(true, false),
    );
    assert!(!h.contains("pgrade") && !w.upgrade);
    // A 101 on a connection that closes is no upgrade.
    let (h, w) = head(
        101,
        &[("Connection", "upgrade")],
        false,
        BodyFraming::Length(0),
        exchange(false, false),
    );
    assert!(h.ends_with("Connection: close\r\n\r\n") && !w.upgrade && w.close);
}

#[test]
fn chunks_written_in_pieces_match_write_chunk() {
    for len in [1usize, 15, 16, 255, 4096, 0x1a2f] {
        let data = vec![b'x'; len];
        let mut whole = Vec::new();
        howth_parser::write_chunk(&mut whole, &data);
        let mut pieces = Vec::new();
        howth_parser::write_chunk_size(&mut pieces, len);
        pieces.extend_from_slice(&data);
        howth_parser::write_chunk_end(&mut pieces);
        assert_eq!(whole, pieces, "{len}");
    }
    let mut out = Vec::new();
    howth_parser::write_chunk_size(&mut out, 0x1a2f);
    assert_eq!(out, b"1a2f\r\n");
}
