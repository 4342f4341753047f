#!/usr/bin/env bash
# The whole test suite from a fresh machine: install what is missing, build,
# run every Qt Test through CTest, check that the translations are complete,
# then run each fuzzer briefly.
# FUZZ_SECONDS (default 30) sets the time per fuzz target; 0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh dev
export QT_QPA_PLATFORM=offscreen
ctest --preset dev -j "$(nproc)" --timeout 600
scripts/lupdate-check.sh --no-write
fuzz_seconds="${FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" -gt 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
