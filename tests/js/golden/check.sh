#!/usr/bin/env bash
# Golden tests for console output: each tests/js/golden/NAME.ts is run with
# the built binary and its stdout and stderr must equal NAME.stdout and
# NAME.stderr byte for byte. The expected files are what Node 20 prints for
# the same script (console formatting follows Node's util.inspect and
# util.format). Usage: tests/js/golden/check.sh [path/to/howth]
set -uo pipefail
cd "$(dirname "$0")/../../.."
howth=${1:-target/release/howth}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
for g in tests/js/golden/*.ts; do
  base=${g%.ts}
  "$howth" run "$g" >"$tmp/out" 2>"$tmp/err"
  if diff -u "$base.stdout" "$tmp/out" && diff -u "$base.stderr" "$tmp/err"; then
    pass=$((pass + 1))
  else
    echo "FAIL: $g"
    fail=$((fail + 1))
  fi
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
