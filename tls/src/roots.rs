//! The certificate authorities a client trusts.
//!
//! By default, as Node, Bun and Deno: Mozilla's roots (the `webpki-roots`
//! crate, compiled in, so a machine without a CA bundle still verifies),
//! the system store (`rustls-native-certs`: /etc/ssl/certs, honouring
//! `SSL_CERT_FILE`/`SSL_CERT_DIR`), and the PEM file named by
//! `NODE_EXTRA_CA_CERTS`. A `ca` option replaces all of them, as Node's
//! `ca` does.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::RootCertStore;

use crate::error::ConfigError;
use crate::pem;

/// The environment variable Node, Bun and Deno read for extra trusted CAs.
pub const NODE_EXTRA_CA_CERTS: &str = "NODE_EXTRA_CA_CERTS";

/// A set of trusted roots, cheap to clone.
#[derive(Clone, Debug)]
pub struct TrustAnchors {
    store: Arc<RootCertStore>,
}

impl TrustAnchors {
    /// Mozilla's roots, the system store and `extra_ca_file` (the value of
    /// `NODE_EXTRA_CA_CERTS`). A file that cannot be read, or holds no
    /// certificate, is an error naming it; system certificates that do not
    /// parse are skipped (a distribution bundle often has a few).
    pub fn defaults(extra_ca_file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut store = RootCertStore::empty();
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        store.add_parsable_certificates(system_roots().iter().cloned());
        if let Some(path) = extra_ca_file {
            let bad = |cause: String| ConfigError::ExtraCaCerts {
                path: path.to_path_buf(),
                cause,
            };
            let text = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
            let certs =
                pem::certificates_in(&text, &path.display().to_string()).map_err(|e| bad(e.to_string()))?;
            if certs.is_empty() {
                return Err(bad("no PEM certificate in the file".to_string()));
            }
            for cert in certs {
                store.add(cert).map_err(|e| bad(e.to_string()))?;
            }
        }
        Ok(TrustAnchors {
            store: Arc::new(store),
        })
    }

    /// The defaults, with `NODE_EXTRA_CA_CERTS` read from the environment.
    /// An empty value counts as unset, as in Node.
    pub fn from_env() -> Result<Self, ConfigError> {
        let extra = std::env::var_os(NODE_EXTRA_CA_CERTS).filter(|v| !v.is_empty());
        TrustAnchors::defaults(extra.as_deref().map(Path::new))
    }

    /// Only the certificates in `ca` (Node's and Bun's `ca` option).
    pub fn from_pem(ca: &pem::Pem) -> Result<Self, ConfigError> {
        let mut store = RootCertStore::empty();
        for cert in pem::certificates(ca)? {
            store.add(cert).map_err(|e| ConfigError::BadCa {
                source: ca.describe(),
                cause: e.to_string(),
            })?;
        }
        Ok(TrustAnchors {
            store: Arc::new(store),
        })
    }

    /// How many roots are trusted.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// No root at all: nothing will verify.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    pub(crate) fn store(&self) -> Arc<RootCertStore> {
        self.store.clone()
    }
}

/// The system store, read once per process: it is a directory walk over a
/// few hundred files, too slow to repeat per configuration.
fn system_roots() -> &'static [rustls_pki_types::CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<rustls_pki_types::CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_mozillas_roots() {
        let anchors = TrustAnchors::defaults(None).unwrap();
        assert!(anchors.len() >= webpki_roots::TLS_SERVER_ROOTS.len());
    }

    #[test]
    fn a_bad_extra_ca_file_is_one_clear_error() {
        let err = TrustAnchors::defaults(Some(Path::new("/nonexistent/extra.pem"))).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("NODE_EXTRA_CA_CERTS=/nonexistent/extra.pem: "),
            "{text}"
        );
        assert!(!text.contains('\n'));

        let dir = std::env::temp_dir().join(format!("howth-tls-roots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let not_pem = dir.join("not.pem");
        std::fs::write(&not_pem, "hello\n").unwrap();
        let err = TrustAnchors::defaults(Some(&not_pem)).unwrap_err();
        assert!(
            err.to_string().ends_with("no PEM certificate in the file"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
