#!/usr/bin/env bash
# Runs every tests/js/*.test.ts with the built binary; each prints its own
# "N passed, M failed" line and exits non-zero on failure.
set -uo pipefail
howth=${1:-target/release/howth}
pass=0; fail=0; failed=()
for t in tests/js/*.test.ts; do
  [ -e "$t" ] || continue
  if out=$("$howth" run "$t" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); failed+=("$t"); echo "$out" | tail -30
  fi
  echo "$out" | grep -E '^[a-z0-9_ -]*:? ?[0-9]+ passed, [0-9]+ failed' | sed "s|^|$(basename "$t"): |"
done
echo "js test files: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { printf 'failed: %s\n' "${failed[@]}"; exit 1; }
