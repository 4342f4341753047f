#!/usr/bin/env bash
# Builds the dev preset and runs every benchmark, printing the figures that
# docs/performance.md records. Pass a Google Benchmark filter to run fewer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh dev
filter="${1:-.}"
for b in build/dev/bench/bench_*; do
  [ -f "$b" ] && [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_filter="$filter" --benchmark_counters_tabular=true
done
