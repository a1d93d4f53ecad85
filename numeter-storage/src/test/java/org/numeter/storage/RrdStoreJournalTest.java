package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.Consolidation;
import org.numeter.store.SeriesQuery;
import org.numeter.store.WriteResult;
import org.slf4j.LoggerFactory;

/**
 * Write-behind: updates wait in memory and in the journal; a read, the bounds and the close write them to the files;
 * a start after a crash replays the journal, each point once.
 */
class RrdStoreJournalTest {
    private static final long T0 = 1_699_920_000L;
    private static final int PLUGINS = 30;

    @TempDir
    Path dir;

    RrdStore store;

    @AfterEach
    void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    private static Plugin meta(String name) {
        return Plugin.builder(name).field(Field.builder("v").build()).build();
    }

    private static double value(int plugin, int i) {
        return plugin * 1000 + i;
    }

    /** Points 1 to {@code to} of every plugin, one write a round. */
    private WriteResult writeRounds(int from, int to) throws IOException {
        WriteResult sum = WriteResult.NONE;
        for (int i = from; i <= to; i++) {
            List<SampleBatch> round = new ArrayList<>();
            for (int p = 0; p < PLUGINS; p++) {
                SampleBatch b = new SampleBatch("web1", "p" + p, T0 + 60L * i, Map.of("v", value(p, i)), null);
                round.add(i == 1 ? b.withMeta(meta("p" + p)) : b);
            }
            sum = sum.plus(store.write(round));
        }
        return sum;
    }

    private double[] stored(int plugin, int points) throws IOException {
        return store.fetch(new SeriesQuery("web1", "p" + plugin, List.of(), T0 + 60, T0 + 60L * points, 60, 0,
                Consolidation.AVERAGE)).values()[0];
    }

    private static double[] expected(int plugin, int points) {
        double[] out = new double[points];
        for (int i = 1; i <= points; i++) {
            out[i - 1] = value(plugin, i);
        }
        return out;
    }

    /** The last update that the file itself holds. */
    private long inFile(int plugin) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("web1/p" + plugin + ".rrd"), StandardOpenOption.READ)) {
            return RrdState.read(ch).lastUpdate();
        }
    }

    private List<String> journal() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(Journal.PREFIX)).sorted()
                    .toList();
        }
    }

    @Test
    void updatesWaitInMemoryAndTheJournalUntilAReadOrTheClose() throws Exception {
        store = RrdStore.builder(dir).open();
        writeRounds(1, 10);
        // a new plugin's files are made by the flush of its first updates: listed at once, no file yet
        assertThat(store.plugins("web1")).hasSize(PLUGINS);
        assertThat(store.plugin("web1", "p3").orElseThrow()).isEqualTo(meta("p3"));
        assertThat(dir.resolve("web1/p3.rrd")).doesNotExist();
        assertThat(dir.resolve("web1/p3.json")).doesNotExist();
        assertThat(store.deferredFiles()).isEqualTo(PLUGINS);
        assertThat(store.pendingBytes()).isPositive();
        assertThat(journal()).containsExactly(Journal.PREFIX + 1);
        assertThat(Files.size(dir.resolve(Journal.PREFIX + 1))).isPositive();

        assertThat(stored(3, 10)).as("a read makes its file and flushes it first").containsExactly(expected(3, 10));
        assertThat(inFile(3)).isEqualTo(T0 + 600);
        assertThat(SideFile.read(dir.resolve("web1/p3.json")).plugin()).isEqualTo(meta("p3"));
        assertThat(dir.resolve("web1/p4.rrd")).doesNotExist();
        assertThat(store.deferredFiles()).isEqualTo(PLUGINS - 1);
        // the points of a known file wait, as those of a new one did
        writeRounds(11, 12);
        assertThat(inFile(3)).isEqualTo(T0 + 600);

        store.close();
        store = null;
        assertThat(journal()).as("everything in the files: no journal left").isEmpty();
        for (int p = 0; p < PLUGINS; p++) {
            assertThat(inFile(p)).isEqualTo(T0 + 720);
        }
    }

    @Test
    void aStartAfterACrashReplaysTheJournalEachPointOnce() throws Exception {
        store = RrdStore.builder(dir).open();
        writeRounds(1, 6);
        assertThat(stored(0, 6)).containsExactly(expected(0, 6)); // p0 flushed, the others not
        writeRounds(7, 8);
        store.abandon();
        assertThat(dir.resolve("web1/p1.rrd")).as("a new plugin's file is not made before its flush").doesNotExist();
        assertThat(inFile(0)).isEqualTo(T0 + 360);

        // a crash during an append leaves half a record: dropped, never acknowledged
        Path segment = dir.resolve(journal().get(journal().size() - 1));
        Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);

        store = RrdStore.builder(dir).open();
        store.awaitReplay();
        assertThat(journal()).as("the old segment goes once its points are journaled again")
                .containsExactly(Journal.PREFIX + 2);
        assertThat(Files.size(dir.resolve(Journal.PREFIX + 2))).isPositive();
        assertThat(dir.resolve("web1/p1.rrd")).as("a start makes no file: the replay is a write").doesNotExist();
        for (int p = 0; p < PLUGINS; p++) {
            // replayed into memory and the new segment: a read writes the file first
            assertThat(stored(p, 8)).containsExactly(expected(p, 8));
            assertThat(inFile(p)).as("p%d replayed into its file", p).isEqualTo(T0 + 480);
            // its metadata was in memory and in the journal only: the replay made its file with it
            assertThat(store.plugin("web1", "p" + p).orElseThrow()).isEqualTo(meta("p" + p));
            assertThat(SideFile.read(dir.resolve("web1/p" + p + ".json")).plugin()).isEqualTo(meta("p" + p));
        }
        // upstream sends again what it was not told was stored: duplicates, neither late nor stored twice
        WriteResult again = writeRounds(7, 8);
        assertThat(again.duplicates()).isEqualTo(2L * PLUGINS);
        assertThat(again.batches()).isZero();
        assertThat(store.timeFaults().of("web1").late()).isZero();
        writeRounds(9, 9);
        store.abandon();
        store = RrdStore.builder(dir).open();
        store.awaitReplay();
        assertThat(stored(5, 9)).containsExactly(expected(5, 9));
    }

    @Test
    void aNewFileACrashCutWhileItWasMadeIsDeletedMadeAgainAndItsJournaledPointsLand() throws Exception {
        store = RrdStore.builder(dir).open();
        writeRounds(1, 3);
        store.abandon();
        store = null;
        // what RrdFiles.createNew leaves when the process stops in it (making a deferred file, or any new one): an
        // empty file (stopped before its write), its first half (in its gathering write), or all of it but the
        // signature (before its last write); a whole file of the same layout gives the bytes
        Path host = dir.resolve("web1");
        assertThat(host.resolve("p3.rrd")).doesNotExist();
        try (RrdStore other = RrdStore.builder(dir.resolve("other")).writeBehind(Duration.ZERO).open()) {
            other.write(List.of(new SampleBatch("web1", "p3", T0 + 60, Map.of("v", 1.0), meta("p3"))));
        }
        byte[] whole = Files.readAllBytes(dir.resolve("other/web1/p3.rrd"));
        Files.createDirectories(host);
        byte[] signature = new byte[RrdFiles.UNFINISHED.remaining()];
        RrdFiles.UNFINISHED.duplicate().get(signature);
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        System.arraycopy(signature, 0, half, 0, signature.length);
        byte[] unsigned = whole.clone();
        System.arraycopy(signature, 0, unsigned, 0, signature.length);
        Files.write(host.resolve("p3.rrd"), half);
        Files.write(host.resolve("p4.rrd"), new byte[0]);
        Files.write(host.resolve("p5.rrd"), unsigned);

        store = RrdStore.builder(dir).open();
        store.awaitReplay();
        assertThat(store.unfinishedFilesDeleted()).isEqualTo(3);
        assertThat(store.quarantinedFiles()).isZero();
        assertThat(dir.resolve(Quarantine.DIR)).doesNotExist();
        for (int p = 0; p < PLUGINS; p++) {
            assertThat(stored(p, 3)).as("p%d", p).containsExactly(expected(p, 3));
            assertThat(inFile(p)).isEqualTo(T0 + 180);
        }
        assertThat(store.plugin("web1", "p3").orElseThrow()).isEqualTo(meta("p3"));
    }

    @Test
    void theBackgroundMakesNewFilesSoonAfterTheirWriteAndTheirPointsStillWait() throws Exception {
        store = RrdStore.builder(dir).makeNewFilesAfter(Duration.ofMillis(200)).open();
        writeRounds(1, 3);
        assertThat(store.deferredFiles()).isEqualTo(PLUGINS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.deferredFiles() == 0);
        for (int p = 0; p < PLUGINS; p++) {
            assertThat(inFile(p)).as("p%d made empty; its points wait for the flush", p).isEqualTo(T0);
            assertThat(SideFile.read(dir.resolve("web1/p" + p + ".json")).plugin()).isEqualTo(meta("p" + p));
        }
        assertThat(store.pendingBytes()).isPositive();
        assertThat(stored(4, 3)).containsExactly(expected(4, 3));
        store.abandon();
        store = RrdStore.builder(dir).open();
        store.awaitReplay();
        assertThat(stored(9, 3)).as("replayed into the file made before the crash").containsExactly(expected(9, 3));
    }

    @Test
    void flushingEveryFileKeepsWithinTheOpenFilesBound() throws Exception {
        store = RrdStore.builder(dir).openFiles(8).open();
        writeRounds(1, 4);
        store.abandon();

        // the start replays the journal; writing every file then goes through 4 descriptors, not 30 at once
        store = RrdStore.builder(dir).openFiles(8).open();
        store.awaitReplay();
        store.flush();
        assertThat(store.openFiles()).isLessThanOrEqualTo(8);
        for (int p = 0; p < PLUGINS; p++) {
            assertThat(inFile(p)).isEqualTo(T0 + 240);
        }
    }

    @Test
    void pastItsMemoryBoundTheStoreWritesTheOldestFilesFromTheWritePath() throws Exception {
        store = RrdStore.builder(dir).writeBehindMemory(0).open();
        writeRounds(1, 3);
        assertThat(store.pendingBytes()).isZero();
        for (int p = 0; p < PLUGINS; p++) {
            assertThat(inFile(p)).isEqualTo(T0 + 180);
        }
    }

    @Test
    void aFileWaitingLongerThanTheBoundIsWrittenInTheBackground() throws Exception {
        store = RrdStore.builder(dir).writeBehind(Duration.ofMillis(200)).open();
        writeRounds(1, 3);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.pendingBytes() == 0);
        assertThat(inFile(7)).isEqualTo(T0 + 180);
    }

    @Test
    void withoutWriteBehindEveryUpdateIsInItsFileWhenTheWriteReturnsAndNoJournalIsKept() throws Exception {
        store = RrdStore.builder(dir).writeBehind(Duration.ZERO).open();
        writeRounds(1, 3);
        assertThat(inFile(2)).isEqualTo(T0 + 180);
        assertThat(journal()).isEmpty();
        assertThat(store.pendingBytes()).isZero();
    }

    @Test
    void aStartReplaysTheJournalInTheBackgroundSaysHowFarItIsAndSkipsACorruptRecordNamingWhere() throws Exception {
        store = RrdStore.builder(dir).open();
        assertThat(store.replay().state()).as("a first start: nothing to replay").isEqualTo(RrdStore.ReplayState.NONE);
        writeRounds(1, 4);
        store.abandon();
        Path segment = dir.resolve(Journal.PREFIX + 1);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[10] ^= 0x40; // in the first record (p0's first point), whose checksum no longer matches
        Files.write(segment, bytes);

        Logger logger = (Logger) LoggerFactory.getLogger(Journal.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        CountDownLatch hold = new CountDownLatch(1);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            store = RrdStore.builder(dir).beforeReplaySegment(() -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).open();
            RrdStore.Replay during = store.replay();
            assertThat(during.state()).isEqualTo(RrdStore.ReplayState.REPLAYING);
            assertThat(during.segments()).isOne();
            assertThat(during.totalBytes()).isEqualTo(bytes.length);
            assertThat(during.records()).isZero();
            assertThat(during.started()).isNotNull();
            assertThat(during.ended()).isNull();
            // a write waits for the replay: stored before it, its point would make the replay's points late
            Future<WriteResult> write = writer.submit(() -> writeRounds(5, 5));
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !write.isDone());

            hold.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> store.replay().state() == RrdStore.ReplayState.DONE);
            assertThat(write.get(20, TimeUnit.SECONDS).batches()).isEqualTo(PLUGINS);
        } finally {
            hold.countDown();
            writer.shutdownNow();
            logger.detachAppender(logs);
        }
        RrdStore.Replay done = store.replay();
        assertThat(done.records()).isEqualTo(4L * PLUGINS - 1);
        assertThat(done.corruptRecords()).isOne();
        assertThat(done.tornBytes()).isZero();
        assertThat(done.bytes()).isEqualTo(done.totalBytes());
        assertThat(done.ended()).isAfterOrEqualTo(done.started());
        assertThat(done.problem()).isNull();
        assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage))
                .as("one line, naming the file and the offset").containsExactly(segment
                        + ": the record at byte 0 (" + ByteBuffer.wrap(bytes).getInt() + " bytes) does not match"
                        + " its checksum (a bad disk?); skipped, the records after it are read");
        double[] p0 = stored(0, 5);
        assertThat(p0[0]).as("the corrupt record's point is lost (the plugin's file is laid out from the next one,"
                + " which brings the metadata again)").isNaN();
        assertThat(Arrays.copyOfRange(p0, 1, 5)).containsExactly(Arrays.copyOfRange(expected(0, 5), 1, 5));
        assertThat(stored(1, 5)).containsExactly(expected(1, 5));
    }

    /** Until the background has made the new plugins' files (empty: their points still wait). */
    private void awaitFilesMade() {
        await().atMost(Duration.ofSeconds(10)).until(() -> store.deferredFiles() == 0);
    }

    /** A file broken on the disk under the store (a bad disk, a hand that wrote over it): its header is gone. */
    private void breakFile(int plugin) throws IOException {
        Path file = dir.resolve("web1/p" + plugin + ".rrd");
        Files.write(file, new byte[(int) Files.size(file)]);
    }

    @Test
    void aFileFoundUnusableByAWriteKeepsItsWaitingPointsInTheFileMadeAgain() throws Exception {
        store = RrdStore.builder(dir).makeNewFilesAfter(Duration.ofMillis(100)).open();
        writeRounds(1, 5);
        awaitFilesMade();
        assertThat(inFile(3)).as("p3's five points wait").isEqualTo(T0);
        breakFile(3);

        // new metadata: rrd4j opens the file (after writing what waits into it) and finds it unusable
        Plugin wider = Plugin.builder("p3").field(Field.builder("v").build()).field(Field.builder("w").build())
                .build();
        WriteResult r = store.write(List.of(new SampleBatch("web1", "p3", T0 + 360, Map.of("v", value(3, 6), "w",
                1.0), wider)));
        assertThat(r.batches()).isOne();

        assertThat(dir.resolve("quarantine/web1/p3.rrd")).isRegularFile();
        assertThat(store.quarantinedFiles()).isOne();
        assertThat(stored(3, 6)).as("the five waiting points, then the new one, in the file made again")
                .containsExactly(expected(3, 6));
        assertThat(store.quarantineKeptPoints()).isEqualTo(5);
        assertThat(store.quarantineDroppedPoints()).isZero();
        assertThat(stored(4, 5)).containsExactly(expected(4, 5));

        store.abandon(); // the kept points are in the journal until their new file is written: a crash keeps them
        store = RrdStore.builder(dir).open();
        store.awaitReplay();
        assertThat(stored(3, 6)).containsExactly(expected(3, 6));
    }

    @Test
    void aFileFoundUnusableByAReadIsQuarantinedAndTheReadAnswersItsWaitingPointsFromTheFileMadeAgain()
            throws Exception {
        store = RrdStore.builder(dir).makeNewFilesAfter(Duration.ofMillis(100)).open();
        writeRounds(1, 5);
        awaitFilesMade();
        breakFile(3);

        assertThat(stored(3, 5)).containsExactly(expected(3, 5));
        assertThat(dir.resolve("quarantine/web1/p3.rrd")).isRegularFile();
        assertThat(store.quarantineKeptPoints()).isEqualTo(5);
        writeRounds(6, 6);
        assertThat(stored(3, 6)).containsExactly(expected(3, 6));
    }

    @Test
    void waitingPointsThatAQuarantineCannotKeepAreCountedAsDroppedAndLoggedWithThePlugin() throws Exception {
        store = RrdStore.builder(dir).makeNewFilesAfter(Duration.ofMillis(100)).open();
        writeRounds(1, 5);
        awaitFilesMade();
        for (String segment : journal()) {
            Files.delete(dir.resolve(segment)); // what held them is gone: nothing to write into a new file
        }
        breakFile(3);
        Logger logger = (Logger) LoggerFactory.getLogger(RrdStore.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            assertThat(stored(3, 5)).containsOnly(Double.NaN);
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(store.quarantineDroppedPoints()).isEqualTo(5);
        assertThat(store.quarantineKeptPoints()).isZero();
        assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage))
                .contains("host web1, plugin p3: 5 points that waited to be written are lost with its quarantined"
                        + " file (the journal no longer holds them); 0 points of the journal went into its new file");
    }
}
