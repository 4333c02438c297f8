//! Arbitrary bytes as what a client sent to a TLS server: ClientHellos,
//! alerts, records of every type and length. Nothing may panic, and
//! splitting the input must not change the outcome.

#![no_main]

use std::sync::{Arc, OnceLock};

use howth_tls::{rustls, server_config, Pem, ServerOptions, Session};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn config() -> &'static Arc<rustls::ServerConfig> {
    static CONFIG: OnceLock<Arc<rustls::ServerConfig>> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let cert = Pem::Bytes(include_bytes!("../fuzz-cert.pem").to_vec());
        let key = Pem::Bytes(include_bytes!("../fuzz-key.pem").to_vec());
        server_config(&ServerOptions::single(cert, key)).expect("the fuzz certificate loads")
    })
}

fuzz_target!(|data: &[u8]| {
    common::check(|| Session::server(config()).unwrap(), data);
});
