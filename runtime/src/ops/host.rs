//! Host functions: native functions an embedding Rust program registers,
//! which JS calls as `Howth.ops.name(...)` (ts-lib/host.ts builds that
//! object; ts-lib/ops.d.ts, "host functions", is the contract).
//!
//! A sync function runs on the loop's thread inside the op call. An async
//! one is a job on the runtime's worker pool (crate::pool): its result
//! comes back through the runtime's completion queue, like every other
//! off-loop result, and ts-lib's pool.ts resolves or rejects its promise.
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};

use crate::RuntimeState;

/// A value passed between JS and a host function.
///
/// From JS: `null` and `undefined` become `Null`, booleans `Bool`, numbers
/// `Number`, strings `String`, ArrayBuffers and views (Uint8Array, ...)
/// `Bytes`, and plain objects and arrays `Json` (through `JSON.stringify`).
/// To JS: the same in reverse; `Bytes` arrive as a new `Uint8Array` and
/// `Json` as the parsed value.
#[derive(Debug, Clone, PartialEq)]
pub enum HostValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Bytes(Vec<u8>),
    Json(serde_json::Value),
}

impl HostValue {
    /// The string, for `String` (and a JSON string).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HostValue::String(s) => Some(s),
            HostValue::Json(serde_json::Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The number, for `Number` (and a JSON number).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            HostValue::Number(n) => Some(*n),
            HostValue::Json(v) => v.as_f64(),
            _ => None,
        }
    }

    /// The boolean, for `Bool` (and a JSON boolean).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            HostValue::Bool(b) => Some(*b),
            HostValue::Json(v) => v.as_bool(),
            _ => None,
        }
    }

    /// The bytes, for `Bytes` (a string's UTF-8 too).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            HostValue::Bytes(b) => Some(b),
            HostValue::String(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The object or array, for `Json`.
    pub fn as_json(&self) -> Option<&serde_json::Value> {
        match self {
            HostValue::Json(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, HostValue::Null | HostValue::Json(serde_json::Value::Null))
    }
}

impl From<()> for HostValue {
    fn from(_: ()) -> Self {
        HostValue::Null
    }
}
impl From<bool> for HostValue {
    fn from(b: bool) -> Self {
        HostValue::Bool(b)
    }
}
impl From<f64> for HostValue {
    fn from(n: f64) -> Self {
        HostValue::Number(n)
    }
}
impl From<i32> for HostValue {
    fn from(n: i32) -> Self {
        HostValue::Number(n.into())
    }
}
impl From<u32> for HostValue {
    fn from(n: u32) -> Self {
        HostValue::Number(n.into())
    }
}
impl From<&str> for HostValue {
    fn from(s: &str) -> Self {
        HostValue::String(s.to_owned())
    }
}
impl From<String> for HostValue {
    fn from(s: String) -> Self {
        HostValue::String(s)
    }
}
impl From<Vec<u8>> for HostValue {
    fn from(b: Vec<u8>) -> Self {
        HostValue::Bytes(b)
    }
}
impl From<&[u8]> for HostValue {
    fn from(b: &[u8]) -> Self {
        HostValue::Bytes(b.to_vec())
    }
}
impl From<serde_json::Value> for HostValue {
    fn from(v: serde_json::Value) -> Self {
        HostValue::Json(v)
    }
}

/// What a host function returns: a value, or an error message that JS sees
/// as a thrown (sync) or rejected (async) `Error`.
pub type HostResult = Result<HostValue, String>;

/// The function type behind every host function.
pub type HostFn = dyn Fn(&[HostValue]) -> HostResult + Send + Sync;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Sync,
    Async,
}

#[derive(Clone)]
struct HostFunction {
    name: Arc<str>,
    mode: Mode,
    run: Arc<HostFn>,
}

impl HostFunction {
    /// Runs the function; a panic becomes an error instead of unwinding
    /// into V8's frames (which would abort the process) or killing a pool
    /// thread. The panic hook has already printed the panic itself.
    fn call(&self, args: &[HostValue]) -> HostResult {
        catch_unwind(AssertUnwindSafe(|| (self.run)(args)))
            .unwrap_or_else(|_| Err(format!("host function {} panicked", self.name)))
    }
}

/// The host functions of an embedding program. Cloning is cheap (shared
/// pointers); every runtime made with a clone shares the functions. Async
/// calls run on the runtime's worker pool (crate::pool).
#[derive(Clone, Default)]
pub struct HostFunctions {
    list: Vec<HostFunction>,
}

impl fmt::Debug for HostFunctions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.list.iter().map(|h| &h.name)).finish()
    }
}

impl HostFunctions {
    pub fn new() -> HostFunctions {
        HostFunctions::default()
    }

    /// Adds a function JS calls synchronously: it runs on the loop's thread
    /// and blocks it, so keep it short. A later function of the same name
    /// replaces an earlier one.
    pub fn add<F>(&mut self, name: &str, f: F)
    where
        F: Fn(&[HostValue]) -> HostResult + Send + Sync + 'static,
    {
        self.insert(name, Mode::Sync, Arc::new(f));
    }

    /// Adds a function JS calls as `await Howth.ops.name(...)`: it runs on
    /// the host thread pool, so it may block (file or database I/O).
    pub fn add_async<F>(&mut self, name: &str, f: F)
    where
        F: Fn(&[HostValue]) -> HostResult + Send + Sync + 'static,
    {
        self.insert(name, Mode::Async, Arc::new(f));
    }

    fn insert(&mut self, name: &str, mode: Mode, run: Arc<HostFn>) {
        let entry = HostFunction {
            name: name.into(),
            mode,
            run,
        };
        match self.list.iter_mut().find(|h| &*h.name == name) {
            Some(slot) => *slot = entry,
            None => self.list.push(entry),
        }
    }

    /// Threads of the worker pool async calls run on (default 4, shared by
    /// the whole process: see [`crate::pool::set_threads`]); takes effect
    /// when the first job starts the pool.
    pub fn set_async_threads(&mut self, n: usize) {
        crate::pool::set_threads(n);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The names, in the order they were first added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|h| &*h.name)
    }
}

/// One runtime's side of the host functions.
pub struct HostCalls {
    functions: HostFunctions,
    /// An object or array result's JSON text, for `hostJson` (pool
    /// outcomes use it too).
    pub(crate) json: String,
}

impl HostCalls {
    pub fn new(functions: HostFunctions) -> HostCalls {
        HostCalls {
            functions,
            json: String::new(),
        }
    }
}

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("hostFunctions", op_host_functions::<X>);
    iso.set_op("hostCall", op_host_call::<X>);
    iso.set_op("hostJson", op_host_json::<X>);
}

/// `[name, "sync" | "async", ...]`, flat, in index order.
fn op_host_functions<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let items: Vec<&[u8]> = state
        .host
        .functions
        .list
        .iter()
        .flat_map(|h| {
            let mode: &[u8] = if h.mode == Mode::Sync { b"sync" } else { b"async" };
            [h.name.as_bytes(), mode]
        })
        .collect();
    args.return_strings(&items, false);
}

/// `hostCall(index, jsonMask, ...args)`.
fn op_host_call<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let index = args.int(0);
    let Some(f) = usize::try_from(index)
        .ok()
        .and_then(|i| state.host.functions.list.get(i))
        .cloned()
    else {
        return args.throw(ErrorKind::TypeError, &format!("no host function #{index}"));
    };
    let values = match read_args(args, 2, args.int(1) as u32) {
        Ok(v) => v,
        Err(msg) => {
            return args.throw(ErrorKind::TypeError, &format!("Howth.ops.{}: {msg}", f.name));
        }
    };
    match f.mode {
        Mode::Sync => {
            let result = f.call(&values);
            match result {
                Ok(v) => return_value(&mut state.host.json, args, v),
                Err(message) => args.throw(ErrorKind::Error, &message),
            }
        }
        Mode::Async => {
            let id = state
                .pool
                .submit(move || f.call(&values).map_err(HostValue::String));
            args.return_int(id as i32);
        }
    }
}

fn op_host_json<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    args.return_str(&state.host.json);
    state.host.json.clear();
}

/// Converts the arguments from `first` on; bit `i` of `json_mask` marks
/// argument `first + i` as JSON text (ts-lib stringified an object).
pub(crate) fn read_args(args: &CallArgs<'_>, first: usize, json_mask: u32) -> Result<Vec<HostValue>, String> {
    (first..args.len())
        .map(|i| {
            let is_json = (i - first) < 32 && json_mask & (1 << (i - first)) != 0;
            Ok(match args.kind(i) {
                Kind::Undefined | Kind::Null => HostValue::Null,
                Kind::Bool => HostValue::Bool(args.bool(i)),
                Kind::Int | Kind::Number => HostValue::Number(args.number(i)),
                Kind::String if is_json => {
                    let v = serde_json::from_str(&args.string(i))
                        .map_err(|e| format!("argument {} is not valid JSON: {e}", i - first))?;
                    HostValue::Json(v)
                }
                Kind::String => HostValue::String(args.string(i)),
                Kind::ArrayBuffer | Kind::View => {
                    let mut bytes = Vec::with_capacity(args.bytes_len(i));
                    args.append_bytes(i, &mut bytes);
                    HostValue::Bytes(bytes)
                }
                Kind::Function | Kind::Array | Kind::Object | Kind::Other => {
                    return Err(format!(
                        "argument {} cannot be passed to a host function (only strings, numbers, \
                         booleans, null, bytes and JSON-able objects can)",
                        i - first
                    ));
                }
            })
        })
        .collect()
}

/// Returns a value to JS; an object or array goes as JSON text through
/// `hostJson` (the op returns undefined, which no other value maps to).
pub(crate) fn return_value(json: &mut String, args: &mut CallArgs<'_>, value: HostValue) {
    use serde_json::Value as Json;
    match value {
        HostValue::Null | HostValue::Json(Json::Null) => args.return_null(),
        HostValue::Bool(b) | HostValue::Json(Json::Bool(b)) => args.return_bool(b),
        HostValue::Number(n) => args.return_number(n),
        HostValue::Json(Json::Number(n)) => args.return_number(n.as_f64().unwrap_or(f64::NAN)),
        HostValue::String(s) | HostValue::Json(Json::String(s)) => args.return_str(&s),
        HostValue::Bytes(b) => args.return_bytes(&b),
        HostValue::Json(v) => {
            *json = v.to_string();
            args.return_undefined();
        }
    }
}
