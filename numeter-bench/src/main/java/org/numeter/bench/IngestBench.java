package org.numeter.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.numeter.alert.AlertEngine;
import org.numeter.codec.RecordCodec;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.SpoolRecord;
import org.numeter.storage.RrdStore;
import org.numeter.storage.StoreSink;
import org.numeter.store.Archives;
import org.numeter.store.WriteResult;

/**
 * Ingest: {@code plugins} plugins of {@code fields} fields (100,000 series by default) updated in rounds, one
 * round per step, as fast as the store takes them. The first round creates the files and is timed apart; the
 * rounds after the warm-up ones are the sustained figure. {@code --via sink} hands the store records of the link's
 * format (v2, {@link RecordCodec}) through {@link StoreSink}, as the pull link does; {@code --via store} hands it decoded batches.
 *
 * <p>{@code --alerts both} judges every point with the storage's alert engine (every field has a warning and a
 * critical range, never crossed, so that each point costs its full compare and nothing is journaled) in every
 * other measured round, and reports the CPU per point with and without it from the same run; {@code on} and
 * {@code off} do one or the other in every round.
 */
public final class IngestBench {
    static final long T0 = 1_699_920_000L;

    private IngestBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv,
                "dir", "/tmp/numeter-bench-ingest", "plugins", "20000", "fields", "5", "rounds", "20",
                "warmup", "5", "open-files", "auto", "io", "positioned",
                "threads", "" + Runtime.getRuntime().availableProcessors(),
                "archives", "default", "via", "store", "write-size", "5000", "keep", "false", "alerts", "off",
                "write-behind", "shipped", "write-behind-memory", "shipped");
        int plugins = args.integer("plugins");
        int fields = args.integer("fields");
        int rounds = args.integer("rounds");
        int warmup = args.integer("warmup");
        int writeSize = args.integer("write-size");
        boolean viaSink = args.text("via").equals("sink");
        String alertMode = args.text("alerts");
        if (!List.of("on", "off", "both").contains(alertMode)) {
            throw new IllegalArgumentException("--alerts '" + alertMode + "' is not one of on, off, both");
        }
        Archives archives = Archives.named(args.text("archives"));
        Path dir = Path.of(args.text("dir"));

        System.out.println("ingest: " + args);
        System.out.println("machine: " + Machine.describe());
        boolean keep = Boolean.parseBoolean(args.text("keep"));
        if (!keep) {
            Machine.deleteTree(dir);
        }
        SplittableRandom random = new SplittableRandom(42);
        double[][] state = new double[plugins][fields];
        RrdStore.Builder builder = RrdStore.builder(dir);
        if (!args.text("open-files").equals("auto")) {
            builder.openFiles(args.integer("open-files"));
        }
        // write-behind (issue 13): how long updates may wait in memory (a duration, 0s for none), and their memory
        if (!args.text("write-behind").equals("shipped")) {
            builder.writeBehind(java.time.Duration.parse("PT" + args.text("write-behind").toUpperCase(Locale.ROOT)));
        }
        if (!args.text("write-behind-memory").equals("shipped")) {
            builder.writeBehindMemory(Long.parseLong(args.text("write-behind-memory")) << 20);
        }
        long closeNanos = 0;
        long closeCpu = 0;
        var osBean = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        RrdStore store = builder.archives(archives)
                .io(RrdStore.Io.valueOf(args.text("io").toUpperCase(Locale.ROOT))).threads(args.integer("threads"))
                .open();
        try {
            StoreSink sink = new StoreSink(store, writeSize);
            Path alertDir = dir.resolveSibling(dir.getFileName() + "-alerts");
            Machine.deleteTree(alertDir);
            AlertEngine engine = AlertEngine.builder(alertDir).store(store).tick(java.time.Duration.ofHours(1))
                    .snapshotEvery(java.time.Duration.ofHours(1)).build();
            engine.start();
            // the engine's own CPU, read from the thread's clock (nanoseconds), beside the process's (10 ms ticks)
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long[] engineCpu = new long[1];
            org.numeter.store.WriteListener timed = part -> {
                long t0 = threads.getCurrentThreadCpuTime();
                engine.written(part);
                engineCpu[0] += threads.getCurrentThreadCpuTime() - t0;
            };
            StoreSink judged = new StoreSink(store, writeSize, timed);
            long[] points = new long[2];
            long judgedCpu = 0;
            long[] cpus = new long[2];
            // with --keep true the files of an earlier run are written on from where it stopped: round 0 is then
            // an ordinary round, and the figures are those of files that are already in the page cache
            long start = keep ? store.lastUpdate("host0", "plugin0").orElse(T0) : T0;
            long totalPoints = 0;
            long totalNanos = 0;
            long totalCpu = 0;
            var os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (int r = 0; r <= warmup + rounds; r++) {
                List<SampleBatch> batches = round(start, r, plugins, fields, archives.step(), random, state);
                List<SpoolRecord> records = viaSink ? encode(batches) : null;
                boolean alerts = alertMode.equals("on") || (alertMode.equals("both") && r % 2 == 0);
                StoreSink into = alerts ? judged : sink;
                long cpu0 = os.getProcessCpuTime();
                long engine0 = engineCpu[0];
                long t0 = System.nanoTime();
                WriteResult w = WriteResult.NONE;
                if (viaSink) {
                    long before = into.written().points();
                    into.accept(records);
                    w = new WriteResult(0, into.written().points() - before, 0, 0, 0, 0);
                } else {
                    for (int i = 0; i < batches.size(); i += writeSize) {
                        List<SampleBatch> part = batches.subList(i, Math.min(batches.size(), i + writeSize));
                        w = w.plus(store.write(part));
                        if (alerts) {
                            timed.written(part);
                        }
                    }
                }
                if (r == 0 && !keep) {
                    // new plugins' files are made by the flush of their first updates: inside the create round's clock
                    store.flush();
                }
                long nanos = System.nanoTime() - t0;
                long cpu = os.getProcessCpuTime() - cpu0;
                String kind = r == 0 ? (keep ? "first" : "create") : r <= warmup ? "warm-up" : "measured";
                System.out.printf(Locale.ROOT, "round %3d %-8s %,10d points in %8.1f ms = %,12.0f points/s"
                        + ", %.2f CPU-us per point (open files %d)%s%n", r, kind, w.points(), nanos / 1e6,
                        w.points() / (nanos / 1e9), cpu / 1e3 / w.points(), store.openFiles(),
                        alertMode.equals("off") ? "" : alerts ? ", alerts on" : ", alerts off");
                if (r > warmup) {
                    totalPoints += w.points();
                    totalNanos += nanos;
                    totalCpu += cpu;
                    points[alerts ? 1 : 0] += w.points();
                    cpus[alerts ? 1 : 0] += cpu;
                    if (alerts) {
                        judgedCpu += engineCpu[0] - engine0;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "sustained: %,.0f points/s over %d rounds of %,d series (%s, via %s,"
                    + " open files %s, io %s, threads %s)%n", totalPoints / (totalNanos / 1e9), rounds,
                    plugins * fields, archives.name(), args.text("via"), args.text("open-files"), args.text("io"),
                    args.text("threads"));
            double cpuPerPoint = totalCpu / 1e9 / totalPoints;
            System.out.printf(Locale.ROOT, "CPU: %.2f us per point (process CPU time, all threads), so %,.0f points/s"
                    + " per core fully used; load average now %.1f on %d cores%n", cpuPerPoint * 1e6,
                    1 / cpuPerPoint, os.getSystemLoadAverage(), os.getAvailableProcessors());
            if (points[0] > 0 && points[1] > 0) {
                double off = cpus[0] / 1e3 / points[0];
                double on = cpus[1] / 1e3 / points[1];
                double judging = judgedCpu / 1e3 / points[1];
                System.out.printf(Locale.ROOT, "alerts: %.3f CPU-us per point with rules on, %.3f off: %+.1f %%"
                        + " (process CPU, 10 ms ticks); the engine's own thread CPU: %.3f us per point = %.1f %% of"
                        + " the ingest without it (%s watched fields, %s changes)%n", on, off, (on - off) / off * 100,
                        judging, judging / off * 100, engine.figures().get("watchedFields"),
                        engine.figures().get("changes"));
            }
            engine.close();
            System.out.printf(Locale.ROOT, "write-behind: %,d MB of updates waiting at the end; memory: this JVM %s%n",
                    store.pendingBytes() >> 20, CompareBench.Memory.of(ProcessHandle.current().pid()));
            long t0 = System.nanoTime();
            long cpu0 = osBean.getProcessCpuTime();
            store.close();
            closeNanos = System.nanoTime() - t0;
            closeCpu = osBean.getProcessCpuTime() - cpu0;
        } finally {
            store.close(); // at once when closed above
        }
        System.out.printf(Locale.ROOT, "close (writes every file's waiting updates): %.1f s, %.1f CPU-s%n",
                closeNanos / 1e9, closeCpu / 1e9);
    }

    /**
     * Round {@code r} (from 0) of the ingest workload, at {@code start + step * (r + 1)}: {@code plugins} plugins,
     * fifty a host, of {@code fields} fields, a COUNTER then GAUGEs, moved on from {@code state}; round 0 carries the
     * metadata.
     */
    public static List<SampleBatch> round(long start, int r, int plugins, int fields, long step,
            SplittableRandom random, double[][] state) {
        List<SampleBatch> out = new ArrayList<>(plugins);
        for (int p = 0; p < plugins; p++) {
            Map<String, Double> values = new LinkedHashMap<>();
            for (int f = 0; f < fields; f++) {
                // a counter for the first field (it grows), gauges that wander for the others
                state[p][f] += f == 0 ? random.nextInt(1000) : random.nextDouble(-1, 1);
                values.put("f" + f, state[p][f]);
            }
            SampleBatch b = new SampleBatch("host" + (p / 50), "plugin" + (p % 50), start + step * (r + 1), values,
                    null);
            out.add(r == 0 ? b.withMeta(meta("plugin" + (p % 50), fields)) : b);
        }
        return out;
    }

    static Plugin meta(String name, int fields) {
        Plugin.Builder b = Plugin.builder(name).title(name).category("bench");
        for (int f = 0; f < fields; f++) {
            // limits that are never crossed: the alert engine judges every point, and nothing changes state
            b.field(Field.builder("f" + f).type(f == 0 ? FieldType.COUNTER : FieldType.GAUGE).min(f == 0 ? 0.0 : null)
                    .warning("-1000000:1000000").critical("-10000000:10000000").build());
        }
        return b.build();
    }

    private static List<SpoolRecord> encode(List<SampleBatch> batches) {
        List<SpoolRecord> out = new ArrayList<>(batches.size());
        long seq = 0;
        for (SampleBatch b : batches) {
            out.add(new SpoolRecord(++seq, 0, RecordCodec.encode(b)));
        }
        return out;
    }
}
