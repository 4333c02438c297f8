// node:timers and node:timers/promises: Timeout objects, ordering, abort.
import timers, { setTimeout as st, clearTimeout as ct, setInterval as si, clearInterval as ci, setImmediate as sim } from "node:timers";
import { setTimeout as sleep, setImmediate as immediate, setInterval as every, scheduler } from "node:timers/promises";

const t = st(() => console.log("never"), 1000);
console.log(typeof t, typeof t.ref, typeof t.unref, t.hasRef(), t.unref().hasRef(), t.ref().hasRef(), typeof +t);
ct(t);
const order = [];
st(() => order.push("t10"), 10);
st(() => order.push("t1"), 1);
sim(() => order.push("immediate"));
let n = 0;
const iv = si(() => {
  order.push(`interval${++n}`);
  if (n === 3) ci(iv);
}, 2);
await sleep(40);
console.log(order.filter((x) => x.startsWith("interval")).join(" "), order.indexOf("t1") < order.indexOf("t10"), order.includes("immediate"));
console.log(await sleep(1, "value"), await immediate("imm"), typeof timers.promises.setTimeout, typeof scheduler.wait);
const ac = new AbortController();
const p = sleep(1000, null, { signal: ac.signal });
ac.abort();
await p.catch((e) => console.log(e.name, e.code));
await sleep(1, null, { signal: AbortSignal.abort() }).catch((e) => console.log("pre-aborted", e.name));
let k = 0;
for await (const v of every(2, "tick")) {
  console.log(v, ++k);
  if (k === 3) break;
}
await scheduler.wait(1);
const r = st(() => console.log("refreshed timer fired"), 5);
r.refresh();
await sleep(20);
await sleep(1, undefined, { signal: "bad" }).catch((e) => console.log(e.code));
