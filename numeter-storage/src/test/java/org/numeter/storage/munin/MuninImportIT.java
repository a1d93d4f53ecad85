package org.numeter.storage.munin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.storage.RrdStore;
import org.numeter.store.Archives;
import org.numeter.store.Consolidation;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;

/**
 * Real munin data: munin-update polls a real munin-node into a temporary dbdir, then two of its files are given
 * four days of history with rrdtool, in munin's own layout; the import must return what {@code rrdtool fetch} says.
 */
class MuninImportIT {
    private static final int DAYS = 4;

    @TempDir
    static Path dir;
    static MuninMaster munin;
    static long end;

    @BeforeAll
    static void munin() throws Exception {
        munin = new MuninMaster(dir.resolve("munin")).update();
        end = System.currentTimeMillis() / 1000 / 1800 * 1800 - 3600;
        withHistory(file("load-load-g"), "GAUGE", "U", i -> String.valueOf(1 + (i * 7 % 13) / 10.0 + (i % 5) * 0.25));
        long[] counter = {1000};
        withHistory(file("cpu-user-d"), "DERIVE", "0", i -> String.valueOf(counter[0] += (i * 37 % 101) * 3));
    }

    private static Path file(String name) {
        return munin.db().resolve("test").resolve("localhost-" + name + ".rrd");
    }

    /** Replaces a munin file with one made as munin makes it, updated every 5 minutes, off the step, for days. */
    private static void withHistory(Path file, String type, String min, LongFunction<String> value)
            throws Exception {
        assertThat(file).exists();
        Files.delete(file);
        long start = end - DAYS * 86400L;
        List<String> create = new ArrayList<>(List.of("create", file.toString(), "--start", String.valueOf(start),
                "--step", "300", "DS:42:" + type + ":600:" + min + ":U"));
        for (String rra : List.of("1:576", "6:432", "24:540", "288:450")) {
            for (String cf : List.of("AVERAGE", "MIN", "MAX")) {
                create.add("RRA:" + cf + ":0.5:" + rra);
            }
        }
        MuninMaster.rrdtool(create);
        List<String> update = new ArrayList<>(List.of("update", file.toString()));
        for (long i = 0; start + i * 300 + 17 < end; i++) {
            update.add((start + i * 300 + 17) + ":" + value.apply(i));
        }
        MuninMaster.rrdtool(update);
    }

    @Test
    void importsEveryPluginAndFieldOfRealMuninData() throws Exception {
        int files;
        try (Stream<Path> s = Files.list(munin.db().resolve("test"))) {
            files = (int) s.filter(p -> p.toString().endsWith(".rrd")).count();
        }
        List<String> problems = new ArrayList<>();
        try (RrdStore store = RrdStore.builder(dir.resolve("all")).archives(Archives.MUNIN).open()) {
            MuninImport.Counts c = MuninImport.builder(munin.db()).progress(recording(problems)).build().into(store);

            assertThat(problems).isEmpty();
            assertThat(c.failures()).isZero();
            assertThat(c.hosts()).isEqualTo(1);
            assertThat(c.files()).isEqualTo(files).isEqualTo(c.filesDone());
            assertThat(store.plugins("localhost")).hasSize(c.plugins());
            Plugin load = store.plugin("localhost", "load").orElseThrow();
            assertThat(load.title()).isEqualTo("Load average");
            assertThat(load.fields().get(0).name()).isEqualTo("load");
            assertThat(load.fields().get(0).type()).isEqualTo(FieldType.GAUGE);
            Plugin cpu = store.plugin("localhost", "cpu").orElseThrow();
            assertThat(cpu.fields()).filteredOn(f -> f.name().equals("user"))
                    .singleElement().satisfies(f -> assertThat(f.type()).isEqualTo(FieldType.DERIVE));
            assertThat(cpu.category()).isEqualTo("system");
        }
    }

    @Test
    void pointsMatchRrdtoolFetchInEveryTierAndFunction() throws Exception {
        try (RrdStore store = RrdStore.builder(dir.resolve("munin-shape")).archives(Archives.MUNIN).open()) {
            MuninImport.Counts c = MuninImport.builder(munin.db()).hosts("local*").build().into(store);
            assertThat(c.failures()).isZero();
            for (String[] f : new String[][] {{"load", "load", "load-load-g"}, {"cpu", "user", "cpu-user-d"}}) {
                Path source = file(f[2]);
                // two days of 5-minute points, then four days of 30-minute ones, as munin's graphs show them
                assertSame(store, f[0], f[1], source, Consolidation.AVERAGE, 300, end - 86400, end, 280);
                for (Consolidation cf : Consolidation.values()) {
                    assertSame(store, f[0], f[1], source, cf, 1800, end - DAYS * 86400L + 1800, end, 185);
                }
                assertSame(store, f[0], f[1], source, Consolidation.AVERAGE, 7200, end - DAYS * 86400L, end, 40);
            }
        }
    }

    @Test
    void aFinerStoreShowsTheSameFiveMinutePoints() throws Exception {
        try (RrdStore store = RrdStore.builder(dir.resolve("default-shape")).archives(Archives.DEFAULT).open()) {
            MuninImport.builder(munin.db()).build().into(store);
            assertSame(store, "load", "load", file("load-load-g"), Consolidation.AVERAGE, 300, end - 86400, end, 280);
            assertSame(store, "cpu", "user", file("cpu-user-d"), Consolidation.AVERAGE, 1800, end - 86400, end, 45);
        }
    }

    /** The store's points equal rrdtool's over the range; at least {@code known} of them are numbers. */
    private static void assertSame(RrdStore store, String plugin, String field, Path source, Consolidation cf,
                                   long resolution, long from, long to, int known) throws Exception {
        Map<Long, Double> expected = rrdtoolFetch(source, cf, resolution, from, to);
        Series s = store.fetch(new SeriesQuery("localhost", plugin, List.of(field), from, to, resolution, 0, cf));
        assertThat(s.step()).isEqualTo(resolution);
        Map<Long, Double> actual = new TreeMap<>();
        for (int i = 0; i < s.size(); i++) {
            if (expected.containsKey(s.timestamp(i))) {
                actual.put(s.timestamp(i), s.values()[0][i]);
            }
        }
        assertThat(actual.keySet()).as("%s %s %s %d s", plugin, field, cf, resolution)
                .containsExactlyElementsOf(expected.keySet());
        int numbers = 0;
        for (var e : expected.entrySet()) {
            double want = e.getValue();
            double got = actual.get(e.getKey());
            if (Double.isNaN(want)) {
                assertThat(got).as("%s %s %s at %d", plugin, field, cf, e.getKey()).isNaN();
            } else {
                numbers++;
                assertThat(got).as("%s %s %s at %d", plugin, field, cf, e.getKey())
                        .isCloseTo(want, org.assertj.core.data.Offset.offset(Math.abs(want) * 1e-9 + 1e-9));
            }
        }
        assertThat(numbers).as("known points of %s %s %s %d s", plugin, field, cf, resolution)
                .isGreaterThanOrEqualTo(known);
    }

    private static Map<Long, Double> rrdtoolFetch(Path file, Consolidation cf, long resolution, long from, long to)
            throws Exception {
        Map<Long, Double> out = new TreeMap<>();
        for (String line : MuninMaster.rrdtool(List.of("fetch", file.toString(), cf.name(), "-r",
                String.valueOf(resolution), "-s", String.valueOf(from), "-e", String.valueOf(to)))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            long t = Long.parseLong(line.substring(0, colon).trim());
            String v = line.substring(colon + 1).trim();
            if (t >= from && t <= to) {
                out.put(t, v.contains("nan") ? Double.NaN : Double.parseDouble(v));
            }
        }
        return out;
    }

    static MuninImport.Progress recording(List<String> problems) {
        return new MuninImport.Progress() {
            @Override
            public void update(MuninImport.Counts counts, String host, String plugin) {}

            @Override
            public void problem(String where, String message) {
                problems.add(where + ": " + message);
            }
        };
    }
}
