//! Helpers for the client tests (net_client.rs, fetch.rs): running a
//! script to its end, and a TLS upstream under Node with a throw-away CA
//! made by `openssl` (for localhost and 127.0.0.1).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::{howth, TempScript};

/// Runs `source` as a script; returns its stdout (asserting exit 0).
pub fn run_script(source: &str) -> String {
    let script = TempScript::new("client.ts", source);
    let out = Command::new(howth())
        .arg("run")
        .arg(&script.path)
        .output()
        .expect("spawn howth");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "howth failed: {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A Node TLS server running `source` (a CommonJS script that gets the key
/// and certificate paths as argv[2] and argv[3] and prints its port).
pub struct NodeTlsServer {
    child: Child,
    pub port: u16,
    /// The CA's certificate, PEM.
    pub ca: String,
    _dir: TempScript,
}

impl NodeTlsServer {
    pub fn start(source: &str) -> NodeTlsServer {
        let dir = TempScript::new("server.cjs", source);
        let d = &dir.dir;
        let openssl = |args: &str| {
            let st = Command::new("openssl")
                .args(args.split(' '))
                .current_dir(d)
                .stderr(Stdio::null())
                .status()
                .expect("openssl");
            assert!(st.success(), "openssl {args}");
        };
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
        openssl(&format!(
            "req -x509 {ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=Howth-Test-CA"
        ));
        openssl(&format!(
            "req {ec} -keyout srv.key -out srv.csr -subj /CN=localhost"
        ));
        std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n").unwrap();
        openssl("x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile ext.cnf");
        let mut child = Command::new("node")
            .arg(&dir.path)
            .arg(d.join("srv.key"))
            .arg(d.join("srv.pem"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("node");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("node's port");
        let ca = std::fs::read_to_string(d.join("ca.pem")).unwrap();
        NodeTlsServer {
            child,
            port,
            ca,
            _dir: dir,
        }
    }
}

impl Drop for NodeTlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
