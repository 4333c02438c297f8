// process.on(signal): listeners get (name, number) with `this` the process,
// in the order the signals were sent; once/off/removeAllListeners stop
// them; SIGKILL and SIGSTOP cannot be listened for; a listener does not
// keep the process alive (the program ends with listeners still on, once
// the interval that keeps it alive until the signals are in is cleared).
const keep = setInterval(() => {}, 1000);
const order = ["SIGUSR2", "SIGHUP", "SIGINT", "SIGTERM", "SIGUSR1"];
for (const sig of ["SIGKILL", "SIGSTOP"]) {
  try {
    process.on(sig, () => {});
    console.log(sig, "listened");
  } catch (e) {
    console.log(sig, e instanceof Error, e.message, JSON.stringify(Object.entries(e)), process.listenerCount(sig));
  }
}
process.on("SIGUSR2", function (name, n) {
  console.log("usr2", name, n, this === process, arguments.length);
  process.kill(process.pid, "SIGHUP");
});
process.once("SIGHUP", (name, n) => {
  console.log("hup once", name, n, process.listenerCount("SIGHUP"));
  process.kill(process.pid, "SIGINT");
});
const onInt = (name) => {
  console.log("int", name);
  process.off("SIGINT", onInt);
  console.log("int listeners", process.listenerCount("SIGINT"));
  process.kill(process.pid, "SIGTERM");
};
process.on("SIGINT", onInt);
process.on("SIGTERM", (name) => {
  console.log("term 1", name);
  // A signal's listeners run in the order they were added; a rejection
  // queued here settles after the listeners, before other work.
  Promise.resolve().then(() => console.log("term microtask"));
  process.nextTick(() => console.log("term tick"));
});
process.on("SIGTERM", (name) => {
  console.log("term 2", name);
  process.removeAllListeners("SIGTERM");
  process.kill(process.pid, 10);
});
process.on("SIGUSR1", (name, n) => {
  console.log("usr1", name, n);
  setTimeout(() => {
    console.log("end; listeners left:", order.map((s) => process.listenerCount(s)).join(","));
    clearInterval(keep);
  }, 20);
});
process.kill(process.pid, "SIGUSR2");
console.log("sent first");
