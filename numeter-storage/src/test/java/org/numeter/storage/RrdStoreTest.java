package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;
import org.numeter.model.SampleBatch;
import org.numeter.store.Archives;
import org.numeter.store.Consolidation;
import org.numeter.store.Store;
import org.numeter.store.WriteResult;
import org.numeter.testkit.DurableStoreContract;
import org.numeter.time.TimePolicy;

class RrdStoreTest extends DurableStoreContract {
    @TempDir
    Path dir;

    @Override
    protected Store newStore(Archives archives, TimePolicy time) throws Exception {
        return RrdStore.builder(dir).archives(archives).openFiles(50).time(time).open();
    }

    @Override
    protected Store reopen(Archives archives) throws Exception {
        return newStore(archives, time());
    }

    @Test
    void keepsOneFilePerPluginWithItsMetadataBeside() throws Exception {
        var p = plugin("load", gauge("load"));
        writeSeries("web1", p, "load", 1);
        ((RrdStore) store).flush(); // a new plugin's files are made with its first updates' flush

        assertThat(dir.resolve("web1/load.rrd")).isRegularFile();
        var side = SideFile.read(dir.resolve("web1/load.json"));
        assertThat(side.plugin()).isEqualTo(p);
        assertThat(side.dataSources()).containsEntry("load", "load");
        assertThat(Files.readString(dir.resolve("web1/load.json")))
                .contains(new String(BatchCodec.encode(p), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aHeartbeatRaisedForPointsSlowerThanItIsKeptInTheFile() throws Exception {
        // (the rule itself is the contract's: StoreContract.pointsSlowerThanTheHeartbeat...)
        var p = plugin("load", gauge("load"));
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            SampleBatch b = batch("web1", "load", T0 + 300L * i, "load", 5);
            batches.add(i == 1 ? b.withMeta(p) : b);
        }
        RrdStore rrd = (RrdStore) store;
        rrd.write(batches);
        rrd.flush();
        assertThat(rrd.timeFaults().raised()).isEqualTo(1);

        store.close();
        store = reopen(Archives.DEFAULT);
        store.write(List.of(batch("web1", "load", T0 + 1500, "load", 7)));
        ((RrdStore) store).flush();
        assertThat(store.host("web1").orElseThrow().apart()).isZero();
        assertThat(fetch("web1", "load", T0 + 1200, T0 + 1500, 60, Consolidation.AVERAGE).value("load", T0 + 1500))
                .isEqualTo(7.0);
    }

    @Test
    void mapsLongFieldNamesToShortDataSourcesAndKeepsTheMapping() throws Exception {
        String a = "a_field_name_longer_than_twenty_characters";
        store.write(List.of(batch("web1", "long", T0 + 60, a, 1)));
        ((RrdStore) store).flush();

        var ds = SideFile.read(dir.resolve("web1/long.json")).dataSources().get(a);
        assertThat(ds).hasSize(20).startsWith("a_field_name_").isEqualTo(RrdLayout.dsName(a, 0));
    }

    @Test
    void reportsFilesWhoseArchivesDifferFromTheConfiguration() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", 1);
        store.close();
        RrdStore munin = RrdStore.builder(dir).archives(Archives.MUNIN).open();
        store = munin;

        assertThat(munin.layoutWarnings()).containsExactly("web1/load.rrd keeps its archives (step 60 s, 1x2880,"
                + " 5x2592, 30x2160, 1440x450); new files get munin (step 300 s, 1x576, 6x432, 24x540, 288x450)");
    }

    @Test
    void closesFilesUnderConcurrentWritersWithoutLosingAPoint() throws Exception {
        store.close();
        RrdStore small = RrdStore.builder(dir).openFiles(8).threads(2).open();
        store = small;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<WriteResult>> results = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    WriteResult sum = WriteResult.NONE;
                    for (int i = 1; i <= 5; i++) {
                        List<SampleBatch> round = new ArrayList<>();
                        for (int p = 0; p < 30; p++) {
                            round.add(batch("h" + thread, "p" + p, T0 + 60 * i, "v", p * 10 + i));
                        }
                        sum = sum.plus(small.write(round));
                    }
                    return sum;
                }));
            }
            WriteResult total = WriteResult.NONE;
            for (var f : results) {
                total = total.plus(f.get());
            }
            assertThat(total).isEqualTo(new WriteResult(450, 450, 0, 0, 0, 0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(small.openFiles()).isLessThanOrEqualTo(8);
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 30; p++) {
                assertThat(fetch("h" + t, "p" + p, T0 + 60, T0 + 300, 60, Consolidation.AVERAGE).values()[0])
                        .containsExactly(p * 10 + 1, p * 10 + 2, p * 10 + 3, p * 10 + 4, p * 10 + 5);
            }
        }
    }

    @Test
    void keepsAtMostTheConfiguredNumberOfFilesOpen() throws Exception {
        store.close();
        RrdStore small = RrdStore.builder(dir).openFiles(5).open();
        store = small;
        List<SampleBatch> round = new ArrayList<>();
        for (int p = 0; p < 40; p++) {
            round.add(batch("web1", "p" + p, T0 + 60, "v", p));
        }
        assertThat(small.write(round)).isEqualTo(new WriteResult(40, 40, 0, 0, 0, 0));
        assertThat(small.openFiles()).isLessThanOrEqualTo(5);

        for (int p = 0; p < 40; p++) {
            assertThat(fetch("web1", "p" + p, T0 + 60, T0 + 60, 60, Consolidation.AVERAGE).value("v", T0 + 60))
                    .isEqualTo(p);
        }
        assertThat(small.openFiles()).isLessThanOrEqualTo(5);
    }
}
