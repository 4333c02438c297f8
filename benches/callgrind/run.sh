#!/usr/bin/env bash
# `make bench-callgrind`: instructions per request (callgrind's Ir, all of
# the server's threads), which stay stable on a loaded machine where times
# do not. For each howth binary given (default target/release/howth) and
# each app, the server runs under callgrind; after a warm-up (so the
# handler is optimised), the counters are zeroed, REQUESTS requests are
# sent, and the counters are dumped: once over 50 connections with one
# request in flight each, once 16-deep pipelined. Give two binaries (say
# main's and a branch's) to compare them in one run; the last column is
# each binary's figure over the first's.
#
#   bash benches/callgrind/run.sh [howth ...]
#   REQUESTS=40000 APPS="examples/hello.ts" bash benches/callgrind/run.sh a/howth b/howth
#   APPS="benches/apps/howth.ts benches/apps/node.mjs" bash benches/callgrind/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=(target/release/howth)
apps=(${APPS:-examples/hello.ts benches/apps/howth.ts benches/apps/howth-web.ts})
requests=${REQUESTS:-20000}
# Extra `howth run` flags, e.g. RUN_FLAGS="--max-handler-ms 0" where valgrind
# makes a first batch outlast the handler watchdog.
run_flags=(${RUN_FLAGS:-})
warmup=${WARMUP:-10000}
conns=50
command -v valgrind >/dev/null || { echo "bench-callgrind: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# A signal must not leave the server running under valgrind.
trap 'exit 130' INT TERM HUP

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

wait_port() {
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$server" 2>/dev/null || { echo "bench-callgrind: the server exited; its log:" >&2; cat "$work/server.log" >&2; return 1; }
    sleep 0.2
  done
  echo "bench-callgrind: the server did not listen on port $1 within 120 s" >&2
  return 1
}

# The instructions counted since the last zeroing: dump, read the newest
# dump's totals.
dumped_ir() {
  callgrind_control -d "$server" >/dev/null 2>&1
  local f
  f=$(ls -t "$work"/cg.out.* | head -1)
  awk '/^(summary|totals):/ { print $2; exit }' "$f"
}

measure() { # binary app -> "plain pipelined" instructions per request
  local bin=$1 app=$2 port plain piped
  port=$(free_port)
  rm -f "$work"/cg.out*
  # PORT too: a node:http app (benches/apps/node.mjs) takes its port from there.
  PORT="$port" valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file="$work/cg.out" \
    "$bin" run --port "$port" "${run_flags[@]}" "$app" >"$work/server.log" 2>&1 &
  server=$!
  wait_port "$port"
  node "$here/load.mjs" --port "$port" --connections $conns --depth 1 --requests "$warmup"
  callgrind_control -z "$server" >/dev/null 2>&1
  node "$here/load.mjs" --port "$port" --connections $conns --depth 1 --requests "$requests"
  plain=$(dumped_ir)
  callgrind_control -z "$server" >/dev/null 2>&1
  node "$here/load.mjs" --port "$port" --connections $conns --depth 16 --requests "$requests"
  piped=$(dumped_ir)
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
  echo "$((plain / requests)) $((piped / requests))"
}

printf '%-28s %-28s %12s %8s %12s %8s\n' app binary "plain Ir/req" ratio "pipe16 Ir/req" ratio
for app in "${apps[@]}"; do
  base_plain= base_piped=
  for bin in "${binaries[@]}"; do
    read -r plain piped < <(measure "$bin" "$app")
    [ -n "$base_plain" ] || { base_plain=$plain; base_piped=$piped; }
    printf '%-28s %-28s %12s %8s %12s %8s\n' "$app" "$bin" "$plain" \
      "$(awk -v a="$plain" -v b="$base_plain" 'BEGIN { printf "%.3f", a / b }')" "$piped" \
      "$(awk -v a="$piped" -v b="$base_piped" 'BEGIN { printf "%.3f", a / b }')"
  done
done
