#!/usr/bin/env bash
# Buffer base64/base64url/hex of 1 MiB on Howth and Node, same run, each
# pinned to one CPU (docs/node-compat.md#benchmarks).
set -euo pipefail
howth=${1:-target/release/howth}
here=$(cd "$(dirname "$0")" && pwd)
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
echo "== node $(node --version)"
"${pin[@]}" node "$here/buffer.mjs"
echo "== howth"
"${pin[@]}" "$howth" run "$here/buffer.mjs"
