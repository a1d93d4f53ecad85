package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.RecordCodec;
import org.numeter.link.PullServer;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.store.Archives;
import org.rrd4j.core.RrdDb;

/**
 * Issue 13, with a real process: {@code numeter storage}, with its shipped write-behind (updates wait in memory up to
 * five minutes, every point in the journal before it is acknowledged), is SIGKILLed again and again: just after it
 * acknowledged everything upstream, when the points are in its journal and not in the files, and at random moments
 * while it drains. At the end every acknowledged point is in the files once, with its value ({@link ExpectedPoints}).
 *
 * <p>The storage's output is kept in {@code target/e2e/storage-journal-kills/storage.log}.
 */
@Timeout(600)
class StorageJournalKillIT {
    private static final String HOST = "journal-host";
    private static final int PLUGINS = 100;
    private static final int ROUNDS = 8;
    private static final int POINTS_PER_ROUND = 25;
    private static final long STEP = Archives.DEFAULT.step();
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path data;

    PullServer collector;
    NumeterProcess storage;

    @AfterEach
    void stop() {
        if (storage != null) {
            storage.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    private static double value(int plugin, long t) {
        return t + plugin * 1e6;
    }

    @Test
    void aStorageKilledWithPointsOnlyInItsJournalStoresEveryAcknowledgedPointOnce() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        long t0 = now - now % STEP - 4 * 3600;
        MemorySpool spool = new MemorySpool();
        collector = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).build();
        collector.start();

        int port = NumeterProcess.freePort();
        Path dataDir = data.resolve("storage");
        Path rrd = dataDir.resolve("rrd");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(Settings.DATA_DIR.name(), dataDir.toString());
        settings.put(Settings.STORAGE_PORT.name(), String.valueOf(port));
        settings.put(Settings.STORAGE_COLLECTORS.name(), "http://127.0.0.1:" + collector.port());
        settings.put(Settings.STORAGE_INTERVAL.name(), "1s");
        storage = NumeterProcess.of("storage", "storage", settings, List.of(), port, "/api/v1/status",
                Paths.get("target", "e2e", "storage-journal-kills"));

        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> kills = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            storage.start().awaitReady();
            long queued = spool.stats().records() + (long) PLUGINS * POINTS_PER_ROUND;
            enqueue(spool, round, t0);
            if (round % 2 == 0) {
                // every point acknowledged: from now on only the journal and the memory hold the round's points
                await("the storage draining round " + round).atMost(WITHIN).pollInterval(Duration.ofMillis(20))
                        .until(() -> spool.stats().records() == 0);
                storage.kill();
                kills.add("after the drain");
                assertThat(journalBytes(rrd)).as("the journal after round %d", round).isPositive();
                long last = t0 + (long) (round + 1) * POINTS_PER_ROUND * STEP;
                assertThat(lastUpdateInFile(rrd.resolve(HOST).resolve("journal_7.rrd")))
                        .as("the last point of round %d waits in the journal, not in the file", round)
                        .isLessThan(last);
            } else {
                // a random moment before, during or after its next drain (once a second)
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(1500)));
                storage.kill();
                kills.add((queued - spool.stats().records()) + " of " + queued + " acknowledged");
            }
        }
        storage.start().awaitReady();
        await("the storage draining everything").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200)).until(() -> spool.stats().records() == 0);

        int points = ROUNDS * POINTS_PER_ROUND;
        List<Long> updates = new ArrayList<>();
        for (int i = 1; i <= points; i++) {
            updates.add(t0 + i * STEP);
        }
        SortedMap<Long, Double> times = ExpectedPoints.of(updates, STEP, Archives.DEFAULT.heartbeat(), t0,
                t0 + points * STEP);
        assertThat(times).hasSize(points);
        List<String> wrong = new ArrayList<>();
        for (int p = 0; p < PLUGINS; p++) {
            SortedMap<Long, Double> expected = new TreeMap<>();
            int plugin = p;
            times.forEach((t, v) -> expected.put(t, value(plugin, v.longValue())));
            SortedMap<Long, Double> stored = RoleApi.stored(port, HOST, "journal_" + p, t0, t0 + points * STEP,
                    STEP);
            if (!stored.equals(expected)) {
                wrong.add("journal_" + p + ": stored " + stored + ", expected " + expected);
            }
            String title = RoleApi.get(port, "/api/v1/hosts/" + HOST + "/plugins/journal_" + p).path("title").asText();
            if (!title.equals("Journal " + p)) {
                wrong.add("journal_" + p + ": title '" + title + "'");
            }
        }
        System.out.printf("storage SIGKILLed %d times with points in its journal (seed %d; kills: %s); plugins wrong"
                + " at the end: %d%n", kills.size(), seed, kills, wrong.size());
        assertThat(wrong).as("plugins whose points differ from what was acknowledged").isEmpty();
        storage.stop();
        assertThat(journalBytes(rrd)).as("a storage stopped cleanly leaves no journal").isZero();
        assertThat(lastUpdateInFile(rrd.resolve(HOST).resolve("journal_7.rrd"))).isEqualTo(t0 + points * STEP);
    }

    /** A round's points of every plugin; the first brings the plugin's metadata. */
    private static void enqueue(MemorySpool spool, int round, long t0) throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (int i = round * POINTS_PER_ROUND + 1; i <= (round + 1) * POINTS_PER_ROUND; i++) {
            long t = t0 + i * STEP;
            for (int p = 0; p < PLUGINS; p++) {
                String name = "journal_" + p;
                Plugin meta = i == 1 ? Plugin.builder(name).title("Journal " + p).category("test")
                        .field(Field.builder("v").build()).build() : null;
                records.add(RecordCodec.encode(new SampleBatch(HOST, name, t, Map.of("v", value(p, t)), meta)));
            }
        }
        spool.appendAll(records);
    }

    private static long journalBytes(Path rrd) throws IOException {
        try (Stream<Path> files = Files.list(rrd)) {
            long sum = 0;
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".journal.")).toList()) {
                sum += Files.size(f);
            }
            return sum;
        }
    }

    /** The last update its file holds; 0 when it has none yet (a new plugin's file is made by its first flush). */
    private static long lastUpdateInFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RrdDb db = RrdDb.getBuilder().setPath(file.toString()).readOnly().build()) {
            return db.getLastUpdateTime();
        }
    }
}
