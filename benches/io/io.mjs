// I/O built-ins, timed in one process: gzip and gunzip of 1 MiB, readFile
// of a 1 MiB file (sync and promise forms). Run by benches/io/run.sh under
// node and under howth; prints one line per case: name, ms per operation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { gunzipSync, gzipSync } from "node:zlib";

const MiB = 1 << 20;
// Text-like input: words from a small vocabulary, in a fixed pseudo-random order.
const words = ["howth", "node", "bun", "request", "response", "header", "body", "stream", "buffer", "loop"];
let seed = 42;
let text = "";
while (text.length < MiB) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  text += words[seed % words.length] + (seed % 7 === 0 ? "\n" : " ");
}
const data = new TextEncoder().encode(text.slice(0, MiB));
const dir = mkdtempSync(`${tmpdir()}/howth-bench-io-`);
const file = `${dir}/1mib.txt`;
writeFileSync(file, data);
const packed = gzipSync(data);

const ROUNDS = Number(globalThis.process?.env?.IO_ROUNDS ?? 30);

async function bench(name, f) {
  for (let i = 0; i < 3; i++) await f();
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) await f();
  console.log(`${name} ${((performance.now() - t0) / ROUNDS).toFixed(3)}`);
}

await bench("gzipSync-1MiB", () => gzipSync(data));
await bench("gunzipSync-1MiB", () => gunzipSync(packed));
await bench("readFileSync-1MiB", () => readFileSync(file));
await bench("fsp.readFile-1MiB", () => readFile(file));
rmSync(dir, { recursive: true });
