package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;

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
    /** New plugins added to the backlog at a time, whenever the storage has made most of those before. */
    private static final int CHUNK = 500;
    private static final int POINTS = 3;
    private static final int KILLS = 20;
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @Test
    void aStorageKilledTwentyTimesWhileItMakesFilesAlwaysStartsAndStoresEveryPointOnce() throws Exception {
        try (KilledStorage fixture = new KilledStorage("backlog", data.resolve("storage"), 3600, BatchCodec::encode,
                "storage-kills", Map.of(Settings.STORAGE_WRITE_BEHIND.name(), "1s"))) {
            NumeterProcess storage = fixture.storage();
            int plugins = enqueue(fixture, 0);
            Path hostDir = fixture.rrd().resolve(fixture.host());

            long seed = System.nanoTime();
            Random random = new Random(seed);
            int kills = 0;
            List<Integer> filesAtKill = new ArrayList<>();
            while (kills < KILLS) {
                if (rrdFiles(hostDir) > plugins - CHUNK / 2) {
                    // the backlog must last: machines make files at very different speeds
                    plugins = enqueue(fixture, plugins);
                }
                storage.start().awaitReady();
                if (rrdFiles(hostDir) > plugins - CHUNK / 2) {
                    // the start's replay of its journal may have made the files of everything acknowledged before the
                    // kill: more backlog, so that this run too is killed while it makes files
                    plugins = enqueue(fixture, plugins);
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
                    .pollInterval(Duration.ofMillis(200)).until(() -> fixture.backlog() == 0);

            List<String> wrong = fixture.wrong(plugins, POINTS);
            List<String> quarantined = quarantined(fixture.rrd().resolve("quarantine"));
            JsonNode status = RoleApi.get(fixture.port(), "/api/v1/status");
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
    }

    /** Appends {@link #CHUNK} new plugins from {@code first}, all their points; returns the plugins it now holds. */
    private static int enqueue(KilledStorage fixture, int first) throws IOException {
        fixture.feed(first, CHUNK, 1, POINTS);
        return first + CHUNK;
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
