//! Real servers for the integration tests: each is started in a fresh
//! temporary directory on a free port, waited for through its own "ready"
//! log line, and killed when the test drops it.

#![allow(dead_code)]

pub mod db;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How long a server may take to say it is ready, and a read may block:
/// a limit on a failure, never a pause on success.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "howth-protocols-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed (and reaped) on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `stream` line by line on a thread until a line contains
/// `needle`; panics with everything read if the stream ends first or the
/// deadline passes. The thread keeps draining the stream afterwards so the
/// server never blocks on a full pipe.
pub fn wait_for_line<R: Read + Send + 'static>(stream: R, needle: &'static str, what: &str) -> String {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = String::new();
        let mut found = false;
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if !found {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(needle) {
                    found = true;
                    let _ = tx.send(Ok(line));
                }
            }
        }
        if !found {
            let _ = tx.send(Err(seen));
        }
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(line)) => line,
        Ok(Err(log)) => panic!("{what} exited before {needle:?}:\n{log}"),
        Err(_) => panic!("{what} did not print {needle:?} within {DEADLINE:?}"),
    }
}

/// `name` from PATH, or from Debian's versioned Postgres directory.
pub fn program(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return candidate;
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.flatten()
                .map(|e| e.path().join("bin").join(name))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .unwrap_or_else(|| panic!("{name} not found: run `make deps` (scripts/deps.sh installs it)"))
}

/// Runs `command` to completion, panicking with its output on failure.
pub fn run(command: &mut Command) -> String {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed:\n{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    text
}
