package org.numeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolRecord;

/**
 * What a spool kept in files must do besides {@link SpoolContract}: survive a close and reopen, and survive the
 * damage a crash or a bad disk leaves (a torn last write, a flipped byte, garbage at the end, an empty file) by
 * cutting off and counting what is bad, never by failing to open, and without ever returning a damaged payload.
 *
 * <p>The spool under test must keep payloads verbatim in its files (the damage tests find a record by its bytes).
 */
public abstract class DurableSpoolContract extends SpoolContract {

    /** Opens again, on the same files, the spool the last {@link #newSpool()} made; the test has closed it. */
    protected abstract Spool reopen() throws Exception;

    /** The files holding records, oldest first. */
    protected abstract List<Path> dataFiles() throws IOException;

    /** Where a data file whose first record would be {@code firstSequence} lives. */
    protected abstract Path dataFileFor(long firstSequence);

    @FunctionalInterface
    protected interface Damage {
        void apply() throws Exception;
    }

    /** Closes the spool, applies the damage to its files, and reopens it. */
    protected final void reopenAfter(Damage damage) throws Exception {
        spool.close();
        damage.apply();
        spool = reopen();
    }

    /** {@code count} records of about 500 bytes, each with a unique text at its start, numbered from 1. */
    protected static List<byte[]> numbered(int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(payload(marker(i) + "x".repeat(480)));
        }
        return out;
    }

    protected static String marker(int i) {
        return String.format("record-%05d|", i);
    }

    /** Everything the spool holds, page by page. */
    protected List<SpoolRecord> readAll() throws IOException {
        List<SpoolRecord> all = new ArrayList<>();
        long from = 0;
        while (true) {
            List<SpoolRecord> page = spool.read(from, 37);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            from = page.get(page.size() - 1).sequence() + 1;
        }
    }

    @Test
    void dataAndSequencesSurviveReopen() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b")));
        spool.append(payload("c"));

        reopenAfter(() -> {});

        List<SpoolRecord> read = spool.read(0, 10);
        assertThat(texts(read)).containsExactly("a", "b", "c");
        assertThat(read).extracting(SpoolRecord::sequence).containsExactly(1L, 2L, 3L);
        assertThat(read).allSatisfy(r -> assertThat(r.appendedAtMillis()).isPositive());
        assertThat(spool.stats().records()).isEqualTo(3);
        assertThat(spool.stats().lastSequence()).isEqualTo(3);
        assertThat(spool.stats().corrupt()).isZero();
        assertThat(spool.append(payload("d"))).isEqualTo(4);
    }

    @Test
    void manyRecordsAcrossFilesSurviveReopenInOrder() throws Exception {
        List<byte[]> records = numbered(300);
        spool.appendAll(records.subList(0, 100));
        for (byte[] r : records.subList(100, 300)) {
            spool.append(r);
        }
        spool.ack(40);

        reopenAfter(() -> {});

        List<SpoolRecord> all = readAll();
        assertThat(all).hasSize(260);
        for (SpoolRecord r : all) {
            assertThat(r.payload()).isEqualTo(records.get((int) r.sequence() - 1));
        }
        assertThat(all).extracting(SpoolRecord::sequence).first().isEqualTo(41L);
        assertThat(all).extracting(SpoolRecord::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(spool.stats().records()).isEqualTo(260);
        assertThat(texts(spool.read(250, 2))).containsExactly(new String(records.get(249), StandardCharsets.UTF_8),
                new String(records.get(250), StandardCharsets.UTF_8));
    }

    @Test
    void acknowledgedRecordsStayGoneAfterReopen() throws Exception {
        for (int i = 1; i <= 5; i++) {
            spool.append(payload("r" + i));
        }
        spool.ack(3);

        reopenAfter(() -> {});

        assertThat(texts(spool.read(0, 10))).containsExactly("r4", "r5");
        assertThat(spool.stats().records()).isEqualTo(2);
        spool.ack(5);

        reopenAfter(() -> {});

        assertThat(spool.read(0, 10)).isEmpty();
        assertThat(spool.stats().records()).isZero();
        assertThat(spool.stats().lastSequence()).isEqualTo(5);
        assertThat(spool.append(payload("r6"))).isEqualTo(6);
        assertThat(texts(spool.read(0, 10))).containsExactly("r6");
    }

    @Test
    void tornTailIsCutOffAndCounted() throws Exception {
        List<byte[]> records = numbered(10);
        for (byte[] r : records) {
            spool.append(r);
        }

        reopenAfter(() -> {
            Path last = lastDataFile();
            try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() - 3);
            }
        });

        assertThat(spool.stats().corrupt()).isEqualTo(1);
        assertThat(readAll()).extracting(SpoolRecord::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertPayloadsMatch(readAll(), records);
        assertAppendingStillWorks(9, 10);
    }

    @ParameterizedTest(name = "record {0} of 60")
    @ValueSource(ints = {10, 58})
    void aFlippedByteIsDetectedCountedAndNeverReturned(int victim) throws Exception {
        List<byte[]> records = numbered(60);
        for (byte[] r : records) {
            spool.append(r);
        }

        reopenAfter(() -> flipByteAfter(marker(victim)));

        List<SpoolRecord> all = readAll();
        assertThat(all).extracting(SpoolRecord::sequence).doesNotContain((long) victim);
        assertThat(all.subList(0, victim - 1)).extracting(SpoolRecord::sequence)
                .containsExactly(sequences(1, victim - 1));
        assertPayloadsMatch(all, records);
        assertThat(spool.stats().corrupt())
                .as("every record appended is either read back or counted corrupt")
                .isEqualTo(60 - all.size());
        long lastGood = all.get(all.size() - 1).sequence();
        assertAppendingStillWorks(lastGood, lastGood + 1);
    }

    @Test
    void garbageAfterTheLastRecordIsCutOffAndCounted() throws Exception {
        List<byte[]> records = numbered(5);
        spool.appendAll(records);

        reopenAfter(() -> Files.write(lastDataFile(), "garbage".getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.APPEND));

        assertThat(spool.stats().corrupt()).isEqualTo(1);
        assertThat(readAll()).extracting(SpoolRecord::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertPayloadsMatch(readAll(), records);
        assertAppendingStillWorks(5, 6);
    }

    @Test
    void anEmptyDataFileIsIgnored() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b"), payload("c")));

        reopenAfter(() -> Files.write(dataFileFor(4), new byte[0]));

        assertThat(spool.stats().corrupt()).isZero();
        assertThat(texts(spool.read(0, 10))).containsExactly("a", "b", "c");
        assertAppendingStillWorks(3, 4);
    }

    @Test
    void recordsDroppedWhenFullStayCountedButAreNotReadAfterReopen() throws Exception {
        spool.close();
        spool = newBoundedSpool(64 * 1024);
        byte[] kb = new byte[1024];
        for (int i = 0; i < 200; i++) {
            spool.append(kb);
        }
        long held = spool.stats().records();

        reopenAfter(() -> {});

        List<SpoolRecord> all = readAll();
        assertThat(all).hasSize((int) held);
        assertThat(all.get(all.size() - 1).sequence()).isEqualTo(200);
        assertThat(spool.append(kb)).isEqualTo(201);
    }

    /**
     * After damage: what was read stays readable, the next append gets {@code expectedSequence}, the damage is not
     * found again by a second reopen, and nothing returned changes.
     */
    private void assertAppendingStillWorks(long lastGood, long expectedSequence) throws Exception {
        List<SpoolRecord> before = readAll();
        assertThat(spool.append(payload("after"))).isEqualTo(expectedSequence).isGreaterThan(lastGood);

        reopenAfter(() -> {});

        assertThat(spool.stats().corrupt()).as("the damage was cut off, not found again").isZero();
        List<SpoolRecord> after = readAll();
        assertThat(after).hasSize(before.size() + 1);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i).sequence()).isEqualTo(before.get(i).sequence());
            assertThat(after.get(i).payload()).isEqualTo(before.get(i).payload());
        }
        assertThat(texts(after.subList(before.size(), after.size()))).containsExactly("after");
        assertThat(spool.append(payload("again"))).isEqualTo(expectedSequence + 1);
    }

    private static void assertPayloadsMatch(List<SpoolRecord> read, List<byte[]> appended) {
        Map<Long, byte[]> bySequence = new HashMap<>();
        for (int i = 0; i < appended.size(); i++) {
            bySequence.put((long) i + 1, appended.get(i));
        }
        for (SpoolRecord r : read) {
            assertThat(r.payload()).as("payload of sequence %d", r.sequence()).isEqualTo(bySequence.get(r.sequence()));
        }
    }

    private static Long[] sequences(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out.toArray(Long[]::new);
    }

    private Path lastDataFile() throws IOException {
        List<Path> files = dataFiles();
        assertThat(files).isNotEmpty();
        return files.get(files.size() - 1);
    }

    /** Flips one byte a little after the first occurrence of {@code text} in the data files. */
    private void flipByteAfter(String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (Path file : dataFiles()) {
            byte[] bytes = Files.readAllBytes(file);
            int at = indexOf(bytes, needle);
            if (at >= 0) {
                int victim = at + needle.length + 100;
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[victim] ^ 0x20)}), victim);
                }
                return;
            }
        }
        throw new AssertionError("no data file holds '" + text + "'");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
