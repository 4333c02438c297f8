//! howth-runtime: what Howth's JavaScript can call and how its code is loaded.
//!
//! A [`Runtime`] is one V8 isolate (through `howth-engine`) with ts-lib
//! bootstrapped into it, an ES module loader that compiles TypeScript with
//! swc, timers, and the native ops ts-lib calls. It knows nothing of
//! sockets: the event loop (`howth-loop`) embeds a runtime, adds its HTTP
//! ops through [`Runtime::isolate`], and drives it turn by turn.

#![forbid(unsafe_code)]

mod broadcast;
pub mod dns;
pub mod modules;
pub mod ops;
pub mod pool;
mod timers;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub use howth_engine::v8_version;
pub use howth_engine::{
    CallArgs, ErrorKind, Hooks, Isolate, IsolateOptions, JsError, Kind, ModuleId, Modules, NativeFn,
    PlatformOptions, PromiseState, Startup, TerminateHandle, Value,
};
pub use ops::host::{HostCalls, HostFn, HostFunctions, HostResult, HostValue};
pub use pool::{Completions, Outcome};
pub use timers::Timers;

use modules::loader::ModuleLoader;

/// Howth's version, as `howth --version` and `Howth.version` report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How a runtime is set up.
#[derive(Debug, Clone, Default)]
pub struct RuntimeOptions {
    /// `Howth.args`: the arguments after the entry file.
    pub args: Vec<String>,
    /// `--port` / `PORT`: overrides the port a served default export asks for.
    pub port_override: Option<u16>,
    /// `Howth.workerId`.
    pub worker_id: u32,
    /// V8 heap limit in bytes (0: V8's default).
    pub heap_limit: usize,
    pub platform: PlatformOptions,
    /// The address servers bind when the script names none (default
    /// "0.0.0.0"); set by an embedding program.
    pub hostname: Option<String>,
    /// Native functions of an embedding program: `Howth.ops.name(...)`.
    pub host: HostFunctions,
}

/// The state native ops work on; `ext` belongs to the embedder (the loop).
pub struct RuntimeState<X> {
    pub loader: ModuleLoader,
    pub timers: Timers,
    pub timer_callback: Option<Value>,
    /// Set by `ops.exit`; the loop stops when it is.
    pub exit_code: Option<i32>,
    pub terminate: Option<TerminateHandle>,
    pub boot_info: String,
    pub start: Instant,
    pub time_origin_ms: f64,
    /// Reusable bytes for ops that need a temporary buffer.
    pub scratch: Vec<u8>,
    /// The embedder's host functions.
    pub host: HostCalls,
    /// Jobs on the worker pool and the queue their outcomes come back on.
    pub pool: Completions,
    /// Node's process: the nextTick queue's flag, lifecycle events.
    pub node: ops::node_process::NodeProcess,
    /// Web Crypto's and node:crypto's keys and streaming digests.
    pub crypto: ops::crypto::CryptoState,
    /// BroadcastChannel messages from the other isolates of the process.
    pub broadcast: broadcast::Inbox,
    /// Howth.SQL's and Howth.RedisClient's protocol states, per connection.
    pub postgres: ops::postgres::Postgres,
    pub redis: ops::redis::Redis,
    pub ext: X,
}

/// Why a runtime could not start or run its entry module. Display gives the
/// message to print (already formatted, possibly several lines for a stack).
#[derive(Debug)]
pub enum RuntimeError {
    /// Loading failed: bad TypeScript, a missing import, an unreadable file.
    Load(String),
    /// An uncaught exception or unhandled rejection.
    Uncaught(JsError),
    /// `Howth.exit(code)` / `ops.exit` was called.
    Exit(i32),
    /// A server could not listen (the address is in use, permission is
    /// denied): the program stopped there. The message names the address
    /// and the cause in one line; what to print and which exit code to
    /// give is the embedder's to decide.
    Listen(String),
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::Load(msg) => f.write_str(msg),
            RuntimeError::Uncaught(e) => write!(f, "error: Uncaught {e}"),
            RuntimeError::Exit(code) => write!(f, "exit {code}"),
            RuntimeError::Listen(msg) => write!(f, "error: {msg}"),
        }
    }
}

impl std::error::Error for RuntimeError {}

impl RuntimeError {
    /// The process exit code this error stands for.
    pub fn exit_code(&self) -> i32 {
        match self {
            RuntimeError::Exit(code) => *code,
            _ => 1,
        }
    }
}

/// `HOWTH_TRACE=1` prints how long each startup phase took.
fn startup_trace(phase: &str, since: Instant) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("HOWTH_TRACE").is_some_and(|v| v != "0")) {
        eprintln!(
            "[howth trace] {phase}: {:.2} ms",
            since.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Where the entry module's evaluation stands (top-level await may make it
/// finish several loop turns after it started).
enum MainState {
    NotStarted,
    Evaluating { promise: Value, namespace: Value },
    Done,
}

pub struct Runtime<X: 'static> {
    iso: Isolate<RuntimeState<X>>,
    after_main: Option<Value>,
    main: MainState,
    bootstrapped: bool,
    /// V8's flags (with the threading mode), part of the code cache's key.
    v8_flags: String,
}

fn dynamic_import<X>(
    state: &mut RuntimeState<X>,
    m: &mut Modules<'_>,
    referrer: &str,
    specifier: &str,
) -> Result<ModuleId, String> {
    state.loader.dynamic_import(m, referrer, specifier)
}

fn import_meta<X>(state: &mut RuntimeState<X>, id: ModuleId) -> (String, bool) {
    state.loader.import_meta(id)
}

fn boot_info(opts: &RuntimeOptions, main: Option<&Path>) -> String {
    let env: serde_json::Map<String, serde_json::Value> = std::env::vars_os()
        .filter_map(|(k, v)| {
            Some((
                k.into_string().ok()?,
                serde_json::Value::String(v.into_string().ok()?),
            ))
        })
        .collect();
    serde_json::json!({
        "version": VERSION,
        "v8": howth_engine::v8_version(),
        "args": opts.args,
        "env": env,
        "cwd": std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_default(),
        "mainPath": main.map(|p| p.display().to_string()),
        "mainUrl": main.map(modules::resolve::path_to_file_url),
        "workerId": opts.worker_id,
        "portOverride": opts.port_override,
        "hostname": opts.hostname,
    })
    .to_string()
}

impl<X: 'static> Runtime<X> {
    /// Makes the isolate and registers the runtime's own ops. The embedder
    /// adds its ops through [`Runtime::isolate`] before [`Runtime::run_main`].
    pub fn new(ext: X, opts: &RuntimeOptions) -> Runtime<X> {
        let t0 = Instant::now();
        let mut platform = opts.platform.clone();
        let snapshot_flags = modules::snapshot::snapshot_flags();
        if let Some(flags) = &snapshot_flags {
            platform.flags = format!("{} {flags}", platform.flags).trim_start().to_string();
        }
        let v8_flags = format!("{} threads={}", platform.flags, platform.background_threads);
        howth_engine::init_platform(&platform);
        startup_trace("V8 initialised", t0);
        let snapshot = snapshot_flags.and_then(|_| modules::snapshot::startup_snapshot(&platform, &v8_flags));
        let startup = match &snapshot {
            Some(s) => Startup::Snapshot(s.blob.clone()),
            None => Startup::Empty,
        };
        startup_trace("ts-lib snapshot read", t0);
        let iso_opts = IsolateOptions {
            heap_limit: opts.heap_limit,
            platform,
            startup,
        };
        let state = RuntimeState {
            loader: ModuleLoader::new(),
            timers: Timers::default(),
            timer_callback: None,
            exit_code: None,
            terminate: None,
            boot_info: boot_info(opts, None),
            start: Instant::now(),
            time_origin_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(0.0),
            scratch: Vec::new(),
            host: HostCalls::new(opts.host.clone()),
            pool: Completions::new(),
            node: Default::default(),
            crypto: Default::default(),
            broadcast: Default::default(),
            postgres: Default::default(),
            redis: Default::default(),
            ext,
        };
        let hooks = Hooks {
            dynamic_import: Some(dynamic_import::<X>),
            import_meta: Some(import_meta::<X>),
        };
        let mut iso = Isolate::new(state, &iso_opts, hooks);
        if let Some(s) = &snapshot {
            // Before anything compiles: built-ins loaded later link to the
            // snapshot's instances of the ts-lib modules they import.
            let ids = iso.snapshot_modules();
            iso.state().loader.adopt_snapshot_modules(&ids, &s.modules);
        }
        startup_trace("isolate created", t0);
        let handle = iso.terminate_handle();
        iso.state().terminate = Some(handle);
        ops::core::register(&mut iso);
        ops::timers::register(&mut iso);
        ops::register_web(&mut iso);
        ops::host::register(&mut iso);
        pool::register(&mut iso);
        ops::fs::register(&mut iso);
        ops::os::register(&mut iso);
        ops::zlib::register(&mut iso);
        ops::router::register(&mut iso);
        ops::crypto::register(&mut iso);
        broadcast::register(&mut iso);
        ops::child::register(&mut iso);
        dns::register(&mut iso);
        ops::postgres::register(&mut iso);
        ops::redis::register(&mut iso);
        ops::node_buffer::register(&mut iso);
        ops::node_process::register(&mut iso);
        ops::async_context::register(&mut iso);
        modules::cjs_ops::register(&mut iso);
        startup_trace("runtime ops registered", t0);
        Runtime {
            iso,
            after_main: None,
            main: MainState::NotStarted,
            bootstrapped: false,
            v8_flags,
        }
    }

    /// Ends the runtime without V8's teardown: see
    /// [`Isolate::exit_without_teardown`]. Only for a process about to exit.
    pub fn exit_without_teardown(self) {
        self.iso.exit_without_teardown();
    }

    pub fn isolate(&mut self) -> &mut Isolate<RuntimeState<X>> {
        &mut self.iso
    }

    pub fn state(&mut self) -> &mut RuntimeState<X> {
        self.iso.state()
    }

    /// Turns a JS failure into a RuntimeError, noticing `exit()`.
    fn failure(&mut self, e: JsError) -> RuntimeError {
        match self.iso.state().exit_code {
            Some(code) => RuntimeError::Exit(code),
            None => RuntimeError::Uncaught(e),
        }
    }

    /// Runs ts-lib's bootstrap: installs the globals user code sees.
    fn bootstrap(&mut self, main: Option<&Path>) -> Result<(), RuntimeError> {
        if self.bootstrapped {
            return Ok(());
        }
        self.bootstrapped = true;
        let args = self.iso.state().boot_info.clone();
        // Refresh boot info with the entry path now that it is known.
        if let Some(main) = main {
            let parsed: serde_json::Value = serde_json::from_str(&args).unwrap_or_default();
            let mut v = parsed;
            v["mainPath"] = serde_json::Value::String(main.display().to_string());
            v["mainUrl"] = serde_json::Value::String(modules::resolve::path_to_file_url(main));
            self.iso.state().boot_info = v.to_string();
        }
        let t0 = Instant::now();
        let bootstrap = match self.iso.snapshot_data() {
            Some(bootstrap) => bootstrap,
            None => self.evaluate_ts_lib(t0)?,
        };
        let ops = self.iso.ops_object();
        let hooks = self.iso.call(&bootstrap, &[&ops]).map_err(|e| self.failure(e))?;
        self.after_main = self.iso.get(&hooks, "afterMain");
        if let Some(f) = self.iso.get(&hooks, "importMeta") {
            self.iso.set_import_meta_hook(&f);
        }
        self.iso.run_microtasks();
        startup_trace("ts-lib bootstrapped", t0);
        let (mut m, mut state) = self.iso.modules_and_state();
        state.loader.save_code_cache(&mut m);
        Ok(())
    }

    /// Compiles and evaluates ts-lib in this isolate and runs its
    /// `prepare()` (no snapshot to start from); returns `bootstrap`.
    fn evaluate_ts_lib(&mut self, t0: Instant) -> Result<Value, RuntimeError> {
        let (mut m, mut state) = self.iso.modules_and_state();
        state.loader.code_cache = modules::code_cache::CodeCache::open(
            modules::ts_lib(),
            &howth_engine::v8_version(),
            &self.v8_flags,
        );
        let id = state
            .loader
            .load_internal(&mut m, modules::snapshot::BOOTSTRAP_MODULE)
            .map_err(|e| RuntimeError::Load(e.to_string()))?;
        drop(state);
        startup_trace("ts-lib compiled and linked", t0);
        m.evaluate(id).map_err(RuntimeError::Uncaught)?;
        startup_trace("ts-lib evaluated", t0);
        let ns = m.namespace(id);
        let export = |iso: &mut Isolate<RuntimeState<X>>, name: &str| {
            iso.get(&ns, name).ok_or_else(|| {
                RuntimeError::Load(format!("ts-lib: the bootstrap module exports no {name}()"))
            })
        };
        let prepare = export(&mut self.iso, "prepare")?;
        self.iso.call(&prepare, &[]).map_err(|e| self.failure(e))?;
        export(&mut self.iso, "bootstrap")
    }

    /// Loads and starts evaluating the entry module. Evaluation finishes in
    /// [`Runtime::poll_main`] (immediately, unless it awaits at top level).
    pub fn run_main(&mut self, entry: &Path) -> Result<(), RuntimeError> {
        let path: PathBuf = entry.canonicalize().map_err(|e| {
            RuntimeError::Load(format!("error: Module not found \"{}\": {e}", entry.display()))
        })?;
        self.bootstrap(Some(&path))?;
        let t0 = Instant::now();
        let (mut m, mut state) = self.iso.modules_and_state();
        state.loader.package_cache =
            modules::package_cache::PackageCache::open(&howth_engine::v8_version(), &self.v8_flags);
        let id = state
            .loader
            .load_graph(&mut m, &path)
            .map_err(|e| RuntimeError::Load(e.to_string()))?;
        state.loader.set_main(id);
        drop(state);
        m.set_main(id);
        let promise = m.evaluate(id);
        let namespace = m.namespace(id);
        let promise = promise.map_err(|e| self.failure(e))?;
        self.main = MainState::Evaluating { promise, namespace };
        startup_trace("entry module loaded and evaluated", t0);
        // An ES module's evaluation is itself a promise job in Node: the
        // promise reactions it queued run before its process.nextTick
        // callbacks.
        self.iso.run_microtasks();
        self.run_microtasks()?;
        self.poll_main()
    }

    /// Finishes the entry module once its evaluation promise settles, then
    /// lets ts-lib serve a default export.
    pub fn poll_main(&mut self) -> Result<(), RuntimeError> {
        let MainState::Evaluating { promise, .. } = &self.main else {
            return Ok(());
        };
        match self.iso.promise_state(promise) {
            PromiseState::Pending => Ok(()),
            PromiseState::Rejected => {
                let reason = self.iso.promise_result(promise);
                self.iso.mark_handled(promise);
                let err = match reason {
                    Some(reason) => self.iso.describe(&reason),
                    None => JsError::default(),
                };
                self.main = MainState::Done;
                Err(self.failure(err))
            }
            PromiseState::Fulfilled | PromiseState::NotAPromise => {
                let MainState::Evaluating { namespace, .. } =
                    std::mem::replace(&mut self.main, MainState::Done)
                else {
                    unreachable!()
                };
                // Package modules have run their top level: cache them now.
                let (mut m, mut state) = self.iso.modules_and_state();
                state.loader.save_package_cache(&mut m);
                drop((m, state));
                if let Some(after) = self.after_main.take() {
                    self.iso
                        .call(&after, &[&namespace])
                        .map_err(|e| self.failure(e))?;
                    self.run_microtasks()?;
                }
                Ok(())
            }
        }
    }

    /// True while the entry module awaits at top level.
    pub fn main_pending(&self) -> bool {
        matches!(self.main, MainState::Evaluating { .. })
    }

    /// Runs microtasks, then fails on the first unhandled rejection or exit.
    pub fn run_microtasks(&mut self) -> Result<(), RuntimeError> {
        // Node's order: process.nextTick callbacks, then promise reactions,
        // again while either queues more ticks (ops/node_process.rs).
        loop {
            self.run_ticks()?;
            self.iso.run_microtasks();
            if !self.iso.state().node.tick_pending {
                break;
            }
        }
        if self.iso.state().node.heap_wanted {
            let s = self.iso.heap_stats();
            self.iso.state().node.heap = [s.used as f64, s.total as f64, s.limit as f64];
        }
        if let Some(code) = self.iso.state().exit_code {
            return Err(RuntimeError::Exit(code));
        }
        // node:process listens: each unhandled rejection goes to JS (the
        // `unhandledRejection` event), whose listeners may queue more work.
        // One at a time: the checkpoint runs again after each, so the ticks
        // and reactions a listener queues run before the next event.
        if let Some(cb) = self.iso.state().node.rejection_callback.take() {
            let taken = self.iso.take_unhandled_rejection_values();
            let result = taken.map(|(promise, reason)| self.iso.call(&cb, &[&reason, &promise]));
            self.iso.state().node.rejection_callback = Some(cb);
            if let Some(result) = result {
                result.map(drop).map_err(|e| self.failure(e))?;
                return self.run_microtasks();
            }
        }
        if let Some(mut e) = self.iso.take_unhandled_rejection() {
            e.message = format!("(in promise) {}", e.message);
            if let Some(stack) = e.stack.take() {
                e.stack = Some(format!("(in promise) {stack}"));
            }
            return Err(RuntimeError::Uncaught(e));
        }
        Ok(())
    }

    /// Runs the queued process.nextTick callbacks, if any.
    fn run_ticks(&mut self) -> Result<(), RuntimeError> {
        let node = &mut self.iso.state().node;
        if !node.tick_pending {
            return Ok(());
        }
        node.tick_pending = false;
        let Some(cb) = node.tick_callback.take() else {
            return Ok(());
        };
        let result = self.iso.call(&cb, &[]);
        self.iso.state().node.tick_callback = Some(cb);
        result.map(drop).map_err(|e| self.failure(e))?;
        if let Some(code) = self.iso.state().exit_code {
            return Err(RuntimeError::Exit(code));
        }
        Ok(())
    }

    /// The loop has nothing left to do: Node's `beforeExit` event, which
    /// may schedule more work (then the loop goes on: true), and when it
    /// does not, the `exit` event. False when the program is done.
    pub fn before_exit(&mut self) -> Result<bool, RuntimeError> {
        for event in ["beforeExit", "exit"] {
            let Some(cb) = self.iso.state().node.lifecycle_callback.take() else {
                return Ok(false);
            };
            let name = self.iso.string(event);
            let result = self.iso.call(&cb, &[&name]);
            self.iso.state().node.lifecycle_callback = Some(cb);
            result.map_err(|e| self.failure(e))?;
            self.run_microtasks()?;
            if event == "beforeExit" && self.has_pending_work() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The earliest timer deadline, for the loop's poll timeout.
    pub fn next_timer(&mut self) -> Option<Instant> {
        self.iso.state().timers.next_deadline()
    }

    /// True while something in JS can still happen on its own: a ref'd timer,
    /// a job on the worker pool or a pending top-level await.
    pub fn has_pending_work(&mut self) -> bool {
        let state = self.iso.state();
        let pending = state.timers.keeps_alive() || state.pool.in_flight() > 0;
        self.main_pending() || pending
    }

    /// Drains the completion queue: settles the promises and callbacks of
    /// pool jobs (async host calls, fs, ...) whose outcomes have arrived,
    /// then delivers BroadcastChannel messages from other isolates.
    /// The loop calls this once per turn before its microtask checkpoint,
    /// which then runs the promises' reactions.
    pub fn settle_completions(&mut self) -> Result<(), RuntimeError> {
        pool::settle(&mut self.iso).map_err(|e| self.failure(e))?;
        broadcast::deliver(&mut self.iso).map_err(|e| self.failure(e))
    }

    /// Fires every timer due now, with a microtask checkpoint after each
    /// (as browsers and Node do).
    pub fn run_due_timers(&mut self) -> Result<(), RuntimeError> {
        let now = Instant::now();
        while let Some(id) = self.iso.state().timers.pop_due(now) {
            let Some(cb) = self.iso.state().timer_callback.take() else {
                continue;
            };
            let result = self.iso.call_with_int(&cb, id as i32);
            self.iso.state().timer_callback = Some(cb);
            if let Err(e) = result {
                return Err(self.failure(e));
            }
            self.run_microtasks()?;
        }
        self.poll_main()
    }

    /// Evaluates a classic script (tests, `howth eval`).
    pub fn eval(&mut self, name: &str, source: &str) -> Result<Value, RuntimeError> {
        self.bootstrap(None)?;
        self.iso.eval_script(name, source).map_err(|e| self.failure(e))
    }
}
