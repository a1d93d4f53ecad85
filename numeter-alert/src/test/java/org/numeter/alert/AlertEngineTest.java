package org.numeter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.InMemoryStore;
import org.numeter.testkit.MutableClock;

class AlertEngineTest {
    private static final long T0 = 1_700_000_000L;
    private static final Plugin LOAD = Plugin.builder("load").field(Field.builder("load").warning("5").critical("10")
            .build()).field(Field.builder("other").build()).build();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(T0));
    private final InMemoryStore store = new InMemoryStore();
    private AlertEngine engine;

    private AlertEngine start() throws IOException {
        engine = AlertEngine.builder(dir.resolve("alerts")).store(store).clock(clock)
                .tick(Duration.ofHours(1)).snapshotEvery(Duration.ofHours(1)).build();
        engine.start();
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Writes a batch to the store and tells the engine, as the storage's sink does. */
    private void point(String host, long t, double load, Plugin meta) throws IOException {
        SampleBatch b = new SampleBatch(host, "load", t, Map.of("load", load, "other", 1.0), meta);
        store.write(List.of(b));
        engine.written(List.of(b));
    }

    @Test
    void aCrossingIsAChangeInTheJournalAndAProblem() throws IOException {
        start();
        point("web1", T0, 1, LOAD);
        point("web1", T0 + 60, 7, null);
        point("web1", T0 + 120, 12, null);
        assertThat(engine.problems()).singleElement().satisfies(c -> {
            assertThat(c.to()).isEqualTo(AlertState.CRITICAL);
            assertThat(c.from()).isEqualTo(AlertState.WARNING);
            assertThat(c.at()).isEqualTo(T0 + 120);
            assertThat(c.value()).isEqualTo(12.0);
            assertThat(c.threshold()).isEqualTo("10");
            assertThat(c.reason()).isEqualTo("value 12 critical 10 (above 10) (plugin)");
        });
        AlertEngine.Feed feed = engine.changes(0, 100);
        assertThat(feed.changes()).extracting(Change::seq).containsExactly(1L, 2L);
        assertThat(feed.changes()).extracting(Change::to).containsExactly(AlertState.WARNING, AlertState.CRITICAL);
        assertThat(engine.changes(1, 100).changes()).extracting(Change::seq).containsExactly(2L);
        point("web1", T0 + 180, 1, null);
        assertThat(engine.problems()).isEmpty();
        assertThat(engine.history("web1", T0, T0 + 180, 100)).extracting(Change::to)
                .containsExactly(AlertState.WARNING, AlertState.CRITICAL, AlertState.OK);
        assertThat(engine.history("db1", T0, T0 + 180, 100)).isEmpty();
    }

    @Test
    void aRestartKeepsTheStatesAndAReplayAnnouncesNothing() throws IOException {
        start();
        point("web1", T0, 1, LOAD);
        point("web1", T0 + 60, 12, null);
        // as killed: no snapshot, the journal alone must do
        engine.closeWithoutSnapshot();
        start();
        assertThat(engine.problems()).extracting(Change::to).containsExactly(AlertState.CRITICAL);
        // the page that held both points comes again (it was not acknowledged upstream): nothing new
        SampleBatch first = new SampleBatch("web1", "load", T0, Map.of("load", 1.0), LOAD);
        SampleBatch second = new SampleBatch("web1", "load", T0 + 60, Map.of("load", 12.0), null);
        engine.written(List.of(first, second));
        assertThat(engine.changes(0, 100).changes()).hasSize(1);
        // a batch without metadata after the restart finds the plugin's limits in the store
        point("web1", T0 + 120, 1, null);
        assertThat(engine.problems()).isEmpty();
        assertThat(engine.changes(0, 100).changes()).extracting(Change::to).containsExactly(AlertState.CRITICAL,
                AlertState.OK);
    }

    @Test
    void aSilentHostBecomesUnknownAndComesBack() throws IOException {
        start();
        point("web1", T0, 1, LOAD);
        point("web1", T0 + 60, 1, null);
        clock.set(Instant.ofEpochSecond(T0 + 60 + 5 * 60));
        engine.tickNow();
        assertThat(engine.problems()).isEmpty();
        clock.set(Instant.ofEpochSecond(T0 + 60 + 5 * 60 + 1));
        engine.tickNow();
        assertThat(engine.problems()).singleElement().satisfies(c -> {
            assertThat(c.host()).isEqualTo("web1");
            assertThat(c.plugin()).isNull();
            assertThat(c.to()).isEqualTo(AlertState.UNKNOWN);
            assertThat(c.reason()).startsWith("no data since 2023-11-14T22:14:20Z (5 intervals of 60 s)");
        });
        engine.tickNow();
        assertThat(engine.changes(0, 10).changes()).hasSize(1);
        point("web1", T0 + 500, 1, null);
        assertThat(engine.problems()).isEmpty();
    }

    @Test
    void aPluginBeforeItsSecondPointWaitsForItsHostsPluginsIntervalNotTheSecondsBetweenPlugins() throws IOException {
        // a poller at 10 s stamps each value with the second it was read: cpu at :00, memory at :01. The host's
        // interval was the time between any two points (1 s), and a plugin with limits and one point went UNKNOWN
        // five seconds later, at every start
        start();
        Plugin cpu = Plugin.builder("cpu").field(Field.builder("user").build()).build();
        Plugin memory = Plugin.builder("memory").field(Field.builder("used").build()).build();
        for (long t = T0; t <= T0 + 20; t += 10) {
            engine.written(List.of(new SampleBatch("web1", "cpu", t, Map.of("user", 1.0), t == T0 ? cpu : null),
                    new SampleBatch("web1", "memory", t + 1, Map.of("used", 1.0), t == T0 ? memory : null)));
        }
        point("web1", T0 + 22, 1, LOAD);
        clock.set(Instant.ofEpochSecond(T0 + 22 + 5 * 10));
        engine.tickNow();
        assertThat(engine.problems()).as("five of the host's 10 s").isEmpty();
        clock.set(Instant.ofEpochSecond(T0 + 22 + 5 * 10 + 1));
        engine.tickNow();
        // nothing came from the host at all since: the host is UNKNOWN (its plugins with it)
        assertThat(engine.problems()).extracting(Change::host, Change::plugin, Change::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web1", null, AlertState.UNKNOWN));
    }

    @Test
    void aPollersFirstCycleASecondBeforeItsSecondMakesNothingUnknown() throws IOException {
        // a poller started at :29 collects at :30 (the next whole second), then at :40 (its 10 s boundary)
        start();
        long first = T0 + 29;
        for (long t : new long[] {first, first + 1}) {
            point("web1", t, 1, t == first ? LOAD : null);
        }
        clock.set(Instant.ofEpochSecond(first + 1 + 9));
        engine.tickNow();
        assertThat(engine.problems()).as("a second's gap is not the plugin's interval").isEmpty();
        point("web1", first + 11, 1, null);
        point("web1", first + 21, 1, null);
        clock.set(Instant.ofEpochSecond(first + 21 + 5 * 10 + 1));
        engine.tickNow();
        assertThat(engine.problems()).as("five of its 10 s later").extracting(Change::host, Change::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web1", AlertState.UNKNOWN));
    }

    @Test
    void aSilentPluginOfALiveHostMakesItsWatchedFieldsUnknown() throws IOException {
        start();
        Plugin cpu = Plugin.builder("cpu").field(Field.builder("user").build()).build();
        point("web1", T0, 1, LOAD);
        point("web1", T0 + 60, 1, null);
        for (long t = T0; t <= T0 + 600; t += 60) {
            SampleBatch b = new SampleBatch("web1", "cpu", t, Map.of("user", 1.0), t == T0 ? cpu : null);
            engine.written(List.of(b));
        }
        clock.set(Instant.ofEpochSecond(T0 + 600));
        engine.tickNow();
        assertThat(engine.problems()).singleElement().satisfies(c -> {
            assertThat(c.plugin()).isEqualTo("load");
            assertThat(c.field()).isEqualTo("load");
            assertThat(c.to()).isEqualTo(AlertState.UNKNOWN);
        });
    }

    @Test
    void rulesApplyAtOnceAndSurviveARestart() throws IOException {
        start();
        point("web1", T0, 7, LOAD);
        assertThat(engine.problems()).extracting(Change::to).containsExactly(AlertState.WARNING);
        engine.rules(List.of(new Rule("web*", "load", "load", "none", "none", null, null, "rule 1")));
        assertThat(engine.problems()).isEmpty();
        assertThat(engine.changes(0, 10).changes()).last().satisfies(c ->
                assertThat(c.reason()).isEqualTo("no limit applies any more"));
        engine.rules(List.of(new Rule("web*", "load", "other", "0.5", null, null, null, "rule 2")));
        point("web1", T0 + 60, 7, null);
        assertThat(engine.problems()).extracting(Change::field).containsExactlyInAnyOrder("load", "other");
        engine.close();
        start();
        assertThat(engine.rules()).extracting(Rule::origin).containsExactly("rule 2");
    }

    @Test
    void aCounterIsJudgedOnItsRateAndAQuietValueStaysQuiet() throws IOException {
        start();
        Plugin net = Plugin.builder("if_eth0").field(Field.builder("rx").type(org.numeter.model.FieldType.DERIVE)
                .min(0.0).warning("100").build()).field(Field.builder("tx").warning("1:2").build()).build();
        double[] rx = {0, 600, 1200, 60_000, 66_000, 66_060};
        for (int i = 0; i < rx.length; i++) {
            SampleBatch b = new SampleBatch("web1", "if_eth0", T0 + 60L * i, Map.of("rx", rx[i], "tx", 1.5),
                    i == 0 ? net : null);
            engine.written(List.of(b));
        }
        // 10/s, 10/s, 980/s (warning), 100/s (on the line: fine), 1/s
        assertThat(engine.history("web1", 0, Long.MAX_VALUE, 10)).extracting(c -> c.to() + "@" + (c.at() - T0))
                .containsExactly("WARNING@180", "OK@240");
        assertThat(engine.history("web1", 0, Long.MAX_VALUE, 10).get(0).value()).isEqualTo(980.0);
    }

    @Test
    void aSnapshotThenTheJournalRestoreTheStates() throws IOException {
        start();
        point("web1", T0, 7, LOAD);
        engine.close();
        start();
        point("web1", T0 + 60, 12, null);
        engine.closeWithoutSnapshot();
        start();
        assertThat(engine.problems()).extracting(Change::to).containsExactly(AlertState.CRITICAL);
        assertThat(engine.history(null, 0, Long.MAX_VALUE, 10)).hasSize(2);
    }
}
