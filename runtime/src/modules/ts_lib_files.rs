//! Which files make up ts-lib and the internal name each gets. Shared by
//! runtime/build.rs (which compiles them into the binary) and by the
//! `HOWTH_TS_LIB_DIR` development override (which compiles them at start).
//!
//! `ts-lib/<stem>.ts` is `howth:internal/<stem>`; a file in a folder keeps
//! its folder: `ts-lib/node/fs.ts` is `howth:internal/node/fs`. Type
//! declarations (`*.d.ts`) describe types only and are skipped.

use std::path::{Path, PathBuf};

/// `(internal name, path)` of every ts-lib module under `dir`, sorted by
/// name so the output is reproducible; none when `dir` does not exist.
pub fn ts_lib_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if path.is_dir() {
            // node_modules and dot-folders are tooling, not ts-lib.
            if !name.starts_with('.') && name != "node_modules" {
                walk(&path, &format!("{prefix}{name}/"), out);
            }
        } else if let Some(stem) = name.strip_suffix(".ts").filter(|_| !name.ends_with(".d.ts")) {
            out.push((format!("howth:internal/{prefix}{stem}"), path));
        }
    }
}
