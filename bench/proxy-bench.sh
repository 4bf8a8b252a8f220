#!/usr/bin/env bash
# slapproxy throughput and latency per endpoint, at 1 and 8 concurrent clients on loopback.
# Builds the bench harness if needed; the runtime must be built (bin/setup). Usage: bench/proxy-bench.sh [REQUESTS]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
[ -f "$here/target/slapos-bench-0.1.0-SNAPSHOT.jar" ] || (cd "$here" && mvn -q -B package)
exec java -cp "$here/target/slapos-bench-0.1.0-SNAPSHOT.jar:$here/target/lib/*" org.slapos.bench.ProxyBenchmark \
  "$here/../bin/slapos" "${1:-2000}"
