#!/usr/bin/env bash
# Runs lupdate over the studio's sources (ui/, app/studio/) into
# translations/*.ts and fails when a translation is unfinished, or when a
# message that vanished from the sources is still in a .ts file.
#   scripts/lupdate-check.sh            # check (the .ts files are refreshed)
#   scripts/lupdate-check.sh --no-write # check against a temporary copy
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lupdate="$(command -v lupdate6 || true)"
[ -n "$lupdate" ] || lupdate=/usr/lib/qt6/bin/lupdate
[ -x "$lupdate" ] || { echo "lupdate-check: lupdate not found (package qt6-l10n-tools)" >&2; exit 2; }

write=1
[ "${1:-}" = "--no-write" ] && write=0

status=0
cd "$root"
for ts in translations/*.ts; do
  target="$ts"
  if [ $write -eq 0 ]; then
    target="$(mktemp --suffix=.ts)"
    cp "$ts" "$target"
  fi
  "$lupdate" -silent -locations relative -no-ui-lines ui app/studio -ts "$target" >/dev/null
  unfinished=$(grep -c 'type="unfinished"' "$target" || true)
  vanished=$(grep -c 'type="vanished"\|type="obsolete"' "$target" || true)
  total=$(grep -c '<source>' "$target" || true)
  echo "$ts: $total messages, $unfinished unfinished, $vanished vanished"
  if [ "$unfinished" -ne 0 ] || [ "$vanished" -ne 0 ]; then
    status=1
    grep -B2 'type="unfinished"\|type="vanished"\|type="obsolete"' "$target" | grep '<source>' | sed 's/^ */  /' | head -20
  fi
  [ $write -eq 0 ] && rm -f "$target"
done
exit $status
