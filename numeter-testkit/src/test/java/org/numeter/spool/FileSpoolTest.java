package org.numeter.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.numeter.testkit.MutableClock;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.testkit.DurableSpoolContract;
import org.slf4j.LoggerFactory;

class FileSpoolTest extends DurableSpoolContract {
    private static final long SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path tmp;

    private Path dir;
    private long maxBytes;
    private int opened;

    @Override
    protected Spool newSpool() throws IOException {
        return open(64L << 20);
    }

    @Override
    protected Spool newBoundedSpool(long maxBytes) throws IOException {
        return open(maxBytes);
    }

    private Spool open(long maxBytes) throws IOException {
        this.dir = tmp.resolve("spool-" + ++opened);
        this.maxBytes = maxBytes;
        return reopen();
    }

    @Override
    protected Spool reopen() throws IOException {
        return FileSpool.builder(dir).maxBytes(maxBytes).segmentBytes(SEGMENT_BYTES).open();
    }

    @Override
    protected List<Path> dataFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Override
    protected Path dataFileFor(long firstSequence) {
        return dir.resolve(String.format("%020d.seg", firstSequence));
    }

    private List<String> fileNames() throws IOException {
        return dataFiles().stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void rollsToANewSegmentNamedByItsFirstSequenceAndDeletesWhollyAcknowledgedOnes() throws Exception {
        List<byte[]> records = numbered(100); // 100 x ~520 bytes: four segments of 16 KiB
        spool.appendAll(records);
        List<String> names = fileNames();
        assertThat(names).hasSize(4).first().isEqualTo("00000000000000000001.seg");
        long secondFirst = Long.parseLong(names.get(1).substring(0, 20));

        spool.ack(secondFirst - 1);

        assertThat(fileNames()).hasSize(3).first().isEqualTo(names.get(1));
        assertThat(Files.readString(dir.resolve("ack")).trim()).isEqualTo(Long.toString(secondFirst - 1));
        spool.ack(100);
        assertThat(fileNames()).as("the active segment stays").containsExactly(names.get(3));
        assertThat(spool.stats().records()).isZero();
        assertThat(spool.stats().bytes()).isZero();
    }

    @Test
    void statsCountBytesOnDiskAndTheOldestUnacknowledgedTime() throws Exception {
        spool.close();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        MutableClock clock = new MutableClock(t);
        spool = FileSpool.builder(tmp.resolve("clocked")).clock(clock).open();
        spool.append(payload("abc"));
        clock.set(t.plusSeconds(5));
        spool.append(payload("defgh"));

        assertThat(spool.stats().bytes()).isEqualTo(2 * RecordFormat.RECORD_HEADER + 8);
        assertThat(spool.stats().oldestAppendedAtMillis()).isEqualTo(t.toEpochMilli());
        spool.ack(1);
        assertThat(spool.stats().bytes()).isEqualTo(RecordFormat.RECORD_HEADER + 5);
        assertThat(spool.stats().oldestAppendedAtMillis()).isEqualTo(t.plusSeconds(5).toEpochMilli());
        assertThat(spool.read(0, 1).get(0).appendedAtMillis()).isEqualTo(t.plusSeconds(5).toEpochMilli());
    }

    @Test
    void droppingWhenFullIsCountedAndLoggedWithTheSequenceRange() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(FileSpool.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            spool.close();
            spool = newBoundedSpool(64 * 1024);
            byte[] kb = new byte[1024];
            for (int i = 0; i < 200; i++) {
                spool.append(kb);
            }
        } finally {
            logger.detachAppender(logs);
        }
        List<ILoggingEvent> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).isNotEmpty();
        assertThat(warnings.get(0).getFormattedMessage())
                .contains("dropped 15 unacknowledged record(s), sequences 1..15");
        assertThat(spool.stats().dropped()).isEqualTo(15L * warnings.size());
        assertThat(spool.stats().bytes()).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void aSecondSpoolOnTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> FileSpool.builder(dir).open())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("already open");
    }

    @Test
    void appendAllUsesOneFsyncForTheLot() throws Exception {
        FileSpool file = (FileSpool) spool;
        long before = file.forces();
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(payload("r" + i));
        }
        file.appendAll(many);
        assertThat(file.forces()).isEqualTo(before + 1);
    }

    @Test
    void deferredAppendsShareTheFsyncOfTheirBarrier() throws Exception {
        FileSpool file = (FileSpool) spool;
        long before = file.forces();
        long first = file.appendAllDeferred(List.of(payload("a"), payload("b")));
        long second = file.appendAllDeferred(List.of(payload("c")));
        assertThat(file.forces()).as("written, not yet forced").isEqualTo(before);
        assertThat(file.read(0, 10)).hasSize(3);

        file.awaitDurable(first);
        assertThat(file.forces()).isEqualTo(before + 1);
        file.awaitDurable(second); // forced with the first: everything written by then
        file.awaitDurable(-1);
        assertThat(file.forces()).isEqualTo(before + 1);
    }

    @Test
    void concurrentAppendersShareFsyncs() throws Exception {
        FileSpool file = (FileSpool) spool;
        int threads = 8;
        int each = 40;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        file.append(payload("x"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(file.stats().records()).isEqualTo(threads * each);
        assertThat(file.forces()).isPositive().isLessThan(threads * each);
    }

    @Test
    void periodicDurabilityKeepsEverythingAcrossACleanClose() throws Exception {
        spool.close();
        Path periodic = tmp.resolve("periodic");
        spool = FileSpool.builder(periodic).durability(FileSpool.Durability.PERIODIC)
                .fsyncInterval(Duration.ofMillis(50)).open();
        for (int i = 0; i < 50; i++) {
            spool.append(payload("p" + i));
        }
        assertThat(((FileSpool) spool).forces()).isZero();
        spool.close();
        spool = FileSpool.builder(periodic).durability(FileSpool.Durability.PERIODIC).open();
        assertThat(spool.read(0, 100)).hasSize(50);
    }

    @Test
    void anUnreadableAckFileMeansReplayNotLoss() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b")));
        spool.ack(1);
        reopenAfter(() -> Files.writeString(dir.resolve("ack"), "nonsense"));
        assertThat(texts(spool.read(0, 10))).containsExactly("a", "b");
        assertThat(spool.append(payload("c"))).isEqualTo(3);
    }

    @Test
    void sequencesNeverGoBackBelowTheAcknowledgedOneEvenWhenEveryFileIsGone() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b"), payload("c")));
        spool.ack(3);
        reopenAfter(() -> {
            for (Path p : dataFiles()) {
                Files.delete(p);
            }
        });
        assertThat(spool.append(payload("d"))).isEqualTo(4);
    }

    @Test
    void anAckFileAheadOfTheDataStartsANewSegmentAfterIt() throws Exception {
        // A power cut can keep the renamed ack file and lose the last records' pages.
        spool.appendAll(List.of(payload("a"), payload("b"), payload("c")));
        reopenAfter(() -> Files.writeString(dir.resolve("ack"), "8\n"));

        assertThat(spool.read(0, 10)).isEmpty();
        assertThat(spool.append(payload("i"))).isEqualTo(9);
        reopenAfter(() -> {});

        assertThat(spool.stats().corrupt()).isZero();
        assertThat(fileNames()).containsExactly("00000000000000000009.seg");
        assertThat(texts(spool.read(0, 10))).containsExactly("i");
        assertThat(spool.read(0, 10).get(0).sequence()).isEqualTo(9);
    }

    @Test
    void aSegmentOfAnotherFormatVersionIsRefusedNotCut() throws Exception {
        spool.append(payload("a"));
        spool.close();
        Path file = dataFiles().get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[7] = 9;
        Files.write(file, bytes);

        assertThatThrownBy(this::reopen).isInstanceOf(IOException.class)
                .hasMessage(file + " has spool format version 9, this Numeter reads 1");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        spool = null;
        bytes[7] = 1;
        Files.write(file, bytes);
        spool = reopen();
        assertThat(texts(spool.read(0, 10))).as("the lock was released by the failed open").containsExactly("a");
    }

    @Test
    void aSegmentWithABadMagicNumberIsCountedAndCut() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b")));
        reopenAfter(() -> {
            Path file = dataFiles().get(0);
            byte[] bytes = Files.readAllBytes(file);
            bytes[0] = 'X';
            Files.write(file, bytes);
        });
        assertThat(spool.stats().corrupt()).isEqualTo(2);
        assertThat(spool.read(0, 10)).isEmpty();
        assertThat(spool.append(payload("c"))).isEqualTo(1);
    }

    @Test
    void aRecordLargerThanASegmentGetsASegmentOfItsOwn() throws Exception {
        byte[] big = new byte[100_000];
        big[99_999] = 7;
        spool.append(payload("small"));
        spool.append(big);
        spool.append(payload("after"));
        assertThat(fileNames()).hasSize(3);
        reopenAfter(() -> {});
        List<SpoolRecord> read = spool.read(0, 10);
        assertThat(read).hasSize(3);
        assertThat(read.get(1).payload()).isEqualTo(big);
        assertThat(new String(read.get(2).payload(), StandardCharsets.UTF_8)).isEqualTo("after");
    }

    @Test
    void anInterruptedAppenderOrReaderFailsAloneAndTheSpoolGoesOn() throws Exception {
        spool.append(payload("before"));
        AtomicReference<Throwable> appendFailure = new AtomicReference<>();
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                spool.append(payload("interrupted"));
            } catch (Throwable e) {
                appendFailure.set(e);
            }
            try {
                spool.read(0, 10);
            } catch (Throwable e) {
                readFailure.set(e);
            }
        });
        interrupted.start();
        interrupted.join();

        assertThat(appendFailure.get()).isInstanceOf(ClosedByInterruptException.class);
        assertThat(readFailure.get()).isInstanceOf(ClosedByInterruptException.class);
        assertThat(spool.append(payload("after"))).isEqualTo(2);
        assertThat(texts(spool.read(0, 10))).containsExactly("before", "after");
        reopenAfter(() -> {});
        assertThat(spool.stats().corrupt()).isZero();
        assertThat(texts(spool.read(0, 10))).containsExactly("before", "after");
    }

    @Test
    void toStringNamesTheDirectoryAndDurability() {
        assertThat(spool.toString()).contains(dir.toString()).contains("SYNC");
    }
}
