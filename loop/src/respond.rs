//! Serialising a response head into a connection's output: the status line
//! from a static table, the cached Date, the handler's headers, then the
//! framing Howth owns (Content-Length or chunked, Connection).
use howth_parser::{
    status_allows_body, write_content_length, write_header, write_status_line, DateCache, CONNECTION_CLOSE,
    CONNECTION_KEEP_ALIVE, TRANSFER_ENCODING_CHUNKED,
};

use crate::batch::ReplyTo;

const TEXT_PLAIN: &[u8] = b"Content-Type: text/plain;charset=utf-8\r\n";

/// A validated flat header list: `ends[k]` is where string k ends in `bytes`.
pub struct HeaderList<'a> {
    pub bytes: &'a [u8],
    pub ends: &'a [u32],
}

impl HeaderList<'_> {
    pub fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.ends.chunks_exact(2).enumerate().map(move |(k, pair)| {
            let start = if k == 0 { 0 } else { self.ends[2 * k - 1] as usize };
            let mid = pair[0] as usize;
            (&self.bytes[start..mid], &self.bytes[mid..pair[1] as usize])
        })
    }
}

pub enum Framing {
    Length(u64),
    Chunked,
}

pub struct HeadWritten {
    /// Whether a body may follow (not for 1xx, 204, 304).
    pub body_allowed: bool,
    /// The connection closes after this response.
    pub close: bool,
}

/// Writes everything up to and including the blank line. Headers the
/// handler set for framing (Content-Length, Transfer-Encoding, Connection)
/// are Howth's to decide and are not copied; `Connection: close` from the
/// handler is honoured by closing after the response.
pub fn write_head(
    out: &mut Vec<u8>,
    status: u16,
    date: &DateCache,
    headers: Option<&HeaderList<'_>>,
    default_text: bool,
    framing: Framing,
    reply: &ReplyTo,
) -> HeadWritten {
    let body_allowed = status_allows_body(status);
    let mut close = !reply.keep_alive;
    let mut has_date = false;
    write_status_line(out, status);
    if let Some(list) = headers {
        for (name, value) in list.pairs() {
            if name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"transfer-encoding")
            {
                continue;
            }
            if name.eq_ignore_ascii_case(b"connection") {
                if value
                    .split(|&b| b == b',')
                    .any(|t| t.trim_ascii().eq_ignore_ascii_case(b"close"))
                {
                    close = true;
                }
                continue;
            }
            has_date |= name.eq_ignore_ascii_case(b"date");
            write_header(out, name, value);
        }
    }
    if !has_date {
        out.extend_from_slice(date.header_line());
    }
    if default_text && body_allowed {
        out.extend_from_slice(TEXT_PLAIN);
    }
    if body_allowed {
        match framing {
            Framing::Length(n) => write_content_length(out, n),
            Framing::Chunked if reply.http10 => close = true, // no chunked in 1.0: the close ends the body
            Framing::Chunked => out.extend_from_slice(TRANSFER_ENCODING_CHUNKED),
        }
    }
    if close {
        out.extend_from_slice(CONNECTION_CLOSE);
    } else if reply.http10 {
        out.extend_from_slice(CONNECTION_KEEP_ALIVE);
    }
    out.extend_from_slice(b"\r\n");
    HeadWritten { body_allowed, close }
}

/// The size line of one chunk (the data and its CRLF follow).
pub fn write_chunk_header(out: &mut Vec<u8>, len: usize) {
    let mut hex = [0u8; 16];
    let mut n = len;
    let mut at = hex.len();
    loop {
        at -= 1;
        hex[at] = b"0123456789abcdef"[n & 15];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&hex[at..]);
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(keep_alive: bool, http10: bool) -> ReplyTo {
        ReplyTo {
            keep_alive,
            http10,
            ..ReplyTo::default()
        }
    }

    fn head(
        status: u16,
        headers: &[&str],
        default_text: bool,
        framing: Framing,
        r: ReplyTo,
    ) -> (String, bool) {
        let mut bytes = Vec::new();
        let mut ends = Vec::new();
        for h in headers {
            bytes.extend_from_slice(h.as_bytes());
            ends.push(bytes.len() as u32);
        }
        let list = HeaderList {
            bytes: &bytes,
            ends: &ends,
        };
        let date = DateCache::at(std::time::UNIX_EPOCH);
        let mut out = Vec::new();
        let w = write_head(
            &mut out,
            status,
            &date,
            (!headers.is_empty()).then_some(&list),
            default_text,
            framing,
            &r,
        );
        (String::from_utf8(out).unwrap(), w.close)
    }

    #[test]
    fn plain_text_default() {
        let (h, close) = head(200, &[], true, Framing::Length(2), reply(true, false));
        assert_eq!(
            h,
            "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Type: text/plain;charset=utf-8\r\nContent-Length: 2\r\n\r\n"
        );
        assert!(!close);
    }

    #[test]
    fn framing_headers_from_the_handler_are_replaced() {
        let (h, close) = head(
            200,
            &[
                "content-length",
                "99",
                "x-a",
                "1",
                "Connection",
                "close",
                "transfer-encoding",
                "gzip",
            ],
            false,
            Framing::Length(5),
            reply(true, false),
        );
        assert!(h.contains("x-a: 1\r\n"));
        assert!(h.contains("Content-Length: 5\r\n"));
        assert!(!h.contains("99") && !h.contains("gzip"));
        assert!(h.ends_with("Connection: close\r\n\r\n"));
        assert!(close);
    }

    #[test]
    fn no_body_statuses_get_no_length_and_http10_keep_alive_is_echoed() {
        let (h, _) = head(204, &[], true, Framing::Length(0), reply(true, true));
        assert!(!h.contains("Content-Length") && !h.contains("Content-Type"));
        assert!(h.ends_with("Connection: keep-alive\r\n\r\n"));
    }

    #[test]
    fn chunked_on_http10_closes_instead() {
        let (h, close) = head(200, &[], false, Framing::Chunked, reply(true, true));
        assert!(!h.contains("chunked"));
        assert!(close);
        let (h, close) = head(200, &["date", "x"], false, Framing::Chunked, reply(true, false));
        assert!(h.contains("Transfer-Encoding: chunked") && h.contains("date: x") && !h.contains("GMT"));
        assert!(!close);
    }

    #[test]
    fn chunk_sizes_are_hex() {
        let mut out = Vec::new();
        write_chunk_header(&mut out, 0x1a2f);
        write_chunk_header(&mut out, 0);
        assert_eq!(out, b"1a2f\r\n0\r\n");
    }
}
