// node:timers: setTimeout and setInterval return Node's Timeout objects
// here (the globals return numbers, as in browsers and Deno; a Timeout
// converts to its number, so either clear function takes either).

import { Timeout, clearInterval, clearTimeout, setInterval, setTimeout } from "./internal/timeout.ts";
import { Immediate, clearImmediate, setImmediate } from "./internal/immediate.ts";
import * as promises from "./timers_promises.ts";

export { Timeout, Immediate, clearInterval, clearTimeout, setInterval, setTimeout, clearImmediate, setImmediate, promises };

export default { Timeout, Immediate, clearInterval, clearTimeout, setInterval, setTimeout, clearImmediate, setImmediate, promises };
