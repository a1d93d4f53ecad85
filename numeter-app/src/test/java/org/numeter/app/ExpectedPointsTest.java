package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.config.Config;
import org.numeter.model.SampleBatch;
import org.numeter.storage.RrdStore;
import org.numeter.store.Archives;
import org.numeter.store.Consolidation;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.WriteResult;

/**
 * The oracle of the cross-process tests, checked against rrd4j itself: a store opened with the launcher's
 * {@code storage.step=1s} holds exactly the points {@link ExpectedPoints} says, skipped seconds and a gap longer
 * than the heartbeat included, and drops repeated seconds as duplicates.
 */
class ExpectedPointsTest {
    @TempDir
    Path dir;

    @Test
    void aOneSecondStepHoldsEachUpdateAtItsOwnSecondAndAGapLongerThanTheHeartbeatAsUnknown() throws Exception {
        Archives archives = Roles.archives(Config.of(Settings.storage(),
                Map.of(Settings.STORAGE_ARCHIVES.name(), "fine", Settings.STORAGE_STEP.name(), "1s")));
        assertThat(archives.step()).isEqualTo(1);
        assertThat(archives.heartbeat()).isEqualTo(4);
        long t0 = 1_700_000_000L;
        // 3 is skipped (its second holds 4's value), 5..9 are a restart longer than the heartbeat (10 is unknown
        // too), 12 comes twice.
        List<Long> updates = List.of(t0, t0 + 1, t0 + 2, t0 + 4, t0 + 10, t0 + 11, t0 + 12, t0 + 12, t0 + 13);

        SortedMap<Long, Double> stored;
        WriteResult written;
        try (RrdStore store = RrdStore.builder(dir).archives(archives).open()) {
            List<SampleBatch> batches = new ArrayList<>();
            for (long t : updates) {
                batches.add(new SampleBatch("e2e-poller", CounterSourceProvider.PLUGIN, t,
                        Map.of(CounterSourceProvider.FIELD, (double) t), CounterSourceProvider.META));
            }
            written = store.write(batches);
            Series s = store.fetch(new SeriesQuery("e2e-poller", CounterSourceProvider.PLUGIN, List.of(), t0 - 5,
                    t0 + 20, 1, 0, Consolidation.AVERAGE));
            stored = new TreeMap<>();
            for (int i = 0; i < s.size(); i++) {
                double v = s.value(CounterSourceProvider.FIELD, s.timestamp(i));
                if (!Double.isNaN(v)) {
                    stored.put(s.timestamp(i), v);
                }
            }
        }

        SortedMap<Long, Double> expected = ExpectedPoints.of(updates, 1, archives.heartbeat(), t0 - 5, t0 + 20);
        assertThat(expected).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                t0, (double) t0, t0 + 1, (double) t0 + 1, t0 + 2, (double) t0 + 2, t0 + 3, (double) t0 + 4,
                t0 + 4, (double) t0 + 4, t0 + 11, (double) t0 + 11, t0 + 12, (double) t0 + 12,
                t0 + 13, (double) t0 + 13)));
        assertThat(stored).containsExactlyEntriesOf(expected);
        assertThat(written.duplicates()).isEqualTo(1);
    }
}
