//! HTTP/1.1 for Howth: request heads, chunked request bodies and response
//! serialisation, with no I/O.
//!
//! The caller owns every buffer. [`parse_request`] reads a head out of the
//! connection's read buffer into a reusable [`RequestHead`] of offsets, so a
//! batch of parsed requests can sit beside the buffer without borrowing it;
//! [`ChunkedDecoder`] turns a chunked body, fed in pieces, into bytes; the
//! `write_*` functions append a response to the connection's write buffer.
//! In steady state none of them allocates.
//!
//! Every result that depends on how much has arrived is `Partial` or
//! `Complete`/`Done`, and every error a client can cause carries the status
//! code to answer with.
//!
//! ```
//! use howth_parser::{parse_request, BodyKind, DateCache, Limits, RequestHead, Status};
//!
//! let buf = b"POST /echo HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhelloGET /";
//! let mut head = RequestHead::new();
//! let limits = Limits::default();
//!
//! assert_eq!(parse_request(buf, &limits, &mut head), Ok(Status::Complete));
//! assert_eq!(head.method.get(buf), b"POST");
//! assert_eq!(head.target.get(buf), b"/echo");
//! assert_eq!(head.header(buf, b"host"), Some(&b"example.com"[..]));
//! assert_eq!(head.body, BodyKind::Length(5));
//! assert_eq!(&buf[head.head_len..head.head_len + 5], b"hello");
//!
//! // The next pipelined request has not fully arrived yet.
//! let next = &buf[head.head_len + 5..];
//! assert_eq!(parse_request(next, &limits, &mut head), Ok(Status::Partial));
//!
//! let date = DateCache::new();
//! let mut out = Vec::new();
//! howth_parser::write_status_line(&mut out, 200);
//! out.extend_from_slice(date.header_line());
//! howth_parser::write_content_length(&mut out, 5);
//! out.extend_from_slice(b"\r\nhello");
//! assert!(out.starts_with(b"HTTP/1.1 200 OK\r\nDate: "));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations, rust_2018_idioms)]

pub mod chunked;
pub mod request;
pub mod response;

pub use chunked::{ChunkError, ChunkStatus, ChunkedDecoder};
pub use request::{parse_request, BodyKind, Limits, ParseError, RequestHead, Span, Status, MAX_HEADERS};
pub use response::{
    is_valid_header_name, is_valid_header_value, reason_phrase, status_allows_body, write_chunk,
    write_chunk_end, write_chunk_size, write_content_length, write_error_response, write_header,
    write_last_chunk, write_response_head, write_status_line, BodyFraming, DateCache, Exchange, HeadWritten,
    CONNECTION_CLOSE, CONNECTION_KEEP_ALIVE, CONTINUE_100, TRANSFER_ENCODING_CHUNKED,
};
