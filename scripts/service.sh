#!/usr/bin/env bash
# Starts, stops or reports openshelld from the build tree, without systemd
# (the demo, the tests, CI). Needs root (or sudo).
#
#   scripts/service.sh start [--for USER] [--socket PATH] [--store PATH] [-- OPENSHELLD-OPTIONS...]
#   scripts/service.sh stop | status
#
# start creates the groups openshell and openshell-approvers when missing.
# --for USER lets USER use the service at once: the socket's group is then
# USER's own primary group (a new membership of 'openshell' would only take
# effect at USER's next login), and USER may approve.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)
bin="${OPENSHELLD:-$root_dir/build/dev/app/openshelld/openshelld}"
run_dir=/run/openshell
pid_file=$run_dir/openshelld.pid
log_file=/var/log/openshelld.log

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "service: needs root (or sudo)" >&2; exit 1; }
  exec sudo --preserve-env=OPENSHELLD "$0" "$@"
fi

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

cmd="${1:-status}"
shift || true
case "$cmd" in
start)
  socket=$run_dir/api.sock
  store=/var/lib/openshell/audit.db
  group=openshell
  approvers=openshell-approvers
  while [ $# -gt 0 ]; do
    case "$1" in
      --for) user="$2"; group=$(id -gn "$user"); approvers=$group; shift 2 ;;
      --socket) socket="$2"; shift 2 ;;
      --store) store="$2"; shift 2 ;;
      --) shift; break ;;
      *) echo "service: unknown option $1" >&2; exit 2 ;;
    esac
  done
  if running; then
    echo "service: openshelld already runs (pid $(cat "$pid_file"))"
    exit 0
  fi
  [ -x "$bin" ] || { echo "service: $bin is not built (scripts/build.sh)" >&2; exit 1; }
  getent group openshell >/dev/null || groupadd --system openshell
  getent group openshell-approvers >/dev/null || groupadd --system openshell-approvers
  mkdir -p "$run_dir" "$(dirname "$socket")"
  chmod 0755 "$run_dir"
  nohup "$bin" --listen "unix:$socket" --group "$group" --approvers-group "$approvers" --store "$store" "$@" \
    >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 100); do
    [ -S "$socket" ] && break
    running || { echo "service: openshelld did not start:" >&2; tail -n 20 "$log_file" >&2; exit 1; }
    sleep 0.1
  done
  [ -S "$socket" ] || { echo "service: no socket at $socket after 10 s" >&2; exit 1; }
  echo "service: openshelld runs (pid $(cat "$pid_file")) on unix:$socket for group $group; log $log_file"
  ;;
stop)
  if ! running; then
    echo "service: openshelld is not running"
    rm -f "$pid_file"
    exit 0
  fi
  pid=$(cat "$pid_file")
  kill -TERM "$pid"
  for _ in $(seq 1 400); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "service: openshelld did not stop in 40 s; killing it" >&2
    kill -KILL "$pid"
  fi
  rm -f "$pid_file"
  echo "service: stopped"
  ;;
status)
  if running; then echo "service: openshelld runs (pid $(cat "$pid_file"))"; else echo "service: not running"; exit 3; fi
  ;;
*)
  echo "usage: scripts/service.sh start|stop|status" >&2
  exit 2
  ;;
esac
