// node:stream Writable, Duplex, Transform, PassThrough: buffering, drain, finish, errors.
import { Writable, Duplex, Transform, PassThrough, Readable } from "node:stream";

const log = (...a) => console.log(...a);
const tick = () => new Promise((r) => setTimeout(r, 2));

const chunks = [];
const events = [];
const w = new Writable({
  highWaterMark: 5,
  write(chunk, enc, cb) {
    chunks.push(`${chunk}:${enc}`);
    setTimeout(cb, 1);
  },
});
for (const ev of ["drain", "finish", "close", "prefinish"]) w.on(ev, () => events.push(ev));
log(w.write("abc"), w.writableLength, w.write("defg"), w.writableLength, w.writableNeedDrain);
w.write("h", () => events.push("cb-h"));
w.end("end", () => events.push("end-cb"));
log(w.writableEnded, w.writableFinished, w.writable);
await new Promise((r) => w.on("close", r));
log(chunks.join(" "), events.join(" "), w.writableFinished, w.destroyed);

// write after end, null, wrong type
const w2 = new Writable({ write(c, e, cb) { cb(); } });
w2.on("error", (e) => log("error event", e.code, e.message));
w2.end();
w2.write("x", (err) => log("write cb", err.code));
await tick();
try {
  new Writable({ write(c, e, cb) { cb(); } }).write(null);
} catch (e) {
  log(e.code, e.message);
}
try {
  new Writable({ write(c, e, cb) { cb(); } }).write(42);
} catch (e) {
  log(e.code);
}
// decodeStrings false keeps strings; objectMode keeps objects
const w3 = new Writable({ decodeStrings: false, write(c, e, cb) { log(typeof c, e); cb(); } });
w3.write("str", "latin1");
const w4 = new Writable({ objectMode: true, write(c, e, cb) { log(JSON.stringify(c), e); cb(); } });
w4.write({ o: 1 });
// writev with cork
const w5 = new Writable({
  writev(chunks, cb) {
    log("writev", chunks.map((c) => c.chunk.toString()).join("+"));
    cb();
  },
});
w5.cork();
w5.write("1");
w5.write("2");
w5.write("3");
process.nextTick(() => w5.uncork());
await tick();
// final
const w6 = new Writable({
  write(c, e, cb) { cb(); },
  final(cb) {
    log("final called");
    setTimeout(cb, 1);
  },
});
w6.on("finish", () => log("finish after final"));
w6.end("x");
await tick();
await tick();
// error in write
const w7 = new Writable({ write(c, e, cb) { cb(new Error("write failed")); } });
const o7 = [];
w7.on("error", (e) => o7.push(`error:${e.message}`));
w7.on("close", () => o7.push("close"));
w7.write("a", (err) => o7.push(`cb:${err?.message}`));
await tick();
log(o7.join(" "), w7.destroyed, w7.writable);

// Transform and PassThrough
const upper = new Transform({
  transform(chunk, enc, cb) {
    cb(null, chunk.toString().toUpperCase());
  },
  flush(cb) {
    this.push("!");
    cb();
  },
});
const out = [];
upper.on("data", (c) => out.push(c.toString()));
upper.on("end", () => log("transform:", out.join("")));
upper.write("hello ");
upper.end("world");
await tick();
const pt = new PassThrough();
pt.end("pass");
log((await pt.toArray()).toString(), pt instanceof Transform, pt instanceof Duplex, pt instanceof Readable, pt instanceof Writable);

// Duplex with both sides
const d = new Duplex({
  read() {},
  write(chunk, enc, cb) {
    this.push(`echo:${chunk}`);
    cb();
  },
  final(cb) {
    this.push(null);
    cb();
  },
});
const dout = [];
d.on("data", (c) => dout.push(c.toString()));
d.write("1");
d.end("2");
await new Promise((r) => d.on("end", r));
log(dout.join(","), d.allowHalfOpen);
const objT = new Transform({ objectMode: true, transform(o, e, cb) { cb(null, { ...o, seen: true }); } });
objT.end({ id: 1 });
log(JSON.stringify(await objT.toArray()));
// inheritance the old way
import util from "node:util";
function Old(opts) {
  Writable.call(this, opts);
}
util.inherits(Old, Writable);
Old.prototype._write = function (c, e, cb) {
  log("old-style write", c.toString());
  cb();
};
new Old().end("works");
await tick();
class Sink extends Writable {
  _write(c, e, cb) {
    log("class write", c.toString());
    cb();
  }
}
new Sink().end("also works");
await tick();
