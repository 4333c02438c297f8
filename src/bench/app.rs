//! The server `howth bench http FILE` measures: `howth run --port P FILE`
//! started pinned, waited for, checked with one request, and killed (with
//! anything it started) when dropped.
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::procfs::process_tree;

/// The server process; killed when dropped, whatever happens.
pub struct Server {
    child: Child,
    pub pid: u32,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Anything it started first (by pid), then the server itself.
        for p in process_tree(self.pid).into_iter().skip(1).rev() {
            let _ = Command::new("kill")
                .args(["-KILL", &p.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(e.to_string()),
        }
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        all[all.len().saturating_sub(lines)..].join("\n    ")
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One request on its own connection: (status, content-type, body length).
pub fn probe(addr: SocketAddr, path: &str) -> Result<(u16, String, usize), String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUser-Agent: howth-bench\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        addr.port()
    )
    .map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    if let Err(e) = s.read_to_end(&mut buf) {
        if buf.is_empty() {
            return Err(e.to_string());
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no complete response")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {:?}", head.lines().next().unwrap_or("")))?;
    let ctype = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-type")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default();
    Ok((status, ctype, body.len()))
}

/// Starts `howth run --port P FILE` behind `prefix` (taskset), its output
/// to `log`, and waits up to 30 s for it to listen on 127.0.0.1:P.
pub fn start(
    howth: &Path,
    file: &Path,
    prefix: &[String],
    log: &Path,
) -> Result<(Server, SocketAddr), String> {
    let port = free_port().map_err(|e| format!("cannot find a free port: {e}"))?;
    let log_file = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let mut argv: Vec<String> = prefix.to_vec();
    argv.extend([
        howth.display().to_string(),
        "run".into(),
        "--port".into(),
        port.to_string(),
        file.display().to_string(),
    ]);
    let child = Command::new(&argv[0])
        .args(&argv[1..])
        .env("PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().map_or_else(|_| Stdio::null(), Stdio::from))
        .stderr(Stdio::from(log_file))
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", argv[0]))?;
    // taskset execs the server: the pid is the server's.
    let pid = child.id();
    let mut server = Server {
        child,
        pid,
        log: log.to_path_buf(),
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.exited() {
            return Err(format!(
                "the server exited ({status}) before listening on port {port}; its output:\n    {}",
                server.log_tail(8)
            ));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok((server, addr));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the server did not listen on port {port} within 30 s (it must serve on --port/PORT); its output:\n    {}",
                server.log_tail(8)
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
