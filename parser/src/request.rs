//! Request heads: httparse does the tokenising, this module turns its
//! borrowed slices into offsets and enforces the framing rules of RFC 9112
//! that httparse leaves to its caller.
//!
//! Offsets instead of slices let the loop keep a whole batch of parsed
//! requests next to the read buffer they point into, without a borrow that
//! would freeze that buffer. The `RequestHead` is reused: parsing clears and
//! refills it, so a connection that keeps one around allocates nothing per
//! request once its header vector has grown to fit.

use std::fmt;
use std::mem::MaybeUninit;

/// The most header lines one request may carry, whatever `Limits` says.
///
/// httparse needs a scratch array of this many entries; it lives on the
/// stack uninitialised, so the cap costs stack space (4 KiB), not time.
pub const MAX_HEADERS: usize = 128;

/// A byte range of the buffer a request was parsed from.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    /// The bytes this span covers in `buf`.
    ///
    /// `buf` must be the slice given to [`parse_request`] (or one starting
    /// at the same byte); another buffer gives other bytes, or a panic if it
    /// is too short.
    #[inline]
    pub fn get<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        let start = self.start as usize;
        &buf[start..start + self.len as usize]
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// How the body that follows the head is framed.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// No body: no framing header, or `Content-Length: 0`.
    #[default]
    None,
    /// Exactly this many bytes follow the head; always more than zero.
    Length(u64),
    /// A chunked body follows; decode it with [`crate::ChunkedDecoder`].
    Chunked,
}

/// Bounds on what a client may send. Past them the request is refused with
/// the status of the matching [`ParseError`], before it is read in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest request target (path and query): 414 beyond.
    pub max_target_len: usize,
    /// Largest head, request line to the empty line included: 431 beyond.
    pub max_head_bytes: usize,
    /// Most header lines: 431 beyond. Capped at [`MAX_HEADERS`].
    pub max_headers: usize,
    /// Largest body a `Content-Length` may announce: 413 beyond. The loop
    /// gives the same figure to [`crate::ChunkedDecoder::new`].
    pub max_body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_target_len: 8 * 1024,
            max_head_bytes: 16 * 1024,
            max_headers: 100,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Whether the buffer held a whole head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a Partial head is not parsed: read more bytes and parse again"]
pub enum Status {
    /// The head is parsed; the body (if any) starts at `head.head_len`.
    Complete,
    /// The buffer ends inside the head; the `RequestHead` holds nothing
    /// meaningful. Parse again once more bytes have arrived.
    Partial,
}

/// Why a request was refused. Every variant maps to the status code the
/// server answers with before closing the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// 400, with a short description of the fault.
    BadRequest(&'static str),
    /// 414: the request target is longer than `Limits::max_target_len`.
    UriTooLong,
    /// 431: too many header lines, or a head longer than
    /// `Limits::max_head_bytes`.
    HeadersTooLarge,
    /// 413: `Content-Length` above `Limits::max_body_bytes`.
    PayloadTooLarge,
    /// 505: a well-formed HTTP version other than 1.0 and 1.1.
    VersionNotSupported,
}

impl ParseError {
    /// The HTTP status code to answer with.
    pub fn status(&self) -> u16 {
        match self {
            ParseError::BadRequest(_) => 400,
            ParseError::UriTooLong => 414,
            ParseError::HeadersTooLarge => 431,
            ParseError::PayloadTooLarge => 413,
            ParseError::VersionNotSupported => 505,
        }
    }

    /// A short lower-case description, for logs.
    pub fn reason(&self) -> &'static str {
        match self {
            ParseError::BadRequest(why) => why,
            ParseError::UriTooLong => "request target too long",
            ParseError::HeadersTooLarge => "request header section too large",
            ParseError::PayloadTooLarge => "content length above the body limit",
            ParseError::VersionNotSupported => "HTTP version not supported",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason(), self.status())
    }
}

impl std::error::Error for ParseError {}

/// A parsed request head, as offsets into the buffer it was parsed from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestHead {
    pub method: Span,
    /// The request target as sent: origin-form `/path?query` for almost
    /// every request, `*` for `OPTIONS *`, authority-form for `CONNECT`.
    pub target: Span,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// Every header line in order, names and values as sent (values
    /// without surrounding whitespace), duplicates included.
    pub headers: Vec<(Span, Span)>,
    /// Bytes from the start of the buffer to the first body byte, leading
    /// empty lines included: advance the read position by this much.
    pub head_len: usize,
    pub body: BodyKind,
    /// Whether the connection may carry another request after this one.
    pub keep_alive: bool,
    /// Whether the client waits for `100 Continue` before sending the body.
    /// Only set for HTTP/1.1 requests that have a body, so the loop can
    /// answer it as is (RFC 9110 §10.1.1 lets a server ignore the rest).
    pub expect_continue: bool,
    /// The value of the `Host` header, if there is one.
    pub host: Option<Span>,
    /// The value of the first `Content-Type` header, if there is one.
    pub content_type: Option<Span>,
}

impl RequestHead {
    pub fn new() -> Self {
        Self::default()
    }

    /// A head whose header vector already fits `n` headers, so that even the
    /// first parse allocates nothing.
    pub fn with_header_capacity(n: usize) -> Self {
        RequestHead {
            headers: Vec::with_capacity(n),
            ..Self::default()
        }
    }

    /// The value of the first header named `name`, compared without regard
    /// to ASCII case.
    pub fn header<'a>(&self, buf: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.get(buf).eq_ignore_ascii_case(name))
            .map(|(_, v)| v.get(buf))
    }

    /// Appends `http://<Host><target>` to `out` for the usual request (an
    /// origin-form target and a Host header) and returns true; returns
    /// false, appending nothing, for any other.
    pub fn write_origin_url(&self, buf: &[u8], out: &mut Vec<u8>) -> bool {
        let target = self.target.get(buf);
        let host = self.host.map_or(&b""[..], |h| h.get(buf));
        if host.is_empty() || target.first() != Some(&b'/') {
            return false;
        }
        out.extend_from_slice(b"http://");
        out.extend_from_slice(host);
        out.extend_from_slice(target);
        true
    }

    /// Every header as `(name, value)` bytes, in the order sent.
    pub fn headers<'a>(&'a self, buf: &'a [u8]) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        self.headers.iter().map(move |(n, v)| (n.get(buf), v.get(buf)))
    }

    fn clear(&mut self) {
        self.method = Span::default();
        self.target = Span::default();
        self.minor_version = 1;
        // `clear` keeps the capacity: the point of reusing the head.
        self.headers.clear();
        self.head_len = 0;
        self.body = BodyKind::None;
        self.keep_alive = false;
        self.expect_continue = false;
        self.host = None;
        self.content_type = None;
    }
}

/// Parses the request head at the start of `buf` into `head`.
///
/// `Ok(Complete)`: `head` describes the request and its body starts at
/// `head.head_len`. `Ok(Partial)`: the head is not all there yet but nothing
/// is wrong so far; parse again with more bytes. `Err`: answer with
/// `err.status()` and close the connection.
///
/// Stricter than httparse alone: bare LF line endings, conflicting or
/// malformed framing headers, duplicate `Host` headers and transfer codings
/// other than a single `chunked` are refused, since each is a way to make two
/// HTTP implementations disagree on where a request ends. Transfer-Encoding
/// in an HTTP/1.0 request is refused for the same reason (RFC 9112 §6.1).
/// Codings such as `gzip, chunked` get a 400 rather than RFC 9112's
/// suggested 501: this server does not decode them, and either status
/// closes the connection.
pub fn parse_request(buf: &[u8], limits: &Limits, head: &mut RequestHead) -> Result<Status, ParseError> {
    head.clear();

    // Spans are u32 offsets; a head that fits the limit fits a u32.
    let max_head = limits.max_head_bytes.min(u32::MAX as usize);

    let mut scratch = [MaybeUninit::<httparse::Header<'_>>::uninit(); MAX_HEADERS];
    let scratch = &mut scratch[..limits.max_headers.min(MAX_HEADERS)];
    let mut req = httparse::Request::new(&mut []);
    let head_len = match req.parse_with_uninit_headers(buf, scratch) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            // httparse starts from scratch on each call and says nothing
            // about a line that is still growing: bound it here, or a client
            // could stream an endless target (or head) and be buffered.
            if let Some(method) = req.method {
                let target_len = match req.path {
                    Some(path) => path.len(),
                    None => buf.len() - (offset(buf, method.as_bytes()) + method.len() + 1),
                };
                if target_len > limits.max_target_len {
                    return Err(ParseError::UriTooLong);
                }
            }
            if buf.len() > max_head {
                return Err(ParseError::HeadersTooLarge);
            }
            return Ok(Status::Partial);
        }
        Err(httparse::Error::Version) => return Err(version_error(buf)),
        Err(httparse::Error::TooManyHeaders) => return Err(ParseError::HeadersTooLarge),
        Err(e) => return Err(ParseError::BadRequest(httparse_reason(e))),
    };

    let (Some(method), Some(target), Some(minor_version)) = (req.method, req.path, req.version) else {
        // httparse fills all three before it reports Complete.
        return Err(ParseError::BadRequest("malformed request line"));
    };
    if target.len() > limits.max_target_len {
        return Err(ParseError::UriTooLong);
    }
    if head_len > max_head {
        return Err(ParseError::HeadersTooLarge);
    }

    head.method = span(buf, method.as_bytes());
    head.target = span(buf, target.as_bytes());
    head.minor_version = minor_version;
    head.head_len = head_len;

    // httparse accepts a bare LF wherever CRLF belongs (RFC 9112 §2.2 allows
    // it); a proxy in front that does not could see other lines than we do.
    let leading = &buf[..head.method.start as usize];
    let version_end = (head.target.start + head.target.len) as usize + 1 + b"HTTP/1.1".len();
    if leading.chunks(2).any(|pair| pair != b"\r\n")
        || buf[version_end] != b'\r'
        || buf[head_len - 2] != b'\r'
    {
        return Err(ParseError::BadRequest("bare LF line ending"));
    }

    let mut framing = Framing::default();
    for h in req.headers.iter() {
        let name = h.name.as_bytes();
        let value_span = span(buf, h.value);
        head.headers.push((span(buf, name), value_span));

        // httparse trims trailing whitespace off the value; what follows
        // it must still be CRLF.
        let end = (value_span.start + value_span.len) as usize;
        if buf[end] != b'\r' && !ends_in_crlf(&buf[end..]) {
            return Err(ParseError::BadRequest("bare LF line ending"));
        }

        framing.header(name, h.value, value_span, head)?;
    }
    framing.finish(head, limits)?;

    Ok(Status::Complete)
}

/// What the headers say about framing and the connection, gathered in one
/// pass and judged once all are seen.
#[derive(Default)]
struct Framing {
    content_length: Option<u64>,
    transfer_encoding: bool,
    chunked: bool,
    /// Codings seen across all Transfer-Encoding lines.
    codings: u32,
    close: bool,
    keep_alive: bool,
    expect_continue: bool,
    hosts: u32,
}

impl Framing {
    #[inline]
    fn header(
        &mut self,
        name: &[u8],
        value: &[u8],
        value_span: Span,
        head: &mut RequestHead,
    ) -> Result<(), ParseError> {
        // Dispatching on length first keeps the common headers that matter
        // to nobody here (User-Agent, Accept, ...) to one comparison.
        match name.len() {
            4 if name.eq_ignore_ascii_case(b"host") => {
                self.hosts += 1;
                head.host = Some(value_span);
            }
            6 if name.eq_ignore_ascii_case(b"expect") => {
                self.expect_continue |= value.eq_ignore_ascii_case(b"100-continue");
            }
            10 if name.eq_ignore_ascii_case(b"connection") => {
                for token in list(value) {
                    if token.eq_ignore_ascii_case(b"close") {
                        self.close = true;
                    } else if token.eq_ignore_ascii_case(b"keep-alive") {
                        self.keep_alive = true;
                    }
                }
            }
            12 if head.content_type.is_none() && name.eq_ignore_ascii_case(b"content-type") => {
                head.content_type = Some(value_span);
            }
            14 if name.eq_ignore_ascii_case(b"content-length") => {
                // RFC 9110 §8.6: a list, or repeated lines, of one and the
                // same value may be taken as that value; anything else is
                // the classic request smuggling vector.
                for item in list(value) {
                    let n = parse_content_length(item)?;
                    match self.content_length {
                        Some(m) if m != n => {
                            return Err(ParseError::BadRequest("conflicting Content-Length"))
                        }
                        _ => self.content_length = Some(n),
                    }
                }
            }
            17 if name.eq_ignore_ascii_case(b"transfer-encoding") => {
                self.transfer_encoding = true;
                for coding in list(value) {
                    self.codings += 1;
                    self.chunked = coding.eq_ignore_ascii_case(b"chunked");
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[inline]
    fn finish(self, head: &mut RequestHead, limits: &Limits) -> Result<(), ParseError> {
        if self.hosts > 1 {
            return Err(ParseError::BadRequest("multiple Host headers"));
        }
        head.body = if self.transfer_encoding {
            if self.content_length.is_some() {
                return Err(ParseError::BadRequest(
                    "both Content-Length and Transfer-Encoding",
                ));
            }
            if head.minor_version == 0 {
                return Err(ParseError::BadRequest("Transfer-Encoding in HTTP/1.0"));
            }
            // Only a lone `chunked` is framing we can read; any other coding
            // would have to be decoded, and `chunked` twice is forbidden.
            if self.codings != 1 || !self.chunked {
                return Err(ParseError::BadRequest("unsupported Transfer-Encoding"));
            }
            BodyKind::Chunked
        } else {
            match self.content_length {
                Some(n) if n > limits.max_body_bytes => return Err(ParseError::PayloadTooLarge),
                Some(n) if n > 0 => BodyKind::Length(n),
                _ => BodyKind::None,
            }
        };
        head.keep_alive = if head.minor_version == 0 {
            self.keep_alive && !self.close
        } else {
            !self.close
        };
        head.expect_continue = self.expect_continue && head.minor_version == 1 && head.body != BodyKind::None;
        Ok(())
    }
}

/// Whether the whitespace at the start of `rest` is followed by CR. Only
/// values sent with trailing whitespace get here.
#[cold]
fn ends_in_crlf(rest: &[u8]) -> bool {
    rest.iter().find(|&&b| b != b' ' && b != b'\t') == Some(&b'\r')
}

/// `Content-Length = 1*DIGIT`: no sign, no spaces, no overflow.
fn parse_content_length(digits: &[u8]) -> Result<u64, ParseError> {
    if digits.is_empty() {
        return Err(ParseError::BadRequest("invalid Content-Length"));
    }
    digits.iter().try_fold(0u64, |n, &b| {
        if !b.is_ascii_digit() {
            return Err(ParseError::BadRequest("invalid Content-Length"));
        }
        n.checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or(ParseError::BadRequest("Content-Length overflows"))
    })
}

/// The elements of a comma-separated header list, without surrounding
/// whitespace. Empty elements are kept: they make a Content-Length or
/// Transfer-Encoding value invalid, and match no Connection token.
fn list(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').map(trim_ows)
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// httparse reports every bad version alike; an HTTP version we do not
/// speak deserves 505, garbage in its place 400.
fn version_error(buf: &[u8]) -> ParseError {
    // httparse only looks at the version after a well-formed method and
    // target, each followed by exactly one space, so the version starts
    // after the second space of the line.
    let start = buf.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(0);
    let mut parts = buf[start..].splitn(3, |&b| b == b' ');
    let rest = parts.nth(2).unwrap_or_default();
    let (version, terminated) = match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
        Some(end) => (&rest[..end], true),
        None => (rest, false),
    };
    if is_http_version(version, terminated) {
        ParseError::VersionNotSupported
    } else {
        ParseError::BadRequest("invalid HTTP version")
    }
}

/// `HTTP/` then a major version and, but for HTTP/2 and HTTP/3 which
/// dropped it, `.` and a minor one. An unterminated line may stop anywhere
/// after `HTTP/` and a digit: httparse refuses on the first byte that rules
/// out 1.0 and 1.1, and nothing starting `HTTP/2` will become either.
fn is_http_version(v: &[u8], terminated: bool) -> bool {
    let Some(rest) = v.strip_prefix(b"HTTP/") else {
        return false;
    };
    let (major, minor) = match rest.iter().position(|&b| b == b'.') {
        Some(dot) => (&rest[..dot], Some(&rest[dot + 1..])),
        None => (rest, None),
    };
    let digits = |s: &[u8]| (1..=3).contains(&s.len()) && s.iter().all(u8::is_ascii_digit);
    digits(major) && minor.map_or(true, |m| digits(m) || (!terminated && m.is_empty()))
}

fn httparse_reason(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value",
        httparse::Error::NewLine => "invalid line ending",
        httparse::Error::Token => "malformed request line",
        _ => "malformed request",
    }
}

/// Where `part`, a subslice httparse returned, starts in `buf`.
#[inline]
fn offset(buf: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - buf.as_ptr() as usize
}

#[inline]
fn span(buf: &[u8], part: &[u8]) -> Span {
    // Callers only pass parts of a head already checked to fit in a u32.
    Span {
        start: offset(buf, part) as u32,
        len: part.len() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_classification() {
        for v in [
            &b"HTTP/2.0"[..],
            b"HTTP/2",
            b"HTTP/3",
            b"HTTP/0.9",
            b"HTTP/1.2",
            b"HTTP/100.100",
        ] {
            assert!(is_http_version(v, true), "{}", String::from_utf8_lossy(v));
            assert!(is_http_version(v, false), "{}", String::from_utf8_lossy(v));
        }
        assert!(is_http_version(b"HTTP/2.", false));
        for v in [
            &b"HTTP/"[..],
            b"HTTP/2.",
            b"HTTP/.1",
            b"HTTP/x",
            b"http/1.1",
            b"HTTP/1.1x",
            b"HTTP/1.1.1",
            b" HTTP/1.1",
            b"FOO",
            b"HTTP/1111",
        ] {
            assert!(!is_http_version(v, true), "{}", String::from_utf8_lossy(v));
        }
    }

    #[test]
    fn trims_optional_whitespace() {
        assert_eq!(trim_ows(b" \t a b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
    }

    #[test]
    fn content_length_digits() {
        assert_eq!(parse_content_length(b"0"), Ok(0));
        assert_eq!(parse_content_length(b"0042"), Ok(42));
        assert_eq!(parse_content_length(b"18446744073709551615"), Ok(u64::MAX));
        assert!(parse_content_length(b"18446744073709551616").is_err());
        for bad in [&b""[..], b"+1", b"-1", b"1 2", b"0x10", b"1e3"] {
            assert!(parse_content_length(bad).is_err());
        }
    }
}
