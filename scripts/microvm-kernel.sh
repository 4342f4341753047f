#!/usr/bin/env bash
# Installs the microVM isolation mode's guest kernel from Debian's packages:
# the newest linux-image-6.1.0-N-cloud-amd64 that apt knows is downloaded
# (not installed) and unpacked, and its vmlinuz and the modules the guest
# loads from its initramfs (virtio over MMIO, the console, virtiofs) are
# copied into DEST:
#   DEST/vmlinuz
#   DEST/modules/*.ko      uncompressed, as this Debian kernel ships them
#   DEST/modules/order     one file name a line, dependencies first
#   DEST/version           release=, package= and version= lines
# Does nothing when DEST already holds that package version.
# Usage: scripts/microvm-kernel.sh [DEST]   (default /usr/local/lib/openshell/microvm)
set -euo pipefail

dest="${1:-/usr/local/lib/openshell/microvm}"
dest="${dest%/}"
modules=(virtio_ring virtio virtio_mmio virtio_console fuse virtiofs)
meta=linux-image-cloud-amd64

die() { echo "microvm-kernel: $*" >&2; exit 1; }

[ -n "$dest" ] || die "DEST must not be /"
[ ! -e "$dest" ] || [ -d "$dest" ] || die "$dest exists and is not a directory"
for tool in apt-cache apt-get dpkg-deb; do
  command -v "$tool" >/dev/null || die "$tool not found (a Debian system is needed)"
done
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1

# The newest linux-image-6.1.0-N-cloud-amd64: the one the metapackage points
# to, else the highest N among the package names apt knows.
newest_package() {
  local pkg
  pkg=$(apt-cache depends "$meta" 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-cloud-amd64\)$/\1/p' | sort -V | tail -n 1 || true)
  if [ -z "$pkg" ]; then
    pkg=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
      grep -E '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' | sort -V | tail -n 1 || true)
  fi
  echo "$pkg"
}

candidate_version() {
  apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '^(none)$' || true
}

apt_update() {
  [ "$is_root" -eq 1 ] || die "apt's package lists lack $meta; run 'apt-get update' as root first"
  echo "microvm-kernel: apt-get update"
  apt-get update -qq || die "apt-get update failed"
}

pkg=$(newest_package)
if [ -z "$pkg" ]; then
  apt_update
  pkg=$(newest_package)
fi
[ -n "$pkg" ] || die "apt knows no linux-image-6.1.0-N-cloud-amd64 package (is Debian 12's main component in sources.list?)"
version=$(candidate_version "$pkg")
[ -n "$version" ] || die "$pkg has no installable version in apt's lists"

# Already there?
installed() {
  [ -f "$dest/version" ] && [ -f "$dest/vmlinuz" ] && [ -f "$dest/modules/order" ] || return 1
  grep -qxF "package=$pkg" "$dest/version" && grep -qxF "version=$version" "$dest/version" || return 1
  local m
  for m in "${modules[@]}"; do
    [ -f "$dest/modules/$m.ko" ] || return 1
  done
  return 0
}
if installed; then
  echo "microvm-kernel: $version already in $dest ($pkg)"
  exit 0
fi

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/microvm-kernel.XXXXXX")
staging="$dest.tmp-$$"
old="$dest.old-$$"
cleanup() {
  rm -rf "$work" "$staging"
  # A replaced DEST is only left behind when its successor could not be moved in.
  if [ -d "$old" ] && [ -d "$dest" ]; then rm -rf "$old"; fi
}
trap cleanup EXIT

# apt-get download writes into the current directory; as root it does so as
# the _apt user, who cannot write into mktemp's 0700 directory.
apt_opts=(-q)
[ "$is_root" -eq 1 ] && apt_opts+=(-o APT::Sandbox::User=root)
download() { (cd "$work" && apt-get download "${apt_opts[@]}" "$pkg=$version" >"$work/download.log" 2>&1); }
echo "microvm-kernel: downloading $pkg $version"
if ! download; then
  # Old lists can name a version the mirror no longer has: refresh once.
  if [ "$is_root" -eq 1 ]; then
    apt_update
    version=$(candidate_version "$pkg")
    [ -n "$version" ] || die "$pkg has no installable version in apt's lists"
    download || { cat "$work/download.log" >&2; die "apt-get download $pkg=$version failed"; }
  else
    cat "$work/download.log" >&2
    die "apt-get download $pkg=$version failed"
  fi
fi
deb=$(find "$work" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
[ -n "$deb" ] || die "apt-get download left no ${pkg}_*.deb"
[ "$(dpkg-deb -f "$deb" Package)" = "$pkg" ] || die "$deb is not $pkg"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || die "$deb is not version $version"

mkdir "$work/x"
dpkg-deb -x "$deb" "$work/x" || die "dpkg-deb -x $deb failed"

shopt -s nullglob
kernels=("$work"/x/boot/vmlinuz-*)
[ ${#kernels[@]} -eq 1 ] || die "$pkg holds ${#kernels[@]} boot/vmlinuz-* files, expected 1"
release="${kernels[0]##*/vmlinuz-}"
moddir="$work/x/lib/modules/$release"
[ -d "$moddir/kernel" ] || die "$pkg has no lib/modules/$release/kernel"

# The depends= field of a module: modinfo when kmod is installed, else the
# module's .modinfo section read with binutils' objcopy.
depends_of() {
  if command -v modinfo >/dev/null; then
    modinfo -F depends "$1"
  elif command -v objcopy >/dev/null; then
    objcopy -O binary --only-section=.modinfo "$1" /dev/stdout | tr '\0' '\n' | sed -n 's/^depends=//p'
  else
    die "need modinfo (kmod) or objcopy (binutils) to read module dependencies"
  fi
}

declare -A path deps
for m in "${modules[@]}"; do
  found=$(find "$moddir/kernel" -name "$m.ko*" -type f)
  [ -n "$found" ] || die "$pkg has no module $m"
  [ "$(printf '%s\n' "$found" | wc -l)" -eq 1 ] || die "$pkg has more than one module $m: $found"
  [ "${found##*.}" = ko ] || die "module $m is compressed (${found##*/}); the guest's init loads plain .ko files"
  path[$m]="$found"
  d=$(depends_of "$found") || die "cannot read the dependencies of $m"
  deps[$m]="${d//,/ }"
done
for m in "${modules[@]}"; do
  for d in ${deps[$m]}; do
    [ -n "${path[$d]:-}" ] || die "module $m depends on $d, which is not among ${modules[*]}"
  done
done

# Load order: a module once all its dependencies are placed, keeping the
# listed order otherwise.
order=()
declare -A placed
while [ ${#order[@]} -lt ${#modules[@]} ]; do
  progress=0
  for m in "${modules[@]}"; do
    [ -z "${placed[$m]:-}" ] || continue
    ready=1
    for d in ${deps[$m]}; do [ -n "${placed[$d]:-}" ] || ready=0; done
    if [ "$ready" -eq 1 ]; then
      order+=("$m"); placed[$m]=1; progress=1
    fi
  done
  [ "$progress" -eq 1 ] || die "the modules' dependencies form a cycle"
done

mkdir -p "$(dirname "$dest")" || die "cannot create $(dirname "$dest")"
rm -rf "$staging"
mkdir -p "$staging/modules"
install -m 0644 "${kernels[0]}" "$staging/vmlinuz"
for m in "${order[@]}"; do
  install -m 0644 "${path[$m]}" "$staging/modules/$m.ko"
  echo "$m.ko" >>"$staging/modules/order"
done
printf 'release=%s\npackage=%s\nversion=%s\n' "$release" "$pkg" "$version" >"$staging/version"
chmod 0755 "$staging" "$staging/modules"
chmod 0644 "$staging/modules/order" "$staging/version"
if [ "$is_root" -eq 1 ]; then chown -R root:root "$staging"; fi

# Swap the new tree in: the old one is moved aside for the moment between.
if [ -d "$dest" ]; then
  mv "$dest" "$old" || die "cannot move $dest aside"
  if ! mv "$staging" "$dest"; then
    mv "$old" "$dest" || true
    die "cannot move $staging to $dest"
  fi
  rm -rf "$old"
else
  mv "$staging" "$dest" || die "cannot move $staging to $dest"
fi
echo "microvm-kernel: installed $pkg $version ($release) in $dest: vmlinuz, ${order[*]}"
