//! Web Crypto against Node 20's, the oracle:
//! - tests/crypto/run.mjs: deterministic probes (fixed keys, IVs and
//!   inputs; errors by name) under `node` and `howth run`, outputs
//!   identical line for line;
//! - tests/crypto/cross.mjs: keys, signatures, ciphertexts and shared
//!   secrets made by one runtime are checked by the other, both ways;
//! - tests/crypto/vectors.mjs: published test vectors (RFCs, Wycheproof)
//!   under tests/crypto/vectors/, see PROVENANCE.md there.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/crypto")
        .join(name)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("howth-webcrypto-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `node file` or `howth run file` in `cwd`; its stdout, or a panic
/// with both streams.
fn run(howth: bool, file: &Path, cwd: &Path) -> String {
    let mut cmd = if howth {
        let mut c = Command::new(common::howth());
        c.arg("run");
        c
    } else {
        Command::new("node")
    };
    let out = cmd.arg(file).current_dir(cwd).output().expect("spawn");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} {} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        if howth { "howth" } else { "node" },
        file.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Runs `file` under node and howth and asserts the same stdout, line by
/// line (at least `min_lines` of it).
fn assert_probe_matches_node(file: &str, tmp: &str, min_lines: usize, label: &str) {
    let dir = temp_dir(tmp);
    let node = run(false, &script(file), &dir);
    let howth = run(true, &script(file), &dir);
    let (n, h): (Vec<&str>, Vec<&str>) = (node.lines().collect(), howth.lines().collect());
    assert!(n.len() > min_lines, "node printed only {} lines", n.len());
    let differ: Vec<String> = (0..n.len().max(h.len()))
        .filter_map(|i| {
            let (a, b) = (
                n.get(i).copied().unwrap_or("<none>"),
                h.get(i).copied().unwrap_or("<none>"),
            );
            (a != b).then(|| format!("line {}:\n  node:  {a}\n  howth: {b}", i + 1))
        })
        .collect();
    println!(
        "{label}: {} of {} lines match node",
        n.len() - differ.len().min(n.len()),
        n.len()
    );
    assert!(
        differ.is_empty(),
        "howth differs from node:\n{}",
        differ.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn probes_match_node_line_for_line() {
    assert_probe_matches_node("run.mjs", "run", 100, "web crypto probes");
}

#[test]
fn keys_and_signatures_cross_verify_with_node_both_ways() {
    let node_dir = temp_dir("cross-node");
    let howth_dir = temp_dir("cross-howth");
    let node_again = temp_dir("cross-node2");
    run(false, &script("cross.mjs"), &node_dir);
    std::fs::copy(node_dir.join("out.json"), howth_dir.join("peer.json")).expect("copy node's output");
    let howth_checks = run(true, &script("cross.mjs"), &howth_dir);
    std::fs::copy(howth_dir.join("out.json"), node_again.join("peer.json")).expect("copy howth's output");
    let node_checks = run(false, &script("cross.mjs"), &node_again);
    let mut failed = Vec::new();
    let mut count = 0;
    for (who, out) in [
        ("howth checking node's", &howth_checks),
        ("node checking howth's", &node_checks),
    ] {
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines.len() >= 30,
            "{who}: only {} checks ran:\n{out}",
            lines.len()
        );
        count += lines.len();
        failed.extend(
            lines
                .iter()
                .filter(|l| !l.ends_with(": ok"))
                .map(|l| format!("{who}: {l}")),
        );
    }
    println!("web crypto cross checks: {} of {count} ok", count - failed.len());
    assert!(failed.is_empty(), "cross checks failed:\n{}", failed.join("\n"));
    for d in [node_dir, howth_dir, node_again] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn published_vectors_verify_as_expected_on_both() {
    let dir = temp_dir("vectors");
    for howth in [false, true] {
        let out = run(howth, &script("vectors.mjs"), &dir);
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines.len() >= 40,
            "only {} vector checks ran:\n{out}",
            lines.len()
        );
        let failed: Vec<&&str> = lines.iter().filter(|l| !l.ends_with(": ok")).collect();
        assert!(
            failed.is_empty(),
            "{} failed vectors: {failed:?}",
            if howth { "howth" } else { "node" }
        );
        if howth {
            println!(
                "web crypto vectors: {} of {} ok",
                lines.len() - failed.len(),
                lines.len()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn node_crypto_probes_match_node_line_for_line() {
    assert_probe_matches_node("node_crypto.mjs", "node-crypto", 70, "node:crypto probes");
}
