package org.numeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.numeter.model.Plugin;
import org.numeter.store.Archives;
import org.numeter.store.Consolidation;
import org.numeter.store.HostSummary;
import org.numeter.store.Store;
import org.numeter.store.WriteResult;

/** What a store that keeps its data on disk must do besides {@link StoreContract}. */
public abstract class DurableStoreContract extends StoreContract {

    /**
     * Opens again, with these archives and {@link #time()}, the store that {@link #newStore} made last (which is
     * closed).
     */
    protected abstract Store reopen(Archives archives) throws Exception;

    @Test
    void keepsEverythingAcrossAReopen() throws Exception {
        Plugin p = plugin("load", gauge("load")).toBuilder().vlabel("load").build();
        writeSeries("web1", p, "load", 1, 2, 3);
        store.close();
        store = reopen(Archives.DEFAULT);

        assertThat(store.hosts()).containsExactly(new HostSummary("web1", 1, T0 + 180));
        assertThat(store.plugin("web1", "load")).contains(p);
        assertThat(fetch("web1", "load", T0 + 60, T0 + 180, 60, Consolidation.AVERAGE).values()[0])
                .containsExactly(1, 2, 3);
    }

    @Test
    void dropsReplayedPointsAfterAReopen() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", 1, 2, 3);
        store.close();
        store = reopen(Archives.DEFAULT);

        WriteResult r = store.write(List.of(batch("web1", "load", T0 + 180, "load", 30),
                batch("web1", "load", T0 + 240, "load", 4)));

        assertThat(r).isEqualTo(new WriteResult(1, 1, 1, 0, 0, 0));
        // after a restart, an older point cannot be told from a replay of the page the crash interrupted
        assertThat(store.write(List.of(batch("web1", "load", T0 + 150, "load", 1.5))))
                .isEqualTo(new WriteResult(0, 0, 1, 0, 0, 0));
        assertThat(fetch("web1", "load", T0 + 60, T0 + 240, 60, Consolidation.AVERAGE).values()[0])
                .containsExactly(1, 2, 3, 4);
    }

    @Test
    void keepsTheLayoutOfOldFilesWhenTheArchivesChange() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", 1, 2, 3);
        store.close();
        store = reopen(Archives.MUNIN);

        store.write(List.of(batch("web1", "load", T0 + 240, "load", 4),
                batch("web1", "fresh", T0 + 300, "v", 5)));

        var old = fetch("web1", "load", T0 + 60, T0 + 240, 60, Consolidation.AVERAGE);
        assertThat(old.step()).isEqualTo(60);
        assertThat(old.values()[0]).containsExactly(1, 2, 3, 4);
        var fresh = fetch("web1", "fresh", T0 + 300, T0 + 300, 60, Consolidation.AVERAGE);
        assertThat(fresh.step()).isEqualTo(300);
        assertThat(fresh.value("v", T0 + 300)).isEqualTo(5);
    }
}
