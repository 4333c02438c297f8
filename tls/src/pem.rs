//! Certificates and private keys from PEM, given as bytes or as a file,
//! with errors that name the input and the cause.

use std::path::PathBuf;

use rustls_pki_types::pem::{PemObject, SectionKind};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::ConfigError;

/// Where PEM text comes from: bytes already in memory (a string in the
/// serve options) or a file read when the configuration is built.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pem {
    Bytes(Vec<u8>),
    File(PathBuf),
}

impl Pem {
    /// How errors name this input: the file's path, or "inline PEM".
    pub fn describe(&self) -> String {
        match self {
            Pem::Bytes(_) => "inline PEM".to_string(),
            Pem::File(path) => path.display().to_string(),
        }
    }

    fn read(&self) -> Result<std::borrow::Cow<'_, [u8]>, ConfigError> {
        match self {
            Pem::Bytes(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Pem::File(path) => {
                std::fs::read(path)
                    .map(std::borrow::Cow::Owned)
                    .map_err(|cause| ConfigError::Read {
                        path: path.clone(),
                        cause,
                    })
            }
        }
    }
}

impl From<&str> for Pem {
    fn from(text: &str) -> Self {
        Pem::Bytes(text.as_bytes().to_vec())
    }
}

/// Every certificate in `pem`, in order (a leaf and its intermediates, or a
/// bundle of CAs). At least one, or [`ConfigError::NoCertificate`].
pub fn certificates(pem: &Pem) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let text = pem.read()?;
    let certs = certificates_in(&text, &pem.describe())?;
    if certs.is_empty() {
        return Err(ConfigError::NoCertificate {
            source: pem.describe(),
        });
    }
    Ok(certs)
}

/// The certificates in PEM text, possibly none.
pub(crate) fn certificates_in(
    text: &[u8],
    source: &str,
) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    CertificateDer::pem_slice_iter(text)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|cause| ConfigError::BadPem {
            source: source.to_string(),
            cause: cause.to_string(),
        })
}

/// The first private key in `pem`: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
/// Encrypted keys are refused by name rather than reported as missing.
pub fn private_key(pem: &Pem) -> Result<PrivateKeyDer<'static>, ConfigError> {
    let text = pem.read()?;
    let source = pem.describe();
    if is_encrypted(&text) {
        return Err(ConfigError::EncryptedKey { source });
    }
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(&text) {
        let (kind, der) = section.map_err(|cause| ConfigError::BadPem {
            source: source.clone(),
            cause: cause.to_string(),
        })?;
        let key = match kind {
            SectionKind::PrivateKey => PrivateKeyDer::Pkcs8(der.into()),
            SectionKind::RsaPrivateKey => PrivateKeyDer::Pkcs1(der.into()),
            SectionKind::EcPrivateKey => PrivateKeyDer::Sec1(der.into()),
            _ => continue,
        };
        return Ok(key);
    }
    Err(ConfigError::NoPrivateKey { source })
}

/// PKCS#8 `ENCRYPTED PRIVATE KEY`, or OpenSSL's legacy encrypted PEM (a
/// `Proc-Type: 4,ENCRYPTED` header inside `RSA/EC PRIVATE KEY`).
fn is_encrypted(text: &[u8]) -> bool {
    let contains = |needle: &[u8]| text.windows(needle.len()).any(|w| w == needle);
    contains(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(b"Proc-Type: 4,ENCRYPTED")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_keys_are_named() {
        let pkcs8 =
            Pem::from("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assert!(matches!(
            private_key(&pkcs8),
            Err(ConfigError::EncryptedKey { .. })
        ));
        let legacy = Pem::from(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n",
        );
        assert!(matches!(
            private_key(&legacy),
            Err(ConfigError::EncryptedKey { .. })
        ));
    }

    #[test]
    fn missing_pieces_are_named() {
        let empty = Pem::from("no pem here\n");
        let err = certificates(&empty).unwrap_err();
        assert!(err.to_string().contains("no certificate found"), "{err}");
        let err = private_key(&empty).unwrap_err();
        assert!(err.to_string().contains("no private key found"), "{err}");
        let missing = Pem::File("/nonexistent/howth-key.pem".into());
        let err = private_key(&missing).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/howth-key.pem"),
            "{err}"
        );
    }

    #[test]
    fn bad_base64_is_an_error_not_an_empty_list() {
        let bad = Pem::from("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assert!(matches!(certificates(&bad), Err(ConfigError::BadPem { .. })));
    }
}
