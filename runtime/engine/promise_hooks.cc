// Promise hooks for async context (node:async_hooks' AsyncLocalStorage
// follows `await` through them). Kept apart from shim.cc: it needs nothing
// of the isolate wrapper, only the call in progress.
#include <v8.h>

using Args = v8::FunctionCallbackInfo<v8::Value>;

extern "C" {

// Installs arguments 0..3 (init, before, after, resolve) as the calling
// context's promise hooks. An argument that is not a function leaves that
// hook empty, so four non-functions remove them all.
// Invariant: `a` is the FunctionCallbackInfo of an op call in progress
// (the Rust side only passes CallArgs' own pointer); every argument's kind
// is checked before the cast. V8 was built with JavaScript promise hooks
// (libnode's config.gypi: v8_enable_javascript_promise_hooks=1), so the
// call does not hit V8's "compiled without JavaScript Promise hooks" check.
void howth_set_promise_hooks(const void* a) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Local<v8::Function> hooks[4];
  for (int k = 0; k < 4; k++) {
    v8::Local<v8::Value> v = info[k];
    if (v->IsFunction()) hooks[k] = v.As<v8::Function>();
  }
  info.GetIsolate()->GetCurrentContext()->SetPromiseHooks(hooks[0], hooks[1], hooks[2], hooks[3]);
}

}  // extern "C"
