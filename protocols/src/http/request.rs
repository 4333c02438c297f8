//! Request heads. The values come from user code (fetch's method, URL and
//! headers), so each is checked before it is written: a CR or LF that
//! reached the wire would let a caller smuggle a second request.

use std::fmt;

use howth_parser::{is_valid_header_name, is_valid_header_value};

/// How the request body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body and no framing header (GET, HEAD, ...).
    None,
    /// `Content-Length: n`, then exactly n bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`; write the body with
    /// `howth_parser::write_chunk` and end it with
    /// `howth_parser::write_last_chunk`.
    Chunked,
}

/// A request part that cannot be written as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    Method,
    Target,
    Host,
    HeaderName(String),
    HeaderValue(String),
    /// `content-length`, `transfer-encoding` and `host` are written from
    /// the framing and host arguments, never taken from the header list.
    ReservedHeader(String),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Method => f.write_str("invalid request method"),
            RequestError::Target => f.write_str("invalid request target"),
            RequestError::Host => f.write_str("invalid host"),
            RequestError::HeaderName(n) => write!(f, "invalid header name {n:?}"),
            RequestError::HeaderValue(n) => write!(f, "invalid value for header {n:?}"),
            RequestError::ReservedHeader(n) => write!(f, "header {n:?} is set by the client"),
        }
    }
}

impl std::error::Error for RequestError {}

/// Appends `METHOD target HTTP/1.1`, `host`, `headers` and the framing
/// header to `out`. Nothing is appended when an argument is refused.
pub fn write_request_head<V: AsRef<[u8]>>(
    out: &mut Vec<u8>,
    method: &str,
    target: &str,
    host: &str,
    headers: &[(&str, V)],
    framing: Framing,
) -> Result<(), RequestError> {
    if method.is_empty() || !is_valid_header_name(method.as_bytes()) {
        return Err(RequestError::Method);
    }
    // A target is visible ASCII with no spaces (RFC 9112 §3.2).
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(RequestError::Target);
    }
    if host.is_empty() || !host.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(RequestError::Host);
    }
    for (name, value) in headers {
        if !is_valid_header_name(name.as_bytes()) {
            return Err(RequestError::HeaderName((*name).to_owned()));
        }
        if !is_valid_header_value(value.as_ref()) {
            return Err(RequestError::HeaderValue((*name).to_owned()));
        }
        for reserved in ["host", "content-length", "transfer-encoding"] {
            if name.eq_ignore_ascii_case(reserved) {
                return Err(RequestError::ReservedHeader((*name).to_owned()));
            }
        }
    }
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\nhost: ");
    out.extend_from_slice(host.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_ref());
        out.extend_from_slice(b"\r\n");
    }
    match framing {
        Framing::None => {}
        Framing::Length(n) => {
            out.extend_from_slice(b"content-length: ");
            out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Framing::Chunked => out.extend_from_slice(b"transfer-encoding: chunked\r\n"),
    }
    out.extend_from_slice(b"\r\n");
    Ok(())
}

/// A request body that does not match its framing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Body bytes for a request framed with no body.
    NoBody,
    /// More bytes than the Content-Length announced.
    TooLong,
    /// The body ended short of the Content-Length.
    TooShort,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BodyError::NoBody => "request body for a request without one",
            BodyError::TooLong => "request body longer than its content-length",
            BodyError::TooShort => "request body shorter than its content-length",
        })
    }
}

impl std::error::Error for BodyError {}

/// Writes a request body piece by piece in its framing (a stream's chunks
/// as they come), and checks that a Content-Length body is exactly as long
/// as announced: a body that ran over would be read by the server as the
/// start of another request.
#[derive(Clone, Copy, Debug)]
pub struct BodyWriter {
    framing: Framing,
    written: u64,
    finished: bool,
}

impl BodyWriter {
    /// The writer for the body after a head written with `framing`.
    pub fn new(framing: Framing) -> Self {
        BodyWriter {
            framing,
            written: 0,
            finished: false,
        }
    }

    /// Appends `data` to `out`: as it is for a Content-Length body, as one
    /// chunk for a chunked one (nothing for an empty piece, which would
    /// end the body). Nothing is appended when refused.
    pub fn write(&mut self, out: &mut Vec<u8>, data: &[u8]) -> Result<(), BodyError> {
        if data.is_empty() {
            return Ok(());
        }
        match self.framing {
            _ if self.finished => return Err(BodyError::TooLong),
            Framing::None => return Err(BodyError::NoBody),
            Framing::Length(n) => {
                if data.len() as u64 > n - self.written {
                    return Err(BodyError::TooLong);
                }
                out.extend_from_slice(data);
            }
            Framing::Chunked => howth_parser::write_chunk(out, data),
        }
        self.written += data.len() as u64;
        Ok(())
    }

    /// Ends the body: the last chunk for a chunked body; a check that
    /// every announced byte was written for a Content-Length one.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), BodyError> {
        match self.framing {
            Framing::Length(n) if self.written < n => return Err(BodyError::TooShort),
            Framing::Chunked if !self.finished => howth_parser::write_last_chunk(out),
            _ => {}
        }
        self.finished = true;
        Ok(())
    }

    /// Body bytes written so far (before chunk framing).
    pub fn written(&self) -> u64 {
        self.written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(
        method: &str,
        target: &str,
        headers: &[(&str, &[u8])],
        framing: Framing,
    ) -> Result<Vec<u8>, RequestError> {
        let mut out = Vec::new();
        write_request_head(&mut out, method, target, "h:8080", headers, framing).map(|()| out)
    }

    #[test]
    fn writes_framing_headers() {
        assert_eq!(
            head(
                "POST",
                "/x?a=1",
                &[("content-type", b"text/plain")],
                Framing::Length(5)
            )
            .unwrap(),
            b"POST /x?a=1 HTTP/1.1\r\nhost: h:8080\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\n"
        );
        assert_eq!(
            head("PUT", "/", &[], Framing::Chunked).unwrap(),
            b"PUT / HTTP/1.1\r\nhost: h:8080\r\ntransfer-encoding: chunked\r\n\r\n"
        );
    }

    #[test]
    fn the_server_parser_reads_back_what_is_written() {
        use howth_parser::{parse_request, BodyKind, Limits, RequestHead, Status};
        let out = head(
            "PATCH",
            "/a?b=c",
            &[("x-one", b" 1 "), ("X-Two", b"\x80")],
            Framing::Length(3),
        )
        .unwrap();
        let mut parsed = RequestHead::new();
        assert_eq!(
            parse_request(&out, &Limits::default(), &mut parsed),
            Ok(Status::Complete)
        );
        assert_eq!(
            (parsed.head_len, parsed.method.get(&out), parsed.target.get(&out)),
            (out.len(), &b"PATCH"[..], &b"/a?b=c"[..])
        );
        let fields: Vec<_> = parsed.headers(&out).collect();
        assert_eq!(
            fields,
            [
                (&b"host"[..], &b"h:8080"[..]),
                (b"x-one", b"1"),
                (b"X-Two", b"\x80"),
                (b"content-length", b"3")
            ]
        );
        assert_eq!(parsed.body, BodyKind::Length(3));
    }

    #[test]
    fn refuses_what_would_split_the_request() {
        assert_eq!(head("GET", "/a b", &[], Framing::None), Err(RequestError::Target));
        assert_eq!(
            head("GET", "/\r\nX: y", &[], Framing::None),
            Err(RequestError::Target)
        );
        assert_eq!(head("G T", "/", &[], Framing::None), Err(RequestError::Method));
        assert_eq!(
            head("GET", "/", &[("x-a", b"1\r\nx-b: 2")], Framing::None),
            Err(RequestError::HeaderValue("x-a".into()))
        );
        assert_eq!(
            head("GET", "/", &[("x a", b"1")], Framing::None),
            Err(RequestError::HeaderName("x a".into()))
        );
        assert_eq!(
            head("GET", "/", &[("Content-Length", b"1")], Framing::None),
            Err(RequestError::ReservedHeader("Content-Length".into()))
        );
    }

    #[test]
    fn body_writer_frames_and_counts() {
        let mut out = Vec::new();
        let mut body = BodyWriter::new(Framing::Chunked);
        body.write(&mut out, b"abc").unwrap();
        body.write(&mut out, b"").unwrap();
        body.write(&mut out, &[b'x'; 16]).unwrap();
        body.finish(&mut out).unwrap();
        assert_eq!(out, b"3\r\nabc\r\n10\r\nxxxxxxxxxxxxxxxx\r\n0\r\n\r\n");
        assert_eq!(body.write(&mut out, b"late"), Err(BodyError::TooLong));

        let mut out = Vec::new();
        let mut body = BodyWriter::new(Framing::Length(5));
        body.write(&mut out, b"hel").unwrap();
        assert_eq!(body.finish(&mut out), Err(BodyError::TooShort));
        assert_eq!(body.write(&mut out, b"lo!"), Err(BodyError::TooLong));
        body.write(&mut out, b"lo").unwrap();
        body.finish(&mut out).unwrap();
        assert_eq!((&out[..], body.written()), (&b"hello"[..], 5));

        let mut body = BodyWriter::new(Framing::None);
        assert_eq!(body.write(&mut out, b"x"), Err(BodyError::NoBody));
        assert_eq!(body.finish(&mut out), Ok(()));
        assert_eq!(out, b"hello");
    }
}
