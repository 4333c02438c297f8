//! How code is loaded: TypeScript/JavaScript/JSON compiled with swc
//! ([`compile`]), import specifiers resolved to files ([`resolve`]), and ES
//! module graphs loaded into an isolate with source maps kept for stack
//! traces ([`loader`]).

pub mod cjs_analysis;
pub mod cjs_ops;
pub mod code_cache;
pub mod compile;
pub mod facade;
pub mod format;
pub mod loader;
pub mod npm_resolve;
pub mod package;
pub mod package_cache;
pub mod resolve;
pub mod snapshot;
pub mod ts_lib_files;
pub mod tsconfig_paths;

pub use compile::{compile, CompileError, Compiled, SourceKind, SourceMap};
pub use loader::{builtin_module, ts_lib, LoadError, ModuleLoader, TS_LIB};
pub use resolve::{path_to_file_url, resolve, ResolveError};
