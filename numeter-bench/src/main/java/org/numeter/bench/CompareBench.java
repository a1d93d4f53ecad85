package org.numeter.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.numeter.model.SampleBatch;
import org.numeter.storage.GraphRenderer;
import org.numeter.storage.RrdStore;
import org.numeter.store.Archives;
import org.numeter.store.WriteResult;

/**
 * Each figure of the storage beside its anchor, in one run, alternating: file creation against {@code rrdtool
 * create} (same layout), ingest rounds against rrdcached flushing every round (same plugins, fields, types,
 * archives, rounds; both sides have every round in the files when its clock stops, neither forces them to the
 * disk), and the PNG of 1 week, 800x300, 5 stacked fields with munin's legend against {@code rrdtool graph} on the
 * same data. The store runs with the shipped settings. Prints a table with both sides, the ratio, the CPU per
 * point, the load average and the processor read at run time, ready for docs/benchmarks.md.
 */
public final class CompareBench {
    private static final long T0 = IngestBench.T0;

    private CompareBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "dir", "/tmp/numeter-bench-compare", "plugins", "20000", "fields", "5",
                "rounds", "10", "warmup", "2", "png", "200", "png-warmup", "200", "write-size", "5000",
                "rrdcached-threads", "2");
        int plugins = args.integer("plugins");
        int fields = args.integer("fields");
        int rounds = args.integer("rounds");
        int warmup = args.integer("warmup");
        int writeSize = args.integer("write-size");
        Path dir = Path.of(args.text("dir"));
        Path ours = dir.resolve("numeter");
        Path theirs = dir.resolve("rrdtool");
        System.out.println("compare: " + args + ", " + Instant.now());
        System.out.println("machine: " + Machine.describe());
        System.out.println("rrdtool: " + RrdcachedBench.run("rrdtool", "--version").lines().findFirst().orElse("?"));
        Machine.deleteTree(dir);
        Files.createDirectories(theirs);
        List<Row> table = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Archives archives = Archives.DEFAULT;

        try (RrdStore store = RrdStore.builder(ours).archives(archives).open()) {
            // ---- creation: the first round makes every file, on both sides
            SplittableRandom random = new SplittableRandom(42);
            double[][] state = new double[plugins][fields];
            List<SampleBatch> first = IngestBench.round(T0, 0, plugins, fields, archives.step(), random, state);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            write(store, first, writeSize);
            // a new plugin's files are made by the flush of its first updates (write-behind): made here, inside the
            // clock, so that the figure is the making of 20,000 files (each with its first point)
            store.flush();
            Side mine = new Side(System.nanoTime() - t0, os.getProcessCpuTime() - cpu0, plugins);
            long[] rrdtoolCpu = new long[1];
            t0 = System.nanoTime();
            RrdcachedBench.create(theirs, plugins, fields, rrdtoolCpu);
            Side anchor = new Side(System.nanoTime() - t0, rrdtoolCpu[0], plugins);
            table.add(new Row("create " + plugins + " files", "files/s", mine, anchor, "rrdtool create", os));

            // ---- ingest: a round of each, in turn
            try (Rrdcached daemon = Rrdcached.start(theirs, args.text("rrdcached-threads"),
                    dir.resolve("rrdcached.log"))) {
                Side ingestMine = Side.NONE;
                Side ingestAnchor = Side.NONE;
                for (int r = 1; r <= warmup + rounds; r++) {
                    List<SampleBatch> batches = IngestBench.round(T0, r, plugins, fields, archives.step(), random,
                            state);
                    String text = updates(batches, fields);
                    cpu0 = os.getProcessCpuTime();
                    t0 = System.nanoTime();
                    long points = write(store, batches, writeSize);
                    Side m = new Side(System.nanoTime() - t0, os.getProcessCpuTime() - cpu0, points);

                    long d0 = daemon.cpuNanos();
                    t0 = System.nanoTime();
                    daemon.batch(text, plugins).forEach(line -> System.out.println("rrdcached: " + line));
                    daemon.flushAll();
                    Side a = new Side(System.nanoTime() - t0, daemon.cpuNanos() - d0, (long) plugins * fields);
                    System.out.printf(Locale.ROOT, "round %2d %-8s numeter %,10.0f points/s %5.2f CPU-us/point |"
                            + " rrdcached %,10.0f points/s %5.2f CPU-us/point | load %.1f%n", r,
                            r <= warmup ? "warm-up" : "measured", m.perSecond(), m.cpuMicros(), a.perSecond(),
                            a.cpuMicros(), os.getSystemLoadAverage());
                    if (r > warmup) {
                        ingestMine = ingestMine.plus(m);
                        ingestAnchor = ingestAnchor.plus(a);
                    }
                }
                table.add(new Row("ingest " + plugins + " x " + fields + ", " + rounds + " rounds", "points/s",
                        ingestMine, ingestAnchor, "rrdcached, FLUSHALL every round", os));
                System.out.println("memory: numeter (this JVM) " + Memory.of(ProcessHandle.current().pid())
                        + "; rrdcached " + Memory.of(daemon.pid()));
            }

            // ---- PNG: a week of one plugin on both sides, drawn in turn
            int n = args.integer("png");
            if (n > 0) {
                png(store, theirs, n, args.integer("png-warmup"), os, table);
            }
        }

        System.out.println();
        System.out.println("Processor: " + Machine.describe() + "; " + Instant.now());
        System.out.println("| figure | Numeter | anchor | Numeter / anchor | CPU per unit, Numeter | CPU per unit,"
                + " anchor | load average |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : table) {
            System.out.println(r);
        }
    }

    private static long write(RrdStore store, List<SampleBatch> batches, int writeSize) throws Exception {
        WriteResult w = WriteResult.NONE;
        for (int i = 0; i < batches.size(); i += writeSize) {
            w = w.plus(store.write(batches.subList(i, Math.min(batches.size(), i + writeSize))));
        }
        return w.points();
    }

    private static String updates(List<SampleBatch> batches, int fields) {
        StringBuilder b = new StringBuilder(batches.size() * 80);
        for (SampleBatch s : batches) {
            b.append("UPDATE ").append(s.host()).append('/').append(s.plugin()).append(".rrd ").append(s.timestamp());
            for (int f = 0; f < fields; f++) {
                double v = s.values().get("f" + f);
                b.append(':').append(f == 0 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * One week of one 5-field plugin in both stores, then {@code n} drawings of each, alternating, after
     * {@code warmup} drawings of each that are not counted (a first drawing loads fonts and classes; the JVM compiles
     * its code over the next hundreds). The defaults (200 and 200) measure a web role that has drawn a few hundred
     * graphs since it started, as a serving one has; {@code --png-warmup 5} shows a cold one.
     */
    private static void png(RrdStore store, Path theirs, int n, int warmup,
            com.sun.management.OperatingSystemMXBean os, List<Row> table) throws Exception {
        long end = T0 + GraphWeek.SPAN;
        Path rrd = theirs.resolve(GraphWeek.HOST).resolve(GraphWeek.PLUGIN + ".rrd");
        Files.createDirectories(rrd.getParent());
        StringBuilder create = new StringBuilder("create " + rrd + " --start " + (end - GraphWeek.SPAN) + " --step "
                + GraphWeek.STEP);
        for (int f = 0; f < GraphWeek.FIELDS; f++) {
            create.append(" DS:f").append(f).append(":GAUGE:120:U:U");
        }
        create.append(Rrdtool.rras(Archives.DEFAULT));
        try (Rrdtool rrdtool = Rrdtool.start()) {
            rrdtool.ask(create.toString());
            List<SampleBatch> batches = GraphWeek.batches(end);
            for (int i = 0; i < batches.size(); i += 200) {
                StringBuilder update = new StringBuilder("update ").append(rrd);
                for (SampleBatch b : batches.subList(i, Math.min(i + 200, batches.size()))) {
                    update.append(' ').append(b.timestamp());
                    for (double v : b.values().values()) {
                        update.append(':').append(String.format(Locale.ROOT, "%.4f", v));
                    }
                }
                rrdtool.ask(update.toString());
            }
            store.write(batches);

            // munin's graph: stacked areas, each with current, minimum, average and maximum in the legend
            StringBuilder graph = new StringBuilder("graph /dev/null --imgformat PNG --start " + (end - 7 * 86400L)
                    + " --end " + end + " --width 800 --height 300 --full-size-mode --title \"A week\"");
            graph.append(" COMMENT:\"                  Cur\\:      Min\\:      Avg\\:      Max\\:\\j\"");
            for (int f = 0; f < 5; f++) {
                graph.append(" DEF:a").append(f).append('=').append(rrd).append(":f").append(f).append(":AVERAGE");
                graph.append(" DEF:i").append(f).append('=').append(rrd).append(":f").append(f).append(":MIN");
                graph.append(" DEF:x").append(f).append('=').append(rrd).append(":f").append(f).append(":MAX");
                graph.append(f == 0 ? " AREA:a0#00CC00:\"f0              \"" : " STACK:a" + f + "#"
                        + List.of("00CC00", "0066B3", "FF8000", "FFCC00", "330099").get(f) + ":\"f" + f
                        + "              \"");
                graph.append(" GPRINT:a").append(f).append(":LAST:\"%7.2lf%s\"");
                graph.append(" GPRINT:i").append(f).append(":MIN:\"%7.2lf%s\"");
                graph.append(" GPRINT:a").append(f).append(":AVERAGE:\"%7.2lf%s\"");
                graph.append(" GPRINT:x").append(f).append(":MAX:\"%7.2lf%s\\j\"");
            }
            GraphRenderer renderer = new GraphRenderer(store);
            double[] mine = new double[n];
            double[] anchor = new double[n];
            long cpuMine = 0;
            long cpuAnchor = 0;
            int bytes = 0;
            for (int i = -warmup; i < n; i++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                bytes = renderer.png(GraphWeek.HOST, GraphWeek.PLUGIN, end - 7 * 86400L, end, 800, 300).length;
                long took = System.nanoTime() - t0;
                long used = os.getProcessCpuTime() - c0;
                long a0 = rrdtool.cpuNanos();
                long t1 = System.nanoTime();
                rrdtool.ask(graph.toString());
                long tookAnchor = System.nanoTime() - t1;
                if (i >= 0) {
                    mine[i] = took / 1e6;
                    anchor[i] = tookAnchor / 1e6;
                    cpuMine += used;
                    cpuAnchor += rrdtool.cpuNanos() - a0;
                }
            }
            Arrays.sort(mine);
            Arrays.sort(anchor);
            System.out.printf(Locale.ROOT, "png (%d warm-up, %d measured): numeter %d bytes; p50 %.1f ms, p99 %.1f ms"
                    + " | rrdtool graph p50 %.1f ms, p99 %.1f ms%n", warmup, n, bytes, Machine.percentile(mine, 50),
                    Machine.percentile(mine, 99),
                    Machine.percentile(anchor, 50), Machine.percentile(anchor, 99));
            table.add(Row.latency("PNG 1 week 800x300, 5 stacked + legend, p50", Machine.percentile(mine, 50),
                    Machine.percentile(anchor, 50), cpuMine / 1e6 / n, cpuAnchor / 1e6 / n, os));
            table.add(Row.latency("PNG 1 week 800x300, 5 stacked + legend, p99", Machine.percentile(mine, 99),
                    Machine.percentile(anchor, 99), cpuMine / 1e6 / n, cpuAnchor / 1e6 / n, os));
        }
    }

    /** One side of a figure: wall time, CPU time, and units done (points, files). */
    private record Side(long nanos, long cpuNanos, long units) {
        static final Side NONE = new Side(0, 0, 0);

        Side plus(Side o) {
            return new Side(nanos + o.nanos, cpuNanos + o.cpuNanos, units + o.units);
        }

        double perSecond() {
            return units / (nanos / 1e9);
        }

        double cpuMicros() {
            return cpuNanos / 1e3 / units;
        }
    }

    private record Row(String figure, String mine, String anchor, String ratio, String cpuMine, String cpuAnchor,
            String load) {
        Row(String figure, String unit, Side m, Side a, String anchorName,
                com.sun.management.OperatingSystemMXBean os) {
            this(figure, String.format(Locale.ROOT, "%,.0f %s", m.perSecond(), unit),
                    String.format(Locale.ROOT, "%,.0f %s (%s)", a.perSecond(), unit, anchorName),
                    String.format(Locale.ROOT, "%.2f×", m.perSecond() / a.perSecond()),
                    String.format(Locale.ROOT, "%.2f µs", m.cpuMicros()),
                    String.format(Locale.ROOT, "%.2f µs", a.cpuMicros()),
                    String.format(Locale.ROOT, "%.1f", os.getSystemLoadAverage()));
        }

        static Row latency(String figure, double mine, double anchor, double cpuMine, double cpuAnchor,
                com.sun.management.OperatingSystemMXBean os) {
            return new Row(figure, String.format(Locale.ROOT, "%.1f ms", mine),
                    String.format(Locale.ROOT, "%.1f ms (rrdtool graph)", anchor),
                    String.format(Locale.ROOT, "%.2f× faster", anchor / mine),
                    String.format(Locale.ROOT, "%.1f ms CPU/graph", cpuMine),
                    String.format(Locale.ROOT, "%.1f ms CPU/graph", cpuAnchor),
                    String.format(Locale.ROOT, "%.1f", os.getSystemLoadAverage()));
        }

        @Override
        public String toString() {
            return "| " + figure + " | " + mine + " | " + anchor + " | " + ratio + " | " + cpuMine + " | " + cpuAnchor
                    + " | " + load + " |";
        }
    }

    /** RssAnon and RssFile of a process, from /proc. */
    record Memory(long anonKb, long fileKb) {
        static Memory of(long pid) throws java.io.IOException {
            long anon = -1;
            long file = -1;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("RssAnon:")) {
                    anon = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("RssFile:")) {
                    file = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return new Memory(anon, file);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "RssAnon %,d MB, RssFile %,d MB", anonKb >> 10, fileKb >> 10);
        }
    }
}
