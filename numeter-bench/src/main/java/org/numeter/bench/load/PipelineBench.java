package org.numeter.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.numeter.bench.BenchArgs;
import org.numeter.bench.Machine;
import org.numeter.link.Drain;
import org.numeter.link.HttpSpoolReader;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;
import org.numeter.storage.RrdStore;
import org.numeter.storage.StoreSink;
import org.numeter.store.Archives;
import org.numeter.store.WriteResult;

/**
 * The CPU per point of the collector and of the storage in one run, for the two encodings side by side: simulated
 * pollers (the real pull link, in this JVM), a collector in a child JVM per encoding (file spool, host checks,
 * the real pull link to the pollers and to the storage), and the storage here (the pull link's client, its
 * {@link StoreSink}, a {@link RrdStore} writing real files with the default archives).
 *
 * <ul>
 *   <li><b>v1</b>: the old encoding, as this version speaks it with older peers: pollers hold JSON records and
 *       the collector and the storage ask for JSON pages ({@code linkVersion(1)}). The collector decodes each
 *       JSON batch (and spools it as a v2 record), then serves it as JSON again (decoded and re-encoded); the
 *       storage decodes each JSON batch. Close to the previous version's cost, not the same: that one decoded
 *       each record twice at the collector and scanned it once more to serve it.
 *   <li><b>v2</b>: pollers hold compact records, the hops ask for version 2 pages; the collector reads only each
 *       record's envelope and forwards the bytes; the storage decodes once.
 * </ul>
 *
 * Rounds alternate v1 and v2 on the same files (one step later each round). A round: every poller appends its
 * points; the round's collector runs one cycle (drains every poller into its spool); then the storage drains that
 * collector. The collector's CPU is its process's over the whole round (its drain and what it serves the
 * storage), from /proc, with its system time (fsync, network) apart; the storage's is this process's while it
 * drains (the pollers are idle then), and of it the part spent reading pages and acknowledging them (its link:
 * HTTP, the page, each record's check) is shown apart from decoding and writing the files. The first
 * {@code --warmup} rounds of each encoding (the first creates the files; all warm both collectors' JIT) are not
 * counted.
 *
 * <pre>
 * numeter-bench/run.sh pipeline --pollers 1000 --series 50 --fields 5 --rounds 12 --warmup 3
 * </pre>
 *
 * {@code --jfr <dir>} profiles both collectors with Java Flight Recorder ({@code collector-v1.jfr},
 * {@code collector-v2.jfr} there, written when they end): {@code jfr print --events jdk.ExecutionSample}.
 */
public final class PipelineBench {
    private static final String POLLER_TOKEN = "bench-poller-token";
    private static final String COLLECTOR_TOKEN = "bench-collector-token";
    private static final long T0 = 1_700_000_040L;

    private PipelineBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "pollers", "1000", "series", "50", "fields", "5", "rounds", "12", "warmup", "3",
                "parallelism", "16", "open-files", "0", "dir", "/tmp/numeter-bench-pipeline", "collector-heap",
                "512m", "jfr", "none");
        int pollers = args.integer("pollers");
        int series = args.integer("series");
        int fields = args.integer("fields");
        int rounds = args.integer("rounds");
        int warmup = args.integer("warmup");
        Path dir = Path.of(args.text("dir"));
        System.out.println("pipeline: " + args);
        System.out.println("machine: " + Machine.describe());
        System.out.println("load average at start: " + Machine.loadAverage());
        Machine.deleteTree(dir);
        Files.createDirectories(dir);
        SimulatedFleet fleet = new SimulatedFleet(pollers, series, fields, 256L << 20);
        int openFiles = args.integer("open-files") > 0 ? args.integer("open-files")
                : pollers * Math.max(1, series / fields);
        System.out.println("storage: RrdStore, default archives, open files " + openFiles + ", "
                + Math.max(1, series / fields) * pollers + " files");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][] collector = new double[2][rounds];
        double[][] storage = new double[2][rounds];
        double[][] link = new double[2][rounds];
        int[] counted = new int[2];
        try (FleetServer endpoints = new FleetServer(fleet, POLLER_TOKEN, 32);
                RrdStore store = RrdStore.builder(dir.resolve("rrd")).archives(Archives.named("default"))
                        .openFiles(openFiles).open()) {
            endpoints.start();
            Path pollersFile = endpoints.writePollersFile(dir.resolve("pollers"));
            StoreSink sink = new StoreSink(store);
            try (CollectorProcess v1 = new CollectorProcess(pollersFile, dir.resolve("spool-v1"), 0,
                    args.integer("parallelism"), POLLER_TOKEN, COLLECTOR_TOKEN, args.text("collector-heap"), 1,
                    flightRecording(args.text("jfr"), 1));
                    CollectorProcess v2 = new CollectorProcess(pollersFile, dir.resolve("spool-v2"), 0,
                            args.integer("parallelism"), POLLER_TOKEN, COLLECTOR_TOKEN, args.text("collector-heap"),
                            2, flightRecording(args.text("jfr"), 2))) {
                CollectorProcess[] collectors = {v1, v2};
                Drain[] drains = new Drain[2];
                TimedReader[] readers = new TimedReader[2];
                for (int v = 0; v < 2; v++) {
                    readers[v] = new TimedReader(HttpSpoolReader.builder(URI.create("http://127.0.0.1:"
                            + collectors[v].port())).token(COLLECTOR_TOKEN).linkVersion(v + 1).build(), os);
                    drains[v] = new Drain("storage from v" + (v + 1), readers[v], sink, 5000);
                }
                for (int round = 0; round < 2 * (warmup + rounds); round++) {
                    int v = round % 2;
                    fleet.compact(v == 1);
                    fleet.tick(T0 + 60L * round);
                    long points = fleet.pointsPerTick();
                    WriteResult before = sink.written();
                    double collector0 = collectors[v].cpuSeconds();
                    double system0 = collectors[v].systemSeconds();
                    long wall0 = System.nanoTime();
                    collectors[v].cycle();
                    long storage0 = os.getProcessCpuTime();
                    long link0 = readers[v].nanos;
                    long wall1 = System.nanoTime();
                    drains[v].drainOnce();
                    long storage1 = os.getProcessCpuTime();
                    long wall2 = System.nanoTime();
                    double collectorCpu = collectors[v].cpuSeconds() - collector0;
                    double systemUs = (collectors[v].systemSeconds() - system0) * 1e6 / points;
                    WriteResult after = sink.written();
                    long stored = after.points() - before.points();
                    double cUs = collectorCpu * 1e6 / points;
                    double sUs = (storage1 - storage0) / 1e3 / points;
                    double lUs = (readers[v].nanos - link0) / 1e3 / points;
                    boolean warm = round >= 2 * warmup;
                    System.out.printf(Locale.ROOT, "round %2d %s %s: %,d points, stored %,d (duplicates %d, late %d),"
                            + " collector %.2f CPU-us/point (system %.2f; cycle %.0f ms), storage %.2f CPU-us/point (drain %.0f ms;"
                            + " its link %.2f)%n",
                            round, "v" + (v + 1), warm ? "measured" : "warm-up ", points, stored,
                            after.duplicates() - before.duplicates(), after.late() - before.late(), cUs, systemUs,
                            (wall1 - wall0) / 1e6, sUs, (wall2 - wall1) / 1e6, lUs);
                    if (stored < points) {
                        throw new IllegalStateException("round " + round + ": " + (points - stored) + " points lost");
                    }
                    if (warm) {
                        collector[v][counted[v]] = cUs;
                        storage[v][counted[v]] = sUs;
                        link[v][counted[v]] = lUs;
                        counted[v]++;
                    }
                }
            }
        } finally {
            Machine.deleteTree(dir);
        }
        System.out.println("load average at end: " + Machine.loadAverage());
        System.out.println();
        System.out.println("| link | collector CPU-µs per point (median) | storage CPU-µs per point (median) |"
                + " collector ÷ storage | storage's link part (read, check, ack) |");
        System.out.println("|---|---|---|---|---|");
        for (int v = 0; v < 2; v++) {
            double c = median(collector[v], counted[v]);
            double s = median(storage[v], counted[v]);
            System.out.printf(Locale.ROOT, "| v%d (%s) | %.2f | %.2f | %.2f | %.2f |%n", v + 1,
                    v == 0 ? "JSON pages, JSON records" : "compact pages and records", c, s, c / s,
                    median(link[v], counted[v]));
        }
    }

    /**
     * The child JVM option that records a collector's run for Java Flight Recorder (profile settings) into
     * {@code dir/collector-v<version>.jfr} (Java samples every millisecond), written when it ends; none for
 * {@code --jfr none}.
     */
    private static List<String> flightRecording(String dir, int version) {
        if (dir.equals("none")) {
            return List.of();
        }
        Path file = Path.of(dir).toAbsolutePath().resolve("collector-v" + version + ".jfr");
        return List.of("-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,dumponexit=true,"
                + "filename=" + file);
    }

    /** The process CPU spent in the storage's link: reading pages (HTTP, page, record checks) and acknowledging. */
    private static final class TimedReader implements SpoolReader {
        private final SpoolReader reader;
        private final com.sun.management.OperatingSystemMXBean os;
        long nanos;

        TimedReader(SpoolReader reader, com.sun.management.OperatingSystemMXBean os) {
            this.reader = reader;
            this.os = os;
        }

        @Override
        public List<SpoolRecord> read(long from, int max) throws IOException {
            long t0 = os.getProcessCpuTime();
            try {
                return reader.read(from, max);
            } finally {
                nanos += os.getProcessCpuTime() - t0;
            }
        }

        @Override
        public void ack(long upTo) throws IOException {
            long t0 = os.getProcessCpuTime();
            try {
                reader.ack(upTo);
            } finally {
                nanos += os.getProcessCpuTime() - t0;
            }
        }
    }

    private static double median(double[] values, int n) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return Machine.percentile(sorted, 50);
    }
}
