// node:timers: setTimeout and setInterval return Node's Timeout objects
// here (the globals return numbers, as in browsers and Deno; a Timeout
// converts to its number, so either clear function takes either).

import { Timeout, clearInterval, clearTimeout, setInterval, setTimeout } from "./internal/timeout.ts";
import * as immediateImpl from "./internal/immediate.ts";
import { shared } from "./internal/shared.ts";
import * as promises from "./timers_promises.ts";

const { Immediate, clearImmediate, setImmediate } = shared("immediate", immediateImpl);

export { Timeout, Immediate, clearInterval, clearTimeout, setInterval, setTimeout, clearImmediate, setImmediate, promises };

export default { Timeout, Immediate, clearInterval, clearTimeout, setInterval, setTimeout, clearImmediate, setImmediate, promises };
