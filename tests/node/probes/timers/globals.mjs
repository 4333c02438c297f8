// The global setTimeout/setInterval return Node's Timeout objects: ref,
// unref, hasRef, refresh, close, conversion to a number that either clear
// function accepts (as a number or a numeric string), and an unref'd timer
// that does not keep the process alive.
import timers from "node:timers";

const t = setTimeout(() => console.log("never"), 1000);
console.log(typeof t, t.constructor.name, Object.keys(timers).join(), t.hasRef(), t.unref() === t, t.hasRef(), t.ref().hasRef());
console.log(typeof +t, Number.isInteger(+t), `${+t}` === String(t[Symbol.toPrimitive]()), typeof t[Symbol.toPrimitive]);
clearTimeout(+t);
const byString = setTimeout(() => console.log("never either"), 5);
clearTimeout(String(+byString));
const i = setInterval(() => console.log("never interval"), 5);
clearInterval(i);
const cross = setInterval(() => console.log("never crossed"), 5);
clearTimeout(cross);
const closed = setTimeout(() => console.log("never closed"), 5);
console.log(closed.close() === closed);
clearTimeout(undefined);
clearTimeout(null);
clearTimeout({});
clearTimeout(123456);
for (const bad of [null, "code", 1]) {
  try {
    setTimeout(bad, 1);
  } catch (e) {
    console.log("setTimeout", String(bad), e.name, e.code);
  }
}
// Wide gaps: on a loaded machine a timer fires late, and the refresh must
// still come before a's first deadline (250 ms of slack here).
const order = [];
const a = setTimeout(() => order.push("a"), 300);
setTimeout(() => order.push("b"), 8);
setTimeout(() => {
  a.refresh();
  setTimeout(() => order.push("c"), 100);
}, 50);
await new Promise((resolve) => setTimeout(resolve, 400));
console.log(order.join(" "));
let n = 0;
await new Promise((resolve) => {
  const iv = setInterval((x, y) => {
    n++;
    if (n === 3) {
      clearInterval(iv);
      console.log("interval args", x, y, n, iv.hasRef());
      resolve();
    }
  }, 1, "x", "y");
});
setTimeout(() => console.log("unref'd: never printed"), 200).unref();
setTimeout(() => console.log("last"), 1);
