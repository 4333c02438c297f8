//! Response parsing for one connection: heads with httparse (zero-copy:
//! a [`ResponseHead`] borrows the caller's input), bodies framed by
//! Content-Length, chunked coding (howth-parser's decoder) or the end of
//! the connection, following RFC 9112 §6.3.
//!
//! The decoder knows which requests are waiting for an answer, in order,
//! so it frames each response by its own request's method, and refuses
//! bytes that arrive when nothing was asked. Anything ambiguous is refused
//! or makes the connection single-use: a response whose length two parsers
//! could read differently is how a second, forged response gets smuggled
//! into a pooled connection.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;

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

impl RequestMethod {
    /// The framing class of a method name (exact, as written on the wire).
    pub fn of(method: &str) -> RequestMethod {
        match method {
            "HEAD" => RequestMethod::Head,
            "CONNECT" => RequestMethod::Connect,
            _ => RequestMethod::Other,
        }
    }
}

/// Where one header field lies in the input the head was parsed from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Field {
    name: Range<usize>,
    value: Range<usize>,
}

/// A parsed status line and header section, borrowing the bytes it was
/// parsed from: nothing is copied. Valid until the next `decode`.
#[derive(Clone, Copy)]
pub struct ResponseHead<'a> {
    /// The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub version: u8,
    pub status: u16,
    /// The reason phrase; empty when the server sent none or sent bytes
    /// that are not UTF-8.
    pub reason: &'a str,
    input: &'a [u8],
    fields: &'a [Field],
}

impl<'a> ResponseHead<'a> {
    /// The header fields in order: names as sent (case kept; httparse
    /// admits only token characters, so they are ASCII), values as bytes
    /// without surrounding whitespace.
    pub fn headers(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a [u8])> + 'a {
        let input = self.input;
        self.fields.iter().map(move |f| {
            let name = std::str::from_utf8(&input[f.name.clone()]).unwrap_or("");
            (name, &input[f.value.clone()])
        })
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.values(name).next()
    }

    /// Every value of header `name` (any case), in order.
    pub fn values<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + 'n
    where
        'a: 'n,
    {
        self.headers()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Whether any comma-separated member of any `name` field is `token`
    /// (any case).
    fn has_token(&self, name: &str, token: &[u8]) -> bool {
        self.values(name)
            .flat_map(|v| v.split(|&b| b == b','))
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(token))
    }

    /// The last non-empty comma-separated member of the `name` fields.
    fn last_token(&self, name: &str) -> Option<&'a [u8]> {
        self.values(name)
            .flat_map(|v| v.split(|&b| b == b','))
            .map(<[u8]>::trim_ascii)
            .filter(|t| !t.is_empty())
            .last()
    }
}

/// Heads are equal when their status lines and fields are, wherever
/// their bytes lie.
impl PartialEq for ResponseHead<'_> {
    fn eq(&self, other: &Self) -> bool {
        (self.version, self.status, self.reason) == (other.version, other.status, other.reason)
            && self.headers().eq(other.headers())
    }
}

impl Eq for ResponseHead<'_> {}

impl fmt::Debug for ResponseHead<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<_> = self
            .headers()
            .map(|(n, v)| (n, String::from_utf8_lossy(v)))
            .collect();
        f.debug_struct("ResponseHead")
            .field("version", &self.version)
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("headers", &headers)
            .finish()
    }
}

/// What decoding produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A 1xx interim response (100 Continue, 103 Early Hints); the final
    /// head of the same request follows.
    Informational(ResponseHead<'a>),
    /// The final response head; body bytes follow.
    Head(ResponseHead<'a>),
    /// The response is complete. `reusable` says whether the connection
    /// may carry another request. After a non-reusable end nothing more
    /// is read (bytes after a 101 or a CONNECT tunnel belong to the new
    /// protocol and are left unconsumed); requests still waiting
    /// ([`ResponseDecoder::unanswered`]) must go on another connection.
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
    /// Bytes came while no request was waiting for an answer.
    Unsolicited,
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
            Error::Unsolicited => f.write_str("response received without a request"),
            Error::ClosedBeforeHead => f.write_str("connection closed before a response head"),
            Error::TruncatedBody => f.write_str("connection closed before the end of the body"),
        }
    }
}

impl std::error::Error for Error {}

#[derive(Clone, Debug)]
enum State {
    /// No request is waiting: any byte is an error.
    Idle,
    Head {
        method: RequestMethod,
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
    /// A non-reusable response ended: nothing more is read.
    Closed,
    Failed(Error),
}

/// What one step produced, before it is given the input's lifetime.
enum Step {
    Nothing,
    Head {
        informational: bool,
        version: u8,
        status: u16,
        reason: Range<usize>,
    },
    End {
        reusable: bool,
    },
}

/// Decodes the responses of one connection; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct ResponseDecoder {
    limits: Limits,
    state: State,
    /// Requests sent after the one being answered, oldest first.
    waiting: VecDeque<RequestMethod>,
    /// Whether the connection may be reused once the body has ended.
    keep_alive: bool,
    /// The last head's fields, reused from head to head.
    fields: Vec<Field>,
}

impl Default for ResponseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl ResponseDecoder {
    /// A decoder for a fresh connection with no request sent yet.
    pub fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    pub fn with_limits(limits: Limits) -> Self {
        ResponseDecoder {
            limits,
            state: State::Idle,
            waiting: VecDeque::new(),
            keep_alive: false,
            fields: Vec::new(),
        }
    }

    /// Records that a request with `method` was written on the connection;
    /// responses are matched to requests in the order they were sent
    /// (pipelining).
    pub fn request_sent(&mut self, method: RequestMethod) {
        if matches!(self.state, State::Idle) {
            self.state = State::Head { method, interim: 0 };
        } else {
            self.waiting.push_back(method);
        }
    }

    /// Requests sent whose final response head has not arrived: after a
    /// non-reusable end or an error, these were never answered.
    pub fn unanswered(&self) -> usize {
        let current = matches!(self.state, State::Head { .. });
        self.waiting.len() + usize::from(current)
    }

    /// Whether the connection is between responses with nothing waiting,
    /// so it can go back to a pool.
    pub fn is_idle(&self) -> bool {
        matches!(self.state, State::Idle)
    }

    /// Decodes from the start of `input`, appending body bytes to `body`,
    /// and returns how many bytes were used and what happened, if anything.
    ///
    /// Bytes not used (a head not yet complete) must be passed again,
    /// followed by what arrives next; a returned head borrows `input`, so
    /// drop it before changing the buffer. Call while events come or
    /// bytes are used. After an error, every call returns it.
    pub fn decode<'a>(
        &'a mut self,
        input: &'a [u8],
        body: &mut Vec<u8>,
    ) -> Result<(usize, Option<Event<'a>>), Error> {
        let (used, step) = match self.step(input, body) {
            Ok(done) => done,
            Err(e) => {
                self.state = State::Failed(e.clone());
                return Err(e);
            }
        };
        let event = match step {
            Step::Nothing => None,
            Step::End { reusable } => Some(Event::End { reusable }),
            Step::Head {
                informational,
                version,
                status,
                reason,
            } => {
                let head = ResponseHead {
                    version,
                    status,
                    reason: std::str::from_utf8(&input[reason]).unwrap_or(""),
                    input,
                    fields: &self.fields,
                };
                Some(if informational {
                    Event::Informational(head)
                } else {
                    Event::Head(head)
                })
            }
        };
        Ok((used, event))
    }

    /// The connection reached end of file: ends a close-delimited body, and
    /// is an error anywhere else a response was owed.
    pub fn eof(&mut self) -> Result<Option<Event<'static>>, Error> {
        let result = match &self.state {
            State::UntilClose(_) | State::Empty | State::Tunnel => Ok(Some(Event::End { reusable: false })),
            State::Idle | State::Closed => Ok(None),
            State::Head { .. } => Err(Error::ClosedBeforeHead),
            State::Failed(e) => Err(e.clone()),
            State::Length(_) | State::Chunked(_) => Err(Error::TruncatedBody),
        };
        self.state = match &result {
            Ok(_) => State::Closed,
            Err(e) => State::Failed(e.clone()),
        };
        result
    }

    /// Ends the current response and moves to the next request's, if the
    /// connection can carry it.
    fn end(&mut self) -> Step {
        let reusable = self.keep_alive && !matches!(self.state, State::Tunnel | State::UntilClose(_));
        self.state = match (reusable, self.waiting.pop_front()) {
            (false, next) => {
                if let Some(method) = next {
                    self.waiting.push_front(method);
                }
                State::Closed
            }
            (true, Some(method)) => State::Head { method, interim: 0 },
            (true, None) => State::Idle,
        };
        Step::End { reusable }
    }

    fn step(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<(usize, Step), Error> {
        match &mut self.state {
            State::Idle if input.is_empty() => Ok((0, Step::Nothing)),
            State::Idle => Err(Error::Unsolicited),
            State::Head { method, interim } => {
                let (method, interim) = (*method, *interim);
                self.parse_head(input, method, interim)
            }
            State::Empty | State::Tunnel => Ok((0, self.end())),
            State::Length(left) => {
                let n = usize::try_from(*left).map_or(input.len(), |l| l.min(input.len()));
                body.extend_from_slice(&input[..n]);
                *left -= n as u64;
                if *left == 0 {
                    return Ok((n, self.end()));
                }
                Ok((n, Step::Nothing))
            }
            State::Chunked(decoder) => match decoder.decode(input, body) {
                Ok(ChunkStatus::Done { consumed }) => Ok((consumed, self.end())),
                Ok(ChunkStatus::Partial { consumed }) => Ok((consumed, Step::Nothing)),
                Err(ChunkError::TooLarge) => Err(Error::BodyTooLarge),
                Err(ChunkError::Malformed(why)) => Err(Error::Chunked(why)),
            },
            State::UntilClose(received) => {
                *received += input.len() as u64;
                if *received > self.limits.max_body {
                    return Err(Error::BodyTooLarge);
                }
                body.extend_from_slice(input);
                Ok((input.len(), Step::Nothing))
            }
            State::Closed => Ok((0, Step::Nothing)),
            State::Failed(e) => Err(e.clone()),
        }
    }

    fn parse_head(
        &mut self,
        input: &[u8],
        method: RequestMethod,
        interim: usize,
    ) -> Result<(usize, Step), Error> {
        let mut parsed = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut parsed);
        let len = match response.parse(input) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => {
                if input.len() > self.limits.max_head {
                    return Err(Error::HeadTooLarge);
                }
                return Ok((0, Step::Nothing));
            }
            Err(httparse::Error::TooManyHeaders) => return Err(Error::TooManyHeaders),
            Err(e) => return Err(Error::Malformed(parse_error(e))),
        };
        if len > self.limits.max_head {
            return Err(Error::HeadTooLarge);
        }
        let version = response.version.unwrap_or(1);
        let status = response.code.unwrap_or(0);
        let reason = span(input, response.reason.unwrap_or("").as_bytes());
        self.fields.clear();
        self.fields.extend(response.headers.iter().map(|h| Field {
            name: span(input, h.name.as_bytes()),
            value: span(input, h.value),
        }));
        if !(100..=999).contains(&status) {
            return Err(Error::Malformed("status code out of range"));
        }
        let head = ResponseHead {
            version,
            status,
            reason: "",
            input,
            fields: &self.fields,
        };
        if (100..200).contains(&status) && status != 101 {
            if interim + 1 > self.limits.max_informational {
                return Err(Error::TooManyInformational);
            }
            self.state = State::Head {
                method,
                interim: interim + 1,
            };
            return Ok((
                len,
                Step::Head {
                    informational: true,
                    version,
                    status,
                    reason,
                },
            ));
        }
        let (state, keep_alive) = framing(&head, method, &self.limits)?;
        self.state = state;
        self.keep_alive = keep_alive;
        Ok((
            len,
            Step::Head {
                informational: false,
                version,
                status,
                reason,
            },
        ))
    }
}

/// Where `part` (a slice httparse returned) lies inside `input`; an empty
/// range for a part that does not point into it (httparse returns a
/// static empty reason for one that is not UTF-8).
fn span(input: &[u8], part: &[u8]) -> Range<usize> {
    let start = (part.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    if start <= input.len() && part.len() <= input.len() - start {
        start..start + part.len()
    } else {
        0..0
    }
}

/// How the body after `head` is delimited (RFC 9112 §6.3), and whether the
/// connection can be reused after it.
fn framing(head: &ResponseHead<'_>, method: RequestMethod, limits: &Limits) -> Result<(State, bool), Error> {
    let mut keep_alive = if head.version == 1 {
        !head.has_token("connection", b"close")
    } else {
        head.has_token("connection", b"keep-alive")
    };
    let status = head.status;
    if status == 101 || (method == RequestMethod::Connect && (200..300).contains(&status)) {
        return Ok((State::Tunnel, false));
    }
    if method == RequestMethod::Head || status == 204 || status == 304 {
        return Ok((State::Empty, keep_alive));
    }
    let has_length = head.header("content-length").is_some();
    if head.header("transfer-encoding").is_some() {
        // Both headers: Transfer-Encoding wins, but a sender that wrote
        // both may be trying to smuggle; use the connection once.
        if has_length {
            keep_alive = false;
        }
        let last = head.last_token("transfer-encoding");
        if last.is_some_and(|c| c.eq_ignore_ascii_case(b"chunked")) && head.version == 1 {
            return Ok((State::Chunked(ChunkedDecoder::new(limits.max_body)), keep_alive));
        }
        return Ok((State::UntilClose(0), false));
    }
    if has_length {
        let length = content_length(head)?;
        if length > limits.max_body {
            return Err(Error::BodyTooLarge);
        }
        let state = if length == 0 {
            State::Empty
        } else {
            State::Length(length)
        };
        return Ok((state, keep_alive));
    }
    Ok((State::UntilClose(0), false))
}

/// The Content-Length: every field and every comma-separated member must
/// be the same decimal number.
fn content_length(head: &ResponseHead<'_>) -> Result<u64, Error> {
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

    /// An event with its head copied out, to compare runs.
    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Seen {
        Informational(u16, Vec<(String, Vec<u8>)>),
        Head(u16, Vec<(String, Vec<u8>)>),
        End { reusable: bool },
    }

    fn seen(event: Event<'_>) -> Seen {
        let copy = |h: &ResponseHead<'_>| h.headers().map(|(n, v)| (n.to_owned(), v.to_vec())).collect();
        match event {
            Event::Informational(h) => Seen::Informational(h.status, copy(&h)),
            Event::Head(h) => Seen::Head(h.status, copy(&h)),
            Event::End { reusable } => Seen::End { reusable },
        }
    }

    /// Decodes `input` fed in pieces of `step` bytes (as a socket might),
    /// after the requests `methods`, keeping unused bytes for the next call
    /// like a connection would; stops at a non-reusable end.
    fn run_all(
        methods: &[RequestMethod],
        input: &[u8],
        step: usize,
        eof: bool,
    ) -> Result<(Vec<Seen>, Vec<u8>), Error> {
        let mut decoder = ResponseDecoder::new();
        for &m in methods {
            decoder.request_sent(m);
        }
        let mut events = Vec::new();
        let mut body = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut fed = 0;
        loop {
            let (used, event) = decoder.decode(&pending, &mut body)?;
            let event = event.map(seen);
            pending.drain(..used);
            if let Some(e) = event {
                let last = e == Seen::End { reusable: false };
                events.push(e);
                if last {
                    return Ok((events, body));
                }
                continue;
            }
            if used > 0 {
                continue;
            }
            if fed == input.len() {
                if eof {
                    events.extend(decoder.eof()?.map(seen));
                }
                return Ok((events, body));
            }
            let next = (fed + step).min(input.len());
            pending.extend_from_slice(&input[fed..next]);
            fed = next;
        }
    }

    fn run(
        method: RequestMethod,
        input: &[u8],
        step: usize,
        eof: bool,
    ) -> Result<(Vec<Seen>, Vec<u8>), Error> {
        run_all(&[method], input, step, eof)
    }

    fn every_split_of(
        methods: &[RequestMethod],
        input: &[u8],
        eof: bool,
    ) -> Result<(Vec<Seen>, Vec<u8>), Error> {
        let whole = run_all(methods, input, input.len().max(1), eof);
        for step in 1..8 {
            assert_eq!(
                run_all(methods, input, step, eof),
                whole,
                "fed {step} bytes at a time"
            );
        }
        whole
    }

    fn every_split(input: &[u8], eof: bool) -> Result<(Vec<Seen>, Vec<u8>), Error> {
        every_split_of(&[RequestMethod::Other], input, eof)
    }

    fn statuses(events: &[Seen]) -> Vec<u16> {
        events
            .iter()
            .filter_map(|e| match e {
                Seen::Informational(s, _) | Seen::Head(s, _) => Some(*s),
                Seen::End { .. } => None,
            })
            .collect()
    }

    #[test]
    fn content_length_body() {
        let (events, body) =
            every_split(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false).unwrap();
        assert_eq!(body, b"hello");
        assert_eq!(events.last(), Some(&Seen::End { reusable: true }));
    }

    #[test]
    fn heads_borrow_the_input() {
        let input = b"HTTP/1.1 404 Not Found\r\nX-One:  a b \r\nx-one: c\r\nContent-Length: 0\r\n\r\n";
        let mut decoder = ResponseDecoder::new();
        decoder.request_sent(RequestMethod::Other);
        let (used, Some(Event::Head(head))) = decoder.decode(input, &mut Vec::new()).unwrap() else {
            panic!("a head")
        };
        assert_eq!(used, input.len());
        assert_eq!((head.status, head.reason, head.version), (404, "Not Found", 1));
        let value = head.header("x-ONE").unwrap();
        assert_eq!(value, b"a b");
        assert!(
            input.as_ptr_range().contains(&value.as_ptr()),
            "a slice of the input"
        );
        assert_eq!(head.values("x-one").collect::<Vec<_>>(), [&b"a b"[..], b"c"]);
        assert_eq!(head.headers().len(), 3);
        let (name, _) = head.headers().next().unwrap();
        assert_eq!(name, "X-One");
    }

    #[test]
    fn a_reason_that_is_not_utf8_is_empty() {
        let input = b"HTTP/1.1 200 \xffk\r\nContent-Length: 0\r\n\r\n";
        let mut decoder = ResponseDecoder::new();
        decoder.request_sent(RequestMethod::Other);
        let (_, Some(Event::Head(head))) = decoder.decode(input, &mut Vec::new()).unwrap() else {
            panic!("a head")
        };
        assert_eq!((head.status, head.reason), (200, ""));
    }

    #[test]
    fn chunked_body_with_trailers() {
        let input = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n10;x=y\r\n0123456789abcdef\r\n0\r\nEtag: 1\r\n\r\n";
        let (events, body) = every_split(input, false).unwrap();
        assert_eq!(body, b"abc0123456789abcdef");
        assert_eq!(events.last(), Some(&Seen::End { reusable: true }));
    }

    #[test]
    fn close_delimited_body_ends_at_eof_and_is_not_reusable() {
        let (events, body) = every_split(b"HTTP/1.1 200 OK\r\n\r\nall of it", true).unwrap();
        assert_eq!(body, b"all of it");
        assert_eq!(events.last(), Some(&Seen::End { reusable: false }));
        // A coding other than chunked last is read to the end, too.
        let (events, body) = every_split(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n1\r\na",
            true,
        )
        .unwrap();
        assert_eq!(body, b"1\r\na");
        assert_eq!(events.last(), Some(&Seen::End { reusable: false }));
    }

    #[test]
    fn informational_responses_come_before_the_final_one() {
        let input = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        let (events, _) = every_split(input, false).unwrap();
        assert_eq!(statuses(&events), [100, 103, 204]);
        assert_eq!(
            events[1],
            Seen::Informational(103, vec![("Link".into(), b"</a>".to_vec())])
        );
        assert_eq!(events.last(), Some(&Seen::End { reusable: true }));
    }

    #[test]
    fn no_body_for_head_204_and_304() {
        let input = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
        let (events, body) = run(RequestMethod::Head, input, 1, false).unwrap();
        assert!(body.is_empty());
        assert_eq!(events.last(), Some(&Seen::End { reusable: true }));
        for status in ["204 No Content", "304 Not Modified"] {
            let input = format!("HTTP/1.1 {status}\r\nContent-Length: 100\r\n\r\n");
            let (events, body) = every_split(input.as_bytes(), false).unwrap();
            assert!(body.is_empty());
            assert_eq!(events.last(), Some(&Seen::End { reusable: true }));
        }
    }

    #[test]
    fn pipelined_responses_follow_their_requests() {
        use RequestMethod::{Head, Other};
        let input = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n";
        let (events, body) = every_split_of(&[Other, Head, Other], input, false).unwrap();
        assert_eq!(statuses(&events), [200, 200, 200]);
        assert_eq!(body, b"abcde");
        assert_eq!(
            events
                .iter()
                .filter(|e| **e == Seen::End { reusable: true })
                .count(),
            3
        );
    }

    #[test]
    fn bytes_nobody_asked_for_are_refused() {
        // Before any request.
        let mut decoder = ResponseDecoder::new();
        assert_eq!(decoder.decode(b"", &mut Vec::new()), Ok((0, None)));
        assert_eq!(
            decoder.decode(b"HTTP/1.1 200 OK\r\n", &mut Vec::new()),
            Err(Error::Unsolicited)
        );
        // After the one response that was asked for, on a pooled connection.
        let input =
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb";
        assert_eq!(every_split(input, false), Err(Error::Unsolicited));
        let mut decoder = ResponseDecoder::new();
        decoder.request_sent(RequestMethod::Other);
        let (used, _) = decoder.decode(input, &mut Vec::new()).unwrap();
        let (_, end) = decoder.decode(&input[used..], &mut Vec::new()).unwrap();
        assert_eq!(end, Some(Event::End { reusable: true }));
        assert!(decoder.is_idle());
    }

    #[test]
    fn nothing_is_read_after_a_response_that_closes() {
        use RequestMethod::Other;
        // The second request was sent, but the first response said close
        // and had both framings: whatever follows is not its answer.
        let input = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb";
        let mut decoder = ResponseDecoder::new();
        decoder.request_sent(Other);
        decoder.request_sent(Other);
        let mut body = Vec::new();
        let mut at = 0;
        let mut ends = Vec::new();
        loop {
            let (used, event) = decoder.decode(&input[at..], &mut body).unwrap();
            at += used;
            match event {
                Some(Event::End { reusable }) => ends.push(reusable),
                Some(_) => {}
                None if used == 0 => break,
                None => {}
            }
        }
        assert_eq!((ends, &body[..]), (vec![false], &b"a"[..]));
        assert_eq!(&input[at..], b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
        assert_eq!(decoder.unanswered(), 1, "the second request goes elsewhere");
        assert_eq!(decoder.eof(), Ok(None));
    }

    #[test]
    fn keep_alive_follows_version_and_connection() {
        let end = |input: &[u8]| every_split(input, false).unwrap().0.pop();
        assert_eq!(
            end(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
            Some(Seen::End { reusable: false })
        );
        assert_eq!(
            end(b"HTTP/1.1 200 OK\r\nConnection: upgrade, Close\r\nContent-Length: 0\r\n\r\n"),
            Some(Seen::End { reusable: false })
        );
        assert_eq!(
            end(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
            Some(Seen::End { reusable: false })
        );
        assert_eq!(
            end(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"),
            Some(Seen::End { reusable: true })
        );
    }

    #[test]
    fn both_framings_use_chunked_and_give_up_the_connection() {
        let input =
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n";
        let (events, body) = every_split(input, false).unwrap();
        assert_eq!(body, b"a");
        assert_eq!(events.last(), Some(&Seen::End { reusable: false }));
    }

    #[test]
    fn tunnels_leave_the_rest_unconsumed() {
        let mut d = ResponseDecoder::new();
        d.request_sent(RequestMethod::Connect);
        let input = b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01";
        let (used, _) = d.decode(input, &mut Vec::new()).unwrap();
        assert_eq!(
            d.decode(&input[used..], &mut Vec::new()).unwrap(),
            (0, Some(Event::End { reusable: false }))
        );
        assert_eq!(d.decode(&input[used..], &mut Vec::new()).unwrap(), (0, None));
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
            err(b"HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n"),
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
        assert_eq!(err(b""), Error::ClosedBeforeHead);
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
            let mut d = ResponseDecoder::with_limits(limits);
            d.request_sent(RequestMethod::Other);
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
        let mut d = ResponseDecoder::new();
        d.request_sent(RequestMethod::Other);
        assert_eq!(d.decode(&many, &mut Vec::new()), Err(Error::TooManyHeaders));
        // Every later call gives the same error.
        assert_eq!(d.decode(b"", &mut Vec::new()), Err(Error::TooManyHeaders));
    }
}
