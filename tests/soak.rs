//! Soak: normal clients under a mix of slow readers, slowloris clients and
//! abrupt disconnects, on loopback, bounded in time. The normal clients must
//! get every answer right, and the server's RSS must stay bounded.
//!
//! `soak_short` (about 10 s) runs with the other tests; `soak_long` (two
//! minutes, more of everything) runs with `make soak`:
//!     cargo test --release --test soak -- --ignored --nocapture
mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::*;

const SOURCE: &str = r#"
const BIG = "b".repeat(65536);
const server = Howth.serve({ port: 0, hostname: "127.0.0.1", headerTimeoutMs: 1000, bodyTimeoutMs: 1000, idleTimeoutMs: 2000 }, (req) => {
  const u = new URL(req.url);
  if (u.pathname === "/echo") return req.text().then((t) => new Response(t));
  if (u.pathname === "/big") return new Response(BIG);
  if (u.pathname === "/async") return new Promise((r) => setTimeout(() => r(new Response(u.search)), 5));
  return new Response(u.pathname + u.search);
});
console.log(`Listening on http://127.0.0.1:${server.port}/`);
"#;

#[derive(Default)]
struct Counters {
    normal: AtomicU64,
    slow_responses: AtomicU64,
    slowloris_cut: AtomicU64,
    abrupt: AtomicU64,
    failures: Mutex<Vec<String>>,
}

struct Mix {
    normal: usize,
    slow_readers: usize,
    slowloris: usize,
    abrupt: usize,
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A tiny xorshift generator: the mix is varied but needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_nodelay(true).unwrap();
    s
}

/// A client whose every answer is checked: plain, pipelined, async and
/// POSTed requests on kept-alive connections, reconnecting now and then.
fn normal_client(port: u16, id: usize, until: Instant, c: Arc<Counters>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (id as u64 + 1));
    let mut conn: Option<TcpStream> = None;
    let mut i = 0u64;
    while Instant::now() < until {
        i += 1;
        let s = conn.get_or_insert_with(|| connect(port));
        let result: Result<u64, String> = (|| match rng.below(4) {
            0 => {
                let path = format!("/n/{id}/{i}");
                write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").map_err(|e| e.to_string())?;
                expect(s, &path)?;
                Ok(1)
            }
            1 => {
                let n = 1 + rng.below(8) as usize;
                let mut all = String::new();
                for k in 0..n {
                    all.push_str(&format!("GET /p/{id}/{i}/{k} HTTP/1.1\r\nHost: x\r\n\r\n"));
                }
                s.write_all(all.as_bytes()).map_err(|e| e.to_string())?;
                for k in 0..n {
                    expect(s, &format!("/p/{id}/{i}/{k}"))?;
                }
                Ok(n as u64)
            }
            2 => {
                let q = format!("?{id}-{i}");
                write!(s, "GET /async{q} HTTP/1.1\r\nHost: x\r\n\r\n").map_err(|e| e.to_string())?;
                expect(s, &q)?;
                Ok(1)
            }
            _ => {
                let len = 1 + rng.below(8192) as usize;
                let body: String = (0..len)
                    .map(|k| (b'a' + ((k as u64 + i) % 26) as u8) as char)
                    .collect();
                write!(
                    s,
                    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {len}\r\n\r\n{body}"
                )
                .map_err(|e| e.to_string())?;
                expect(s, &body)?;
                Ok(1)
            }
        })();
        match result {
            Ok(n) => {
                c.normal.fetch_add(n, Ordering::Relaxed);
                if rng.below(100) == 0 {
                    conn = None;
                }
            }
            Err(e) => {
                c.failures
                    .lock()
                    .unwrap()
                    .push(format!("client {id}, request {i}: {e}"));
                conn = None;
            }
        }
    }
}

fn expect(s: &mut TcpStream, body: &str) -> Result<(), String> {
    let r = read_response(s).ok_or("no response")?;
    if r.status != 200 || r.text() != body {
        let text = r.text();
        return Err(format!(
            "status {}, body {:?} instead of {:?}",
            r.status,
            &text[..text.len().min(60)],
            &body[..body.len().min(60)]
        ));
    }
    Ok(())
}

/// Pipelines requests for 64 KiB answers and reads them at a trickle.
fn slow_reader(port: u16, until: Instant, c: Arc<Counters>) {
    while Instant::now() < until {
        let mut s = connect(port);
        if s.write_all(&b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(16))
            .is_err()
        {
            continue;
        }
        let mut buf = [0u8; 8192];
        let mut got = 0usize;
        while got < 16 * 65536 && Instant::now() < until {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        c.slow_responses
            .fetch_add((got / 65536) as u64, Ordering::Relaxed);
    }
}

/// Sends a head one byte every 200 ms, until the server cuts it off.
fn slowloris(port: u16, until: Instant, c: Arc<Counters>) {
    while Instant::now() < until {
        let mut s = connect(port);
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n");
        let mut byte = [0u8; 512];
        while Instant::now() < until {
            if s.write_all(b"X").is_err() {
                c.slowloris_cut.fetch_add(1, Ordering::Relaxed);
                break;
            }
            match s.read(&mut byte) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                _ => {
                    c.slowloris_cut.fetch_add(1, Ordering::Relaxed);
                    break;
                }
            }
        }
    }
}

/// Connects and goes away mid-request, mid-body, or with answers unread
/// (which makes the kernel reset the connection).
fn abrupt(port: u16, id: usize, until: Instant, c: Arc<Counters>) {
    let mut rng = Rng(0x1234_5678 ^ (id as u64 + 7));
    while Instant::now() < until {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
            continue;
        };
        let _ = match rng.below(4) {
            0 => s.write_all(b"GET /half HTTP/1.1\r\nHo"),
            1 => s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\nabc"),
            2 => s.write_all(&b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4)),
            _ => Ok(()),
        };
        if rng.below(2) == 0 {
            std::thread::sleep(Duration::from_millis(rng.below(20)));
        }
        drop(s);
        c.abrupt.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn soak(duration: Duration, mix: Mix) {
    let server = Server::from_source(SOURCE);
    let pid = server.child.id();
    let port = server.port;
    std::thread::sleep(Duration::from_millis(300));
    let rss0 = rss_kib(pid);
    let c = Arc::new(Counters::default());
    let start = Instant::now();
    let until = start + duration;
    let mut threads: Vec<JoinHandle<()>> = Vec::new();
    for id in 0..mix.normal {
        let c = c.clone();
        threads.push(std::thread::spawn(move || normal_client(port, id, until, c)));
    }
    for _ in 0..mix.slow_readers {
        let c = c.clone();
        threads.push(std::thread::spawn(move || slow_reader(port, until, c)));
    }
    for _ in 0..mix.slowloris {
        let c = c.clone();
        threads.push(std::thread::spawn(move || slowloris(port, until, c)));
    }
    for id in 0..mix.abrupt {
        let c = c.clone();
        threads.push(std::thread::spawn(move || abrupt(port, id, until, c)));
    }
    let sampling = Arc::new(AtomicBool::new(true));
    let rss_max = Arc::new(AtomicU64::new(rss0));
    let sampler = {
        let (sampling, rss_max) = (sampling.clone(), rss_max.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::SeqCst) {
                rss_max.fetch_max(rss_kib(pid), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    for t in threads {
        t.join().unwrap();
    }
    sampling.store(false, Ordering::SeqCst);
    sampler.join().unwrap();
    let elapsed = start.elapsed();
    // The server is still up and answering.
    assert_eq!(server.get("/after").text(), "/after");
    let rss_end = rss_kib(pid);
    let rss_max = rss_max.load(Ordering::SeqCst);
    let failures = c.failures.lock().unwrap();
    let normal = c.normal.load(Ordering::Relaxed);
    eprintln!(
        "soak {:.0} s: {} normal clients answered {normal} requests correctly ({:.0}/s), {} failures; \
         {} slow readers took {} 64 KiB answers; {} slowloris connections cut off; \
         {} abrupt disconnects; server RSS {} MiB at start, {} MiB peak, {} MiB at end",
        elapsed.as_secs_f64(),
        mix.normal,
        normal as f64 / elapsed.as_secs_f64(),
        failures.len(),
        mix.slow_readers,
        c.slow_responses.load(Ordering::Relaxed),
        c.slowloris_cut.load(Ordering::Relaxed),
        c.abrupt.load(Ordering::Relaxed),
        rss0 / 1024,
        rss_max / 1024,
        rss_end / 1024,
    );
    assert!(
        failures.is_empty(),
        "normal clients saw failures: {:?}",
        &failures[..failures.len().min(10)]
    );
    assert!(normal > 0);
    if duration >= Duration::from_secs(5) {
        assert!(
            c.slowloris_cut.load(Ordering::Relaxed) > 0,
            "no slowloris was cut off"
        );
    }
    let grown = rss_max.saturating_sub(rss0) / 1024;
    assert!(grown < 256, "RSS grew by {grown} MiB");
}

#[test]
fn soak_short() {
    soak(
        Duration::from_secs(10),
        Mix {
            normal: 4,
            slow_readers: 4,
            slowloris: 8,
            abrupt: 2,
        },
    );
}

#[test]
#[ignore = "two minutes: make soak"]
fn soak_long() {
    soak(
        Duration::from_secs(120),
        Mix {
            normal: 8,
            slow_readers: 8,
            slowloris: 64,
            abrupt: 4,
        },
    );
}
