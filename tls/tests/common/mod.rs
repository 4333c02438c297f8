//! Helpers for the TLS tests: a throw-away PKI made with the `openssl`
//! command line, a blocking driver that feeds a real TCP socket through a
//! sans-I/O [`Session`], and child processes (openssl, node) on free ports.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use howth_tls::{Event, HandshakeInfo, Session, TlsError};

/// A temporary directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("howth-tls-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[derive(Clone, Copy, Debug)]
pub enum KeyType {
    EcdsaP256,
    Rsa2048,
    Ed25519,
}

/// A certificate authority in a temporary directory, made by `openssl`.
pub struct Pki {
    pub dir: TempDir,
    pub ca_cert: PathBuf,
    ca_key: PathBuf,
}

/// A leaf certificate and its key, as files.
pub struct Leaf {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Pki {
    pub fn new(tag: &str) -> Pki {
        let dir = TempDir::new(tag);
        let ca_key = dir.path("ca.key");
        let ca_cert = dir.path("ca.pem");
        gen_key(&ca_key, KeyType::EcdsaP256, None);
        run(Command::new("openssl")
            .args(["req", "-x509", "-new", "-key"])
            .arg(&ca_key)
            .args([
                "-subj",
                "/CN=Howth Test CA",
                "-days",
                "30",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-out",
            ])
            .arg(&ca_cert));
        std::fs::write(dir.path("index.txt"), "").unwrap();
        std::fs::write(dir.path("serial"), "1000\n").unwrap();
        let config = format!(
            "[ca]\ndefault_ca = test\n[test]\ndatabase = {d}/index.txt\nnew_certs_dir = {d}\ncertificate = {d}/ca.pem\n\
             private_key = {d}/ca.key\nserial = {d}/serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n\
             [any]\ncommonName = supplied\n",
            d = dir.0.display()
        );
        std::fs::write(dir.path("ca.cnf"), config).unwrap();
        Pki { dir, ca_cert, ca_key }
    }

    /// A server certificate for `names` (subjectAltName DNS entries; an IP
    /// address becomes an IP entry), valid from `not_before` to `not_after`
    /// (openssl's `YYYYMMDDHHMMSSZ`).
    pub fn leaf_dated(
        &self,
        file: &str,
        names: &[&str],
        key: KeyType,
        not_before: &str,
        not_after: &str,
    ) -> Leaf {
        let key_path = self.dir.path(&format!("{file}.key"));
        let cert_path = self.dir.path(&format!("{file}.pem"));
        let csr = self.dir.path(&format!("{file}.csr"));
        let ext = self.dir.path(&format!("{file}.ext"));
        gen_key(&key_path, key, None);
        run(Command::new("openssl")
            .args(["req", "-new", "-key"])
            .arg(&key_path)
            .args(["-subj", &format!("/CN={}", names[0]), "-out"])
            .arg(&csr));
        let san: Vec<String> = names
            .iter()
            .map(|n| {
                if n.parse::<std::net::IpAddr>().is_ok() {
                    format!("IP:{n}")
                } else {
                    format!("DNS:{n}")
                }
            })
            .collect();
        std::fs::write(
            &ext,
            format!(
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName={}\n",
                san.join(",")
            ),
        )
        .unwrap();
        run(Command::new("openssl")
            .args(["ca", "-batch", "-notext", "-config"])
            .arg(self.dir.path("ca.cnf"))
            .args(["-startdate", not_before, "-enddate", not_after, "-extfile"])
            .arg(&ext)
            .arg("-in")
            .arg(&csr)
            .arg("-out")
            .arg(&cert_path)
            .stderr(Stdio::null()));
        Leaf {
            cert: cert_path,
            key: key_path,
        }
    }

    /// A leaf valid from yesterday for 30 days.
    pub fn leaf(&self, file: &str, names: &[&str], key: KeyType) -> Leaf {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        self.leaf_dated(
            file,
            names,
            key,
            &asn1_time(now - 86_400),
            &asn1_time(now + 30 * 86_400),
        )
    }
}

pub fn gen_key(path: &Path, key: KeyType, passphrase: Option<&str>) {
    let mut cmd = Command::new("openssl");
    cmd.arg("genpkey");
    match key {
        KeyType::EcdsaP256 => cmd.args(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
        KeyType::Rsa2048 => cmd.args(["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
        KeyType::Ed25519 => cmd.args(["-algorithm", "ED25519"]),
    };
    if let Some(pass) = passphrase {
        cmd.args(["-aes256", "-pass", &format!("pass:{pass}")]);
    }
    run(cmd.arg("-out").arg(path));
}

/// Seconds since 1970 as openssl's `YYYYMMDDHHMMSSZ`.
pub fn asn1_time(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on 127.0.0.1:`port` (read from
/// /proc/net/tcp, so the probe is not a connection the server would
/// count), or panics after 20 s.
pub fn wait_listening(port: u16, child: &mut Child) {
    let needle = format!("0100007F:{port:04X} 00000000:0000 0A");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
        if table.contains(&needle) {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(stderr) = child.stderr.as_mut() {
                let _ = stderr.read_to_string(&mut err);
            }
            panic!("the server exited ({status}) before listening: {err}");
        }
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A real TCP socket driven through a sans-I/O session, blocking.
pub struct TlsStream {
    pub tcp: TcpStream,
    pub session: Session,
    pub plain: Vec<u8>,
    pub events: Vec<Event>,
    out: Vec<u8>,
    buf: Vec<u8>,
}

impl TlsStream {
    pub fn new(tcp: TcpStream, session: Session) -> TlsStream {
        tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        TlsStream {
            tcp,
            session,
            plain: Vec::new(),
            events: Vec::new(),
            out: Vec::new(),
            buf: vec![0; 64 * 1024],
        }
    }

    /// Writes whatever the session has queued.
    pub fn flush(&mut self) {
        self.out.clear();
        self.session.write_output(&mut self.out);
        if !self.out.is_empty() {
            // The peer may already have closed after an alert.
            let _ = self.tcp.write_all(&self.out);
        }
    }

    /// One read from the socket through the session. `Ok(false)` at a
    /// clean end of file.
    pub fn read_more(&mut self) -> Result<bool, TlsError> {
        let n = match self.tcp.read(&mut self.buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
            Err(e) => panic!("socket read: {e}"),
        };
        if n == 0 {
            self.session.eof()?;
            return Ok(false);
        }
        let result = self.session.receive(&self.buf[..n], &mut self.plain);
        while let Some(event) = self.session.poll_event() {
            self.events.push(event);
        }
        // Handshake replies, tickets, or the alert that explains a failure.
        self.flush();
        result.map(|()| true)
    }

    pub fn handshake(&mut self) -> Result<HandshakeInfo, TlsError> {
        self.flush();
        loop {
            if let Some(info) = self.events.iter().find_map(|e| match e {
                Event::Handshake(info) => Some(info.clone()),
                _ => None,
            }) {
                return Ok(info);
            }
            if !self.read_more()? {
                panic!("end of file during the handshake");
            }
        }
    }

    pub fn send(&mut self, data: &[u8]) {
        self.session.send(data).unwrap();
        self.flush();
    }

    /// Reads until `n` bytes of plaintext are in, and takes them.
    pub fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, TlsError> {
        while self.plain.len() < n {
            if !self.read_more()? {
                panic!("end of file after {} of {n} bytes", self.plain.len());
            }
        }
        Ok(self.plain.drain(..n).collect())
    }

    /// Reads until the peer's close_notify (or an error), returning the
    /// plaintext that came before it.
    pub fn read_to_close(&mut self) -> Result<Vec<u8>, TlsError> {
        while !self.session.peer_closed() {
            if !self.read_more()? {
                break;
            }
        }
        Ok(std::mem::take(&mut self.plain))
    }

    pub fn peer_closed(&self) -> bool {
        self.events.contains(&Event::PeerClosed)
    }
}

/// `len` bytes of a repeatable pseudo-random pattern (xorshift).
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The directory holding node_modules for JS helpers (the repository root).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}
