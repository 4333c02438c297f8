// CompressionStream / DecompressionStream globals: round trips through
// each format, interoperation with node:zlib, and bad input.
import zlib from "node:zlib";

const text = "compress me ".repeat(500);
const enc = new TextEncoder();
const td = new TextDecoder();

async function collect(readable) {
  const parts = [];
  for await (const c of readable) parts.push(c);
  const out = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of parts) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function through(stream, chunks) {
  const w = stream.writable.getWriter();
  const done = collect(stream.readable);
  done.catch(() => {});
  for (const c of chunks) await w.write(c);
  await w.close();
  return done;
}

for (const format of ["gzip", "deflate", "deflate-raw"]) {
  const packed = await through(new CompressionStream(format), [enc.encode(text.slice(0, 100)), enc.encode(text.slice(100))]);
  const back = await through(new DecompressionStream(format), [packed.subarray(0, 10), packed.subarray(10)]);
  console.log(format, packed.constructor.name, packed.length < text.length, td.decode(back) === text);
}
const viaZlib = zlib.gunzipSync(await through(new CompressionStream("gzip"), [enc.encode(text)]));
console.log("zlib reads it", td.decode(viaZlib) === text);
const fromZlib = await through(new DecompressionStream("deflate"), [zlib.deflateSync(text)]);
console.log("reads zlib", td.decode(fromZlib) === text);
console.log("empty", (await through(new DecompressionStream("gzip"), [await through(new CompressionStream("gzip"), [])])).length);

try {
  new CompressionStream("zip");
} catch (e) {
  console.log(e.name);
}
try {
  await through(new DecompressionStream("gzip"), [enc.encode("not gzip at all")]);
  console.log("no error");
} catch (e) {
  console.log("bad data:", e instanceof Error);
}
