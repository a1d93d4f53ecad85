package org.numeter.bench.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.numeter.bench.Machine;

/**
 * A load run whose storage is the real storage role: the simulated fleet and the collector of {@link LoadGenerator},
 * and {@link StorageProcess} draining the collector with its own sink into real round-robin files (the default
 * archives). What was stored is read back from the storage's API, never from this process's counters: a tick is
 * stored when every simulated host's newest stored time ({@code GET /api/v1/hosts}, {@code lastUpdate}) has reached
 * it, and its lag is the time from its sample time until then, as this run sees it (polled every second). The
 * storage's batches, points, duplicates, late and rejected are its own ({@code GET /api/v1/status}). CPU and memory
 * of the collector and of the storage are their processes', from /proc; the storage's RssAnon (heap, the JVM) apart
 * from its RssFile (the files it maps that are resident, which the page cache would hold for rrdtool too).
 */
final class RealStorageRun {
    private RealStorageRun() {}

    record Setup(int pollers, int series, Duration interval, int ticks, Duration collectorInterval, int parallelism,
            String collectorHeap, Duration storageInterval, List<String> storageJvmOptions, Path dir) {}

    /** One tick: its sample time, when the storage's API showed it stored on every host, CPU at that moment. */
    private static final class Tick {
        final long second;
        long storedAtMillis = -1;
        int hostsStored;
        // CPU seconds since the run began
        double storageCpuAtStored;
        double collectorCpuAtStored;

        Tick(long second) {
            this.second = second;
        }

        double lagSeconds() {
            return storedAtMillis < 0 ? Double.NaN : (storedAtMillis - second * 1000) / 1000.0;
        }
    }

    static String run(Setup s) throws Exception {
        Files.createDirectories(s.dir());
        Path dataDir = s.dir().resolve("storage");
        SimulatedFleet fleet = new SimulatedFleet(s.pollers(), s.series(), 8L << 20);
        int plugins = fleet.batchesPerTick();
        List<Tick> ticks = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        long anonMaxKib = 0;
        long fileMaxKib = 0;
        try (FleetServer endpoints = new FleetServer(fleet, LoadGenerator.POLLER_TOKEN,
                Math.max(32, s.parallelism() * 2))) {
            endpoints.start();
            Path pollersFile = endpoints.writePollersFile(s.dir().resolve("pollers"));
            try (CollectorProcess collector = new CollectorProcess(pollersFile, s.dir().resolve("spool"),
                    s.collectorInterval().toSeconds(), s.parallelism(), LoadGenerator.POLLER_TOKEN,
                    LoadGenerator.COLLECTOR_TOKEN, s.collectorHeap());
                    StorageProcess storage = new StorageProcess(dataDir,
                            URI.create("http://127.0.0.1:" + collector.port()), LoadGenerator.COLLECTOR_TOKEN,
                            s.storageInterval(), s.dir().resolve("storage.log"), s.storageJvmOptions())) {
                ProcFigures st = storage.figures();
                double storageCpu0 = st.cpuSeconds();
                double storageSys0 = st.systemSeconds();
                double collectorCpu0 = collector.cpuSeconds();
                long wall0 = System.nanoTime();
                long nextTickMillis = System.currentTimeMillis();
                long end = Long.MAX_VALUE;
                // one loop: produce each tick on time, and every second read what the storage shows stored
                while (true) {
                    long now = System.currentTimeMillis();
                    if (ticks.size() < s.ticks() && now >= nextTickMillis) {
                        long second = now / 1000;
                        fleet.tick(second);
                        ticks.add(new Tick(second));
                        nextTickMillis = second * 1000 + s.interval().toMillis();
                        if (ticks.size() == s.ticks()) {
                            end = now + 2 * s.interval().toMillis(); // grace: two intervals after the last tick
                        }
                    }
                    Map<String, Long> last = new HashMap<>();
                    for (Map<String, Object> h : storage.hosts()) {
                        last.put((String) h.get("id"), ((Number) h.get("lastUpdate")).longValue());
                    }
                    long seen = System.currentTimeMillis();
                    for (Tick t : ticks) {
                        if (t.storedAtMillis >= 0) {
                            continue;
                        }
                        int stored = 0;
                        for (String host : fleet.hosts()) {
                            if (last.getOrDefault(host, 0L) >= t.second) {
                                stored++;
                            }
                        }
                        t.hostsStored = stored;
                        if (stored == s.pollers()) {
                            t.storedAtMillis = seen;
                            t.storageCpuAtStored = st.cpuSeconds() - storageCpu0;
                            t.collectorCpuAtStored = collector.cpuSeconds() - collectorCpu0;
                            System.err.printf(Locale.ROOT, "tick %d stored on all %d hosts, lag %.1f s, storage"
                                    + " RssAnon %d MiB RssFile %d MiB, load %s%n", ticks.indexOf(t) + 1,
                                    stored, t.lagSeconds(), st.statusKib("RssAnon") >> 10,
                                    st.statusKib("RssFile") >> 10, Machine.loadAverage());
                        }
                    }
                    anonMaxKib = Math.max(anonMaxKib, st.statusKib("RssAnon"));
                    fileMaxKib = Math.max(fileMaxKib, st.statusKib("RssFile"));
                    collector.sampleRssMib();
                    boolean allStored = ticks.size() == s.ticks()
                            && ticks.stream().allMatch(t -> t.storedAtMillis >= 0);
                    if (allStored || System.currentTimeMillis() > end) {
                        break;
                    }
                    Thread.sleep(Math.max(0, 1000 - (System.currentTimeMillis() - now)));
                }
                double wall = (System.nanoTime() - wall0) / 1e9;
                double storageCpu = st.cpuSeconds() - storageCpu0;
                double storageSys = st.systemSeconds() - storageSys0;
                double collectorCpu = collector.cpuSeconds() - collectorCpu0;
                Map<String, Object> status = storage.status();
                long anonEnd = st.statusKib("RssAnon");
                long fileEnd = st.statusKib("RssFile");
                // what still waits in memory is written when the storage stops (SIGTERM): part of its cost per point
                double beforeStop = st.cpuSeconds();
                StorageProcess.Stopped stopped = storage.stop(Duration.ofMinutes(10));
                double stopCpu = stopped.cpuSeconds() - beforeStop;
                Duration stopping = stopped.took();
                out.append(report(s, fleet, plugins, ticks, wall, storageCpu, storageSys, collectorCpu, status,
                        anonMaxKib, fileMaxKib, anonEnd, fileEnd, stopping, stopCpu, collector.rssMaxMib(),
                        dataDir));
            }
        } finally {
            Machine.deleteTree(s.dir());
        }
        return out.toString();
    }

    private static String report(Setup s, SimulatedFleet fleet, int plugins, List<Tick> ticks, double wall,
            double storageCpu, double storageSys, double collectorCpu, Map<String, Object> status, long anonMaxKib,
            long fileMaxKib, long anonEndKib, long fileEndKib, Duration stopping, double stopCpu,
            long collectorRssMaxMib, Path dataDir) throws Exception {
        StringBuilder b = new StringBuilder();
        long perTickPoints = (long) s.pollers() * s.series();
        b.append(String.format(Locale.ROOT, "pollers=%d series/poller=%d series=%d interval=%ds collector-interval=%ds"
                + " storage-interval=%ds parallelism=%d ticks=%d storage JVM options: %s %s%n",
                s.pollers(), s.series(), perTickPoints, s.interval().toSeconds(), s.collectorInterval().toSeconds(),
                s.storageInterval().toSeconds(), s.parallelism(), s.ticks(),
                String.join(" ", Machine.launcherOptions("storage")), String.join(" ", s.storageJvmOptions())));
        double prevStorage = 0;
        double prevCollector = 0;
        for (int i = 0; i < ticks.size(); i++) {
            Tick t = ticks.get(i);
            b.append(String.format(Locale.ROOT, "tick %d%s: produced %d batches, stored on %d of %d hosts, lost %s,"
                    + " lag %.1f s, storage CPU since the previous %.1f s, collector %.1f s%n", i + 1,
                    i == 0 ? " (creates the files)" : "", (long) s.pollers() * plugins, t.hostsStored, s.pollers(),
                    t.storedAtMillis < 0 ? "some (not stored within the grace)" : "0", t.lagSeconds(),
                    t.storageCpuAtStored - prevStorage, t.collectorCpuAtStored - prevCollector));
            prevStorage = t.storageCpuAtStored;
            prevCollector = t.collectorCpuAtStored;
        }
        long produced = fleet.batchesProduced();
        b.append(String.format(Locale.ROOT, "produced %d batches (%d points); the storage's status: batches=%s"
                + " points=%s duplicates=%s late=%s rejected=%s series=%s writeFailures=%s (its batches include"
                + " the collector's own plugin, one per collector cycle); poller drops %d%n", produced,
                produced * s.series() / plugins, status.get("batches"), status.get("points"),
                status.get("duplicates"), status.get("late"), status.get("rejected"), status.get("series"),
                status.get("writeFailures"), fleet.droppedByPollers()));
        b.append(String.format(Locale.ROOT, "storage batches - produced = %d (the collector's own plugin; about %.0f"
                + " collector cycles ran)%n", ((Number) status.get("batches")).longValue() - produced,
                wall / s.collectorInterval().toSeconds()));
        long pointsAfterFirst = perTickPoints * (ticks.size() - 1);
        double storageSteady = storageCpu - ticks.get(0).storageCpuAtStored;
        double collectorSteady = collectorCpu - ticks.get(0).collectorCpuAtStored;
        b.append(String.format(Locale.ROOT, "storage: CPU %.1f s over %.0f s (%.2f cores; system %.1f s), of it tick 1"
                + " (file creation) %.1f s; after tick 1 %.1f s for %d points = %.1f CPU-us per point (without the"
                + " rows still waiting in memory at the end)%n", storageCpu, wall, storageCpu / wall, storageSys,
                ticks.get(0).storageCpuAtStored, storageSteady, pointsAfterFirst,
                storageSteady * 1e6 / pointsAfterFirst));
        b.append(String.format(Locale.ROOT, "collector: CPU %.1f s (%.2f cores), after tick 1 %.1f s = %.1f CPU-us per"
                + " point; RSS max %d MiB%n", collectorCpu, collectorCpu / wall, collectorSteady,
                collectorSteady * 1e6 / pointsAfterFirst, collectorRssMaxMib));
        b.append(String.format(Locale.ROOT, "storage memory: RssAnon max %d MiB (end %d), RssFile max %d MiB (end %d);"
                + " stop (SIGTERM, writes what waits) took %.1f s and %.1f CPU-s; after tick 1 with the stop: %.1f"
                + " CPU-us per point%n", anonMaxKib >> 10, anonEndKib >> 10, fileMaxKib >> 10, fileEndKib >> 10,
                stopping.toMillis() / 1000.0, stopCpu, (storageSteady + stopCpu) * 1e6 / pointsAfterFirst));
        b.append(String.format(Locale.ROOT, "files: %s", filesSummary(dataDir)));
        return b.toString();
    }

    private static String filesSummary(Path dataDir) throws Exception {
        long count = 0;
        long bytes = 0;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            for (Path p : walk.filter(p -> p.toString().endsWith(".rrd")).toList()) {
                count++;
                bytes += Files.size(p);
            }
        }
        return String.format(Locale.ROOT, "%d .rrd files, %d MiB", count, bytes >> 20);
    }
}
