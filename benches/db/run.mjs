#!/usr/bin/env node
// The database benchmarks: benches/apps/db.ts on Howth (Howth.SQL,
// Howth.RedisClient) and Bun (Bun.SQL, Bun.RedisClient), same run, same
// servers. Starts a Postgres (Debian's, initdb in a temporary folder, as
// `nobody` when run as root) and a redis-server, seeds TechEmpower's World
// (10,000 rows) and Fortune tables and HttpArena's items (100,000 rows with
// jsonb tags), then for each scenario and runtime runs
// `howth bench http --url --pid --json` (wrk) and prints requests/s and the
// server's CPU time per request. The app is pinned to CPU 0; the load
// generator, Postgres and Redis share CPU 1.
//
//   node benches/db/run.mjs [--duration 5s] [--connections 50] [--runtimes howth,bun] [--scenarios db,queries,...]

import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const HOWTH = path.resolve(ROOT, process.env.HOWTH_BIN ?? "target/release/howth");
const APP = path.join(ROOT, "benches/apps/db.ts");

export const SCENARIOS = {
  db: "/db",
  queries: "/queries?n=20",
  updates: "/updates?n=5",
  fortunes: "/fortunes",
  "async-db": "/async-db?min=10&max=50&limit=20",
  crud: "/crud/42",
};

function args() {
  const a = { duration: "5s", connections: 50, runtimes: ["howth", "bun"], scenarios: Object.keys(SCENARIOS) };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) {
    const [k, x] = [v[i], v[i + 1]];
    if (k === "--duration") a.duration = x;
    else if (k === "--connections") a.connections = Number(x);
    else if (k === "--runtimes") a.runtimes = x.split(",");
    else if (k === "--scenarios") a.scenarios = x.split(",");
    else {
      console.log("usage: node benches/db/run.mjs [--duration 5s] [--connections 50] [--runtimes howth,bun] [--scenarios db,queries,updates,fortunes,async-db,crud]");
      process.exit(k === "--help" ? 0 : 2);
    }
  }
  return a;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = new Set();
process.on("exit", () => {
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGKILL");
    } catch {}
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

function start(cmd, argv, opts = {}) {
  const c = spawn(cmd, argv, { detached: true, stdio: ["ignore", "ignore", "pipe"], ...opts });
  let stderr = "";
  c.stderr.on("data", (d) => (stderr += d));
  c.stderrText = () => stderr;
  children.add(c);
  return c;
}

function stop(c) {
  children.delete(c);
  try {
    process.kill(-c.pid, "SIGKILL");
  } catch {}
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function pgBin(name) {
  const r = spawnSync("sh", ["-c", `ls -d /usr/lib/postgresql/*/bin/${name} | sort -V | tail -1`], { encoding: "utf8" });
  const p = r.stdout.trim();
  if (!p) throw new Error(`${name} not found: make deps installs postgresql`);
  return p;
}

/** argv for a command that must not run as root. */
function unprivileged(argv) {
  return process.getuid?.() === 0 ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", ...argv] : argv;
}

async function waitFor(what, ok, child) {
  for (let i = 0; i < 600; i++) {
    if (await ok()) return;
    if (child.exitCode !== null) throw new Error(`${what} exited: ${child.stderrText()}`);
    await sleep(50);
  }
  throw new Error(`${what} did not start: ${child.stderrText()}`);
}

function psql(dir, port, text) {
  const r = spawnSync(pgBin("psql"), ["-h", dir, "-p", String(port), "-U", "postgres", "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", text], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout;
}

const SEED = `
create table world (id int primary key, randomnumber int not null);
insert into world select i, 1 + floor(random() * 10000) from generate_series(1, 10000) i;
create table fortune (id int primary key, message text not null);
insert into fortune values
 (1, 'fortune: No such file or directory'), (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
 (3, 'After enough decimal places, nobody gives a damn.'), (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
 (5, 'A computer program does what you tell it to do, not what you want it to do.'), (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
 (7, 'Any program that runs right is obsolete.'), (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
 (9, 'Feature: A bug with seniority.'), (10, 'Computers make very fast, very accurate mistakes.'),
 (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'), (12, 'フレームワークのベンチマーク');
create table items (id int primary key, name text not null, category text not null, price int not null, quantity int not null, active bool not null, tags jsonb not null);
insert into items select i, 'item ' || i, (array['tools','toys','books','food'])[1 + i % 4], i % 100, i % 1000, i % 3 <> 0,
  jsonb_build_array('t' || (i % 7), 't' || (i % 11)) from generate_series(1, 100000) i;
create index on items (price);
analyze;
`;

async function databases() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "howth-bench-db-"));
  if (process.getuid?.() === 0) {
    const id = (w) => Number(spawnSync("id", [w, "nobody"], { encoding: "utf8" }).stdout.trim());
    chownSync(dir, id("-u"), id("-g"));
  }
  const data = path.join(dir, "data");
  const [initdb, ...initArgs] = unprivileged([pgBin("initdb"), "-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth=trust", "--no-sync"]);
  const init = spawnSync(initdb, initArgs, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb: ${init.stderr}`);
  const pgPort = await freePort();
  const pgArgv = unprivileged([pgBin("postgres"), "-D", data, "-p", String(pgPort), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=200"]);
  const pg = start("taskset", ["-c", "1", ...pgArgv]);
  await waitFor("postgres", async () => spawnSync(pgBin("pg_isready"), ["-h", "127.0.0.1", "-p", String(pgPort)]).status === 0, pg);
  psql(dir, pgPort, SEED);
  const redisPort = await freePort();
  const redis = start("taskset", ["-c", "1", "redis-server", "--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
  await waitFor("redis-server", async () => spawnSync("redis-cli", ["-p", String(redisPort), "ping"]).status === 0, redis);
  return {
    env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres`, REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    stop() {
      stop(pg);
      stop(redis);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runtimeCmd(name) {
  if (name === "howth") return existsSync(HOWTH) ? [HOWTH, "run", APP] : null;
  if (name === "bun") {
    const bun = [path.join(ROOT, ".bench-tools/node_modules/@oven/bun-linux-x64/bin/bun")].find(existsSync) ?? spawnSync("sh", ["-c", "command -v bun"], { encoding: "utf8" }).stdout.trim();
    return bun ? [bun, "run", APP] : null;
  }
  return null;
}

function version(cmd) {
  return spawnSync(cmd[0], ["--version"], { encoding: "utf8" }).stdout.trim().split("\n")[0];
}

async function main() {
  const a = args();
  const dbs = await databases();
  const rows = [];
  try {
    for (const rt of a.runtimes) {
      const cmd = runtimeCmd(rt);
      if (!cmd) {
        console.log(`! ${rt}: not installed, skipped`);
        continue;
      }
      const port = await freePort();
      const server = start("taskset", ["-c", "0", ...cmd], { env: { ...process.env, ...dbs.env, PORT: String(port) } });
      const base = `http://127.0.0.1:${port}`;
      await waitFor(rt, async () => (await fetch(`${base}/db`, { headers: { connection: "close" } }).then((r) => r.status, () => 0)) === 200, server);
      console.log(`${rt} ${version(cmd)}`);
      for (const s of a.scenarios) {
        const url = base + SCENARIOS[s];
        const check = await fetch(url, { headers: { connection: "close" } });
        if (check.status !== 200) throw new Error(`${rt} ${s}: status ${check.status}: ${await check.text()}`);
        const r = spawnSync(
          "taskset",
          ["-c", "1", HOWTH, "bench", "http", "--load", "wrk", "--url", url, "--pid", String(server.pid), "--json", "-d", a.duration, "-c", String(a.connections), "--warmup", "1s"],
          { encoding: "utf8" },
        );
        if (r.status !== 0) throw new Error(`bench ${rt} ${s}: ${r.stderr}`);
        const j = JSON.parse(r.stdout.trim().split("\n").pop());
        rows.push({ rt, s, rps: j.rps, cpu: j.cpuUsPerReq, errors: j.errors + j.non2xx });
        console.log(`  ${s.padEnd(9)} ${Math.round(j.rps).toString().padStart(7)} req/s  ${j.cpuUsPerReq?.toFixed(1).padStart(7)} µs CPU/req  errors ${j.errors + j.non2xx}`);
      }
      stop(server);
    }
  } finally {
    dbs.stop();
  }
  const table = ["| scenario | " + a.runtimes.map((r) => `${r} req/s (CPU µs/req)`).join(" | ") + " | howth ÷ bun req/s | CPU ratio |", "|---|" + a.runtimes.map(() => "--:|").join("") + "--:|--:|"];
  for (const s of a.scenarios) {
    const cells = a.runtimes.map((rt) => rows.find((x) => x.rt === rt && x.s === s));
    const h = rows.find((x) => x.rt === "howth" && x.s === s);
    const b = rows.find((x) => x.rt === "bun" && x.s === s);
    table.push(
      `| ${s} | ` +
        cells.map((c) => (c ? `${Math.round(c.rps).toLocaleString("en")} (${c.cpu?.toFixed(1)})` : "-")).join(" | ") +
        ` | ${h && b ? (h.rps / b.rps).toFixed(2) + "×" : "-"} | ${h && b ? (h.cpu / b.cpu).toFixed(2) : "-"} |`,
    );
  }
  console.log("\n" + table.join("\n"));
  writeFileSync(path.join(os.tmpdir(), "howth-bench-db.json"), JSON.stringify(rows, null, 1));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
