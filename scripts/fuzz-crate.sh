#!/usr/bin/env bash
# Runs every target of one cargo-fuzz crate for RUNS executions, seeded from
# its corpus/<target>/, and fails on the first crash, whose input libFuzzer
# leaves in <fuzz dir>/artifacts/<target>/.
#
#   scripts/fuzz-crate.sh FUZZ_DIR DEFAULT_TARGET_DIR [RUNS]
#
# Only a stable toolchain is assumed: RUSTC_BOOTSTRAP=1 unlocks the nightly
# flags cargo-fuzz passes to rustc. New inputs libFuzzer finds go to a
# scratch directory, so the committed seed corpus stays as it is.
#
# No sanitizer by default: the fuzzed crates forbid unsafe code, panics and
# overflow checks are what the targets look for, and AddressSanitizer more
# than triples the cold build. HOWTH_FUZZ_SANITIZER=address turns it on for
# longer runs (to watch httparse's unsafe SIMD code too).
# HOWTH_FUZZ_TARGET_DIR overrides the build directory.
set -euo pipefail

fuzz_dir="$(cd "$1" && pwd)"
target_dir="${HOWTH_FUZZ_TARGET_DIR:-$2}"
runs="${3:-200000}"
sanitizer="${HOWTH_FUZZ_SANITIZER:-none}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
# cargo-fuzz finds the fuzz crate from the package above it.
cd "$fuzz_dir/.."

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

start=$SECONDS
cargo fuzz build --sanitizer "$sanitizer" --target-dir "$target_dir"
echo "fuzz: built in $((SECONDS - start)) s"

for target in $(cargo fuzz list); do
    mkdir -p "$scratch/$target" "$fuzz_dir/artifacts/$target"
    start=$SECONDS
    cargo fuzz run --sanitizer "$sanitizer" --target-dir "$target_dir" "$target" \
        "$scratch/$target" "$fuzz_dir/corpus/$target" -- -runs="$runs" -print_final_stats=1 \
        -artifact_prefix="$fuzz_dir/artifacts/$target/"
    echo "fuzz: $target: $runs runs in $((SECONDS - start)) s"
done
