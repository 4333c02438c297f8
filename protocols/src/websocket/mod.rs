//! WebSocket (RFC 6455) with permessage-deflate (RFC 7692), sans-I/O, for
//! both ends: the client's handshake ([`ClientHandshake`]) and the
//! server's ([`UpgradeRequest`]), then a [`Connection`] that turns
//! received bytes into messages and control events and appends what it
//! sends to the caller's buffer.
//!
//! The handshake rides on HTTP/1.1: a client writes its request with
//! [`ClientHandshake::write_request`], reads the 101 with
//! [`crate::http::ResponseDecoder`] (which stops at the head and leaves
//! the frames that follow unconsumed) and checks it with
//! [`ClientHandshake::finish`]; a server reads the request with its own
//! parser and answers with [`UpgradeRequest::accept`].
//!
//! ```
//! use howth_protocols::websocket::{Config, Connection, Event, Role};
//!
//! let mut client = Connection::new(Role::Client, Config::default());
//! let mut server = Connection::new(Role::Server, Config::default());
//! let mut wire = Vec::new();
//! client.send_text(&mut wire, "hello").unwrap();
//! let (used, event) = server.decode(&wire, &mut Vec::new()).unwrap();
//! assert_eq!((used, event), (wire.len(), Some(Event::Text("hello"))));
//! ```
//!
//! Masking keys and handshake nonces come from the OS's random source
//! (`getrandom`), which RFC 6455 asks for; nothing else here does I/O.
//! See docs/protocols.md.

mod connection;
mod deflate;
mod frame;
mod handshake;

use std::fmt;

pub use connection::{is_valid_close_code, Config, Connection, Event, OwnedEvent, Role};
pub use deflate::DeflateParams;
pub use handshake::{accept_key, Accepted, ClientHandshake, UpgradeRequest};

/// Why the connection failed: the close code sent to the peer and a short
/// reason. The connection reads nothing more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// 1002 (protocol error), 1007 (invalid data) or 1009 (too big).
    pub code: u16,
    pub reason: &'static str,
}

impl Error {
    pub(crate) fn protocol(reason: &'static str) -> Error {
        Error { code: 1002, reason }
    }

    pub(crate) fn invalid_data(reason: &'static str) -> Error {
        Error { code: 1007, reason }
    }

    pub(crate) fn too_big() -> Error {
        Error {
            code: 1009,
            reason: "message too big",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebSocket error {}: {}", self.code, self.reason)
    }
}

impl std::error::Error for Error {}

/// Something that cannot be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// This side already sent its close, or the connection failed.
    Closed,
    /// A ping, pong or close payload over 125 bytes.
    ControlTooLong,
    /// A close code an endpoint may not send (or a reason without a code).
    InvalidCloseCode(u16),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Closed => f.write_str("the WebSocket is closed"),
            SendError::ControlTooLong => f.write_str("control frame payload over 125 bytes"),
            SendError::InvalidCloseCode(code) => write!(f, "close code {code} cannot be sent"),
        }
    }
}

impl std::error::Error for SendError {}

/// A handshake that failed; servers answer `status()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandshakeError {
    /// The server answered with this status instead of 101.
    Status(u16),
    /// `Upgrade: websocket` or `Connection: upgrade` is missing.
    NotUpgraded,
    /// The server's `Sec-WebSocket-Accept` does not match the key.
    AcceptKey,
    /// A subprotocol that was not offered, or several.
    Protocol,
    /// An extension that was not offered or has bad parameters.
    Extension(String),
    /// The request's method is not GET.
    Method,
    /// `Sec-WebSocket-Version` is not 13.
    Version,
    /// `Sec-WebSocket-Key` is missing, repeated or not 16 bytes in base64.
    Key,
    /// A header the handshake writes itself was given.
    ReservedHeader(String),
    Request(crate::http::RequestError),
}

impl HandshakeError {
    /// The status a server answers a refused upgrade request with (426
    /// with `Sec-WebSocket-Version: 13` for a version it does not speak).
    pub fn status(&self) -> u16 {
        match self {
            HandshakeError::Version => 426,
            HandshakeError::Method => 405,
            _ => 400,
        }
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::Status(s) => write!(f, "unexpected server response: {s}"),
            HandshakeError::NotUpgraded => f.write_str("the response did not upgrade to websocket"),
            HandshakeError::AcceptKey => f.write_str("invalid Sec-WebSocket-Accept header"),
            HandshakeError::Protocol => f.write_str("server sent a subprotocol that was not requested"),
            HandshakeError::Extension(e) => write!(f, "invalid Sec-WebSocket-Extensions header ({e})"),
            HandshakeError::Method => f.write_str("a WebSocket upgrade must be a GET"),
            HandshakeError::Version => f.write_str("unsupported Sec-WebSocket-Version (13 only)"),
            HandshakeError::Key => f.write_str("missing or invalid Sec-WebSocket-Key"),
            HandshakeError::ReservedHeader(h) => write!(f, "header {h:?} is set by the handshake"),
            HandshakeError::Request(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for HandshakeError {}

#[cfg(test)]
mod tests;
