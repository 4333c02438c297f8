//! Errors: the server's ErrorResponse / NoticeResponse fields, and why a
//! query or a connection failed.

use std::fmt;

use fallible_iterator::FallibleIterator;
use postgres_protocol::message::backend::ErrorFields;

/// An ErrorResponse or NoticeResponse, field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerError {
    /// `ERROR`, `FATAL`, `PANIC` (errors); `WARNING`, `NOTICE`, ... (notices).
    /// The untranslated form when the server sends it.
    pub severity: String,
    /// The SQLSTATE, such as `23505` (unique_violation).
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// 1-based character offset into the query text.
    pub position: Option<u32>,
    pub where_: Option<String>,
    pub schema: Option<String>,
    pub table: Option<String>,
    pub column: Option<String>,
    pub data_type: Option<String>,
    pub constraint: Option<String>,
}

impl ServerError {
    pub(crate) fn from_fields(mut fields: ErrorFields<'_>) -> std::io::Result<ServerError> {
        let mut e = ServerError::default();
        let mut localized_severity = None;
        while let Some(field) = fields.next()? {
            let value = || String::from_utf8_lossy(field.value_bytes()).into_owned();
            match field.type_() {
                b'S' => localized_severity = Some(value()),
                b'V' => e.severity = value(),
                b'C' => e.code = value(),
                b'M' => e.message = value(),
                b'D' => e.detail = Some(value()),
                b'H' => e.hint = Some(value()),
                b'P' => e.position = value().parse().ok(),
                b'W' => e.where_ = Some(value()),
                b's' => e.schema = Some(value()),
                b't' => e.table = Some(value()),
                b'c' => e.column = Some(value()),
                b'd' => e.data_type = Some(value()),
                b'n' => e.constraint = Some(value()),
                _ => {}
            }
        }
        if e.severity.is_empty() {
            e.severity = localized_severity.unwrap_or_default();
        }
        Ok(e)
    }

    /// FATAL and PANIC end the session: the server closes the connection.
    pub fn is_fatal(&self) -> bool {
        matches!(&self.severity[..], "FATAL" | "PANIC")
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (SQLSTATE {})", self.severity, self.message, self.code)?;
        if let Some(detail) = &self.detail {
            write!(f, "; {detail}")?;
        }
        Ok(())
    }
}

/// Why a query or the connection failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The server refused: a bad query, a constraint, a wrong password.
    /// (Boxed: it is large, and results pass through every event.)
    Server(Box<ServerError>),
    /// The server asked for an authentication method this client does not
    /// speak, or the password is missing, or SCRAM verification failed.
    Auth(String),
    /// The server broke the protocol; the connection is unusable.
    Protocol(String),
    /// The connection ended before the result arrived.
    Closed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Server(e) => write!(f, "postgres: {e}"),
            Error::Auth(why) => write!(f, "postgres: authentication failed: {why}"),
            Error::Protocol(why) => write!(f, "postgres: protocol error: {why}"),
            Error::Closed => f.write_str("postgres: connection closed"),
        }
    }
}

impl std::error::Error for Error {}
