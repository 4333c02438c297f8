//! V8 code cache for the modules of `node_modules`, kept on disk between
//! runs, so a second start does not compile a large dependency graph again.
//!
//! One file per module in `$HOWTH_CACHE_DIR/packages/` (see code_cache.rs
//! for the directory), named by a hash of the module's path and source and
//! of this binary, V8 and its flags: an edited file or a new binary never
//! reads an old entry, and V8 checks again and rejects a mismatch. Entries
//! are written after the entry module ran, so they hold the functions that
//! ran, not only the top level. `HOWTH_CODE_CACHE=0` turns it off.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use howth_engine::{ModuleId, Modules};

use super::code_cache::{cache_dir, write_atomically};

pub struct PackageCache {
    dir: PathBuf,
    /// Hash of the binary, V8 version and flags.
    key: u64,
    /// Modules compiled without an accepted cache, and their entry files.
    missing: Vec<(ModuleId, PathBuf)>,
}

impl PackageCache {
    /// None when caching is off or there is nowhere to keep it.
    pub fn open(v8_version: &str, v8_flags: &str) -> Option<PackageCache> {
        if std::env::var_os("HOWTH_CODE_CACHE").is_some_and(|v| v == "0") {
            return None;
        }
        let mut h = std::hash::DefaultHasher::new();
        (crate::VERSION, v8_version, v8_flags).hash(&mut h);
        Some(PackageCache {
            dir: cache_dir()?.join("packages"),
            key: h.finish(),
            missing: Vec::new(),
        })
    }

    fn file(&self, name: &str, source: &str) -> PathBuf {
        let mut h = std::hash::DefaultHasher::new();
        (self.key, name, source).hash(&mut h);
        self.dir.join(format!("{:016x}.v8cache", h.finish()))
    }

    /// The cache for this module's source, if an earlier run wrote one.
    pub fn get(&self, name: &str, source: &str) -> Option<Vec<u8>> {
        std::fs::read(self.file(name, source)).ok()
    }

    /// Records a module that compiled without a cache, to save it later.
    pub fn note_missing(&mut self, id: ModuleId, name: &str, source: &str) {
        let file = self.file(name, source);
        self.missing.push((id, file));
    }

    /// Writes the entries noted missing; failures are ignored (a cache is
    /// an optimisation, never a requirement).
    pub fn save(&mut self, m: &mut Modules<'_>) {
        for (id, file) in std::mem::take(&mut self.missing) {
            let data = m.code_cache(id);
            if !data.is_empty() {
                write_atomically(&file, &data);
            }
        }
    }
}
