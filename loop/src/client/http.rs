//! The HTTP/1.1 driver, for fetch(): requests are written with
//! howth-protocols' `write_request_head` and `BodyWriter` (ops in
//! fetch_ops.rs), responses decoded by its `ResponseDecoder` as bytes
//! arrive, bodies decoded from their Content-Encoding on the way. What JS
//! gets: a head event (status, reason, header fields), the body as data
//! events, and an end event saying whether the connection may carry
//! another request.
use howth_protocols::http::{BodyWriter, Error, Event, RequestMethod, ResponseDecoder};

use super::decode::ContentDecoder;
use super::{Cx, Failure, Kind};

#[derive(Default)]
pub struct Http {
    decoder: ResponseDecoder,
    /// Bytes the decoder has not used yet (a head cut by a read).
    pending: Vec<u8>,
    /// Body bytes of the current read, before content decoding.
    body: Vec<u8>,
    /// Body bytes after it.
    decoded: Vec<u8>,
    /// Decode Content-Encoding (fetch's default; off for `decompress: false`).
    pub decompress: bool,
    content: Option<ContentDecoder>,
    /// The framing of the request body being streamed.
    pub writer: Option<BodyWriter>,
    /// A response ended and the connection cannot carry another.
    finished: bool,
}

/// A decoding failure as Node's code (llhttp's names, as Node's http
/// client reports them) and a message.
fn framing_error(e: &Error) -> Failure {
    let code = match e {
        Error::HeadTooLarge | Error::TooManyHeaders => "HPE_HEADER_OVERFLOW",
        Error::InvalidContentLength => "HPE_UNEXPECTED_CONTENT_LENGTH",
        Error::Chunked(_) => "HPE_INVALID_CHUNK_SIZE",
        Error::ClosedBeforeHead | Error::TruncatedBody => "ECONNRESET",
        Error::BodyTooLarge => "ERR_FETCH_BODY_TOO_LARGE",
        _ => "HPE_INVALID_CONSTANT",
    };
    (code, format!("bad HTTP response: {e}"))
}

impl Http {
    pub fn new(decompress: bool) -> Http {
        Http {
            decompress,
            ..Http::default()
        }
    }

    /// A request was written: its response comes next (in order).
    pub fn request_sent(&mut self, method: &str) {
        self.decoder.request_sent(RequestMethod::of(method));
    }

    pub fn connected(&mut self, cx: &mut Cx<'_>) -> Result<(), Failure> {
        cx.events.push(cx.id, Kind::Connect, 0);
        Ok(())
    }

    pub fn received(&mut self, data: &[u8], cx: &mut Cx<'_>) -> Result<(), Failure> {
        if self.finished {
            return Ok(());
        }
        if self.pending.is_empty() {
            let used = self.decode(data, cx)?;
            self.pending.extend_from_slice(&data[used..]);
        } else {
            let mut input = std::mem::take(&mut self.pending);
            input.extend_from_slice(data);
            let used = self.decode(&input, cx)?;
            input.drain(..used);
            self.pending = input;
        }
        Ok(())
    }

    /// Decodes what it can of `input`; returns how much it used.
    fn decode(&mut self, input: &[u8], cx: &mut Cx<'_>) -> Result<usize, Failure> {
        let mut at = 0;
        while !self.finished {
            let Http {
                decoder,
                body,
                decoded,
                content,
                decompress,
                ..
            } = self;
            let (used, event) = decoder
                .decode(&input[at..], body)
                .map_err(|e| framing_error(&e))?;
            at += used;
            if !body.is_empty() {
                match content.as_mut() {
                    Some(c) => {
                        c.write(body, decoded)
                            .map_err(|e| ("Z_DATA_ERROR", format!("cannot decode the response body: {e}")))?;
                        cx.events.data(cx.id, decoded);
                        decoded.clear();
                    }
                    None => cx.events.data(cx.id, body),
                }
                body.clear();
            }
            match event {
                None if used == 0 => break,
                None | Some(Event::Informational(_)) => {}
                Some(Event::Head(head)) => {
                    let mut text = Vec::with_capacity(256);
                    text.extend_from_slice(head.status.to_string().as_bytes());
                    text.push(b'\n');
                    text.extend_from_slice(head.reason.as_bytes());
                    text.push(b'\n');
                    let mut encoding = None;
                    for (name, value) in head.headers() {
                        if name.eq_ignore_ascii_case("content-encoding") {
                            encoding = Some(value);
                        }
                        text.extend_from_slice(name.as_bytes());
                        text.push(b'\n');
                        text.extend_from_slice(value);
                        text.push(b'\n');
                    }
                    *content = if *decompress {
                        encoding.and_then(ContentDecoder::for_encoding)
                    } else {
                        None
                    };
                    cx.events.bytes_event(cx.id, Kind::Head, &text);
                }
                Some(Event::End { reusable }) => {
                    if let Some(mut c) = content.take() {
                        c.finish(decoded)
                            .map_err(|e| ("Z_DATA_ERROR", format!("cannot decode the response body: {e}")))?;
                        cx.events.data(cx.id, decoded);
                        decoded.clear();
                    }
                    self.finished = !reusable;
                    cx.events.push(cx.id, Kind::ResponseEnd, usize::from(reusable));
                }
            }
        }
        Ok(at)
    }

    pub fn ended(&mut self, cx: &mut Cx<'_>) -> Result<(), Failure> {
        let mut at_end = Vec::new();
        match self.decoder.eof().map_err(|e| framing_error(&e))? {
            Some(Event::End { .. }) => {
                if let Some(mut c) = self.content.take() {
                    c.finish(&mut at_end)
                        .map_err(|e| ("Z_DATA_ERROR", format!("cannot decode the response body: {e}")))?;
                    cx.events.data(cx.id, &at_end);
                }
                self.finished = true;
                cx.events.push(cx.id, Kind::ResponseEnd, 0);
            }
            _ => cx.events.push(cx.id, Kind::End, 0),
        }
        Ok(())
    }
}
