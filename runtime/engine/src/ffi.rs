//! The C ABI of shim.cc. Nothing outside this crate sees these declarations.
use std::ffi::{c_char, c_int, c_void};

#[repr(C)]
pub struct HowthIsolate {
    _private: [u8; 0],
}

/// A `v8::Global<v8::Value>` owned by Rust.
#[repr(C)]
pub struct HowthValue {
    _private: [u8; 0],
}

/// Where the shim describes an exception; every pointer is a sink (a
/// `*mut Vec<u8>`) or null.
#[repr(C)]
pub struct ErrorOut {
    pub message: *mut c_void,
    pub stack: *mut c_void,
    pub source_line: *mut c_void,
    pub resource: *mut c_void,
    pub line: c_int,
    pub column: c_int,
    pub terminated: c_int,
}

pub type NativeTrampoline = unsafe extern "C" fn(data: *mut c_void, args: *const c_void);
pub type DynamicImportFn = unsafe extern "C" fn(
    host: *mut c_void,
    referrer: *const c_char,
    rlen: usize,
    spec: *const c_char,
    slen: usize,
    err_sink: *mut c_void,
) -> c_int;
pub type ImportMetaFn =
    unsafe extern "C" fn(host: *mut c_void, id: c_int, sink: *mut c_void, is_main: *mut c_int) -> c_int;

#[repr(C)]
pub struct HostCallbacks {
    pub host: *mut c_void,
    pub dynamic_import: DynamicImportFn,
    pub import_meta: ImportMetaFn,
}

extern "C" {
    pub fn howth_v8_init(flags: *const c_char, single_threaded: c_int);
    pub fn howth_v8_version() -> *const c_char;

    pub fn howth_isolate_new(
        heap_limit: usize,
        cb: HostCallbacks,
        snapshot: *const c_char,
        snapshot_len: usize,
        for_snapshot: c_int,
    ) -> *mut HowthIsolate;
    pub fn howth_snapshot_create(
        hi: *mut HowthIsolate,
        data: *mut HowthValue,
        out_sink: *mut c_void,
    ) -> c_int;
    pub fn howth_snapshot_supported() -> c_int;
    pub fn howth_snapshot_data(hi: *mut HowthIsolate) -> *mut HowthValue;
    pub fn howth_snapshot_modules(hi: *mut HowthIsolate) -> c_int;
    pub fn howth_set_import_meta_hook(hi: *mut HowthIsolate, f: *mut HowthValue);
    pub fn howth_isolate_dispose(hi: *mut HowthIsolate);
    pub fn howth_isolate_raw(hi: *mut HowthIsolate) -> *mut c_void;
    pub fn howth_terminate_raw(iso: *mut c_void);
    pub fn howth_cancel_terminate(hi: *mut HowthIsolate);
    pub fn howth_take_heap_limit_hit(hi: *mut HowthIsolate) -> c_int;
    pub fn howth_heap_stats(hi: *mut HowthIsolate, used: *mut usize, total: *mut usize, limit: *mut usize);
    pub fn howth_run_microtasks(hi: *mut HowthIsolate);
    pub fn howth_pump_platform(hi: *mut HowthIsolate);
    pub fn howth_low_memory(hi: *mut HowthIsolate);
    pub fn howth_take_unhandled_rejection(hi: *mut HowthIsolate, err: *mut ErrorOut) -> c_int;
    pub fn howth_take_unhandled_rejection_values(
        hi: *mut HowthIsolate,
        promise: *mut *mut HowthValue,
        reason: *mut *mut HowthValue,
    ) -> c_int;

    pub fn howth_ops_set_function(
        hi: *mut HowthIsolate,
        name: *const c_char,
        len: usize,
        f: NativeTrampoline,
        data: *mut c_void,
    );
    pub fn howth_ops_object(hi: *mut HowthIsolate) -> *mut HowthValue;

    pub fn howth_args_len(a: *const c_void) -> c_int;
    pub fn howth_arg_kind(a: *const c_void, i: c_int) -> c_int;
    pub fn howth_arg_number(a: *const c_void, i: c_int) -> f64;
    pub fn howth_arg_int32(a: *const c_void, i: c_int) -> i32;
    pub fn howth_arg_bool(a: *const c_void, i: c_int) -> c_int;
    pub fn howth_arg_append_utf8(a: *const c_void, i: c_int, sink: *mut c_void) -> usize;
    pub fn howth_arg_utf8_len(a: *const c_void, i: c_int) -> usize;
    pub fn howth_arg_strings_into(a: *const c_void, i: c_int, bytes: *mut c_void, ends: *mut c_void)
        -> c_int;
    pub fn howth_arg_bytes_len(a: *const c_void, i: c_int) -> usize;
    pub fn howth_arg_copy_bytes(a: *const c_void, i: c_int, dst: *mut c_char, cap: usize) -> usize;
    pub fn howth_arg_fill_view(a: *const c_void, i: c_int, src: *const c_char, len: usize) -> usize;
    pub fn howth_arg_global(a: *const c_void, i: c_int) -> *mut HowthValue;
    pub fn howth_ret_int(a: *const c_void, v: i32);
    pub fn howth_ret_number(a: *const c_void, v: f64);
    pub fn howth_ret_bool(a: *const c_void, v: c_int);
    pub fn howth_ret_null(a: *const c_void);
    pub fn howth_ret_undefined(a: *const c_void);
    pub fn howth_ret_utf8(a: *const c_void, p: *const c_char, n: usize);
    pub fn howth_ret_latin1(a: *const c_void, p: *const c_char, n: usize);
    pub fn howth_ret_bytes(a: *const c_void, p: *const c_char, n: usize);
    pub fn howth_ret_owned_bytes(a: *const c_void, data: *mut c_char, len: usize, cap: usize);
    pub fn howth_arg_append_one_byte(a: *const c_void, i: c_int, sink: *mut c_void) -> c_int;
    pub fn howth_ret_string_array(
        a: *const c_void,
        ptrs: *const *const c_char,
        lens: *const usize,
        count: usize,
        latin1: c_int,
    );
    pub fn howth_ret_number_array(a: *const c_void, values: *const f64, count: usize);
    pub fn howth_ret_value(a: *const c_void, v: *mut HowthValue);
    pub fn howth_throw(a: *const c_void, kind: c_int, p: *const c_char, n: usize);
    pub fn howth_structured_clone(a: *const c_void, i: c_int);
    /// 1 detached, 0 not an ArrayBuffer, -1 not detachable or detached already.
    pub fn howth_detach_array_buffer(a: *const c_void, i: c_int) -> c_int;
    /// 1 when argument i was serialised into the Vec<u8> `sink`, 0 with an exception pending.
    pub fn howth_arg_serialize(a: *const c_void, i: c_int, sink: *mut c_void) -> c_int;
    pub fn howth_ret_deserialized(a: *const c_void, p: *const c_char, n: usize);

    pub fn howth_value_free(v: *mut HowthValue);
    pub fn howth_value_string(hi: *mut HowthIsolate, p: *const c_char, n: usize) -> *mut HowthValue;
    pub fn howth_value_number(hi: *mut HowthIsolate, d: f64) -> *mut HowthValue;
    pub fn howth_value_to_utf8(hi: *mut HowthIsolate, v: *mut HowthValue, sink: *mut c_void);
    pub fn howth_value_is_function(hi: *mut HowthIsolate, v: *mut HowthValue) -> c_int;
    pub fn howth_value_get(
        hi: *mut HowthIsolate,
        obj: *mut HowthValue,
        key: *const c_char,
        klen: usize,
    ) -> *mut HowthValue;
    pub fn howth_value_describe(hi: *mut HowthIsolate, v: *mut HowthValue, err: *mut ErrorOut);
    pub fn howth_promise_state(hi: *mut HowthIsolate, v: *mut HowthValue) -> c_int;
    pub fn howth_promise_result(hi: *mut HowthIsolate, v: *mut HowthValue) -> *mut HowthValue;
    pub fn howth_promise_mark_handled(hi: *mut HowthIsolate, v: *mut HowthValue);

    pub fn howth_eval_script(
        hi: *mut HowthIsolate,
        name: *const c_char,
        nlen: usize,
        src: *const c_char,
        slen: usize,
        err: *mut ErrorOut,
    ) -> *mut HowthValue;
    pub fn howth_call(
        hi: *mut HowthIsolate,
        f: *mut HowthValue,
        argc: c_int,
        argv: *const *mut HowthValue,
        err: *mut ErrorOut,
    ) -> *mut HowthValue;
    pub fn howth_call_int(hi: *mut HowthIsolate, f: *mut HowthValue, n: i32, err: *mut ErrorOut) -> c_int;

    pub fn howth_module_compile(
        hi: *mut HowthIsolate,
        name: *const c_char,
        nlen: usize,
        src: *const c_char,
        slen: usize,
        cache: *const u8,
        cache_len: usize,
        cache_rejected: *mut c_int,
        err: *mut ErrorOut,
    ) -> c_int;
    pub fn howth_module_code_cache(hi: *mut HowthIsolate, id: c_int, sink: *mut c_void);
    pub fn howth_module_request_count(hi: *mut HowthIsolate, id: c_int) -> c_int;
    pub fn howth_module_request(hi: *mut HowthIsolate, id: c_int, k: c_int, sink: *mut c_void);
    pub fn howth_module_link(
        hi: *mut HowthIsolate,
        referrer: c_int,
        spec: *const c_char,
        len: usize,
        target: c_int,
    );
    pub fn howth_module_status(hi: *mut HowthIsolate, id: c_int) -> c_int;
    pub fn howth_module_instantiate(hi: *mut HowthIsolate, id: c_int, err: *mut ErrorOut) -> c_int;
    pub fn howth_module_set_main(hi: *mut HowthIsolate, id: c_int);
    pub fn howth_module_evaluate(hi: *mut HowthIsolate, id: c_int, err: *mut ErrorOut) -> *mut HowthValue;
    pub fn howth_module_exception(hi: *mut HowthIsolate, id: c_int, err: *mut ErrorOut);
    pub fn howth_module_namespace(hi: *mut HowthIsolate, id: c_int) -> *mut HowthValue;
}

// Sinks: the shim appends strings to Rust-owned Vec<u8>s through these.

/// # Safety
/// `sink` is null or a live `*mut Vec<u8>` made by this crate; `data` points
/// to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn howth_sink_write(sink: *mut c_void, data: *const c_char, len: usize) {
    if sink.is_null() || len == 0 {
        return;
    }
    let v = &mut *(sink as *mut Vec<u8>);
    v.extend_from_slice(std::slice::from_raw_parts(data as *const u8, len));
}

#[no_mangle]
pub extern "C" fn howth_sink_new() -> *mut c_void {
    Box::into_raw(Box::new(Vec::<u8>::new())) as *mut c_void
}

/// # Safety
/// `sink` comes from `howth_sink_new` and is not yet freed.
#[no_mangle]
pub unsafe extern "C" fn howth_sink_read(sink: *mut c_void, data: *mut *const c_char, len: *mut usize) {
    let v = &*(sink as *mut Vec<u8>);
    *data = v.as_ptr() as *const c_char;
    *len = v.len();
}

/// # Safety
/// `sink` comes from `howth_sink_new`; it is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn howth_sink_free(sink: *mut c_void) {
    drop(Box::from_raw(sink as *mut Vec<u8>));
}

/// Makes room for `additional` bytes past the end and returns where they go.
///
/// # Safety
/// `sink` is a live `*mut Vec<u8>`; the caller writes at most `additional`
/// bytes at the returned pointer and then calls `howth_sink_commit`.
#[no_mangle]
pub unsafe extern "C" fn howth_sink_reserve(sink: *mut c_void, additional: usize) -> *mut c_char {
    let v = &mut *(sink as *mut Vec<u8>);
    v.reserve(additional);
    v.as_mut_ptr().add(v.len()) as *mut c_char
}

/// Marks `added` bytes written after `howth_sink_reserve` as part of the Vec.
///
/// # Safety
/// `added` bytes past the length were written (initialised) by the caller,
/// within the reserved room.
#[no_mangle]
pub unsafe extern "C" fn howth_sink_commit(sink: *mut c_void, added: usize) {
    let v = &mut *(sink as *mut Vec<u8>);
    v.set_len(v.len() + added);
}

/// Frees a Vec<u8> whose buffer `howth_ret_owned_bytes` handed to V8; V8
/// calls it once, when the last ArrayBuffer over the bytes is collected.
///
/// # Safety
/// `data`, `len` and `cap` (passed as V8's deleter data) are the parts of a
/// Vec<u8> given up with `CallArgs::return_vec`, and this runs once for it.
#[no_mangle]
pub unsafe extern "C" fn howth_free_vec(data: *mut c_void, len: usize, cap: *mut c_void) {
    drop(Vec::from_raw_parts(data as *mut u8, len, cap as usize));
}

/// # Safety
/// `sink` is a live `*mut Vec<u32>`.
#[no_mangle]
pub unsafe extern "C" fn howth_sink_push_u32(sink: *mut c_void, value: u32) {
    (*(sink as *mut Vec<u32>)).push(value);
}

pub fn sink(v: &mut Vec<u8>) -> *mut c_void {
    v as *mut Vec<u8> as *mut c_void
}

// promise_hooks.cc: async context for node:async_hooks.
extern "C" {
    pub fn howth_set_promise_hooks(a: *const c_void);
}
