#!/usr/bin/env bash
# Installs what is missing, builds, and runs the studio on the demo workspace
# (the user's own copy of examples/customer-support, a git repository made
# on first use). Without a display it starts under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh dev
studio=build/dev/app/studio/openshell-studio
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "studio: no display; running under Xvfb (xvfb-run)"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$studio" --demo "$@"
fi
exec "$studio" --demo "$@"
