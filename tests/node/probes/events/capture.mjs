// node:events: captureRejections routes a rejected async listener to 'error'.
import { EventEmitter, captureRejectionSymbol } from "node:events";

const e = new EventEmitter({ captureRejections: true });
e.on("job", async () => {
  throw new Error("async failure");
});
e.on("error", (err) => console.log("error event:", err.message));
e.emit("job");
await new Promise((r) => setTimeout(r, 5));

const f = new EventEmitter({ captureRejections: true });
f[captureRejectionSymbol] = (err, name, ...args) => console.log("custom handler:", err.message, name, args);
f.on("job", async (x) => {
  throw new Error("second " + x);
});
f.emit("job", 7);
await new Promise((r) => setTimeout(r, 5));
console.log(typeof captureRejectionSymbol, EventEmitter.captureRejections);
