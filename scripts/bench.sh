#!/usr/bin/env bash
# Builds the dev preset and runs every benchmark, printing the figures that
# docs/performance.md records. Pass a Google Benchmark filter to run fewer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh dev
filter="${1:-.}"
for b in build/dev/bench/bench_*; do
  [ -f "$b" ] && [ -x "$b" ] || continue
  [ "$(basename "$b")" != bench_pii_corpus ] || continue # not Google Benchmark: runs below, beside its peers
  echo "== $(basename "$b")"
  "$b" --benchmark_filter="$filter" --benchmark_counters_tabular=true
done
if [[ eval_vs_cedar =~ $filter ]]; then
  echo "== eval_vs_cedar"
  if command -v node >/dev/null && command -v npm >/dev/null; then
    bench/eval_vs_cedar.sh build/dev/app/osctl/osctl --no-seed # bench_osctl_eval ran above
  else
    echo "skipped: node and npm are needed for the Cedar side (bench/peers/cedar)"
  fi
fi
if [[ pii_vs_peers =~ $filter ]]; then
  echo "== pii_vs_peers"
  if command -v node >/dev/null && command -v npm >/dev/null; then
    bench/pii_vs_peers.sh build/dev/bench/bench_pii_corpus
  else
    echo "skipped: node and npm are needed for the PII peers (bench/peers/pii); PiiDetector alone:"
    build/dev/bench/bench_pii_corpus
  fi
fi
