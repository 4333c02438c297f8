// The globals Node code expects: process, Buffer, the timers (setTimeout
// and setInterval return Node's Timeout objects, which convert to their
// numeric id, so code written for browsers that keeps the id as a number
// still works), setImmediate and clearImmediate (global itself is set in
// bootstrap.ts). Installed by
// prepare() (no op is called, so they can live in the startup snapshot)
// and connected to the running process by bootstrap(). The module loader
// keeps one instance of each built-in per isolate (the snapshot's, after a
// snapshot start), so `import process from "node:process"` is this object.

import { process, connectProcess } from "./process.ts";
import { Buffer } from "./buffer.ts";
import { setImmediate, clearImmediate } from "./immediate.ts";
import { setTimeout, setInterval, clearTimeout, clearInterval } from "./timeout.ts";

export function installNodeGlobals(define: (name: string, value: unknown) => void): void {
  define("process", process);
  define("Buffer", Buffer);
  define("setTimeout", setTimeout);
  define("setInterval", setInterval);
  define("clearTimeout", clearTimeout);
  define("clearInterval", clearInterval);
  define("setImmediate", setImmediate);
  define("clearImmediate", clearImmediate);
}

export function connectNodeGlobals(): void {
  connectProcess();
}
