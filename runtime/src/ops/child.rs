//! node:child_process's native half: runs a program to completion with its
//! stdin fed from bytes and its stdout and stderr collected. The Sync forms
//! run inline (the loop waits, as Node's do); exec, execFile and spawn run
//! the child on a worker pool thread, which pumps its pipes, and their
//! result comes back through the completion queue (crate::pool). The loop
//! has no general fd source yet, so output reaches JS when the child ends.

use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use howth_engine::{CallArgs, ErrorKind, Isolate};
use serde::Deserialize;
use serde_json::json;

use crate::ops::host::HostValue;
use crate::pool::Outcome;
use crate::RuntimeState;

/// What ts-lib/node/child_process.ts asks for.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Spec {
    file: String,
    args: Vec<String>,
    cwd: Option<String>,
    /// The child's whole environment, when given.
    env: Option<Vec<(String, String)>>,
    /// Milliseconds; 0: none.
    timeout: f64,
    kill_signal: Option<i32>,
    /// "pipe", "inherit" or "ignore" for stdin, stdout, stderr.
    stdio: Option<[String; 3]>,
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("childRun", op_child_run::<X>);
}

/// `childRun(async, specJson, input)`: runs the child; sync, returns
/// whether it failed (the outcome waits in `poolResult`); async, the job id.
fn op_child_run<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let is_async = args.bool(0);
    let spec: Spec = match serde_json::from_str(&args.string(1)) {
        Ok(s) => s,
        Err(e) => return args.throw(ErrorKind::TypeError, &format!("childRun: bad spec: {e}")),
    };
    let mut input = Vec::new();
    if args.len() > 2 {
        args.append_bytes(2, &mut input);
    }
    state
        .pool
        .run_or_submit(args, is_async, move || run(&spec, &input));
}

fn stdio(kind: &str) -> Stdio {
    match kind {
        "inherit" => Stdio::inherit(),
        "ignore" => Stdio::null(),
        _ => Stdio::piped(),
    }
}

/// Runs the child. Its result is bytes: a little-endian u32 length, that
/// much JSON (`pid`, `status`, `signal`, `stdoutLength`), then stdout, then
/// stderr. A failure to start is an error object (code, errno, syscall,
/// path), as Node's spawn reports it.
fn run(spec: &Spec, input: &[u8]) -> Outcome {
    let mut cmd = Command::new(&spec.file);
    cmd.args(&spec.args);
    if let Some(cwd) = &spec.cwd {
        cmd.current_dir(cwd);
    }
    if let Some(env) = &spec.env {
        cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v)));
    }
    let kinds = spec
        .stdio
        .clone()
        .unwrap_or_else(|| ["pipe".into(), "pipe".into(), "pipe".into()]);
    cmd.stdin(stdio(&kinds[0]))
        .stdout(stdio(&kinds[1]))
        .stderr(stdio(&kinds[2]));
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(2);
            let code = match errno {
                2 => "ENOENT",
                13 => "EACCES",
                20 => "ENOTDIR",
                _ => "UNKNOWN",
            };
            return Err(HostValue::Json(
                json!({ "code": code, "errno": -errno, "path": spec.file }),
            ));
        }
    };
    let pid = child.id();
    // Feed stdin and drain both pipes on their own threads, so a child that
    // fills one pipe while we block on another cannot deadlock.
    let feeder = child.stdin.take().map(|mut stdin| {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        pipe.map(|mut p| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = p.read_to_end(&mut buf);
                buf
            })
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    // A timeout is a thread that waits for the child's end or the
    // deadline, whichever comes first, and signals the child at the latter.
    let (ended_tx, ended_rx) = std::sync::mpsc::channel::<()>();
    let timed_out = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let killer = (spec.timeout > 0.0).then(|| {
        let limit = Duration::from_secs_f64(spec.timeout / 1000.0);
        let sig = signal(spec.kill_signal.unwrap_or(15));
        let timed_out = timed_out.clone();
        std::thread::spawn(move || {
            if ended_rx.recv_timeout(limit) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                timed_out.store(true, std::sync::atomic::Ordering::SeqCst);
                // Not yet reaped (we have not waited), so the pid is still this child's.
                if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
                    let _ = rustix::process::kill_process(pid, sig);
                }
            }
        })
    });
    let status = child.wait();
    let _ = ended_tx.send(());
    if let Some(k) = killer {
        let _ = k.join();
    }
    let timed_out = timed_out.load(std::sync::atomic::Ordering::SeqCst);
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let stdout = out.and_then(|t| t.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|t| t.join().ok()).unwrap_or_default();
    let status = status.map_err(|e| HostValue::String(format!("waiting for the child: {e}")))?;
    let head = json!({
        "pid": pid,
        "status": status.code(),
        "signal": status.signal(),
        "timedOut": timed_out,
        "stdoutLength": stdout.len(),
    })
    .to_string();
    let mut bytes = Vec::with_capacity(4 + head.len() + stdout.len() + stderr.len());
    bytes.extend_from_slice(&(head.len() as u32).to_le_bytes());
    bytes.extend_from_slice(head.as_bytes());
    bytes.extend_from_slice(&stdout);
    bytes.extend_from_slice(&stderr);
    Ok(HostValue::Bytes(bytes))
}

fn signal(n: i32) -> rustix::process::Signal {
    use rustix::process::Signal;
    match n {
        1 => Signal::HUP,
        2 => Signal::INT,
        3 => Signal::QUIT,
        9 => Signal::KILL,
        10 => Signal::USR1,
        12 => Signal::USR2,
        _ => Signal::TERM,
    }
}
