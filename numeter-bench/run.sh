#!/usr/bin/env bash
# Runs one benchmark: numeter-bench/run.sh compare|ingest|query|disk|start|rrdcached|problems|pipeline|load|api-examples [--option value ...]
#                  or: numeter-bench/run.sh footprint [seconds]   (the poller beside munin-node and collectd)
#                  or: numeter-bench/run.sh jmh [ClassName] [JMH option ...]   (all JMH classes when no name)
# Builds what it needs first (the bench module and what it depends on), without installing anything.
set -euo pipefail
cd "$(dirname "$0")/.."
# a JDK >= 21, as the launcher and .ci/run pick it (bin/find-java says so clearly when there is none)
JAVA_HOME=$(bin/find-java) || exit 1
export JAVA_HOME
usage="usage: numeter-bench/run.sh compare|ingest|query|disk|start|rrdcached|problems|pipeline|load|api-examples [--option value ...]
       numeter-bench/run.sh jmh [CodecBenchmark|SpoolBenchmark|StoreBenchmark|SeriesBenchmark|PngBenchmark] [JMH option ...]"
bench="${1:?$usage}"
shift
case "$bench" in
  jmh)
    # JMH's own runner, so that its options (-prof gc, -rf json, -f, -i...) can follow the class name; the forked
    # JVM inherits this one's options (BENCH_JAVA_OPTS)
    main=org.openjdk.jmh.Main
    if [[ $# -gt 0 && "$1" != -* ]]; then
      set -- "^org\\.numeter\\.bench\\.jmh\\.$1\\." "${@:2}"
    else
      set -- '^org\.numeter\.bench\.jmh\.' "$@"
    fi
    ;;
  ingest) main=org.numeter.bench.IngestBench ;;
  query) main=org.numeter.bench.QueryBench ;;
  disk) main=org.numeter.bench.DiskBench ;;
  start) main=org.numeter.bench.StartBench ;;
  api-examples) main=org.numeter.bench.ApiExamples ;;
  rrdcached) main=org.numeter.bench.RrdcachedBench ;;
  compare) main=org.numeter.bench.CompareBench ;;
  problems) main=org.numeter.bench.ProblemsBench ;;
  pipeline) main=org.numeter.bench.load.PipelineBench ;;
  load) main=org.numeter.bench.load.LoadGenerator ;;
  footprint) exec numeter-bench/footprint.sh "$@" ;;
  *) echo "unknown benchmark '$bench': one of compare, ingest, query, disk, start, rrdcached, problems, pipeline, load, api-examples, footprint, jmh" >&2; exit 2 ;;
esac
./mvnw -B -q -pl numeter-bench -am package -DskipTests
"${JAVA_HOME:+$JAVA_HOME/bin/}java" ${BENCH_JAVA_OPTS:--Xmx8g -XX:+UseParallelGC} -Djava.awt.headless=true \
  -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener \
  -cp "numeter-bench/target/classes:$(cat numeter-bench/target/classpath.txt)" "$main" "$@"
