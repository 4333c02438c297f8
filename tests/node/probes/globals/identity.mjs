// The globals are the built-in modules' own objects: one instance of each
// built-in per isolate, whether imported before or after start-up.
import { Buffer } from "node:buffer";
import bufferModule from "node:buffer";
import processModule from "node:process";
import { EventEmitter } from "node:events";
import { Readable, Writable } from "node:stream";
import { setImmediate, clearImmediate } from "node:timers";
import { setImmediate as immediatePromise } from "node:timers/promises";

console.log(Buffer === globalThis.Buffer, bufferModule.Buffer === Buffer, processModule === globalThis.process);
console.log(process instanceof EventEmitter, process.stdout instanceof Writable, process.stdin instanceof Readable);
console.log(setImmediate === globalThis.setImmediate, clearImmediate === globalThis.clearImmediate);
const again = await import("node:buffer");
console.log(again.Buffer === Buffer, (await import("node:events")).default === EventEmitter);
console.log(await immediatePromise("after an immediate"));
