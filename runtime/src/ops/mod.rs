//! Native functions exposed to ts-lib (see ts-lib/ops.d.ts for the contract).
pub mod async_context;
pub mod child;
pub mod core;
pub mod crypto;
pub mod encoding;
pub mod fs;
pub mod host;
pub mod node_buffer;
pub mod node_process;
pub mod node_url;
pub mod os;
pub mod postgres;
pub mod redis;
pub mod router;
pub mod strings_out;
pub mod timers;
pub mod url;
pub mod urlpattern;
pub mod zlib;

use howth_engine::Isolate;

/// Registers the web-platform ops that need no runtime state (url,
/// encoding); crypto's keep their key table in the runtime's state and are
/// registered with it (`crypto::register`).
pub fn register_web<S: 'static>(iso: &mut Isolate<S>) {
    url::register(iso);
    encoding::register(iso);
    urlpattern::register(iso);
    node_url::register(iso);
}
