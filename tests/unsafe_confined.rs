//! `unsafe` lives only in runtime/engine/ (the V8 binding). Every other
//! crate root forbids it, so a new `unsafe` block elsewhere fails to
//! compile; this test makes sure the attribute itself is not dropped and
//! that a new workspace crate gets one too.

use std::fs;
use std::path::{Path, PathBuf};

/// The one crate allowed to use `unsafe`: it wraps V8's C++ API.
const ENGINE: &str = "runtime/engine";

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Workspace members as listed in the root Cargo.toml.
fn members(root: &Path) -> Vec<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("read Cargo.toml");
    let start = manifest.find("members = [").expect("workspace members list");
    let rest = &manifest[start + "members = [".len()..];
    let end = rest.find(']').expect("end of members list");
    rest[..end]
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

/// The library and binary roots a member has (src/lib.rs, src/main.rs).
fn crate_roots(root: &Path, member: &str) -> Vec<PathBuf> {
    ["src/lib.rs", "src/main.rs"]
        .iter()
        .map(|r| root.join(member).join(r))
        .filter(|p| p.is_file())
        .collect()
}

#[test]
fn every_crate_but_the_engine_forbids_unsafe() {
    let root = workspace_root();
    let members = members(&root);
    assert!(
        members.len() >= 5,
        "expected the workspace's crates, got {members:?}"
    );
    let mut checked = 0;
    let mut missing = Vec::new();
    for member in members.iter().filter(|m| m.as_str() != ENGINE) {
        let roots = crate_roots(&root, member);
        assert!(!roots.is_empty(), "{member} has no src/lib.rs or src/main.rs");
        for path in roots {
            let text = fs::read_to_string(&path).expect("read crate root");
            let forbids = text.lines().any(|l| l.trim() == "#![forbid(unsafe_code)]");
            if !forbids {
                missing.push(path.display().to_string());
            }
            checked += 1;
        }
    }
    assert!(
        missing.is_empty(),
        "crate roots without #![forbid(unsafe_code)]: {missing:?}"
    );
    assert!(checked >= 5, "checked only {checked} crate roots");
}

#[test]
fn the_engine_is_in_the_workspace() {
    // If the engine moved, ENGINE above would silently exempt nothing.
    let root = workspace_root();
    assert!(members(&root).iter().any(|m| m == ENGINE));
}
