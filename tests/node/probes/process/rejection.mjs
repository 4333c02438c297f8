// unhandledRejection: the listener gets the reason and the promise, once
// per promise, after the turn's reactions; a handler attached in the same
// turn means no event; the process goes on and exits 0.
const seen = [];
process.on("unhandledRejection", (reason, promise) => {
  seen.push(reason instanceof Error ? reason.message : String(reason));
  console.log("unhandledRejection", reason instanceof Error ? reason.message : reason, promise instanceof Promise);
});
process.on("exit", (code) => console.log("exit", code, seen.join(",")));
Promise.reject(new Error("first"));
const late = Promise.reject(new Error("handled in the same turn"));
late.catch(() => console.log("caught late"));
Promise.reject(42);
queueMicrotask(() => console.log("microtask before the event"));
setTimeout(() => {
  Promise.reject("from a timer");
  new Promise((_, reject) => setTimeout(() => reject(new Error("after a delay")), 5));
}, 1);
async function f() {
  throw new Error("async function");
}
f();
