// setTimeout, setInterval, clearTimeout, clearInterval, queueMicrotask.
import { assert, assertEquals, assertThrows, test, run } from "./assert.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

test("timers fire in deadline order, ties in creation order", async () => {
  const order: string[] = [];
  setTimeout(() => order.push("20ms"), 20);
  setTimeout(() => order.push("0ms-a"), 0);
  setTimeout(() => order.push("5ms"), 5);
  setTimeout(() => order.push("0ms-b"));
  await sleep(40);
  assertEquals(order, ["0ms-a", "0ms-b", "5ms", "20ms"]);
});

test("microtasks run before timers", async () => {
  const order: string[] = [];
  setTimeout(() => order.push("timeout"), 0);
  queueMicrotask(() => order.push("microtask"));
  Promise.resolve().then(() => order.push("promise"));
  await sleep(10);
  assertEquals(order, ["microtask", "promise", "timeout"]);
});

test("handles are Node's Timeouts that convert to positive integer ids; extra arguments are passed", async () => {
  let got: unknown[] = [];
  const id = setTimeout((a: number, b: string) => (got = [a, b]), 0, 1, "two");
  assertEquals(typeof id, "object");
  assert(Number.isInteger(+id) && +id > 0);
  await sleep(5);
  assertEquals(got, [1, "two"]);
});

test("clearTimeout before firing", async () => {
  let fired = false;
  const id = setTimeout(() => (fired = true), 5);
  clearTimeout(id);
  await sleep(20);
  assertEquals(fired, false);
  // Unknown ids and undefined are ignored.
  clearTimeout(123456);
  clearTimeout(undefined);
});

test("setInterval repeats until cleared", async () => {
  let n = 0;
  const id = setInterval(() => {
    n++;
    if (n === 3) clearInterval(id);
  }, 2);
  await sleep(50);
  assertEquals(n, 3);
});

test("clearTimeout and clearInterval are interchangeable", async () => {
  let n = 0;
  const id = setInterval(() => n++, 2);
  clearTimeout(id);
  await sleep(15);
  assertEquals(n, 0);
});

test("a timer can clear a later one", async () => {
  let laterFired = false;
  const later = setTimeout(() => (laterFired = true), 10);
  setTimeout(() => clearTimeout(later), 1);
  await sleep(30);
  assertEquals(laterFired, false);
});

test("delays are honoured (roughly)", async () => {
  const t0 = performance.now();
  await sleep(30);
  const elapsed = performance.now() - t0;
  assert(elapsed >= 29, `woke after ${elapsed} ms`);
});

test("nested timers", async () => {
  const order: number[] = [];
  await new Promise<void>((resolve) => {
    setTimeout(() => {
      order.push(1);
      setTimeout(() => {
        order.push(2);
        resolve();
      }, 0);
    }, 0);
  });
  assertEquals(order, [1, 2]);
});

test("non-function callbacks throw TypeError", () => {
  assertThrows(() => setTimeout("code" as never, 0), TypeError);
  assertThrows(() => queueMicrotask(1 as never), TypeError);
});

test("this in a timer callback is globalThis", async () => {
  let self: unknown;
  setTimeout(function (this: unknown) {
    self = this;
  }, 0);
  await sleep(5);
  assert(self === globalThis);
});

await run();
