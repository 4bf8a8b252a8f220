#!/usr/bin/env bash
# Time of one `slapos node collect` pass over N partitions (default 100) with one process each.
# As root (the command refuses to run otherwise): creates the users cbench0..cbench<N-1>, starts one
# `sleep` per user (setpriv, so the process really belongs to the partition user), creates the partition
# directories, then
#  1. runs PASSES passes (default 5) of the collector in one JVM (bundles/org.slapos.collect's test
#     harness CollectBenchmark): the first pass is cold (class loading, JNA, SQLite's native library),
#     the others warm, as a long-running node would see them;
#  2. runs PASSES times the real command, `bin/slapos node collect` (what cron runs, one JVM each), and
#     prints the pass time the collector measured and the whole command's wall time.
# A pass is: OSHI's look at the processes, the CPU window (at least 250 ms), the database, the
# journals, and `du` of each partition on the first pass only (each partition holds 1.5 MiB, so its
# usage is stored and not measured again within disk_snapshot_time_cycle, a day by default). Users, processes and files are removed on exit, even on failure.
# Usage: bench/collect-bench.sh [PARTITIONS] [PASSES] [extra mvn args]   (bin/slapos needs bin/setup)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
partitions="${1:-100}"
passes="${2:-5}"
shift 2 || shift $# || true
module="$here/bundles/org.slapos.collect"
base=cbench
if [ "$(id -u)" != 0 ]; then
  echo "collect-bench: node collect needs root (it reads other users' processes); run as root" >&2
  exit 5
fi
work="$(mktemp -d /tmp/collect-bench.XXXXXX)"
pids=()
users=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for user in "${users[@]}"; do userdel "$user" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for ((i = 0; i < partitions; i++)); do
  user="$base$i"
  if id "$user" >/dev/null 2>&1; then
    echo "collect-bench: user $user exists already; remove it or change the base name" >&2
    exit 1
  fi
  useradd --no-create-home --shell /usr/sbin/nologin --user-group "$user"
  users+=("$user")
  mkdir -p "$work/srv/slappart$i" "$work/inprocess/slappart$i"
  # 1.5 MiB per partition: above the 1 MiB a partition needs for its disk usage to be stored, so that
  # the first pass runs du everywhere and the next ones skip it (disk_snapshot_time_cycle: a day).
  head -c 1572864 /dev/zero > "$work/srv/slappart$i/data"
  cp "$work/srv/slappart$i/data" "$work/inprocess/slappart$i/data"
  setpriv --reuid "$(id -u "$user")" --regid "$(id -g "$user")" --clear-groups sleep 3600 &
  pids+=("$!")
done
cat > "$work/slapos.cfg" <<CFG
[slapos]
instance_root = $work/srv
computer_id = COMP-BENCH
[slapformat]
partition_amount = $partitions
user_base_name = $base
partition_base_name = slappart
CFG
(cd "$here" && mvn -q -B install -DskipTests -pl bundles/org.slapos.collect -am "$@")
(cd "$module" && mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test "$@")
echo "node collect: $partitions partitions, one process each, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
java -cp "$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench-classpath.txt")" \
  org.slapos.collect.impl.CollectBenchmark "$work/inprocess" "$base" "$partitions" "$passes"
for ((pass = 1; pass <= passes; pass++)); do
  start=$(date +%s%N)
  output="$("$here/bin/slapos" ${COLLECT_BENCH_VERBOSE:+-v} node collect --cfg "$work/slapos.cfg" 2>&1)"
  end=$(date +%s%N)
  line="$(grep -m1 '^Collected ' <<<"$output" || true)"
  if [ -n "${COLLECT_BENCH_VERBOSE:-}" ]; then grep -E "OshiUsageCollector" <<<"$output" >&2 || true; fi
  if [ -z "$line" ]; then
    echo "$output" >&2
    exit 1
  fi
  processes="$(sed -E 's/^Collected ([0-9]+) processes.*/\1/' <<<"$line")"
  pass_ms="$(sed -E 's/.* in ([0-9]+) ms\.$/\1/' <<<"$line")"
  printf 'bin/slapos pass %d: %d processes recorded, collect pass %d ms, whole command %d ms\n' \
    "$pass" "$processes" "$pass_ms" $(((end - start) / 1000000))
done
