//! Response serialisation into a caller-owned `Vec<u8>`.
//!
//! Every writer appends to the connection's write buffer, which outlives
//! the request, so a response costs no allocation once that buffer has
//! grown to its working size. Status lines for registered codes are static
//! strings and the `Date` line is formatted once a second, leaving only the
//! numbers to format per response.
//!
//! Nothing here validates header names or values: the runtime checks what
//! user code hands it with [`is_valid_header_name`] and
//! [`is_valid_header_value`] once, and then writes.

use std::io::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The interim response to `Expect: 100-continue`.
pub const CONTINUE_100: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

pub const CONNECTION_CLOSE: &[u8] = b"Connection: close\r\n";

/// What an HTTP/1.0 client needs to hear to keep the connection open.
pub const CONNECTION_KEEP_ALIVE: &[u8] = b"Connection: keep-alive\r\n";

pub const TRANSFER_ENCODING_CHUNKED: &[u8] = b"Transfer-Encoding: chunked\r\n";

/// Generates the reason phrase table and, from the same rows, the table of
/// complete status lines, so the two cannot drift apart.
macro_rules! statuses {
    ($($code:literal $reason:literal,)*) => {
        /// The reason phrase registered with IANA for `status`, or `""` for
        /// an unregistered code.
        ///
        /// 418 is given its customary `I'm a teapot` rather than the
        /// registry's `(Unused)`.
        pub fn reason_phrase(status: u16) -> &'static str {
            match status {
                $($code => $reason,)*
                _ => "",
            }
        }

        fn static_status_line(status: u16) -> Option<&'static [u8]> {
            match status {
                $($code => Some(concat!("HTTP/1.1 ", $code, " ", $reason, "\r\n").as_bytes()),)*
                _ => None,
            }
        }
    };
}

// The IANA HTTP Status Code Registry, permanent registrations.
statuses! {
    100 "Continue",
    101 "Switching Protocols",
    102 "Processing",
    103 "Early Hints",
    200 "OK",
    201 "Created",
    202 "Accepted",
    203 "Non-Authoritative Information",
    204 "No Content",
    205 "Reset Content",
    206 "Partial Content",
    207 "Multi-Status",
    208 "Already Reported",
    226 "IM Used",
    300 "Multiple Choices",
    301 "Moved Permanently",
    302 "Found",
    303 "See Other",
    304 "Not Modified",
    305 "Use Proxy",
    307 "Temporary Redirect",
    308 "Permanent Redirect",
    400 "Bad Request",
    401 "Unauthorized",
    402 "Payment Required",
    403 "Forbidden",
    404 "Not Found",
    405 "Method Not Allowed",
    406 "Not Acceptable",
    407 "Proxy Authentication Required",
    408 "Request Timeout",
    409 "Conflict",
    410 "Gone",
    411 "Length Required",
    412 "Precondition Failed",
    413 "Content Too Large",
    414 "URI Too Long",
    415 "Unsupported Media Type",
    416 "Range Not Satisfiable",
    417 "Expectation Failed",
    418 "I'm a teapot",
    421 "Misdirected Request",
    422 "Unprocessable Content",
    423 "Locked",
    424 "Failed Dependency",
    425 "Too Early",
    426 "Upgrade Required",
    428 "Precondition Required",
    429 "Too Many Requests",
    431 "Request Header Fields Too Large",
    451 "Unavailable For Legal Reasons",
    500 "Internal Server Error",
    501 "Not Implemented",
    502 "Bad Gateway",
    503 "Service Unavailable",
    504 "Gateway Timeout",
    505 "HTTP Version Not Supported",
    506 "Variant Also Negotiates",
    507 "Insufficient Storage",
    508 "Loop Detected",
    510 "Not Extended",
    511 "Network Authentication Required",
}

/// Appends `HTTP/1.1 <status> <reason>\r\n`.
///
/// An unregistered code in 100..=999 gets an empty reason phrase, which the
/// grammar allows. A code outside that range cannot be put on the wire; it
/// is written as 500 rather than as a status line no client can parse, and
/// the runtime should have refused it earlier (as `new Response` does).
pub fn write_status_line(out: &mut Vec<u8>, status: u16) {
    if let Some(line) = static_status_line(status) {
        out.extend_from_slice(line);
    } else if (100..=999).contains(&status) {
        out.extend_from_slice(b"HTTP/1.1 ");
        out.extend_from_slice(itoa::Buffer::new().format(status).as_bytes());
        out.extend_from_slice(b" \r\n");
    } else {
        write_status_line(out, 500);
    }
}

/// Whether a response with this status may carry a body (RFC 9110 §6.4.1):
/// 1xx, 204 and 304 never do, not even `Content-Length: 0` for 1xx and 204.
pub fn status_allows_body(status: u16) -> bool {
    !(100..200).contains(&status) && status != 204 && status != 304
}

/// Appends `name: value\r\n`. Both must have been validated.
#[inline]
pub fn write_header(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.reserve(name.len() + value.len() + 4);
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// Appends `Content-Length: n\r\n`.
#[inline]
pub fn write_content_length(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(b"Content-Length: ");
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// How a response's body is delimited on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFraming {
    /// `Content-Length: n`.
    Length(u64),
    /// `Transfer-Encoding: chunked` (HTTP/1.1), or the end of the
    /// connection for an HTTP/1.0 client, which knows no chunks.
    Chunked,
}

/// What the request decided about the connection, which the head answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Exchange {
    /// The connection may stay open after this response.
    pub keep_alive: bool,
    /// The request was HTTP/1.0 (keep-alive must be said, chunks cannot be).
    pub http10: bool,
}

/// What writing a head decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeadWritten {
    /// A body may follow (not after 1xx, 204 or 304).
    pub body_allowed: bool,
    /// The connection closes after this response.
    pub close: bool,
    /// A `101 Switching Protocols` with `Connection: upgrade`: after this
    /// head the connection speaks the protocol the `Upgrade` header named.
    pub upgrade: bool,
}

const TEXT_PLAIN: &[u8] = b"Content-Type: text/plain;charset=utf-8\r\n";

/// Whether a comma-separated header value holds `token` (case-insensitive).
fn has_token(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token))
}

/// Writes a response head, up to and including the blank line: the status
/// line, the given headers (validated by the caller), `Date` unless given,
/// `Content-Type: text/plain;charset=utf-8` when `default_text` is set and
/// a body is allowed, then the framing, which is this function's to decide:
/// a given `Content-Length` or `Transfer-Encoding` is dropped and replaced
/// by `framing`. A given `Connection` header is read, not copied: `close`
/// closes after this response; on a 101, `upgrade` is copied as is and
/// reported (`HeadWritten::upgrade`), since the protocol switch is the
/// caller's to make.
pub fn write_response_head<'h>(
    out: &mut Vec<u8>,
    status: u16,
    date: &DateCache,
    headers: impl IntoIterator<Item = (&'h [u8], &'h [u8])>,
    default_text: bool,
    framing: BodyFraming,
    exchange: Exchange,
) -> HeadWritten {
    let body_allowed = status_allows_body(status);
    let mut close = !exchange.keep_alive;
    let mut upgrade = false;
    let mut has_date = false;
    write_status_line(out, status);
    for (name, value) in headers {
        if name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"transfer-encoding") {
            continue;
        }
        if name.eq_ignore_ascii_case(b"connection") {
            if has_token(value, b"close") {
                close = true;
            } else if status == 101 && has_token(value, b"upgrade") {
                upgrade = true;
                write_header(out, name, value);
            }
            continue;
        }
        has_date |= name.eq_ignore_ascii_case(b"date");
        write_header(out, name, value);
    }
    if !has_date {
        out.extend_from_slice(date.header_line());
    }
    if body_allowed {
        if default_text {
            out.extend_from_slice(TEXT_PLAIN);
        }
        match framing {
            BodyFraming::Length(n) => write_content_length(out, n),
            // No chunks in HTTP/1.0: the close ends the body.
            BodyFraming::Chunked if exchange.http10 => close = true,
            BodyFraming::Chunked => out.extend_from_slice(TRANSFER_ENCODING_CHUNKED),
        }
    }
    // An upgrade that asks to close too is a close: nothing follows it.
    upgrade &= !close;
    if close {
        out.extend_from_slice(CONNECTION_CLOSE);
    } else if exchange.http10 && !upgrade {
        out.extend_from_slice(CONNECTION_KEEP_ALIVE);
    }
    out.extend_from_slice(b"\r\n");
    HeadWritten {
        body_allowed,
        close,
        upgrade,
    }
}

/// Appends `data` as one chunk of a chunked body: hex size, CRLF, data,
/// CRLF. Empty data writes nothing, since an empty chunk would end the body.
pub fn write_chunk(out: &mut Vec<u8>, data: &[u8]) {
    if data.is_empty() {
        return;
    }
    out.reserve(2 * std::mem::size_of::<usize>() + data.len() + 4);
    write_chunk_size(out, data.len());
    out.extend_from_slice(data);
    write_chunk_end(out);
}

/// Appends the size line of a chunk of `len` bytes (nonzero), for a caller
/// that appends the data itself (straight from where it lives) and then
/// [`write_chunk_end`].
pub fn write_chunk_size(out: &mut Vec<u8>, len: usize) {
    let mut hex = [0u8; 2 * std::mem::size_of::<usize>()];
    let mut start = hex.len();
    let mut n = len;
    loop {
        start -= 1;
        hex[start] = b"0123456789abcdef"[n & 0xf];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&hex[start..]);
    out.extend_from_slice(b"\r\n");
}

/// Appends the CRLF that ends a chunk's data.
#[inline]
pub fn write_chunk_end(out: &mut Vec<u8>) {
    out.extend_from_slice(b"\r\n");
}

/// Appends the last chunk and the empty trailer section that end a chunked
/// body.
#[inline]
pub fn write_last_chunk(out: &mut Vec<u8>) {
    out.extend_from_slice(b"0\r\n\r\n");
}

/// Appends a complete plain-text response for `status`, its reason phrase
/// as the body, and `Connection: close` when `close` is set. Meant for the
/// errors the server answers itself (parse errors, timeouts, a handler that
/// threw), where the connection is usually closed afterwards.
pub fn write_error_response(out: &mut Vec<u8>, status: u16, date: &DateCache, close: bool) {
    let body = if status_allows_body(status) {
        reason_phrase(status).as_bytes()
    } else {
        b""
    };
    out.reserve(128 + body.len());
    write_status_line(out, status);
    out.extend_from_slice(date.header_line());
    if status_allows_body(status) {
        write_content_length(out, body.len() as u64);
    }
    if close {
        out.extend_from_slice(CONNECTION_CLOSE);
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
}

/// The last second IMF-fixdate can show: 9999-12-31T23:59:59Z.
const MAX_HTTP_DATE_SECS: u64 = 253_402_300_799;

const DATE_PREFIX: &[u8] = b"Date: ";
const DATE_VALUE_LEN: usize = b"Thu, 01 Jan 1970 00:00:00 GMT".len();

/// The `Date: ...\r\n` header line, formatted at most once a second.
#[derive(Clone, Debug)]
pub struct DateCache {
    secs: u64,
    line: [u8; DATE_PREFIX.len() + DATE_VALUE_LEN + 2],
}

impl DateCache {
    /// A cache holding the current time.
    pub fn new() -> Self {
        Self::at(SystemTime::now())
    }

    /// A cache holding `now`.
    pub fn at(now: SystemTime) -> Self {
        let mut cache = DateCache {
            secs: u64::MAX,
            line: *b"Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
        };
        cache.refresh(now);
        cache
    }

    /// Brings the line up to `now`. Called once per loop turn, it costs a
    /// comparison except when the second has changed.
    #[inline]
    pub fn refresh(&mut self, now: SystemTime) {
        // Clamped to what the format can show: httpdate panics outside it.
        let secs = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .min(MAX_HTTP_DATE_SECS);
        if secs != self.secs {
            self.format(secs);
        }
    }

    #[cold]
    fn format(&mut self, secs: u64) {
        self.secs = secs;
        let date = httpdate::HttpDate::from(UNIX_EPOCH + Duration::from_secs(secs));
        let mut value = &mut self.line[DATE_PREFIX.len()..DATE_PREFIX.len() + DATE_VALUE_LEN];
        // IMF-fixdate is fixed width for every clamped time, so this fills
        // the slot exactly and cannot fail.
        let written = write!(value, "{date}").is_ok() && value.is_empty();
        debug_assert!(written, "HTTP date not {DATE_VALUE_LEN} bytes");
    }

    /// `Date: <IMF-fixdate>\r\n`.
    #[inline]
    pub fn header_line(&self) -> &[u8] {
        &self.line
    }

    /// The IMF-fixdate alone, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    pub fn value(&self) -> &[u8] {
        &self.line[DATE_PREFIX.len()..DATE_PREFIX.len() + DATE_VALUE_LEN]
    }
}

impl Default for DateCache {
    fn default() -> Self {
        Self::new()
    }
}

/// `tchar` of RFC 9110 §5.6.2.
static TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = matches!(i as u8,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z'
            | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+'
            | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~');
        i += 1;
    }
    table
};

/// Bytes allowed in a field value (RFC 9110 §5.5): VCHAR, obs-text, SP and
/// HTAB. Everything else is a control character; CR and LF among them
/// would let a value end the header and start another.
static FIELD_VALUE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = matches!(i as u8, b'\t' | b' '..=b'~' | 0x80..=0xff);
        i += 1;
    }
    table
};

/// Whether `name` is a valid field name: a non-empty token.
pub fn is_valid_header_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| is_tchar(b))
}

#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// Whether `value` can be written as a field value without changing the
/// message's framing: no CR, LF, NUL or other control characters.
pub fn is_valid_header_value(value: &[u8]) -> bool {
    value.iter().all(|&b| FIELD_VALUE[b as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_match_reason_phrases() {
        for status in 100..=999u16 {
            if let Some(line) = static_status_line(status) {
                let expected = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
                assert_eq!(line, expected.as_bytes());
            } else {
                assert_eq!(reason_phrase(status), "");
            }
        }
    }

    #[test]
    fn date_is_fixed_width_at_the_edges() {
        let far = UNIX_EPOCH + Duration::from_secs(MAX_HTTP_DATE_SECS + 1_000_000);
        assert_eq!(DateCache::at(far).value(), b"Fri, 31 Dec 9999 23:59:59 GMT");
        let before = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(DateCache::at(before).value(), b"Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
