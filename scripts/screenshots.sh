#!/usr/bin/env bash
# Opens each main view of the studio under Xvfb on the demo workspace and
# saves docs/screenshots/VIEW.png (shown in README.md).
#
#   scripts/screenshots.sh [VIEW...]     default: every view in VIEWS below
#
# OSH_BUILD_DIR picks the build folder (default build/dev, built when the
# studio is missing). Settings, the audit store and the workspace are
# temporary copies: nothing of the user's is read or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The views, in README order. A view is a studio page, shown with
# `openshell-studio --page PAGE`, optionally with a variant: VIEW is PAGE or
# PAGE-VARIANT. A prepare_VIEW function (dashes as underscores), when there
# is one, runs first (it may change $workspace), and a finish_VIEW one after
# the shot. To add a view: append it here (and a prepare_ function if the
# page needs data to show).
VIEWS=(policy policy-dark simulator tests launcher approvals replay replay-whatif history)

build="${OSH_BUILD_DIR:-build/dev}"
studio="$build/app/studio/openshell-studio"
osctl="$build/app/osctl/osctl"
if [ ! -x "$studio" ] || [ ! -x "$osctl" ]; then
  if [ "$build" = build/dev ]; then
    scripts/build.sh dev
  else
    cmake --build "$build" --target openshell-studio osctl
  fi
fi
for tool in Xvfb import; do
  command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

out=docs/screenshots
mkdir -p "$out"
tmp="$(mktemp -d)"
xvfb_pid=""
demo_pid=""
cleanup() {
  [ -n "$demo_pid" ] && kill -- "-$demo_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share"
export OPENSHELL_STORE="$tmp/store/audit.db"
unset QT_QPA_PLATFORM
mkdir -p "$HOME" "$tmp/store"
cp -r examples/customer-support "$tmp/workspace"

# A display of the window's size (MainWindow opens at 1400x900).
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 3>&-
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { echo "screenshots: Xvfb did not start:" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$tmp/display")"

# Policy editor: a typo in a condition that the validator reports, so a
# squiggle and its problem show (the editor scrolls to the first problem).
prepare_policy() {
  cp -r examples/customer-support "$tmp/broken"
  sed -i 's/session.total_cost > 5.0/session.total_cots > 5.0/' "$tmp/broken/customer-support.policy.yaml"
  workspace="$tmp/broken"
}

# The same in the dark theme (the setting the studio reads at start).
settings_file="$XDG_CONFIG_HOME/OpenShell/OpenShell Studio.conf"
prepare_policy_dark() {
  prepare_policy
  mkdir -p "$(dirname "$settings_file")"
  printf '[appearance]\ntheme=Dark\n' >"$settings_file"
}
finish_policy_dark() {
  rm -f "$settings_file"
}

# Approvals: the demo agent's emails held for a human, from `osctl demo`
# answering escalations through the store (stopped after the shot).
prepare_approvals() {
  setsid "$osctl" demo --approvals store --approval-timeout 600 --store "$OPENSHELL_STORE" >"$tmp/demo.log" 2>&1 &
  demo_pid=$!
  for _ in $(seq 120); do
    if "$osctl" approvals list --store "$OPENSHELL_STORE" --format jsonl 2>/dev/null | grep -q .; then
      return
    fi
    kill -0 "$demo_pid" 2>/dev/null || break
    sleep 1
  done
  echo "screenshots: no pending approval from osctl demo (the panel will be empty); its log:" >&2
  tail -n 5 "$tmp/demo.log" >&2 || true
}
finish_approvals() {
  [ -n "$demo_pid" ] && kill -- "-$demo_pid" 2>/dev/null || true
  wait "$demo_pid" 2>/dev/null || true
  demo_pid=""
}

# Replay: a session of the demo agent recorded by `osctl demo` (escalations
# approved automatically), opened at its first violation.
prepare_replay() {
  if ! "$osctl" sessions --store "$OPENSHELL_STORE" --format jsonl 2>/dev/null | grep -q .; then
    "$osctl" demo --store "$OPENSHELL_STORE" >"$tmp/demo-run.log" 2>&1 \
      || { echo "screenshots: osctl demo failed; its log:" >&2; tail -n 5 "$tmp/demo-run.log" >&2; }
  fi
}

# What-if: the same session re-decided against a policy in which emails are
# blocked instead of held for approval.
prepare_replay_whatif() {
  prepare_replay
  cp -r examples/customer-support "$tmp/whatif"
  sed -i '/name: email-approval/,/action:/ s/action: escalate/action: block/' "$tmp/whatif/customer-support.policy.yaml"
  workspace="$tmp/whatif"
  page_args=(--what-if)
}

# History: the user's copy of the demo (a repository whose first commit is
# tagged deployed), with an uncommitted change to the policy.
prepare_history() {
  QT_QPA_PLATFORM=offscreen "$studio" --demo --exit-when-ready >/dev/null 2>&1
  workspace="$XDG_DATA_HOME/openshell/workspaces/customer-support"
  sed -i 's/session.total_cost > 5.0/session.total_cost > 2.0/' "$workspace/customer-support.policy.yaml"
}

shoot() {
  local view="$1" log="$tmp/$1.log" fn="${1//-/_}" pid
  workspace="$tmp/workspace"
  page_args=()
  if declare -F "prepare_$fn" >/dev/null; then "prepare_$fn"; fi
  "$studio" --page "${view%%-*}" "${page_args[@]}" --report-ready "$workspace" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do grep -q '^ready:' "$log" && break; sleep 0.1; done
  if ! grep -q '^ready:' "$log"; then
    echo "screenshots: $view: the studio did not become ready:" >&2
    cat "$log" >&2
    kill "$pid" 2>/dev/null || true
    return 1
  fi
  sleep "${OSH_SCREENSHOT_SETTLE:-2}" # tests finish, decisions and lists fill in
  # The window without the empty screen around it (no window manager: it sits at 0,0).
  import -display "$DISPLAY" -window root -trim +repage "$out/$view.png"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if declare -F "finish_$fn" >/dev/null; then "finish_$fn"; fi
  echo "screenshots: $out/$view.png"
}

views=("$@")
[ ${#views[@]} -gt 0 ] || views=("${VIEWS[@]}")
for v in "${views[@]}"; do
  shoot "$v"
done
