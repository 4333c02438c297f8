// node:async_hooks: an AsyncLocalStorage store follows await, promise
// reactions, timers, immediates, nextTick, queueMicrotask and the callbacks
// of fs; concurrent runs keep their own stores. Each step logs with a
// sequence number so the order of events is compared too.
import { AsyncLocalStorage } from "node:async_hooks";
import { EventEmitter } from "node:events";
import fs from "node:fs";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

const als = new AsyncLocalStorage();
const other = new AsyncLocalStorage();
const seen = (what) => `${what} ${JSON.stringify(als.getStore())} ${JSON.stringify(other.getStore())}`;
const log = (what) => console.log(seen(what));

// A promise made before any store was entered: its reactions see the
// context where `then` was called.
const early = Promise.resolve("early");

// Two runs interleave; each one's lines are printed after both finish,
// since which read completes first is up to the file system.
async function step(n) {
  const lines = [];
  await null;
  lines.push(seen(`step ${n} after await null`));
  await sleep(1);
  lines.push(seen(`step ${n} after timers/promises sleep`));
  await new Promise((r) => setTimeout(r, 2));
  lines.push(seen(`step ${n} after setTimeout promise`));
  const text = await readFile(new URL(import.meta.url), "utf8");
  lines.push(seen(`step ${n} after fs/promises read ${text.length > 0}`));
  return lines;
}

for (const lines of await Promise.all([als.run({ req: 1 }, () => step(1)), als.run({ req: 2 }, () => step(2))])) {
  for (const line of lines) console.log(line);
}
log("outside after Promise.all");

// The callbacks' order is the loop's business: sorted before printing.
await als.run("callbacks", async () => {
  const lines = [];
  await new Promise((done) => {
    let left = 6;
    const one = (what) => {
      lines.push(seen(what));
      if (--left === 0) done();
    };
    setTimeout(() => one("setTimeout"), 1);
    const iv = setInterval(() => {
      clearInterval(iv);
      one("setInterval");
    }, 1);
    setImmediate(() => one("setImmediate"));
    process.nextTick(() => one("nextTick"));
    queueMicrotask(() => one("queueMicrotask"));
    fs.stat(new URL(import.meta.url), (err) => one(`fs.stat callback ${err}`));
  });
  for (const line of lines.sort()) console.log(line);
  early.then(() => log("then on an earlier promise"));
  await early;
  log("await an earlier promise");
});

// Nested stores and two storages; exit() inside an async function.
await als.run("outer", async () => {
  await other.run("second", async () => {
    await null;
    log("two storages");
    await als.run("inner", async () => {
      await sleep(1);
      log("nested run");
    });
    log("back to outer");
    await als.exit(async () => {
      await null;
      log("inside exit");
    });
  });
});

// A store entered with enterWith inside an async function stays with it.
await (async () => {
  await null;
  als.enterWith("entered");
  await sleep(1);
  log("enterWith after await");
})();
log("caller after enterWith in a callee");

// Async generators and for await.
async function* gen() {
  for (let i = 0; i < 2; i++) {
    await sleep(1);
    yield als.getStore();
  }
}
await als.run("generator", async () => {
  for await (const v of gen()) console.log("yielded", v, "loop sees", als.getStore());
});

// Thenables, rejections and finally.
await als.run("thenable", async () => {
  const v = await { then: (r) => r(als.getStore()) };
  console.log("thenable got", v);
  try {
    await Promise.reject(new Error("x"));
  } catch {
    log("catch after rejection");
  }
  await Promise.resolve().finally(() => log("finally"));
});

// EventEmitter listeners run in the emitter's caller's context (no binding).
const e = new EventEmitter();
e.on("ping", () => log("listener"));
als.run("emitter", () => e.emit("ping"));
await null;

// Many concurrent runs, each finds its own store after several awaits.
const results = await Promise.all(
  Array.from({ length: 20 }, (_, i) =>
    als.run(i, async () => {
      await sleep(20 - i);
      await null;
      return als.getStore() === i;
    }),
  ),
);
console.log("20 concurrent runs keep their stores", results.every(Boolean));
log("end");
