package org.numeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.Archives;
import org.numeter.store.Consolidation;
import org.numeter.store.HostSummary;
import org.numeter.store.PluginSummary;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.numeter.store.WriteResult;
import org.numeter.time.TimePolicy;

/**
 * What every {@link Store} must do, with the default archives (60-second step). An implementation's test extends
 * this class and says how to make an empty store; durable ones extend {@link DurableStoreContract}.
 *
 * <p>Timestamps are whole steps after {@link #T0}, so the expected values are exact: a point at {@code t} is the
 * rate over {@code (t - 60, t]}. The store's clock ({@link #clock}) stands at {@link #NOW}, after every fixture's
 * points; the tests of the time policy move it.
 */
public abstract class StoreContract {
    /** A day boundary, so that every tier's points fall on round timestamps. */
    protected static final long T0 = 1_699_920_000L;
    protected static final long STEP = 60;
    /** The store's time at the start of each test: ten days after {@link #T0}. */
    protected static final long NOW = T0 + 10 * 86_400;
    /** The skew the stores are given. */
    protected static final Duration SKEW = Duration.ofMinutes(5);

    protected final MutableClock clock = new MutableClock(Instant.ofEpochSecond(NOW));
    protected Store store;

    /** A new, empty store with these archives and this time policy. */
    protected abstract Store newStore(Archives archives, TimePolicy time) throws Exception;

    /** The time policy of the stores a test makes: {@link #clock} and {@link #SKEW}. */
    protected TimePolicy time() {
        return new TimePolicy(clock, SKEW);
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore(Archives.DEFAULT, time());
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    // ---- fixtures

    protected static Plugin plugin(String name, Field... fields) {
        return Plugin.builder(name).title(name + " title").category("system").fields(List.of(fields)).build();
    }

    protected static Field gauge(String name) {
        return Field.builder(name).build();
    }

    protected static Field typed(String name, FieldType type, Double min, Double max) {
        return Field.builder(name).type(type).min(min).max(max).build();
    }

    protected static SampleBatch batch(String host, String plugin, long time, Object... fieldValues) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < fieldValues.length; i += 2) {
            values.put((String) fieldValues[i], ((Number) fieldValues[i + 1]).doubleValue());
        }
        return new SampleBatch(host, plugin, time, values, null);
    }

    /** One field's values at T0 + 60, T0 + 120, ...; the first batch carries the metadata. */
    protected WriteResult writeSeries(String host, Plugin meta, String field, double... values) throws Exception {
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            SampleBatch b = batch(host, meta.name(), T0 + STEP * (i + 1), field, values[i]);
            batches.add(i == 0 ? b.withMeta(meta) : b);
        }
        return store.write(batches);
    }

    protected Series fetch(String host, String plugin, long from, long to, long resolution, Consolidation cf)
            throws Exception {
        return store.fetch(new SeriesQuery(host, plugin, List.of(), from, to, resolution, 0, cf));
    }

    /** The values of one field at T0 + 60 * (first..last). */
    protected double[] valuesAt(Series s, String field, int first, int last) {
        double[] out = new double[last - first + 1];
        for (int i = first; i <= last; i++) {
            out[i - first] = s.value(field, T0 + STEP * i);
        }
        return out;
    }

    protected static double[] ramp(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    // ---- write and read back

    @Test
    void writesAndReadsBackGaugeValues() throws Exception {
        WriteResult r = writeSeries("web1", plugin("load", gauge("load")), "load", 0.5, 1, 1.5, 2, 2.5);
        assertThat(r).isEqualTo(new WriteResult(5, 5, 0, 0, 0, 0));

        Series s = fetch("web1", "load", T0 + 60, T0 + 300, 60, Consolidation.AVERAGE);

        assertThat(s.host()).isEqualTo("web1");
        assertThat(s.plugin()).isEqualTo("load");
        assertThat(s.fields()).containsExactly("load");
        assertThat(s.step()).isEqualTo(60);
        assertThat(s.start()).isEqualTo(T0 + 60);
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.values()[0]).containsExactly(0.5, 1, 1.5, 2, 2.5);
    }

    @Test
    void answersAnEmptyRangeWithUnknowns() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", 1, 2);
        Series s = fetch("web1", "load", T0 + 6000, T0 + 6300, 60, Consolidation.AVERAGE);
        assertThat(s.size()).isEqualTo(6);
        assertThat(s.values()[0]).containsOnly(Double.NaN);
    }

    @Test
    void listsHostsAndPluginsSortedWithTheirSummaries() throws Exception {
        store.write(List.of(
                batch("web1", "load", T0 + 60, "load", 1).withMeta(plugin("load", gauge("load"))),
                batch("web1", "cpu", T0 + 120, "user", 1).withMeta(
                        Plugin.builder("cpu").title("CPU usage").category("system").field(gauge("user")).build()),
                batch("db1", "load", T0 + 180, "load", 1)));

        assertThat(store.hosts()).containsExactly(
                new HostSummary("db1", 1, T0 + 180), new HostSummary("web1", 2, T0 + 120));
        assertThat(store.host("web1")).contains(new HostSummary("web1", 2, T0 + 120));
        assertThat(store.host("nope")).isEmpty();
        assertThat(store.plugins("web1")).containsExactly(
                new PluginSummary("cpu", "CPU usage", "system", T0 + 120),
                new PluginSummary("load", "load title", "system", T0 + 60));
        assertThat(store.plugins("db1")).containsExactly(new PluginSummary("load", "load", "other", T0 + 180));
        assertThat(store.plugins("nope")).isEmpty();
    }

    @Test
    void keepsTheLatestMetadata() throws Exception {
        Plugin first = plugin("load", gauge("load")).toBuilder().title("Load").vlabel("load").build();
        Plugin second = first.toBuilder().title("Load average").args("--base 1000 -l 0").build();
        store.write(List.of(batch("web1", "load", T0 + 60, "load", 1).withMeta(first)));
        assertThat(store.plugin("web1", "load")).contains(first);

        store.write(List.of(batch("web1", "load", T0 + 120, "load", 1).withMeta(second)));
        store.write(List.of(batch("web1", "load", T0 + 180, "load", 1)));

        assertThat(store.plugin("web1", "load")).contains(second);
        assertThat(store.plugin("web1", "nope")).isEmpty();
        assertThat(store.plugin("nope", "load")).isEmpty();
    }

    @Test
    void describesAPluginThatCameWithoutMetadata() throws Exception {
        store.write(List.of(batch("web1", "temps", T0 + 60, "cpu0", 40, "cpu1", 41)));

        assertThat(store.plugin("web1", "temps")).contains(Plugin.builder("temps")
                .field(gauge("cpu0")).field(gauge("cpu1")).build());
        Series s = fetch("web1", "temps", T0 + 60, T0 + 60, 60, Consolidation.AVERAGE);
        assertThat(s.value("cpu1", T0 + 60)).isEqualTo(41);
    }

    @Test
    void refusesUnknownPluginsAndFields() throws Exception {
        writeSeries("web1", plugin("if_eth0", gauge("in"), gauge("out")), "in", 1);

        assertThatThrownBy(() -> fetch("web1", "nope", T0, T0 + 60, 60, Consolidation.AVERAGE))
                .isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> fetch("nope", "if_eth0", T0, T0 + 60, 60, Consolidation.AVERAGE))
                .isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> store.fetch(new SeriesQuery("web1", "if_eth0", List.of("in", "errors"), T0,
                T0 + 60, 60, 0, Consolidation.AVERAGE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'errors'");
    }

    @Test
    void returnsTheFieldsAskedForInTheirOrder() throws Exception {
        store.write(List.of(
                batch("web1", "if_eth0", T0 + 60, "in", 1, "out", 2).withMeta(
                        plugin("if_eth0", gauge("in"), gauge("out"))),
                batch("web1", "if_eth0", T0 + 120, "in", 3, "out", 4)));

        Series s = store.fetch(new SeriesQuery("web1", "if_eth0", List.of("out", "in"), T0 + 60, T0 + 120, 60, 0,
                Consolidation.AVERAGE));

        assertThat(s.fields()).containsExactly("out", "in");
        assertThat(s.values()[0]).containsExactly(2, 4);
        assertThat(s.values()[1]).containsExactly(1, 3);
        assertThat(fetch("web1", "if_eth0", T0 + 60, T0 + 120, 60, Consolidation.AVERAGE).fields())
                .containsExactly("in", "out");
    }

    // ---- range and resolution

    @Test
    void selectsTheRange() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", ramp(120));

        Series s = fetch("web1", "load", T0 + 1800, T0 + 3600, 60, Consolidation.AVERAGE);

        assertThat(s.start()).isEqualTo(T0 + 1800);
        assertThat(s.size()).isEqualTo(31);
        assertThat(s.values()[0][0]).isEqualTo(30);
        assertThat(s.values()[0][30]).isEqualTo(60);
    }

    @Test
    void consolidatesWithAverageMinAndMax() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", ramp(120));

        Series avg = fetch("web1", "load", T0, T0 + 7200, 300, Consolidation.AVERAGE);
        Series min = fetch("web1", "load", T0, T0 + 7200, 300, Consolidation.MIN);
        Series max = fetch("web1", "load", T0, T0 + 7200, 300, Consolidation.MAX);

        assertThat(avg.step()).isEqualTo(300);
        assertThat(avg.start()).isEqualTo(T0);
        assertThat(avg.size()).isEqualTo(25);
        assertThat(avg.cf()).isEqualTo(Consolidation.AVERAGE);
        assertThat(avg.value("load", T0)).isNaN();
        assertThat(avg.value("load", T0 + 300)).isEqualTo(3);
        assertThat(avg.value("load", T0 + 7200)).isEqualTo(118);
        assertThat(min.value("load", T0 + 300)).isEqualTo(1);
        assertThat(max.value("load", T0 + 300)).isEqualTo(5);
        assertThat(max.cf()).isEqualTo(Consolidation.MAX);
    }

    @Test
    void answersMinAndMaxAtThePrimaryResolution() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", 1, 5, 3);

        Series min = fetch("web1", "load", T0 + 60, T0 + 180, 60, Consolidation.MIN);
        Series max = fetch("web1", "load", T0 + 60, T0 + 180, 60, Consolidation.MAX);

        assertThat(min.cf()).isEqualTo(Consolidation.MIN);
        assertThat(min.step()).isEqualTo(60);
        assertThat(min.values()[0]).containsExactly(1, 5, 3);
        assertThat(max.values()[0]).containsExactly(1, 5, 3);
    }

    @Test
    void joinsPointsToReachACoarserResolution() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", ramp(120));

        Series s = fetch("web1", "load", T0, T0 + 7200, 600, Consolidation.AVERAGE);

        assertThat(s.step()).isEqualTo(600);
        assertThat(s.value("load", T0 + 600)).isEqualTo(5.5);
        assertThat(s.value("load", T0 + 7200)).isEqualTo(115.5);
    }

    @Test
    void returnsAtMostTheNumberOfPointsAsked() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", ramp(120));

        Series s = store.fetch(new SeriesQuery("web1", "load", List.of(), T0, T0 + 7200, 0, 10,
                Consolidation.AVERAGE));

        // The finest tier holding the range is read and joined 13 minutes to a point: 10 points at most.
        assertThat(s.step()).isEqualTo(780);
        assertThat(s.size()).isLessThanOrEqualTo(10);
        assertThat(s.value("load", T0 + 1080)).isEqualTo(12); // minutes 6..18
    }

    @Test
    void aGraphAskedByPointsEndsWithTheNewestData() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", 1, 2, 3, 4, 5, 6, 7);
        long now = T0 + 7 * STEP;

        Series day = store.fetch(new SeriesQuery("web1", "load", List.of(), now - 86400, now, 0, 800,
                Consolidation.AVERAGE));

        assertThat(day.size()).isLessThanOrEqualTo(800);
        double newest = Double.NaN;
        for (int i = 0; i < day.size(); i++) {
            double v = day.values()[0][i];
            if (!Double.isNaN(v)) {
                newest = v;
            }
        }
        // Minute 7 opens the last 2-minute point (minute 8 is not there yet); a 5-minute tier would end at 5.
        assertThat(newest).isEqualTo(7);
    }

    @Test
    void readsOldRangesFromTheCoarsestTier() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", ramp(3 * 1440));
        long end = T0 + 3 * 86400;

        Series days = fetch("web1", "load", T0, end, 86400, Consolidation.AVERAGE);
        Series year = store.fetch(new SeriesQuery("web1", "load", List.of(), end - 365 * 86400, end, 0, 800,
                Consolidation.MAX));

        assertThat(days.step()).isEqualTo(86400);
        assertThat(days.value("load", T0 + 86400)).isEqualTo(720.5);
        assertThat(days.value("load", T0 + 3 * 86400)).isEqualTo(3600.5);
        assertThat(year.step()).isEqualTo(86400);
        assertThat(year.size()).isEqualTo(366);
        assertThat(year.value("load", T0 + 86400)).isEqualTo(1440);
        assertThat(year.value("load", T0)).isNaN();
    }

    // ---- data source types

    @Test
    void turnsCountersIntoRatesAcrossA32BitWrap() throws Exception {
        writeSeries("web1", plugin("if_eth0", typed("bytes", FieldType.COUNTER, null, null)), "bytes",
                Math.pow(2, 32) - 600, 0, 600, 1200);

        Series s = fetch("web1", "if_eth0", T0 + 60, T0 + 240, 60, Consolidation.AVERAGE);

        assertThat(s.values()[0][0]).isNaN();
        assertThat(s.values()[0]).containsExactly(Double.NaN, 10, 10, 10);
    }

    @Test
    void dropsACounterResetAboveTheFieldMax() throws Exception {
        writeSeries("web1", plugin("if_eth0", typed("pkts", FieldType.COUNTER, 0.0, 1e6)), "pkts",
                5e9, 5e9 + 600, 100, 700);

        Series s = fetch("web1", "if_eth0", T0 + 60, T0 + 240, 60, Consolidation.AVERAGE);

        assertThat(s.values()[0]).containsExactly(Double.NaN, 10, Double.NaN, 10);
    }

    @Test
    void derivesRatesThatMayGoDownUnlessTheMinForbids() throws Exception {
        Plugin p = plugin("queue", typed("clipped", FieldType.DERIVE, 0.0, null),
                typed("free", FieldType.DERIVE, null, null));
        double[] raw = {1000, 1600, 1000, 1600};
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            batches.add(batch("web1", "queue", T0 + 60 * (i + 1), "clipped", raw[i], "free", raw[i]));
        }
        batches.set(0, batches.get(0).withMeta(p));
        store.write(batches);

        Series s = fetch("web1", "queue", T0 + 60, T0 + 240, 60, Consolidation.AVERAGE);

        assertThat(valuesAt(s, "clipped", 1, 4)).containsExactly(Double.NaN, 10, Double.NaN, 10);
        assertThat(valuesAt(s, "free", 1, 4)).containsExactly(Double.NaN, 10, -10, 10);
    }

    @Test
    void dividesAbsoluteCountsByTheTimeSinceTheLastReading() throws Exception {
        writeSeries("web1", plugin("mail", typed("sent", FieldType.ABSOLUTE, null, null)), "sent",
                600, 600, 1200, 0);

        Series s = fetch("web1", "mail", T0 + 60, T0 + 240, 60, Consolidation.AVERAGE);

        assertThat(s.values()[0]).containsExactly(10, 10, 20, 0);
    }

    @Test
    void keepsUnknownValuesAndGapsUnknown() throws Exception {
        Plugin p = plugin("load", gauge("load"));
        store.write(List.of(
                batch("web1", "load", T0 + 60, "load", 1).withMeta(p),
                batch("web1", "load", T0 + 120, "load", Double.NaN),
                batch("web1", "load", T0 + 180, "load", 3),
                batch("web1", "load", T0 + 600, "load", 5),
                batch("web1", "load", T0 + 660, "load", 6)));

        Series s = fetch("web1", "load", T0 + 60, T0 + 660, 60, Consolidation.AVERAGE);

        assertThat(valuesAt(s, "load", 1, 11)).containsExactly(1, Double.NaN, 3, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 6);
    }

    // ---- duplicates and old timestamps

    @Test
    void dropsAndCountsDuplicatesSoThatAReplayStoresEachPointOnce() throws Exception {
        Plugin p = plugin("load", gauge("load"));
        assertThat(writeSeries("web1", p, "load", 1, 2, 3, 4, 5)).isEqualTo(new WriteResult(5, 5, 0, 0, 0, 0));

        // a page sent again after a failure: what was stored comes back, and more after it
        List<SampleBatch> replay = new ArrayList<>();
        for (int i = 3; i <= 8; i++) {
            replay.add(batch("web1", "load", T0 + 60 * i, "load", i <= 5 ? i : i * 10));
        }
        assertThat(store.write(replay)).isEqualTo(new WriteResult(3, 3, 3, 0, 0, 0));
        assertThat(store.write(List.of(batch("web1", "load", T0 + 120, "load", 2))))
                .isEqualTo(new WriteResult(0, 0, 1, 0, 0, 0));
        assertThat(store.write(List.of(batch("web1", "load", T0 + 540, "load", 9),
                batch("web1", "load", T0 + 540, "load", 9)))).isEqualTo(new WriteResult(1, 1, 1, 0, 0, 0));
        // the same moment with another value is no replay: a reading from a clock that went back
        assertThat(store.write(List.of(batch("web1", "load", T0 + 540, "load", 99),
                batch("web1", "load", T0 + 120, "load", 99)))).isEqualTo(new WriteResult(0, 0, 0, 2, 0, 0));

        Series s = fetch("web1", "load", T0 + 60, T0 + 540, 60, Consolidation.AVERAGE);
        assertThat(s.values()[0]).containsExactly(1, 2, 3, 4, 5, 60, 70, 80, 9);
    }

    @Test
    void storesABatchListInTimeOrder() throws Exception {
        Plugin p = plugin("load", gauge("load"));
        WriteResult r = store.write(List.of(
                batch("web1", "load", T0 + 180, "load", 3),
                batch("web1", "load", T0 + 60, "load", 1).withMeta(p),
                batch("web1", "load", T0 + 120, "load", 2)));

        assertThat(r).isEqualTo(new WriteResult(3, 3, 0, 0, 0, 0));
        assertThat(fetch("web1", "load", T0 + 60, T0 + 180, 60, Consolidation.AVERAGE).values()[0])
                .containsExactly(1, 2, 3);
    }

    @Test
    void countsAPointThatWasNeverStoredAndIsOlderThanTheLastAsLateNotAsADuplicate() throws Exception {
        writeSeries("web1", plugin("load", gauge("load")), "load", ramp(10));

        // T0 + 90 falls between two stored points and was never stored: a clock that went back
        assertThat(store.write(List.of(batch("web1", "load", T0 + 90, "load", 99))))
                .isEqualTo(new WriteResult(0, 0, 0, 1, 0, 0));
        assertThat(store.write(List.of(batch("web1", "load", T0 + 120, "load", 2))))
                .isEqualTo(new WriteResult(0, 0, 1, 0, 0, 0));

        assertThat(store.host("web1")).contains(new HostSummary("web1", 1, T0 + 600, 1, 0, 0));
        assertThat(fetch("web1", "load", T0 + 60, T0 + 600, 60, Consolidation.AVERAGE).values()[0])
                .containsExactly(ramp(10));
    }

    // ---- time policy

    @Test
    void refusesAPointTooFarInTheFutureCountsItForItsHostAndStoresTheLaterTruePoints() throws Exception {
        Plugin p = plugin("load", gauge("load"));
        store.write(List.of(batch("web1", "load", NOW - 120, "load", 1).withMeta(p),
                batch("web1", "load", NOW - 60, "load", 2)));

        // a poller whose clock jumped an hour ahead, then ten years
        assertThat(store.write(List.of(batch("web1", "load", NOW + 3600, "load", 666),
                batch("web1", "load", NOW + 10L * 365 * 86_400, "load", 666))))
                .isEqualTo(new WriteResult(0, 0, 0, 0, 2, 0));
        // the true point of the same minute is not blocked by them
        assertThat(store.write(List.of(batch("web1", "load", NOW, "load", 3))))
                .isEqualTo(new WriteResult(1, 1, 0, 0, 0, 0));
        // within the skew is not the future: clocks differ a little
        assertThat(store.write(List.of(batch("web1", "load", NOW + SKEW.toSeconds(), "load", 4))))
                .isEqualTo(new WriteResult(1, 1, 0, 0, 0, 0));

        // (and the true point after the refused ones came 360 s after the last stored, beyond the heartbeat: apart)
        assertThat(store.host("web1")).contains(new HostSummary("web1", 1, NOW + SKEW.toSeconds(), 0, 2, 1));
        assertThat(fetch("web1", "load", NOW - 120, NOW, 60, Consolidation.AVERAGE).values()[0])
                .containsExactly(1, 2, 3);
        assertThat(store.write(List.of(batch("db1", "load", NOW + 3600, "load", 1))).future()).isOne();
        assertThat(store.host("db1")).as("a host that only sent future points has nothing stored").isEmpty();
    }

    @Test
    void aClockAnHourAheadThenTenMinutesBehindBlocksNothingAndEveryFaultIsCounted() throws Exception {
        Plugin p = plugin("load", gauge("load"));
        List<SampleBatch> before = new ArrayList<>();
        for (long t = NOW - 1200; t <= NOW; t += STEP) {
            before.add(batch("web1", "load", t, "load", t - NOW));
        }
        before.set(0, before.get(0).withMeta(p));
        store.write(before);

        // the poller's clock jumps an hour ahead for three polls
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(STEP));
            assertThat(store.write(List.of(batch("web1", "load", NOW + i * STEP + 3600, "load", 666))).future())
                    .isOne();
        }
        // then ten minutes behind for three polls: before what is stored, and never stored
        for (int i = 4; i <= 6; i++) {
            clock.advance(Duration.ofSeconds(STEP));
            assertThat(store.write(List.of(batch("web1", "load", NOW + i * STEP - 600, "load", 666))).late())
                    .isOne();
        }
        // then right again: every true point is stored
        List<SampleBatch> after = new ArrayList<>();
        for (int i = 7; i <= 10; i++) {
            clock.advance(Duration.ofSeconds(STEP));
            after.add(batch("web1", "load", NOW + i * STEP, "load", i));
        }
        assertThat(store.write(after)).isEqualTo(new WriteResult(4, 4, 0, 0, 0, 0));

        // (the first true point again came 420 s after the last stored, beyond the heartbeat: apart)
        assertThat(store.host("web1")).contains(new HostSummary("web1", 1, NOW + 10 * STEP, 3, 3, 1));
        Series s = fetch("web1", "load", NOW - 60, NOW + 10 * STEP, 60, Consolidation.AVERAGE);
        // the gap of six missed minutes is longer than the heartbeat: unknown, then the true points again
        assertThat(s.values()[0]).containsExactly(-60, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 8, 9, 10);
    }

    // ---- gaps

    @Test
    void aPollOrTwoMissedLeavesNoGapButALongerOutageDoes() throws Exception {
        Plugin p = plugin("load", gauge("load"));
        store.write(List.of(
                batch("web1", "load", T0 + 60, "load", 1).withMeta(p),
                batch("web1", "load", T0 + 120, "load", 2),
                // two polls missed (180, 240) and the next one 20 s late
                batch("web1", "load", T0 + 320, "load", 5),
                batch("web1", "load", T0 + 360, "load", 6),
                // five polls missed: longer than the heartbeat
                batch("web1", "load", T0 + 720, "load", 12),
                batch("web1", "load", T0 + 780, "load", 13)));

        Series s = fetch("web1", "load", T0 + 60, T0 + 780, 60, Consolidation.AVERAGE);

        assertThat(valuesAt(s, "load", 1, 13)).containsExactly(1, 2, 5, 5, 5, (20 * 5 + 40 * 6) / 60.0, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, 13);
    }

    // ---- fields that change

    @Test
    void keepsTheHistoryOfAPluginThatGainsAField() throws Exception {
        Plugin before = plugin("if_eth0", gauge("in"), gauge("out"));
        Plugin after = plugin("if_eth0", gauge("in"), gauge("out"), gauge("errors"));
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            batches.add(batch("web1", "if_eth0", T0 + 60 * i, "in", i, "out", -i));
        }
        batches.set(0, batches.get(0).withMeta(before));
        store.write(batches);
        batches.clear();
        for (int i = 11; i <= 15; i++) {
            batches.add(batch("web1", "if_eth0", T0 + 60 * i, "in", i, "out", -i, "errors", 100 + i));
        }
        batches.set(0, batches.get(0).withMeta(after));
        store.write(batches);

        Series s = fetch("web1", "if_eth0", T0 + 60, T0 + 900, 60, Consolidation.AVERAGE);

        assertThat(s.fields()).containsExactly("in", "out", "errors");
        assertThat(valuesAt(s, "in", 1, 15)).containsExactly(ramp(15));
        assertThat(valuesAt(s, "out", 1, 3)).containsExactly(-1, -2, -3);
        assertThat(valuesAt(s, "errors", 9, 15)).containsExactly(Double.NaN, Double.NaN, 111, 112, 113, 114, 115);
        assertThat(store.plugin("web1", "if_eth0")).contains(after);
    }

    @Test
    void pointsSlowerThanTheHeartbeatAreCountedThenTheHeartbeatFitsTheirPace() throws Exception {
        // a poller at munin's 300 s against the default archives (step 60 s, heartbeat 240 s): every interval was
        // stored as unknown, and nothing said so
        Plugin p = plugin("load", gauge("load"));
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            SampleBatch b = batch("web1", "load", T0 + 300L * i, "load", 5);
            batches.add(i == 1 ? b.withMeta(p) : b);
        }
        assertThat(store.write(batches).batches()).isEqualTo(6);

        assertThat(store.host("web1").orElseThrow().apart()).as("points 2 and 3, stored as unknown").isEqualTo(2);
        Series s = fetch("web1", "load", T0, T0 + 1800, 60, Consolidation.AVERAGE);
        for (long t = T0 + 360; t <= T0 + 900; t += 60) {
            assertThat(s.value("load", t)).as("at %d, before the heartbeat fits", t - T0).isNaN();
        }
        for (long t = T0 + 960; t <= T0 + 1800; t += 60) {
            assertThat(s.value("load", t)).as("at %d, after (raised with point 4)", t - T0).isEqualTo(5.0);
        }
    }

    @Test
    void anOutageIsOneGapAndLeavesTheHeartbeatAsItWas() throws Exception {
        // points at the step's pace, one hole of an hour (a poller down), then the pace again: one gap, no raise
        List<SampleBatch> batches = new ArrayList<>();
        long t = T0;
        for (int i = 1; i <= 12; i++) {
            t += i == 6 ? 3600 : STEP;
            SampleBatch b = batch("web1", "load", t, "load", 5);
            batches.add(i == 1 ? b.withMeta(plugin("load", gauge("load"))) : b);
        }
        store.write(batches);
        assertThat(store.host("web1").orElseThrow().apart()).isEqualTo(1);
        // then a second hole of about the same length later: still each an outage, the heartbeat as it was
        store.write(List.of(batch("web1", "load", t + 3600, "load", 6), batch("web1", "load", t + 3660, "load", 6)));
        assertThat(store.host("web1").orElseThrow().apart()).isEqualTo(2);
        Series s = fetch("web1", "load", t, t + 3660, 60, Consolidation.AVERAGE);
        assertThat(s.value("load", t + 1800)).as("within the second hole").isNaN();
    }

    @Test
    void storesFieldsWithNamesLongerThanADataSourceName() throws Exception {
        String a = "a_field_name_longer_than_twenty_characters";
        String b = "a_field_name_longer_than_twenty_characters_too";
        Plugin p = plugin("long", gauge(a), gauge(b), gauge("short"));
        store.write(List.of(
                batch("web1", "long", T0 + 60, a, 1, b, 2, "short", 3).withMeta(p),
                batch("web1", "long", T0 + 120, a, 4, b, 5, "short", 6)));

        Series s = fetch("web1", "long", T0 + 60, T0 + 120, 60, Consolidation.AVERAGE);

        assertThat(s.fields()).containsExactly(a, b, "short");
        assertThat(s.values()[0]).containsExactly(1, 4);
        assertThat(s.values()[1]).containsExactly(2, 5);
        assertThat(s.values()[2]).containsExactly(3, 6);
        assertThat(store.plugin("web1", "long").orElseThrow().fieldNames()).containsExactly(a, b, "short");
    }

    // ---- scale

    @Test
    void keepsManyHostsAndPluginsApart() throws Exception {
        List<SampleBatch> batches = new ArrayList<>();
        for (int h = 0; h < 30; h++) {
            for (int p = 0; p < 5; p++) {
                for (int i = 1; i <= 3; i++) {
                    batches.add(batch("host" + h, "plugin" + p, T0 + 60 * i, "a", h * 100 + p * 10 + i, "b", i));
                }
            }
        }
        assertThat(store.write(batches)).isEqualTo(new WriteResult(450, 900, 0, 0, 0, 0));

        assertThat(store.hosts()).hasSize(30).allSatisfy(h -> {
            assertThat(h.plugins()).isEqualTo(5);
            assertThat(h.lastUpdate()).isEqualTo(T0 + 180);
        });
        assertThat(store.plugins("host17")).extracting(PluginSummary::name)
                .containsExactly("plugin0", "plugin1", "plugin2", "plugin3", "plugin4");
        Series s = fetch("host17", "plugin3", T0 + 60, T0 + 180, 60, Consolidation.AVERAGE);
        assertThat(s.values()[0]).containsExactly(1731, 1732, 1733);
    }

    @Test
    void takesWritesFromSeveralThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<WriteResult>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    WriteResult sum = WriteResult.NONE;
                    for (int i = 1; i <= 20; i++) {
                        List<SampleBatch> round = new ArrayList<>();
                        for (int p = 0; p < 10; p++) {
                            round.add(batch("h" + thread, "p" + p, T0 + 60 * i, "v", i));
                        }
                        sum = sum.plus(store.write(round));
                    }
                    return sum;
                }));
            }
            WriteResult total = WriteResult.NONE;
            for (Future<WriteResult> f : results) {
                total = total.plus(f.get());
            }
            assertThat(total).isEqualTo(new WriteResult(800, 800, 0, 0, 0, 0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.hosts()).hasSize(4);
        assertThat(fetch("h3", "p9", T0 + 60, T0 + 1200, 60, Consolidation.AVERAGE).values()[0])
                .containsExactly(ramp(20));
        assertThat(fetch("h0", "p0", T0 + 60, T0 + 1200, 300, Consolidation.AVERAGE).value("v", T0 + 300))
                .isCloseTo(3, within(1e-9));
    }
}
