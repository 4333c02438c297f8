//! Howth: run TypeScript HTTP handlers on V8 from one mio event loop.
//!
//! The `howth` binary is a thin CLI over this crate; other Rust programs
//! embed Howth through it.
pub use howth_loop::{run_file, EventLoop, ServeOptions, StopHandle};
pub use howth_runtime::{PlatformOptions, RuntimeError, RuntimeOptions, VERSION};

/// "0.1.0 (V8 10.2.154.26-node.36)"
pub fn version_string() -> &'static str {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| format!("{VERSION} (V8 {})", howth_runtime::v8_version()))
}
