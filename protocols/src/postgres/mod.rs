//! Postgres wire protocol v3, client side, sans-I/O.
//!
//! [`Connection`] runs startup and authentication (trust, cleartext
//! password, md5, SCRAM-SHA-256 through the `postgres-protocol` crate),
//! then any number of pipelined queries: each is Parse (the first time its
//! text is seen on the connection; the statement is cached after that),
//! Bind, Describe, Execute and its own Sync, so an error fails that query
//! alone. Results come back as [`Event::Complete`] in the order the
//! queries were issued, rows kept as the server's text and decoded to
//! [`Value`]s by type on demand.
//!
//! ```
//! use howth_protocols::postgres::{Config, Connection, Event, Value};
//!
//! let mut conn = Connection::new(Config { user: "app".into(), ..Config::default() });
//! conn.start();
//! let id = conn.query("select $1::int4 + 1 as n", &[Some(b"41")]);
//! let mut out = Vec::new();
//! conn.take_output(&mut out);
//! assert_eq!(out[4..8], [0, 3, 0, 0]); // only the startup message: protocol 3.0
//!
//! // What a trusting server answers, then the query's response.
//! let msg = |tag: u8, body: &[u8]| [&[tag][..], &(body.len() as u32 + 4).to_be_bytes(), body].concat();
//! conn.receive(&[msg(b'R', &[0, 0, 0, 0]), msg(b'Z', b"I")].concat());
//! assert!(matches!(conn.poll_event(), Some(Event::Ready)));
//! out.clear();
//! conn.take_output(&mut out); // now the query goes out
//! assert_eq!(out[0], b'P');
//!
//! let row_description = [&[0, 1][..], b"n\0", &[0; 6], &23u32.to_be_bytes(), &[0, 4, 255, 255, 255, 255, 0, 0]].concat();
//! let data_row = [&[0, 1][..], &2u32.to_be_bytes(), b"42"].concat();
//! conn.receive(&[
//!     msg(b'1', b""), msg(b'2', b""), msg(b'T', &row_description), msg(b'D', &data_row),
//!     msg(b'C', b"SELECT 1\0"), msg(b'Z', b"I"),
//! ].concat());
//! let Some(Event::Complete { id: done, result }) = conn.poll_event() else { panic!() };
//! let result = result.unwrap();
//! assert_eq!((done, result.affected()), (id, Some(1)));
//! assert_eq!(result.rows[0].value(0).unwrap(), Value::Int(42));
//! ```

mod connection;
mod error;
pub mod types;

pub use connection::{
    read_ssl_response, write_cancel_request, write_ssl_request, Column, Config, Connection, Event, QueryId,
    QueryResult, Row, TransactionStatus, MAX_MESSAGE, STATEMENT_CACHE,
};
pub use error::{Error, ServerError};
pub use types::{decode_text, DecodeError, Value};
