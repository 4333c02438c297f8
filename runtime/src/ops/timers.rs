//! Timer ops: JS keeps the callbacks, Rust keeps the deadlines.
use std::time::Instant;

use howth_engine::{CallArgs, Isolate};

use crate::RuntimeState;

pub fn register<X: 'static>(iso: &mut Isolate<RuntimeState<X>>) {
    iso.set_op("timerStart", op_timer_start::<X>);
    iso.set_op("timerStop", op_timer_stop::<X>);
    iso.set_op("timerRef", op_timer_ref::<X>);
    iso.set_op("setTimerCallback", op_set_timer_callback::<X>);
}

fn op_timer_start<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    let delay = args.number(1);
    let delay = if delay.is_finite() { delay } else { 0.0 };
    state
        .timers
        .start(args.int(0) as u32, delay, args.bool(2), Instant::now());
}

fn op_timer_stop<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.timers.stop(args.int(0) as u32);
}

fn op_timer_ref<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.timers.set_ref(args.int(0) as u32, args.bool(1));
}

fn op_set_timer_callback<X>(state: &mut RuntimeState<X>, args: &mut CallArgs<'_>) {
    state.timer_callback = Some(args.value(0));
}
