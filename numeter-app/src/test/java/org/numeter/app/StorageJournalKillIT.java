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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.RecordCodec;
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
    private static final int PLUGINS = 100;
    private static final int ROUNDS = 8;
    private static final int POINTS_PER_ROUND = 25;
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @Test
    void aStorageKilledWithPointsOnlyInItsJournalStoresEveryAcknowledgedPointOnce() throws Exception {
        try (KilledStorage fixture = new KilledStorage("journal", data.resolve("storage"), 4 * 3600,
                RecordCodec::encode, "storage-journal-kills")) {
            NumeterProcess storage = fixture.storage();
            Path rrd = fixture.rrd();
            Path file = rrd.resolve(fixture.host()).resolve("journal_7.rrd");
            long t0 = fixture.t0();

            long seed = System.nanoTime();
            Random random = new Random(seed);
            List<String> kills = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                storage.start().awaitReady();
                if (round > 0 && kills.get(round - 1).equals("after the drain")) {
                    // ready once the replay of what the kill left in the journal is done, and it says what it did
                    JsonNode replay = RoleApi.get(fixture.port(), "/api/v1/status").path("replay");
                    assertThat(replay.path("state").asText()).as("the replay after kill %d: %s", round, replay)
                            .isEqualTo("done");
                    assertThat(replay.path("records").asLong()).as("%s", replay).isPositive();
                    assertThat(replay.path("bytes").asLong()).as("%s", replay)
                            .isEqualTo(replay.path("totalBytes").asLong());
                    assertThat(replay.path("corruptRecords").asLong()).as("%s", replay).isZero();
                }
                long queued = fixture.backlog() + (long) PLUGINS * POINTS_PER_ROUND;
                // a round's points of every plugin
                fixture.feed(0, PLUGINS, round * POINTS_PER_ROUND + 1, (round + 1) * POINTS_PER_ROUND);
                if (round % 2 == 0) {
                    // every point acknowledged: from now on only the journal and the memory hold the round's points
                    await("the storage draining round " + round).atMost(WITHIN).pollInterval(Duration.ofMillis(20))
                            .until(() -> fixture.backlog() == 0);
                    storage.kill();
                    kills.add("after the drain");
                    assertThat(journalBytes(rrd)).as("the journal after round %d", round).isPositive();
                    long last = t0 + (long) (round + 1) * POINTS_PER_ROUND * KilledStorage.STEP;
                    assertThat(lastUpdateInFile(file))
                            .as("the last point of round %d waits in the journal, not in the file", round)
                            .isLessThan(last);
                } else {
                    // a random moment before, during or after its next drain (once a second)
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(1500)));
                    storage.kill();
                    kills.add((queued - fixture.backlog()) + " of " + queued + " acknowledged");
                }
            }
            storage.start().awaitReady();
            await("the storage draining everything").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200)).until(() -> fixture.backlog() == 0);

            int points = ROUNDS * POINTS_PER_ROUND;
            List<String> wrong = fixture.wrong(PLUGINS, points);
            System.out.printf("storage SIGKILLed %d times with points in its journal (seed %d; kills: %s); plugins"
                    + " wrong at the end: %d%n", kills.size(), seed, kills, wrong.size());
            assertThat(wrong).as("plugins whose points differ from what was acknowledged").isEmpty();
            storage.stop();
            assertThat(journalBytes(rrd)).as("a storage stopped cleanly leaves no journal").isZero();
            assertThat(lastUpdateInFile(file)).isEqualTo(t0 + points * KilledStorage.STEP);
        }
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
