use std::ffi::{c_char, c_int, c_void};
use std::marker::PhantomData;

use crate::ffi;
use crate::value::Value;

/// What a native function's argument is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Undefined,
    Null,
    Bool,
    Int,
    Number,
    String,
    ArrayBuffer,
    /// A typed array or DataView.
    View,
    Function,
    Array,
    Object,
    Other,
}

/// The kind of error a native function throws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Error,
    TypeError,
    RangeError,
    SyntaxError,
}

/// The arguments and the return slot of one call from JavaScript into a
/// native function. It lives only for the call.
pub struct CallArgs<'a> {
    raw: *const c_void,
    pub(crate) alive: &'a std::rc::Rc<std::cell::Cell<bool>>,
    _call: PhantomData<&'a ()>,
}

impl<'a> CallArgs<'a> {
    pub(crate) fn new(raw: *const c_void, alive: &'a std::rc::Rc<std::cell::Cell<bool>>) -> Self {
        CallArgs {
            raw,
            alive,
            _call: PhantomData,
        }
    }

    /// Number of arguments passed.
    pub fn len(&self) -> usize {
        // SAFETY: `raw` is the FunctionCallbackInfo of the call in progress;
        // CallArgs cannot outlive that call ('a).
        unsafe { ffi::howth_args_len(self.raw) as usize }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn kind(&self, i: usize) -> Kind {
        // SAFETY: as in `len`; V8 returns undefined for indexes past the end.
        match unsafe { ffi::howth_arg_kind(self.raw, i as c_int) } {
            0 => Kind::Undefined,
            1 => Kind::Null,
            2 => Kind::Bool,
            3 => Kind::Int,
            4 => Kind::Number,
            5 => Kind::String,
            6 => Kind::ArrayBuffer,
            7 => Kind::View,
            8 => Kind::Function,
            9 => Kind::Array,
            10 => Kind::Object,
            _ => Kind::Other,
        }
    }

    /// The argument as an i32 (numbers are truncated, others are 0).
    pub fn int(&self, i: usize) -> i32 {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_arg_int32(self.raw, i as c_int) }
    }

    /// The argument as an f64 (non-numbers are 0).
    pub fn number(&self, i: usize) -> f64 {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_arg_number(self.raw, i as c_int) }
    }

    /// True only for `true`.
    pub fn bool(&self, i: usize) -> bool {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_arg_bool(self.raw, i as c_int) != 0 }
    }

    /// Appends a string argument as UTF-8 to `out`; returns the bytes added
    /// (0 for non-strings). Lone surrogates become U+FFFD. One pass over
    /// the string (see the shim's howth_arg_append_utf8).
    pub fn append_utf8(&self, i: usize, out: &mut Vec<u8>) -> usize {
        // SAFETY: as in `len`; `out` is a live Vec<u8>, the shim's sink type,
        // which it only grows through howth_sink_reserve/commit.
        unsafe { ffi::howth_arg_append_utf8(self.raw, i as c_int, out as *mut Vec<u8> as *mut c_void) }
    }

    /// UTF-8 length of a string argument (0 for non-strings).
    pub fn utf8_len(&self, i: usize) -> usize {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_arg_utf8_len(self.raw, i as c_int) }
    }

    /// Appends each string of an array argument to `bytes` and its
    /// end offset within `bytes` to `ends`. Returns the number of strings,
    /// or None when the argument is not an array of strings. Strings V8
    /// stores one byte per character are copied as those (Latin-1) bytes,
    /// as header ByteStrings are sent; others are encoded as UTF-8. Reusing the
    /// two vectors makes this allocation-free in steady state.
    pub fn strings_into(&self, i: usize, bytes: &mut Vec<u8>, ends: &mut Vec<u32>) -> Option<usize> {
        // SAFETY: `bytes` is a live Vec<u8> and `ends` a live Vec<u32> for
        // the duration of the call; the shim only appends to them.
        let n = unsafe {
            ffi::howth_arg_strings_into(
                self.raw,
                i as c_int,
                ffi::sink(bytes),
                ends as *mut Vec<u32> as *mut c_void,
            )
        };
        (n >= 0).then_some(n as usize)
    }

    /// A string argument as a Rust `String` (empty for non-strings).
    pub fn string(&self, i: usize) -> String {
        let mut v = Vec::new();
        self.append_utf8(i, &mut v);
        // The shim replaced invalid sequences, so this is valid UTF-8.
        String::from_utf8(v).unwrap_or_default()
    }

    /// Byte length of an ArrayBuffer or view argument (0 for others).
    pub fn bytes_len(&self, i: usize) -> usize {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_arg_bytes_len(self.raw, i as c_int) }
    }

    /// Appends the bytes of an ArrayBuffer or view argument to `out`;
    /// returns how many.
    pub fn append_bytes(&self, i: usize, out: &mut Vec<u8>) -> usize {
        let need = self.bytes_len(i);
        if need == 0 {
            return 0;
        }
        out.reserve(need);
        let at = out.len();
        // SAFETY: room for `need` bytes was reserved past `at`; the shim
        // copies at most `need` and reports the count it copied.
        unsafe {
            let dst = out.as_mut_ptr().add(at) as *mut c_char;
            let n = ffi::howth_arg_copy_bytes(self.raw, i as c_int, dst, need);
            out.set_len(at + n);
            n
        }
    }

    /// Copies `src` into a view argument (e.g. a Uint8Array to fill);
    /// returns the bytes written.
    pub fn fill_view(&self, i: usize, src: &[u8]) -> usize {
        // SAFETY: `src` is a valid slice; the shim bounds the copy by both
        // lengths.
        unsafe { ffi::howth_arg_fill_view(self.raw, i as c_int, src.as_ptr() as *const c_char, src.len()) }
    }

    /// A persistent handle to the argument, to keep beyond the call.
    pub fn value(&self, i: usize) -> Value {
        // SAFETY: as in `len`; the shim allocates a new Global.
        let raw = unsafe { ffi::howth_arg_global(self.raw, i as c_int) };
        Value::from_raw(raw, self.alive).expect("shim returned a null global")
    }

    pub fn return_int(&mut self, v: i32) {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_ret_int(self.raw, v) }
    }

    pub fn return_number(&mut self, v: f64) {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_ret_number(self.raw, v) }
    }

    pub fn return_bool(&mut self, v: bool) {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_ret_bool(self.raw, v as c_int) }
    }

    pub fn return_null(&mut self) {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_ret_null(self.raw) }
    }

    pub fn return_undefined(&mut self) {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_ret_undefined(self.raw) }
    }

    /// Returns a string decoded from UTF-8.
    pub fn return_str(&mut self, s: &str) {
        // SAFETY: as in `len`; the slice is valid for the call.
        unsafe { ffi::howth_ret_utf8(self.raw, s.as_ptr() as *const c_char, s.len()) }
    }

    /// Returns a string from bytes taken as Latin-1: the fast path for ASCII
    /// such as methods, URLs and header names.
    pub fn return_latin1(&mut self, s: &[u8]) {
        // SAFETY: as in `len`; the slice is valid for the call.
        unsafe { ffi::howth_ret_latin1(self.raw, s.as_ptr() as *const c_char, s.len()) }
    }

    /// Returns a new Uint8Array holding a copy of `b`.
    pub fn return_bytes(&mut self, b: &[u8]) {
        // SAFETY: as in `len`; the slice is valid for the call.
        unsafe { ffi::howth_ret_bytes(self.raw, b.as_ptr() as *const c_char, b.len()) }
    }

    /// Returns a new Uint8Array over `bytes` itself: V8 takes the Vec's
    /// allocation and frees it when the array is collected, so large results
    /// are neither copied nor zero-filled first.
    pub fn return_vec(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return self.return_bytes(&[]);
        }
        let mut bytes = std::mem::ManuallyDrop::new(bytes);
        let (data, len, cap) = (bytes.as_mut_ptr(), bytes.len(), bytes.capacity());
        // SAFETY: the Vec is given up (ManuallyDrop, never used again); the
        // shim hands its parts to V8 whose deleter, howth_free_vec, rebuilds
        // and drops it exactly once (or the shim does on failure).
        unsafe { ffi::howth_ret_owned_bytes(self.raw, data as *mut c_char, len, cap) }
    }

    /// Appends a string argument's characters as Latin-1 bytes, one a
    /// character, when V8 stores it one byte per character; returns false
    /// (appending nothing) for other strings and non-strings.
    pub fn append_one_byte(&self, i: usize, out: &mut Vec<u8>) -> bool {
        // SAFETY: as in `append_utf8`.
        unsafe { ffi::howth_arg_append_one_byte(self.raw, i as c_int, ffi::sink(out)) != 0 }
    }

    /// Returns an array of strings (Latin-1 or UTF-8 per `latin1`).
    pub fn return_strings(&mut self, items: &[&[u8]], latin1: bool) {
        let ptrs: Vec<*const c_char> = items.iter().map(|s| s.as_ptr() as *const c_char).collect();
        let lens: Vec<usize> = items.iter().map(|s| s.len()).collect();
        // SAFETY: `ptrs` and `lens` have `items.len()` entries describing
        // slices that stay valid for the call.
        unsafe {
            ffi::howth_ret_string_array(
                self.raw,
                ptrs.as_ptr(),
                lens.as_ptr(),
                items.len(),
                latin1 as c_int,
            )
        }
    }

    /// Returns an array of numbers.
    pub fn return_numbers(&mut self, values: &[f64]) {
        // SAFETY: as in `len`; the slice is valid for the call.
        unsafe { ffi::howth_ret_number_array(self.raw, values.as_ptr(), values.len()) }
    }

    /// Returns a value held by Rust.
    ///
    /// # Panics
    /// If `v` was made by another isolate (a bug in the embedding Rust
    /// code); the op's call then throws (see unwind.rs).
    pub fn return_value(&mut self, v: &Value) {
        assert!(
            v.belongs_to(self.alive),
            "a Value was returned to an isolate other than the one that made it"
        );
        // SAFETY: as in `len`; `v` is a live global of this isolate (checked).
        unsafe { ffi::howth_ret_value(self.raw, v.raw.as_ptr()) }
    }

    /// Throws an exception of `kind` with `message` when the call returns.
    pub fn throw(&mut self, kind: ErrorKind, message: &str) {
        let k = match kind {
            ErrorKind::Error => 0,
            ErrorKind::TypeError => 1,
            ErrorKind::RangeError => 2,
            ErrorKind::SyntaxError => 3,
        };
        // SAFETY: as in `len`; the message slice is valid for the call.
        unsafe { ffi::howth_throw(self.raw, k, message.as_ptr() as *const c_char, message.len()) }
    }

    /// Returns a structured clone of argument `i` (V8's serializer); throws
    /// a DataCloneError-like error for values that cannot be cloned.
    pub fn return_structured_clone(&mut self, i: usize) {
        // SAFETY: as in `len`.
        unsafe { ffi::howth_structured_clone(self.raw, i as c_int) }
    }
}

/// What [`CallArgs::detach_array_buffer`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detach {
    /// The argument was an ArrayBuffer and is detached now.
    Detached,
    /// The argument is no ArrayBuffer (SharedArrayBuffers and views included).
    NotArrayBuffer,
    /// V8 will not detach it (a WebAssembly memory's buffer), or it was
    /// detached already.
    NotDetachable,
}

impl CallArgs<'_> {
    /// Detaches argument `i` when it is an ArrayBuffer: its length and its
    /// views' lengths become 0 (transfer in structuredClone and postMessage).
    pub fn detach_array_buffer(&mut self, i: usize) -> Detach {
        // SAFETY: as in `len`; the shim checks the value's kind before it
        // treats it as an ArrayBuffer, and no shim function holds a pointer
        // into a backing store past its own call, so none is left dangling.
        match unsafe { ffi::howth_detach_array_buffer(self.raw, i as c_int) } {
            1 => Detach::Detached,
            0 => Detach::NotArrayBuffer,
            _ => Detach::NotDetachable,
        }
    }
}

/// V8's serializer across isolates: the bytes structuredClone makes, kept so
/// that another isolate of the process can read them (BroadcastChannel
/// between workers).
impl CallArgs<'_> {
    /// Appends V8's serialisation of argument `i` to `out`; false, with the
    /// serializer's exception pending, when the value cannot be cloned (a
    /// function, a SharedArrayBuffer). May run getters (make the op that
    /// calls it stateless).
    pub fn serialize(&mut self, i: usize, out: &mut Vec<u8>) -> bool {
        // SAFETY: as in `len`; `out` is a live Vec<u8> the shim only grows
        // through the sink functions, which keep it initialised.
        unsafe { ffi::howth_arg_serialize(self.raw, i as c_int, ffi::sink(out)) == 1 }
    }

    /// Returns the value `bytes` serialise (from [`CallArgs::serialize`] in
    /// any isolate); throws when they are no serialisation.
    pub fn return_deserialized(&mut self, bytes: &[u8]) {
        // SAFETY: as in `len`; V8 reads at most `bytes.len()` bytes of the slice.
        unsafe { ffi::howth_ret_deserialized(self.raw, bytes.as_ptr() as *const c_char, bytes.len()) }
    }
}

// ---- async context (node:async_hooks) --------------------------------------

impl CallArgs<'_> {
    /// Makes arguments 0..4 the calling context's promise hooks (V8's
    /// `Context::SetPromiseHooks`: init, before, after, resolve). An
    /// argument that is not a function leaves that hook empty; four
    /// non-functions remove them. V8 then calls the hooks for every promise
    /// the context makes or settles, which is how AsyncLocalStorage follows
    /// `await`; with no hooks set, promises cost what they did.
    pub fn set_promise_hooks(&mut self) {
        // SAFETY: as in `len`; the shim checks each argument is a function
        // before it casts it.
        unsafe { ffi::howth_set_promise_hooks(self.raw) }
    }
}
