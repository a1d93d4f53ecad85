#!/usr/bin/env bash
# Runs one benchmark: numeter-bench/run.sh ingest|query|disk|rrdcached|api-examples [--option value ...]
# Builds what it needs first (the bench module and what it depends on), without installing anything.
set -euo pipefail
cd "$(dirname "$0")/.."
bench="${1:?usage: numeter-bench/run.sh ingest|query|disk|rrdcached|api-examples [--option value ...]}"
shift
case "$bench" in
  ingest) main=org.numeter.bench.IngestBench ;;
  query) main=org.numeter.bench.QueryBench ;;
  disk) main=org.numeter.bench.DiskBench ;;
  api-examples) main=org.numeter.bench.ApiExamples ;;
  rrdcached) main=org.numeter.bench.RrdcachedBench ;;
  *) echo "unknown benchmark '$bench': one of ingest, query, disk, rrdcached, api-examples" >&2; exit 2 ;;
esac
./mvnw -B -q -pl numeter-bench -am package -DskipTests
"${JAVA_HOME:+$JAVA_HOME/bin/}java" ${BENCH_JAVA_OPTS:--Xmx8g -XX:+UseParallelGC} -Djava.awt.headless=true \
  -cp "numeter-bench/target/classes:$(cat numeter-bench/target/classpath.txt)" "$main" "$@"
