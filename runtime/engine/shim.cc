// The only C++ in Howth: a thin C ABI over the V8 that Debian's libnode ships
// (V8 10.2). Everything here is shaped by what the runtime needs: an isolate
// with one context, native functions on an `ops` object, scripts, an ES
// module graph, calling a function with a batch size, strings and bytes in
// and out, exceptions with stacks, microtasks, heap statistics and
// TerminateExecution. The safe Rust API over it is in src/.
//
// Strings leave C++ through "sinks": a sink is a pointer to a Rust Vec<u8>
// and `howth_sink_write` (defined in Rust) appends to it, so no buffer is
// allocated on this side and nothing needs freeing across the boundary.

#include <libplatform/libplatform.h>
#include <v8.h>

#include <dlfcn.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

extern "C" {
void howth_sink_write(void* sink, const char* data, size_t len);
void* howth_sink_new();
void howth_sink_read(void* sink, const char** data, size_t* len);
void howth_sink_free(void* sink);
char* howth_sink_reserve(void* sink, size_t additional);
void howth_sink_commit(void* sink, size_t added);
void howth_sink_push_u32(void* sink, uint32_t v);
void howth_free_vec(void* data, size_t len, void* cap);
}

namespace {

std::unique_ptr<v8::Platform> g_platform;

struct Native {
  void (*fn)(void* data, const void* args);
  void* data;
};

// Filled by Rust before any call that can throw; every field is a sink or 0.
struct ErrorOut {
  void* message;
  void* stack;
  void* source_line;
  void* resource;
  int line;
  int column;
  int terminated;
};

struct HostCallbacks {
  void* host;
  // Loads (compiles, links) the module `specifier` imported from the script
  // or module named `referrer`; returns its id or -1 with a message in sink.
  int (*dynamic_import)(void* host, const char* referrer, size_t rlen,
                        const char* spec, size_t slen, void* err_sink);
  // Writes import.meta.url for module `id` into sink and sets *is_main;
  // or returns -1 with an error message in sink (the hook was refused or
  // panicked), which import.meta then throws.
  int (*import_meta)(void* host, int id, void* sink, int* is_main);
};

struct Rejection {
  v8::Global<v8::Promise> promise;
  v8::Global<v8::Value> reason;
};

}  // namespace

struct HowthIsolate {
  v8::Isolate* iso = nullptr;
  v8::ArrayBuffer::Allocator* alloc = nullptr;
  v8::Global<v8::Context> ctx;
  v8::Global<v8::Object> ops;
  // Called with each module's import.meta after url and main are set
  // (howth_set_import_meta_hook); empty until the runtime sets it.
  v8::Global<v8::Function> import_meta_hook;
  HostCallbacks cb{};
  std::vector<std::unique_ptr<Native>> natives;
  std::vector<v8::Global<v8::Module>> modules;
  // identity hash -> module ids with that hash (hashes may collide)
  std::unordered_multimap<int, int> module_by_hash;
  // (referrer id, specifier) -> resolved module id
  std::unordered_map<std::string, int> resolved;
  int main_module = -1;
  std::vector<Rejection> rejections;
  size_t heap_limit = 0;
  int heap_limit_hit = 0;
  // Set when this isolate's state will become a startup snapshot; the
  // creator owns the isolate (and disposes it).
  v8::SnapshotCreator* creator = nullptr;
  // The snapshot this isolate started from. V8 keeps a pointer to it and
  // reads it again for every context it makes, so it lives as long as the
  // isolate; the bytes are owned by the Rust Isolate.
  v8::StartupData blob{nullptr, 0};
};

typedef v8::FunctionCallbackInfo<v8::Value> Args;
typedef v8::Global<v8::Value> HowthValue;

namespace {

v8::Local<v8::String> str(v8::Isolate* iso, const char* p, size_t n);

// Whether n bytes of UTF-8 or Latin-1 fit in one V8 string (each byte makes
// at most one character). Lengths are checked before every (int) cast: a
// length past INT_MAX would turn negative, which V8 reads as "up to the
// NUL", past the end of the bytes.
bool fits_string(size_t n) { return n <= static_cast<size_t>(v8::String::kMaxLength); }

// Whether `id` names a module of this isolate.
bool valid_module(HowthIsolate* hi, int id) {
  return id >= 0 && static_cast<size_t>(id) < hi->modules.size();
}

HowthIsolate* from_isolate(v8::Isolate* iso) {
  return static_cast<HowthIsolate*>(iso->GetData(0));
}

void sink_value(v8::Isolate* iso, void* sink, v8::Local<v8::Value> v) {
  if (!sink || v.IsEmpty()) return;
  v8::String::Utf8Value s(iso, v);
  if (*s) howth_sink_write(sink, *s, s.length());
}

std::string key_of(int referrer, const char* spec, size_t len) {
  std::string k = std::to_string(referrer);
  k.push_back('\0');
  k.append(spec, len);
  return k;
}

int module_id(HowthIsolate* hi, v8::Local<v8::Module> m) {
  auto range = hi->module_by_hash.equal_range(m->GetIdentityHash());
  for (auto it = range.first; it != range.second; ++it) {
    if (hi->modules[it->second].Get(hi->iso) == m) return it->second;
  }
  return -1;
}

// Describes the exception held by `tc` into `err` (when given).
void report(HowthIsolate* hi, v8::TryCatch& tc, ErrorOut* err) {
  if (!err) return;
  v8::Isolate* iso = hi->iso;
  if (tc.HasTerminated() || !tc.CanContinue()) {
    err->terminated = 1;
    howth_sink_write(err->message, "execution terminated", 20);
    return;
  }
  v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
  v8::Local<v8::Value> exc = tc.Exception();
  sink_value(iso, err->message, exc);
  v8::Local<v8::Value> stack;
  if (tc.StackTrace(ctx).ToLocal(&stack) && stack->IsString()) {
    sink_value(iso, err->stack, stack);
  }
  v8::Local<v8::Message> msg = tc.Message();
  if (!msg.IsEmpty()) {
    err->line = msg->GetLineNumber(ctx).FromMaybe(0);
    err->column = msg->GetStartColumn(ctx).FromMaybe(0) + 1;
    sink_value(iso, err->resource, msg->GetScriptResourceName());
    v8::Local<v8::String> src;
    if (msg->GetSourceLine(ctx).ToLocal(&src)) sink_value(iso, err->source_line, src);
  }
}

void trampoline(const Args& info) {
  auto* n = static_cast<Native*>(info.Data().As<v8::External>()->Value());
  n->fn(n->data, &info);
}

void on_promise_reject(v8::PromiseRejectMessage message) {
  v8::Local<v8::Promise> promise = message.GetPromise();
  v8::Isolate* iso = promise->GetIsolate();
  HowthIsolate* hi = from_isolate(iso);
  switch (message.GetEvent()) {
    case v8::kPromiseRejectWithNoHandler: {
      Rejection r;
      r.promise.Reset(iso, promise);
      r.reason.Reset(iso, message.GetValue());
      hi->rejections.push_back(std::move(r));
      break;
    }
    case v8::kPromiseHandlerAddedAfterReject:
      for (size_t i = 0; i < hi->rejections.size(); i++) {
        if (hi->rejections[i].promise.Get(iso) == promise) {
          hi->rejections.erase(hi->rejections.begin() + i);
          break;
        }
      }
      break;
    default:
      break;
  }
}

void return_data(const Args& info) { info.GetReturnValue().Set(info.Data()); }

v8::MaybeLocal<v8::Promise> on_dynamic_import(v8::Local<v8::Context> ctx, v8::Local<v8::Data>,
                                              v8::Local<v8::Value> resource_name,
                                              v8::Local<v8::String> specifier,
                                              v8::Local<v8::FixedArray>) {
  v8::Isolate* iso = ctx->GetIsolate();
  HowthIsolate* hi = from_isolate(iso);
  v8::EscapableHandleScope scope(iso);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(ctx).ToLocal(&resolver)) return {};
  v8::String::Utf8Value ref(iso, resource_name);
  v8::String::Utf8Value spec(iso, specifier);
  void* err = howth_sink_new();
  int id = hi->cb.dynamic_import(hi->cb.host, *ref ? *ref : "", *ref ? ref.length() : 0,
                                 *spec ? *spec : "", *spec ? spec.length() : 0, err);
  if (id < 0) {
    const char* p;
    size_t n;
    howth_sink_read(err, &p, &n);
    v8::Local<v8::Value> exc = v8::Exception::Error(str(iso, p, n));
    howth_sink_free(err);
    resolver->Reject(ctx, exc).Check();
    return scope.Escape(resolver->GetPromise());
  }
  howth_sink_free(err);
  if (!valid_module(hi, id) || hi->modules[id].Get(iso)->GetStatus() < v8::Module::kInstantiated) {
    resolver->Reject(ctx, v8::Exception::Error(v8::String::NewFromUtf8Literal(
                              iso, "import(): the loader returned a module that is not instantiated")))
        .Check();
    return scope.Escape(resolver->GetPromise());
  }
  v8::Local<v8::Module> m = hi->modules[id].Get(iso);
  v8::TryCatch tc(iso);
  v8::Local<v8::Value> result;
  if (!m->Evaluate(ctx).ToLocal(&result)) {
    if (tc.HasTerminated()) return {};
    resolver->Reject(ctx, tc.Exception()).Check();
    return scope.Escape(resolver->GetPromise());
  }
  v8::Local<v8::Value> ns = m->GetModuleNamespace();
  v8::Local<v8::Function> give_ns;
  if (!v8::Function::New(ctx, return_data, ns).ToLocal(&give_ns)) return {};
  v8::Local<v8::Promise> evaluated = result.As<v8::Promise>();
  v8::Local<v8::Promise> chained;
  if (!evaluated->Then(ctx, give_ns).ToLocal(&chained)) return {};
  return scope.Escape(chained);
}

void on_import_meta(v8::Local<v8::Context> ctx, v8::Local<v8::Module> m,
                    v8::Local<v8::Object> meta) {
  v8::Isolate* iso = ctx->GetIsolate();
  HowthIsolate* hi = from_isolate(iso);
  int id = module_id(hi, m);
  if (id < 0 || !hi->cb.import_meta) return;
  int is_main = 0;
  void* sink = howth_sink_new();
  int ok = hi->cb.import_meta(hi->cb.host, id, sink, &is_main);
  const char* data;
  size_t len;
  howth_sink_read(sink, &data, &len);
  v8::Local<v8::String> text = str(iso, data, len);
  howth_sink_free(sink);
  if (ok < 0) {
    // V8 checks for an exception after this callback: the `import.meta`
    // expression throws it, and the object is not kept, so a later read
    // (outside the op that refused this one) initialises it afresh.
    iso->ThrowException(v8::Exception::Error(text));
    return;
  }
  v8::Local<v8::String> url = text;
  meta->CreateDataProperty(ctx, v8::String::NewFromUtf8Literal(iso, "url"), url).Check();
  meta->CreateDataProperty(ctx, v8::String::NewFromUtf8Literal(iso, "main"),
                           v8::Boolean::New(iso, is_main != 0))
      .Check();
  if (!hi->import_meta_hook.IsEmpty()) {
    // The hook adds what JS computes (dirname, filename, resolve); a throw
    // leaves import.meta as it is rather than failing the module.
    v8::TryCatch tc(iso);
    v8::Local<v8::Value> arg = meta;
    v8::MaybeLocal<v8::Value> ignored =
        hi->import_meta_hook.Get(iso)->Call(ctx, v8::Undefined(iso), 1, &arg);
    (void)ignored;
  }
}

v8::MaybeLocal<v8::Module> on_resolve(v8::Local<v8::Context> ctx, v8::Local<v8::String> specifier,
                                      v8::Local<v8::FixedArray>, v8::Local<v8::Module> referrer) {
  v8::Isolate* iso = ctx->GetIsolate();
  HowthIsolate* hi = from_isolate(iso);
  int ref = module_id(hi, referrer);
  v8::String::Utf8Value spec(iso, specifier);
  auto it = hi->resolved.find(key_of(ref, *spec, spec.length()));
  if (it == hi->resolved.end() || !valid_module(hi, it->second)) {
    std::string msg = std::string("module not linked: ") + *spec;
    iso->ThrowException(v8::Exception::Error(
        v8::String::NewFromUtf8(iso, msg.c_str()).ToLocalChecked()));
    return {};
  }
  return hi->modules[it->second].Get(iso);
}

size_t on_near_heap_limit(void* data, size_t current, size_t initial) {
  auto* hi = static_cast<HowthIsolate*>(data);
  hi->heap_limit_hit = 1;
  // Give the isolate room to unwind, and stop the running script: a heap
  // exhausted by one handler must not take the process down silently.
  hi->iso->TerminateExecution();
  return current + initial / 2 + (64u << 20);
}

// For names, keys and messages: a length past V8's limit is cut to it (the
// callers that pass user data check fits_string first and fail instead).
v8::Local<v8::String> str(v8::Isolate* iso, const char* p, size_t n) {
  if (!fits_string(n)) n = static_cast<size_t>(v8::String::kMaxLength);
  return v8::String::NewFromUtf8(iso, p, v8::NewStringType::kNormal, (int)n).ToLocalChecked();
}

}  // namespace

extern "C" {

// ---- process -------------------------------------------------------------

void howth_v8_init(const char* flags, int single_threaded) {
  if (g_platform) return;
  if (single_threaded) v8::V8::SetFlagsFromString("--single-threaded");
  if (flags && *flags) v8::V8::SetFlagsFromString(flags);
  g_platform = single_threaded ? v8::platform::NewSingleThreadedDefaultPlatform()
                               : v8::platform::NewDefaultPlatform();
  v8::V8::InitializePlatform(g_platform.get());
  v8::V8::Initialize();
}

const char* howth_v8_version() { return v8::V8::GetVersion(); }

// ---- isolate -------------------------------------------------------------

// The C++ functions a snapshot may point at, by index; V8 needs the same
// list when it makes a snapshot and when it loads one. Howth's own
// callbacks are never in a snapshot (ops are made after it is loaded), but
// V8 10.2 forgets two of its own: the accessors of module namespace objects
// (ts-lib's namespaces are in the heap). They are found by their exported
// names; without them, snapshots are off (see howth_snapshot_supported).
const intptr_t* external_references() {
  // A function-local static: initialised once, thread-safely (workers make
  // isolates in parallel).
  static const std::array<intptr_t, 3> refs = [] {
    void* getter = dlsym(RTLD_DEFAULT,
                         "_ZN2v88internal9Accessors26ModuleNamespaceEntryGetterENS_5LocalINS_"
                         "4NameEEERKNS_20PropertyCallbackInfoINS_5ValueEEE");
    void* setter = dlsym(RTLD_DEFAULT,
                         "_ZN2v88internal9Accessors26ModuleNamespaceEntrySetterENS_5LocalINS_"
                         "4NameEEENS2_INS_5ValueEEERKNS_20PropertyCallbackInfoINS_7BooleanEEE");
    if (!getter || !setter) return std::array<intptr_t, 3>{0, 0, 0};
    return std::array<intptr_t, 3>{reinterpret_cast<intptr_t>(getter),
                                   reinterpret_cast<intptr_t>(setter), 0};
  }();
  return refs.data();
}

int howth_snapshot_supported() { return external_references()[0] != 0; }

// Starts from `snapshot` when snapshot_len > 0; when for_snapshot is set,
// the isolate belongs to a SnapshotCreator and ends in howth_snapshot_create.
HowthIsolate* howth_isolate_new(size_t heap_limit_bytes, HostCallbacks cb, const char* snapshot,
                                size_t snapshot_len, int for_snapshot) {
  auto* hi = new HowthIsolate();
  hi->cb = cb;
  if (for_snapshot) {
    hi->creator = new v8::SnapshotCreator(external_references());
    hi->iso = hi->creator->GetIsolate();
  } else {
    hi->alloc = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = hi->alloc;
    if (heap_limit_bytes) params.constraints.ConfigureDefaultsFromHeapSize(0, heap_limit_bytes);
    if (snapshot_len) {
      hi->blob = v8::StartupData{snapshot, static_cast<int>(snapshot_len)};
      params.snapshot_blob = &hi->blob;
      params.external_references = external_references();
    }
    hi->iso = v8::Isolate::New(params);
  }
  hi->heap_limit = heap_limit_bytes;
  v8::Isolate* iso = hi->iso;
  iso->SetData(0, hi);
  iso->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  iso->SetPromiseRejectCallback(on_promise_reject);
  iso->SetHostImportModuleDynamicallyCallback(on_dynamic_import);
  iso->SetHostInitializeImportMetaObjectCallback(on_import_meta);
  iso->AddNearHeapLimitCallback(on_near_heap_limit, hi);
  iso->SetCaptureStackTraceForUncaughtExceptions(true, 32);
  // The isolate is entered for its whole life on its owning thread.
  iso->Enter();
  v8::HandleScope hs(iso);
  // From a snapshot this is the snapshot's default context, globals and all.
  v8::Local<v8::Context> ctx = v8::Context::New(iso);
  ctx->Enter();
  hi->ctx.Reset(iso, ctx);
  hi->ops.Reset(iso, v8::Object::New(iso));
  return hi;
}

// Forgets every handle this side holds into the heap and leaves the context
// and the isolate (the creator's own entry stays).
static void release_heap(HowthIsolate* hi) {
  v8::Isolate* iso = hi->iso;
  if (!hi->ctx.IsEmpty()) {
    v8::HandleScope hs(iso);
    hi->ctx.Get(iso)->Exit();
  }
  hi->rejections.clear();
  hi->import_meta_hook.Reset();
  hi->modules.clear();
  hi->module_by_hash.clear();
  hi->resolved.clear();
  hi->ops.Reset();
  hi->ctx.Reset();
  iso->Exit();
}

void howth_isolate_dispose(HowthIsolate* hi) {
  if (hi->creator) {
    if (!hi->ctx.IsEmpty()) release_heap(hi);
    // Disposes the isolate; a creator that never made its blob is fine.
    delete hi->creator;
  } else {
    release_heap(hi);
    hi->iso->Dispose();
  }
  delete hi->alloc;
  delete hi;
}

// Serialises the isolate's context (with `data` retrievable through
// howth_snapshot_data) into out_sink. Afterwards the isolate runs no more
// code; only howth_isolate_dispose may follow. Returns 0 on failure.
int howth_snapshot_create(HowthIsolate* hi, HowthValue* data, void* out_sink) {
  if (!hi->creator || hi->ctx.IsEmpty()) {
    delete data;
    return 0;
  }
  v8::Isolate* iso = hi->iso;
  {
    v8::HandleScope hs(iso);
    v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
    hi->creator->AddData(ctx, data->Get(iso));
    // Every compiled module after the data, in id order, so an isolate
    // made from the snapshot can link new modules to these instances
    // (howth_snapshot_modules) instead of compiling second copies.
    for (auto& m : hi->modules) hi->creator->AddData(ctx, m.Get(iso));
    hi->creator->SetDefaultContext(ctx);
  }
  delete data;
  // CreateBlob wants no handles into the heap besides the ones it was given.
  release_heap(hi);
  // kClear: no bytecode in the snapshot. Module bodies never run again and
  // what a run calls compiles lazily; keeping it made a bigger blob that
  // took as long to load.
  v8::StartupData blob =
      hi->creator->CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kClear);
  int ok = blob.data != nullptr && blob.raw_size > 0;
  if (ok) howth_sink_write(out_sink, blob.data, static_cast<size_t>(blob.raw_size));
  delete[] blob.data;
  return ok;
}

// The value given to howth_snapshot_create, once; null when the isolate did
// not start from a snapshot.
HowthValue* howth_snapshot_data(HowthIsolate* hi) {
  if (hi->blob.raw_size == 0) return nullptr;
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Value> v;
  if (!hi->ctx.Get(iso)->GetDataFromSnapshotOnce<v8::Value>(0).ToLocal(&v)) return nullptr;
  return new HowthValue(iso, v);
}

// Takes back the modules howth_snapshot_create stored, giving each the id
// it had in the isolate the snapshot was made in (call before compiling
// any module). Returns how many; 0 when the isolate did not start from a
// snapshot, on a second call or when modules were compiled already.
int howth_snapshot_modules(HowthIsolate* hi) {
  if (hi->blob.raw_size == 0 || !hi->modules.empty()) return 0;
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
  // Index 0 is the data value (howth_snapshot_data); modules follow until
  // V8 has no more data.
  for (size_t k = 1;; k++) {
    v8::Local<v8::Module> m;
    if (!ctx->GetDataFromSnapshotOnce<v8::Module>(k).ToLocal(&m)) break;
    int id = (int)hi->modules.size();
    hi->modules.emplace_back(iso, m);
    hi->module_by_hash.emplace(m->GetIdentityHash(), id);
  }
  return (int)hi->modules.size();
}

// Sets the function on_import_meta calls with each new import.meta; a
// value that is not a function clears it. `f` stays the caller's.
void howth_set_import_meta_hook(HowthIsolate* hi, HowthValue* f) {
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Value> v = f->Get(iso);
  if (v->IsFunction()) {
    hi->import_meta_hook.Reset(iso, v.As<v8::Function>());
  } else {
    hi->import_meta_hook.Reset();
  }
}

// Thread-safe: the watchdog calls these from another thread.
void* howth_isolate_raw(HowthIsolate* hi) { return hi->iso; }
void howth_terminate_raw(void* iso) { static_cast<v8::Isolate*>(iso)->TerminateExecution(); }
void howth_cancel_terminate(HowthIsolate* hi) { hi->iso->CancelTerminateExecution(); }
int howth_take_heap_limit_hit(HowthIsolate* hi) {
  int hit = hi->heap_limit_hit;
  hi->heap_limit_hit = 0;
  return hit;
}

void howth_heap_stats(HowthIsolate* hi, size_t* used, size_t* total, size_t* limit) {
  v8::HeapStatistics s;
  hi->iso->GetHeapStatistics(&s);
  *used = s.used_heap_size();
  *total = s.total_heap_size();
  *limit = s.heap_size_limit();
}

void howth_run_microtasks(HowthIsolate* hi) {
  v8::HandleScope hs(hi->iso);
  hi->iso->PerformMicrotaskCheckpoint();
}

void howth_pump_platform(HowthIsolate* hi) {
  while (v8::platform::PumpMessageLoop(g_platform.get(), hi->iso)) {
  }
}

void howth_low_memory(HowthIsolate* hi) { hi->iso->LowMemoryNotification(); }

// Reports (and forgets) the first unhandled rejection; 0 when there is none.
int howth_take_unhandled_rejection(HowthIsolate* hi, ErrorOut* err) {
  if (hi->rejections.empty()) return 0;
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Value> reason = hi->rejections.front().reason.Get(iso);
  hi->rejections.erase(hi->rejections.begin());
  sink_value(iso, err->message, reason);
  if (reason->IsObject()) {
    v8::Local<v8::Value> stack;
    v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
    v8::TryCatch tc(iso);
    if (reason.As<v8::Object>()->Get(ctx, v8::String::NewFromUtf8Literal(iso, "stack")).ToLocal(&stack) &&
        stack->IsString()) {
      sink_value(iso, err->stack, stack);
    }
  }
  return 1;
}

// Hands the first unhandled rejection's promise and reason to the caller
// (node:process's unhandledRejection event) as new globals the caller
// owns, and forgets it; 0 when there is none.
int howth_take_unhandled_rejection_values(HowthIsolate* hi, HowthValue** promise, HowthValue** reason) {
  if (hi->rejections.empty()) return 0;
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  Rejection& r = hi->rejections.front();
  *promise = new HowthValue(iso, r.promise.Get(iso));
  *reason = new HowthValue(iso, r.reason.Get(iso));
  hi->rejections.erase(hi->rejections.begin());
  return 1;
}

// ---- natives ---------------------------------------------------------------

void howth_ops_set_function(HowthIsolate* hi, const char* name, size_t len,
                            void (*fn)(void*, const void*), void* data) {
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
  auto n = std::make_unique<Native>(Native{fn, data});
  v8::Local<v8::FunctionTemplate> t = v8::FunctionTemplate::New(
      iso, trampoline, v8::External::New(iso, n.get()), v8::Local<v8::Signature>(), 0,
      v8::ConstructorBehavior::kThrow);
  v8::Local<v8::Function> f = t->GetFunction(ctx).ToLocalChecked();
  v8::Local<v8::String> key = str(iso, name, len);
  f->SetName(key);
  hi->ops.Get(iso)->Set(ctx, key, f).Check();
  hi->natives.push_back(std::move(n));
}

HowthValue* howth_ops_object(HowthIsolate* hi) {
  v8::HandleScope hs(hi->iso);
  return new HowthValue(hi->iso, hi->ops.Get(hi->iso));
}

// ---- arguments of a native call ------------------------------------------

enum Kind {
  K_UNDEFINED = 0, K_NULL = 1, K_BOOL = 2, K_INT = 3, K_NUMBER = 4, K_STRING = 5,
  K_ARRAYBUFFER = 6, K_VIEW = 7, K_FUNCTION = 8, K_ARRAY = 9, K_OBJECT = 10, K_OTHER = 11,
};

int howth_args_len(const void* a) { return static_cast<const Args*>(a)->Length(); }

int howth_arg_kind(const void* a, int i) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  if (v->IsUndefined()) return K_UNDEFINED;
  if (v->IsNull()) return K_NULL;
  if (v->IsString()) return K_STRING;
  if (v->IsInt32()) return K_INT;
  if (v->IsNumber()) return K_NUMBER;
  if (v->IsBoolean()) return K_BOOL;
  if (v->IsArrayBufferView()) return K_VIEW;
  if (v->IsArrayBuffer()) return K_ARRAYBUFFER;
  if (v->IsFunction()) return K_FUNCTION;
  if (v->IsArray()) return K_ARRAY;
  if (v->IsObject()) return K_OBJECT;
  return K_OTHER;
}

double howth_arg_number(const void* a, int i) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  return v->IsNumber() ? v.As<v8::Number>()->Value() : 0.0;
}

int32_t howth_arg_int32(const void* a, int i) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  if (v->IsInt32()) return v.As<v8::Int32>()->Value();
  if (v->IsNumber()) return (int32_t)v.As<v8::Number>()->Value();
  return 0;
}

int howth_arg_bool(const void* a, int i) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  return v->IsTrue() ? 1 : 0;
}

// Length in UTF-8 of a string argument, for sizing the destination.
size_t howth_arg_utf8_len(const void* a, int i) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Local<v8::Value> v = info[i];
  if (!v->IsString()) return 0;
  v8::Local<v8::String> s = v.As<v8::String>();
  // A one-byte string that is pure ASCII is its own UTF-8; Length() is O(1).
  return s->Utf8Length(info.GetIsolate());
}

// How many bytes of p[0..len) have the top bit set (the Latin-1 characters
// that take two bytes in UTF-8). Eight bytes a step: each byte's top bit
// moved to its low bit, and one multiply sums the eight into the top byte.
// A byte-at-a-time count, which GCC does not vectorise at -O2, took most
// of Buffer.from(base64Text, "base64")'s time on a megabyte of text.
static size_t count_high_bytes(const uint8_t* p, size_t len) {
  size_t wide = 0, k = 0;
  for (; k + 8 <= len; k += 8) {
    uint64_t w;
    memcpy(&w, p + k, 8);
    wide += (((w >> 7) & 0x0101010101010101ULL) * 0x0101010101010101ULL) >> 56;
  }
  for (; k < len; k++) wide += p[k] >> 7;
  return wide;
}

// Appends a string argument as UTF-8 to the Rust Vec `sink` in one pass
// over the string; returns the bytes added (0 for non-strings). A one-byte
// string is copied as its Latin-1 bytes and widened in place only where a
// byte is not ASCII, which JSON and most text never have; Utf8Length +
// WriteUtf8 walked every string twice. Lone surrogates become U+FFFD.
size_t howth_arg_append_utf8(const void* a, int i, void* sink) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Local<v8::Value> v = info[i];
  if (!v->IsString()) return 0;
  v8::Isolate* iso = info.GetIsolate();
  v8::Local<v8::String> s = v.As<v8::String>();
  size_t len = static_cast<size_t>(s->Length());
  if (len == 0) return 0;
  if (s->IsOneByte()) {
    // Latin-1 takes at most two UTF-8 bytes a character.
    uint8_t* dst = reinterpret_cast<uint8_t*>(howth_sink_reserve(sink, len * 2));
    s->WriteOneByte(iso, dst, 0, static_cast<int>(len), v8::String::NO_NULL_TERMINATION);
    size_t wide = count_high_bytes(dst, len);
    // Back to front, so no byte is overwritten before it is read.
    for (size_t k = len, w = len + wide; wide != 0 && k-- > 0;) {
      uint8_t c = dst[k];
      if (c < 0x80) {
        dst[--w] = c;
      } else {
        dst[--w] = static_cast<uint8_t>(0x80 | (c & 0x3f));
        dst[--w] = static_cast<uint8_t>(0xc0 | (c >> 6));
        if (w == k) break;  // everything before is ASCII and in place
      }
    }
    howth_sink_commit(sink, len + wide);
    return len + wide;
  }
  // A UTF-16 unit never takes more than three UTF-8 bytes.
  char* dst = howth_sink_reserve(sink, len * 3);
  int wrote = s->WriteUtf8(iso, dst, static_cast<int>(len * 3), nullptr,
                           v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  howth_sink_commit(sink, static_cast<size_t>(wrote));
  return static_cast<size_t>(wrote);
}

// Byte length of an ArrayBuffer or view argument.
size_t howth_arg_bytes_len(const void* a, int i) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  if (v->IsArrayBufferView()) return v.As<v8::ArrayBufferView>()->ByteLength();
  if (v->IsArrayBuffer()) return v.As<v8::ArrayBuffer>()->ByteLength();
  return 0;
}

// Appends every element of an array-of-strings argument to the
// Rust Vec `bytes` (one-byte strings as their Latin-1 bytes, others as
// UTF-8), and each element's end offset within it to the
// Rust Vec<u32> `ends`. Returns the element count, or -1 when the argument is not
// an array or an element is not a string. One call reads a whole header list.
int howth_arg_strings_into(const void* a, int i, void* bytes, void* ends) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Local<v8::Value> v = info[i];
  if (!v->IsArray()) return -1;
  v8::Isolate* iso = info.GetIsolate();
  v8::Local<v8::Context> ctx = iso->GetCurrentContext();
  v8::Local<v8::Array> arr = v.As<v8::Array>();
  uint32_t n = arr->Length();
  uint32_t end = 0;
  const char* p0;
  size_t l0;
  howth_sink_read(bytes, &p0, &l0);
  end = (uint32_t)l0;
  for (uint32_t k = 0; k < n; k++) {
    v8::Local<v8::Value> item;
    if (!arr->Get(ctx, k).ToLocal(&item) || !item->IsString()) return -1;
    v8::Local<v8::String> s = item.As<v8::String>();
    int wrote;
    if (s->IsOneByte()) {
      // Header names and values are ByteStrings (fetch spec): a one-byte
      // string goes out as its bytes, a straight copy.
      size_t need = (size_t)s->Length();
      char* dst = howth_sink_reserve(bytes, need);
      wrote = s->WriteOneByte(iso, reinterpret_cast<uint8_t*>(dst), 0, (int)need,
                              v8::String::NO_NULL_TERMINATION);
    } else {
      // One pass: a UTF-16 unit never takes more than 3 UTF-8 bytes.
      size_t need = (size_t)s->Length() * 3;
      char* dst = howth_sink_reserve(bytes, need);
      wrote = s->WriteUtf8(iso, dst, (int)need, nullptr,
                           v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
    }
    howth_sink_commit(bytes, (size_t)wrote);
    end += (uint32_t)wrote;
    howth_sink_push_u32(ends, end);
  }
  return (int)n;
}

// Copies an ArrayBuffer or view argument into dst; returns the bytes copied.
size_t howth_arg_copy_bytes(const void* a, int i, char* dst, size_t cap) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  if (v->IsArrayBufferView()) return v.As<v8::ArrayBufferView>()->CopyContents(dst, cap);
  if (v->IsArrayBuffer()) {
    std::shared_ptr<v8::BackingStore> bs = v.As<v8::ArrayBuffer>()->GetBackingStore();
    size_t n = bs->ByteLength() < cap ? bs->ByteLength() : cap;
    if (n) memcpy(dst, bs->Data(), n);
    return n;
  }
  return 0;
}

// Fills a view argument (e.g. crypto.getRandomValues' array) from src.
size_t howth_arg_fill_view(const void* a, int i, const char* src, size_t len) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  if (!v->IsArrayBufferView()) return 0;
  v8::Local<v8::ArrayBufferView> view = v.As<v8::ArrayBufferView>();
  std::shared_ptr<v8::BackingStore> bs = view->Buffer()->GetBackingStore();
  size_t n = view->ByteLength() < len ? view->ByteLength() : len;
  if (n) memcpy(static_cast<char*>(bs->Data()) + view->ByteOffset(), src, n);
  return n;
}

HowthValue* howth_arg_global(const void* a, int i) {
  const Args& info = *static_cast<const Args*>(a);
  return new HowthValue(info.GetIsolate(), info[i]);
}

void howth_ret_int(const void* a, int32_t v) {
  static_cast<const Args*>(a)->GetReturnValue().Set(v);
}
void howth_ret_number(const void* a, double v) {
  static_cast<const Args*>(a)->GetReturnValue().Set(v);
}
void howth_ret_bool(const void* a, int v) {
  static_cast<const Args*>(a)->GetReturnValue().Set(v != 0);
}
void howth_ret_null(const void* a) { static_cast<const Args*>(a)->GetReturnValue().SetNull(); }
void howth_ret_undefined(const void* a) {
  static_cast<const Args*>(a)->GetReturnValue().SetUndefined();
}

void throw_too_long(v8::Isolate* iso) {
  iso->ThrowException(
      v8::Exception::RangeError(v8::String::NewFromUtf8Literal(iso, "string too long for V8")));
}

void howth_ret_utf8(const void* a, const char* p, size_t n) {
  const Args& info = *static_cast<const Args*>(a);
  if (!fits_string(n)) return throw_too_long(info.GetIsolate());
  v8::Local<v8::String> s;
  if (v8::String::NewFromUtf8(info.GetIsolate(), p, v8::NewStringType::kNormal, (int)n).ToLocal(&s))
    info.GetReturnValue().Set(s);
}

// For bytes known to be ASCII (or meant as Latin-1): no UTF-8 decoding.
void howth_ret_latin1(const void* a, const char* p, size_t n) {
  const Args& info = *static_cast<const Args*>(a);
  if (!fits_string(n)) return throw_too_long(info.GetIsolate());
  v8::Local<v8::String> s;
  if (v8::String::NewFromOneByte(info.GetIsolate(), reinterpret_cast<const uint8_t*>(p),
                                 v8::NewStringType::kNormal, (int)n)
          .ToLocal(&s))
    info.GetReturnValue().Set(s);
}

// Returns a fresh Uint8Array holding a copy of the bytes.
void howth_ret_bytes(const void* a, const char* p, size_t n) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  if (n > v8::TypedArray::kMaxLength) {
    iso->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(iso, "byte length too large for a Uint8Array")));
    return;
  }
  v8::Local<v8::ArrayBuffer> ab = v8::ArrayBuffer::New(iso, n);
  if (n) memcpy(ab->GetBackingStore()->Data(), p, n);
  info.GetReturnValue().Set(v8::Uint8Array::New(ab, 0, n));
}

// Returns an array of strings; each is given as (pointer, length, latin1?).
void howth_ret_string_array(const void* a, const char* const* ptrs, const size_t* lens,
                            size_t count, int latin1) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  // Built from its elements: Array::Set would run setters a script put on
  // Array.prototype, i.e. JavaScript inside the op.
  std::vector<v8::Local<v8::Value>> items(count);
  for (size_t k = 0; k < count; k++) {
    if (!fits_string(lens[k])) {
      iso->ThrowException(v8::Exception::RangeError(
          v8::String::NewFromUtf8Literal(iso, "string too long for V8")));
      return;
    }
    items[k] = latin1 ? v8::String::NewFromOneByte(iso, reinterpret_cast<const uint8_t*>(ptrs[k]),
                                                   v8::NewStringType::kNormal, (int)lens[k])
                            .ToLocalChecked()
                      : str(iso, ptrs[k], lens[k]);
  }
  info.GetReturnValue().Set(v8::Array::New(iso, items.data(), count));
}

void howth_ret_number_array(const void* a, const double* values, size_t count) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  std::vector<v8::Local<v8::Value>> items(count);
  for (size_t k = 0; k < count; k++) items[k] = v8::Number::New(iso, values[k]);
  info.GetReturnValue().Set(v8::Array::New(iso, items.data(), count));
}

void howth_ret_value(const void* a, HowthValue* v) {
  const Args& info = *static_cast<const Args*>(a);
  info.GetReturnValue().Set(v->Get(info.GetIsolate()));
}

// kind: 0 Error, 1 TypeError, 2 RangeError, 3 SyntaxError
void howth_throw(const void* a, int kind, const char* p, size_t n) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  v8::Local<v8::String> m = str(iso, p, n);
  v8::Local<v8::Value> e = kind == 1   ? v8::Exception::TypeError(m)
                           : kind == 2 ? v8::Exception::RangeError(m)
                           : kind == 3 ? v8::Exception::SyntaxError(m)
                                       : v8::Exception::Error(m);
  iso->ThrowException(e);
}

// Serialises a value with V8's ValueSerializer and deserialises it again:
// structuredClone in one call. Returns 0 and throws on failure.
void howth_structured_clone(const void* a, int i) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  v8::Local<v8::Context> ctx = iso->GetCurrentContext();
  v8::ValueSerializer ser(iso);
  ser.WriteHeader();
  if (!ser.WriteValue(ctx, info[i]).FromMaybe(false)) return;  // exception pending
  std::pair<uint8_t*, size_t> data = ser.Release();
  v8::ValueDeserializer de(iso, data.first, data.second);
  v8::Local<v8::Value> out;
  if (de.ReadHeader(ctx).FromMaybe(false) && de.ReadValue(ctx).ToLocal(&out))
    info.GetReturnValue().Set(out);
  free(data.first);
}

// ---- values held by Rust ---------------------------------------------------

void howth_value_free(HowthValue* v) { delete v; }

HowthValue* howth_value_string(HowthIsolate* hi, const char* p, size_t n) {
  if (!fits_string(n)) return nullptr;
  v8::HandleScope hs(hi->iso);
  return new HowthValue(hi->iso, str(hi->iso, p, n));
}

HowthValue* howth_value_number(HowthIsolate* hi, double d) {
  v8::HandleScope hs(hi->iso);
  return new HowthValue(hi->iso, v8::Number::New(hi->iso, d));
}

void howth_value_to_utf8(HowthIsolate* hi, HowthValue* v, void* sink) {
  v8::HandleScope hs(hi->iso);
  sink_value(hi->iso, sink, v->Get(hi->iso));
}

int howth_value_is_function(HowthIsolate* hi, HowthValue* v) {
  v8::HandleScope hs(hi->iso);
  return v->Get(hi->iso)->IsFunction();
}

// 0 pending, 1 fulfilled, 2 rejected, -1 not a promise
int howth_promise_state(HowthIsolate* hi, HowthValue* v) {
  v8::HandleScope hs(hi->iso);
  v8::Local<v8::Value> val = v->Get(hi->iso);
  if (!val->IsPromise()) return -1;
  switch (val.As<v8::Promise>()->State()) {
    case v8::Promise::kPending: return 0;
    case v8::Promise::kFulfilled: return 1;
    default: return 2;
  }
}

// The value or reason of a settled promise; null for a pending promise or
// a value that is not a promise (Result() of either is undefined behaviour).
HowthValue* howth_promise_result(HowthIsolate* hi, HowthValue* v) {
  v8::HandleScope hs(hi->iso);
  v8::Local<v8::Value> val = v->Get(hi->iso);
  if (!val->IsPromise()) return nullptr;
  v8::Local<v8::Promise> p = val.As<v8::Promise>();
  if (p->State() == v8::Promise::kPending) return nullptr;
  return new HowthValue(hi->iso, p->Result());
}

// Marks a rejected promise as handled (its rejection is reported another way).
void howth_promise_mark_handled(HowthIsolate* hi, HowthValue* v) {
  v8::HandleScope hs(hi->iso);
  v8::Local<v8::Value> val = v->Get(hi->iso);
  if (!val->IsPromise()) return;
  v8::Local<v8::Promise> p = val.As<v8::Promise>();
  p->MarkAsHandled();
  for (size_t i = 0; i < hi->rejections.size(); i++) {
    if (hi->rejections[i].promise.Get(hi->iso) == p) {
      hi->rejections.erase(hi->rejections.begin() + i);
      break;
    }
  }
}

// Describes a thrown value (e.g. a promise's rejection reason) like report().
void howth_value_describe(HowthIsolate* hi, HowthValue* v, ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Value> val = v->Get(iso);
  sink_value(iso, err->message, val);
  if (val->IsObject()) {
    v8::TryCatch tc(iso);
    v8::Local<v8::Value> stack;
    if (val.As<v8::Object>()->Get(hi->ctx.Get(iso), v8::String::NewFromUtf8Literal(iso, "stack")).ToLocal(&stack) &&
        stack->IsString())
      sink_value(iso, err->stack, stack);
  }
}

// ---- scripts and calls -------------------------------------------------------

HowthValue* howth_eval_script(HowthIsolate* hi, const char* name, size_t nlen, const char* src,
                              size_t slen, ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  if (!fits_string(slen)) {
    howth_sink_write(err->message, "RangeError: script source too long for V8", 41);
    return nullptr;
  }
  v8::HandleScope hs(iso);
  v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
  v8::TryCatch tc(iso);
  v8::ScriptOrigin origin(iso, str(iso, name, nlen));
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> result;
  if (!v8::Script::Compile(ctx, str(iso, src, slen), &origin).ToLocal(&script) ||
      !script->Run(ctx).ToLocal(&result)) {
    report(hi, tc, err);
    return nullptr;
  }
  return new HowthValue(iso, result);
}

// Calls fn(argv...) with `this` undefined; returns the result or null on throw.
HowthValue* howth_call(HowthIsolate* hi, HowthValue* fn, int argc, HowthValue* const* argv,
                       ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
  v8::TryCatch tc(iso);
  if (argc < 0) argc = 0;
  std::vector<v8::Local<v8::Value>> args(static_cast<size_t>(argc));
  for (int k = 0; k < argc; k++) args[k] = argv[k]->Get(iso);
  v8::Local<v8::Value> f = fn->Get(iso);
  v8::Local<v8::Value> result;
  if (!f->IsFunction() ||
      !f.As<v8::Function>()->Call(ctx, v8::Undefined(iso), argc, args.data()).ToLocal(&result)) {
    if (!f->IsFunction() && err) howth_sink_write(err->message, "not a function", 14);
    else report(hi, tc, err);
    return nullptr;
  }
  return new HowthValue(iso, result);
}

// The hot call: fn(n) with an integer, result discarded. 1 ok, 0 threw.
int howth_call_int(HowthIsolate* hi, HowthValue* fn, int32_t n, ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
  v8::TryCatch tc(iso);
  v8::Local<v8::Value> arg = v8::Integer::New(iso, n);
  v8::Local<v8::Value> f = fn->Get(iso);
  if (!f->IsFunction()) {
    if (err) howth_sink_write(err->message, "TypeError: not a function", 25);
    return 0;
  }
  v8::Local<v8::Value> result;
  if (!f.As<v8::Function>()->Call(ctx, v8::Undefined(iso), 1, &arg).ToLocal(&result)) {
    report(hi, tc, err);
    return 0;
  }
  return 1;
}

// ---- modules ---------------------------------------------------------------

// Compiles an ES module; returns its id, or -1 with the error described.
// With `cache` (bytes from howth_module_code_cache of the same source, V8
// build and flags) V8 skips parsing and compiling; *cache_rejected says
// whether it had to ignore the cache.
int howth_module_compile(HowthIsolate* hi, const char* name, size_t nlen, const char* src,
                         size_t slen, const uint8_t* cache, size_t cache_len, int* cache_rejected,
                         ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  if (cache_rejected) *cache_rejected = 1;
  if (!fits_string(slen) || hi->modules.size() >= static_cast<size_t>(INT32_MAX)) {
    howth_sink_write(err->message, "RangeError: module source too long for V8", 41);
    return -1;
  }
  v8::HandleScope hs(iso);
  v8::TryCatch tc(iso);
  v8::ScriptOrigin origin(iso, str(iso, name, nlen), 0, 0, false, -1, v8::Local<v8::Value>(), false,
                          false, true);
  v8::ScriptCompiler::CachedData* data =
      cache ? new v8::ScriptCompiler::CachedData(cache, (int)cache_len,
                                                 v8::ScriptCompiler::CachedData::BufferNotOwned)
            : nullptr;
  // Source takes ownership of `data` (not of the bytes it points to).
  v8::ScriptCompiler::Source source(str(iso, src, slen), origin, data);
  v8::Local<v8::Module> m;
  bool ok = v8::ScriptCompiler::CompileModule(
                iso, &source,
                data ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
                .ToLocal(&m);
  if (cache_rejected) *cache_rejected = data ? (source.GetCachedData()->rejected ? 1 : 0) : 1;
  if (!ok) {
    report(hi, tc, err);
    return -1;
  }
  int id = (int)hi->modules.size();
  hi->modules.emplace_back(iso, m);
  hi->module_by_hash.emplace(m->GetIdentityHash(), id);
  return id;
}

// Writes V8's code cache for a compiled module (including the functions
// compiled so far, so call it after the module has run) into `sink`.
void howth_module_code_cache(HowthIsolate* hi, int id, void* sink) {
  if (!valid_module(hi, id)) return;
  v8::HandleScope hs(hi->iso);
  v8::Local<v8::Module> m = hi->modules[id].Get(hi->iso);
  if (m->GetStatus() == v8::Module::kErrored) return;
  v8::ScriptCompiler::CachedData* data =
      v8::ScriptCompiler::CreateCodeCache(m->GetUnboundModuleScript());
  if (!data) return;
  howth_sink_write(sink, reinterpret_cast<const char*>(data->data), (size_t)data->length);
  delete data;
}

int howth_module_request_count(HowthIsolate* hi, int id) {
  if (!valid_module(hi, id)) return -1;
  v8::HandleScope hs(hi->iso);
  return hi->modules[id].Get(hi->iso)->GetModuleRequests()->Length();
}

void howth_module_request(HowthIsolate* hi, int id, int k, void* sink) {
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Context> ctx = hi->ctx.Get(iso);
  if (!valid_module(hi, id)) return;
  v8::Local<v8::FixedArray> reqs = hi->modules[id].Get(iso)->GetModuleRequests();
  if (k < 0 || k >= reqs->Length()) return;
  v8::Local<v8::ModuleRequest> r = reqs->Get(ctx, k).As<v8::ModuleRequest>();
  sink_value(iso, sink, r->GetSpecifier());
}

void howth_module_link(HowthIsolate* hi, int referrer, const char* spec, size_t len, int target) {
  if (!valid_module(hi, referrer) || !valid_module(hi, target)) return;
  hi->resolved[key_of(referrer, spec, len)] = target;
}

// 0 unlinked, 1 linking/linked, 2 evaluating/evaluated, 3 errored
int howth_module_status(HowthIsolate* hi, int id) {
  if (!valid_module(hi, id)) return -1;
  v8::HandleScope hs(hi->iso);
  switch (hi->modules[id].Get(hi->iso)->GetStatus()) {
    case v8::Module::kUninstantiated: return 0;
    case v8::Module::kInstantiating:
    case v8::Module::kInstantiated: return 1;
    case v8::Module::kEvaluating:
    case v8::Module::kEvaluated: return 2;
    default: return 3;
  }
}

int howth_module_instantiate(HowthIsolate* hi, int id, ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  if (!valid_module(hi, id)) {
    howth_sink_write(err->message, "Error: unknown module id", 24);
    return 0;
  }
  v8::HandleScope hs(iso);
  v8::TryCatch tc(iso);
  if (!hi->modules[id].Get(iso)->InstantiateModule(hi->ctx.Get(iso), on_resolve).FromMaybe(false)) {
    report(hi, tc, err);
    return 0;
  }
  return 1;
}

void howth_module_set_main(HowthIsolate* hi, int id) {
  if (valid_module(hi, id)) hi->main_module = id;
}

// Evaluates; returns the promise V8 gives for the evaluation (top-level
// await), or null with the error described.
HowthValue* howth_module_evaluate(HowthIsolate* hi, int id, ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  if (!valid_module(hi, id)) {
    howth_sink_write(err->message, "Error: unknown module id", 24);
    return nullptr;
  }
  v8::HandleScope hs(iso);
  // V8 checks (and aborts) when asked to evaluate an unlinked module.
  if (hi->modules[id].Get(iso)->GetStatus() < v8::Module::kInstantiated) {
    howth_sink_write(err->message, "Error: module is not instantiated", 33);
    return nullptr;
  }
  v8::TryCatch tc(iso);
  v8::Local<v8::Value> result;
  if (!hi->modules[id].Get(iso)->Evaluate(hi->ctx.Get(iso)).ToLocal(&result)) {
    report(hi, tc, err);
    return nullptr;
  }
  return new HowthValue(iso, result);
}

// Writes the exception of an errored module.
void howth_module_exception(HowthIsolate* hi, int id, ErrorOut* err) {
  v8::Isolate* iso = hi->iso;
  if (!valid_module(hi, id)) return;
  v8::HandleScope hs(iso);
  v8::Local<v8::Module> m = hi->modules[id].Get(iso);
  if (m->GetStatus() != v8::Module::kErrored) return;
  HowthValue v(iso, m->GetException());
  howth_value_describe(hi, &v, err);
}

// Null for an unknown id or a module not yet instantiated (V8 aborts on
// GetModuleNamespace of one).
HowthValue* howth_module_namespace(HowthIsolate* hi, int id) {
  if (!valid_module(hi, id)) return nullptr;
  v8::HandleScope hs(hi->iso);
  v8::Local<v8::Module> m = hi->modules[id].Get(hi->iso);
  if (m->GetStatus() < v8::Module::kInstantiated) return nullptr;
  return new HowthValue(hi->iso, m->GetModuleNamespace());
}

// Property `key` of an object value, or null when absent/not an object.
HowthValue* howth_value_get(HowthIsolate* hi, HowthValue* obj, const char* key, size_t klen) {
  v8::Isolate* iso = hi->iso;
  v8::HandleScope hs(iso);
  v8::Local<v8::Value> o = obj->Get(iso);
  if (!o->IsObject()) return nullptr;
  v8::TryCatch tc(iso);
  v8::Local<v8::Value> out;
  if (!o.As<v8::Object>()->Get(hi->ctx.Get(iso), str(iso, key, klen)).ToLocal(&out) ||
      out->IsUndefined())
    return nullptr;
  return new HowthValue(iso, out);
}


// ---- detaching an ArrayBuffer (transfer in structuredClone / postMessage) --
// Kept apart from the rest: the one place the shim changes a buffer's
// ownership. Detaching is safe against every other shim function because
// none keeps a pointer into a backing store past its call (they copy in
// and out under a shared_ptr to the BackingStore), and V8 zeroes the length
// of every view over the buffer.
// Returns 1 when argument i was an ArrayBuffer and is now detached, 0 when
// it is no ArrayBuffer (a SharedArrayBuffer, a view or anything else: V8's
// IsArrayBuffer is false for those), -1 when V8 will not detach it (a
// WebAssembly memory's buffer) or it is detached already.
int howth_detach_array_buffer(const void* a, int i) {
  v8::Local<v8::Value> v = (*static_cast<const Args*>(a))[i];
  if (!v->IsArrayBuffer()) return 0;
  v8::Local<v8::ArrayBuffer> ab = v.As<v8::ArrayBuffer>();
  if (!ab->IsDetachable() || ab->WasDetached()) return -1;
  ab->Detach();
  return 1;
}

// ---- V8's serializer across isolates (BroadcastChannel between workers) ----
// The bytes structuredClone makes and reads inside one call, kept between
// calls so another isolate of the process can read them. Without a
// serializer delegate nothing that shares memory or belongs to one isolate
// can be written (SharedArrayBuffer, WebAssembly.Module, host objects): the
// serializer throws for those, as for functions.

// Appends V8's serialisation of argument i to the Vec<u8> `sink`; returns 0
// with the serializer's exception pending when the value cannot be cloned.
int howth_arg_serialize(const void* a, int i, void* sink) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  v8::ValueSerializer ser(iso);
  ser.WriteHeader();
  if (!ser.WriteValue(iso->GetCurrentContext(), info[i]).FromMaybe(false)) return 0;
  std::pair<uint8_t*, size_t> data = ser.Release();
  char* dst = howth_sink_reserve(sink, data.second);
  if (data.second) memcpy(dst, data.first, data.second);
  howth_sink_commit(sink, data.second);
  free(data.first);
  return 1;
}

// Returns the value serialised in p[0..n) (by howth_arg_serialize, in any
// isolate); throws when the bytes are no serialisation: V8's deserializer
// checks the format and never reads past n.
void howth_ret_deserialized(const void* a, const char* p, size_t n) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  v8::Local<v8::Context> ctx = iso->GetCurrentContext();
  v8::TryCatch tc(iso);
  v8::ValueDeserializer de(iso, reinterpret_cast<const uint8_t*>(p), n);
  v8::Local<v8::Value> out;
  if (de.ReadHeader(ctx).FromMaybe(false) && de.ReadValue(ctx).ToLocal(&out)) {
    info.GetReturnValue().Set(out);
    return;
  }
  if (tc.HasCaught() && tc.CanContinue()) {
    tc.ReThrow();
    return;
  }
  if (!tc.HasCaught()) {
    const char* m = "the message could not be deserialised";
    iso->ThrowException(v8::Exception::Error(str(iso, m, strlen(m))));
  }
}

}  // extern "C"

// ---- Buffer decoding straight into the result's memory --------------------
// Buffer.from(text, "base64" | "hex") read the string into a scratch Vec
// through the UTF-8 path, decoded it there, then copied the bytes into a
// zero-filled ArrayBuffer: three passes besides the decode, and the zero
// fill page-faulted on every large call. These two functions cut that to
// one copy of the text and the decode itself.
extern "C" {

// Appends a one-byte string argument's characters as they are (Latin-1
// bytes, one per character) to the Rust Vec `sink` and returns 1; returns 0
// and appends nothing when the argument is not a string V8 stores one byte
// per character (the caller then takes the UTF-8 path).
int howth_arg_append_one_byte(const void* a, int i, void* sink) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Local<v8::Value> v = info[i];
  if (!v->IsString()) return 0;
  v8::Local<v8::String> s = v.As<v8::String>();
  if (!s->IsOneByte()) return 0;
  size_t len = static_cast<size_t>(s->Length());
  if (len == 0) return 1;
  uint8_t* dst = reinterpret_cast<uint8_t*>(howth_sink_reserve(sink, len));
  s->WriteOneByte(info.GetIsolate(), dst, 0, static_cast<int>(len), v8::String::NO_NULL_TERMINATION);
  howth_sink_commit(sink, len);
  return 1;
}

// Returns a Uint8Array over data[0..len), taking ownership of the allocation
// without copying it. Invariant: data is a Rust Vec<u8>'s buffer of capacity
// `cap` with len <= cap bytes initialised, given up by Rust (into_raw_parts);
// V8 calls howth_free_vec(data, len, cap) exactly once when the last
// ArrayBuffer over it is collected (on whichever thread frees it: Rust's
// allocator is thread-safe). On failure the buffer is freed here.
void howth_ret_owned_bytes(const void* a, char* data, size_t len, size_t cap) {
  const Args& info = *static_cast<const Args*>(a);
  v8::Isolate* iso = info.GetIsolate();
  if (len > v8::TypedArray::kMaxLength) {
    howth_free_vec(data, len, reinterpret_cast<void*>(cap));
    iso->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(iso, "byte length too large for a Uint8Array")));
    return;
  }
  std::unique_ptr<v8::BackingStore> bs =
      v8::ArrayBuffer::NewBackingStore(data, len, howth_free_vec, reinterpret_cast<void*>(cap));
  v8::Local<v8::ArrayBuffer> ab = v8::ArrayBuffer::New(iso, std::move(bs));
  info.GetReturnValue().Set(v8::Uint8Array::New(ab, 0, len));
}

}  // extern "C"
