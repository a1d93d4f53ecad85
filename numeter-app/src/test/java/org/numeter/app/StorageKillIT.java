package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.numeter.codec.BatchCodec;
import org.numeter.link.PullServer;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.store.Archives;

/**
 * Issue 10, with a real process: {@code numeter storage} drains a backlog of new plugins from a collector (here the
 * pull link of the test's own spool, topped up so that it always has plugins to make) and is SIGKILLed again and
 * again, at random moments while it makes their files, then started again. Its write-behind is one second, so that
 * the files of new plugins, made off the write's path (with the metadata that only memory and the journal held
 * until then), are made while it drains. Every start must succeed (a new file a crash left unfinished
 * is deleted and made again; an older version's temporary files go to quarantine), and at the end every point of
 * the backlog is stored once, with its value, compared point by point ({@link ExpectedPoints}), and every plugin
 * has its metadata.
 *
 * <p>The storage's output is kept in {@code target/e2e/storage-kills/storage.log}.
 */
@Timeout(600)
class StorageKillIT {
    private static final String HOST = "backlog-host";
    /** New plugins added to the backlog at a time, whenever the storage has made most of those before. */
    private static final int CHUNK = 500;
    private static final int POINTS = 3;
    private static final int KILLS = 20;
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

    /** A plugin's value at a moment: the moment itself, told apart per plugin. */
    private static double value(int plugin, long t) {
        return t + plugin * 1e6;
    }

    @Test
    void aStorageKilledTwentyTimesWhileItMakesFilesAlwaysStartsAndStoresEveryPointOnce() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        long t0 = now - now % STEP - 3600;
        MemorySpool spool = new MemorySpool();
        int plugins = enqueue(spool, 0, CHUNK, t0);
        collector = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).build();
        collector.start();

        int port = NumeterProcess.freePort();
        Path dataDir = data.resolve("storage");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(Settings.DATA_DIR.name(), dataDir.toString());
        settings.put(Settings.STORAGE_PORT.name(), String.valueOf(port));
        settings.put(Settings.STORAGE_COLLECTORS.name(), "http://127.0.0.1:" + collector.port());
        settings.put(Settings.STORAGE_INTERVAL.name(), "1s");
        settings.put(Settings.STORAGE_WRITE_BEHIND.name(), "1s");
        storage = NumeterProcess.of("storage", "storage", settings, List.of(), port, "/api/v1/status",
                Paths.get("target", "e2e", "storage-kills"));
        Path hostDir = dataDir.resolve("rrd").resolve(HOST);

        long seed = System.nanoTime();
        Random random = new Random(seed);
        int kills = 0;
        List<Integer> filesAtKill = new ArrayList<>();
        while (kills < KILLS) {
            if (rrdFiles(hostDir) > plugins - CHUNK / 2) {
                // the backlog must last: machines make files at very different speeds
                plugins = enqueue(spool, plugins, CHUNK, t0);
            }
            storage.start().awaitReady();
            if (rrdFiles(hostDir) > plugins - CHUNK / 2) {
                // the start's replay of its journal may have made the files of everything acknowledged before the
                // kill: more backlog, so that this run too is killed while it makes files
                plugins = enqueue(spool, plugins, CHUNK, t0);
            }
            int before = rrdFiles(hostDir);
            // a moment while it makes files: once this run has made one, then up to 300 ms later
            await("the storage making files (run " + (kills + 1) + ")").atMost(WITHIN)
                    .pollInterval(Duration.ofMillis(20)).until(() -> rrdFiles(hostDir) > before);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));
            storage.kill();
            kills++;
            filesAtKill.add(rrdFiles(hostDir));
        }
        storage.start().awaitReady();
        await("the storage draining the whole backlog").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200)).until(() -> spool.stats().records() == 0);

        List<String> wrong = new ArrayList<>();
        List<Long> updates = new ArrayList<>();
        for (int i = 1; i <= POINTS; i++) {
            updates.add(t0 + i * STEP);
        }
        SortedMap<Long, Double> times = ExpectedPoints.of(updates, STEP, Archives.DEFAULT.heartbeat(), t0,
                t0 + POINTS * STEP);
        assertThat(times).hasSize(POINTS);
        for (int p = 0; p < plugins; p++) {
            SortedMap<Long, Double> expected = new TreeMap<>();
            int plugin = p;
            times.forEach((t, v) -> expected.put(t, value(plugin, v.longValue())));
            SortedMap<Long, Double> stored = RoleApi.stored(port, HOST, "backlog_" + p, t0, t0 + POINTS * STEP, STEP);
            if (!stored.equals(expected)) {
                wrong.add("backlog_" + p + ": stored " + stored + ", expected " + expected);
            }
            String title = RoleApi.get(port, "/api/v1/hosts/" + HOST + "/plugins/backlog_" + p).path("title").asText();
            if (!title.equals("Backlog " + p)) {
                wrong.add("backlog_" + p + ": title '" + title + "'");
            }
        }
        List<String> quarantined = quarantined(dataDir.resolve("rrd").resolve("quarantine"));
        JsonNode status = RoleApi.get(port, "/api/v1/status");
        System.out.printf("storage SIGKILLed %d times while making %d files (seed %d; files made at each kill: %s);"
                + " %d half-made files quarantined; every start succeeded; plugins wrong at the end: %d%n", kills,
                plugins, seed, filesAtKill, quarantined.size(), wrong.size());
        assertThat(wrong).as("plugins whose points differ from the backlog's").isEmpty();
        assertThat(status.get("plugins").asInt()).isEqualTo(plugins);
        assertThat(status.get("quarantined").asLong()).isEqualTo(quarantined.size());
        // only the temporary files of creations a kill interrupted (".2" when one was there already): never a file
        // under a plugin's own name
        assertThat(quarantined).allSatisfy(name -> assertThat(name).matches(".*\\.(rrd|json)\\.tmp(\\.\\d+)?"));
        storage.stop();
    }

    /** Appends {@code count} new plugins, all their points, to the backlog; returns the plugins it now holds. */
    private static int enqueue(MemorySpool spool, int first, int count, long t0) throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (int i = 1; i <= POINTS; i++) {
            long t = t0 + i * STEP;
            for (int p = first; p < first + count; p++) {
                String name = "backlog_" + p;
                Plugin meta = i == 1 ? Plugin.builder(name).title("Backlog " + p).category("test")
                        .field(Field.builder("v").build()).build() : null;
                records.add(BatchCodec.encode(new SampleBatch(HOST, name, t, Map.of("v", value(p, t)), meta)));
            }
        }
        spool.appendAll(records);
        return first + count;
    }

    private static int rrdFiles(Path hostDir) throws IOException {
        if (!Files.isDirectory(hostDir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(hostDir)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".rrd")).count();
        }
    }

    private static List<String> quarantined(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        }
    }
}
