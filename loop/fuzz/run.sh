#!/usr/bin/env bash
# Runs every fuzz target of howth-loop (the connection state machine, the
# output queue's reassembly) for
# RUNS executions (default 200000); see scripts/fuzz-crate.sh. The build goes
# to the repository's target/fuzz, shared with parser/fuzz when
# scripts/fuzz.sh runs both.
#
#   loop/fuzz/run.sh [RUNS]
set -euo pipefail
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$fuzz_dir/../../scripts/fuzz-crate.sh" "$fuzz_dir" "$fuzz_dir/../../target/fuzz" "$@"
