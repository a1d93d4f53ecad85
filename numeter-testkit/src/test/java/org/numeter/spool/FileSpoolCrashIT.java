package org.numeter.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a child JVM appending to a SYNC file spool with SIGKILL at a random moment, several times, and checks after
 * each kill that every append the child saw return is in the spool, in order, once, with its payload; at most the
 * one append in flight at the kill may be there besides.
 */
class FileSpoolCrashIT {
    private static final Logger LOG = LoggerFactory.getLogger(FileSpoolCrashIT.class);
    private static final int ROUNDS = 3;
    private static final long ROUND_DEADLINE_SECONDS = 6;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void everyReturnedAppendSurvivesSigkill() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        LOG.info("crash test seed {}", seed);
        Map<Long, String> expected = new LinkedHashMap<>();
        long nextNumber = 1;
        for (int round = 1; round <= ROUNDS; round++) {
            int killAfter = 1000 + random.nextInt(3000);
            Round r = runAndKill(nextNumber, killAfter);
            assertThat(r.printed).as("round %d: the child appended before it was killed", round).isNotEmpty();
            long lastPrintedSequence = 0;
            for (Map.Entry<Long, String> e : r.printed.entrySet()) {
                assertThat(e.getKey()).as("sequences the child saw grow").isGreaterThan(lastPrintedSequence);
                lastPrintedSequence = e.getKey();
            }
            expected.putAll(r.printed);
            long lastNumber = r.lastNumber;

            List<SpoolRecord> held;
            try (FileSpool spool = FileSpool.builder(dir).segmentBytes(CrashingAppender.SEGMENT_BYTES).open()) {
                held = readAll(spool);
                LOG.info("round {}: killed after {} appends; spool holds {}, corrupt {}", round, r.printed.size(),
                        held.size(), spool.stats().corrupt());
            }
            Map<Long, String> found = new LinkedHashMap<>();
            for (SpoolRecord rec : held) {
                assertThat(found.put(rec.sequence(), new String(rec.payload(), StandardCharsets.UTF_8)))
                        .as("sequence %d once", rec.sequence()).isNull();
            }
            for (Map.Entry<Long, String> e : expected.entrySet()) {
                assertThat(found.get(e.getKey())).as("record %d, whose append returned", e.getKey())
                        .isEqualTo(e.getValue());
            }
            List<Long> extras = new ArrayList<>(found.keySet());
            extras.removeAll(expected.keySet());
            assertThat(extras).as("records nobody saw appended: at most the one in flight at the kill")
                    .hasSizeLessThanOrEqualTo(1);
            if (!extras.isEmpty()) {
                long extra = extras.get(0);
                assertThat(extra).isEqualTo(lastPrintedSequence + 1);
                assertThat(found.get(extra)).isEqualTo(CrashingAppender.payloadFor(lastNumber + 1));
                expected.put(extra, found.get(extra));
                lastNumber++;
            }
            assertThat(held).extracting(SpoolRecord::sequence).isSorted();
            nextNumber = lastNumber + 1;
        }
    }

    private record Round(Map<Long, String> printed, long lastNumber) {}

    private Round runAndKill(long firstNumber, int killAfter) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), CrashingAppender.class.getName(), dir.toString(),
                Long.toString(firstNumber))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        // Whatever happens below, the child does not outlive the round.
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> child.toHandle().destroyForcibly(),
                CompletableFuture.delayedExecutor(ROUND_DEADLINE_SECONDS, TimeUnit.SECONDS));
        Map<Long, String> printed = new LinkedHashMap<>();
        long lastNumber = firstNumber - 1;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts.length != 4 || !parts[0].equals("appended") || !parts[3].equals(".")) {
                    continue; // "ready", or a line cut by the kill
                }
                long sequence = Long.parseLong(parts[1]);
                long number = Long.parseLong(parts[2]);
                assertThat(number).isEqualTo(lastNumber + 1);
                printed.put(sequence, CrashingAppender.payloadFor(number));
                lastNumber = number;
                if (printed.size() == killAfter) {
                    // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe,
                    // losing the lines the child printed just before.
                    child.toHandle().destroyForcibly();
                }
            }
        } finally {
            child.destroyForcibly();
            watchdog.cancel(false);
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("child ended").isTrue();
        }
        // On a loaded machine the deadline may kill first: as good a random moment, if the child got going.
        assertThat(printed.size()).as("appends before the kill").isGreaterThanOrEqualTo(Math.min(killAfter, 100));
        return new Round(printed, lastNumber);
    }

    private static List<SpoolRecord> readAll(Spool spool) throws IOException {
        List<SpoolRecord> all = new ArrayList<>();
        long from = 0;
        while (true) {
            List<SpoolRecord> page = spool.read(from, 1000);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            from = page.get(page.size() - 1).sequence() + 1;
        }
    }
}
