//! Arbitrary bytes as a server's answer to a client's ClientHello:
//! ServerHellos, certificates, alerts, records of every type and length.
//! Nothing may panic, and splitting the input must not change the outcome.

#![no_main]

use std::sync::{Arc, OnceLock};

use howth_tls::{rustls, ClientContext, ClientOptions, Pem, Session, TrustAnchors};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn config() -> &'static Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let ca = Pem::Bytes(include_bytes!("../fuzz-cert.pem").to_vec());
        let anchors = TrustAnchors::from_pem(&ca).expect("the fuzz certificate loads");
        ClientContext::new(anchors).config(&ClientOptions::default()).expect("client config")
    })
}

fuzz_target!(|data: &[u8]| {
    common::check(|| Session::client(config(), "fuzz.test").unwrap(), data);
});
