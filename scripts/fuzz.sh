#!/usr/bin/env bash
# Runs every fuzz target (parser/fuzz, loop/fuzz, protocols/fuzz and tls/fuzz) for
# RUNS executions each (default 2000000), from its committed corpus; fails
# on the first crash. `make test` runs a short round, `make fuzz` a long one.
#
#   scripts/fuzz.sh [RUNS]
#
# The fuzz crates build into target/fuzz, so libFuzzer and the parser are
# compiled once for all of them.
set -euo pipefail
runs="${1:-2000000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HOWTH_FUZZ_TARGET_DIR="${HOWTH_FUZZ_TARGET_DIR:-$root/target/fuzz}"
start=$SECONDS
bash "$root/parser/fuzz/run.sh" "$runs"
bash "$root/loop/fuzz/run.sh" "$runs"
bash "$root/protocols/fuzz/run.sh" "$runs"
bash "$root/tls/fuzz/run.sh" "$runs"
echo "fuzz: every target ran $runs executions without a crash ($((SECONDS - start)) s)"
