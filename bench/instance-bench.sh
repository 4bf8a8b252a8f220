#!/usr/bin/env bash
# The node's own time in `slapos node instance` and `slapos node promise` over N deployed partitions
# (default 100): a real `slapos proxy start`, an unprivileged `node format` of N partitions, one
# offline Software Release whose instance profile has no parts, N requested instances, then
#   1. a first `node instance` that deploys them all (buildout runs N times),
#   2. one legacy promise (`etc/promise/bench-ok`, `exit 0`) per partition and a settling run,
#   3. three `node instance` runs with nothing to deploy (every partition up to date: only the anomaly
#      check of its promises runs),
#   4. three full promise passes (`node promise`: every promise of every partition, forced).
# Each run prints the command's wall time (JVM start-up included) and, for node instance, the
# engine's own "Processed N computer partitions in S s". Aim: node instance under 1 s for 100
# partitions with nothing to do (the Python node takes 1.4 s for 3).
# Usage: bench/instance-bench.sh [N]
#   SLAPOS_BENCH_LOGS=DIR keeps the logs (proxy, format, requests, last runs) in DIR for profiling.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
count="${1:-100}"
parallel_requests="${SLAPOS_BENCH_REQUESTS_IN_PARALLEL:-4}"
[ -f "$here/runtime/target/export/lib/org.slapos.launcher.jar" ] || "$here/bin/setup"
buildout="$("$here/bin/setup-buildout" | tail -n 1)"
slapos="$here/bin/slapos"
work="$(mktemp -d /tmp/slapos-instance-bench.XXXXXX)"
# Buildout and the promises run as the partitions' owner, who must reach everything below.
chmod 755 "$work"
mkdir -p "$work/opt" "$work/srv" "$work/sr" "$work/certs"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
master="http://127.0.0.1:$port/"
cat > "$work/slapos.cfg" <<CFG
[slapos]
computer_id = COMP-BENCH
master_url = $master
instance_root = $work/srv
software_root = $work/opt
root_check = false
pidfile_software = $work/slapgrid-sr.pid
pidfile_instance = $work/slapgrid-cp.pid
pidfile_report = $work/slapgrid-ur.pid
buildout = $buildout
software_min_free_space = 1M
instance_min_free_space = 1M

[slapformat]
partition_amount = $count
partition_base_name = slappart
user_base_name = slapuser
tap_base_name = slaptap
interface_name = lo
ipv4_local_network = 10.0.0.0/16
computer_xml = $work/slapos.xml
create_tap = False
alter_user = False
alter_network = False

[slapproxy]
host = 127.0.0.1
port = $port
database_uri = $work/proxy.db
CFG
printf '[slapos]\nmaster_url = %s\n' "$master" > "$work/slapos-client.cfg"

proxy_pid=
cleanup() {
  # The node supervisord outlives the commands that launched it: ask it to stop, then make sure.
  if [ -f "$work/srv/etc/supervisord.conf" ]; then
    "$slapos" node supervisorctl --cfg "$work/slapos.cfg" shutdown > /dev/null 2>&1 || true
  fi
  local supervisord_pid
  supervisord_pid=$(cat "$work/srv/var/run/supervisord.pid" 2>/dev/null || true)
  if [ -n "$supervisord_pid" ] && kill -0 "$supervisord_pid" 2>/dev/null; then
    kill "$supervisord_pid" 2>/dev/null || true
  fi
  if [ -n "$proxy_pid" ]; then
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
  fi
  if [ -n "${SLAPOS_BENCH_LOGS:-}" ]; then
    mkdir -p "$SLAPOS_BENCH_LOGS" && cp "$work"/*.log "$SLAPOS_BENCH_LOGS/" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$slapos" proxy start --cfg "$work/slapos.cfg" > "$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "${master}getRunId" 2>/dev/null && break
  kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy.log"; exit 1; }
  sleep 0.1
done
"$slapos" node format --cfg "$work/slapos.cfg" --now > "$work/format.log" 2>&1 \
  || { echo "node format failed:"; tail -n 30 "$work/format.log"; exit 1; }

# Buildout never runs as root: as root, the software root and the partitions belong to `nobody`
# (and to its group, through which buildout reads the buildout.cfg the node writes).
owner="$(id -un):$(id -gn)"
if [ "$(id -u)" = 0 ]; then
  owner="nobody:$(id -gn nobody)"
  chown "$owner" "$work/opt"
  for i in $(seq 0 $((count - 1))); do
    chown -R "$owner" "$work/srv/slappart$i"
  done
fi

sr="$work/sr/software.cfg"
printf '[buildout]\nparts =\n' > "$sr"
chmod 644 "$sr"
"$slapos" supply --cfg "$work/slapos-client.cfg" "$sr" COMP-BENCH > "$work/supply.log" 2>&1 \
  || { echo "slapos supply failed:"; tail -n 30 "$work/supply.log"; exit 1; }
"$slapos" node software --cfg "$work/slapos.cfg" --now > "$work/software.log" 2>&1 \
  || { echo "node software failed:"; tail -n 30 "$work/software.log"; exit 1; }
# The release has no parts, so it installs no instance profile: write one with no parts either.
release_dir="$work/opt/$(printf '%s' "$sr" | md5sum | cut -d' ' -f1)"
[ -d "$release_dir" ] || { echo "node software left no release directory $release_dir"; exit 1; }
printf '[buildout]\nparts =\n' > "$release_dir/instance.cfg"
chmod 644 "$release_dir/instance.cfg"
chown "$owner" "$release_dir/instance.cfg"

seconds_since() {
  python3 -c "import sys; print(f'{$(date +%s.%N) - float(sys.argv[1]):.3f}')" "$1"
}

start=$(date +%s.%N)
seq 1 "$count" | xargs -P "$parallel_requests" -I{} \
  "$slapos" request --cfg "$work/slapos-client.cfg" "inst-{}" "$sr" > "$work/request.log" 2>&1 \
  || { echo "slapos request failed:"; tail -n 30 "$work/request.log"; exit 1; }
echo "slapos node instance / node promise, $count partitions ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-38s command wall time %s s (%d in parallel)\n' "$count requests" "$(seconds_since "$start")" \
  "$parallel_requests"

# Runs `slapos node instance --now "$@"`; prints the engine's summary and the command's wall time.
instance_run() {
  local label="$1"; shift
  local start status=0
  start=$(date +%s.%N)
  "$slapos" node instance --cfg "$work/slapos.cfg" --now "$@" > "$work/run.log" 2>&1 || status=$?
  local wall
  wall=$(seconds_since "$start")
  local summary
  summary=$(grep -o 'Processed [0-9]* computer partitions in .*' "$work/run.log" | tail -n 1 || true)
  if [ "$status" != 0 ] || [ -z "$summary" ]; then
    echo "$label: node instance failed (exit $status):"; tail -n 30 "$work/run.log"; exit 1
  fi
  # The per-partition lines ("slappart3: up to date"), counted by outcome: "5 up to date".
  local outcomes
  outcomes=$(grep -oE '^slappart[0-9]+: [a-z ]+$' "$work/run.log" | cut -d' ' -f2- | sort | uniq -c \
    | awk '{ $1 = $1; print }' | paste -sd, - | sed 's/,/, /g')
  printf '%-38s %s (%s) | command wall time %s s\n' "$label" "$summary" "$outcomes" "$wall"
}

# Runs `slapos node promise --now`; prints its exit code and wall time.
promise_run() {
  local label="$1"; shift
  local start status=0
  start=$(date +%s.%N)
  "$slapos" node promise --cfg "$work/slapos.cfg" --now "$@" > "$work/promise.log" 2>&1 || status=$?
  local wall
  wall=$(seconds_since "$start")
  if [ "$status" != 0 ]; then
    echo "$label: node promise failed (exit $status):"; tail -n 30 "$work/promise.log"; exit 1
  fi
  printf '%-38s exit %s | command wall time %s s\n' "$label" "$status" "$wall"
}

instance_run "first run (deploys all)"
for i in $(seq 0 $((count - 1))); do
  promise_dir="$work/srv/slappart$i/etc/promise"
  mkdir -p "$promise_dir"
  printf '#!/bin/sh\nexit 0\n' > "$promise_dir/bench-ok"
  chmod 755 "$promise_dir/bench-ok"
  chown -R "$owner" "$work/srv/slappart$i/etc"
done
instance_run "with promises (first anomaly check)"
for run in 1 2 3; do
  instance_run "nothing to do, run $run"
done
for run in 1 2 3; do
  promise_run "node promise (full pass), run $run"
done
