use std::cell::{Cell, UnsafeCell};
use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::Once;

use crate::args::{CallArgs, ErrorKind};
use crate::error::{ErrorSinks, JsError};
use crate::ffi;
use crate::value::{PromiseState, Value};

/// Process-wide V8 settings, applied by the first isolate made.
#[derive(Debug, Clone, Default)]
pub struct PlatformOptions {
    /// Let V8 use background threads (concurrent GC and compilation). Off by
    /// default: the isolate's thread does all of V8's work.
    pub background_threads: bool,
    /// Extra V8 flags, as on the d8 command line.
    pub flags: String,
}

static INIT: Once = Once::new();

/// Initialises V8 once for the process (later calls do nothing). V8 is
/// never torn down.
pub fn init_platform(opts: &PlatformOptions) {
    INIT.call_once(|| {
        let flags = CString::new(opts.flags.replace('\0', "")).unwrap_or_default();
        // SAFETY: called once per process (guarded by INIT) before any
        // isolate exists, with a NUL-terminated flags string.
        unsafe { ffi::howth_v8_init(flags.as_ptr(), (!opts.background_threads) as c_int) }
    });
}

/// Whether this V8 can make and load startup snapshots of module graphs
/// (see [`Startup`]).
pub fn snapshots_supported() -> bool {
    // SAFETY: looks up two symbols once; no V8 state is touched.
    unsafe { ffi::howth_snapshot_supported() != 0 }
}

/// V8's version string, e.g. "10.2.154.26-node.36". Needs no initialisation.
pub fn v8_version() -> String {
    // SAFETY: V8 returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(ffi::howth_v8_version()) }
        .to_string_lossy()
        .into_owned()
}

/// Identifies a compiled ES module within its isolate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModuleId(pub u32);

/// A native function: gets the isolate's state and the call's arguments.
pub type NativeFn<S> = fn(&mut S, &mut CallArgs<'_>);

/// A native function that loads an ES module graph synchronously (Node's
/// `require()` of an ES module): it gets the state, the module API and the
/// call's arguments and returns the loaded, instantiated module. The engine
/// then evaluates it, with the state no longer borrowed, and returns its
/// namespace to JS (or throws what evaluating it threw).
pub type ModuleOpFn<S> = fn(&mut S, &mut Modules<'_>, &mut CallArgs<'_>) -> Result<ModuleId, String>;

/// Loads a module for `import()`: compile it (and its graph) with the given
/// `Modules` and return its id, or an error message.
pub type DynamicImportFn<S> =
    fn(&mut S, &mut Modules<'_>, referrer: &str, specifier: &str) -> Result<ModuleId, String>;

/// Gives `import.meta.url` and whether the module is the entry point.
pub type ImportMetaFn<S> = fn(&mut S, ModuleId) -> (String, bool);

/// Host hooks V8 calls while running code.
pub struct Hooks<S> {
    pub dynamic_import: Option<DynamicImportFn<S>>,
    pub import_meta: Option<ImportMetaFn<S>>,
}

impl<S> Default for Hooks<S> {
    fn default() -> Self {
        Hooks {
            dynamic_import: None,
            import_meta: None,
        }
    }
}

/// The bytes of a startup snapshot, in memory or mapped from a file.
pub struct SnapshotBlob {
    bytes: BlobBytes,
    start: usize,
}

enum BlobBytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl SnapshotBlob {
    pub fn from_vec(bytes: Vec<u8>) -> SnapshotBlob {
        SnapshotBlob {
            bytes: BlobBytes::Owned(bytes),
            start: 0,
        }
    }

    /// Maps `file` read-only: the page cache's pages are used as they are,
    /// never copied. The caller must only ever replace the file (write
    /// another and rename it over), never modify it in place.
    pub fn map(file: &std::fs::File) -> std::io::Result<SnapshotBlob> {
        // SAFETY: the mapping is read-only and private to this blob; the
        // contract above (files are replaced, not rewritten) means the bytes
        // cannot change under it: a rename leaves this inode as it was.
        let map = unsafe { memmap2::Mmap::map(file)? };
        Ok(SnapshotBlob {
            bytes: BlobBytes::Mapped(map),
            start: 0,
        })
    }

    /// The same blob without its first `n` bytes (a file header).
    pub fn skip(mut self, n: usize) -> SnapshotBlob {
        self.start = (self.start + n).min(self.all().len());
        self
    }

    fn all(&self) -> &[u8] {
        match &self.bytes {
            BlobBytes::Owned(v) => v,
            BlobBytes::Mapped(m) => m,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.all()[self.start..]
    }
}

/// What a new isolate's heap starts from.
#[derive(Clone, Default)]
pub enum Startup {
    /// V8's built-in snapshot: an empty context.
    #[default]
    Empty,
    /// A snapshot made by [`Isolate::create_snapshot`] with the same V8 and
    /// the same flags. Its context is the default context. The flags must
    /// fix V8's hash seed (`--hash-seed=N`): with a seed of its own, V8 10.2
    /// rehashes the snapshot's heap and intermittently loses names of a
    /// module graph (an import binding reads as undefined).
    Snapshot(Arc<SnapshotBlob>),
    /// The isolate will end in [`Isolate::create_snapshot`]. It cannot have
    /// native functions (a snapshot holds none) or a heap limit.
    ForSnapshot,
}

impl std::fmt::Debug for Startup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Startup::Empty => f.write_str("Empty"),
            Startup::Snapshot(b) => write!(f, "Snapshot({} bytes)", b.bytes().len()),
            Startup::ForSnapshot => f.write_str("ForSnapshot"),
        }
    }
}

/// Options for one isolate.
#[derive(Debug, Clone, Default)]
pub struct IsolateOptions {
    /// Maximum heap size in bytes; 0 for V8's default.
    pub heap_limit: usize,
    pub platform: PlatformOptions,
    pub startup: Startup,
}

/// What the shim's callbacks reach: the state, the hooks and the isolate.
struct Host<S> {
    state: UnsafeCell<S>,
    hooks: Hooks<S>,
    raw: Cell<*mut ffi::HowthIsolate>,
    alive: Rc<Cell<bool>>,
}

struct NativeEntry<S> {
    f: NativeFn<S>,
    host: *const Host<S>,
}

struct ModuleOpEntry<S> {
    f: ModuleOpFn<S>,
    host: *const Host<S>,
}

/// A V8 isolate with one context, owned by the thread that made it, plus
/// the Rust state `S` its native functions work on.
///
/// Native functions receive `&mut S`. That is sound because JS only runs
/// inside methods taking `&mut self`, so no other reference to `S` is live
/// while a native function runs, and native functions cannot run JS.
pub struct Isolate<S: 'static> {
    raw: NonNull<ffi::HowthIsolate>,
    host: Box<Host<S>>,
    // Boxed for stable addresses: V8 holds a pointer to each entry, and a
    // growing Vec would move unboxed entries.
    #[allow(clippy::vec_box)]
    natives: Vec<Box<NativeEntry<S>>>,
    #[allow(clippy::vec_box)]
    module_ops: Vec<Box<ModuleOpEntry<S>>>,
    /// The snapshot V8 reads from for this isolate's whole life.
    _snapshot: Option<Arc<SnapshotBlob>>,
    for_snapshot: bool,
}

/// Stops running JavaScript from another thread (a watchdog).
#[derive(Clone, Copy)]
pub struct TerminateHandle(*mut c_void);

// SAFETY: v8::Isolate::TerminateExecution is documented as callable from any
// thread; the handle is only used for that, and the runtime keeps the
// isolate alive for as long as the handle's watchdog may use it.
unsafe impl Send for TerminateHandle {}
unsafe impl Sync for TerminateHandle {}

impl TerminateHandle {
    pub fn terminate(&self) {
        // SAFETY: see the Send/Sync impls.
        unsafe { ffi::howth_terminate_raw(self.0) }
    }
}

/// Heap figures in bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct HeapStats {
    pub used: usize,
    pub total: usize,
    pub limit: usize,
}

unsafe extern "C" fn native_trampoline<S>(data: *mut c_void, args: *const c_void) {
    // SAFETY: `data` is the NativeEntry<S> registered with this function; it
    // lives in `Isolate::natives` for as long as the isolate. The host's
    // state is not otherwise borrowed while JS runs (see `Isolate`).
    let entry = &*(data as *const NativeEntry<S>);
    let host = &*entry.host;
    let mut call = CallArgs::new(args, &host.alive);
    (entry.f)(&mut *host.state.get(), &mut call);
}

unsafe extern "C" fn module_op_trampoline<S>(data: *mut c_void, args: *const c_void) {
    // SAFETY: `data` is the ModuleOpEntry<S> registered with this function;
    // it lives in `Isolate::module_ops` for as long as the isolate. The
    // state is borrowed only while `f` runs, which loads modules but runs
    // no JS; it is released before the module is evaluated, so natives
    // called by that JS borrow it afresh, never twice at once.
    let entry = &*(data as *const ModuleOpEntry<S>);
    let host = &*entry.host;
    let mut call = CallArgs::new(args, &host.alive);
    let mut modules = Modules {
        raw: host.raw.get(),
        alive: &host.alive,
    };
    let loaded = (entry.f)(&mut *host.state.get(), &mut modules, &mut call);
    match loaded {
        Ok(id) => evaluate_for_call(&mut modules, &mut call, id),
        Err(msg) => call.throw(ErrorKind::Error, &msg),
    }
}

/// Evaluates an instantiated module inside a native call and returns its
/// namespace; a module that awaits at top level cannot finish inside the
/// call and is refused, as Node's `require()` refuses it.
fn evaluate_for_call(modules: &mut Modules<'_>, call: &mut CallArgs<'_>, id: ModuleId) {
    // SAFETY (all blocks below): the isolate is live (a native of it is
    // running); `id` came from its module table; values are its globals.
    let status = unsafe { ffi::howth_module_status(modules.raw, id.0 as c_int) };
    if status == 3 {
        let e = modules.exception(id);
        return call.throw(ErrorKind::Error, &e.message);
    }
    if status == 1 {
        let promise = match modules.evaluate(id) {
            Ok(p) => p,
            Err(e) => return call.throw(ErrorKind::Error, &e.message),
        };
        // SAFETY: as above.
        match unsafe { ffi::howth_promise_state(modules.raw, promise.raw.as_ptr()) } {
            0 => {
                // SAFETY: as above.
                unsafe { ffi::howth_promise_mark_handled(modules.raw, promise.raw.as_ptr()) };
                return call.throw(
                    ErrorKind::Error,
                    "require() cannot load an ES module that uses top-level await; use import() instead \
                     (ERR_REQUIRE_ASYNC_MODULE)",
                );
            }
            2 => {
                // SAFETY: as above.
                unsafe { ffi::howth_promise_mark_handled(modules.raw, promise.raw.as_ptr()) };
                // SAFETY: as above; the promise is settled.
                let reason = unsafe { ffi::howth_promise_result(modules.raw, promise.raw.as_ptr()) };
                if let Some(reason) = Value::from_raw(reason, modules.alive) {
                    let mut sinks = ErrorSinks::default();
                    let mut out = sinks.out();
                    // SAFETY: as above; the sinks outlive the call.
                    unsafe { ffi::howth_value_describe(modules.raw, reason.raw.as_ptr(), &mut out) };
                    let e = sinks.finish(&out);
                    return call.throw(ErrorKind::Error, &e.message);
                }
                return call.throw(ErrorKind::Error, "the module threw while it was evaluated");
            }
            _ => {}
        }
    }
    let ns = modules.namespace(id);
    call.return_value(&ns);
}

unsafe extern "C" fn dynamic_import_trampoline<S>(
    host: *mut c_void,
    referrer: *const c_char,
    rlen: usize,
    spec: *const c_char,
    slen: usize,
    err_sink: *mut c_void,
) -> c_int {
    // SAFETY: `host` is the Box<Host<S>> of the isolate running this import;
    // the strings are valid for the call.
    let host = &*(host as *const Host<S>);
    let referrer = String::from_utf8_lossy(std::slice::from_raw_parts(referrer as *const u8, rlen));
    let spec = String::from_utf8_lossy(std::slice::from_raw_parts(spec as *const u8, slen));
    let Some(f) = host.hooks.dynamic_import else {
        let msg = format!("cannot import '{spec}': dynamic import is not enabled");
        ffi::howth_sink_write(err_sink, msg.as_ptr() as *const c_char, msg.len());
        return -1;
    };
    let mut modules = Modules {
        raw: host.raw.get(),
        alive: &host.alive,
    };
    match f(&mut *host.state.get(), &mut modules, &referrer, &spec) {
        Ok(id) => id.0 as c_int,
        Err(msg) => {
            ffi::howth_sink_write(err_sink, msg.as_ptr() as *const c_char, msg.len());
            -1
        }
    }
}

unsafe extern "C" fn import_meta_trampoline<S>(
    host: *mut c_void,
    id: c_int,
    url_sink: *mut c_void,
    is_main: *mut c_int,
) {
    // SAFETY: as in dynamic_import_trampoline; `is_main` is a valid out-param.
    let host = &*(host as *const Host<S>);
    if let Some(f) = host.hooks.import_meta {
        let (url, main) = f(&mut *host.state.get(), ModuleId(id as u32));
        ffi::howth_sink_write(url_sink, url.as_ptr() as *const c_char, url.len());
        *is_main = main as c_int;
    }
}

impl<S: 'static> Isolate<S> {
    /// Makes an isolate on the calling thread with `state` for its natives.
    pub fn new(state: S, opts: &IsolateOptions, hooks: Hooks<S>) -> Isolate<S> {
        init_platform(&opts.platform);
        let host = Box::new(Host {
            state: UnsafeCell::new(state),
            hooks,
            raw: Cell::new(std::ptr::null_mut()),
            alive: Rc::new(Cell::new(true)),
        });
        let cb = ffi::HostCallbacks {
            host: &*host as *const Host<S> as *mut c_void,
            dynamic_import: dynamic_import_trampoline::<S>,
            import_meta: import_meta_trampoline::<S>,
        };
        let snapshot = match &opts.startup {
            Startup::Snapshot(bytes) => Some(bytes.clone()),
            _ => None,
        };
        let (ptr, len) = snapshot.as_ref().map_or((std::ptr::null(), 0), |b| {
            (b.bytes().as_ptr() as *const c_char, b.bytes().len())
        });
        let for_snapshot = matches!(opts.startup, Startup::ForSnapshot);
        // SAFETY: the platform is initialised; `cb.host` points into a Box
        // that the returned Isolate owns and outlives the V8 isolate; the
        // snapshot bytes are kept in the Isolate for as long as V8 lives.
        let raw = unsafe { ffi::howth_isolate_new(opts.heap_limit, cb, ptr, len, for_snapshot as c_int) };
        let raw = NonNull::new(raw).expect("V8 failed to create an isolate");
        host.raw.set(raw.as_ptr());
        Isolate {
            raw,
            host,
            natives: Vec::new(),
            module_ops: Vec::new(),
            _snapshot: snapshot,
            for_snapshot,
        }
    }

    /// Serialises the isolate (made with [`Startup::ForSnapshot`]) into a
    /// startup snapshot; `data` comes back from [`Isolate::snapshot_data`]
    /// in isolates made from it. Values other than `data` must have been
    /// dropped. None if V8 could not serialise the heap.
    pub fn create_snapshot(self, data: Value) -> Option<Vec<u8>> {
        assert!(self.for_snapshot, "create_snapshot needs Startup::ForSnapshot");
        assert!(self.natives.is_empty(), "a snapshot cannot hold native functions");
        let mut out: Vec<u8> = Vec::new();
        // SAFETY: the isolate is live and idle (`&mut self`); the shim takes
        // ownership of `data`'s handle; `out` is a valid sink for the call.
        // Afterwards the only call on the isolate is the dispose in Drop.
        let ok = unsafe {
            ffi::howth_snapshot_create(
                self.raw(),
                data.into_raw(),
                &mut out as *mut Vec<u8> as *mut c_void,
            )
        };
        self.host.alive.set(false);
        (ok != 0).then_some(out)
    }

    /// Ends the isolate without V8's teardown, for a process that is about
    /// to exit and frees everything at once (V8's teardown unmaps its heap
    /// page by page). The state is dropped as usual (sockets close); V8's
    /// heap and the shim's records are left to the exit.
    pub fn exit_without_teardown(self) {
        self.host.alive.set(false);
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so each field below is read out
        // and dropped exactly once; `raw` is deliberately not disposed. No
        // JS can run again (the isolate is consumed), so V8 never calls the
        // natives or hooks whose memory is freed here.
        unsafe {
            drop(std::ptr::read(&this.natives));
            drop(std::ptr::read(&this.host));
            drop(std::ptr::read(&this._snapshot));
        }
    }

    /// The value a snapshot was made with (see [`Isolate::create_snapshot`]);
    /// None when the isolate did not start from a snapshot, or on a second call.
    pub fn snapshot_data(&mut self) -> Option<Value> {
        // SAFETY: the isolate is live; the shim returns a new Global or null.
        let raw = unsafe { ffi::howth_snapshot_data(self.raw()) };
        self.wrap(raw)
    }

    /// The modules of the isolate the snapshot was made in, with the ids
    /// they had there (every module it compiled, in order: ids `0..n`), so
    /// new modules can import those instances. Call before compiling any
    /// module; empty when the isolate did not start from a snapshot or on a
    /// second call.
    pub fn snapshot_modules(&mut self) -> Vec<ModuleId> {
        // SAFETY: the isolate is live and idle (`&mut self`); the shim only
        // fills its own module table.
        let n = unsafe { ffi::howth_snapshot_modules(self.raw()) };
        (0..n.max(0) as u32).map(ModuleId).collect()
    }

    /// Calls `f(meta)` with every module's `import.meta` when V8 makes it
    /// (on a module's first use of `import.meta`), after `url` and `main`
    /// are set, so JS can add more (`dirname`, `resolve`, ...). A value
    /// that is not a function turns the hook off; what it throws is ignored.
    pub fn set_import_meta_hook(&mut self, f: &Value) {
        // SAFETY: the isolate is live and idle (`&mut self`); `f` is a
        // global of it, only read during the call.
        unsafe { ffi::howth_set_import_meta_hook(self.raw(), f.raw.as_ptr()) }
    }

    fn raw(&self) -> *mut ffi::HowthIsolate {
        self.raw.as_ptr()
    }

    /// The state natives work on.
    pub fn state(&mut self) -> &mut S {
        // SAFETY: `&mut self` guarantees no JS (hence no native) is running.
        unsafe { &mut *self.host.state.get() }
    }

    /// Makes `name` a native function on the `ops` object.
    pub fn set_op(&mut self, name: &str, f: NativeFn<S>) {
        assert!(!self.for_snapshot, "a snapshot cannot hold native functions");
        let entry = Box::new(NativeEntry {
            f,
            host: &*self.host as *const Host<S>,
        });
        let data = &*entry as *const NativeEntry<S> as *mut c_void;
        self.natives.push(entry);
        // SAFETY: `data` stays valid for the isolate's life (kept in
        // `natives`); the trampoline is instantiated for this S.
        unsafe {
            ffi::howth_ops_set_function(
                self.raw(),
                name.as_ptr() as *const c_char,
                name.len(),
                native_trampoline::<S>,
                data,
            )
        }
    }

    /// Makes `name` a native function on the `ops` object that loads an ES
    /// module with `f`, evaluates it and returns its namespace (see
    /// [`ModuleOpFn`]).
    pub fn set_module_op(&mut self, name: &str, f: ModuleOpFn<S>) {
        assert!(!self.for_snapshot, "a snapshot cannot hold native functions");
        let entry = Box::new(ModuleOpEntry {
            f,
            host: &*self.host as *const Host<S>,
        });
        let data = &*entry as *const ModuleOpEntry<S> as *mut c_void;
        self.module_ops.push(entry);
        // SAFETY: `data` stays valid for the isolate's life (kept in
        // `module_ops`); the trampoline is instantiated for this S.
        unsafe {
            ffi::howth_ops_set_function(
                self.raw(),
                name.as_ptr() as *const c_char,
                name.len(),
                module_op_trampoline::<S>,
                data,
            )
        }
    }

    /// The object holding the native functions, to hand to bootstrap code.
    pub fn ops_object(&mut self) -> Value {
        // SAFETY: the isolate is live; the shim returns a new Global.
        let raw = unsafe { ffi::howth_ops_object(self.raw()) };
        self.wrap(raw).expect("ops object")
    }

    fn wrap(&self, raw: *mut ffi::HowthValue) -> Option<Value> {
        Value::from_raw(raw, &self.host.alive)
    }

    /// Compiles and runs a classic script; returns its completion value.
    pub fn eval_script(&mut self, name: &str, source: &str) -> Result<Value, JsError> {
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; the slices are valid for the call; `out`
        // points at sinks that outlive it.
        let raw = unsafe {
            ffi::howth_eval_script(
                self.raw(),
                name.as_ptr() as *const c_char,
                name.len(),
                source.as_ptr() as *const c_char,
                source.len(),
                &mut out,
            )
        };
        self.wrap(raw).ok_or_else(|| sinks.finish(&out))
    }

    /// Calls `f(args...)` (at most 8 arguments).
    pub fn call(&mut self, f: &Value, args: &[&Value]) -> Result<Value, JsError> {
        let argv: Vec<*mut ffi::HowthValue> = args.iter().map(|v| v.raw.as_ptr()).collect();
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; `f` and the args are globals of it.
        let raw = unsafe {
            ffi::howth_call(
                self.raw(),
                f.raw.as_ptr(),
                argv.len() as c_int,
                argv.as_ptr(),
                &mut out,
            )
        };
        self.wrap(raw).ok_or_else(|| sinks.finish(&out))
    }

    /// The hot call: `f(n)` with the result discarded. `f` must be a
    /// function (check once with `is_function`).
    pub fn call_with_int(&mut self, f: &Value, n: i32) -> Result<(), JsError> {
        // Empty Vecs do not allocate: describing errors costs nothing
        // until one happens.
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; `f` is a global of it, checked to be a
        // function by the caller's contract (the shim casts it).
        let ok = unsafe { ffi::howth_call_int(self.raw(), f.raw.as_ptr(), n, &mut out) };
        if ok != 0 {
            Ok(())
        } else {
            Err(sinks.finish(&out))
        }
    }

    pub fn is_function(&mut self, v: &Value) -> bool {
        // SAFETY: live isolate; `v` is a global of it.
        unsafe { ffi::howth_value_is_function(self.raw(), v.raw.as_ptr()) != 0 }
    }

    pub fn string(&mut self, s: &str) -> Value {
        // SAFETY: live isolate; slice valid for the call.
        let raw = unsafe { ffi::howth_value_string(self.raw(), s.as_ptr() as *const c_char, s.len()) };
        self.wrap(raw).expect("string value")
    }

    pub fn number(&mut self, d: f64) -> Value {
        // SAFETY: live isolate.
        let raw = unsafe { ffi::howth_value_number(self.raw(), d) };
        self.wrap(raw).expect("number value")
    }

    /// `String(v)`.
    pub fn to_string(&mut self, v: &Value) -> String {
        let mut s = Vec::new();
        // SAFETY: live isolate; `v` is a global of it; the sink outlives the call.
        unsafe { ffi::howth_value_to_utf8(self.raw(), v.raw.as_ptr(), ffi::sink(&mut s)) };
        String::from_utf8_lossy(&s).into_owned()
    }

    /// `obj[key]`, or None when undefined or `obj` is not an object.
    pub fn get(&mut self, obj: &Value, key: &str) -> Option<Value> {
        // SAFETY: live isolate; `obj` is a global of it.
        let raw = unsafe {
            ffi::howth_value_get(
                self.raw(),
                obj.raw.as_ptr(),
                key.as_ptr() as *const c_char,
                key.len(),
            )
        };
        self.wrap(raw)
    }

    /// Describes a thrown value (message and stack) as a JsError.
    pub fn describe(&mut self, v: &Value) -> JsError {
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; `v` is a global of it.
        unsafe { ffi::howth_value_describe(self.raw(), v.raw.as_ptr(), &mut out) };
        sinks.finish(&out)
    }

    pub fn promise_state(&mut self, v: &Value) -> PromiseState {
        // SAFETY: live isolate; `v` is a global of it.
        match unsafe { ffi::howth_promise_state(self.raw(), v.raw.as_ptr()) } {
            0 => PromiseState::Pending,
            1 => PromiseState::Fulfilled,
            2 => PromiseState::Rejected,
            _ => PromiseState::NotAPromise,
        }
    }

    /// The value or reason of a settled promise.
    pub fn promise_result(&mut self, v: &Value) -> Value {
        // SAFETY: live isolate; `v` is a global of it holding a promise
        // (the shim casts it: callers check `promise_state` first).
        let raw = unsafe { ffi::howth_promise_result(self.raw(), v.raw.as_ptr()) };
        self.wrap(raw).expect("promise result")
    }

    /// Marks a promise handled, so its rejection is not reported as unhandled.
    pub fn mark_handled(&mut self, v: &Value) {
        // SAFETY: live isolate; `v` is a global of it.
        unsafe { ffi::howth_promise_mark_handled(self.raw(), v.raw.as_ptr()) }
    }

    /// Runs all pending microtasks (promise reactions).
    pub fn run_microtasks(&mut self) {
        // SAFETY: live isolate on its own thread.
        unsafe { ffi::howth_run_microtasks(self.raw()) }
    }

    /// Runs tasks V8 posted to the platform for this isolate.
    pub fn pump_platform(&mut self) {
        // SAFETY: live isolate on its own thread.
        unsafe { ffi::howth_pump_platform(self.raw()) }
    }

    /// The first promise rejected with no handler since the last call.
    pub fn take_unhandled_rejection(&mut self) -> Option<JsError> {
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; sinks outlive the call.
        let got = unsafe { ffi::howth_take_unhandled_rejection(self.raw(), &mut out) };
        (got != 0).then(|| sinks.finish(&out))
    }

    pub fn terminate_handle(&self) -> TerminateHandle {
        // SAFETY: returns the v8::Isolate pointer, used only through
        // TerminateHandle.
        TerminateHandle(unsafe { ffi::howth_isolate_raw(self.raw()) })
    }

    /// Lets JS run again after a termination has unwound.
    pub fn cancel_terminate(&mut self) {
        // SAFETY: live isolate on its own thread.
        unsafe { ffi::howth_cancel_terminate(self.raw()) }
    }

    /// True (once) when the heap came near its limit and V8 was stopped.
    pub fn take_heap_limit_hit(&mut self) -> bool {
        // SAFETY: live isolate on its own thread.
        unsafe { ffi::howth_take_heap_limit_hit(self.raw()) != 0 }
    }

    pub fn heap_stats(&mut self) -> HeapStats {
        let mut s = HeapStats::default();
        // SAFETY: live isolate; the out-params are valid.
        unsafe { ffi::howth_heap_stats(self.raw(), &mut s.used, &mut s.total, &mut s.limit) };
        s
    }

    /// Asks V8 to collect garbage aggressively (tests, idle time).
    pub fn low_memory_notification(&mut self) {
        // SAFETY: live isolate on its own thread.
        unsafe { ffi::howth_low_memory(self.raw()) }
    }

    /// The module API, for loading ES module graphs.
    pub fn modules(&mut self) -> Modules<'_> {
        Modules {
            raw: self.raw(),
            alive: &self.host.alive,
        }
    }

    /// Both the module API and the state, for loaders that keep their
    /// records in the state.
    pub fn modules_and_state(&mut self) -> (Modules<'_>, &mut S) {
        // SAFETY: no JS runs while this borrow of self lasts.
        let state = unsafe { &mut *self.host.state.get() };
        (
            Modules {
                raw: self.raw.as_ptr(),
                alive: &self.host.alive,
            },
            state,
        )
    }
}

impl<S: 'static> Drop for Isolate<S> {
    fn drop(&mut self) {
        self.host.alive.set(false);
        // SAFETY: the isolate is disposed once; no Value will touch it
        // afterwards (`alive` is false), and natives are freed after.
        unsafe { ffi::howth_isolate_dispose(self.raw()) }
    }
}

/// Compiling, linking and evaluating ES modules in one isolate.
pub struct Modules<'a> {
    raw: *mut ffi::HowthIsolate,
    alive: &'a Rc<Cell<bool>>,
}

impl Modules<'_> {
    /// Compiles module source; `name` is its resource name in stack traces.
    pub fn compile(&mut self, name: &str, source: &str) -> Result<ModuleId, JsError> {
        self.compile_cached(name, source, None).map(|(id, _)| id)
    }

    /// Compiles with V8's code cache for this source (from [`Modules::code_cache`]
    /// in an earlier process). Returns whether V8 used the cache: it ignores
    /// one made by another V8 build, other flags or other source.
    pub fn compile_cached(
        &mut self,
        name: &str,
        source: &str,
        cache: Option<&[u8]>,
    ) -> Result<(ModuleId, bool), JsError> {
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        let mut rejected: c_int = 1;
        let (cache_ptr, cache_len) = cache.map_or((std::ptr::null(), 0), |c| (c.as_ptr(), c.len()));
        // SAFETY: live isolate (Modules borrows it); the slices, including
        // the cache bytes V8 reads during the call only, are valid for it.
        let id = unsafe {
            ffi::howth_module_compile(
                self.raw,
                name.as_ptr() as *const c_char,
                name.len(),
                source.as_ptr() as *const c_char,
                source.len(),
                cache_ptr,
                cache_len,
                &mut rejected,
                &mut out,
            )
        };
        if id < 0 {
            Err(sinks.finish(&out))
        } else {
            Ok((ModuleId(id as u32), rejected == 0))
        }
    }

    /// V8's code cache for a module, best taken after it ran (it then holds
    /// the functions compiled so far). Empty when V8 has none to give.
    pub fn code_cache(&mut self, id: ModuleId) -> Vec<u8> {
        let mut out = Vec::new();
        // SAFETY: live isolate; valid id; the sink outlives the call.
        unsafe { ffi::howth_module_code_cache(self.raw, id.0 as c_int, ffi::sink(&mut out)) };
        out
    }

    /// The specifiers a module imports statically, in source order.
    pub fn requests(&mut self, id: ModuleId) -> Vec<String> {
        // SAFETY: live isolate; `id` came from `compile` on it.
        let n = unsafe { ffi::howth_module_request_count(self.raw, id.0 as c_int) };
        (0..n)
            .map(|k| {
                let mut s = Vec::new();
                // SAFETY: as above, k < count; the sink outlives the call.
                unsafe { ffi::howth_module_request(self.raw, id.0 as c_int, k, ffi::sink(&mut s)) };
                String::from_utf8_lossy(&s).into_owned()
            })
            .collect()
    }

    /// Records that `specifier` imported by `referrer` is module `target`.
    pub fn link(&mut self, referrer: ModuleId, specifier: &str, target: ModuleId) {
        // SAFETY: live isolate; slice valid for the call.
        unsafe {
            ffi::howth_module_link(
                self.raw,
                referrer.0 as c_int,
                specifier.as_ptr() as *const c_char,
                specifier.len(),
                target.0 as c_int,
            )
        }
    }

    /// True once the module has been instantiated (or evaluated).
    pub fn is_instantiated(&mut self, id: ModuleId) -> bool {
        // SAFETY: live isolate; valid id.
        unsafe { ffi::howth_module_status(self.raw, id.0 as c_int) >= 1 }
    }

    /// Instantiates the module and its graph (every import must be linked).
    pub fn instantiate(&mut self, id: ModuleId) -> Result<(), JsError> {
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; valid id; sinks outlive the call.
        let ok = unsafe { ffi::howth_module_instantiate(self.raw, id.0 as c_int, &mut out) };
        if ok != 0 {
            Ok(())
        } else {
            Err(sinks.finish(&out))
        }
    }

    /// Marks the entry module (for `import.meta.main`).
    pub fn set_main(&mut self, id: ModuleId) {
        // SAFETY: live isolate.
        unsafe { ffi::howth_module_set_main(self.raw, id.0 as c_int) }
    }

    /// Evaluates the module; returns the evaluation promise (top-level await).
    pub fn evaluate(&mut self, id: ModuleId) -> Result<Value, JsError> {
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; valid id; sinks outlive the call.
        let raw = unsafe { ffi::howth_module_evaluate(self.raw, id.0 as c_int, &mut out) };
        Value::from_raw(raw, self.alive).ok_or_else(|| sinks.finish(&out))
    }

    /// The exception of a module whose evaluation failed.
    pub fn exception(&mut self, id: ModuleId) -> JsError {
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; valid id; sinks outlive the call.
        unsafe { ffi::howth_module_exception(self.raw, id.0 as c_int, &mut out) };
        sinks.finish(&out)
    }

    /// The module's namespace object (its exports).
    pub fn namespace(&mut self, id: ModuleId) -> Value {
        // SAFETY: live isolate; valid, instantiated id.
        let raw = unsafe { ffi::howth_module_namespace(self.raw, id.0 as c_int) };
        Value::from_raw(raw, self.alive).expect("module namespace")
    }
}
