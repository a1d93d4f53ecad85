package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/** The write-behind journal: framed records, read back in order; a torn tail dropped; segments rotated. */
class JournalTest {
    private static final long T0 = 1_699_920_000L;

    @TempDir
    Path dir;

    private static SampleBatch batch(int i) {
        return new SampleBatch("web" + (i % 3), "load", T0 + 60L * i, Map.of("v", i + 0.5, "w", Double.NaN), null);
    }

    private static Journal.Records records(int from, int to) {
        Journal.Records r = new Journal.Records();
        for (int i = from; i < to; i++) {
            r.add(batch(i));
        }
        return r;
    }

    private static List<SampleBatch> read(Path segment, long[] torn) throws IOException {
        List<SampleBatch> out = new ArrayList<>();
        torn[0] = Journal.read(segment, out::add).torn();
        return out;
    }

    @Test
    void readsBackEveryBatchInOrderWithoutItsMetadata() throws Exception {
        Journal j = new Journal(dir, 1 << 20);
        assertThat(j.existing()).isEmpty();
        j.start();
        Journal.Records first = records(0, 10);
        first.add(batch(10).withMeta(Plugin.builder("load").field(Field.builder("v").build()).build()));
        j.append(List.of(first, records(11, 20)));
        j.append(List.of(records(20, 25)));
        j.close(false);

        long[] torn = new long[1];
        List<SampleBatch> got = read(Journal.path(dir, 1), torn);
        List<SampleBatch> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            expected.add(batch(i));
        }
        assertThat(got).isEqualTo(expected);
        assertThat(torn[0]).isZero();
        assertThat(new Journal(dir, 1 << 20).existing()).containsExactly(Journal.path(dir, 1));
    }

    @Test
    void aTornOrCorruptTailIsDroppedAndCountedAndTheRecordsBeforeItKept() throws Exception {
        Journal j = new Journal(dir, 1 << 20);
        j.start();
        j.append(List.of(records(0, 5)));
        j.close(false);
        Path segment = Journal.path(dir, 1);
        long whole = Files.size(segment);

        // a crash during an append: the last record half there
        Journal again = new Journal(dir, 1 << 20);
        again.start();
        again.append(List.of(records(5, 6)));
        again.close(false);
        byte[] next = Files.readAllBytes(Journal.path(dir, 2));
        Files.write(segment, java.util.Arrays.copyOf(next, next.length - 3), StandardOpenOption.APPEND);
        long[] torn = new long[1];
        assertThat(read(segment, torn)).hasSize(5);
        assertThat(torn[0]).isEqualTo(next.length - 3);

        // a byte of the last whole record changed: its checksum no longer matches
        byte[] bytes = Files.readAllBytes(segment);
        byte[] cut = java.util.Arrays.copyOf(bytes, (int) whole);
        cut[(int) whole - 2] ^= 0x40;
        Files.write(segment, cut);
        assertThat(read(segment, torn)).hasSize(4);
        assertThat(torn[0]).isPositive().isLessThan(whole);

        // a length that runs past the end of the file
        Files.write(segment, new byte[] {0x7f, 0, 0, 0, 0, 0, 0, 0, 1, 2});
        assertThat(read(segment, torn)).isEmpty();
        assertThat(torn[0]).isEqualTo(10);
    }

    @Test
    void aCorruptRecordThatOthersFollowIsSkippedAndCountedAndTheRestRead() throws Exception {
        Journal j = new Journal(dir, 1 << 20);
        j.start();
        j.append(List.of(records(0, 5)));
        j.close(false);
        Path segment = Journal.path(dir, 1);
        byte[] bytes = Files.readAllBytes(segment);
        int second = 8 + java.nio.ByteBuffer.wrap(bytes).getInt(); // where the second record's frame starts
        bytes[second + 8 + 3] ^= 0x10; // a byte of its batch: its checksum no longer matches
        Files.write(segment, bytes);

        List<SampleBatch> got = new ArrayList<>();
        Journal.Read read = Journal.read(segment, got::add);
        assertThat(got).containsExactly(batch(0), batch(2), batch(3), batch(4));
        assertThat(read).isEqualTo(new Journal.Read(4, 1, 0));
    }

    @Test
    void startsANewSegmentPastItsSizeAndDeletesOnlyThoseItIsToldAreFlushed() throws Exception {
        Journal j = new Journal(dir, 500);
        j.start();
        for (int i = 0; i < 40; i += 4) {
            j.append(List.of(records(i, i + 4)));
        }
        long current = j.segment();
        assertThat(current).isGreaterThan(3);
        assertThat(new Journal(dir, 500).existing()).hasSize((int) current);

        j.deleteBefore(3);
        assertThat(new Journal(dir, 500).existing()).first().isEqualTo(Journal.path(dir, 3));
        j.deleteBefore(Long.MAX_VALUE);
        assertThat(new Journal(dir, 500).existing()).as("the current segment stays")
                .containsExactly(Journal.path(dir, current));

        List<SampleBatch> all = new ArrayList<>();
        for (Path p : new Journal(dir, 500).existing()) {
            Journal.read(p, all::add);
        }
        assertThat(all).isNotEmpty().allSatisfy(b -> assertThat(b.plugin()).isEqualTo("load"));
        j.close(true);
        assertThat(new Journal(dir, 500).existing()).isEmpty();
    }

    @Test
    void anAppendThatFailsKeepsItsRecordsForTheNextOne() throws Exception {
        Journal j = new Journal(dir, 1 << 20);
        j.start();
        j.append(List.of(records(0, 2)));
        j.close(false);
        assertThatThrownBy(() -> j.append(List.of(records(2, 4)))).isInstanceOf(IOException.class)
                .hasMessageContaining(".journal.1");
        j.start();
        j.append(List.of());
        j.close(false);
        long[] torn = new long[1];
        assertThat(read(Journal.path(dir, 2), torn)).containsExactly(batch(2), batch(3));
    }
}
