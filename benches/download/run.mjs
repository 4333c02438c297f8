// `make bench-download`: one large response body (1 GiB by default) read to
// its end through fetch() on Howth, Bun and Deno, and by curl, all in the
// same run against one local upstream (upstream.mjs). The client is pinned
// to CPU 0 and the upstream to the others (taskset). Reports the median of
// REPS runs: MB/s (body bytes over wall time, start-up included) and the
// client's CPU seconds (user + system, from /usr/bin/time), with each
// runtime's ratio to Bun's.
//
//   node benches/download/run.mjs [--size BYTES] [--reps N] [--howth PATH]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const tools = path.join(root, ".bench-tools/node_modules");

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const size = Number(opt("--size", 1 << 30));
const reps = Number(opt("--reps", 3));
const howth = path.resolve(root, opt("--howth", "target/release/howth"));

function installed(pkg, rel) {
  const bin = path.join(tools, pkg, rel);
  if (existsSync(bin)) return bin;
  spawnSync("npm", ["install", "--prefix", path.dirname(tools), "--no-audit", "--no-fund", pkg], { stdio: "inherit" });
  return existsSync(bin) ? bin : null;
}

const cores = os.availableParallelism();
const pinned = (cpus, cmd) => (spawnSync("taskset", ["-V"]).status === 0 ? ["taskset", "-c", cpus, ...cmd] : cmd);
const clientCpu = "0";
const upstreamCpus = cores > 1 ? `1-${cores - 1}` : "0";

const client = path.join(here, "client.ts");
const bun = installed("@oven/bun-linux-x64", "bin/bun");
const deno = installed("@deno/linux-x64-glibc", "deno");
const clients = [
  ["howth", [howth, "run", client]],
  ["bun", bun && [bun, "run", client]],
  ["deno", deno && [deno, "run", "--allow-net", "--allow-env", client]],
  ["curl", ["curl", "-sS", "-o", "/dev/null", "-w", "%{size_download}\\n"]],
];

const [upCmd, ...upArgs] = pinned(upstreamCpus, ["node", path.join(here, "upstream.mjs"), String(size)]);
const upstream = spawn(upCmd, upArgs, { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve, reject) => {
  upstream.stdout.once("data", (d) => resolve(Number(String(d).trim())));
  upstream.once("exit", (c) => reject(new Error(`upstream exited ${c}`)));
});
const url = `http://127.0.0.1:${port}/`;
const tmp = mkdtempSync(path.join(os.tmpdir(), "howth-bench-download-"));

/** One download: [wall s, cpu s], after checking every byte arrived. */
function once(name, cmd) {
  const timing = path.join(tmp, "time");
  const full = name === "curl" ? [...cmd, url] : cmd;
  const r = spawnSync("/usr/bin/time", ["-o", timing, "-f", "%e %U %S", ...pinned(clientCpu, full)], {
    env: { ...process.env, DOWNLOAD_URL: url, NO_COLOR: "1" },
    encoding: "utf8",
  });
  const got = Number(r.stdout.trim().split("\n").pop());
  if (r.status !== 0 || got !== size) throw new Error(`${name}: exit ${r.status}, ${got} of ${size} bytes\n${r.stderr}`);
  const [wall, user, sys] = readFileSync(timing, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return [wall, user + sys];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = [];
try {
  for (const [name, cmd] of clients) {
    if (!cmd) {
      console.log(`${name}: not installed, skipped`);
      continue;
    }
    once(name, cmd); // warm-up: page cache, JIT caches
    const runs = Array.from({ length: reps }, () => once(name, cmd));
    rows.push({ name, mbps: size / 1e6 / median(runs.map((r) => r[0])), cpu: median(runs.map((r) => r[1])) });
  }
} finally {
  upstream.kill();
  rmSync(tmp, { recursive: true, force: true });
}

const base = rows.find((r) => r.name === "bun");
console.log(`${(size / 2 ** 20).toFixed(0)} MiB through fetch(), median of ${reps}; client on CPU ${clientCpu}, upstream on ${upstreamCpus}`);
console.log(`${"client".padEnd(8)} ${"MB/s".padStart(8)} ${"CPU s".padStart(7)} ${"MB/s/Bun".padStart(9)} ${"CPU/Bun".padStart(8)}`);
for (const r of rows) {
  const ratio = (a, b) => (base ? (a / b).toFixed(2) + "x" : "-");
  console.log(
    `${r.name.padEnd(8)} ${r.mbps.toFixed(0).padStart(8)} ${r.cpu.toFixed(2).padStart(7)} ${ratio(r.mbps, base?.mbps).padStart(9)} ${ratio(r.cpu, base?.cpu).padStart(8)}`,
  );
}
