//! V8 code cache for ts-lib, kept on disk between runs.
//!
//! Parsing and compiling ts-lib's ~270 KB of JS is most of Howth's startup.
//! V8 can skip that work given a code cache made by the same V8 build, with
//! the same flags, for the same source. The first run of a binary compiles
//! normally and writes the cache after bootstrap (so it also holds the
//! functions bootstrap compiled); later runs load it. The file name carries
//! a hash of everything the cache depends on, so a new binary never reads
//! an old file; V8 checks again and rejects a mismatch, and a rejected or
//! unreadable cache only costs the compile it would have saved.
//!
//! `HOWTH_CODE_CACHE=0` turns it off; `HOWTH_CACHE_DIR` moves it (default
//! `$XDG_CACHE_HOME/howth`, else `~/.cache/howth`).
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

pub struct CodeCache {
    path: PathBuf,
    entries: HashMap<String, Vec<u8>>,
    /// Some module compiled without an accepted cache: write a new file.
    pub stale: bool,
}

/// The file in Howth's cache directory for ts-lib's `kind` (an extension)
/// built by this binary, V8 and flags: the name carries a hash of all of
/// them, so a new binary never reads an old file.
pub(crate) fn cache_file(
    kind: &str,
    sources: &[(&str, &str)],
    v8_version: &str,
    v8_flags: &str,
) -> Option<PathBuf> {
    let mut h = std::hash::DefaultHasher::new();
    (crate::VERSION, v8_version, v8_flags).hash(&mut h);
    for (name, code) in sources {
        (name, code).hash(&mut h);
    }
    Some(cache_dir()?.join(format!("ts-lib-{:016x}.{kind}", h.finish())))
}

/// Writes `bytes` to `path` atomically (temp file + rename); false on any
/// failure. Caches are an optimisation, never a requirement.
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> bool {
    let Some(dir) = path.parent() else { return false };
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_ok() {
        return true;
    }
    let _ = std::fs::remove_file(&tmp);
    false
}

pub(crate) fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HOWTH_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("howth"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/howth"))
}

impl CodeCache {
    /// Opens the cache for this build of ts-lib, V8 and flags; None when
    /// caching is off or there is nowhere to keep it.
    pub fn open(sources: &[(&str, &str)], v8_version: &str, v8_flags: &str) -> Option<CodeCache> {
        if std::env::var_os("HOWTH_CODE_CACHE").is_some_and(|v| v == "0") {
            return None;
        }
        let path = cache_file("v8cache", sources, v8_version, v8_flags)?;
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|b| decode(&b))
            .unwrap_or_default();
        let stale = entries.is_empty();
        Some(CodeCache { path, entries, stale })
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.entries.get(name).map(Vec::as_slice)
    }

    /// Writes the caches atomically (temp file + rename); failures are
    /// ignored: the cache is an optimisation, never a requirement.
    pub fn save(&mut self, entries: Vec<(String, Vec<u8>)>) {
        let mut bytes = Vec::new();
        for (name, data) in &entries {
            bytes.extend_from_slice(&(name.len() as u32).to_le_bytes());
            bytes.extend_from_slice(name.as_bytes());
            bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
            bytes.extend_from_slice(data);
        }
        if !write_atomically(&self.path, &bytes) {
            return;
        }
        self.entries = entries.into_iter().collect();
        self.stale = false;
    }
}

fn decode(mut b: &[u8]) -> Option<HashMap<String, Vec<u8>>> {
    fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if b.len() < n {
            return None;
        }
        let (head, rest) = b.split_at(n);
        *b = rest;
        Some(head)
    }
    fn len(b: &mut &[u8]) -> Option<usize> {
        let raw = take(b, 4)?;
        Some(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize)
    }
    let mut out = HashMap::new();
    while !b.is_empty() {
        let n = len(&mut b)?;
        let name = String::from_utf8(take(&mut b, n)?.to_vec()).ok()?;
        let n = len(&mut b)?;
        out.insert(name, take(&mut b, n)?.to_vec());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_truncated_files() {
        let dir = std::env::temp_dir().join(format!("howth-cc-{}", std::process::id()));
        let mut c = CodeCache {
            path: dir.join("x.v8cache"),
            entries: HashMap::new(),
            stale: true,
        };
        c.save(vec![("a".into(), vec![1, 2, 3]), ("bb".into(), vec![])]);
        let bytes = std::fs::read(dir.join("x.v8cache")).unwrap();
        let back = decode(&bytes).unwrap();
        assert_eq!(back["a"], [1, 2, 3]);
        assert!(back["bb"].is_empty());
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        assert!(decode(&bytes[..5]).is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
