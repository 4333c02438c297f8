//! `howth run --workers`: several isolates on one port, crashed workers
//! replaced, SIGTERM draining them all. Runs the built binary.
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::TcpStream;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use common::{read_response, Server, TempScript};

/// Answers "<workerId> <incarnation>": the incarnation is new each time a
/// worker (re)loads the module. /crash throws from a timer after answering,
/// which ends that worker's loop with an error; /slow answers after 500 ms.
const APP: &str = r#"
const incarnation = crypto.randomUUID().slice(0, 8);
export default {
  fetch(req: Request) {
    const path = new URL(req.url).pathname;
    if (path === "/crash") {
      setTimeout(() => { throw new Error(`crash requested from worker ${Howth.workerId}`); }, 0);
    }
    if (path === "/slow") {
      return new Promise((resolve) =>
        setTimeout(() => resolve(new Response(`slow ${Howth.workerId}`)), 500));
    }
    return new Response(`${Howth.workerId} ${incarnation}`);
  },
};
"#;

fn start(source: &str, args: &[&str]) -> (Server, TempScript) {
    let script = TempScript::new("app.ts", source);
    (Server::start_with(&script.path, args, &[]), script)
}

/// One request on a new connection (SO_REUSEPORT spreads connections, not
/// requests); (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let r = read_response(&mut s).expect("a response");
    (r.status, r.text())
}

/// Worker id -> incarnation, from new connections until `want` ids answered.
fn incarnations(port: u16, want: usize) -> BTreeMap<String, String> {
    let mut seen = BTreeMap::new();
    for _ in 0..2000 {
        let (status, body) = get(port, "/");
        assert_eq!(status, 200, "{body}");
        let (id, inc) = body.split_once(' ').expect("\"<id> <incarnation>\"");
        seen.insert(id.to_string(), inc.to_string());
        if seen.len() == want {
            return seen;
        }
    }
    panic!("only workers {:?} answered 2000 connections", seen.keys());
}

fn wait_for_stderr(server: &Server, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let err = server.stderr();
        if err.contains(needle) {
            return err;
        }
        assert!(Instant::now() < deadline, "no {needle:?} in stderr:\n{err}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_exit(server: &mut Server) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "howth did not exit; stderr:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(server: &Server, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &server.child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} failed");
}

#[test]
fn every_worker_answers_on_one_port() {
    // --port 0: worker 0 picks the port, the others join it.
    let (server, _script) = start(APP, &["--workers", "3"]);
    let seen = incarnations(server.port, 3);
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), ["0", "1", "2"]);
    // Every answer is complete and well-formed, whoever gives it.
    for _ in 0..50 {
        let (status, body) = get(server.port, "/");
        assert_eq!(status, 200);
        let (id, inc) = body.split_once(' ').unwrap();
        assert_eq!(seen[id], inc);
    }
}

#[test]
fn the_default_export_can_ask_for_workers() {
    let source = APP.replace("export default {", "export default {\n  workers: 2,");
    let (server, _script) = start(&source, &[]);
    let seen = incarnations(server.port, 2);
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), ["0", "1"]);
    // A bad count fails the way a bad option does: one line, exit 1.
    let bad = TempScript::new(
        "bad.ts",
        "export default { workers: 0, fetch: () => new Response('x') };",
    );
    let out = common::run(&bad.path, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("workers must be a whole number"), "{err}");
}

#[test]
fn a_crashed_worker_is_replaced() {
    let (server, _script) = start(APP, &["--workers", "2"]);
    let before = incarnations(server.port, 2);
    // Whichever worker takes this connection answers, then crashes.
    let (status, body) = get(server.port, "/crash");
    assert_eq!(status, 200);
    let crashed = body.split(' ').next().unwrap().to_string();
    let err = wait_for_stderr(&server, "restarting it");
    assert!(
        err.contains(&format!("Uncaught Error: crash requested from worker {crashed}")),
        "{err}"
    );
    assert!(
        err.contains(&format!("worker {crashed} exited with code 1")),
        "{err}"
    );
    // Both answer again; the crashed one has loaded the module anew, the
    // other was untouched.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let after = incarnations(server.port, 2);
        let survivor = if crashed == "0" { "1" } else { "0" };
        assert_eq!(after[survivor], before[survivor]);
        if after[&crashed] != before[&crashed] {
            break;
        }
        assert!(Instant::now() < deadline, "worker {crashed} was not replaced");
    }
}

#[test]
fn sigterm_drains_every_worker_and_exits_0() {
    let (mut server, _script) = start(APP, &["--workers", "2"]);
    incarnations(server.port, 2);
    let port = server.port;
    // Requests in flight on (very likely) both workers.
    let slow: Vec<_> = (0..6)
        .map(|_| std::thread::spawn(move || get(port, "/slow")))
        .collect();
    std::thread::sleep(Duration::from_millis(150));
    signal(&server, "-TERM");
    for s in slow {
        let (status, body) = s.join().unwrap();
        assert_eq!(status, 200);
        assert!(body.starts_with("slow "), "{body}");
    }
    let status = wait_exit(&mut server);
    assert_eq!(status.code(), Some(0), "stderr:\n{}", server.stderr());
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening"
    );
}

#[test]
fn a_worker_that_always_crashes_is_given_up_on() {
    // Worker 1 fails to load every time; worker 0 serves on.
    let source = format!("if (Howth.workerId === 1) throw new Error('worker 1 cannot start');\n{APP}");
    let (mut server, _script) = start(&source, &["--workers", "2"]);
    let err = wait_for_stderr(&server, "not restarting it");
    assert_eq!(err.matches("worker 1 cannot start").count(), 5, "{err}");
    assert!(err.contains("restarting it in 100 ms"), "{err}");
    assert!(err.contains("restarting it in 800 ms"), "{err}");
    assert_eq!(
        incarnations(server.port, 1).keys().collect::<BTreeSet<_>>(),
        BTreeSet::from([&"0".to_string()])
    );
    signal(&server, "-TERM");
    // Drained, but a worker was lost: that is a failure.
    assert_eq!(wait_exit(&mut server).code(), Some(1));
}

#[test]
fn a_script_that_cannot_load_fails_once() {
    let script = TempScript::new("app.ts", "throw new Error('broken at load');");
    let out = Command::new(common::howth())
        .args(["run", "--workers", "4"])
        .arg(&script.path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("broken at load").count(), 1, "{err}");
    let out = Command::new(common::howth())
        .args(["run", "--workers", "0"])
        .arg(&script.path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap rejects --workers 0");
}

/// Answers "<workerId> <messages seen>"; /post sends a Map (a structured
/// clone, not JSON) on a BroadcastChannel that every worker opened.
const BROADCAST_APP: &str = r#"
const seen: string[] = [];
const channel = new BroadcastChannel("news");
channel.onmessage = (e: MessageEvent) => seen.push(`${e.data.get("from")}:${e.data.get("n")}`);
export default {
  fetch(req: Request) {
    if (new URL(req.url).pathname === "/post") {
      channel.postMessage(new Map<string, unknown>([["from", Howth.workerId], ["n", 7]]));
    }
    return new Response(`${Howth.workerId} ${seen.join(",")}`);
  },
};
"#;

/// A BroadcastChannel reaches the channels of its name in the other
/// workers' isolates (the message crosses threads, woken like a pool job),
/// and not the poster's own channel.
#[test]
fn a_broadcast_channel_reaches_the_other_workers() {
    let (server, _script) = start(BROADCAST_APP, &["--workers", "3"]);
    incarnations(server.port, 3); // every worker has loaded and listens
    let (status, body) = get(server.port, "/post");
    assert_eq!(status, 200, "{body}");
    let poster = body.split_once(' ').expect("\"<id> <seen>\"").0.to_string();
    let want: BTreeMap<String, String> = ["0", "1", "2"]
        .iter()
        .map(|id| {
            let seen = if *id == poster {
                String::new()
            } else {
                format!("{poster}:7")
            };
            (id.to_string(), seen)
        })
        .collect();
    let mut seen = BTreeMap::new();
    for _ in 0..2000 {
        let (_, body) = get(server.port, "/");
        let (id, got) = body.split_once(' ').unwrap();
        seen.insert(id.to_string(), got.to_string());
        if seen == want {
            return;
        }
    }
    panic!("after 2000 requests the workers had seen {seen:?}, not {want:?}");
}
