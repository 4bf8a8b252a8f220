#!/usr/bin/env bash
# The node daemon's idle cost: a real `slapos proxy start` (not measured), an unprivileged node of
# 10 partitions with nothing supplied, and `slapos node daemon` with the original's schedule
# (software and instance every 60 s, report every hour, collect every 60 s) and its remote shell on.
# After a 15 s settling time it reads the daemon's CPU time (utime + stime, /proc/PID/stat) at the
# start and the end of one minute, and its resident memory (VmRSS, VmHWM) at the end.
# Aim: under 128 MB resident and under 1 % of a core.
# Usage: bench/daemon-idle.sh [SECONDS]   (default 60)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
seconds="${1:-60}"
[ -f "$here/runtime/target/export/lib/org.slapos.launcher.jar" ] || "$here/bin/setup"
slapos="$here/bin/slapos"
work="$(mktemp -d /tmp/slapos-daemon-bench.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/opt" "$work/srv" "$work/ssh"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
master="http://127.0.0.1:$port/"
# An authorized_keys file turns the remote shell on; nobody connects during the measure.
ssh-keygen -q -t ecdsa -N '' -f "$work/ssh/operator" 2>/dev/null && cp "$work/ssh/operator.pub" "$work/ssh/authorized_keys" \
  || : > "$work/ssh/authorized_keys"
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
software_min_free_space = 1M
instance_min_free_space = 1M

[slapformat]
partition_amount = 10
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

[daemon]
ssh_port = $ssh_port
log_directory = $work/log
CFG

proxy_pid=
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  if [ -f "$work/srv/etc/supervisord.conf" ]; then
    "$slapos" node supervisorctl --cfg "$work/slapos.cfg" shutdown > /dev/null 2>&1 || true
  fi
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$slapos" proxy start --cfg "$work/slapos.cfg" > "$work/proxy.log" 2>&1 &
proxy_pid=$!
until grep -q "Starting slapproxy" "$work/proxy.log"; do
  kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy.log"; exit 1; }
  sleep 0.2
done
"$slapos" node daemon --cfg "$work/slapos.cfg" > "$work/daemon.log" 2>&1 &
daemon_pid=$!
until grep -q "Node daemon running" "$work/daemon.log"; do
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log"; exit 1; }
  sleep 0.2
done
# The pid that matters is the JVM's (bin/slapos execs java, so they are the same).
echo "daemon pid $daemon_pid: $(grep -E '^(Loops|Remote shell)' "$work/daemon.log" | tr '\n' ' ')"
sleep 15
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$daemon_pid/stat"; }
start_ticks=$(cpu)
start_time=$(date +%s.%N)
sleep "$seconds"
end_ticks=$(cpu)
end_time=$(date +%s.%N)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$daemon_pid/status")
threads=$(awk '/^Threads/ {print $2}' "/proc/$daemon_pid/status")
runs=$(grep -c "Loop .* done\|Loop .* exited" "$work/daemon.log" || true)
python3 - "$start_ticks" "$end_ticks" "$ticks" "$start_time" "$end_time" "$rss" "$hwm" "$threads" "$runs" <<'PY'
import sys
t0, t1, hz, w0, w1, rss, hwm, threads, runs = sys.argv[1:]
cpu = (float(t1) - float(t0)) / float(hz)
wall = float(w1) - float(w0)
print("idle over %.0f s: CPU %.2f s = %.2f %% of one core; RSS %.1f MB (peak %.1f MB); %s threads; %s loop runs logged"
      % (wall, cpu, 100 * cpu / wall, int(rss) / 1024, int(hwm) / 1024, threads, runs))
PY
