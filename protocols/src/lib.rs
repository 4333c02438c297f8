//! Client-side protocol codecs for Howth, with no I/O.
//!
//! Each protocol is a state machine the loop drives: it hands over the
//! bytes a socket produced, takes back events (a reply, a row set, a
//! response head, a chunk of body) and appends whatever must be sent to a
//! caller-owned write buffer. Nothing here opens a socket, blocks, spawns
//! or reads a clock, so every codec can be fuzzed and tested with plain
//! byte slices, and everything issued during one turn of the loop leaves in
//! one write per connection.
//!
//! - [`redis`]: RESP2 and RESP3 through the `redis-protocol` crate's
//!   decoder, a hand-written command encoder, pipelining, pub/sub pushes.
//! - [`postgres`]: the v3 wire protocol through the `postgres-protocol`
//!   crate's messages and SCRAM: startup and authentication, pipelined
//!   extended queries, a prepared-statement cache, typed values.
//! - [`http`]: HTTP/1.1 request heads and bodies, and response parsing
//!   (httparse for heads, `howth-parser`'s chunked decoder for bodies).
//! - [`websocket`]: RFC 6455 handshakes in both roles, frames, masking,
//!   fragmentation, the closing handshake and permessage-deflate.
//!
//! See docs/protocols.md.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations, rust_2018_idioms)]

pub mod http;
pub mod postgres;
pub mod redis;
pub mod websocket;
