//! `make install PREFIX=...` (scripts/install.sh): the installed binary
//! runs from anywhere and loads the libnode installed beside it.
mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

#[test]
fn installed_binary_serves_from_a_temporary_directory_with_its_own_libnode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let prefix = TempScript::new("unused", "");
    let out = Command::new("bash")
        .arg(root.join("scripts/install.sh"))
        .arg(prefix.dir.join("usr"))
        .arg(howth())
        .output()
        .expect("run scripts/install.sh");
    assert!(
        out.status.success(),
        "install.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let installed = prefix.dir.join("usr/bin/howth");
    assert!(installed.exists(), "no {}", installed.display());

    // A fresh folder elsewhere, and no LD_LIBRARY_PATH (make test sets one
    // that points into this checkout): only the rpath can find libnode.
    let app = TempScript::new(
        "hello.ts",
        "export default { fetch: () => new Response(\"Hi\") };\n",
    );
    let mut child = Command::new(&installed)
        .args(["run", "--port", "0", "hello.ts"])
        .current_dir(&app.dir)
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the installed howth");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
    let port: u16 = match first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split(':').nth(1))
        .map(|p| p.trim_end_matches('/').trim())
        .and_then(|p| p.parse().ok())
    {
        Some(p) => p,
        None => {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "no 'Listening on' line: {first:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };

    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let res = read_response(&mut s).expect("a response");
    assert_eq!((res.status, res.text().as_str()), (200, "Hi"));

    // The libnode in the process is the one installed under the prefix.
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", child.id())).unwrap();
    let libnode: Vec<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| p.ends_with("libnode.so.108"))
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert!(!libnode.is_empty(), "libnode.so.108 is not mapped");
    let system = libnode.iter().all(|p| p.starts_with("/usr/lib"));
    let ours = libnode
        .iter()
        .all(|p| Path::new(p).starts_with(prefix.dir.join("usr/lib/howth")));
    assert!(
        ours || (system && !root.join(".deps/libnode").exists()),
        "libnode came from {libnode:?}, not from the install"
    );
}
