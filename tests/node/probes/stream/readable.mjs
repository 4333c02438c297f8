// node:stream Readable: flowing and paused modes, events in order, encodings, async iteration.
import { Readable, Stream } from "node:stream";
import { EventEmitter } from "node:events";

const log = (...a) => console.log(...a);
const tick = () => new Promise((r) => setTimeout(r, 2));

const r1 = new Readable({ read() {} });
log(r1 instanceof Stream, r1 instanceof EventEmitter, r1.readable, r1.readableFlowing, r1.readableHighWaterMark, r1.readableObjectMode);
const events = [];
for (const ev of ["data", "end", "close", "pause", "resume"]) r1.on(ev, (x) => events.push(ev === "data" ? `data:${x}` : ev));
r1.push("a");
r1.push(Buffer.from("b"));
r1.push(null);
await tick();
log(events.join(" "), r1.readableEnded, r1.destroyed, r1.readable);

// paused mode with 'readable' and read(n)
const r2 = new Readable({ read() {} });
r2.push("hello ");
r2.push("world");
r2.push(null);
const got = [];
r2.on("readable", () => {
  let c;
  while ((c = r2.read(3)) !== null) got.push(c.toString());
});
await new Promise((r) => r2.on("end", r));
log(got.join("|"));

// encoding and objectMode
const r3 = new Readable({ read() {}, encoding: "utf8" });
r3.push(Buffer.from([0xe2, 0x82]));
r3.push(Buffer.from([0xac, 0x21]));
r3.push(null);
const parts = [];
for await (const c of r3) parts.push(c);
log(JSON.stringify(parts));
const r4 = new Readable({ objectMode: true, read() {} });
r4.push({ a: 1 });
r4.push(2);
r4.push("three");
r4.push(null);
log(JSON.stringify(await r4.toArray()));

// _read driven by demand, with backpressure
let n = 0;
const counter = new Readable({
  highWaterMark: 4,
  read() {
    n++;
    this.push(n <= 5 ? String(n) : null);
  },
});
const seen = [];
counter.on("data", (c) => seen.push(c.toString()));
await new Promise((r) => counter.on("end", r));
log(seen.join(","), n);

// Readable.from, pause/resume, setEncoding, unshift
const r5 = Readable.from(["x", "y", "z"]);
log(r5.readableObjectMode, JSON.stringify(await r5.toArray()));
const r6 = Readable.from((async function* () {
  yield "async1";
  await tick();
  yield "async2";
})());
for await (const c of r6) log("from async gen", c);
const r7 = Readable.from(Buffer.from("whole buffer"));
log((await r7.toArray()).map(String));
const r8 = new Readable({ read() {} });
r8.setEncoding("hex");
r8.push("AB");
r8.push(null);
log(await r8.toArray(), r8.readableEncoding);
const r9 = new Readable({ read() {} });
r9.push("later");
r9.unshift("first-");
r9.push(null);
log((await r9.toArray()).map(String).join(""));

// errors and destroy
const r10 = new Readable({ read() {} });
const order = [];
r10.on("error", (e) => order.push(`error:${e.message}`));
r10.on("close", () => order.push("close"));
r10.destroy(new Error("bad"));
log(r10.destroyed, r10.errored?.message);
await tick();
log(order.join(" "));
const r11 = new Readable({ read() {} });
r11.on("error", (e) => log("push after EOF:", e.code));
r11.push(null);
r11.push("late");
await tick();
const r12 = new Readable({ read() {} });
r12.on("error", (e) => log("bad chunk:", e.code));
r12.push(42);
await tick();
const r13 = new Readable({ read() { this.destroy(new Error("in read")); } });
try {
  for await (const c of r13) log(c);
} catch (e) {
  log("iteration threw", e.message);
}
const r14 = Readable.from([1, 2, 3, 4]);
for await (const v of r14) {
  if (v === 2) break;
}
log("break destroys", r14.destroyed);
log((await Readable.from([1, 2, 3, 4]).map((x) => x * 2).filter((x) => x > 2).toArray()).join(","));
