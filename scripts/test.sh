#!/usr/bin/env bash
# The whole test suite from a fresh machine: install what is missing, build,
# run every Qt Test through CTest, check that the translations are complete,
# install the Debian package into a clean Debian 12 root and run it there
# (scripts/package-test.sh), then run each fuzzer briefly.
# FUZZ_SECONDS (default 30) sets the time per fuzz target; 0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's time, for docs/performance.md ("Build and test times").
step_start=$SECONDS
step() { echo "test: $1 took $((SECONDS - step_start)) s"; step_start=$SECONDS; }
scripts/build.sh dev
step "setup and build"
export QT_QPA_PLATFORM=offscreen
ctest --preset dev -j "$(nproc)" --timeout 600
step "ctest"
scripts/lupdate-check.sh --no-write
if [ "$(id -u)" -eq 0 ]; then
  scripts/package-test.sh build/dev
elif command -v sudo >/dev/null; then
  sudo scripts/package-test.sh build/dev
else
  echo "test: the package test needs root (debootstrap, chroot); run scripts/package-test.sh as root" >&2
  exit 1
fi
step "translations and package test"
fuzz_seconds="${FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" -gt 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
  step "fuzz build and run"
fi
echo "test: all done in $SECONDS s"
