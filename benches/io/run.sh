#!/usr/bin/env bash
# `make bench-io`: the I/O built-ins on Howth and on Node, same run, each
# pinned to cpu0 (taskset) one after the other. Prints ms per operation and
# Howth's time over Node's (below 1: Howth is faster). The machine is
# shared: compare only figures from one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
howth=${1:-target/release/howth}
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
node_out=$("${pin[@]}" node "$here/io.mjs")
howth_out=$("${pin[@]}" "$howth" run "$here/io.mjs")
printf '%-20s %10s %10s %8s\n' case "node ms" "howth ms" ratio
join <(sort <<<"$node_out") <(sort <<<"$howth_out") | while read -r name n h; do
  printf '%-20s %10s %10s %8s\n' "$name" "$n" "$h" "$(awk -v a="$h" -v b="$n" 'BEGIN { printf "%.2f", a / b }')"
done
