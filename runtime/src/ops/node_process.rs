//! The Rust half of Node's `process` global (ts-lib/node/process.ts): the
//! nextTick queue's place in the turn, the lifecycle events, clocks, ids,
//! memory and the working directory.
//!
//! Node runs `process.nextTick` callbacks before promise reactions: after
//! each callback from the loop, its tick queue drains, then the microtask
//! queue, and again while ticks keep being added. Only the queue lives in
//! JS; whether it is non-empty lives here (`tick_pending`, set by the
//! `tickPending` op when the first tick is queued), so the microtask
//! checkpoint (Runtime::run_microtasks) calls into JS only when there are
//! ticks to run.

use howth_engine::{CallArgs, ErrorKind, Isolate, Value};

use crate::RuntimeState;

/// What node_process keeps per runtime.
#[derive(Default)]
pub struct NodeProcess {
    /// ts-lib's function that runs every queued tick.
    pub tick_callback: Option<Value>,
    /// Ticks are queued (cleared when the callback is called).
    pub tick_pending: bool,
    /// ts-lib's function called with "beforeExit" or "exit" when the loop
    /// has nothing left to do.
    pub lifecycle_callback: Option<Value>,
    /// The heap as of the last microtask checkpoint: [used, total, limit]
    /// (an op cannot reach the isolate, so the runtime copies the figures
    /// here once a program has asked for them, see `heap_wanted`).
    pub heap: [f64; 3],
    pub heap_wanted: bool,
    /// ts-lib's function that takes each unhandled rejection (reason,
    /// promise), set once a program listens for `unhandledRejection` or
    /// `uncaughtException`; until then Rust reports them itself.
    pub rejection_callback: Option<Value>,
    /// ts-lib's function called with a signal's number when one a program
    /// listens for (`process.on("SIGINT", ...)`) arrives.
    pub signal_callback: Option<Value>,
    /// The signals with listeners, one bit each (bit n: signal n).
    pub signals_wanted: u64,
    /// Starts catching a signal (set by the event loop, which owns the
    /// poll the signals arrive through; see howth-loop's js_signals).
    /// Without one, listening for a signal throws.
    pub catch_signal: Option<Box<dyn FnMut(i32) -> std::io::Result<()>>>,
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("setTickCallback", op_set_tick_callback::<X>);
    iso.set_op("tickPending", op_tick_pending::<X>);
    iso.set_op("setLifecycleCallback", op_set_lifecycle_callback::<X>);
    iso.set_op("hrtime", op_hrtime::<X>);
    iso.set_op("processInfo", op_process_info::<X>);
    iso.set_op("chdir", op_chdir::<X>);
    iso.set_op("heapStats", op_heap_stats::<X>);
    iso.set_op("setEnv", op_set_env::<X>);
    iso.set_op("setRejectionCallback", op_set_rejection_callback::<X>);
    iso.set_op("kill", op_kill::<X>);
    iso.set_op("setSignalCallback", op_set_signal_callback::<X>);
    iso.set_op("signalListen", op_signal_listen::<X>);
}

fn op_set_signal_callback<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.node.signal_callback = Some(args.value(0));
}

/// signalListen(signo, on): whether a program listens for signal `signo`.
/// The first listener starts catching it at once, as Node's uv_signal_start
/// does, so a signal sent right after `process.on` is delivered, not fatal.
/// Returns an error code ("EINVAL" for SIGKILL/SIGSTOP, as in Node;
/// "ENOTSUP" where the loop cannot catch it) or undefined.
fn op_signal_listen<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let (signo, on) = (args.int(0), args.bool(1));
    if !(1..64).contains(&signo) {
        return args.return_latin1(b"EINVAL");
    }
    let bit = 1u64 << signo;
    let node = &mut state.node;
    if !on {
        node.signals_wanted &= !bit;
        return args.return_undefined();
    }
    if signo == rustix::process::Signal::KILL.as_raw() || signo == rustix::process::Signal::STOP.as_raw() {
        return args.return_latin1(b"EINVAL");
    }
    let Some(catch) = node.catch_signal.as_mut() else {
        return args.return_latin1(b"ENOTSUP");
    };
    match catch(signo) {
        Ok(()) => {
            node.signals_wanted |= bit;
            args.return_undefined();
        }
        Err(_) => args.return_latin1(b"ENOTSUP"),
    }
}

impl<X: 'static> crate::Runtime<X> {
    /// Whether a program listens for signal `signo`.
    pub fn wants_signal(&mut self, signo: i32) -> bool {
        (1..64).contains(&signo) && self.iso.state().node.signals_wanted & (1u64 << signo) != 0
    }

    /// Hands a caught signal to the program's `process` listeners, then runs
    /// the ticks and microtasks they queued.
    pub fn deliver_signal(&mut self, signo: i32) -> Result<(), crate::RuntimeError> {
        let Some(cb) = self.iso.state().node.signal_callback.take() else {
            return Ok(());
        };
        let n = self.iso.number(signo as f64);
        let result = self.iso.call(&cb, &[&n]);
        self.iso.state().node.signal_callback = Some(cb);
        result.map_err(|e| self.failure(e))?;
        self.run_microtasks()
    }
}

fn op_set_tick_callback<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.node.tick_callback = Some(args.value(0));
}

fn op_tick_pending<X>(state: &mut RuntimeState<X>, _: &mut CallArgs<'_>) {
    state.node.tick_pending = true;
}

fn op_set_lifecycle_callback<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.node.lifecycle_callback = Some(args.value(0));
}

/// hrtime(): [seconds, nanoseconds] since the runtime started (Node's
/// origin is arbitrary too; only differences mean anything).
fn op_hrtime<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let d = state.start.elapsed();
    args.return_numbers(&[d.as_secs() as f64, d.subsec_nanos() as f64]);
}

/// Resident set size in bytes, from /proc/self/statm (0 where unreadable).
fn rss() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()))
        .unwrap_or(0.0);
    pages * rustix::param::page_size() as f64
}

/// processInfo(what): one fact about this process.
fn op_process_info<X>(_: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match args.string(0).as_str() {
        "pid" => args.return_number(rustix::process::getpid().as_raw_nonzero().get() as f64),
        "ppid" => args.return_number(
            rustix::process::getppid()
                .map(|p| p.as_raw_nonzero().get() as f64)
                .unwrap_or(0.0),
        ),
        "uid" => args.return_number(rustix::process::getuid().as_raw() as f64),
        "gid" => args.return_number(rustix::process::getgid().as_raw() as f64),
        "euid" => args.return_number(rustix::process::geteuid().as_raw() as f64),
        "egid" => args.return_number(rustix::process::getegid().as_raw() as f64),
        "rss" => args.return_number(rss()),
        "cwd" => match std::env::current_dir() {
            Ok(p) => args.return_str(&p.to_string_lossy()),
            Err(e) => args.throw(ErrorKind::Error, &format!("process.cwd failed: {e}")),
        },
        "execPath" => match std::env::current_exe() {
            Ok(p) => args.return_str(&p.to_string_lossy()),
            Err(_) => args.return_str("howth"),
        },
        other => args.throw(
            ErrorKind::TypeError,
            &format!("processInfo: unknown fact {other:?}"),
        ),
    }
}

/// chdir(path): undefined, or the errno's name ("ENOENT") when it failed.
fn op_chdir<X>(_: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    match rustix::process::chdir(args.string(0).as_str()) {
        Ok(()) => args.return_undefined(),
        Err(e) => {
            let name = match e {
                rustix::io::Errno::NOENT => "ENOENT",
                rustix::io::Errno::NOTDIR => "ENOTDIR",
                rustix::io::Errno::ACCESS => "EACCES",
                rustix::io::Errno::LOOP => "ELOOP",
                rustix::io::Errno::NAMETOOLONG => "ENAMETOOLONG",
                _ => "EIO",
            };
            args.return_str(name);
        }
    }
}

/// heapStats(): [used, total, limit] in bytes.
/// The figures are as of the last microtask checkpoint (or start-up):
/// the first call makes the runtime keep them current from then on.
fn op_heap_stats<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.node.heap_wanted = true;
    args.return_numbers(&state.node.heap);
}

/// setEnv(name, value | undefined): the process's environment follows
/// `process.env`, so child processes and native code see the change, as in
/// Node.
fn op_set_env<X>(_: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let name = args.string(0);
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return;
    }
    if args.kind(1) == howth_engine::Kind::String {
        let value = args.string(1);
        if !value.contains('\0') {
            std::env::set_var(name, value);
        }
    } else {
        std::env::remove_var(name);
    }
}

fn op_set_rejection_callback<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.node.rejection_callback = Some(args.value(0));
}

/// kill(pid, signal): kill(2); undefined when sent, else the errno's name.
/// Signal 0 only checks that the process exists and may be signalled; a
/// pid of 0 or below names a process group, as kill(2) has it.
fn op_kill<X>(_: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    use rustix::io::Errno;
    use rustix::process::{Pid, Signal};
    let (pid, sig) = (args.int(0), args.int(1));
    let signal = match sig {
        0 => None,
        n => match Signal::from_named_raw(n) {
            Some(s) => Some(s),
            None => return args.return_latin1(b"EINVAL"),
        },
    };
    let result = match (pid, Pid::from_raw(pid.abs())) {
        (0, _) => match signal {
            Some(s) => rustix::process::kill_current_process_group(s),
            None => rustix::process::test_kill_current_process_group(),
        },
        (p, Some(target)) if p > 0 => match signal {
            Some(s) => rustix::process::kill_process(target, s),
            None => rustix::process::test_kill_process(target),
        },
        (_, Some(group)) => match signal {
            Some(s) => rustix::process::kill_process_group(group, s),
            None => rustix::process::test_kill_process_group(group),
        },
        (_, None) => Err(Errno::INVAL),
    };
    match result {
        Ok(()) => args.return_undefined(),
        Err(e) => {
            let name: &[u8] = match e {
                Errno::SRCH => b"ESRCH",
                Errno::PERM => b"EPERM",
                _ => b"EINVAL",
            };
            args.return_latin1(name)
        }
    }
}
