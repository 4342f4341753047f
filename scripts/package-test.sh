#!/usr/bin/env bash
# Builds the Debian package from a build tree, installs it with apt into a
# clean Debian 12 root made by debootstrap, and runs it there as a user of
# the package would: `osctl --version`, `osctl demo` (agents in gVisor, and
# the demo's stand-in services on 127.0.0.2-4) and the studio's
# `--exit-when-ready` (offscreen). Needs root.
#   scripts/package-test.sh [BUILD_DIR]     (default: build/dev)
# OSH_PKGTEST_KEEP=1 keeps the root for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/dev}"
[ "$(id -u)" -eq 0 ] || { echo "package-test: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "package-test: debootstrap missing (scripts/setup.sh installs it)" >&2; exit 2; }

# The package is made by whoever owns the build tree: run through sudo from
# a user's build, nothing root-owned is left in it (cpack also writes the
# install manifest and the generated unit into the tree). Only the Debian
# root below needs root.
owner_uid="$(stat -c %u "$build")"; owner_gid="$(stat -c %g "$build")"
as_owner() {
  if [ "$owner_uid" -eq 0 ]; then "$@"
  else setpriv --reuid="$owner_uid" --regid="$owner_gid" --clear-groups -- "$@"; fi
}
pkgdir="$build/package"
rm -rf "$pkgdir" "$build/cpack.log"
as_owner cpack --config "$build/CPackConfig.cmake" -B "$pkgdir" 2>&1 | as_owner tee "$build/cpack.log" >/dev/null \
  || { tail -20 "$build/cpack.log" >&2; exit 1; }
deb="$(ls "$pkgdir"/openshell-studio_*_amd64.deb)"
echo "package-test: built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Depends | sed 's/^/package-test: Depends: /'

root="$(mktemp -d /var/tmp/osh-pkgtest.XXXXXX)"
chmod 755 "$root"   # the root's /: the sandbox's unprivileged processes walk it
# Nothing is mounted on the host (in_root mounts in a namespace of its
# own), so a run stopped at any point leaves only files to remove.
cleanup() {
  if [ "${OSH_PKGTEST_KEEP:-0}" = 1 ]; then
    echo "package-test: root kept at $root"
  elif ! grep -q " $root[/ ]" /proc/self/mounts; then
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The same Debian mirror and apt settings as this machine's.
mirror="$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"
echo "package-test: debootstrap bookworm from $mirror"
log="$(mktemp)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$log" 2>&1 || { tail -20 "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
  rm -f "$root/etc/apt/sources.list"
fi
for f in /etc/apt/apt.conf.d/*; do
  grep -qi 'proxy\|Check-Valid-Until' "$f" 2>/dev/null && cp "$f" "$root/etc/apt/apt.conf.d/"
done
cp "$deb" "$root/tmp/"
# Into the root as a container does, not with chroot(2): pivot_root in a
# mount namespace of its own (a chrooted process may not create user
# namespaces, and gVisor needs them), with /proc, /sys and /dev mounted
# there only, and in a PID namespace that ends every process left when the
# command does.
in_root() {
  unshare --mount --propagation private --pid --fork --kill-child -- sh -c '
    mount --rbind "$1" "$1" && mount -t proc proc "$1/proc" &&
    mount --rbind /sys "$1/sys" && mount --rbind /dev "$1/dev" &&
    cd "$1" && mkdir -p .oldroot && pivot_root . .oldroot &&
    umount -l /.oldroot && rmdir /.oldroot && shift &&
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"' sh "$root" "$@"
}

echo "package-test: apt install ./$(basename "$deb")"
in_root sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/$(basename "$deb")" \
  >"$root/tmp/apt.log" 2>&1 || { tail -30 "$root/tmp/apt.log" >&2; exit 1; }

fail=0
check() {
  local what="$1"; shift
  if out="$("$@" 2>&1)"; then
    echo "package-test: ok   $what"
  else
    echo "package-test: FAIL $what"; echo "$out" | tail -30 | sed 's/^/    /'; fail=1
  fi
}
check "osctl --version" in_root osctl --version
check "openshelld --version" in_root openshelld --version
check "group openshell" in_root getent group openshell
check "units installed" in_root test -f /usr/lib/systemd/system/openshelld.service -o -f /lib/systemd/system/openshelld.service
check "unit names /usr/bin/openshelld" in_root grep -q '^ExecStart=/usr/bin/openshelld ' /lib/systemd/system/openshelld.service
check "desktop file" in_root test -f /usr/share/applications/openshell-studio.desktop
check "sandbox init in libexec" in_root test -x /usr/libexec/openshell/osh-sandbox-init
check "osctl demo" in_root osctl demo
check "openshell-studio --exit-when-ready" in_root env QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp openshell-studio --exit-when-ready
[ $fail -eq 0 ] && echo "package-test: the package installs and runs on a clean Debian 12"
exit $fail
