#!/usr/bin/env bash
# Installs the Debian 12 packages OpenShell Studio needs to build, test and
# run, skipping those already installed, then the pinned npm packages of
# tests/api when they are missing or older than their lock file. Needs root
# (or sudo) for apt-get. Last, the microVM mode's guest kernel
# (scripts/microvm-kernel.sh), also as root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev ccache lld
  # the Debian package's install test (scripts/package-test.sh)
  debootstrap
  # Qt 6 and the editor component
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6svg6-dev libqscintilla2-qt6-dev libgl-dev
  # Qt's own German (standard dialog buttons), loaded with the studio's
  qt6-translations-l10n
  # core libraries
  libyaml-dev libre2-dev libhyperscan-dev libphonenumber-dev libprotobuf-dev libicu-dev libsimdjson-dev
  libboost-dev libssl-dev libsqlite3-dev libgit2-dev libarchive-dev libbenchmark-dev libpq-dev
  # the network guardian parses inspected HTTP with it
  libhttp-parser-dev
  # sandboxes
  runsc crun busybox-static iproute2
  # the microVM isolation mode (virtiofsd ships with it, in qemu-system-common)
  qemu-system-x86
  # the container filter (static, in the sandbox init)
  libseccomp-dev
  # running the studio headless, screenshots
  xvfb xauth imagemagick
  # the Python SDK's tests (the SDK itself needs only the standard library);
  # PyYAML parses the SDK's YAML with the runtime's libyaml in its tests
  python3 python3-pytest python3-yaml openssl
  # audit forwarding is tested against a real syslog collector, over TCP and TLS
  rsyslog rsyslog-gnutls
  # the shared audit store is tested against throwaway PostgreSQL 15 clusters
  postgresql-15
)
# the OpenAPI document's test (tests/api) runs on node; any node >= 18 will do
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
    SUDO=sudo
  fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the tests, exactly as each package-lock.json pins them:
# tests/api (OpenAPI validators), tests/mcp (the official MCP SDK and the
# reference MCP servers, run inside sessions)
for dir in tests/api tests/mcp; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# the microVM mode's guest kernel and modules, from Debian's cloud kernel
# package, in /usr/local/lib/openshell/microvm (nothing to do when current)
if [ "$(id -u)" -eq 0 ]; then
  scripts/microvm-kernel.sh
else
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  sudo scripts/microvm-kernel.sh
fi
