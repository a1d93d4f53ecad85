package org.numeter.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.numeter.store.Archives;

/**
 * The ingest workload of {@link IngestBench} written by rrdtool through rrdcached (Debian's packages), for the
 * ratio: the same plugins, fields, types and archives, one file per plugin. rrdcached is started here (two write
 * threads, no journal) and fed over its socket in BATCH mode. With {@code --flush round} every round ends with
 * FLUSHALL and waits until rrdcached has written every value, so each round is on disk in the files as it is with
 * the rrd4j store; with {@code --flush end} it only flushes after the last round, its most favourable mode.
 */
public final class RrdcachedBench {
    private static final long T0 = 1_699_920_000L;

    private RrdcachedBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "dir", "/tmp/numeter-bench-rrdtool", "plugins", "20000", "fields", "5",
                "rounds", "20", "warmup", "5", "flush", "round", "threads", "2");
        int plugins = args.integer("plugins");
        int fields = args.integer("fields");
        int rounds = args.integer("rounds");
        int warmup = args.integer("warmup");
        boolean flushEachRound = args.text("flush").equals("round");
        Path dir = Path.of(args.text("dir"));
        System.out.println("rrdcached: " + args);
        System.out.println("machine: " + Machine.describe());
        System.out.println("rrdtool: " + run("rrdtool", "--version").lines().findFirst().orElse("?"));
        Machine.deleteTree(dir);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        create(dir, plugins, fields, new long[1]);
        System.out.printf(Locale.ROOT, "created %d files in %.1f s%n", plugins, (System.nanoTime() - t0) / 1e9);

        try (Rrdcached daemon = Rrdcached.start(dir, args.text("threads"), dir.resolve("rrdcached.log"))) {
            SplittableRandom random = new SplittableRandom(42);
            double[][] state = new double[plugins][fields];
            long points = 0;
            long nanos = 0;
            long cpu = 0;
            for (int r = 1; r <= warmup + rounds; r++) {
                StringBuilder batch = new StringBuilder(plugins * 64);
                for (int p = 0; p < plugins; p++) {
                    batch.append("UPDATE host").append(p / 50).append("/plugin").append(p % 50).append(".rrd ")
                            .append(T0 + 60L * r);
                    for (int f = 0; f < fields; f++) {
                        state[p][f] += f == 0 ? random.nextInt(1000) : random.nextDouble(-1, 1);
                        batch.append(':').append(f == 0 ? Long.toString((long) state[p][f])
                                : String.format(Locale.ROOT, "%.6f", state[p][f]));
                    }
                    batch.append('\n');
                }
                long cpu0 = daemon.cpuNanos();
                long start = System.nanoTime();
                List<String> errors = daemon.batch(batch.toString(), plugins);
                errors.stream().limit(3).forEach(line -> System.out.println("rrdcached: " + line));
                if (flushEachRound || r == warmup + rounds) {
                    daemon.flushAll();
                }
                long took = System.nanoTime() - start;
                long used = daemon.cpuNanos() - cpu0;
                if (r > warmup) {
                    points += (long) plugins * fields;
                    nanos += took;
                    cpu += used;
                }
                System.out.printf(Locale.ROOT, "round %3d %-8s %,10d points in %8.1f ms = %,12.0f points/s,"
                        + " %.2f CPU-us per point (rrdcached)%s%n", r, r <= warmup ? "warm-up" : "measured",
                        (long) plugins * fields, took / 1e6, plugins * fields / (took / 1e9),
                        used / 1e3 / (plugins * fields), errors.isEmpty() ? "" : ", " + errors.size() + " errors");
            }
            System.out.printf(Locale.ROOT, "sustained: %,.0f points/s over %d rounds of %,d series (rrdtool"
                    + " through rrdcached, flush: %s, %s write threads)%n", points / (nanos / 1e9), rounds,
                    plugins * fields, args.text("flush"), args.text("threads"));
            System.out.printf(Locale.ROOT, "CPU: %.2f us per point in rrdcached, so %,.0f points/s per core"
                    + " fully used%n", cpu / 1e3 / points, points / (cpu / 1e9));
        }
    }

    /**
     * rrdtool's own create, one per plugin, through one {@code rrdtool -} process; {@code cpu[0]} gets the CPU time
     * that process used.
     */
    static void create(Path dir, int plugins, int fields, long[] cpu) throws Exception {
        try (Rrdtool rrdtool = Rrdtool.start()) {
            Archives a = Archives.DEFAULT;
            StringBuilder layout = new StringBuilder(" --start " + T0 + " --step " + a.step());
            for (int f = 0; f < fields; f++) {
                layout.append(" DS:f").append(f).append(f == 0 ? ":COUNTER:" : ":GAUGE:").append(a.heartbeat())
                        .append(f == 0 ? ":0:U" : ":U:U");
            }
            layout.append(Rrdtool.rras(a));
            Map<Integer, Boolean> made = new HashMap<>();
            for (int p = 0; p < plugins; p++) {
                if (made.putIfAbsent(p / 50, true) == null) {
                    Files.createDirectories(dir.resolve("host" + p / 50));
                }
                rrdtool.ask("create " + dir.resolve("host" + p / 50).resolve("plugin" + p % 50 + ".rrd") + layout);
            }
            cpu[0] = rrdtool.cpuNanos();
        }
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
