#!/usr/bin/env bash
# slapproxy throughput and latency per endpoint at 1 and 8 concurrent clients on loopback, a new
# connection per request (ApacheBench), and the Python slapproxy's figures side by side when one is
# installed: set PYTHON_SLAPOS to its `slapos` entry point, or have a Python `slapos` on PATH.
# Installs apache2-utils when ab is missing (as root); builds the harness if needed; the runtime
# must be built (bin/setup). Usage: [BENCH_ONLY=name] bench/proxy-bench.sh [REQUESTS_PER_RUN]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
if ! command -v ab >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing apache2-utils (ab) ..."
    apt-get install -y -q apache2-utils >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q apache2-utils >/dev/null; }
  else
    echo "ab is missing: install Debian's apache2-utils (sudo apt-get install apache2-utils)" >&2
    exit 1
  fi
fi
python_slapos="${PYTHON_SLAPOS:-}"
if [ -z "$python_slapos" ] && candidate="$(command -v slapos 2>/dev/null)" \
    && head -n1 "$candidate" | grep -q python; then
  python_slapos="$candidate"   # the Python entry point of slapos.core (ours is bin/slapos, a shell script)
fi
[ -f "$here/target/slapos-bench-0.1.0-SNAPSHOT.jar" ] || (cd "$here" && mvn -q -B package)
# BENCH_ONLY=<text>: only the endpoints whose name contains it (e.g. when profiling with JFR through SLAPOS_JAVA_OPTS).
exec java ${BENCH_ONLY:+-Dbench.only="$BENCH_ONLY"} -cp "$here/target/slapos-bench-0.1.0-SNAPSHOT.jar:$here/target/lib/*" \
  org.slapos.bench.ProxyBenchmark \
  "$here/../bin/slapos" "${1:-5000}" "$python_slapos"
