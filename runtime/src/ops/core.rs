//! Process-level ops: output, exit, boot information, clocks, stack mapping.
use std::io::Write;

use howth_engine::{CallArgs, Isolate};

use crate::RuntimeState;

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("print", op_print::<X>);
    iso.set_op("exit", op_exit::<X>);
    iso.set_op("bootInfo", op_boot_info::<X>);
    iso.set_op("now", op_now::<X>);
    iso.set_op("timeOrigin", op_time_origin::<X>);
    iso.set_op("mapPosition", op_map_position::<X>);
    // Test-only: proves that a panicking op throws instead of aborting the
    // process (tests/op_panic.rs; docs/engine-boundary.md).
    if std::env::var_os("HOWTH_TEST_PANIC_OP").is_some_and(|v| v == "1") {
        iso.set_op("testPanic", op_test_panic::<X>);
    }
}

/// testPanic(message): panics with `message`, as a buggy op would. Only
/// registered under HOWTH_TEST_PANIC_OP=1.
fn op_test_panic<X>(_: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    panic!("{}", args.string(0));
}

fn op_print<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let scratch = &mut state.scratch;
    scratch.clear();
    args.append_utf8(1, scratch);
    // A closed stdout (e.g. piped into `head`) must not kill the server.
    let _ = if args.int(0) == 2 {
        std::io::stderr().lock().write_all(scratch)
    } else {
        std::io::stdout().lock().write_all(scratch)
    };
}

/// Records the exit code and stops the running script; the loop then ends
/// and the embedder (the CLI) exits with the code.
fn op_exit<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let _ = std::io::stdout().lock().flush();
    state.exit_code = Some(args.int(0));
    if let Some(t) = &state.terminate {
        t.terminate();
    }
}

fn op_boot_info<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    args.return_str(&state.boot_info);
}

fn op_now<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    args.return_number(state.start.elapsed().as_secs_f64() * 1000.0);
}

fn op_time_origin<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    args.return_number(state.time_origin_ms);
}

fn op_map_position<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let resource = args.string(0);
    let (line, col) = (args.int(1).max(0) as u32, args.int(2).max(0) as u32);
    match state.loader.map_position(&resource, line, col) {
        Some((l, c)) => args.return_str(&format!("{l}:{c}")),
        None => args.return_undefined(),
    }
}
