#!/usr/bin/env bash
# `make bench-npm`: start-up with npm packages, howth next to node and bun,
# in one hyperfine run per scenario, pinned to one CPU:
#   hono_start.mjs  a Hono app with two middleware answering one request
#   lodash_es.mjs   `import * as _ from "lodash-es"` (640-odd modules)
#   commonjs.mjs    ajv and lodash through the CommonJS loader
# Howth runs with a warm cache (snapshot, package code cache), as a second
# start does. The packages come from tests/npm (make deps); Bun from
# .bench-tools/ (installed there from npm when missing) or PATH, else it
# is left out.
# Writes bench-results/npm/results.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
howth=${HOWTH_BIN:-target/release/howth}
out=${OUT:-bench-results/npm}
runs=${RUNS:-20}
cpu=${CPU:-1}
command -v hyperfine >/dev/null || { echo "bench-npm: hyperfine not found (apt-get install hyperfine)"; exit 1; }
[ -x "$howth" ] || { echo "bench-npm: $howth not built (make build)"; exit 1; }
[ -d tests/npm/node_modules/hono ] || { echo "bench-npm: tests/npm/node_modules missing (make deps)"; exit 1; }

# The scripts beside a node_modules link, so every runtime resolves the
# same installed packages.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp benches/npm/*.mjs "$work/"
ln -s "$root/tests/npm/node_modules" "$work/node_modules"
bun_bin=.bench-tools/node_modules/@oven/bun-linux-x64/bin/bun
if [ ! -x "$bun_bin" ] && ! command -v bun >/dev/null && command -v npm >/dev/null; then
  # As `make bench` does: Bun's Linux build from npm, once, into .bench-tools/.
  npm install --prefix .bench-tools --no-audit --no-fund --loglevel=error @oven/bun-linux-x64 || true
fi
bun=$(ls "$bun_bin" 2>/dev/null || command -v bun || true)
mkdir -p "$out"
: > "$out/results.md"
for script in hono_start lodash_es commonjs; do
  f=$work/$script.mjs
  "$howth" run "$f" # warms the snapshot and the package code cache
  cmds=(-n "howth" "$howth run $f" -n "node" "node $f")
  [ -n "$bun" ] && cmds+=(-n "bun" "$bun $f")
  taskset -c "$cpu" hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/$script.json" "${cmds[@]}"
  node -e '
const r = require(require("path").resolve(process.argv[1]));
const ms = (s) => (s * 1000).toFixed(1);
const rows = r.results.map((x) => `| ${x.command} | ${ms(x.median)} | ${ms(x.mean)} ± ${ms(x.stddev)} | ${ms(x.user + x.system)} |`);
console.log([`### ${process.argv[2]}`, "", `hyperfine, ${r.results[0].times.length} runs each, one CPU, ${new Date().toISOString().slice(0, 16)} UTC, load ${require("os").loadavg()[0].toFixed(2)}`, "", "| runtime | median ms | mean ± σ ms | CPU (user+sys) ms |", "|---|--:|--:|--:|", ...rows, ""].join("\n"));
' "$out/$script.json" "$script" | tee -a "$out/results.md"
done
