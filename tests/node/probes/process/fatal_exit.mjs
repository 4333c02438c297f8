// A fatal unhandled rejection still emits "exit" (with code 1, and
// process.exitCode set to 1) before the process ends with status 1.
process.on("exit", (code) => console.log("exit", code, process.exitCode));
console.log("one");
console.log("two");
Promise.reject(new Error("fatal"));
setTimeout(() => console.log("never printed"), 50);
