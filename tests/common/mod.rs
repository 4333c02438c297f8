//! Helpers for tests that run the built `howth` binary over real sockets.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn howth() -> &'static str {
    env!("CARGO_BIN_EXE_howth")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `howth run <file> args...` to completion.
pub fn run(file: &Path, args: &[&str]) -> Output {
    Command::new(howth())
        .arg("run")
        .arg(file)
        .args(args)
        .output()
        .expect("spawn howth")
}

/// A source file written into a fresh temporary directory.
pub struct TempScript {
    pub dir: PathBuf,
    pub path: PathBuf,
}

impl TempScript {
    pub fn new(name: &str, source: &str) -> TempScript {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("howth-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, source).unwrap();
        TempScript { dir, path }
    }

    pub fn add(&self, name: &str, source: &str) -> PathBuf {
        let p = self.dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, source).unwrap();
        p
    }
}

impl Drop for TempScript {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running server; killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub stderr_path: PathBuf,
    _script: Option<TempScript>,
}

impl Server {
    /// Starts `howth run --port 0 file` and waits for its "Listening on" line.
    pub fn start(file: &Path) -> Server {
        Self::start_with(file, &[], &[])
    }

    pub fn start_with(file: &Path, extra_args: &[&str], env: &[(&str, &str)]) -> Server {
        let stderr_path = std::env::temp_dir().join(format!(
            "howth-stderr-{}-{}.log",
            std::process::id(),
            Instant::now().elapsed().as_nanos() ^ (file.as_os_str().len() as u128) << 20 ^ rand_u64() as u128
        ));
        let mut cmd = Command::new(howth());
        cmd.arg("run").arg("--port").arg("0").args(extra_args).arg(file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .expect("spawn howth");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let mut sent = false;
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                if !sent {
                    if let Some(port) = parse_port(&line) {
                        let _ = tx.send(port);
                        sent = true;
                    }
                }
                line.clear();
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(p) => p,
            Err(_) => {
                let _ = child.kill();
                let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                panic!("server did not print its port; stderr:\n{err}");
            }
        };
        Server {
            child,
            port,
            stderr_path,
            _script: None,
        }
    }

    pub fn from_source(source: &str) -> Server {
        let script = TempScript::new("server.ts", source);
        let mut s = Server::start(&script.path);
        s._script = Some(script);
        s
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.set_nodelay(true).unwrap();
        s
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// One request on a new connection; returns the response.
    pub fn get(&self, path: &str) -> Response {
        let mut s = self.connect();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        read_response(&mut s).expect("a response")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

fn parse_port(line: &str) -> Option<u16> {
    let at = line.find("http://")?;
    let rest = &line[at + 7..];
    let colon = rest.find(':')?;
    let digits: String = rest[colon + 1..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response (Content-Length or chunked framing; HEAD-aware when
/// `head` is true). None on EOF before a status line.
pub fn read_response_for(s: &mut impl Read, head: bool) -> Option<Response> {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(0) => return None,
            Ok(_) => raw.push(byte[0]),
            // A signal landed mid-read (the test process has children):
            // nothing was read, so read again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?;
    let status: u16 = status_line.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let mut r = Response {
        status,
        headers,
        body: Vec::new(),
    };
    if head || status == 204 || status == 304 || (100..200).contains(&status) {
        return Some(r);
    }
    if let Some(len) = r.header("content-length") {
        let len: usize = len.parse().ok()?;
        let mut body = vec![0u8; len];
        s.read_exact(&mut body).ok()?;
        r.body = body;
    } else if r
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut line = Vec::new();
            while !line.ends_with(b"\r\n") {
                s.read_exact(&mut byte).ok()?;
                line.push(byte[0]);
            }
            let size =
                usize::from_str_radix(std::str::from_utf8(&line[..line.len() - 2]).ok()?.trim(), 16).ok()?;
            let mut chunk = vec![0u8; size + 2];
            s.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            r.body.extend_from_slice(&chunk[..size]);
        }
    } else {
        s.read_to_end(&mut r.body).ok()?;
    }
    Some(r)
}

pub fn read_response(s: &mut impl Read) -> Option<Response> {
    read_response_for(s, false)
}

/// True when the server closed the connection (EOF) within the timeout.
pub fn is_closed(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut b = [0u8; 1];
    matches!(s.read(&mut b), Ok(0) | Err(_))
}

/// Runs `source` as a script with `env` set; its stdout, which the script
/// ends with a line "done", so one that stopped early fails the test.
pub fn run_script_to_done(source: &str, env: &[(&str, &str)]) -> String {
    let script = TempScript::new("main.ts", source);
    let out = Command::new(howth())
        .arg("run")
        .arg(&script.path)
        .envs(env.iter().copied())
        .output()
        .expect("spawn howth");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && stdout.trim_end().ends_with("done"),
        "script failed ({:?})\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Asserts that `out` is the lines `expect`, then "done".
pub fn assert_lines_then_done(out: &str, expect: &[&str]) {
    let lines: Vec<&str> = out.lines().collect();
    for (want, got) in expect.iter().zip(&lines) {
        assert_eq!(got, want, "\nfull output:\n{out}");
    }
    assert_eq!(lines.len(), expect.len() + 1, "\nfull output:\n{out}");
}
