// node:events: EventEmitter's listener bookkeeping, ordering and errors.
import EventEmitter, { once, on, errorMonitor, getEventListeners, listenerCount } from "node:events";
import { EventEmitter as Named } from "events";
import util from "node:util";

console.log(EventEmitter === Named, EventEmitter.defaultMaxListeners, typeof EventEmitter.once, EventEmitter.errorMonitor === errorMonitor);
const e = new EventEmitter();
const log = [];
const a = (x) => log.push(`a${x}`);
const b = (x) => log.push(`b${x}`);
e.on("newListener", (name) => log.push(`new:${String(name)}`));
e.on("ev", a);
e.prependListener("ev", b);
e.once("ev", (x) => log.push(`once${x}`));
e.prependOnceListener("ev", (x) => log.push(`ponce${x}`));
console.log(e.listenerCount("ev"), e.listeners("ev").length, e.rawListeners("ev").length, e.eventNames());
console.log(e.emit("ev", 1), e.emit("ev", 2), e.emit("nothing"));
console.log(log.join(","));
e.removeListener("ev", a);
console.log(e.listenerCount("ev"), listenerCount(e, "ev"), getEventListeners(e, "ev").length);
e.off("ev", b);
console.log(e.listenerCount("ev"), e.eventNames());
e.removeAllListeners();
console.log(e.eventNames(), e.getMaxListeners());
e.setMaxListeners(1);
console.log(e.getMaxListeners());

// this, arguments, symbols
const s = Symbol("sym");
e.on(s, function (...args) {
  console.log("sym", this === e, args);
});
e.emit(s, 1, "two", { three: 3 });

// errors
try {
  e.emit("error", new Error("boom"));
} catch (err) {
  console.log("thrown", err.message);
}
try {
  e.emit("error", "text");
} catch (err) {
  console.log("thrown", err.code, err.message);
}
e.on(errorMonitor, (err) => console.log("monitor", err.message));
e.on("error", (err) => console.log("handled", err.message));
e.emit("error", new Error("second"));
try {
  e.on("x", "not a function");
} catch (err) {
  console.log(err.code, err.message);
}

// removeListener event and once wrappers
const r = new EventEmitter();
r.on("removeListener", (name, fn) => console.log("removed", name, fn.name));
function named() {}
r.once("q", named);
r.emit("q");
r.on("z", named);
r.removeAllListeners("z");

// inheritance the old way
function Old() {
  EventEmitter.call(this);
}
util.inherits(Old, EventEmitter);
const o = new Old();
o.on("hi", (v) => console.log("old style", v, o instanceof EventEmitter));
o.emit("hi", 42);
class New extends EventEmitter {}
const n = new New();
n.once("x", () => console.log("class style", n.listenerCount("x")));
n.emit("x");

// events.once and events.on
const t = new EventEmitter();
setTimeout(() => t.emit("ready", 1, 2), 1);
console.log("once", await once(t, "ready"));
setTimeout(() => t.emit("error", new Error("failed")), 1);
await once(t, "never").catch((err) => console.log("once rejected", err.message));
const it = on(t, "tick");
setTimeout(() => {
  t.emit("tick", "a");
  t.emit("tick", "b");
}, 1);
let count = 0;
for await (const v of it) {
  console.log("on", v);
  if (++count === 2) break;
}
console.log("after on", t.listenerCount("tick"), t.listenerCount("error"));
const et = new EventTarget();
setTimeout(() => et.dispatchEvent(new Event("ping")), 1);
const [ev] = await once(et, "ping");
console.log("eventtarget once", ev.type);
