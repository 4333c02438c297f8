//! Errors: [`TlsError`] for a session that failed, [`ConfigError`] for
//! certificates, keys and root stores that could not be loaded.
//!
//! Both print as one line that names the cause. A session error also has a
//! [`TlsErrorKind`] (what a program branches on) and Node's `code` for the
//! same failure (what `fetch()`'s `cause.code` and `node:tls` report).

use std::fmt;
use std::path::PathBuf;

use rustls::{AlertDescription, CertificateError};

/// What went wrong in a TLS session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsErrorKind {
    /// The peer's certificate does not name the host that was asked for.
    HostnameMismatch,
    /// The peer's certificate chain does not end at a trusted root.
    UnknownIssuer,
    /// The peer's certificate (or one in its chain) has expired.
    Expired,
    /// The peer's certificate is not valid yet.
    NotYetValid,
    /// The peer's certificate was revoked.
    Revoked,
    /// Any other certificate problem (bad encoding, bad signature, wrong
    /// purpose, unsupported algorithm).
    BadCertificate,
    /// The peer sent a fatal alert (it refused our certificate, found no
    /// common protocol version, cipher suite or ALPN protocol, ...).
    AlertReceived,
    /// No common ALPN protocol (the server refuses the client's list).
    NoApplicationProtocol,
    /// The peer sent bytes that are not TLS, or broke the protocol.
    Protocol,
    /// The connection ended without a `close_notify`, so the data may have
    /// been cut short by an attacker.
    UnexpectedEof,
    /// The name to connect to is neither a DNS name nor an IP address.
    InvalidServerName,
    /// Anything else rustls reports.
    Other,
}

/// A failed TLS session: [`kind`](Self::kind), Node's [`code`](Self::code)
/// and a one-line message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsError {
    kind: TlsErrorKind,
    message: String,
}

impl TlsError {
    pub(crate) fn new(kind: TlsErrorKind, message: impl Into<String>) -> Self {
        TlsError {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> TlsErrorKind {
        self.kind
    }

    /// The code Node gives the same failure (`err.code` in `node:tls`,
    /// `cause.code` of a failed `fetch()`).
    pub fn code(&self) -> &'static str {
        match self.kind {
            TlsErrorKind::HostnameMismatch => "ERR_TLS_CERT_ALTNAME_INVALID",
            // Node distinguishes self-signed leaves and chains; rustls only
            // knows the chain did not reach a trusted root.
            TlsErrorKind::UnknownIssuer => "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            TlsErrorKind::Expired => "CERT_HAS_EXPIRED",
            TlsErrorKind::NotYetValid => "CERT_NOT_YET_VALID",
            TlsErrorKind::Revoked => "CERT_REVOKED",
            TlsErrorKind::BadCertificate => "ERR_TLS_BAD_CERTIFICATE",
            TlsErrorKind::AlertReceived => "ERR_SSL_TLSV1_ALERT",
            TlsErrorKind::NoApplicationProtocol => "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
            TlsErrorKind::Protocol => "ERR_SSL_WRONG_VERSION_NUMBER",
            TlsErrorKind::UnexpectedEof => "ECONNRESET",
            TlsErrorKind::InvalidServerName => "ERR_INVALID_ARG_VALUE",
            TlsErrorKind::Other => "ERR_TLS_HANDSHAKE",
        }
    }

    /// A certificate problem (the peer is not who it claims to be, or
    /// cannot prove it), as opposed to a broken connection.
    pub fn is_certificate_error(&self) -> bool {
        matches!(
            self.kind,
            TlsErrorKind::HostnameMismatch
                | TlsErrorKind::UnknownIssuer
                | TlsErrorKind::Expired
                | TlsErrorKind::NotYetValid
                | TlsErrorKind::Revoked
                | TlsErrorKind::BadCertificate
        )
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TlsError {}

impl From<rustls::Error> for TlsError {
    fn from(err: rustls::Error) -> Self {
        use TlsErrorKind as K;
        match &err {
            rustls::Error::InvalidCertificate(cert) => {
                let (kind, what) = match cert {
                    CertificateError::NotValidForName => (
                        K::HostnameMismatch,
                        "certificate is not valid for the host name".to_string(),
                    ),
                    CertificateError::NotValidForNameContext { expected, presented } => (
                        K::HostnameMismatch,
                        format!(
                            "certificate is not valid for {:?}; it names {}",
                            expected.to_str(),
                            if presented.is_empty() {
                                "no host".to_string()
                            } else {
                                presented
                                    .iter()
                                    .map(|p| bare_name(p))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        ),
                    ),
                    CertificateError::UnknownIssuer => (
                        K::UnknownIssuer,
                        "certificate is signed by an unknown authority".to_string(),
                    ),
                    CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                        (K::Expired, "certificate has expired".to_string())
                    }
                    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                        (K::NotYetValid, "certificate is not valid yet".to_string())
                    }
                    CertificateError::Revoked => (K::Revoked, "certificate was revoked".to_string()),
                    other => (K::BadCertificate, format!("bad certificate: {other:?}")),
                };
                TlsError::new(kind, format!("TLS: {what}"))
            }
            rustls::Error::NoApplicationProtocol => TlsError::new(
                K::NoApplicationProtocol,
                "TLS: no ALPN protocol in common with the peer",
            ),
            rustls::Error::AlertReceived(AlertDescription::NoApplicationProtocol) => TlsError::new(
                K::NoApplicationProtocol,
                "TLS: the peer accepts none of our ALPN protocols",
            ),
            rustls::Error::AlertReceived(alert) => TlsError::new(
                K::AlertReceived,
                format!("TLS: the peer sent a fatal alert: {alert:?}"),
            ),
            rustls::Error::InvalidMessage(_)
            | rustls::Error::PeerMisbehaved(_)
            | rustls::Error::PeerIncompatible(_)
            | rustls::Error::InappropriateMessage { .. }
            | rustls::Error::InappropriateHandshakeMessage { .. }
            | rustls::Error::DecryptError => TlsError::new(K::Protocol, format!("TLS: {err}")),
            _ => TlsError::new(K::Other, format!("TLS: {err}")),
        }
    }
}

/// A name as rustls presents it (`DnsName("localhost")`,
/// `IpAddress(127.0.0.1)`) as a person writes it (`localhost`).
fn bare_name(presented: &str) -> &str {
    match (presented.find('('), presented.strip_suffix(')')) {
        (Some(open), Some(inner)) => inner[open + 1..].trim_matches('"'),
        _ => presented,
    }
}

/// A certificate, key or root store that could not be loaded. One line,
/// naming the file (when there is one) and the cause.
#[derive(Debug)]
pub enum ConfigError {
    /// A file could not be read.
    Read { path: PathBuf, cause: std::io::Error },
    /// The named input holds no PEM certificate.
    NoCertificate { source: String },
    /// The named input holds no PEM private key.
    NoPrivateKey { source: String },
    /// The private key is encrypted (`ENCRYPTED PRIVATE KEY` or a
    /// `Proc-Type: 4,ENCRYPTED` header).
    EncryptedKey { source: String },
    /// PEM that could not be decoded (bad base64, a missing END line).
    BadPem { source: String, cause: String },
    /// A key of a type the crypto provider cannot sign with.
    UnsupportedKey { source: String, cause: String },
    /// The key does not belong to the certificate.
    KeyMismatch { cert: String, key: String },
    /// `NODE_EXTRA_CA_CERTS` names a file that cannot be used.
    ExtraCaCerts { path: PathBuf, cause: String },
    /// A certificate rustls refused as a trust anchor.
    BadCa { source: String, cause: String },
    /// A server configuration without any certificate.
    NoServerCertificate,
    /// Anything else rustls refused while building a configuration.
    Rustls(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, cause } => write!(f, "cannot read {}: {cause}", path.display()),
            ConfigError::NoCertificate { source } => {
                write!(
                    f,
                    "{source}: no certificate found (expected a PEM \"BEGIN CERTIFICATE\" block)"
                )
            }
            ConfigError::NoPrivateKey { source } => {
                write!(f, "{source}: no private key found (expected a PEM \"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\" or \"BEGIN EC PRIVATE KEY\" block)")
            }
            ConfigError::EncryptedKey { source } => write!(
                f,
                "{source}: the private key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)"
            ),
            ConfigError::BadPem { source, cause } => write!(f, "{source}: bad PEM: {cause}"),
            ConfigError::UnsupportedKey { source, cause } => {
                write!(f, "{source}: unsupported private key (RSA, ECDSA P-256/P-384 and Ed25519 are supported): {cause}")
            }
            ConfigError::KeyMismatch { cert, key } => {
                write!(f, "the private key {key} does not match the certificate {cert}")
            }
            ConfigError::ExtraCaCerts { path, cause } => {
                write!(f, "NODE_EXTRA_CA_CERTS={}: {cause}", path.display())
            }
            ConfigError::BadCa { source, cause } => {
                write!(f, "{source}: not a usable CA certificate: {cause}")
            }
            ConfigError::NoServerCertificate => {
                f.write_str("TLS server needs at least one certificate and key")
            }
            ConfigError::Rustls(cause) => write!(f, "TLS configuration: {cause}"),
        }
    }
}

impl std::error::Error for ConfigError {}
