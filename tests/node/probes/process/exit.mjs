// process.exit and exitCode, the exit event, uncaughtException listeners.
process.on("exit", (code) => console.log("exit event", code));
process.on("uncaughtException", (err, origin) => {
  console.log("caught", err.message, origin);
  process.exitCode = 3;
});
setTimeout(() => {
  throw new Error("from a timer");
}, 1);
setTimeout(() => {
  console.log("after the throw, exitCode", process.exitCode);
  process.exit();
}, 10);
setTimeout(() => console.log("never printed"), 500);
