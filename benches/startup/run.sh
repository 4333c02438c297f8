#!/usr/bin/env bash
# `make bench-startup`: how long `howth run empty.ts` takes from exec to exit,
# next to the libnode floor (linkonly.cc), node and bun on the same file, in
# one hyperfine run. Pins everything to one CPU. Writes
# bench-results/startup/{results.md,results.json}.
#
# Needs hyperfine (apt-get install hyperfine), g++, and a built howth
# (make build). Bun comes from .bench-tools/ (make bench installs it) or PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
howth=${HOWTH_BIN:-target/release/howth}
out=${OUT:-bench-results/startup}
runs=${RUNS:-40}
cpu=${CPU:-1}
stock_dir=$root/.deps/libnode/usr/lib/x86_64-linux-gnu
[ -e "$stock_dir/libnode.so.108" ] || stock_dir=/usr/lib/x86_64-linux-gnu
include=$root/.deps/libnode/usr/include/node
[ -e "$include/v8.h" ] || include=/usr/include/node
symbolic_dir=$root/.deps/libnode-symbolic

command -v hyperfine >/dev/null || { echo "bench-startup: hyperfine not found (apt-get install hyperfine)"; exit 1; }
[ -x "$howth" ] || { echo "bench-startup: $howth not built (make build)"; exit 1; }

build=target/startup
mkdir -p "$build" "$out"
# The same program twice: against Debian's libnode (the floor as shipped)
# and against the self-bound copy `make deps` makes (the floor Howth has).
g++ -O2 -I"$include" benches/startup/linkonly.cc -o "$build/linkonly" \
  -L"$stock_dir" -l:libnode.so.108 -Wl,-rpath,"$stock_dir"
if [ -e "$symbolic_dir/libnode.so.108" ]; then
  g++ -O2 -I"$include" benches/startup/linkonly.cc -o "$build/linkonly-symbolic" \
    -L"$symbolic_dir" -l:libnode.so.108 -Wl,-rpath,"$symbolic_dir"
fi
empty=$build/empty.ts
: > "$empty"

bun=$(ls .bench-tools/node_modules/@oven/bun-linux-x64/bin/bun 2>/dev/null || command -v bun || true)
cmds=(-n "linkonly (Debian's libnode)" "$build/linkonly")
[ -x "$build/linkonly-symbolic" ] && cmds+=(-n "linkonly (self-bound copy)" "$build/linkonly-symbolic")
cmds+=(-n "howth --version" "$howth --version")
cmds+=(-n "howth run empty.ts" "$howth run $empty")
cmds+=(-n "howth run empty.ts on Debian's libnode" "env LD_LIBRARY_PATH=$stock_dir $howth run $empty")
cmds+=(-n "howth run empty.ts, HOWTH_SNAPSHOT=0" "env HOWTH_SNAPSHOT=0 $howth run $empty")
cmds+=(-n "node empty.ts" "node $empty")
[ -n "$bun" ] && cmds+=(-n "bun empty.ts" "$bun $empty")

# One warm-up run makes the snapshot and code cache the timed runs use.
"$howth" run "$empty"
taskset -c "$cpu" hyperfine -N --warmup 5 --runs "$runs" \
  --export-json "$out/results.json" --export-markdown "$out/hyperfine.md" "${cmds[@]}"

node -e '
const r = require(process.argv[1]);
const ms = (s) => (s * 1000).toFixed(1);
const rows = r.results.map((x) => `| ${x.command} | ${ms(x.median)} | ${ms(x.min)} | ${ms(x.mean)} ± ${ms(x.stddev)} |`);
console.log([
  `Start-up, hyperfine ${r.results[0].times.length} runs each, pinned to one CPU, ${new Date().toISOString().slice(0, 16)} UTC, load ${require("os").loadavg()[0].toFixed(2)}`,
  "",
  "| command | median ms | min ms | mean ± σ ms |",
  "|---|--:|--:|--:|",
  ...rows,
].join("\n"));
' "$root/$out/results.json" | tee "$out/results.md"
