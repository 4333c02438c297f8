//! One TLS connection, client or server, as a sans-I/O state machine with
//! the shape of the other codecs: ciphertext read from the socket goes in
//! ([`Session::receive`]), plaintext comes out into the caller's buffer,
//! events come out of [`Session::poll_event`], and ciphertext to send is
//! appended to the caller's buffer by [`Session::write_output`]. Nothing
//! here touches a socket or a clock.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;

use rustls::client::ClientConfig;
use rustls::server::ServerConfig;
use rustls::{ClientConnection, Connection, HandshakeKind, ProtocolVersion, ServerConnection};
use rustls_pki_types::ServerName;

use crate::error::{TlsError, TlsErrorKind};

/// What happened on the session, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The handshake finished; application data can flow both ways.
    Handshake(HandshakeInfo),
    /// The peer sent `close_notify`: it will send nothing more. (The
    /// session may still send, then [`Session::close`] itself.)
    PeerClosed,
}

/// What the handshake agreed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeInfo {
    /// The ALPN protocol both sides chose, if either offered any.
    pub alpn: Option<Vec<u8>>,
    /// A resumed session (no certificate exchange).
    pub resumed: bool,
    /// `"TLSv1.3"` or `"TLSv1.2"`, as Node's `getProtocol()` says it.
    pub protocol: &'static str,
    /// On a server: the name the client asked for (SNI).
    pub server_name: Option<String>,
}

/// One TLS connection.
pub struct Session {
    conn: Connection,
    events: VecDeque<Event>,
    handshake_reported: bool,
    peer_closed: bool,
    failed: bool,
}

impl Session {
    /// The client side of a connection to `server_name` (a DNS name, sent
    /// as SNI and checked against the certificate, or an IP address,
    /// checked against the certificate's IP names and not sent).
    pub fn client(config: &Arc<ClientConfig>, server_name: &str) -> Result<Session, TlsError> {
        let name = ServerName::try_from(server_name.to_string()).map_err(|_| {
            TlsError::new(
                TlsErrorKind::InvalidServerName,
                format!("TLS: {server_name:?} is not a valid host name or IP address"),
            )
        })?;
        let conn = ClientConnection::new(config.clone(), name)?;
        Ok(Session::new(Connection::Client(conn)))
    }

    /// The server side of an accepted connection.
    pub fn server(config: &Arc<ServerConfig>) -> Result<Session, TlsError> {
        let conn = ServerConnection::new(config.clone())?;
        Ok(Session::new(Connection::Server(conn)))
    }

    fn new(mut conn: Connection) -> Session {
        // Plaintext is drained into the caller's buffer after every record
        // and outgoing records into the caller's output, so rustls's own
        // limits would only stop `send` before the handshake; the driver
        // owns backpressure (it stops calling `send` while its output
        // buffer is full).
        conn.set_buffer_limit(None);
        Session {
            conn,
            events: VecDeque::new(),
            handshake_reported: false,
            peer_closed: false,
            failed: false,
        }
    }

    /// Feeds ciphertext read from the socket and appends the plaintext it
    /// carried to `plaintext`. All of `input` is used, except what follows
    /// the peer's `close_notify` (ignored, as TLS requires). On an error
    /// the session has queued an alert: write the output, then close the
    /// socket.
    pub fn receive(&mut self, mut input: &[u8], plaintext: &mut Vec<u8>) -> Result<(), TlsError> {
        if self.failed {
            return Err(TlsError::new(
                TlsErrorKind::Other,
                "TLS: the session already failed",
            ));
        }
        while !input.is_empty() {
            // `&[u8]` reads from the front and advances; read_tls takes at
            // most one buffer's worth, so loop until everything is in.
            let read = match self.conn.read_tls(&mut input) {
                Ok(0) => break, // close_notify seen: nothing more is read
                Ok(n) => n,
                Err(e) => return Err(self.fail(TlsError::new(TlsErrorKind::Other, format!("TLS: {e}")))),
            };
            debug_assert!(read > 0);
            self.process(plaintext)?;
        }
        Ok(())
    }

    /// The socket reached end of file. Fine after the peer's
    /// `close_notify`; otherwise the stream may have been cut short, which
    /// is an error ([`TlsErrorKind::UnexpectedEof`]).
    pub fn eof(&mut self) -> Result<(), TlsError> {
        if self.peer_closed {
            return Ok(());
        }
        Err(self.fail(TlsError::new(
            TlsErrorKind::UnexpectedEof,
            if self.conn.is_handshaking() {
                "TLS: the connection closed during the handshake"
            } else {
                "TLS: the connection closed without close_notify (data may be truncated)"
            },
        )))
    }

    fn process(&mut self, plaintext: &mut Vec<u8>) -> Result<(), TlsError> {
        let state = match self.conn.process_new_packets() {
            Ok(state) => state,
            Err(e) => return Err(self.fail(e.into())),
        };
        if state.plaintext_bytes_to_read() > 0 {
            let start = plaintext.len();
            plaintext.resize(start + state.plaintext_bytes_to_read(), 0);
            // Exactly that many bytes are buffered, so one read fills them.
            let got = self.conn.reader().read(&mut plaintext[start..]).unwrap_or(0);
            plaintext.truncate(start + got);
        }
        if !self.handshake_reported && !self.conn.is_handshaking() {
            self.handshake_reported = true;
            self.events.push_back(Event::Handshake(self.handshake_info()));
        }
        if state.peer_has_closed() && !self.peer_closed {
            self.peer_closed = true;
            self.events.push_back(Event::PeerClosed);
        }
        Ok(())
    }

    fn handshake_info(&self) -> HandshakeInfo {
        HandshakeInfo {
            alpn: self.conn.alpn_protocol().map(<[u8]>::to_vec),
            resumed: self.conn.handshake_kind() == Some(HandshakeKind::Resumed),
            protocol: match self.conn.protocol_version() {
                Some(ProtocolVersion::TLSv1_3) => "TLSv1.3",
                Some(ProtocolVersion::TLSv1_2) => "TLSv1.2",
                _ => "unknown",
            },
            server_name: match &self.conn {
                Connection::Server(server) => server.server_name().map(str::to_string),
                Connection::Client(_) => None,
            },
        }
    }

    fn fail(&mut self, err: TlsError) -> TlsError {
        self.failed = true;
        err
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Queues application data. Before the handshake ends it waits inside
    /// the session (TLS 1.3 early data is not used); after, it is encrypted
    /// at once. Either way [`write_output`](Self::write_output) hands it over.
    pub fn send(&mut self, data: &[u8]) -> Result<(), TlsError> {
        use std::io::Write;
        if self.failed {
            return Err(TlsError::new(
                TlsErrorKind::Other,
                "TLS: the session already failed",
            ));
        }
        // With no buffer limit the writer takes everything.
        self.conn
            .writer()
            .write_all(data)
            .map_err(|e| TlsError::new(TlsErrorKind::Other, format!("TLS: {e}")))
    }

    /// Queues `close_notify`: this side sends nothing more.
    pub fn close(&mut self) {
        self.conn.send_close_notify();
    }

    /// Appends every record waiting to be sent (handshake messages,
    /// application data, alerts) to `out`. Returns how many bytes.
    pub fn write_output(&mut self, out: &mut Vec<u8>) -> usize {
        let start = out.len();
        while self.conn.wants_write() {
            // Writing into a Vec cannot fail.
            if self.conn.write_tls(out).unwrap_or(0) == 0 {
                break;
            }
        }
        out.len() - start
    }

    /// Records are waiting for [`write_output`](Self::write_output).
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// Still handshaking.
    pub fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// The peer sent `close_notify`.
    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// The certificates the peer presented (leaf first), once known.
    pub fn peer_certificates(&self) -> Option<&[rustls_pki_types::CertificateDer<'static>]> {
        self.conn.peer_certificates()
    }
}
