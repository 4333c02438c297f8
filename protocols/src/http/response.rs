//! Response parsing: heads with httparse, bodies framed by
//! Content-Length, chunked coding (howth-parser's decoder) or the end of
//! the connection, following RFC 9112 §6.3.
//!
//! Anything ambiguous is refused or makes the connection single-use: a
//! response whose length two parsers could read differently is how a
//! second, forged response gets smuggled into a pooled connection.

use std::fmt;

use howth_parser::{ChunkError, ChunkStatus, ChunkedDecoder};

/// Most header fields in one response head.
pub const MAX_HEADERS: usize = 128;

/// Bounds on what a server may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest head (status line and header fields), per head.
    pub max_head: usize,
    /// Most body bytes, after chunked decoding.
    pub max_body: u64,
    /// Most 1xx interim responses before the final one.
    pub max_informational: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head: 64 * 1024,
            max_body: u64::MAX,
            max_informational: 16,
        }
    }
}

/// The request's method, as far as it changes how the response is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestMethod {
    /// A response to HEAD never has a body, whatever its headers say.
    Head,
    /// A 2xx response to CONNECT turns the connection into a tunnel.
    Connect,
    Other,
}

/// A parsed status line and header section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    /// The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub version: u8,
    pub status: u16,
    pub reason: String,
    /// Names as sent (case kept), values as bytes, in order.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl ResponseHead {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| &v[..])
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| &v[..])
    }

    /// The comma-separated tokens of every `name` field, trimmed and in
    /// lower case.
    fn tokens(&self, name: &str) -> Vec<Vec<u8>> {
        self.values(name)
            .flat_map(|v| v.split(|&b| b == b','))
            .map(|t| t.trim_ascii().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

/// What decoding produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A 1xx interim response (100 Continue, 103 Early Hints); the final
    /// head follows.
    Informational(ResponseHead),
    /// The final response head; body bytes follow.
    Head(ResponseHead),
    /// The response is complete. `reusable` says whether the connection
    /// may carry another request; bytes after a 101 or a CONNECT tunnel
    /// belong to the new protocol and are left unconsumed.
    End { reusable: bool },
}

/// A response that cannot be read; the connection must be closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Not an HTTP/1.x response head; why.
    Malformed(&'static str),
    HeadTooLarge,
    TooManyHeaders,
    TooManyInformational,
    /// A Content-Length that is not a number, or several that disagree.
    InvalidContentLength,
    BodyTooLarge,
    /// The chunked framing is broken; why.
    Chunked(&'static str),
    /// The connection ended before the head was complete.
    ClosedBeforeHead,
    /// The connection ended before the announced body was complete.
    TruncatedBody,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(why) => write!(f, "malformed response head: {why}"),
            Error::HeadTooLarge => f.write_str("response head too large"),
            Error::TooManyHeaders => f.write_str("too many response header fields"),
            Error::TooManyInformational => f.write_str("too many 1xx responses"),
            Error::InvalidContentLength => f.write_str("invalid or conflicting Content-Length"),
            Error::BodyTooLarge => f.write_str("response body above the limit"),
            Error::Chunked(why) => write!(f, "bad chunked body: {why}"),
            Error::ClosedBeforeHead => f.write_str("connection closed before a response head"),
            Error::TruncatedBody => f.write_str("connection closed before the end of the body"),
        }
    }
}

impl std::error::Error for Error {}

#[derive(Clone, Debug)]
enum State {
    Head {
        interim: usize,
    },
    /// The head is out; nothing follows it (HEAD, 204, 304, length 0).
    Empty,
    Length(u64),
    Chunked(ChunkedDecoder),
    /// Until the server closes (no length and no chunking).
    UntilClose(u64),
    /// 101 Switching Protocols or a CONNECT tunnel.
    Tunnel,
    Done,
    Failed(Error),
}

/// Decodes one response; see the [module docs](super).
#[derive(Clone, Debug)]
pub struct ResponseDecoder {
    method: RequestMethod,
    limits: Limits,
    state: State,
    /// Whether the connection may be reused once the body has ended.
    keep_alive: bool,
}

impl ResponseDecoder {
    pub fn new(method: RequestMethod) -> Self {
        Self::with_limits(method, Limits::default())
    }

    pub fn with_limits(method: RequestMethod, limits: Limits) -> Self {
        ResponseDecoder {
            method,
            limits,
            state: State::Head { interim: 0 },
            keep_alive: false,
        }
    }

    /// Decodes from the start of `input`, appending body bytes to `body`,
    /// and returns how many bytes were used and what happened, if anything.
    ///
    /// Bytes not used (a head not yet complete) must be passed again,
    /// followed by what arrives next. Call until [`Event::End`]; after it,
    /// nothing more is consumed. After an error, every call returns it.
    pub fn decode(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<(usize, Option<Event>), Error> {
        let result = self.step(input, body);
        if let Err(e) = &result {
            self.state = State::Failed(e.clone());
        }
        result
    }

    /// The connection reached end of file: ends a close-delimited body, and
    /// is an error anywhere else before [`Event::End`].
    pub fn eof(&mut self) -> Result<Event, Error> {
        match &self.state {
            State::UntilClose(_) => {
                self.state = State::Done;
                Ok(Event::End { reusable: false })
            }
            State::Head { .. } => Err(Error::ClosedBeforeHead),
            State::Failed(e) => Err(e.clone()),
            // The body was complete (or empty); only reuse is lost.
            State::Done | State::Empty | State::Tunnel => {
                self.state = State::Done;
                Ok(Event::End { reusable: false })
            }
            _ => Err(Error::TruncatedBody),
        }
    }

    /// Whether [`Event::End`] has been returned.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    fn end(&mut self) -> Event {
        let reusable = self.keep_alive && !matches!(self.state, State::Tunnel | State::UntilClose(_));
        self.state = State::Done;
        Event::End { reusable }
    }

    fn step(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<(usize, Option<Event>), Error> {
        match &mut self.state {
            State::Head { interim } => {
                let interim = *interim;
                self.parse_head(input, interim)
            }
            State::Empty | State::Tunnel => Ok((0, Some(self.end()))),
            State::Length(left) => {
                let n = usize::try_from(*left).map_or(input.len(), |l| l.min(input.len()));
                body.extend_from_slice(&input[..n]);
                *left -= n as u64;
                if *left == 0 {
                    return Ok((n, Some(self.end())));
                }
                Ok((n, None))
            }
            State::Chunked(decoder) => match decoder.decode(input, body) {
                Ok(ChunkStatus::Done { consumed }) => Ok((consumed, Some(self.end()))),
                Ok(ChunkStatus::Partial { consumed }) => Ok((consumed, None)),
                Err(ChunkError::TooLarge) => Err(Error::BodyTooLarge),
                Err(ChunkError::Malformed(why)) => Err(Error::Chunked(why)),
            },
            State::UntilClose(received) => {
                *received += input.len() as u64;
                if *received > self.limits.max_body {
                    return Err(Error::BodyTooLarge);
                }
                body.extend_from_slice(input);
                Ok((input.len(), None))
            }
            State::Done => Ok((0, None)),
            State::Failed(e) => Err(e.clone()),
        }
    }

    fn parse_head(&mut self, input: &[u8], interim: usize) -> Result<(usize, Option<Event>), Error> {
        let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut fields);
        let len = match response.parse(input) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => {
                if input.len() > self.limits.max_head {
                    return Err(Error::HeadTooLarge);
                }
                return Ok((0, None));
            }
            Err(httparse::Error::TooManyHeaders) => return Err(Error::TooManyHeaders),
            Err(e) => return Err(Error::Malformed(parse_error(e))),
        };
        if len > self.limits.max_head {
            return Err(Error::HeadTooLarge);
        }
        let head = ResponseHead {
            version: response.version.unwrap_or(1),
            status: response.code.unwrap_or(0),
            reason: response.reason.unwrap_or("").to_owned(),
            headers: response
                .headers
                .iter()
                .map(|h| (h.name.to_owned(), h.value.to_vec()))
                .collect(),
        };
        if !(100..=999).contains(&head.status) {
            return Err(Error::Malformed("status code out of range"));
        }
        if (100..200).contains(&head.status) && head.status != 101 {
            if interim + 1 > self.limits.max_informational {
                return Err(Error::TooManyInformational);
            }
            self.state = State::Head { interim: interim + 1 };
            return Ok((len, Some(Event::Informational(head))));
        }
        self.state = self.framing(&head)?;
        Ok((len, Some(Event::Head(head))))
    }

    /// How the body after `head` is delimited (RFC 9112 §6.3), and whether
    /// the connection can be reused after it.
    fn framing(&mut self, head: &ResponseHead) -> Result<State, Error> {
        let connection = head.tokens("connection");
        let has = |token: &[u8]| connection.iter().any(|t| t == token);
        self.keep_alive = if head.version == 1 {
            !has(b"close")
        } else {
            has(b"keep-alive")
        };

        let status = head.status;
        if status == 101 || (self.method == RequestMethod::Connect && (200..300).contains(&status)) {
            return Ok(State::Tunnel);
        }
        if self.method == RequestMethod::Head || status == 204 || status == 304 {
            return Ok(State::Empty);
        }
        let codings = head.tokens("transfer-encoding");
        let has_length = head.values("content-length").next().is_some();
        if !codings.is_empty() {
            // Both headers: Transfer-Encoding wins, but a sender that wrote
            // both may be trying to smuggle; use the connection once.
            if has_length {
                self.keep_alive = false;
            }
            if codings.last().is_some_and(|c| c == b"chunked") && head.version == 1 {
                return Ok(State::Chunked(ChunkedDecoder::new(self.limits.max_body)));
            }
            return Ok(State::UntilClose(0));
        }
        if has_length {
            let length = content_length(head)?;
            if length > self.limits.max_body {
                return Err(Error::BodyTooLarge);
            }
            return Ok(if length == 0 {
                State::Empty
            } else {
                State::Length(length)
            });
        }
        Ok(State::UntilClose(0))
    }
}

/// The Content-Length: every field and every comma-separated member must
/// be the same decimal number.
fn content_length(head: &ResponseHead) -> Result<u64, Error> {
    let mut length = None;
    for value in head.values("content-length") {
        for member in value.split(|&b| b == b',') {
            let digits = member.trim_ascii();
            if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
                return Err(Error::InvalidContentLength);
            }
            let n = digits.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            if length.is_some_and(|l| l != n) {
                return Err(Error::InvalidContentLength);
            }
            length = Some(n);
        }
    }
    length.ok_or(Error::InvalidContentLength)
}

fn parse_error(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::HeaderName => "invalid header name",
        httparse::Error::HeaderValue => "invalid header value",
        httparse::Error::NewLine => "invalid line ending",
        httparse::Error::Status => "invalid status code",
        httparse::Error::Token => "invalid token",
        httparse::Error::Version => "invalid HTTP version",
        _ => "invalid response head",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `input` fed in pieces of `step` bytes (as a socket might),
    /// keeping unused bytes for the next call like a connection would.
    fn run(
        method: RequestMethod,
        input: &[u8],
        step: usize,
        eof: bool,
    ) -> Result<(Vec<Event>, Vec<u8>), Error> {
        let mut decoder = ResponseDecoder::new(method);
        let mut events = Vec::new();
        let mut body = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut fed = 0;
        loop {
            let (used, event) = decoder.decode(&pending, &mut body)?;
            pending.drain(..used);
            let ended = matches!(event, Some(Event::End { .. }));
            if let Some(e) = event {
                events.push(e);
                if !ended {
                    continue;
                }
            }
            if ended {
                return Ok((events, body));
            }
            if fed == input.len() {
                if eof {
                    events.push(decoder.eof()?);
                }
                return Ok((events, body));
            }
            let next = (fed + step).min(input.len());
            pending.extend_from_slice(&input[fed..next]);
            fed = next;
        }
    }

    fn every_split(input: &[u8], eof: bool) -> Result<(Vec<Event>, Vec<u8>), Error> {
        let whole = run(RequestMethod::Other, input, input.len().max(1), eof);
        for step in 1..8 {
            assert_eq!(
                run(RequestMethod::Other, input, step, eof),
                whole,
                "fed {step} bytes at a time"
            );
        }
        whole
    }

    fn statuses(events: &[Event]) -> Vec<u16> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Informational(h) | Event::Head(h) => Some(h.status),
                Event::End { .. } => None,
            })
            .collect()
    }

    #[test]
    fn content_length_body() {
        let (events, body) = every_split(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1",
            false,
        )
        .unwrap();
        assert_eq!(body, b"hello");
        assert_eq!(events.last(), Some(&Event::End { reusable: true }));
    }

    #[test]
    fn chunked_body_with_trailers() {
        let input = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n10;x=y\r\n0123456789abcdef\r\n0\r\nEtag: 1\r\n\r\n";
        let (events, body) = every_split(input, false).unwrap();
        assert_eq!(body, b"abc0123456789abcdef");
        assert_eq!(events.last(), Some(&Event::End { reusable: true }));
    }

    #[test]
    fn close_delimited_body_ends_at_eof_and_is_not_reusable() {
        let (events, body) = every_split(b"HTTP/1.1 200 OK\r\n\r\nall of it", true).unwrap();
        assert_eq!(body, b"all of it");
        assert_eq!(events.last(), Some(&Event::End { reusable: false }));
    }

    #[test]
    fn informational_responses_come_before_the_final_one() {
        let input = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        let (events, _) = every_split(input, false).unwrap();
        assert_eq!(statuses(&events), [100, 103, 204]);
        assert_eq!(events.last(), Some(&Event::End { reusable: true }));
    }

    #[test]
    fn no_body_for_head_204_and_304() {
        let input = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
        let (events, body) = run(RequestMethod::Head, input, 1, false).unwrap();
        assert!(body.is_empty());
        assert_eq!(events.last(), Some(&Event::End { reusable: true }));
        let (_, body) = every_split(
            b"HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\nXX",
            false,
        )
        .unwrap();
        assert!(body.is_empty());
    }

    #[test]
    fn keep_alive_follows_version_and_connection() {
        let end = |input: &[u8]| every_split(input, false).unwrap().0.pop();
        assert_eq!(
            end(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
            Some(Event::End { reusable: false })
        );
        assert_eq!(
            end(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
            Some(Event::End { reusable: false })
        );
        assert_eq!(
            end(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"),
            Some(Event::End { reusable: true })
        );
    }

    #[test]
    fn both_framings_use_chunked_and_give_up_the_connection() {
        let input =
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n";
        let (events, body) = every_split(input, false).unwrap();
        assert_eq!(body, b"a");
        assert_eq!(events.last(), Some(&Event::End { reusable: false }));
    }

    #[test]
    fn tunnels_leave_the_rest_unconsumed() {
        let mut d = ResponseDecoder::new(RequestMethod::Connect);
        let input = b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01";
        let (used, _) = d.decode(input, &mut Vec::new()).unwrap();
        assert_eq!(
            d.decode(&input[used..], &mut Vec::new()).unwrap(),
            (0, Some(Event::End { reusable: false }))
        );
        assert_eq!(&input[used..], b"\x16\x03\x01");
    }

    #[test]
    fn refuses_bad_framing() {
        let err = |input: &[u8]| every_split(input, true).unwrap_err();
        assert_eq!(
            err(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
            Error::InvalidContentLength
        );
        assert_eq!(
            err(b"HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd"),
            Error::InvalidContentLength
        );
        assert_eq!(
            err(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
            Error::InvalidContentLength
        );
        assert_eq!(
            err(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            Error::Chunked("invalid chunk size")
        );
        assert_eq!(
            err(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
            Error::TruncatedBody
        );
        assert_eq!(
            err(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"),
            Error::TruncatedBody
        );
        assert_eq!(err(b"HTTP/1.1 200 OK\r\nContent"), Error::ClosedBeforeHead);
        assert!(matches!(err(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"), Error::Malformed(_)));
        // The same length twice is one length.
        assert_eq!(
            every_split(b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nab", false)
                .unwrap()
                .1,
            b"ab"
        );
    }

    #[test]
    fn enforces_limits() {
        let limits = Limits {
            max_head: 64,
            max_body: 4,
            max_informational: 1,
        };
        let decode = |input: &[u8]| {
            let mut d = ResponseDecoder::with_limits(RequestMethod::Other, limits);
            let mut body = Vec::new();
            let mut at = 0;
            loop {
                let (used, event) = d.decode(&input[at..], &mut body)?;
                at += used;
                if matches!(event, Some(Event::End { .. })) || (used == 0 && event.is_none()) {
                    return Ok(body);
                }
            }
        };
        assert_eq!(
            decode(&[b"HTTP/1.1 200 OK\r\nX: ".as_slice(), &[b'a'; 100]].concat()),
            Err(Error::HeadTooLarge)
        );
        assert_eq!(
            decode(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
            Err(Error::BodyTooLarge)
        );
        assert_eq!(
            decode(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            Err(Error::BodyTooLarge)
        );
        assert_eq!(
            decode(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"),
            Err(Error::TooManyInformational)
        );
        let many: Vec<u8> = [
            b"HTTP/1.1 200 OK\r\n".to_vec(),
            b"a: b\r\n".repeat(MAX_HEADERS + 1),
            b"\r\n".to_vec(),
        ]
        .concat();
        assert_eq!(
            ResponseDecoder::new(RequestMethod::Other).decode(&many, &mut Vec::new()),
            Err(Error::TooManyHeaders)
        );
    }
}
