//! The database servers of the integration tests: Debian's Postgres
//! (initdb and postgres, as `nobody` when the tests run as root) and
//! redis-server, each in a fresh temporary directory on a free port, with
//! `psql` and `redis-cli` to check values on the server's side. Shared by
//! protocols/tests/{postgres,redis}.rs and Howth's tests/sql.rs and
//! tests/redis.rs.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{free_port, program, run, wait_for_line, Server, TempDir};

pub const SUPERUSER_PASSWORD: &str = "super pw";

pub struct Postgres {
    pub server: Server,
    pub socket_dir: PathBuf,
    _dir: TempDir,
}

/// Commands that must not run as root (initdb, postgres) run as `nobody`
/// when the tests do.
fn unprivileged(program_path: PathBuf, as_nobody: bool) -> Command {
    if as_nobody {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
            .arg(program_path);
        command
    } else {
        Command::new(program_path)
    }
}

pub fn postgres() -> Postgres {
    let dir = TempDir::new("postgres");
    let as_nobody = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    let data = dir.path().join("data");
    let password_file = dir.path().join("pw");
    std::fs::write(&password_file, SUPERUSER_PASSWORD).unwrap();
    if as_nobody {
        let nobody = |what: &str| {
            run(Command::new("id").args([what, "nobody"]))
                .trim()
                .parse::<u32>()
                .unwrap()
        };
        let (uid, gid) = (nobody("-u"), nobody("-g"));
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        std::os::unix::fs::chown(&password_file, Some(uid), Some(gid)).unwrap();
    }
    run(unprivileged(program("initdb"), as_nobody)
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--auth=scram-sha-256",
            "--no-sync",
        ])
        .arg(format!("--pwfile={}", password_file.display())));
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\n\
         host all trustuser 127.0.0.1/32 trust\n\
         host all clearuser 127.0.0.1/32 password\n\
         host all md5user 127.0.0.1/32 md5\n\
         host all all 127.0.0.1/32 scram-sha-256\n",
    )
    .unwrap();
    let port = free_port();
    let mut child = unprivileged(program("postgres"), as_nobody)
        .arg("-D")
        .arg(&data)
        .args([
            "-p",
            &port.to_string(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
        ])
        .arg("-k")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("postgres (make deps installs it)");
    let stderr = child.stderr.take().unwrap();
    let server = Server { child, port };
    wait_for_line(
        stderr,
        "database system is ready to accept connections",
        "postgres",
    );
    let pg = Postgres {
        server,
        socket_dir: dir.path().to_owned(),
        _dir: dir,
    };
    pg.psql(
        "create role trustuser login; \
         create role clearuser login password 'clear pw'; \
         set password_encryption = 'md5'; \
         create role md5user login password 'md5 pw';",
    );
    pg
}

impl Postgres {
    /// `psql` over the Unix socket as the superuser: unaligned, tuples only.
    pub fn psql(&self, sql: &str) -> String {
        let mut command = Command::new(program("psql"));
        command
            .arg("-h")
            .arg(&self.socket_dir)
            .args([
                "-p",
                &self.server.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]);
        run(&mut command).trim_end().to_owned()
    }
}

pub const REDIS_PASSWORD: &str = "s3cret pass";

pub struct Redis {
    pub server: Server,
    _dir: TempDir,
}

pub fn redis() -> Redis {
    redis_on(free_port())
}

/// A redis-server on `port` (to start one again where another stopped).
pub fn redis_on(port: u16) -> Redis {
    let dir = TempDir::new("redis");
    let mut child = Command::new(program("redis-server"))
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(["--requirepass", REDIS_PASSWORD, "--daemonize", "no", "--dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("redis-server (make deps installs it)");
    let stdout = child.stdout.take().unwrap();
    let server = Server { child, port };
    wait_for_line(stdout, "Ready to accept connections", "redis-server");
    Redis { server, _dir: dir }
}

impl Redis {
    pub fn cli(&self, args: &[&str]) -> String {
        let port = self.server.port.to_string();
        let mut command = Command::new(program("redis-cli"));
        command
            .args(["-p", &port, "--no-auth-warning", "-a", REDIS_PASSWORD])
            .args(args);
        run(&mut command).trim_end().to_owned()
    }
}
