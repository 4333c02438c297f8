#!/usr/bin/env bash
# `make bench-crypto`: JWT verifications per second (HS256 and ES256, the
# whole token and subtle.verify alone, see jwt.mjs) and ES256 signatures
# per second on Howth, Node and Bun in the same run, one after the other,
# each pinned to cpu0 (taskset). Bun comes from .bench-tools/ (installed
# there from npm, @oven/bun-linux-x64, on first use) or PATH; without it
# the Bun column is left out. The machine is shared: compare only figures
# from one run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
howth=${1:-target/release/howth}
script=benches/crypto/jwt.mjs
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
bun=.bench-tools/node_modules/@oven/bun-linux-x64/bin/bun
if [ ! -x "$bun" ]; then
  if command -v bun >/dev/null; then
    bun=$(command -v bun)
  elif npm install --prefix .bench-tools --no-audit --no-fund @oven/bun-linux-x64 >/dev/null 2>&1 && [ -x "$bun" ]; then
    :
  else
    bun=""
  fi
fi
declare -A out
out[howth]=$("${pin[@]}" "$howth" run "$script")
out[node]=$("${pin[@]}" node "$script")
runtimes=(howth node)
if [ -n "$bun" ]; then
  out[bun]=$("${pin[@]}" "$bun" "$script")
  runtimes+=(bun)
fi
printf '%-14s' case
for r in "${runtimes[@]}"; do printf '%14s' "$r/s"; done
printf '%16s\n' "howth/node"
for name in HS256-jwt HS256-verify ES256-jwt ES256-verify ES256-sign; do
  printf '%-14s' "$name"
  for r in "${runtimes[@]}"; do printf '%14s' "$(awk -v n="$name" '$1 == n { print $2 }' <<<"${out[$r]}")"; done
  h=$(awk -v n="$name" '$1 == n { print $2 }' <<<"${out[howth]}")
  n=$(awk -v n="$name" '$1 == n { print $2 }' <<<"${out[node]}")
  printf '%16s\n' "$(awk -v a="$h" -v b="$n" 'BEGIN { printf "%.2f", a / b }')"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
