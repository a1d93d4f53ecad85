package org.numeter.bench.load;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.numeter.collector.Collector;
import org.numeter.collector.PollerAddress;
import org.numeter.link.Drain;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolReader;

/**
 * Many simulated pollers, one collector, one storage side, in one JVM: every poller produces {@code series}
 * values each {@code interval}; the collector drains them; the storage side drains the collector. It reports what
 * was produced, stored, doubled and lost, the worst end-to-end lag (sample time to stored), and the process's CPU
 * and memory.
 *
 * <pre>
 * java -cp ... org.numeter.bench.load.LoadGenerator --pollers 10000 --series 50 --interval 60 --ticks 3
 * </pre>
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int pollers = Integer.parseInt(o.getOrDefault("pollers", "1000"));
        int series = Integer.parseInt(o.getOrDefault("series", "50"));
        Duration interval = Duration.ofSeconds(Long.parseLong(o.getOrDefault("interval", "60")));
        int ticks = Integer.parseInt(o.getOrDefault("ticks", "3"));
        Duration collectorInterval = Duration.ofSeconds(Long.parseLong(o.getOrDefault("collector-interval",
                Long.toString(Math.max(1, interval.toSeconds() / 4)))));
        int parallelism = Integer.parseInt(o.getOrDefault("parallelism", "64"));
        Report r = run(pollers, series, interval, ticks, collectorInterval, parallelism);
        System.out.println(r);
    }

    record Report(int pollers, int series, Duration interval, Duration collectorInterval, int parallelism,
            long produced, long stored, long duplicates, long droppedByPollers, long worstLagMillis,
            double cpuCores, long heapMaxMiB, long rssMiB) {
        boolean meetsTarget() {
            return stored == produced && droppedByPollers == 0 && worstLagMillis < interval.toMillis();
        }

        @Override
        public String toString() {
            return String.format("pollers=%d series=%d interval=%ds collector-interval=%ds parallelism=%d "
                    + "produced=%d stored=%d duplicates=%d lost=%d poller-drops=%d worst-lag=%.1fs "
                    + "cpu=%.2f cores heap-max=%d MiB rss-max=%d MiB target=%s", pollers, series,
                    interval.toSeconds(), collectorInterval.toSeconds(), parallelism, produced, stored, duplicates,
                    produced - stored, droppedByPollers, worstLagMillis / 1000.0, cpuCores, heapMaxMiB, rssMiB,
                    meetsTarget() ? "met" : "MISSED");
        }
    }

    static Report run(int pollers, int series, Duration interval, int ticks, Duration collectorInterval,
            int parallelism) throws Exception {
        SimulatedFleet fleet = new SimulatedFleet(pollers, series, 8L << 20);
        Spool own = new MemorySpool();
        Function<PollerAddress, SpoolReader> readers = a -> fleet.spool(a.host());
        StorageSide storage = new StorageSide("numeter_collector");
        Collector collector = Collector.builder().host("bench-collector").spool(own).readers(readers)
                .pollers(fleet.hosts().stream().map(h -> PollerAddress.of(h, "http://" + h + ":8081", null))
                        .toList())
                .interval(collectorInterval).parallelism(parallelism).build();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicLong heapMax = new AtomicLong();
        long cpuStart = os.getProcessCpuTime();
        long wallStart = System.nanoTime();
        try {
            clock.scheduleAtFixedRate(() -> heapMax.accumulateAndGet(
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max),
                    0, 500, TimeUnit.MILLISECONDS);
            Drain toStorage = new Drain("storage", own, storage, 5000);
            clock.scheduleWithFixedDelay(() -> {
                try {
                    toStorage.drainOnce();
                } catch (Exception e) {
                    System.err.println("storage drain: " + e);
                }
            }, 1, 1, TimeUnit.SECONDS);
            collector.start();
            for (int t = 0; t < ticks; t++) {
                long second = System.currentTimeMillis() / 1000;
                fleet.tick(second);
                System.err.printf("tick %d/%d: %d batches produced, %d stored, worst lag %.1fs%n", t + 1, ticks,
                        fleet.batchesProduced(), storage.stored(), storage.worstLagMillis() / 1000.0);
                if (t < ticks - 1) {
                    Thread.sleep(Math.max(0, second * 1000 + interval.toMillis() - System.currentTimeMillis()));
                }
            }
            long deadline = System.currentTimeMillis() + interval.toMillis();
            while (storage.stored() < fleet.batchesProduced() && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
        } finally {
            collector.close();
            clock.shutdownNow();
        }
        double cores = (os.getProcessCpuTime() - cpuStart) / (double) (System.nanoTime() - wallStart);
        return new Report(pollers, series, interval, collectorInterval, parallelism, fleet.batchesProduced(),
                storage.stored(), storage.duplicates(), fleet.droppedByPollers(), storage.worstLagMillis(), cores,
                heapMax.get() >> 20, rssMaxMiB());
    }

    private static long rssMaxMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
                }
            }
        } catch (Exception e) {
            // not Linux: no figure
        }
        return -1;
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
