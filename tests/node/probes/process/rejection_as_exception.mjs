// With no unhandledRejection listener, a rejection is raised as an
// uncaught exception: uncaughtException gets it with origin
// "unhandledRejection", and the process goes on.
process.on("uncaughtException", (err, origin) => {
  console.log("uncaughtException", err.message, origin);
  process.exitCode = 5;
});
process.on("exit", (code) => console.log("exit", code));
Promise.reject(new Error("raised"));
setTimeout(() => console.log("still running"), 5);
