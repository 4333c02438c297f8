//! HTTP/1.1 client codec, sans-I/O: [`write_request_head`] appends a
//! request head to the connection's write buffer and [`BodyWriter`] its
//! body in the head's framing; [`ResponseDecoder`] turns the bytes that
//! come back into heads (borrowing those bytes), body bytes and an end
//! that says whether the connection can carry another request.
//!
//! ```
//! use howth_protocols::http::{write_request_head, Event, Framing, RequestMethod, ResponseDecoder};
//!
//! let mut out = Vec::new();
//! write_request_head(&mut out, "GET", "/users/1", "api.local", &[("accept", b"application/json")], Framing::None).unwrap();
//! assert_eq!(out, b"GET /users/1 HTTP/1.1\r\nhost: api.local\r\naccept: application/json\r\n\r\n");
//!
//! let mut decoder = ResponseDecoder::new();
//! decoder.request_sent(RequestMethod::Other);
//! let mut body = Vec::new();
//! let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
//! let (used, event) = decoder.decode(reply, &mut body).unwrap();
//! let Some(Event::Head(head)) = event else { panic!() };
//! assert_eq!((head.status, head.header("content-length")), (200, Some(&b"2"[..])));
//! let (_, event) = decoder.decode(&reply[used..], &mut body).unwrap();
//! assert_eq!(event, Some(Event::End { reusable: true }));
//! assert_eq!(body, b"hi");
//! ```

mod request;
mod response;

pub use request::{write_request_head, BodyError, BodyWriter, Framing, RequestError};
pub use response::{Error, Event, Limits, RequestMethod, ResponseDecoder, ResponseHead};
