#!/usr/bin/env bash
# Runs every fuzz target of howth-loop for RUNS executions (default
# 200000), seeded from corpus/<target>/, and fails on the first crash.
#
#   loop/fuzz/run.sh [RUNS]
#
# As parser/fuzz/run.sh: stable toolchain with RUSTC_BOOTSTRAP=1, no
# sanitizer unless HOWTH_FUZZ_SANITIZER is set, new inputs go to a scratch
# directory so the committed corpus stays as it is. A crashing input is
# written to $HOWTH_FUZZ_TARGET_DIR/artifacts/<target>/; the build goes to
# $HOWTH_FUZZ_TARGET_DIR, by default the repository's target/fuzz (ignored
# by git, and shared with parser/fuzz when scripts/fuzz.sh runs both).
set -euo pipefail

runs="${1:-200000}"
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target_dir="${HOWTH_FUZZ_TARGET_DIR:-$fuzz_dir/../../target/fuzz}"
sanitizer="${HOWTH_FUZZ_SANITIZER:-none}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
cd "$fuzz_dir/.."

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

start=$SECONDS
cargo fuzz build --sanitizer "$sanitizer" --target-dir "$target_dir"
echo "fuzz: built in $((SECONDS - start)) s"

for target in $(cargo fuzz list); do
    mkdir -p "$scratch/$target" "$target_dir/artifacts/$target"
    start=$SECONDS
    cargo fuzz run --sanitizer "$sanitizer" --target-dir "$target_dir" "$target" \
        "$scratch/$target" "$fuzz_dir/corpus/$target" -- -runs="$runs" -print_final_stats=1 \
        -artifact_prefix="$target_dir/artifacts/$target/"
    echo "fuzz: $target: $runs runs in $((SECONDS - start)) s"
done
