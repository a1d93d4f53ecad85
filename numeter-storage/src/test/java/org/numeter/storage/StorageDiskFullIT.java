package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.store.Consolidation;
import org.numeter.store.SeriesQuery;
import org.numeter.store.StoreWriteException;
import org.slf4j.LoggerFactory;

/**
 * A storage whose data folder is a file system of its own, a few megabytes, that fills up or turns read-only while
 * it drains: it pauses with the pages left upstream, says why and where (status, and the log once a minute), and
 * resumes by itself on the first drain after the space returns, with every point stored once and nothing written
 * before lost.
 */
@Timeout(120)
class StorageDiskFullIT {
    static final long T0 = 1_699_920_000L;
    static final Duration INTERVAL = Duration.ofMillis(200);
    static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path base;

    SmallDisk disk;
    RrdStore store;
    Storage storage;
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger storageLog = (Logger) LoggerFactory.getLogger(Storage.class);

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(base.resolve("disk"), "4m");
        log.start();
        storageLog.addAppender(log);
    }

    @AfterEach
    void unmount() throws Exception {
        storageLog.detachAppender(log);
        if (storage != null) {
            storage.close();
        }
        if (store != null) {
            store.close();
        }
        disk.unmount();
    }

    static byte[] record(String plugin, long t, double v) {
        return BatchCodec.encode(new SampleBatch("web1", plugin, t, Map.of("v", v), null));
    }

    static double value(int plugin, int i) {
        return plugin * 100 + i;
    }

    double[] stored(String plugin, int points) throws Exception {
        return store.fetch(new SeriesQuery("web1", plugin, List.of(), T0 + 60, T0 + 60L * points, 60, 0,
                Consolidation.AVERAGE)).values()[0];
    }

    long figure(String name) {
        return ((Number) storage.figures().get(name)).longValue();
    }

    Storage storage(MemorySpool upstream) throws Exception {
        storage = Storage.builder().store(store).upstream("collector1", upstream).interval(INTERVAL).pageSize(50)
                .api(false).build();
        storage.start();
        return storage;
    }

    @Test
    void aFullDiskPausesIngestionSaysWhereAndResumesByItselfWithNothingLost() throws Exception {
        // 200 plugins of one field: a new file is sparse, some 50 KB of its 150 KB on the disk with the default
        // archives (its header and archive blocks, a page each, and the pages its rows reach), and its side file a
        // page: 4 MB hold some 80 of them
        int plugins = 200;
        int points = 5;
        MemorySpool upstream = new MemorySpool();
        for (int i = 1; i <= points; i++) {
            for (int p = 0; p < plugins; p++) {
                upstream.append(record("p" + p, T0 + 60L * i, value(p, i)));
            }
        }
        store = RrdStore.builder(disk.dir().resolve("rrd")).open();
        storage(upstream);

        await("the storage saying the disk is full").atMost(WITHIN).until(() -> !storage.check().ok());
        assertThat(storage.check().detail())
                .startsWith("every upstream fails: collector1: disk full at " + disk.dir().resolve("rrd"));
        long held = upstream.stats().records();
        assertThat(held).as("records kept upstream").isPositive();
        long rounds = figure("drainRounds");
        await("five more rounds").atMost(WITHIN).until(() -> figure("drainRounds") >= rounds + 5);

        assertThat(storage.check().ok()).isFalse();
        assertThat(upstream.stats().records()).as("nothing acknowledged while the disk is full").isEqualTo(held);
        @SuppressWarnings("unchecked")
        Map<String, Object> failure = (Map<String, Object>) storage.figures().get("lastWriteFailure");
        assertThat(failure).containsEntry("kind", "disk full");
        assertThat((String) failure.get("path")).startsWith(disk.dir().toString());
        assertThat(log.list.stream().filter(e -> e.getFormattedMessage().contains("disk full at")))
                .as("log lines about the full disk, in more than five rounds").hasSize(1);
        // what was written before the disk filled is there
        assertThat(stored("p0", 1)).containsExactly(value(0, 1));

        long errorsBefore = figure("drainErrors");
        disk.resize("64m");
        await("ingestion resuming by itself").atMost(WITHIN)
                .until(() -> upstream.stats().records() == 0 && storage.check().ok());

        assertThat(figure("drainErrors")).as("failed rounds after the space returned (one may have been running)")
                .isLessThanOrEqualTo(errorsBefore + 1);
        for (int p = 0; p < plugins; p++) {
            double[] expected = new double[points];
            for (int i = 1; i <= points; i++) {
                expected[i - 1] = value(p, i);
            }
            assertThat(stored("p" + p, points)).as("plugin p" + p).containsExactly(expected);
        }
        assertThat(figure("batches")).isEqualTo((long) plugins * points);
        assertThat(log.list.stream().filter(e -> e.getFormattedMessage().contains("drains again"))).hasSize(1);
    }

    /**
     * New files are sparse: their rows take room only when first written, by a flush of the waiting updates long
     * after the file was made. On a disk filled meanwhile that write fails (ENOSPC through a positioned write, never
     * a fault through a mapping): counted, logged, the updates kept waiting (in memory and the journal), and written
     * once there is room again, as they would have been.
     */
    @Test
    void rowsOfSparseFilesWrittenOnAFullDiskFailCleanlyAndAreWrittenOnceThereIsRoom() throws Exception {
        Path data = disk.dir().resolve("rrd");
        ListAppender<ILoggingEvent> storeLog = new ListAppender<>();
        Logger rrdLog = (Logger) LoggerFactory.getLogger(RrdStore.class);
        storeLog.start();
        rrdLog.addAppender(storeLog);
        try {
            int plugins = 10;
            store = RrdStore.builder(data).open();
            for (int p = 0; p < plugins; p++) {
                store.write(List.of(new SampleBatch("web1", "p" + p, T0 + 60, Map.of("v", value(p, 1)), null)));
            }
            store.flush();
            // 500 minutes on: the rows of the gap (NaN) and of the new points reach holes of the file (the first
            // archive's rows pass its first page), and they wait in memory (fewer than a flush's 1,024 rows)
            long later = T0 + 60 + 60L * 500;
            for (int p = 0; p < plugins; p++) {
                store.write(List.of(new SampleBatch("web1", "p" + p, later - 60, Map.of("v", value(p, 2)), null),
                        new SampleBatch("web1", "p" + p, later, Map.of("v", value(p, 3)), null)));
            }
            Path filler = disk.dir().resolve("filler");
            try (var out = FileChannel.open(filler, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer chunk = ByteBuffer.allocate(4096);
                while (true) {
                    out.write(chunk.clear());
                }
            } catch (IOException full) {
                assertThat(full.getMessage()).contains("No space left");
            }

            long failures = store.writeFailures();
            assertThatThrownBy(store::flush)
                    .isInstanceOf(StoreWriteException.class)
                    .satisfies(e -> assertThat(((StoreWriteException) e).kind())
                            .isEqualTo(StoreWriteException.Kind.DISK_FULL));
            assertThat(store.writeFailures()).as("counted").isGreaterThan(failures);
            assertThat(storeLog.list.stream().filter(e -> e.getFormattedMessage()
                    .contains("its waiting updates cannot be written"))).as("logged").isNotEmpty();
            assertThat(store.pendingBytes()).as("the updates still waiting").isPositive();
            var whileFull = store.fetch(new SeriesQuery("web1", "p0", List.of(), T0, later, 60, 0,
                    Consolidation.AVERAGE));
            assertThat(whileFull.value("v", later)).as("a read while the disk is full shows the waiting points")
                    .isEqualTo(value(0, 3));
            assertThat(whileFull.value("v", later - 600)).isNaN();
            assertThat(store.pendingBytes()).as("still waiting after the read").isPositive();

            Files.delete(filler);
            store.flush();
            assertThat(store.pendingBytes()).isZero();
            for (int round = 0; round < 2; round++) {
                for (int p = 0; p < plugins; p++) {
                    var s = store.fetch(new SeriesQuery("web1", "p" + p, List.of(), T0, later, 60, 0,
                            Consolidation.AVERAGE));
                    assertThat(s.value("v", T0 + 60)).as("p%d before the disk filled", p).isEqualTo(value(p, 1));
                    assertThat(s.value("v", later)).as("p%d written once there was room", p)
                            .isEqualTo(value(p, 3));
                    assertThat(s.value("v", later - 600)).as("p%d in the gap", p).isNaN();
                }
                store.close();
                store = RrdStore.builder(data).open();
            }
        } finally {
            rrdLog.detachAppender(storeLog);
        }
    }

    @Test
    void aReadOnlyFileSystemServesWhatItHoldsAndTakesWritesAgainOnceWritable() throws Exception {
        Path data = disk.dir().resolve("rrd");
        store = RrdStore.builder(data).open();
        for (int p = 0; p < 3; p++) {
            store.write(List.of(
                    new SampleBatch("web1", "p" + p, T0 + 60, Map.of("v", value(p, 1)), null),
                    new SampleBatch("web1", "p" + p, T0 + 120, Map.of("v", value(p, 2)), null)));
        }
        store.close();
        disk.readOnly();

        store = RrdStore.builder(data).open();
        assertThat(store.plugins("web1")).hasSize(3);
        assertThat(stored("p1", 2)).containsExactly(value(1, 1), value(1, 2));

        MemorySpool upstream = new MemorySpool();
        upstream.append(record("p1", T0 + 180, value(1, 3)));
        upstream.append(record("p7", T0 + 180, value(7, 3)));
        storage(upstream);
        await("the storage saying the file system is read-only").atMost(WITHIN)
                .until(() -> !storage.check().ok());
        assertThat(storage.check().detail())
                .startsWith("every upstream fails: collector1: read-only file system at " + data);
        assertThat(upstream.stats().records()).isEqualTo(2);

        disk.writable();
        await("ingestion resuming by itself").atMost(WITHIN)
                .until(() -> upstream.stats().records() == 0 && storage.check().ok());

        assertThat(stored("p1", 3)).containsExactly(value(1, 1), value(1, 2), value(1, 3));
        assertThat(store.fetch(new SeriesQuery("web1", "p7", List.of(), T0 + 180, T0 + 180, 60, 0,
                Consolidation.AVERAGE)).value("v", T0 + 180)).isEqualTo(value(7, 3));
    }
}
