package org.numeter.storage.munin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.storage.RrdStore;
import org.numeter.store.Archives;
import org.numeter.store.Consolidation;
import org.numeter.store.SeriesQuery;

/**
 * The checked-in munin dbdir of src/test/resources/munin (made by its make-fixture.sh with rrdtool): two hosts, one
 * with a GAUGE, a DERIVE and a multigraph child, one whose file is not an RRD; a malformed datafile line; a field
 * whose file is missing. Every 5-minute update of the hour was at a step boundary, so the rates are exact.
 */
class MuninImportTest {
    static final long T0 = 1699999200;
    static final long END = T0 + 3600;
    static final String WEB = "web1.example.com";

    @TempDir
    Path dir;
    Path muninDir;
    final List<String> problems = new ArrayList<>();

    @BeforeEach
    void copyFixture() throws IOException {
        muninDir = dir.resolve("munin");
        Path from = Path.of("src/test/resources/munin");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, muninDir.resolve(from.relativize(p).toString()));
            }
        }
    }

    private MuninImport.Builder importer() {
        return MuninImport.builder(muninDir).progress(MuninImportIT.recording(problems));
    }

    private RrdStore store(Archives archives) throws IOException {
        return RrdStore.builder(dir.resolve("store")).archives(archives).open();
    }

    @Test
    void importsMetadataAndEveryRateAndReportsWhatIsWrong() throws IOException {
        try (RrdStore store = store(Archives.MUNIN)) {
            MuninImport.Counts c = importer().build().into(store);

            assertThat(c).isEqualTo(new MuninImport.Counts(2, 2, 5, 5, 5, 5, c.rows(), 3));
            assertThat(problems).containsExactly(
                    muninDir.resolve("datafile")
                            + ":16: 'this line is not munin's' is not 'group;host:plugin.key value'",
                    muninDir.resolve("grp/" + WEB + "-missing-gone-g.rrd")
                            + ": no such file (munin keeps one per field)",
                    muninDir.resolve("grp/db1-load-load-g.rrd") + ": unreadable: not an rrdtool file (it does not start"
                            + " with 'RRD')");
            assertThat(store.hosts()).extracting(h -> h.id()).containsExactly(WEB);
            assertThat(store.plugins(WEB)).extracting(p -> p.name())
                    .containsExactly("diskstats_iops.sda", "if_eth0", "load");

            Plugin load = store.plugin(WEB, "load").orElseThrow();
            assertThat(load.title()).isEqualTo("Load average");
            assertThat(load.category()).isEqualTo("system");
            assertThat(load.args()).isEqualTo("--base 1000 -l 0");
            Field down = store.plugin(WEB, "if_eth0").orElseThrow().fields().get(0);
            assertThat(down.name()).isEqualTo("down");
            assertThat(down.label()).isEqualTo("received");
            assertThat(down.type()).isEqualTo(FieldType.DERIVE);
            assertThat(down.min()).isEqualTo(0.0);
            assertThat(store.lastUpdate(WEB, "load")).contains(END);

            assertThat(values(store, "load", "load", Consolidation.AVERAGE, 300, T0 + 300, END))
                    .containsExactly(0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0);
            assertThat(values(store, "if_eth0", "down", Consolidation.AVERAGE, 300, T0 + 300, END))
                    .containsExactly(Double.NaN, 30.0, 50.0, 70.0, 90.0, 110.0, 130.0, 150.0, 170.0, 190.0, 210.0,
                            230.0);
            assertThat(values(store, "diskstats_iops.sda", "rdio", Consolidation.AVERAGE, 300, END - 600, END))
                    .containsExactly(110.0, 111.0, 112.0);
            // munin's own 30-minute archives: one unknown of six is still a point (xff 0.5)
            assertThat(values(store, "if_eth0", "down", Consolidation.AVERAGE, 1800, T0 + 1800, END))
                    .containsExactly(70.0, 180.0);
            assertThat(values(store, "if_eth0", "down", Consolidation.MIN, 1800, T0 + 1800, END))
                    .containsExactly(30.0, 130.0);
            assertThat(values(store, "load", "load", Consolidation.MAX, 1800, T0 + 1800, END))
                    .containsExactly(3.0, 6.0);
            // five-minute rows: 12 + 11 + 12; thirty-minute: 2 rows x 3 functions x 3 fields; coarser: none (they
            // end before the first update or after the last)
            assertThat(c.rows()).isEqualTo(35 + 18);
        }
    }

    @Test
    void aFinerStoreRepeatsEachFiveMinuteRateAndConsolidatesCoarserTiers() throws IOException {
        try (RrdStore store = store(Archives.DEFAULT)) {
            importer().hosts("web*").build().into(store);

            assertThat(values(store, "load", "load", Consolidation.AVERAGE, 60, END - 540, END))
                    .containsExactly(5.5, 5.5, 5.5, 5.5, 5.5, 6.0, 6.0, 6.0, 6.0, 6.0);
            assertThat(values(store, "load", "load", Consolidation.AVERAGE, 300, END - 300, END))
                    .containsExactly(5.5, 6.0);
            assertThat(values(store, "load", "load", Consolidation.AVERAGE, 1800, END, END)).containsExactly(4.75);
        }
    }

    @Test
    void rowsAlreadyStoredAreKeptAndASecondImportWritesNothing() throws IOException {
        try (RrdStore store = store(Archives.MUNIN)) {
            long first = importer().hosts(WEB).build().into(store).rows();
            MuninImport.Counts again = importer().hosts(WEB).build().into(store);

            assertThat(first).isPositive();
            assertThat(again.rows()).isZero();
            assertThat(again.failures()).isEqualTo(2);
            assertThat(values(store, "load", "load", Consolidation.AVERAGE, 300, END - 300, END))
                    .containsExactly(5.5, 6.0);
        }
    }

    @Test
    void aStoreOpenOnTheSameDataDirIsRefused() throws IOException {
        try (RrdStore running = store(Archives.MUNIN)) {
            assertThatThrownBy(() -> store(Archives.MUNIN)).isInstanceOf(IOException.class)
                    .hasMessage(dir.resolve("store") + " is in use by another storage (it holds "
                            + dir.resolve("store/.lock") + "); stop it first");
            assertThat(running.hosts()).isEmpty();
        }
        try (RrdStore afterwards = store(Archives.MUNIN)) {
            assertThat(importer().build().into(afterwards).hostsDone()).isEqualTo(2);
        }
    }

    @Test
    void aDryRunReadsEverythingAndWritesNothing() throws IOException {
        MuninImport.Counts c = importer().hosts("{web1.example.com,db1}").build().dryRun();

        assertThat(c.failures()).isEqualTo(3);
        assertThat(c.filesDone()).isEqualTo(5);
        assertThat(c.rows()).isEqualTo(12 + 11 + 12);
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void theHostGlobChoosesHosts() throws IOException {
        MuninImport.Counts c = importer().hosts("db?").build().dryRun();

        assertThat(c.hosts()).isEqualTo(1);
        assertThat(c.plugins()).isEqualTo(1);
        assertThat(problems).hasSize(2); // the datafile line is read whatever the glob
    }

    private static List<Double> values(RrdStore store, String plugin, String field, Consolidation cf, long resolution,
                                       long from, long to) throws IOException {
        var s = store.fetch(new SeriesQuery(WEB, plugin, List.of(field), from, to, resolution, 0, cf));
        assertThat(s.step()).isEqualTo(resolution);
        assertThat(s.start()).isEqualTo(from);
        List<Double> out = new ArrayList<>();
        for (double v : s.values()[0]) {
            out.add(v);
        }
        return out;
    }
}
