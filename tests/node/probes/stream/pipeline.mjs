// node:stream pipe, pipeline and finished, and stream/promises.
import { Readable, Writable, Transform, PassThrough, pipeline, finished } from "node:stream";
import { pipeline as pipelineP, finished as finishedP } from "node:stream/promises";
import streamPromises from "stream/promises";
import { ReadableStream } from "node:stream/web";

const log = (...a) => console.log(...a);
const collect = () => {
  const chunks = [];
  const w = new Writable({ write(c, e, cb) { chunks.push(c.toString()); cb(); } });
  w.chunks = chunks;
  return w;
};

const src = Readable.from(["a", "b", "c"]);
const dst = collect();
src.pipe(dst);
await new Promise((r) => dst.on("finish", r));
log("pipe:", dst.chunks.join(""));

const upper = () => new Transform({ transform(c, e, cb) { cb(null, c.toString().toUpperCase()); } });
const d2 = collect();
pipeline(Readable.from(["x", "y"]), upper(), d2, (err) => log("pipeline done", err ?? "no error", d2.chunks.join("")));
await new Promise((r) => setTimeout(r, 5));

const d3 = collect();
pipeline(
  Readable.from(["1", "2"]),
  new Transform({ transform(c, e, cb) { cb(new Error("transform broke")); } }),
  d3,
  (err) => log("pipeline error:", err.message, d3.destroyed),
);
await new Promise((r) => setTimeout(r, 5));

const d4 = collect();
await pipelineP(
  Readable.from(["p", "q"]),
  async function* (source) {
    for await (const chunk of source) yield `<${chunk}>`;
  },
  d4,
);
log("promise pipeline:", d4.chunks.join(""), streamPromises.pipeline === pipelineP);
const result = await pipelineP(Readable.from(["s", "t"]), async (source) => {
  let all = "";
  for await (const c of source) all += c;
  return all;
});
log("to a function:", result);
await pipelineP(["i", "t", "e", "r"], collect()).then(() => log("from an array"));

const f = new PassThrough();
finished(f, (err) => log("finished:", err ?? "ok"));
f.resume();
f.end("done");
await new Promise((r) => setTimeout(r, 5));
const g = new PassThrough();
finished(g, (err) => log("finished early close:", err.code));
g.destroy();
await new Promise((r) => setTimeout(r, 5));
const h = new PassThrough();
setTimeout(() => h.end(), 1);
h.resume();
await finishedP(h);
log("finishedP resolved", h.readableEnded);

const web = Readable.toWeb(Readable.from(["w", "e", "b"]));
log(web instanceof ReadableStream);
const reader = web.getReader();
let s = "";
for (let r = await reader.read(); !r.done; r = await reader.read()) s += r.value;
log("toWeb:", s);
const fromWeb = Readable.fromWeb(new ReadableStream({ start(c) { c.enqueue("from"); c.enqueue("web"); c.close(); } }));
log("fromWeb:", (await fromWeb.toArray()).join(" "));
