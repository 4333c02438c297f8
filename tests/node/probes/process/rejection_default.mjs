// With no listener at all an unhandled rejection ends the process with
// status 1 (Node's default mode) once the turn's reactions have run: the
// pending timer never fires.
console.log("before");
setTimeout(() => console.log("never printed"), 50);
Promise.reject(new Error("nobody listens"));
Promise.resolve().then(() => console.log("reactions of the same turn still run"));
process.nextTick(() => console.log("and ticks"));
