//! Server configurations in the shape of Bun's `tls` serve option: one
//! certificate and key, or several chosen by the name the client asks for
//! (SNI), `[{ serverName, cert, key }, ...]`.

use std::collections::HashMap;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;

use crate::error::ConfigError;
use crate::pem::{self, Pem};

/// One certificate chain and its key, for `server_name` (`None`: any name
/// no other entry claims).
#[derive(Clone, Debug)]
pub struct ServerCertificate {
    /// The leaf first, then its intermediates.
    pub cert: Pem,
    pub key: Pem,
    /// An exact host name (`api.example.com`) or a wildcard for one label
    /// (`*.example.com`); compared without regard to case.
    pub server_name: Option<String>,
}

/// What `Howth.serve({ tls })` can ask for.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// The first entry without a `server_name` (or else the first entry)
    /// answers clients that send no SNI or a name nobody claims.
    pub certificates: Vec<ServerCertificate>,
    /// ALPN protocols accepted, most preferred first. A client that offers
    /// ALPN but none of these is refused; one that offers none is served.
    pub alpn: Vec<Vec<u8>>,
    /// Stateless TLS 1.3/1.2 session tickets (rotating keys, ring's
    /// ticketer) besides the in-memory session cache.
    pub session_tickets: bool,
}

impl ServerOptions {
    /// One certificate for every name, ALPN `http/1.1`, tickets on.
    pub fn single(cert: Pem, key: Pem) -> Self {
        ServerOptions {
            certificates: vec![ServerCertificate {
                cert,
                key,
                server_name: None,
            }],
            alpn: vec![b"http/1.1".to_vec()],
            session_tickets: true,
        }
    }
}

/// Builds the configuration: every certificate parsed, every key loaded
/// and checked against its certificate.
pub fn server_config(options: &ServerOptions) -> Result<Arc<ServerConfig>, ConfigError> {
    if options.certificates.is_empty() {
        return Err(ConfigError::NoServerCertificate);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut resolver = SniResolver::default();
    for entry in &options.certificates {
        let key = certified_key(entry, &provider)?;
        resolver.add(entry.server_name.as_deref(), key);
    }
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Rustls(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = options.alpn.clone();
    if options.session_tickets {
        config.ticketer =
            rustls::crypto::ring::Ticketer::new().map_err(|e| ConfigError::Rustls(e.to_string()))?;
    }
    Ok(Arc::new(config))
}

fn certified_key(
    entry: &ServerCertificate,
    provider: &CryptoProvider,
) -> Result<Arc<CertifiedKey>, ConfigError> {
    let chain = pem::certificates(&entry.cert)?;
    let key_der = pem::private_key(&entry.key)?;
    let key = provider
        .key_provider
        .load_private_key(key_der)
        .map_err(|e| ConfigError::UnsupportedKey {
            source: entry.key.describe(),
            cause: e.to_string(),
        })?;
    let certified = CertifiedKey::new(chain, key);
    match certified.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
            Ok(Arc::new(certified))
        }
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            Err(ConfigError::KeyMismatch {
                cert: entry.cert.describe(),
                key: entry.key.describe(),
            })
        }
        Err(other) => Err(ConfigError::BadPem {
            source: entry.cert.describe(),
            cause: other.to_string(),
        }),
    }
}

/// Picks a certificate by the client's SNI: exact names first, then a
/// wildcard for the first label, then the default.
#[derive(Debug, Default)]
struct SniResolver {
    exact: HashMap<String, Arc<CertifiedKey>>,
    /// Keyed by the part after `*.`.
    wildcard: HashMap<String, Arc<CertifiedKey>>,
    default: Option<Arc<CertifiedKey>>,
    first: Option<Arc<CertifiedKey>>,
}

impl SniResolver {
    fn add(&mut self, name: Option<&str>, key: Arc<CertifiedKey>) {
        self.first.get_or_insert_with(|| key.clone());
        match name.map(str::to_ascii_lowercase) {
            None => {
                self.default.get_or_insert(key);
            }
            Some(name) => match name.strip_prefix("*.") {
                Some(parent) => {
                    self.wildcard.entry(parent.to_string()).or_insert(key);
                }
                None => {
                    self.exact.entry(name).or_insert(key);
                }
            },
        }
    }

    fn lookup(&self, name: Option<&str>) -> Option<Arc<CertifiedKey>> {
        if let Some(name) = name {
            // rustls hands over SNI already lower-cased and without a
            // trailing dot.
            if let Some(key) = self.exact.get(name) {
                return Some(key.clone());
            }
            if let Some((_, parent)) = name.split_once('.') {
                if let Some(key) = self.wildcard.get(parent) {
                    return Some(key.clone());
                }
            }
        }
        self.default.clone().or_else(|| self.first.clone())
    }
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.lookup(client_hello.server_name())
    }
}
