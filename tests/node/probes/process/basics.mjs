// The process global: the facts two runs share, and the ordering of
// nextTick, promise reactions, setImmediate and timers.
import processModule, { nextTick, env } from "node:process";

console.log(processModule === process, typeof nextTick, env === process.env, process.platform, process.arch);
console.log(typeof process.pid, process.pid > 0, typeof process.ppid, process.argv.length, process.argv[1].endsWith("basics.mjs"));
console.log(process.cwd() === process.env.PWD || typeof process.cwd(), process.execArgv, typeof process.version, typeof process.versions.node);
console.log(Array.isArray(process.hrtime()), typeof process.hrtime.bigint(), process.hrtime(process.hrtime())[0], typeof process.uptime());
const mu = process.memoryUsage();
console.log(Object.keys(mu).join(","), mu.rss > 0, typeof process.memoryUsage.rss());
process.env.HOWTH_PROBE_VAR = 42;
console.log(process.env.HOWTH_PROBE_VAR, typeof process.env.HOWTH_PROBE_VAR, "HOWTH_PROBE_VAR" in process.env);
delete process.env.HOWTH_PROBE_VAR;
console.log(process.env.HOWTH_PROBE_VAR, Object.keys(process.env).includes("HOWTH_PROBE_VAR"));
const before = process.cwd();
process.chdir("/tmp");
console.log(process.cwd());
process.chdir(before);
try {
  process.chdir("/no/such/dir");
} catch (e) {
  console.log(e.code, e.syscall, e.errno, e.message.replace(before, "<cwd>"));
}
console.log(typeof process.stdout.write, typeof process.stderr.write, process.stdout.fd, process.stderr.fd, typeof process.on);
process.stdout.write("written with stdout.write\n");
process.stdout.write(new TextEncoder().encode("bytes through stdout\n"));
console.log(process.exitCode, process.title.length > 0, typeof process.emitWarning, typeof process.umask());

const order = [];
setTimeout(() => order.push("timeout"), 0);
setImmediate(() => order.push("immediate"));
Promise.resolve().then(() => order.push("promise1")).then(() => order.push("promise2"));
process.nextTick(() => {
  order.push("tick1");
  process.nextTick(() => order.push("tick-in-tick"));
  Promise.resolve().then(() => order.push("promise-in-tick"));
});
process.nextTick((a, b) => order.push(`tick2:${a}${b}`), "x", "y");
queueMicrotask(() => {
  order.push("microtask");
  process.nextTick(() => order.push("tick-in-microtask"));
});
setTimeout(() => {
  console.log(order.filter((x) => x !== "timeout" && x !== "immediate").join(" "));
  process.nextTick(() => console.log("tick from a timer"));
  Promise.resolve().then(() => console.log("promise from a timer"));
}, 20);
process.on("beforeExit", (code) => {
  if (!globalThis.once) {
    globalThis.once = true;
    console.log("beforeExit", code);
    setTimeout(() => console.log("scheduled from beforeExit"), 1);
  }
});
process.on("exit", (code) => console.log("exit", code, process.exitCode));
