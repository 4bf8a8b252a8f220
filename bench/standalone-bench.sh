#!/usr/bin/env bash
# Wall time of the README's first command, bin/demo, from its start to a green promise of the demo
# instance, on a fresh data directory (the Maven build excluded: the runtime must be built already,
# bin/setup). Prints each phase as bin/demo reports it, then the figure; stops the node at the end.
# Aim: under 15 s on this machine.
#   bench/standalone-bench.sh [RUNS]     (default 1; each run on a fresh data directory)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
runs="${1:-1}"
[ -f "$here/runtime/target/export/standalone/runbundles.tsv" ] || { echo "build first: bin/setup" >&2; exit 1; }
# The tools and the demo release once, outside the measurement (bin/setup does the same).
"$here/bin/setup-tools" >/dev/null
base="$(mktemp -d /tmp/slapos-standalone-bench.XXXXXX)"
chmod 755 "$base"   # as root the partitions' user must traverse it
data=""
cleanup() {
  [ -n "$data" ] && "$here/bin/slapos" standalone stop --data-dir "$data" >/dev/null 2>&1 || true
  rm -rf "$base"
}
trap cleanup EXIT
figures=()
for run in $(seq 1 "$runs"); do
  data="$base/run$run"
  output="$base/run$run.txt"
  start=$(date +%s%N)
  SLAPOS_STANDALONE_DIRECTORY="$data" "$here/bin/demo" > "$output" 2>&1 || { cat "$output"; exit 1; }
  end=$(date +%s%N)
  green=$(sed -n 's/^\[ *\([0-9.]*\) s\] Promise green.*/\1/p' "$output")
  echo "run $run: phases (seconds since the start of bin/demo)"
  grep '^\[' "$output" | sed 's/^/  /'
  printf 'run %d: start to green promise %s s (bin/demo ended after %d.%d s)\n' "$run" "$green" \
    $(( (end - start) / 1000000000 )) $(( (end - start) / 100000000 % 10 ))
  figures+=("$green")
  "$here/bin/slapos" standalone stop --data-dir "$data" >/dev/null 2>&1
  data=""
done
printf '%s\n' "${figures[@]}" | sort -n | awk '{a[NR]=$1} END {printf "standalone bench: start to green promise, median %s s over %d run(s) (aim: under 15 s)\n", a[int((NR+1)/2)], NR}'
