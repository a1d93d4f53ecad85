package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.Archives;
import org.numeter.store.Consolidation;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.rrd4j.core.RrdDb;

/**
 * New files are sparse ({@link SparseRows}): their rows are holes, which read as 0.0, and every read shows the rows
 * at or before the file's start as unknown, never as zeros; rows written after it, zeros included, are shown as
 * written, and after a wrap every row is.
 */
class SparseRowsTest {
    static final long T0 = 1_699_920_000L;
    static final long WEEK = 7 * 86_400L;
    static final Plugin GAUGE = Plugin.builder("load").title("load")
            .field(Field.builder("v").type(FieldType.GAUGE).build()).build();

    @TempDir
    Path dir;

    RrdStore store;

    @AfterEach
    void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    static SampleBatch batch(long t, double v) {
        return new SampleBatch("web1", "load", t, Map.of("v", v), null);
    }

    Series week(long end) throws IOException {
        return store.fetch(new SeriesQuery("web1", "load", List.of("v"), end - WEEK, end, 0, 0,
                Consolidation.AVERAGE));
    }

    /** A day: read from the tier of one-minute points, as written. */
    Series day(long end) throws IOException {
        return store.fetch(new SeriesQuery("web1", "load", List.of("v"), end - 86_400, end, 0, 0,
                Consolidation.AVERAGE));
    }

    static double[] known(Series s) {
        return Arrays.stream(s.values()[0]).filter(x -> !Double.isNaN(x)).toArray();
    }

    static double[] values(Series s) {
        return s.values()[0];
    }

    Path rrd() {
        return dir.resolve("web1").resolve("load.rrd");
    }

    static String signature(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(40);
            ch.read(b, 0);
            char[] c = new char[20];
            b.flip().asCharBuffer().get(c);
            return new String(c).trim();
        }
    }

    @Test
    void createNewLeavesTheHolesUnwrittenAndTheFileItsWholeLength() throws Exception {
        byte[] content = new byte[100_000];
        Arrays.fill(content, (byte) 7);
        Path f = dir.resolve("a.rrd");
        ByteBuffer[] parts = {ByteBuffer.wrap(content, 0, 64).slice(), ByteBuffer.wrap(content, 64, 99_936).slice()};
        RrdFiles.createNew(f, parts, new long[] {100, 50_000, 60_000, 100_000});
        byte[] got = Files.readAllBytes(f);
        assertThat(got).hasSize(content.length);
        byte[] expected = content.clone();
        Arrays.fill(expected, 100, 50_000, (byte) 0);
        Arrays.fill(expected, 60_000, 100_000, (byte) 0);
        assertThat(got).isEqualTo(expected);
        assertThat(RrdFiles.unfinished(f)).isFalse();
    }

    @Test
    void theSignatureKeepsTheStartAndRrd4jStillReadsItsVersion() {
        for (long start : new long[] {T0, 0, -1, Long.MAX_VALUE, 1L << 48 | 32}) {
            ByteBuffer sig = SparseRows.signature(start);
            char[] c = new char[20];
            sig.duplicate().asCharBuffer().get(c);
            String read = new String(c).trim();
            assertThat(read).startsWith("RRD4J").endsWith("version 0.2");
            assertThat(SparseRows.start(read)).isEqualTo(start);
        }
        assertThat(SparseRows.start("RRD4J, version 0.2")).isEqualTo(SparseRows.WHOLE);
    }

    @Test
    void aNewPluginsWeekShowsUnknownBeforeItsFirstUpdateNotZeros() throws Exception {
        store = RrdStore.builder(dir).open();
        store.write(List.of(batch(T0, 5).withMeta(GAUGE)));
        assertThat(known(week(T0))).as("a week of a file with one point").doesNotContain(0.0);
        assertThat(known(day(T0))).containsExactly(5.0);
        List<SampleBatch> more = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            more.add(batch(T0 + 60L * i, i == 30 ? 0.0 : 5.0));
        }
        store.write(more);
        long end = T0 + 1800;
        assertThat(SparseRows.start(signature(rrd()))).as("a sparse file, marked")
                .isEqualTo(T0 - Archives.DEFAULT.step());
        Series s = week(end);
        double[] v = values(s);
        for (int i = 0; i < v.length; i++) {
            long t = s.start() + i * s.step();
            if (t <= T0 - Archives.DEFAULT.step()) {
                assertThat(v[i]).as("at %d, before the first update", t).isNaN();
            }
        }
        assertThat(known(s)).as("the 5-minute points of a week").isNotEmpty().doesNotContain(0.0);
        // the real zero after the start is kept as written
        double[] minutes = known(day(end));
        assertThat(minutes).hasSize(31);
        assertThat(minutes[30]).isEqualTo(0.0);
        assertThat(Arrays.copyOf(minutes, 30)).containsOnly(5.0);
        assertThat(Files.size(rrd())).as("its whole length").isEqualTo(148_840);
    }

    @Test
    void afterAWrapEveryRowIsRealZerosIncluded() throws Exception {
        Archives small = new Archives("small", 60, List.of(new Archives.Tier(1, 10), new Archives.Tier(5, 10)));
        store = RrdStore.builder(dir).archives(small).open();
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            SampleBatch b = batch(T0 + 60L * i, 0.0);
            batches.add(i == 0 ? b.withMeta(GAUGE) : b);
        }
        store.write(batches);
        long end = T0 + 60L * 99;
        for (long step : new long[] {60, 300}) {
            long from = end - 9 * step;
            Series s = store.fetch(new SeriesQuery("web1", "load", List.of("v"), from - from % step, end, step, 0,
                    Consolidation.AVERAGE));
            double[] v = values(s);
            assertThat(v).as("step %d", step).isNotEmpty();
            for (int i = 0; i < v.length; i++) {
                long t = s.start() + i * s.step();
                if (t > T0 && t <= end) {
                    assertThat(v[i]).as("step %d at %d", step, t).isEqualTo(0.0);
                }
            }
        }
    }

    @Test
    void aGraphOfANewPluginHasNoZerosInItsLegend() throws Exception {
        store = RrdStore.builder(dir).open();
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            SampleBatch b = batch(T0 + 60L * i, 5 + i % 3);
            batches.add(i == 0 ? b.withMeta(GAUGE) : b);
        }
        store.write(batches);
        var png = new GraphRenderer(store).draw(new GraphRenderer.Request("web1", "load", T0 + 1800 - 86_400,
                T0 + 1800, 600, 300, null, true));
        List<String> texts = png.texts().stream().map(t -> t.text().strip()).toList();
        String legend = String.join(" | ", texts);
        assertThat(legend).contains("min:").contains("avg:").contains("max:");
        // values 5, 6 and 7, averaged over the pixels' spans: never a hole's zero
        for (String kind : List.of("cur", "min", "avg", "max")) {
            String entry = texts.stream().filter(t -> t.startsWith(kind + ":")).findFirst().orElseThrow();
            assertThat(Double.parseDouble(entry.substring(kind.length() + 1).strip())).as(legend)
                    .isBetween(5.0, 7.0);
        }
    }

    @Test
    void aFieldAddedLaterCopiesTheFileWholeWithUnknownBeforeItsStart() throws Exception {
        store = RrdStore.builder(dir).open();
        store.write(List.of(batch(T0, 5).withMeta(GAUGE)));
        store.flush();
        Plugin wider = Plugin.builder("load").title("load").field(Field.builder("v").type(FieldType.GAUGE).build())
                .field(Field.builder("w").type(FieldType.GAUGE).build()).build();
        store.write(List.of(new SampleBatch("web1", "load", T0 + 60, Map.of("v", 1.0, "w", 2.0), wider)));
        store.flush();
        assertThat(SparseRows.start(signature(rrd()))).as("copied whole, plain").isEqualTo(SparseRows.WHOLE);
        Series s = store.fetch(new SeriesQuery("web1", "load", List.of("v", "w"), T0 + 60 - 86_400, T0 + 60, 0, 0,
                Consolidation.AVERAGE));
        assertThat(Arrays.stream(s.values()[0]).filter(x -> !Double.isNaN(x)).toArray()).containsExactly(5.0,
                1.0);
        assertThat(Arrays.stream(s.values()[1]).filter(x -> !Double.isNaN(x)).toArray()).containsExactly(2.0);
        try (RrdDb db = RrdDb.getBuilder().setPath(rrd().toString()).readOnly().build()) {
            assertThat(db.getArchive(0).getRobin(0).getValues()).as("NaN in the file itself")
                    .containsOnlyOnce(5.0).doesNotContain(0.0);
        }
    }

    @Test
    void aStoreThatWritesThroughMappingsMakesASparseFileWholeFirst() throws Exception {
        store = RrdStore.builder(dir).open();
        store.write(List.of(batch(T0, 5).withMeta(GAUGE)));
        store.close();
        assertThat(SparseRows.start(signature(rrd()))).isNotEqualTo(SparseRows.WHOLE);
        store = RrdStore.builder(dir).io(RrdStore.Io.MAPPED).open();
        store.write(List.of(batch(T0 + 60, 6)));
        store.flush();
        assertThat(SparseRows.start(signature(rrd()))).as("made whole").isEqualTo(SparseRows.WHOLE);
        assertThat(known(day(T0 + 60))).containsExactly(5.0, 6.0);
        store.close();
        store = RrdStore.builder(dir).open();
        store.write(List.of(batch(T0 + 120, 7)));
        assertThat(known(day(T0 + 120))).containsExactly(5.0, 6.0, 7.0);
    }
}
