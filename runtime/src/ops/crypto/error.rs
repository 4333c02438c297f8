//! The one error type of the crypto ops: a Web Crypto DOMException name and
//! a message. It crosses into JS as an Error whose message is
//! "Name: message" (ts-lib/crypto_errors.ts turns it back into a
//! DOMException for crypto.subtle, or a Node error for node:crypto).

use std::fmt;

/// The DOMException names Web Crypto rejects with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name {
    /// Malformed key data or parameters that contradict the key.
    Data,
    /// An algorithm, curve, format or size Howth does not implement.
    NotSupported,
    /// A key used for what it cannot do (wrong type or algorithm).
    InvalidAccess,
    /// The operation itself failed (bad tag, bad padding, bad point).
    Operation,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CryptoError {
    pub name: Name,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, CryptoError>;

impl CryptoError {
    pub fn new(name: Name, message: impl Into<String>) -> CryptoError {
        CryptoError {
            name,
            message: message.into(),
        }
    }
}

pub fn data(message: impl Into<String>) -> CryptoError {
    CryptoError::new(Name::Data, message)
}

pub fn unsupported(message: impl Into<String>) -> CryptoError {
    CryptoError::new(Name::NotSupported, message)
}

pub fn access(message: impl Into<String>) -> CryptoError {
    CryptoError::new(Name::InvalidAccess, message)
}

pub fn operation(message: impl Into<String>) -> CryptoError {
    CryptoError::new(Name::Operation, message)
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.name {
            Name::Data => "DataError",
            Name::NotSupported => "NotSupportedError",
            Name::InvalidAccess => "InvalidAccessError",
            Name::Operation => "OperationError",
        };
        write!(f, "{name}: {}", self.message)
    }
}
