//! TLS for Howth, client and server, as one sans-I/O module.
//!
//! [`Session`] wraps a rustls connection (the `ring` crypto provider)
//! behind the bytes-in/bytes-out shape of the codecs in `howth-protocols`:
//! the loop reads ciphertext from a socket into [`Session::receive`], gets
//! plaintext and [`Event`]s back, and writes what
//! [`Session::write_output`] appends to its buffer, once per turn. The
//! same session type serves accepted connections ([`server_config`]) and
//! outgoing ones ([`ClientContext`]), so fetch(), WebSocket clients,
//! database drivers and `Howth.serve({ tls })` share one integration.
//!
//! Configuration follows Node and Bun: trusted roots are Mozilla's, the
//! system's and `NODE_EXTRA_CA_CERTS` ([`TrustAnchors`]), or only a `ca`;
//! `rejectUnauthorized: false` exists for development; servers take
//! certificates and keys as PEM text or files, several of them chosen by
//! SNI. See docs/tls.md.

#![forbid(unsafe_code)]

mod client;
mod error;
mod pem;
mod roots;
mod server;
mod session;

pub use client::{ClientContext, ClientOptions};
pub use error::{ConfigError, TlsError, TlsErrorKind};
pub use pem::{certificates, private_key, Pem};
pub use roots::{TrustAnchors, NODE_EXTRA_CA_CERTS};
pub use server::{server_config, ServerCertificate, ServerOptions};
pub use session::{Event, HandshakeInfo, Session};

/// The rustls these sessions are built on, for callers that need its types.
pub use rustls;
