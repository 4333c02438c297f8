//! Async context for node:async_hooks (ts-lib/async_context.ts): V8's
//! promise hooks, installed the first time a program stores something in
//! an AsyncLocalStorage. Until then no hook is set and promises cost what
//! they always did.

use howth_engine::{CallArgs, Isolate};

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    // Stateless: it touches only V8, and is called from ts-lib wherever
    // AsyncLocalStorage.run happens to be (inside another op's callback too).
    iso.set_stateless_op("setPromiseHooks", op_set_promise_hooks);
}

/// setPromiseHooks(init, before, after, resolve): the current context's
/// promise hooks; a non-function leaves that hook empty.
fn op_set_promise_hooks(args: &mut CallArgs<'_>) {
    args.set_promise_hooks();
}
