//! Redis over RESP2 or RESP3, sans-I/O.
//!
//! [`Client`] is one connection's state: [`Client::command`] appends an
//! encoded command to the caller's write buffer and remembers it, so that
//! any number of commands can be pipelined in one write;
//! [`Client::receive`] takes whatever the socket produced and
//! [`Client::poll_event`] hands back, in order, the replies matched to the
//! commands that asked for them, pub/sub messages and connection-level
//! failures.
//!
//! ```
//! use howth_protocols::redis::{Client, Config, Event, Value};
//!
//! let mut client = Client::new(Config::default());
//! let mut out = Vec::new();
//! client.start(&mut out); // RESP2 and no password: nothing to say first
//! let get = client.command(&["GET", "greeting"], &mut out);
//! let incr = client.command(&["INCR", "hits"], &mut out);
//! assert_eq!(out, b"*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n");
//!
//! client.receive(b"$5\r\nhello\r\n:4");
//! assert!(matches!(client.poll_event(), Some(Event::Ready)));
//! let Some(Event::Reply { id, result }) = client.poll_event() else { panic!() };
//! assert_eq!((id, result.unwrap()), (get, Value::Bulk(b"hello".to_vec())));
//! assert!(client.poll_event().is_none()); // ":4" has no CRLF yet
//! client.receive(b"2\r\n");
//! let Some(Event::Reply { id, result }) = client.poll_event() else { panic!() };
//! assert_eq!((id, result.unwrap()), (incr, Value::Int(42)));
//! ```

mod client;
mod encode;
mod value;

pub use client::{Client, CommandId, Config, Event, Protocol};
pub use encode::encode_command;
pub use value::{decode_value, Error, ServerError, Value};
