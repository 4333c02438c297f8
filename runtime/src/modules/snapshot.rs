//! A V8 startup snapshot of ts-lib, evaluated, kept on disk between runs.
//!
//! Evaluating ts-lib (compiling ~30 modules, running their top level) was
//! most of what `howth run` spent above loading libnode. A snapshot holds
//! the heap as it stands after that and after ts-lib's `prepare()` defined
//! the globals: an isolate made from it only has to call `bootstrap(ops)`,
//! which connects ts-lib to its ops and reads this process's arguments and
//! environment (none of which may be in a snapshot shared by every run).
//!
//! The first run of a binary makes the snapshot in a throwaway isolate and
//! writes it next to the code cache (same directory, same hashed name, so a
//! new binary, V8 or flag set never reads an old file); every later run and
//! every worker thread loads it. A V8 that cannot snapshot module graphs, a
//! failure to make one or nowhere to keep it means the plain path: compile
//! and evaluate ts-lib in the runtime's own isolate.
//!
//! Isolates made from a snapshot must run with the hash seed it was made
//! with (V8 10.2 cannot rehash a module graph reliably), so when snapshots
//! are on, V8 runs with `--hash-seed` set to a random number drawn once per
//! cache directory ([`snapshot_flags`]): a per-machine secret rather than
//! V8's per-process one, which still keeps the seed out of an attacker's
//! reach (hash flooding needs it).
//!
//! The file name also carries the binary's identity (size, mtime, inode of
//! the executable): the snapshot depends on the shim's list of external
//! references and on how the runtime makes it, not only on ts-lib and V8.
//! Files unused for a week are removed when a new one is written.
//!
//! The snapshot also keeps every ts-lib module it evaluated (the engine
//! hands them back with the ids they had, [`Isolate::snapshot_modules`]),
//! and the file names them, so the runtime's loader knows them: a built-in
//! imported later (`node:fs`) links to the snapshot's instances of the
//! modules it imports (core_ops, streams, ...), one instance per module
//! per isolate, and `instanceof` holds across them.
//!
//! V8 aborts the process on a snapshot it cannot read, so a file is only
//! handed to V8 after its header, length and checksum agree. `HOWTH_SNAPSHOT=0`
//! turns snapshots off.
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use howth_engine::{Hooks, Isolate, IsolateOptions, PlatformOptions, SnapshotBlob, Startup};

use super::code_cache::{cache_dir, cache_file, write_atomically};
use super::loader::{ts_lib, ModuleLoader};

const MAGIC: &[u8; 8] = b"HOWTHSN2";
/// Magic, then (little-endian u64s) the length of V8's blob, the checksum
/// of everything after the header, and the length of the module names;
/// then the names (one a line) padded to eight bytes; then the blob.
const HEADER: usize = 8 + 8 + 8 + 8;

/// A startup snapshot and the internal names of the modules in it, by id.
#[derive(Clone)]
pub struct StartupSnapshot {
    pub blob: Arc<SnapshotBlob>,
    pub modules: Arc<[String]>,
}

/// ts-lib's entry module; its `bootstrap` export is the snapshot's data.
pub const BOOTSTRAP_MODULE: &str = "howth:internal/bootstrap";

fn snapshots_on() -> bool {
    std::env::var_os("HOWTH_SNAPSHOT").is_none_or(|v| v != "0") && howth_engine::snapshots_supported()
}

/// The V8 flags snapshots need, or None when snapshots are off (V8 then
/// picks a hash seed per isolate): the fixed hash seed, read from the cache
/// directory or drawn and written there on first use; and no second
/// checksum of the snapshot by V8, as `read` has checked it already.
pub fn snapshot_flags() -> Option<String> {
    if !snapshots_on() {
        return None;
    }
    let path = cache_dir()?.join("hash-seed");
    let parse = |s: &str| s.trim().parse::<u32>().ok().filter(|&n| n != 0);
    let seed = match std::fs::read_to_string(&path).ok().as_deref().and_then(parse) {
        Some(seed) => seed,
        None => {
            let mut bytes = [0u8; 4];
            getrandom::getrandom(&mut bytes).ok()?;
            // V8 reads 0 as "draw one per isolate".
            let drawn = u32::from_le_bytes(bytes).max(1);
            if !write_atomically(&path, drawn.to_string().as_bytes()) {
                return None;
            }
            // Two first runs racing: the file that won the rename is the seed.
            std::fs::read_to_string(&path).ok().as_deref().and_then(parse)?
        }
    };
    Some(format!("--hash-seed={seed} --no-verify-snapshot-checksum"))
}

/// Changes whenever the executable is rebuilt or replaced.
fn binary_identity() -> String {
    use std::os::unix::fs::MetadataExt;
    let meta = std::env::current_exe().and_then(std::fs::metadata);
    meta.map(|m| format!("exe={}:{}.{}:{}", m.len(), m.mtime(), m.mtime_nsec(), m.ino()))
        .unwrap_or_default()
}

/// The snapshot for this process's V8 flags, which carry what
/// [`snapshot_flags`] returned (call only when it returned some): loaded
/// from the cache, or made and saved on the first call. Worker threads
/// share one copy.
pub fn startup_snapshot(platform: &PlatformOptions, v8_flags: &str) -> Option<StartupSnapshot> {
    // V8's flags are process-wide, so one snapshot serves every isolate.
    static LOADED: Mutex<Option<Option<StartupSnapshot>>> = Mutex::new(None);
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(snapshot) = loaded.as_ref() {
        return snapshot.clone();
    }
    let key = format!("{v8_flags} {}", binary_identity());
    let path = cache_file("v8snapshot", ts_lib(), &howth_engine::v8_version(), &key);
    let snapshot = path
        .as_deref()
        .and_then(read)
        .or_else(|| {
            let (blob, modules) = make(platform)?;
            if let Some(path) = &path {
                write(path, &blob, &modules);
            }
            Some((SnapshotBlob::from_vec(blob), modules))
        })
        .map(|(blob, modules)| StartupSnapshot {
            blob: Arc::new(blob),
            modules: modules.into(),
        });
    *loaded = Some(snapshot.clone());
    snapshot
}

/// Evaluates ts-lib in a fresh isolate and serialises it, with the names of
/// its modules by id. None when ts-lib fails to load (the plain path then
/// reports the error) or V8 refuses.
fn make(platform: &PlatformOptions) -> Option<(Vec<u8>, Vec<String>)> {
    let opts = IsolateOptions {
        heap_limit: 0,
        platform: platform.clone(),
        startup: Startup::ForSnapshot,
    };
    let mut iso = Isolate::new(ModuleLoader::new(), &opts, Hooks::default());
    let (evaluated, ns) = {
        let (mut m, mut loader) = iso.modules_and_state();
        let id = loader.load_internal(&mut m, BOOTSTRAP_MODULE).ok()?;
        drop(loader);
        (m.evaluate(id).ok()?, m.namespace(id))
    };
    iso.run_microtasks();
    if iso.promise_state(&evaluated) != howth_engine::PromiseState::Fulfilled {
        return None;
    }
    let prepare = iso.get(&ns, "prepare")?;
    iso.call(&prepare, &[]).ok()?;
    iso.run_microtasks();
    let bootstrap = iso.get(&ns, "bootstrap")?;
    let modules = iso.state().names_by_id()?;
    drop(prepare);
    // No handle but the snapshot's data may be held while V8 serialises.
    drop((evaluated, ns));
    Some((iso.create_snapshot(bootstrap)?, modules))
}

/// The snapshot in `path`, mapped, and its module names, if the file is
/// whole: header, lengths, checksum. Files are only ever replaced by rename
/// (see `write`), as `SnapshotBlob::map` requires.
fn read(path: &Path) -> Option<(SnapshotBlob, Vec<String>)> {
    let blob = SnapshotBlob::map(&std::fs::File::open(path).ok()?).ok()?;
    let file = blob.bytes();
    if file.len() < HEADER || &file[..8] != MAGIC {
        return None;
    }
    let word = |at: usize| Some(u64::from_le_bytes(file[at..at + 8].try_into().ok()?) as usize);
    let (len, sum, names_len) = (word(8)?, word(16)? as u64, word(24)?);
    let names_end = HEADER.checked_add(names_len)?;
    let blob_start = HEADER.checked_add(padded(names_len))?;
    if file.len() != blob_start.checked_add(len)? || checksum(&file[HEADER..]) != sum {
        return None;
    }
    let names = std::str::from_utf8(&file[HEADER..names_end]).ok()?;
    let names = names.lines().map(str::to_string).collect();
    mark_used(path);
    Some((blob.skip(blob_start), names))
}

/// `n` rounded up to a multiple of eight, so the blob stays aligned.
fn padded(n: usize) -> usize {
    n.div_ceil(8) * 8
}

const UNUSED: Duration = Duration::from_secs(7 * 24 * 3600);

/// Keeps a file's mtime within a day of its last use, so that `prune`
/// only removes files no binary has read for a week.
fn mark_used(path: &Path) {
    let Ok(file) = std::fs::File::options().append(true).open(path) else {
        return;
    };
    let stale = file
        .metadata()
        .and_then(|m| m.modified())
        .map(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(24 * 3600));
    if stale.unwrap_or(false) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Removes ts-lib caches (snapshots and code caches) of other binaries
/// that have not been used for a week.
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(|n| n.starts_with("ts-lib-"));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().unwrap_or_default() > UNUSED);
        if ours && old && path != keep {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn write(path: &Path, blob: &[u8], modules: &[String]) {
    let names = modules.join("\n");
    let mut body = Vec::with_capacity(padded(names.len()) + blob.len());
    body.extend_from_slice(names.as_bytes());
    body.resize(padded(names.len()), 0);
    body.extend_from_slice(blob);
    let mut file = Vec::with_capacity(HEADER + body.len());
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&(blob.len() as u64).to_le_bytes());
    file.extend_from_slice(&checksum(&body).to_le_bytes());
    file.extend_from_slice(&(names.len() as u64).to_le_bytes());
    file.extend_from_slice(&body);
    if write_atomically(path, &file) {
        if let Some(dir) = path.parent() {
            prune(dir, path);
        }
    }
}

/// A fast 64-bit checksum (FNV-style, eight bytes a step): it only has to
/// catch a torn or truncated file, and runs on every start.
fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = (h ^ u64::from_le_bytes(w.try_into().unwrap_or_default())).wrapping_mul(PRIME);
    }
    for &b in words.remainder() {
        h = (h ^ b as u64).wrapping_mul(PRIME);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_wrote_and_rejects_damage() {
        let dir = std::env::temp_dir().join(format!("howth-snap-{}", std::process::id()));
        let path = dir.join("x.v8snapshot");
        let blob: Vec<u8> = (0..10_001u32).map(|i| (i * 7 % 251) as u8).collect();
        let names = vec![
            "howth:internal/a".to_string(),
            "howth:internal/node/b".to_string(),
        ];
        write(&path, &blob, &names);
        let (back, back_names) = read(&path).expect("a whole file");
        assert_eq!(back.bytes(), blob.as_slice());
        assert_eq!(back_names, names);

        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        assert!(read(&path).is_none(), "truncated");
        let mut flipped = whole.clone();
        flipped[HEADER + 5000] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(read(&path).is_none(), "one bit changed");
        let mut magic = whole;
        magic[0] = b'X';
        std::fs::write(&path, &magic).unwrap();
        assert!(read(&path).is_none(), "not a snapshot file");
        let _ = std::fs::remove_dir_all(dir);
    }
}
