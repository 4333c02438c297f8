#!/usr/bin/env node
// The differential harness for the Node API: every probe script under
// tests/node/probes/<module>/*.mjs runs under `node` and under `howth run`;
// their stdout is compared line by line, and their exit codes.
//
// A line that differs fails the run unless tests/node/known-differences.json
// lists it (by probe and by the line Node printed, with the reason). The list
// is kept exact: an entry whose line now matches fails the run too, so it is
// removed when the difference is fixed.
//
// Usage: node tests/node/run.mjs [path/to/howth] [--only module,module] [--json out.json]
// Prints one line per module: probes matching, lines matching.

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const probesDir = path.join(here, "probes");

const args = process.argv.slice(2);
let howth = path.join(root, "target/release/howth");
let only;
let jsonOut;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--only") only = new Set(args[++i].split(","));
  else if (args[i] === "--json") jsonOut = args[++i];
  else howth = path.resolve(args[i]);
}
if (!existsSync(howth)) {
  console.error(`node-compat: no howth binary at ${howth} (build it first)`);
  process.exit(2);
}

/** @type {{probe: string, node: string, reason: string}[]} */
const known = JSON.parse(readFileSync(path.join(here, "known-differences.json"), "utf8"));
const knownUsed = new Set();
const isKnown = (probe, nodeLine) => {
  const i = known.findIndex((k) => k.probe === probe && k.node === nodeLine);
  if (i !== -1) knownUsed.add(i);
  return i !== -1;
};

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    // Probes see the same environment under both runtimes, without colour.
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", NODE_DISABLE_COLORS: "1" },
  });
  return { stdout: r.stdout ?? "", stderr: r.stderr ?? "", status: r.error ? `error ${r.error.code}` : (r.status ?? r.signal) };
}

const modules = readdirSync(probesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && (!only || only.has(d.name)))
  .map((d) => d.name)
  .sort();

const failures = [];
const counts = {};
let totalProbes = 0, totalMatching = 0;
for (const mod of modules) {
  const files = readdirSync(path.join(probesDir, mod)).filter((f) => f.endsWith(".mjs")).sort();
  let probesMatching = 0, lines = 0, linesMatching = 0, knownDiffs = 0;
  for (const f of files) {
    const rel = `${mod}/${f}`;
    const file = path.join(probesDir, mod, f);
    const n = run("node", [file]);
    const h = run(howth, ["run", file]);
    const nl = n.stdout.split("\n");
    const hl = h.stdout.split("\n");
    if (nl.length < 3) failures.push(`${rel}: node printed almost nothing (status ${n.status})\n${n.stderr}`);
    let clean = true;
    for (let i = 0; i < Math.max(nl.length, hl.length); i++) {
      const a = nl[i] ?? "<no line>";
      const b = hl[i] ?? "<no line>";
      lines++;
      if (a === b) {
        linesMatching++;
        continue;
      }
      clean = false;
      if (isKnown(rel, a)) {
        knownDiffs++;
        continue;
      }
      failures.push(`${rel} line ${i + 1}:\n  node:  ${a}\n  howth: ${b}`);
    }
    if (String(n.status) !== String(h.status)) {
      clean = false;
      if (isKnown(rel, `exit ${n.status}`)) knownDiffs++;
      else failures.push(`${rel}: exit status: node ${n.status}, howth ${h.status}\n  howth stderr: ${h.stderr.trim().split("\n").slice(0, 5).join("\n  ")}`);
    }
    if (clean) probesMatching++;
  }
  counts[mod] = { probes: files.length, probesMatching, lines, linesMatching, knownDiffs };
  totalProbes += files.length;
  totalMatching += probesMatching;
  console.log(
    `node-compat ${mod}: ${probesMatching}/${files.length} probes match, ${linesMatching}/${lines} lines` +
      (knownDiffs ? ` (${knownDiffs} known differences)` : ""),
  );
}

// Entries for the modules that ran must all still be differences.
known.forEach((k, i) => {
  const mod = k.probe.split("/")[0];
  if (modules.includes(mod) && !knownUsed.has(i)) {
    failures.push(`known-differences.json lists ${k.probe}: ${JSON.stringify(k.node)}, which no longer differs: remove it`);
  }
});

// The ERR_NOT_IMPLEMENTED table in docs/node-compat.md lists ts-lib's stubs exactly.
if (!only) {
  const r = spawnSync(process.execPath, [path.join(here, "not-implemented.mjs")], { encoding: "utf8" });
  if (r.status === 0) console.log(r.stdout.trim());
  else failures.push(r.stderr.trim());
}

console.log(`node-compat: ${totalMatching}/${totalProbes} probes match node ${process.version}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(counts, null, 2) + "\n");
if (failures.length > 0) {
  console.log(`\n${failures.length} unexpected difference(s):\n${failures.join("\n")}`);
  process.exit(1);
}
