//! Client configurations: which roots to trust, which ALPN protocols to
//! offer, whether to verify at all, and one session cache shared by every
//! configuration of a [`ClientContext`] so that a second connection to a
//! server resumes the first one's session.

use std::collections::HashMap;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientSessionMemoryCache, Resumption};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::error::ConfigError;
use crate::pem::Pem;
use crate::roots::TrustAnchors;

/// What `fetch(url, { tls })`, `node:tls.connect` and the WebSocket
/// client can ask for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientOptions {
    /// Trust only these CAs instead of the defaults (Node's and Bun's `ca`).
    pub ca: Option<Pem>,
    /// `false` accepts any certificate for any name (Node's
    /// `rejectUnauthorized: false`): for tests and development only.
    /// Handshake signatures are still checked, so the peer must hold the
    /// key of the certificate it shows.
    pub reject_unauthorized: bool,
    /// ALPN protocols to offer, most preferred first.
    pub alpn: Vec<Vec<u8>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            ca: None,
            reject_unauthorized: true,
            alpn: vec![b"http/1.1".to_vec()],
        }
    }
}

/// Sessions remembered for resumption, per context (one per loop). 256
/// servers' tickets is plenty for one process's upstreams.
const SESSION_CACHE_SIZE: usize = 256;

/// Built configurations kept per context; a program uses a handful of
/// option sets, so the cache is cleared rather than evicted when full.
const CONFIG_CACHE_SIZE: usize = 64;

/// Everything the client side of one loop shares: the default roots, read
/// once, the session cache, and the configurations built so far.
pub struct ClientContext {
    provider: Arc<CryptoProvider>,
    default_roots: TrustAnchors,
    sessions: Arc<ClientSessionMemoryCache>,
    configs: HashMap<ClientOptions, Arc<ClientConfig>>,
}

impl ClientContext {
    /// A context that trusts `default_roots` unless the options name a `ca`
    /// (`TrustAnchors::from_env()` for Node's defaults).
    pub fn new(default_roots: TrustAnchors) -> Self {
        ClientContext {
            provider: Arc::new(rustls::crypto::ring::default_provider()),
            default_roots,
            sessions: Arc::new(ClientSessionMemoryCache::new(SESSION_CACHE_SIZE)),
            configs: HashMap::new(),
        }
    }

    /// The configuration for `options`, built the first time and shared
    /// afterwards; every one resumes sessions from the same cache.
    pub fn config(&mut self, options: &ClientOptions) -> Result<Arc<ClientConfig>, ConfigError> {
        if let Some(config) = self.configs.get(options) {
            return Ok(config.clone());
        }
        let config = Arc::new(self.build(options)?);
        if self.configs.len() >= CONFIG_CACHE_SIZE {
            self.configs.clear();
        }
        self.configs.insert(options.clone(), config.clone());
        Ok(config)
    }

    fn build(&self, options: &ClientOptions) -> Result<ClientConfig, ConfigError> {
        let roots = match &options.ca {
            Some(ca) => TrustAnchors::from_pem(ca)?,
            None => self.default_roots.clone(),
        };
        let builder = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| ConfigError::Rustls(e.to_string()))?;
        let mut config = if options.reject_unauthorized {
            builder
                .with_root_certificates(roots.store())
                .with_no_client_auth()
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(self.provider.clone())))
                .with_no_client_auth()
        };
        config.alpn_protocols = options.alpn.clone();
        config.resumption = Resumption::store(self.sessions.clone());
        Ok(config)
    }
}

/// `rejectUnauthorized: false`: any certificate, any name, any date; the
/// handshake signature must still verify against the certificate's key.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
