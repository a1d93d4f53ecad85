package org.numeter.bench.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.numeter.bench.Machine;
import org.numeter.link.Drain;
import org.numeter.link.HttpSpoolReader;

/**
 * A load run: many simulated pollers in this JVM (each with its own spool and its own pull endpoint, served by
 * the real pull link), one collector in a child JVM reaching them over HTTP, and a storage side here draining the
 * collector over HTTP. Every poller produces {@code series} values each {@code interval}. It reports what was
 * produced, stored, doubled and lost, the worst end-to-end lag (sample time to stored), and the collector
 * process's CPU and memory.
 *
 * <pre>
 * java -cp ... org.numeter.bench.load.LoadGenerator --pollers 10000 --series 50 --interval 60 --ticks 3
 * </pre>
 *
 * <p>With {@code --storage real} the storage is the real storage role in its own JVM writing real files under
 * {@code --dir} ({@link RealStorageRun}).
 */
public final class LoadGenerator {
    static final String POLLER_TOKEN = "bench-poller-token";
    static final String COLLECTOR_TOKEN = "bench-collector-token";

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int pollers = Integer.parseInt(o.getOrDefault("pollers", "1000"));
        int series = Integer.parseInt(o.getOrDefault("series", "50"));
        Duration interval = Duration.ofSeconds(Long.parseLong(o.getOrDefault("interval", "60")));
        int ticks = Integer.parseInt(o.getOrDefault("ticks", "3"));
        // the shipped collector.interval and storage.interval (Settings) unless a run says otherwise
        Duration collectorInterval = Duration.ofSeconds(Long.parseLong(o.getOrDefault("collector-interval", "30")));
        int parallelism = Integer.parseInt(o.getOrDefault("parallelism", "64"));
        String heap = o.getOrDefault("collector-heap", "512m");
        System.out.println(Machine.describe() + "; load average " + Machine.loadAverage());
        if (o.getOrDefault("storage", "side").equals("real")) {
            Duration drain = Duration.ofSeconds(Long.parseLong(o.getOrDefault("storage-interval", "10")));
            Path dir = o.containsKey("dir") ? Path.of(o.get("dir")) : Files.createTempDirectory("numeter-load");
            // added to the launcher's options as NUMETER_JAVA_OPTS would be, e.g. "-Xmx384m"
            String jvm = o.getOrDefault("storage-java-opts", "").trim();
            List<String> storageJvm = jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+"));
            System.out.println(RealStorageRun.run(new RealStorageRun.Setup(pollers, series, interval, ticks,
                    collectorInterval, parallelism, heap, drain, storageJvm, dir)));
        } else if (o.getOrDefault("storage", "side").equals("side")) {
            System.out.println(run(pollers, series, interval, ticks, collectorInterval, parallelism, heap));
        } else {
            throw new IllegalArgumentException("--storage '" + o.get("storage") + "': one of side (in this JVM, no"
                    + " files) or real (the storage role in its own JVM, writing files)");
        }
        System.out.println("load average at the end " + Machine.loadAverage());
    }

    record Report(int pollers, int series, Duration interval, Duration collectorInterval, int parallelism,
            long produced, long stored, long duplicates, long droppedByPollers, long worstLagMillis,
            double collectorCores, long collectorRssMaxMib, String collectorHeap) {
        boolean meetsTarget() {
            return stored == produced && droppedByPollers == 0 && worstLagMillis < interval.toMillis();
        }

        @Override
        public String toString() {
            return String.format("pollers=%d series=%d interval=%ds collector-interval=%ds parallelism=%d "
                    + "produced=%d stored=%d duplicates=%d lost=%d poller-drops=%d worst-lag=%.1fs "
                    + "collector-cpu=%.2f cores collector-rss-max=%d MiB (-Xmx%s) target=%s", pollers, series,
                    interval.toSeconds(), collectorInterval.toSeconds(), parallelism, produced, stored, duplicates,
                    produced - stored, droppedByPollers, worstLagMillis / 1000.0, collectorCores,
                    collectorRssMaxMib, collectorHeap, meetsTarget() ? "met" : "MISSED");
        }
    }

    static Report run(int pollers, int series, Duration interval, int ticks, Duration collectorInterval,
            int parallelism, String heap) throws Exception {
        Path dir = Files.createTempDirectory("numeter-load");
        SimulatedFleet fleet = new SimulatedFleet(pollers, series, 8L << 20);
        StorageSide storage = new StorageSide("numeter_collector");
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        try (FleetServer endpoints = new FleetServer(fleet, POLLER_TOKEN, Math.max(32, parallelism * 2))) {
            endpoints.start();
            Path pollersFile = endpoints.writePollersFile(dir.resolve("pollers"));
            try (CollectorProcess collector = new CollectorProcess(pollersFile, dir.resolve("spool"),
                    collectorInterval.toSeconds(), parallelism, POLLER_TOKEN, COLLECTOR_TOKEN, heap)) {
                HttpSpoolReader fromCollector = HttpSpoolReader.builder(
                        URI.create("http://127.0.0.1:" + collector.port())).token(COLLECTOR_TOKEN).build();
                Drain toStorage = new Drain("storage", fromCollector, storage, 5000);
                clock.scheduleWithFixedDelay(() -> {
                    try {
                        toStorage.drainOnce();
                        collector.sampleRssMib();
                    } catch (Exception e) {
                        System.err.println("storage drain: " + e);
                    }
                }, 1, 1, TimeUnit.SECONDS);
                double cpuStart = collector.cpuSeconds();
                long wallStart = System.nanoTime();
                for (int t = 0; t < ticks; t++) {
                    long second = System.currentTimeMillis() / 1000;
                    fleet.tick(second);
                    System.err.printf("tick %d/%d: %d batches produced, %d stored, worst lag %.1fs, collector"
                            + " RSS %d MiB%n", t + 1, ticks, fleet.batchesProduced(), storage.stored(),
                            storage.worstLagMillis() / 1000.0, collector.sampleRssMib());
                    if (t < ticks - 1) {
                        Thread.sleep(Math.max(0, second * 1000 + interval.toMillis() - System.currentTimeMillis()));
                    }
                }
                long deadline = System.currentTimeMillis() + interval.toMillis();
                while (storage.stored() < fleet.batchesProduced() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                double cores = (collector.cpuSeconds() - cpuStart) / ((System.nanoTime() - wallStart) / 1e9);
                clock.shutdownNow(); // the storage side stops before the collector does
                return new Report(pollers, series, interval, collectorInterval, parallelism,
                        fleet.batchesProduced(), storage.stored(), storage.duplicates(), fleet.droppedByPollers(),
                        storage.worstLagMillis(), cores, collector.rssMaxMib(), heap);
            }
        } finally {
            clock.shutdownNow();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("argument '" + args[i] + "' is not '--name value'");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
