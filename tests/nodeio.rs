//! The Node I/O built-ins (node:fs, node:fs/promises, node:os, node:zlib,
//! CompressionStream, node:child_process) against Node
//! itself: every probe under tests/node/probes/{fs,os,zlib,child_process}/ runs under `node`
//! and under `howth run`, and the two outputs must match line for line.
//! (A stand-in for the shared differential harness, tests/node/run.mjs,
//! until it is on main.)

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const MODULES: &[&str] = &["fs", "os", "zlib", "child_process"];

fn probes() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/probes");
    let mut out = Vec::new();
    for m in MODULES {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(m))
            .unwrap_or_else(|e| panic!("tests/node/probes/{m}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "mjs"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

fn stdout_of(cmd: &mut Command, what: &str, probe: &Path) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("spawn {what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} {} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        probe.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn io_probes_match_node_line_for_line() {
    let probes = probes();
    assert!(probes.len() >= 3, "no probes found");
    let mut failures = Vec::new();
    for probe in &probes {
        let node = stdout_of(Command::new("node").arg(probe), "node", probe);
        let howth = stdout_of(
            Command::new(common::howth()).arg("run").arg(probe),
            "howth",
            probe,
        );
        let (n, h): (Vec<&str>, Vec<&str>) = (node.lines().collect(), howth.lines().collect());
        assert!(n.len() > 5, "{}: node printed almost nothing", probe.display());
        for i in 0..n.len().max(h.len()) {
            let (a, b) = (
                n.get(i).copied().unwrap_or("<none>"),
                h.get(i).copied().unwrap_or("<none>"),
            );
            if a != b {
                failures.push(format!(
                    "{} line {}:\n  node:  {a}\n  howth: {b}",
                    probe.display(),
                    i + 1
                ));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "probes differ from node:\n{}",
        failures.join("\n")
    );
}
