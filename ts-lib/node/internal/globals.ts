// The globals Node code expects: process, Buffer, setImmediate and
// clearImmediate (global itself is set in bootstrap.ts). Installed by
// prepare() (no op is called, so they can live in the startup snapshot)
// and connected to the running process by bootstrap(). They are
// registered (shared.ts) before any facade in ts-lib/node/ can be
// evaluated, so `import process from "node:process"` is this object.

import * as processImpl from "./process.ts";
import * as bufferImpl from "./buffer.ts";
import * as eventsImpl from "./events.ts";
import * as streamImpl from "./stream.ts";
import { shared } from "./shared.ts";
import * as immediateImpl from "./immediate.ts";

export function installNodeGlobals(define: (name: string, value: unknown) => void): void {
  shared("events", eventsImpl);
  shared("stream", streamImpl);
  define("process", shared("process", processImpl).process);
  define("Buffer", shared("buffer", bufferImpl).Buffer);
  const { setImmediate, clearImmediate } = shared("immediate", immediateImpl);
  define("setImmediate", setImmediate);
  define("clearImmediate", clearImmediate);
}

export function connectNodeGlobals(): void {
  shared("process", processImpl).connectProcess();
}
