// readline over process.stdin (empty under the harness): the async
// iterator ends at once, "close" is emitted, and the program exits.
import { createInterface } from "node:readline";

const rl = createInterface({ input: process.stdin });
rl.on("close", () => console.log("close event"));
let n = 0;
for await (const line of rl) n += line.length;
console.log("lines read", n);
console.log("closed", rl.closed);
