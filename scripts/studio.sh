#!/usr/bin/env bash
# Installs what is missing, builds, starts openshelld (the runtime service;
# sudo asks once), and runs the studio as you on the demo workspace (your
# own copy of examples/customer-support, a git repository made on first
# use). Without a display it starts under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh dev
# The service runs sessions for you: your own group may use its socket and
# approve, so no new login is needed for a group membership.
scripts/service.sh start --for "$(id -un)"
studio=build/dev/app/studio/openshell-studio
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "studio: no display; running under Xvfb (xvfb-run)"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$studio" --demo "$@"
fi
exec "$studio" --demo "$@"
