use std::cell::{Cell, UnsafeCell};
use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Once};

use crate::args::{CallArgs, ErrorKind};
use crate::error::{ErrorSinks, JsError};
use crate::ffi;
use crate::guard::{self, Borrow, StateGuard};
use crate::unwind;
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

/// Identifies a compiled ES module within the isolate that compiled it.
/// Only [`Modules`] makes one, and it carries its isolate's tag: an id
/// handed to another isolate is refused, never read out of bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModuleId {
    index: u32,
    isolate: u32,
}

impl ModuleId {
    /// The module's number within its isolate (0, 1, ... in compile order).
    pub fn index(&self) -> u32 {
        self.index
    }
}

/// Tags isolates so their module ids cannot be mixed up.
static NEXT_ISOLATE_TAG: AtomicU32 = AtomicU32::new(1);

/// A native function: gets the isolate's state and the call's arguments.
pub type NativeFn<S> = fn(&mut S, &mut CallArgs<'_>);

/// A native function that never touches the state, so it may run
/// JavaScript (getters, proxies) that calls other ops.
pub type StatelessFn = fn(&mut CallArgs<'_>);

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
    /// Who holds `state` (see guard.rs): every `&mut S` is made under it.
    borrow: Borrow,
    hooks: Hooks<S>,
    raw: Cell<*mut ffi::HowthIsolate>,
    alive: Rc<Cell<bool>>,
    tag: u32,
}

enum OpFn<S> {
    State(NativeFn<S>),
    Stateless(StatelessFn),
    Module(ModuleOpFn<S>),
}

struct NativeEntry<S> {
    f: OpFn<S>,
    host: *const Host<S>,
    /// The op's number in `host.borrow` (names it in errors).
    op: u32,
}

/// Names an op (or hook) in a panic report.
struct Named<'a>(&'a Borrow, u32);

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.describe(self.1))
    }
}

/// The raw v8::Isolate a [`TerminateHandle`] stops; None once the isolate
/// is being disposed.
struct IsolatePtr(*mut c_void);

// SAFETY: the pointer is only passed to v8::Isolate::TerminateExecution,
// which V8 documents as callable from any thread, and only while the slot
// holding it is locked and still Some (see TerminateHandle).
unsafe impl Send for IsolatePtr {}

type TerminateSlot = Arc<Mutex<Option<IsolatePtr>>>;

fn lock_slot(slot: &TerminateSlot) -> std::sync::MutexGuard<'_, Option<IsolatePtr>> {
    // The critical sections cannot panic; a poisoned lock still holds a
    // valid Option.
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

/// A V8 isolate with one context, owned by the thread that made it, plus
/// the Rust state `S` its native functions work on.
///
/// Native functions receive `&mut S`. Every such reference is made under
/// the isolate's borrow flag (guard.rs): JavaScript an op runs (a getter
/// the serializer calls, a proxy `Array::Get` meets) can call other ops,
/// and a stateful one then finds the flag taken and throws instead of
/// making a second `&mut S`. Methods taking `&mut self` run JS only while
/// the flag is free (the borrow checker sees to it: the only guard the
/// embedder can hold borrows the isolate).
pub struct Isolate<S: 'static> {
    raw: NonNull<ffi::HowthIsolate>,
    host: Box<Host<S>>,
    terminate: TerminateSlot,
    // Boxed for stable addresses: V8 holds a pointer to each entry, and a
    // growing Vec would move unboxed entries.
    #[allow(clippy::vec_box)]
    natives: Vec<Box<NativeEntry<S>>>,
    /// The snapshot V8 reads from for this isolate's whole life.
    _snapshot: Option<Arc<SnapshotBlob>>,
    for_snapshot: bool,
}

/// Stops running JavaScript from another thread (a watchdog). It cannot
/// outlive its isolate's V8 heap: the isolate empties the shared slot
/// (waiting for a `terminate` in progress) before disposing V8, after which
/// `terminate` does nothing.
#[derive(Clone)]
pub struct TerminateHandle(TerminateSlot);

impl TerminateHandle {
    /// Stops the JavaScript running now; returns false when the isolate is
    /// gone.
    pub fn terminate(&self) -> bool {
        let slot = lock_slot(&self.0);
        match slot.as_ref() {
            Some(iso) => {
                // SAFETY: the slot is Some, so the isolate is not yet being
                // disposed, and it cannot start while we hold the lock
                // (Drop empties the slot under it first).
                unsafe { ffi::howth_terminate_raw(iso.0) };
                true
            }
            None => false,
        }
    }

    /// Whether the isolate still lives.
    pub fn is_alive(&self) -> bool {
        lock_slot(&self.0).is_some()
    }
}

impl std::fmt::Debug for TerminateHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TerminateHandle(alive: {})", self.is_alive())
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
    // lives in `Isolate::natives` for as long as the isolate, as does the
    // host it points to. `args` is the call's FunctionCallbackInfo.
    let entry = unsafe { &*(data as *const NativeEntry<S>) };
    let host = unsafe { &*entry.host };
    let mut call = CallArgs::new(args, &host.alive);
    let name = Named(&host.borrow, entry.op);
    let outcome = match entry.f {
        OpFn::Stateless(f) => unwind::catch(&name, || f(&mut call)),
        OpFn::State(f) => match host.borrow.take(entry.op) {
            Err(holder) => {
                call.throw(ErrorKind::Error, &host.borrow.refusal(entry.op, holder));
                return;
            }
            Ok(taken) => {
                let outcome = unwind::catch(&name, || {
                    // SAFETY: this op took the borrow flag, which every
                    // path making a `&mut S` takes first (guard.rs), so
                    // this is the only reference to the state until
                    // `taken` is dropped below.
                    let state = unsafe { &mut *host.state.get() };
                    f(state, &mut call)
                });
                drop(taken);
                outcome
            }
        },
        OpFn::Module(f) => match host.borrow.take(entry.op) {
            Err(holder) => {
                call.throw(ErrorKind::Error, &host.borrow.refusal(entry.op, holder));
                return;
            }
            Ok(taken) => {
                let mut modules = Modules {
                    raw: host.raw.get(),
                    alive: &host.alive,
                    borrow: &host.borrow,
                    tag: host.tag,
                };
                let loaded = unwind::catch(&name, || {
                    // SAFETY: as for OpFn::State: the flag is taken.
                    let state = unsafe { &mut *host.state.get() };
                    f(state, &mut modules, &mut call)
                });
                // Released before the module runs: the ops its code calls
                // take the flag afresh.
                drop(taken);
                match loaded {
                    Ok(Ok(id)) => unwind::catch(&name, || evaluate_for_call(&mut modules, &mut call, id)),
                    Ok(Err(msg)) => {
                        call.throw(ErrorKind::Error, &msg);
                        Ok(())
                    }
                    Err(panic) => Err(panic),
                }
            }
        },
    };
    if let Err(message) = outcome {
        call.throw(ErrorKind::Error, &format!("{name} panicked: {message}"));
    }
}

/// Evaluates an instantiated module inside a native call and returns its
/// namespace; a module that awaits at top level cannot finish inside the
/// call and is refused, as Node's `require()` refuses it. It goes through
/// the checked `Modules` methods only: the promise is kind-checked by the
/// shim and isolate-checked here, like any other value.
fn evaluate_for_call(modules: &mut Modules<'_>, call: &mut CallArgs<'_>, id: ModuleId) {
    match modules.status(id) {
        Err(e) => return call.throw(ErrorKind::Error, &e.message),
        Ok(ModuleStatus::Uninstantiated) => {
            return call.throw(ErrorKind::Error, "module is not instantiated");
        }
        Ok(ModuleStatus::Errored) => return call.throw(ErrorKind::Error, &modules.exception(id).message),
        // Evaluated before (required twice): its namespace is complete.
        Ok(ModuleStatus::Evaluated) => {}
        Ok(ModuleStatus::Instantiated) => {
            let promise = match modules.evaluate(id) {
                Ok(p) => p,
                Err(e) => return call.throw(ErrorKind::Error, &e.message),
            };
            match modules.promise_state(&promise) {
                PromiseState::Pending => {
                    modules.mark_handled(&promise);
                    return call.throw(
                        ErrorKind::Error,
                        "require() cannot load an ES module that uses top-level await; use import() instead \
                         (ERR_REQUIRE_ASYNC_MODULE)",
                    );
                }
                PromiseState::Rejected => {
                    modules.mark_handled(&promise);
                    let message = match modules.promise_result(&promise) {
                        Some(reason) => modules.describe(&reason).message,
                        None => "the module threw while it was evaluated".to_string(),
                    };
                    return call.throw(ErrorKind::Error, &message);
                }
                PromiseState::Fulfilled | PromiseState::NotAPromise => {}
            }
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
    let host = unsafe { &*(host as *const Host<S>) };
    let referrer =
        String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(referrer as *const u8, rlen) });
    let spec = String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(spec as *const u8, slen) });
    let fail = |msg: &str| {
        // SAFETY: `err_sink` is the shim's live sink for this call.
        unsafe { ffi::howth_sink_write(err_sink, msg.as_ptr() as *const c_char, msg.len()) };
        -1
    };
    let Some(f) = host.hooks.dynamic_import else {
        return fail(&format!("cannot import '{spec}': dynamic import is not enabled"));
    };
    let taken = match host.borrow.take(guard::IMPORT_HOOK) {
        Ok(taken) => taken,
        Err(holder) => return fail(&host.borrow.refusal(guard::IMPORT_HOOK, holder)),
    };
    let outcome = unwind::catch(&Named(&host.borrow, guard::IMPORT_HOOK), || {
        let mut modules = Modules {
            raw: host.raw.get(),
            alive: &host.alive,
            borrow: &host.borrow,
            tag: host.tag,
        };
        // SAFETY: the hook took the borrow flag: no other `&mut S` exists
        // until `taken` is dropped.
        let state = unsafe { &mut *host.state.get() };
        f(state, &mut modules, &referrer, &spec)
    });
    drop(taken);
    match outcome {
        Ok(Ok(id)) if id.isolate == host.tag => id.index as c_int,
        Ok(Ok(_)) => fail("the import() hook returned a module of another isolate"),
        Ok(Err(msg)) => fail(&msg),
        Err(panic) => fail(&format!("the import() hook panicked: {panic}")),
    }
}

unsafe extern "C" fn import_meta_trampoline<S>(
    host: *mut c_void,
    id: c_int,
    sink: *mut c_void,
    is_main: *mut c_int,
) -> c_int {
    // SAFETY: as in dynamic_import_trampoline.
    let host = unsafe { &*(host as *const Host<S>) };
    // SAFETY: `sink` is the shim's live sink for this call; the slice is
    // valid for the write.
    let write =
        |text: &str| unsafe { ffi::howth_sink_write(sink, text.as_ptr() as *const c_char, text.len()) };
    let Some(f) = host.hooks.import_meta else { return 0 };
    // Held by an op (import.meta first read from a getter the op ran): the
    // read throws the refusal rather than aliasing the state.
    let taken = match host.borrow.take(guard::META_HOOK) {
        Ok(taken) => taken,
        Err(holder) => {
            write(&host.borrow.refusal(guard::META_HOOK, holder));
            return -1;
        }
    };
    let id = ModuleId {
        index: id as u32,
        isolate: host.tag,
    };
    let outcome = unwind::catch(&Named(&host.borrow, guard::META_HOOK), || {
        // SAFETY: the hook took the borrow flag: no other `&mut S` exists
        // until `taken` is dropped.
        let state = unsafe { &mut *host.state.get() };
        f(state, id)
    });
    drop(taken);
    match outcome {
        Ok((url, main)) => {
            write(&url);
            // SAFETY: the shim's live out-param for this call.
            unsafe { *is_main = main as c_int };
            0
        }
        Err(panic) => {
            write(&format!("the import.meta hook panicked: {panic}"));
            -1
        }
    }
}

impl<S: 'static> Isolate<S> {
    /// Makes an isolate on the calling thread with `state` for its natives.
    pub fn new(state: S, opts: &IsolateOptions, hooks: Hooks<S>) -> Isolate<S> {
        init_platform(&opts.platform);
        let host = Box::new(Host {
            state: UnsafeCell::new(state),
            borrow: Borrow::new(),
            hooks,
            raw: Cell::new(std::ptr::null_mut()),
            alive: Rc::new(Cell::new(true)),
            tag: NEXT_ISOLATE_TAG.fetch_add(1, Ordering::Relaxed),
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
        // SAFETY: returns the live v8::Isolate pointer, kept only in the
        // terminate slot, which Drop empties before disposing it.
        let v8_isolate = unsafe { ffi::howth_isolate_raw(raw.as_ptr()) };
        Isolate {
            raw,
            host,
            terminate: Arc::new(Mutex::new(Some(IsolatePtr(v8_isolate)))),
            natives: Vec::new(),
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
        let _ = self.own(&data);
        // SAFETY: the isolate is live and idle (`&mut self`); the shim takes
        // ownership of `data`'s handle (checked to be this isolate's); `out` is a valid sink for the call.
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
        *lock_slot(&self.terminate) = None;
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so each field below is read out
        // and dropped exactly once; `raw` is deliberately not disposed. No
        // JS can run again (the isolate is consumed), so V8 never calls the
        // natives or hooks whose memory is freed here.
        unsafe {
            drop(std::ptr::read(&this.natives));
            drop(std::ptr::read(&this.host));
            drop(std::ptr::read(&this.terminate));
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
        let isolate = self.host.tag;
        (0..n.max(0) as u32)
            .map(|index| ModuleId { index, isolate })
            .collect()
    }

    /// Calls `f(meta)` with every module's `import.meta` when V8 makes it
    /// (on a module's first use of `import.meta`), after `url` and `main`
    /// are set, so JS can add more (`dirname`, `resolve`, ...). A value
    /// that is not a function turns the hook off; what it throws is ignored.
    pub fn set_import_meta_hook(&mut self, f: &Value) {
        let f = self.own(f);
        // SAFETY: the isolate is live and idle (`&mut self`); `f` is a
        // global of it (checked), only read during the call.
        unsafe { ffi::howth_set_import_meta_hook(self.raw(), f) }
    }

    fn raw(&self) -> *mut ffi::HowthIsolate {
        self.raw.as_ptr()
    }

    /// The state natives work on.
    pub fn state(&mut self) -> &mut S {
        self.host.borrow.assert_free("Isolate::state");
        // SAFETY: `&mut self` guarantees no JS (hence no op or hook) is
        // running, and no StateGuard is alive (it borrows self): the flag
        // is free and this is the only reference.
        unsafe { &mut *self.host.state.get() }
    }

    /// Makes `name` a native function on the `ops` object.
    pub fn set_op(&mut self, name: &str, f: NativeFn<S>) {
        self.add_op(name, OpFn::State(f));
    }

    /// Makes `name` a native function that never touches the state: it
    /// may run JavaScript that calls other ops (structuredClone runs user
    /// getters), and it is never refused.
    pub fn set_stateless_op(&mut self, name: &str, f: StatelessFn) {
        self.add_op(name, OpFn::Stateless(f));
    }

    fn add_op(&mut self, name: &str, f: OpFn<S>) {
        assert!(!self.for_snapshot, "a snapshot cannot hold native functions");
        let entry = Box::new(NativeEntry {
            f,
            host: &*self.host as *const Host<S>,
            op: self.host.borrow.register(name),
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
        self.add_op(name, OpFn::Module(f));
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

    /// `v`'s handle, after checking that this isolate made it (panics if
    /// not; see [`checked::own`]).
    fn own(&self, v: &Value) -> *mut ffi::HowthValue {
        checked::own(&self.host.alive, v)
    }

    fn foreign_error() -> JsError {
        JsError {
            message: "Error: a Value was used with an isolate other than the one that made it".into(),
            ..JsError::default()
        }
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

    /// Calls `f(args...)`.
    pub fn call(&mut self, f: &Value, args: &[&Value]) -> Result<Value, JsError> {
        let alive = &self.host.alive;
        if !f.belongs_to(alive) || !args.iter().all(|v| v.belongs_to(alive)) {
            return Err(Self::foreign_error());
        }
        self.host.borrow.assert_free("Isolate::call");
        let argv: Vec<*mut ffi::HowthValue> = args.iter().map(|v| v.raw.as_ptr()).collect();
        let Ok(argc) = c_int::try_from(argv.len()) else {
            return Err(JsError {
                message: "RangeError: too many arguments".into(),
                ..JsError::default()
            });
        };
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; `f` and the args are globals of it.
        let raw = unsafe { ffi::howth_call(self.raw(), f.raw.as_ptr(), argc, argv.as_ptr(), &mut out) };
        self.wrap(raw).ok_or_else(|| sinks.finish(&out))
    }

    /// The hot call: `f(n)` with the result discarded; an error when `f`
    /// is not a function.
    pub fn call_with_int(&mut self, f: &Value, n: i32) -> Result<(), JsError> {
        if !f.belongs_to(&self.host.alive) {
            return Err(Self::foreign_error());
        }
        self.host.borrow.assert_free("Isolate::call_with_int");
        // Empty Vecs do not allocate: describing errors costs nothing
        // until one happens.
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; `f` is a global of it (checked above); the
        // shim checks that it holds a function before calling it.
        let ok = unsafe { ffi::howth_call_int(self.raw(), f.raw.as_ptr(), n, &mut out) };
        if ok != 0 {
            Ok(())
        } else {
            Err(sinks.finish(&out))
        }
    }

    pub fn is_function(&mut self, v: &Value) -> bool {
        let v = self.own(v);
        // SAFETY: live isolate; `v` is a global of it (checked).
        unsafe { ffi::howth_value_is_function(self.raw(), v) != 0 }
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
        let v = self.own(v);
        let mut s = Vec::new();
        // SAFETY: live isolate; `v` is a global of it (checked); the sink
        // outlives the call.
        unsafe { ffi::howth_value_to_utf8(self.raw(), v, ffi::sink(&mut s)) };
        String::from_utf8_lossy(&s).into_owned()
    }

    /// `obj[key]`, or None when undefined or `obj` is not an object.
    pub fn get(&mut self, obj: &Value, key: &str) -> Option<Value> {
        let obj = self.own(obj);
        // SAFETY: live isolate; `obj` is a global of it (checked).
        let raw = unsafe { ffi::howth_value_get(self.raw(), obj, key.as_ptr() as *const c_char, key.len()) };
        self.wrap(raw)
    }

    /// Describes a thrown value (message and stack) as a JsError.
    pub fn describe(&mut self, v: &Value) -> JsError {
        checked::describe(self.raw(), &self.host.alive, v)
    }

    pub fn promise_state(&mut self, v: &Value) -> PromiseState {
        checked::promise_state(self.raw(), &self.host.alive, v)
    }

    /// The value or reason of a settled promise; None when `v` is not a
    /// promise or is still pending.
    pub fn promise_result(&mut self, v: &Value) -> Option<Value> {
        checked::promise_result(self.raw(), &self.host.alive, v)
    }

    /// Marks a promise handled, so its rejection is not reported as unhandled.
    pub fn mark_handled(&mut self, v: &Value) {
        checked::mark_handled(self.raw(), &self.host.alive, v)
    }

    /// Runs all pending microtasks (promise reactions).
    pub fn run_microtasks(&mut self) {
        self.host.borrow.assert_free("Isolate::run_microtasks");
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

    /// As [`Isolate::take_unhandled_rejection`], but the promise and its
    /// reason themselves, for JS to handle (node:process's
    /// `unhandledRejection` event).
    pub fn take_unhandled_rejection_values(&mut self) -> Option<(Value, Value)> {
        let mut promise: *mut ffi::HowthValue = std::ptr::null_mut();
        let mut reason: *mut ffi::HowthValue = std::ptr::null_mut();
        // SAFETY: live isolate on its own thread; the shim writes two new
        // globals through the out pointers (valid locals) when it returns 1,
        // and they are owned by the Values made from them here.
        let got =
            unsafe { ffi::howth_take_unhandled_rejection_values(self.raw(), &mut promise, &mut reason) };
        if got == 0 {
            return None;
        }
        let alive = &self.host.alive;
        Some((Value::from_raw(promise, alive)?, Value::from_raw(reason, alive)?))
    }

    pub fn terminate_handle(&self) -> TerminateHandle {
        TerminateHandle(self.terminate.clone())
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
            borrow: &self.host.borrow,
            tag: self.host.tag,
        }
    }

    /// Both the module API and the state, for loaders that keep their
    /// records in the state. While the guard lives, ops are refused and
    /// [`Modules::evaluate`] fails: drop it before evaluating.
    pub fn modules_and_state(&mut self) -> (Modules<'_>, StateGuard<'_, S>) {
        let host = &*self.host;
        let taken = match host.borrow.take(guard::EMBEDDER) {
            Ok(taken) => taken,
            // `&mut self` rules out every holder but a leaked guard.
            Err(holder) => panic!(
                "the runtime state is still held by {}",
                host.borrow.describe(holder)
            ),
        };
        // SAFETY: the flag was free and is now taken by the guard, so this
        // is the only reference to the state until the guard drops.
        let state = unsafe { &mut *host.state.get() };
        (
            Modules {
                raw: self.raw.as_ptr(),
                alive: &host.alive,
                borrow: &host.borrow,
                tag: host.tag,
            },
            StateGuard::new(state, taken),
        )
    }
}

impl<S: 'static> Drop for Isolate<S> {
    fn drop(&mut self) {
        self.host.alive.set(false);
        // The watchdog may be in `terminate`: wait for it, then leave it
        // nothing to touch.
        *lock_slot(&self.terminate) = None;
        // SAFETY: the isolate is disposed once; no Value will touch it
        // afterwards (`alive` is false), and natives are freed after.
        unsafe { ffi::howth_isolate_dispose(self.raw()) }
    }
}

/// Compiling, linking and evaluating ES modules in one isolate.
///
/// Module ids are checked: an id of another isolate panics in the methods
/// that return no `Result` and is an error in the others; the shim checks
/// every index and every module's status before V8 sees it.
pub struct Modules<'a> {
    raw: *mut ffi::HowthIsolate,
    alive: &'a Rc<Cell<bool>>,
    borrow: &'a Borrow,
    tag: u32,
}

fn module_error(message: String) -> JsError {
    JsError {
        message,
        ..JsError::default()
    }
}

impl Modules<'_> {
    /// The index of `id`, after checking it belongs to this isolate.
    fn index(&self, id: ModuleId) -> Result<c_int, JsError> {
        if id.isolate != self.tag {
            return Err(module_error("Error: a module id of another isolate".into()));
        }
        c_int::try_from(id.index).map_err(|_| module_error("Error: invalid module id".into()))
    }

    /// As `index`, for methods whose callers cannot handle an error.
    ///
    /// # Panics
    /// If `id` belongs to another isolate (a bug in the embedding Rust
    /// code, which JavaScript cannot cause).
    fn checked(&self, id: ModuleId) -> c_int {
        match self.index(id) {
            Ok(i) => i,
            Err(e) => panic!("{}", e.message),
        }
    }

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
            let id = ModuleId {
                index: id as u32,
                isolate: self.tag,
            };
            Ok((id, rejected == 0))
        }
    }

    /// V8's code cache for a module, best taken after it ran (it then holds
    /// the functions compiled so far). Empty when V8 has none to give.
    pub fn code_cache(&mut self, id: ModuleId) -> Vec<u8> {
        let id = self.checked(id);
        let mut out = Vec::new();
        // SAFETY: live isolate; the shim checks the index; the sink
        // outlives the call.
        unsafe { ffi::howth_module_code_cache(self.raw, id, ffi::sink(&mut out)) };
        out
    }

    /// The specifiers a module imports statically, in source order.
    pub fn requests(&mut self, id: ModuleId) -> Vec<String> {
        let id = self.checked(id);
        // SAFETY: live isolate; the shim checks the index (-1: none).
        let n = unsafe { ffi::howth_module_request_count(self.raw, id) };
        (0..n.max(0))
            .map(|k| {
                let mut s = Vec::new();
                // SAFETY: as above (the shim checks k too); the sink
                // outlives the call.
                unsafe { ffi::howth_module_request(self.raw, id, k, ffi::sink(&mut s)) };
                String::from_utf8_lossy(&s).into_owned()
            })
            .collect()
    }

    /// Records that `specifier` imported by `referrer` is module `target`.
    pub fn link(&mut self, referrer: ModuleId, specifier: &str, target: ModuleId) {
        let (referrer, target) = (self.checked(referrer), self.checked(target));
        // SAFETY: live isolate; slice valid for the call; the shim checks
        // both indexes (an unknown target is never resolved to).
        unsafe {
            ffi::howth_module_link(
                self.raw,
                referrer,
                specifier.as_ptr() as *const c_char,
                specifier.len(),
                target,
            )
        }
    }

    /// True once the module has been instantiated (or evaluated).
    pub fn is_instantiated(&mut self, id: ModuleId) -> bool {
        let id = self.checked(id);
        // SAFETY: live isolate; the shim checks the index (-1 when unknown).
        unsafe { ffi::howth_module_status(self.raw, id) >= 1 }
    }

    /// Instantiates the module and its graph (every import must be linked).
    pub fn instantiate(&mut self, id: ModuleId) -> Result<(), JsError> {
        let id = self.index(id)?;
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; the shim checks the index; sinks outlive
        // the call.
        let ok = unsafe { ffi::howth_module_instantiate(self.raw, id, &mut out) };
        if ok != 0 {
            Ok(())
        } else {
            Err(sinks.finish(&out))
        }
    }

    /// Marks the entry module (for `import.meta.main`).
    pub fn set_main(&mut self, id: ModuleId) {
        let id = self.checked(id);
        // SAFETY: live isolate; the shim checks the index.
        unsafe { ffi::howth_module_set_main(self.raw, id) }
    }

    /// Evaluates the module; returns the evaluation promise (top-level
    /// await). An error, running nothing, when the module is not
    /// instantiated or while the runtime state is borrowed (a
    /// [`StateGuard`] alive, or from inside the import() hook): the
    /// module's code would call ops that must be refused.
    pub fn evaluate(&mut self, id: ModuleId) -> Result<Value, JsError> {
        let id = self.index(id)?;
        if let Some(holder) = self.borrow.holder() {
            let doing = format!(
                "Modules::evaluate while {} holds the runtime state",
                self.borrow.describe(holder)
            );
            if cfg!(debug_assertions) && holder == guard::EMBEDDER {
                panic!("{doing}: drop the StateGuard first");
            }
            return Err(module_error(format!("Error: {doing}")));
        }
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; the shim checks the index and status;
        // sinks outlive the call.
        let raw = unsafe { ffi::howth_module_evaluate(self.raw, id, &mut out) };
        Value::from_raw(raw, self.alive).ok_or_else(|| sinks.finish(&out))
    }

    /// Where the module is in its life (an error for an id of another isolate).
    pub(crate) fn status(&mut self, id: ModuleId) -> Result<ModuleStatus, JsError> {
        let id = self.index(id)?;
        // SAFETY: live isolate; the shim checks the index (-1 when unknown).
        match unsafe { ffi::howth_module_status(self.raw, id) } {
            0 => Ok(ModuleStatus::Uninstantiated),
            1 => Ok(ModuleStatus::Instantiated),
            2 => Ok(ModuleStatus::Evaluated),
            3 => Ok(ModuleStatus::Errored),
            _ => Err(module_error("Error: unknown module id".into())),
        }
    }

    /// As [`Isolate::promise_state`], inside a module op.
    pub fn promise_state(&mut self, v: &Value) -> PromiseState {
        checked::promise_state(self.raw, self.alive, v)
    }

    /// As [`Isolate::promise_result`], inside a module op.
    pub fn promise_result(&mut self, v: &Value) -> Option<Value> {
        checked::promise_result(self.raw, self.alive, v)
    }

    /// As [`Isolate::mark_handled`], inside a module op.
    pub fn mark_handled(&mut self, v: &Value) {
        checked::mark_handled(self.raw, self.alive, v)
    }

    /// As [`Isolate::describe`], inside a module op.
    pub fn describe(&mut self, v: &Value) -> JsError {
        checked::describe(self.raw, self.alive, v)
    }

    /// The exception of a module whose evaluation failed.
    pub fn exception(&mut self, id: ModuleId) -> JsError {
        let id = self.checked(id);
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate; the shim checks the index; sinks outlive
        // the call.
        unsafe { ffi::howth_module_exception(self.raw, id, &mut out) };
        sinks.finish(&out)
    }

    /// The module's namespace object (its exports).
    ///
    /// # Panics
    /// If the module is not instantiated (or of another isolate).
    pub fn namespace(&mut self, id: ModuleId) -> Value {
        let id = self.checked(id);
        // SAFETY: live isolate; the shim checks index and status (null
        // when the module has no namespace yet).
        let raw = unsafe { ffi::howth_module_namespace(self.raw, id) };
        Value::from_raw(raw, self.alive).expect("Modules::namespace of a module that is not instantiated")
    }
}

/// What [`Modules::status`] reports (V8's statuses, the transient ones folded in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModuleStatus {
    Uninstantiated,
    Instantiated,
    Evaluated,
    Errored,
}

/// The value functions [`Isolate`] and [`Modules`] both offer, written once:
/// each checks that the value belongs to the isolate (`alive` is its flag)
/// before the shim sees its handle, and the shim checks its kind.
mod checked {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::{ErrorSinks, JsError, PromiseState, Value};
    use crate::ffi;

    /// `v`'s handle, after checking that `v` was made by this isolate (a
    /// handle of another isolate would be read as this one's heap).
    ///
    /// # Panics
    /// If `v` belongs to another isolate: a bug in the embedding Rust
    /// code, which JavaScript cannot cause.
    pub(super) fn own(alive: &Rc<Cell<bool>>, v: &Value) -> *mut ffi::HowthValue {
        assert!(
            v.belongs_to(alive),
            "a Value was used with an isolate other than the one that made it"
        );
        v.raw.as_ptr()
    }

    pub(super) fn describe(raw: *mut ffi::HowthIsolate, alive: &Rc<Cell<bool>>, v: &Value) -> JsError {
        let v = own(alive, v);
        let mut sinks = ErrorSinks::default();
        let mut out = sinks.out();
        // SAFETY: live isolate (its natives or its owner call this); `v` is
        // a global of it (checked); the sinks outlive the call.
        unsafe { ffi::howth_value_describe(raw, v, &mut out) };
        sinks.finish(&out)
    }

    pub(super) fn promise_state(
        raw: *mut ffi::HowthIsolate,
        alive: &Rc<Cell<bool>>,
        v: &Value,
    ) -> PromiseState {
        let v = own(alive, v);
        // SAFETY: live isolate; `v` is a global of it (checked); the shim
        // checks that it is a promise (-1 when not).
        match unsafe { ffi::howth_promise_state(raw, v) } {
            0 => PromiseState::Pending,
            1 => PromiseState::Fulfilled,
            2 => PromiseState::Rejected,
            _ => PromiseState::NotAPromise,
        }
    }

    pub(super) fn promise_result(
        raw: *mut ffi::HowthIsolate,
        alive: &Rc<Cell<bool>>,
        v: &Value,
    ) -> Option<Value> {
        let v = own(alive, v);
        // SAFETY: live isolate; `v` is a global of it (checked); the shim
        // checks that it is a settled promise before casting.
        let result = unsafe { ffi::howth_promise_result(raw, v) };
        Value::from_raw(result, alive)
    }

    pub(super) fn mark_handled(raw: *mut ffi::HowthIsolate, alive: &Rc<Cell<bool>>, v: &Value) {
        let v = own(alive, v);
        // SAFETY: live isolate; `v` is a global of it (checked); the shim
        // checks that it is a promise.
        unsafe { ffi::howth_promise_mark_handled(raw, v) }
    }
}
