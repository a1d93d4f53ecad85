package org.numeter.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.numeter.codec.BatchCodec;
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
 * rounds after the warm-up ones are the sustained figure. {@code --via sink} hands the store JSON records through
 * {@link StoreSink}, as the pull link does; {@code --via store} hands it decoded batches.
 */
public final class IngestBench {
    private static final long T0 = 1_699_920_000L;

    private IngestBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv,
                "dir", "/tmp/numeter-bench-ingest", "plugins", "20000", "fields", "5", "rounds", "20",
                "warmup", "5", "open-files", "25000", "threads", "" + Runtime.getRuntime().availableProcessors(),
                "archives", "default", "via", "store", "write-size", "5000", "keep", "false");
        int plugins = args.integer("plugins");
        int fields = args.integer("fields");
        int rounds = args.integer("rounds");
        int warmup = args.integer("warmup");
        int writeSize = args.integer("write-size");
        boolean viaSink = args.text("via").equals("sink");
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
        try (RrdStore store = RrdStore.builder(dir).archives(archives).openFiles(args.integer("open-files"))
                .threads(args.integer("threads")).open()) {
            StoreSink sink = new StoreSink(store, writeSize);
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
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                WriteResult w = WriteResult.NONE;
                if (viaSink) {
                    long before = sink.written().points();
                    sink.accept(records);
                    w = new WriteResult(0, sink.written().points() - before, 0, 0, 0, 0);
                } else {
                    for (int i = 0; i < batches.size(); i += writeSize) {
                        w = w.plus(store.write(batches.subList(i, Math.min(batches.size(), i + writeSize))));
                    }
                }
                long nanos = System.nanoTime() - t0;
                long cpu = os.getProcessCpuTime() - cpu0;
                String kind = r == 0 ? (keep ? "first" : "create") : r <= warmup ? "warm-up" : "measured";
                System.out.printf(Locale.ROOT, "round %3d %-8s %,10d points in %8.1f ms = %,12.0f points/s"
                        + ", %.2f CPU-us per point (open files %d)%n", r, kind, w.points(), nanos / 1e6,
                        w.points() / (nanos / 1e9), cpu / 1e3 / w.points(), store.openFiles());
                if (r > warmup) {
                    totalPoints += w.points();
                    totalNanos += nanos;
                    totalCpu += cpu;
                }
            }
            System.out.printf(Locale.ROOT, "sustained: %,.0f points/s over %d rounds of %,d series (%s, via %s,"
                    + " open files %s, threads %s)%n", totalPoints / (totalNanos / 1e9), rounds, plugins * fields,
                    archives.name(), args.text("via"), args.text("open-files"), args.text("threads"));
            double cpuPerPoint = totalCpu / 1e9 / totalPoints;
            System.out.printf(Locale.ROOT, "CPU: %.2f us per point (process CPU time, all threads), so %,.0f points/s"
                    + " per core fully used; load average now %.1f on %d cores%n", cpuPerPoint * 1e6,
                    1 / cpuPerPoint, os.getSystemLoadAverage(), os.getAvailableProcessors());
        }
    }

    private static List<SampleBatch> round(long start, int r, int plugins, int fields, long step, SplittableRandom random,
            double[][] state) {
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

    private static Plugin meta(String name, int fields) {
        Plugin.Builder b = Plugin.builder(name).title(name).category("bench");
        for (int f = 0; f < fields; f++) {
            b.field(Field.builder("f" + f).type(f == 0 ? FieldType.COUNTER : FieldType.GAUGE).min(f == 0 ? 0.0 : null)
                    .build());
        }
        return b.build();
    }

    private static List<SpoolRecord> encode(List<SampleBatch> batches) {
        List<SpoolRecord> out = new ArrayList<>(batches.size());
        long seq = 0;
        for (SampleBatch b : batches) {
            out.add(new SpoolRecord(++seq, 0, BatchCodec.encode(b)));
        }
        return out;
    }
}
