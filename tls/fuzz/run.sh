#!/usr/bin/env bash
# Runs every fuzz target of howth-tls for RUNS executions (default 200000);
# see scripts/fuzz-crate.sh.
#
#   tls/fuzz/run.sh [RUNS]
set -euo pipefail
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$fuzz_dir/../../scripts/fuzz-crate.sh" "$fuzz_dir" "$fuzz_dir/target" "$@"
