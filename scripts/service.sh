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
# effect at USER's next login), and USER may approve. It also starts the
# customer-support demo's stand-in services once for everybody: they listen
# on ports 443 and 587 of 127.0.0.2-4, which a user cannot bind, so they run
# as nobody with that one capability (certificates in $demo_dir).
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)
bin="${OPENSHELLD:-$root_dir/build/dev/app/openshelld/openshelld}"
run_dir=/run/openshell
pid_file=$run_dir/openshelld.pid
log_file=/var/log/openshelld.log
demo_dir=$run_dir/demo-services
demo_pid=$run_dir/demo-services.pid

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "service: needs root (or sudo)" >&2; exit 1; }
  exec sudo --preserve-env=OPENSHELLD "$0" "$@"
fi

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }
demo_running() { [ -f "$demo_pid" ] && kill -0 "$(cat "$demo_pid")" 2>/dev/null; }

start_demo_services() {
  demo_running && return 0
  rm -rf "$demo_dir"
  mkdir -p "$demo_dir"
  chown 65534:65534 "$demo_dir"
  setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+net_bind_service \
    --ambient-caps=-all,+net_bind_service --bounding-set=-all,+net_bind_service \
    /usr/bin/python3 "$root_dir/examples/customer-support/services/standin.py" "$demo_dir" \
    >"$demo_dir.log" 2>&1 </dev/null &
  echo $! >"$demo_pid"
  for _ in $(seq 1 100); do
    grep -q '^ready' "$demo_dir.log" 2>/dev/null && { echo "service: demo stand-in services ready (127.0.0.2-4)"; return 0; }
    demo_running || break
    sleep 0.1
  done
  echo "service: the demo's stand-in services did not start:" >&2
  tail -n 5 "$demo_dir.log" >&2
  return 1
}

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
    if [ -n "${user:-}" ]; then start_demo_services; fi
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
  if [ -n "${user:-}" ]; then
    start_demo_services
  fi
  ;;
stop)
  if demo_running; then
    kill -TERM "$(cat "$demo_pid")" 2>/dev/null || true
    rm -f "$demo_pid"
  fi
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
