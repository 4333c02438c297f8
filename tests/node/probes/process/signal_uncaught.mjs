// A signal whose last listener is gone takes its uncaught course: SIGHUP
// ends the process by that signal (the exit status is compared too).
process.once("SIGHUP", (name, n) => {
  console.log("hup", name, n, process.listenerCount("SIGHUP"));
  setTimeout(() => {
    console.log("sending again");
    process.kill(process.pid, "SIGHUP");
  }, 10);
});
process.kill(process.pid, "SIGHUP");
setTimeout(() => console.log("never printed"), 2000);
