// node:readline over streams: line splitting (\n, \r\n, lone \r, a last
// line with no ending, characters split between chunks), question and
// prompt written to the output, pause/resume/close events, the async
// iterator, readline/promises' question, the cursor helpers' sequences.
import readline, { createInterface, Interface, cursorTo, moveCursor, clearLine, clearScreenDown } from "node:readline";
import rlp from "node:readline/promises";
import { PassThrough, Readable } from "node:stream";

const euro = Buffer.from("€");
const input = Readable.from([Buffer.from("one\ntwo\r\nthr"), Buffer.from("ee\rfour "), euro.subarray(0, 1), Buffer.concat([euro.subarray(1), Buffer.from("\n\nlast")])], { objectMode: false });
const rl = createInterface({ input, crlfDelay: Infinity });
const lines = [];
rl.on("line", (l) => lines.push(l));
rl.on("close", () => console.log("close", JSON.stringify(lines), rl instanceof Interface, rl.terminal));
await new Promise((r) => rl.once("close", r));

const out = new PassThrough();
let written = "";
out.on("data", (d) => (written += d));
const qin = new PassThrough();
const q = createInterface({ input: qin, output: out, prompt: "$ " });
console.log(JSON.stringify(q.getPrompt()));
q.setPrompt("% ");
q.prompt();
const events = [];
q.on("pause", () => events.push("pause"));
q.on("resume", () => events.push("resume"));
q.on("line", (l) => events.push(`line:${l}`));
const answer = await new Promise((resolve) => {
  q.question("name? ", resolve);
  qin.write("Ada\nnext line\n");
});
await new Promise((r) => setTimeout(r, 5));
q.pause();
q.resume();
q.close();
q.close();
console.log(JSON.stringify(answer), JSON.stringify(events), q.closed);
await new Promise((r) => setTimeout(r, 5));
console.log(JSON.stringify(written));
try {
  q.question("again?", () => {});
} catch (e) {
  console.log(e.code, e.message);
}

const it = createInterface({ input: Readable.from(["a\nb\n", "c"]) });
const got = [];
for await (const line of it) got.push(line);
console.log("iterated", JSON.stringify(got));

const pin = new PassThrough();
const prl = rlp.createInterface({ input: pin, output: new PassThrough() });
setTimeout(() => pin.write("42\n"), 1);
console.log("promise answer", await prl.question("n? "));
const ac = new AbortController();
const pending = prl.question("never? ", { signal: ac.signal });
ac.abort();
await pending.catch((e) => console.log(e.name, e.code));
prl.close();

const sink = { data: [], write(s, cb) { this.data.push(s); if (cb) cb(); return true; } };
console.log(cursorTo(sink, 3), cursorTo(sink, 2, 4), moveCursor(sink, -2, 3), moveCursor(sink, 5, -1), clearLine(sink, -1), clearLine(sink, 0), clearLine(sink, 1), clearScreenDown(sink));
console.log(JSON.stringify(sink.data));
console.log(typeof readline.promises.createInterface, typeof rlp.Interface, Object.keys(readline).sort().join());
try {
  createInterface({ input: 5 });
} catch (e) {
  console.log(e.name, e.code);
}
