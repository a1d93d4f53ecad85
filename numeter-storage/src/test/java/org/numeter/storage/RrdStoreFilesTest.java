package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.Consolidation;
import org.numeter.store.HostSummary;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.WriteResult;

/**
 * What the rrd4j store does with its files across starts: the index instead of opening every file, a start that
 * no file can stop (half-made files from a crash, by this version or an older one, go to quarantine), and the index
 * checked against the folders.
 */
class RrdStoreFilesTest {
    static final long T0 = 1_699_920_000L;
    /** The rate of a DERIVE field that grows by one a minute. */
    static final double R = 1.0 / 60;

    @TempDir
    Path dir;

    RrdStore store;

    @AfterEach
    void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    static SampleBatch batch(String host, String plugin, long t, double v) {
        return new SampleBatch(host, plugin, t, Map.of("v", v), null);
    }

    static Plugin counter(String name) {
        return Plugin.builder(name).title(name + " title").category("network")
                .field(Field.builder("v").type(FieldType.DERIVE).min(0.0).build()).build();
    }

    RrdStore open() throws IOException {
        store = RrdStore.builder(dir).openFiles(20).open();
        return store;
    }

    RrdStore reopen() throws IOException {
        store.close();
        return open();
    }

    void awaitChecked() {
        await("the background pass of the start").atMost(Duration.ofSeconds(20))
                .until(() -> store.checkedAgainstFiles());
    }

    /** Points 1..n at T0 + 60 ... for each plugin, the first batch with its metadata. */
    void writeSeries(String host, int plugins, int n) throws IOException {
        List<SampleBatch> batches = new ArrayList<>();
        for (int p = 0; p < plugins; p++) {
            for (int i = 1; i <= n; i++) {
                SampleBatch b = batch(host, "p" + p, T0 + 60L * i, i);
                batches.add(i == 1 ? b.withMeta(counter("p" + p)) : b);
            }
        }
        store.write(batches);
    }

    double[] values(String host, String plugin, int n) throws IOException {
        Series s = store.fetch(new SeriesQuery(host, plugin, List.of(), T0 + 60, T0 + 60L * n, 60, 0,
                Consolidation.AVERAGE));
        return s.values()[0];
    }

    @Test
    void startsFromItsIndexWithoutOpeningAFileAndOpensEachWhenFirstUsed() throws Exception {
        open();
        writeSeries("web1", 30, 3);
        reopen();

        assertThat(store.hosts()).containsExactly(new HostSummary("web1", 30, T0 + 180));
        assertThat(store.plugins("web1")).hasSize(30);
        assertThat(store.plugin("web1", "p7")).contains(counter("p7"));
        assertThat(store.filesOpened()).as("files opened to answer the lists").isZero();

        assertThat(values("web1", "p7", 3)).containsExactly(Double.NaN, R, R);
        assertThat(store.write(List.of(batch("web1", "p7", T0 + 180, 3), batch("web1", "p7", T0 + 240, 4))))
                .isEqualTo(new WriteResult(1, 1, 1, 0, 0, 0));
        assertThat(store.filesOpened()).isEqualTo(1);
    }

    @Test
    void takesTheFilesTruthOverAStaleIndex() throws Exception {
        open();
        writeSeries("web1", 2, 3);
        // the index as a clean close writes it (the running store writes it in the background, at its own moment)
        reopen();
        Path index = dir.resolve(StoreIndex.FILE);
        byte[] stale = Files.readAllBytes(index);
        // later writes, a new title, a new field, a new plugin; then a crash before the index is written again
        store.write(List.of(batch("web1", "p0", T0 + 240, 4).withMeta(counter("p0").toBuilder().title("renamed")
                        .field(Field.builder("w").build()).build()),
                batch("web1", "p9", T0 + 240, 9)));
        store.close();
        Files.write(index, stale);

        open();
        awaitChecked();

        assertThat(store.plugin("web1", "p9")).as("a file the index did not list").isPresent();
        // a replay of what was written after the stale index is known for what it is
        assertThat(store.write(List.of(batch("web1", "p0", T0 + 240, 4), batch("web1", "p0", T0 + 300, 5))))
                .isEqualTo(new WriteResult(1, 1, 1, 0, 0, 0));
        assertThat(store.plugin("web1", "p0").orElseThrow().title()).isEqualTo("renamed");
        assertThat(store.plugin("web1", "p0").orElseThrow().fieldNames()).containsExactly("v", "w");
        assertThat(values("web1", "p0", 5)).containsExactly(Double.NaN, R, R, R, R);
    }

    @Test
    void rebuildsACorruptIndexFromTheFiles() throws Exception {
        open();
        writeSeries("web1", 5, 3);
        writeSeries("db1", 2, 3);
        store.close();
        Path index = dir.resolve(StoreIndex.FILE);
        byte[] whole = Files.readAllBytes(index);
        Files.write(index, java.util.Arrays.copyOf(whole, whole.length / 2));

        open();
        assertThat(store.indexProblem()).contains(StoreIndex.FILE).contains("cannot be read");
        awaitChecked();

        assertThat(store.hosts()).containsExactly(new HostSummary("db1", 2, T0 + 180),
                new HostSummary("web1", 5, T0 + 180));
        assertThat(store.plugin("web1", "p4")).contains(counter("p4"));
        assertThat(values("db1", "p1", 3)).containsExactly(Double.NaN, R, R);
        await("the index written again").atMost(Duration.ofSeconds(20)).until(() -> {
            StoreIndex.Loaded l = StoreIndex.read(dir, store.archives());
            return l.problem() == null && l.items().size() == 7;
        });
    }

    @Test
    void quarantinesHalfMadeFilesOfAnyVersionAndStarts() throws Exception {
        open();
        writeSeries("web1", 5, 3);
        store.close();
        Path host = dir.resolve("web1");
        // this version's temporary files, left by a crash during a creation
        Files.write(host.resolve("p9.rrd.tmp"), new byte[] {1, 2, 3});
        Files.writeString(host.resolve("p9.json.tmp"), "{\"plugin\":", StandardCharsets.UTF_8);
        // an older version made files in place, through a mapping of a file made full size first: a crash left
        // an empty one (this version's in-place creation too: deleted, it held nothing), one cut short, one whose
        // second half is still zeros (its last archives' layout is null)
        Files.write(host.resolve("p1.rrd"), new byte[0]);
        truncate(host.resolve("p2.rrd"), Files.size(host.resolve("p2.rrd")) / 2);
        zeroFrom(host.resolve("p3.rrd"), Files.size(host.resolve("p3.rrd")) / 2);
        // and a side file that is not one
        Files.writeString(host.resolve("p4.json"), "not json", StandardCharsets.UTF_8);
        Files.delete(dir.resolve(StoreIndex.FILE));

        open();
        awaitChecked();

        Path q = dir.resolve("quarantine").resolve("web1");
        assertThat(list(q)).containsExactlyInAnyOrder("p9.rrd.tmp", "p9.json.tmp", "p2.rrd", "p3.rrd", "p4.json");
        assertThat(store.quarantinedFiles()).isEqualTo(5);
        assertThat(store.unfinishedFilesDeleted()).isOne();
        assertThat(list(host)).doesNotContain("p9.rrd.tmp", "p9.json.tmp", "p1.rrd", "p2.rrd", "p3.rrd");
        assertThat(store.plugins("web1")).extracting(p -> p.name()).containsExactly("p0", "p4");
        // the file of p4 is good: it keeps its data, with fields read from the file itself
        assertThat(store.plugin("web1", "p4").orElseThrow().field("v").orElseThrow().type())
                .isEqualTo(FieldType.DERIVE);
        assertThat(values("web1", "p4", 3)).containsExactly(Double.NaN, R, R);
        // a quarantined plugin starts again
        assertThat(store.write(List.of(batch("web1", "p1", T0 + 600, 7).withMeta(counter("p1")))).batches())
                .isOne();
        assertThat(store.plugins("web1")).hasSize(3);
    }

    @Test
    void quarantinesAnIndexedFileFoundBrokenWhenFirstUsedAndStartsItAgain() throws Exception {
        open();
        writeSeries("web1", 2, 3);
        store.close();
        zeroFrom(dir.resolve("web1/p1.rrd"), 0);

        open();
        assertThat(store.write(List.of(batch("web1", "p1", T0 + 600, 1).withMeta(counter("p1")),
                batch("web1", "p1", T0 + 660, 2)))).isEqualTo(new WriteResult(2, 2, 0, 0, 0, 0));

        assertThat(dir.resolve("quarantine/web1/p1.rrd")).isRegularFile();
        assertThat(store.quarantinedFiles()).isEqualTo(1);
        assertThat(store.fetch(new SeriesQuery("web1", "p1", List.of(), T0 + 660, T0 + 660, 60, 0,
                Consolidation.AVERAGE)).value("v", T0 + 660)).isEqualTo(1.0 / 60);
    }

    @Test
    void forgetsAPluginWhoseFilesAreGone() throws Exception {
        open();
        writeSeries("web1", 2, 3);
        writeSeries("db1", 1, 3);
        store.close();
        Files.delete(dir.resolve("web1/p1.rrd"));
        Files.delete(dir.resolve("db1/p0.rrd"));

        open();
        awaitChecked();

        assertThat(store.hosts()).containsExactly(new HostSummary("web1", 1, T0 + 180));
        assertThat(store.plugin("web1", "p1")).isEmpty();
    }

    @Test
    void leavesNoTemporaryFileAndEveryFileWhole() throws Exception {
        open();
        writeSeries("web1", 3, 2);
        // a field added later copies the file into a wider one the same way
        store.write(List.of(new SampleBatch("web1", "p0", T0 + 180, Map.of("v", 3.0, "w", 1.0), null)));

        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(store.plugin("web1", "p0").orElseThrow().fieldNames()).containsExactly("v", "w");
        assertThat(values("web1", "p0", 3)).containsExactly(Double.NaN, R, R);
    }

    @Test
    void aFieldWhoseSideFileDidNotFollowItsDataSourceIsMappedBackToIt() throws Exception {
        open();
        writeSeries("web1", 1, 2);
        store.flush();
        Path side = dir.resolve("web1/p0.json");
        byte[] before = Files.readAllBytes(side);
        store.write(List.of(new SampleBatch("web1", "p0", T0 + 180, Map.of("v", 3.0, "w", 30.0), null)));
        store.close();
        // a crash after the file got its new data source and before the side file was written
        Files.write(side, before);
        Files.delete(dir.resolve(StoreIndex.FILE));

        open();
        awaitChecked();
        Map<String, Double> both = new LinkedHashMap<>();
        both.put("v", 4.0);
        both.put("w", 40.0);
        assertThat(store.write(List.of(new SampleBatch("web1", "p0", T0 + 240, both, null))).batches()).isOne();

        Series s = store.fetch(new SeriesQuery("web1", "p0", List.of("w"), T0 + 180, T0 + 240, 60, 0,
                Consolidation.AVERAGE));
        assertThat(s.values()[0]).containsExactly(30, 40);
    }

    @Test
    void rollsBackAnUpdateACrashCutSoThatItsReplayCountsOnce() throws Exception {
        open();
        writeSeries("web1", 1, 3);
        store.close();
        store = null;
        Path rrd = dir.resolve("web1/p0.rrd");
        // an update under way when the process dies: saved in the undo log, applied (wholly or in part), never
        // marked done; here it is applied whole, the worst case for a replay
        MappedBackendFactory backend = new MappedBackendFactory();
        try (UndoLog log = new UndoLog(dir, 256);
                org.rrd4j.core.RrdDb db = org.rrd4j.core.RrdDb.getBuilder().setPath(rrd.toString())
                        .setBackendFactory(backend).build()) {
            log.open(key -> dir.resolve(key + ".rrd"));
            java.nio.ByteBuffer mapped = MappedBackendFactory.mapping(db);
            UpdateRegions regions = UpdateRegions.of(db, mapped.capacity());
            assertThat(regions).isNotNull();
            assertThat(log.begin(7, "web1/p0", mapped, regions)).isTrue();
            org.rrd4j.core.Sample s = db.createSample(T0 + 240);
            s.setValue(0, 4);
            s.update();
        }
        backend.close();

        open();
        assertThat(store.write(List.of(batch("web1", "p0", T0 + 240, 4), batch("web1", "p0", T0 + 300, 5))))
                .isEqualTo(new WriteResult(2, 2, 0, 0, 0, 0));

        assertThat(values("web1", "p0", 5)).containsExactly(Double.NaN, R, R, R, R);
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private static void zeroFrom(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long size = f.length();
            f.seek(offset);
            f.write(new byte[(int) (size - offset)]);
        }
    }
}
