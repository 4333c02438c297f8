// A listener that exits: the `exit` event runs and the code is the one given.
process.on("exit", (code) => console.log("exit event", code));
process.on("SIGUSR2", (name) => {
  console.log("got", name);
  process.exit(7);
});
setInterval(() => {}, 1000);
process.kill(process.pid, "SIGUSR2");
