#!/usr/bin/env bash
# The node's own overhead around buildout in `slapos node software`, for N releases (default 20):
# a real `slapos proxy start`, N offline Software Releases (buildout profiles with no parts), then
#   1. a first run that installs them all (buildout runs N times),
#   2. a run with every release already installed (buildout does not run: all of it is overhead),
#   3. a --force run (buildout runs N times again: overhead = total - buildout).
# For each it prints the engine's own figures (from the command's summary line) and the command's
# wall time, JVM start-up included. Aim: overhead under 0.2 s for 20 installed releases.
# Usage: bench/software-bench.sh [N]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
count="${1:-20}"
[ -f "$here/runtime/target/export/lib/org.slapos.launcher.jar" ] || "$here/bin/setup"
buildout="$("$here/bin/setup-buildout" | tail -n 1)"
slapos="$here/bin/slapos"
work="$(mktemp -d /tmp/slapos-software-bench.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/opt" "$work/srv" "$work/sr"
if [ "$(id -u)" = 0 ]; then
  # Buildout never runs as root: the software root belongs to an unprivileged account.
  chown nobody "$work/opt"
fi
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
buildout = $buildout
software_min_free_space = 1M

[slapformat]
partition_amount = 1
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

"$slapos" proxy start --cfg "$work/slapos.cfg" > "$work/proxy.log" 2>&1 &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null || true; wait $proxy_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "${master}getRunId" 2>/dev/null && break
  kill -0 $proxy_pid 2>/dev/null || { cat "$work/proxy.log"; exit 1; }
  sleep 0.1
done
"$slapos" node format --cfg "$work/slapos.cfg" --now > "$work/format.log" 2>&1
for i in $(seq 1 "$count"); do
  printf '[buildout]\nparts =\n' > "$work/sr/software-$i.cfg"
  chmod 644 "$work/sr/software-$i.cfg"
  "$slapos" supply --cfg "$work/slapos-client.cfg" "$work/sr/software-$i.cfg" COMP-BENCH > /dev/null 2>&1
done

run() {
  local label="$1"; shift
  local start end status=0
  start=$(date +%s.%N)
  "$slapos" node software --cfg "$work/slapos.cfg" --now "$@" > "$work/run.log" 2>&1 || status=$?
  end=$(date +%s.%N)
  local summary
  summary=$(grep -o 'Processed [0-9]* software releases in .*' "$work/run.log" | tail -n 1 || true)
  if [ "$status" != 0 ] || [ -z "$summary" ]; then
    echo "$label: node software failed (exit $status):"; tail -n 30 "$work/run.log"; exit 1
  fi
  printf '%-34s %s | command wall time %s s\n' "$label" "$summary" "$(python3 -c "print(f'{$end - $start:.3f}')")"
}

echo "slapos node software, $count releases ($(nproc) CPUs)"
run "first run (installs all)"
run "already installed (no buildout)"
run "already installed, again (-v)" -v
grep -ho "Got [0-9]* software releases from the master in [0-9]* ms" "$work/run.log" | sed "s/^/  of which: /" || true
run "--force (buildout for each)" --force
