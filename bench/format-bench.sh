#!/usr/bin/env bash
# Time to format N partitions (default 100) with `slapos node format`'s engine: unprivileged mode
# (no users, no network) and, when run as root, privileged mode inside a throw-away network
# namespace (users, groups, addresses, ranges, taps). Prints first-run and second-run times and the
# time spent per kind of system command. Usage: bench/format-bench.sh [PARTITIONS] [extra mvn args]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
partitions="${1:-100}"
shift || true
module="$here/bundles/org.slapos.format.impl"
"$here/bin/setup-tools"
(cd "$here" && mvn -q -B install -DskipTests -pl bundles/org.slapos.format.impl -am "$@")
(cd "$module" && mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test "$@")
exec java -cp "$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench-classpath.txt")" \
  org.slapos.format.impl.FormatBenchmark "$partitions"
