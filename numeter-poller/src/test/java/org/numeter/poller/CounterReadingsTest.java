package org.numeter.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

class CounterReadingsTest {
    private static final long T = 1_700_000_000L;
    private static final double RATE = 1234.5;

    @TempDir
    Path dir;

    private static Plugin plugin(FieldType type, Double min) {
        return Plugin.builder("p").title("P").field(Field.builder("a").type(type).min(min).build())
                .field(Field.builder("g").build()).build();
    }

    /** What the plugin reads at {@code millis} when it grows at {@link #RATE} per second. */
    private static double counter(long millis) {
        return RATE * millis / 1000.0;
    }

    private static SampleBatch read(Plugin meta, long millis, double a) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("a", a);
        values.put("g", 42.0);
        return new SampleBatch("web1", "p", Math.floorDiv(millis, 1000), values, meta);
    }

    private static double aligned(CounterReadings.Scoped readings, Plugin meta, long millis, double a) {
        SampleBatch out = readings.align(List.of(read(meta, millis, a)), millis).get(0);
        assertThat(out.values().get("g")).as("a gauge is sent as read").isEqualTo(42.0);
        assertThat(out.timestamp()).isEqualTo(Math.floorDiv(millis, 1000));
        return out.values().get("a");
    }

    @Test
    void aCounterAtAConstantRateIsSentAtItsWholeSecond() {
        for (FieldType type : List.of(FieldType.COUNTER, FieldType.DERIVE)) {
            CounterReadings.Scoped readings = CounterReadings.inMemory().forSource("munin");
            Plugin meta = plugin(type, 0.0);
            long first = T * 1000 + 930;
            assertThat(aligned(readings, meta, first, counter(first))).as("the first, which nothing places, is unknown")
                    .isNaN();
            // Read anywhere in their second, late or early, 10 s apart or not.
            for (long millis : new long[] {T * 1000 + 10_050, T * 1000 + 20_990, T * 1000 + 30_001,
                    T * 1000 + 33_500, T * 1000 + 40_000, T * 1000 + 100_700}) {
                long second = Math.floorDiv(millis, 1000);
                assertThat(aligned(readings, meta, millis, counter(millis))).as(type + " read at " + millis)
                        .isCloseTo(counter(second * 1000), within(1e-6));
            }
        }
    }

    @Test
    void aWrapOrAResetIsSentAsRead() {
        CounterReadings.Scoped readings = CounterReadings.inMemory().forSource("munin");
        Plugin counter = plugin(FieldType.COUNTER, null);
        aligned(readings, counter, T * 1000 + 500, 4_000_000_000.0);
        assertThat(aligned(readings, counter, T * 1000 + 10_500, 100.0)).isEqualTo(100.0);
        assertThat(aligned(readings, counter, T * 1000 + 20_500, 1100.0)).isEqualTo(1050.0);

        Plugin derive = plugin(FieldType.DERIVE, 0.0);
        CounterReadings.Scoped reset = CounterReadings.inMemory().forSource("munin");
        aligned(reset, derive, T * 1000 + 500, 5000.0);
        assertThat(aligned(reset, derive, T * 1000 + 10_500, 10.0)).as("a reset").isEqualTo(10.0);
        // A DERIVE without a minimum may go down: its decrease is a rate like another.
        Plugin down = plugin(FieldType.DERIVE, null);
        CounterReadings.Scoped falling = CounterReadings.inMemory().forSource("munin");
        aligned(falling, down, T * 1000 + 500, 5000.0);
        assertThat(aligned(falling, down, T * 1000 + 10_500, 4000.0)).isEqualTo(4050.0);
    }

    @Test
    void unknownsGaugesAndTheirOwnTimesAreSentAsRead() {
        CounterReadings.Scoped readings = CounterReadings.inMemory().forSource("munin");
        Plugin meta = plugin(FieldType.COUNTER, null);
        aligned(readings, meta, T * 1000 + 500, 1000.0);
        assertThat(aligned(readings, meta, T * 1000 + 10_500, Double.NaN)).isNaN();
        // The reading before the unknown still places the next one.
        assertThat(aligned(readings, meta, T * 1000 + 20_500, 3000.0)).isEqualTo(2950.0);
        // A value the plugin stamped itself (another second than the read's) is left alone, and not remembered.
        SampleBatch own = new SampleBatch("web1", "p", T, Map.of("a", 7.0), meta);
        assertThat(readings.align(List.of(own), T * 1000 + 30_500)).containsExactly(own);
        assertThat(aligned(readings, meta, T * 1000 + 40_500, 5000.0)).isEqualTo(4950.0);
        // Without metadata the types are unknown.
        SampleBatch bare = read(meta, T * 1000 + 50_500, 6000.0).withoutMeta();
        assertThat(readings.align(List.of(bare), T * 1000 + 50_500)).containsExactly(bare);
    }

    @Test
    void anAbsoluteValueIsSplitAtItsStampWithNothingLost() {
        CounterReadings.Scoped readings = CounterReadings.inMemory().forSource("exec");
        Plugin meta = plugin(FieldType.ABSOLUTE, null);
        long[] reads = {T * 1000 + 900, T * 1000 + 10_100, T * 1000 + 20_950, T * 1000 + 30_000, T * 1000 + 40_400};
        assertThat(aligned(readings, meta, reads[0], 50.0)).as("counted since an unknown time").isNaN();
        double sent = 0;
        double counted = 0;
        for (int i = 1; i < reads.length; i++) {
            // Events at RATE per second since the read before.
            double events = RATE * (reads[i] - reads[i - 1]) / 1000.0;
            counted += events;
            double out = aligned(readings, meta, reads[i], events);
            sent += out;
            if (i > 1) {
                long seconds = Math.floorDiv(reads[i], 1000) - Math.floorDiv(reads[i - 1], 1000);
                assertThat(out).as("read at " + reads[i]).isCloseTo(RATE * seconds, within(1e-6));
            }
        }
        // What was counted after the last stamp goes with the next point.
        assertThat(sent).isCloseTo(counted - RATE * 0.4, within(1e-6));
    }

    @Test
    void sourcesDoNotMix() {
        CounterReadings all = CounterReadings.inMemory();
        Plugin meta = plugin(FieldType.COUNTER, null);
        aligned(all.forSource("munin"), meta, T * 1000 + 500, 1000.0);
        assertThat(aligned(all.forSource("system"), meta, T * 1000 + 10_500, 9000.0)).as("its first").isNaN();
        assertThat(aligned(all.forSource("munin"), meta, T * 1000 + 10_500, 2000.0)).isEqualTo(1950.0);
    }

    @Test
    void valuesAreSentAsReadWithoutReadings() {
        CounterReadings.Scoped none = CounterReadings.none().forSource("munin");
        Plugin meta = plugin(FieldType.COUNTER, null);
        assertThat(aligned(none, meta, T * 1000 + 500, 1000.0)).isEqualTo(1000.0);
        assertThat(aligned(none, meta, T * 1000 + 10_500, 2000.0)).isEqualTo(2000.0);
    }

    @Test
    void theReadingsSurviveARestart() throws Exception {
        Path file = dir.resolve("poller-counters");
        CounterReadings before = CounterReadings.in(file);
        before.load();
        Plugin meta = plugin(FieldType.COUNTER, null);
        long millis = T * 1000 + 700;
        aligned(before.forSource("munin"), meta, millis, counter(millis));
        before.save(millis);

        CounterReadings after = CounterReadings.in(file);
        after.load();
        assertThat(after.size()).isEqualTo(1);
        long next = T * 1000 + 13_650;
        assertThat(aligned(after.forSource("munin"), meta, next, counter(next)))
                .as("the first point after the restart").isCloseTo(counter((T + 13) * 1000), within(1e-6));

        // Forgotten a day later.
        after.save(next + CounterReadings.FORGET_AFTER.toMillis() + 1);
        CounterReadings later = CounterReadings.in(file);
        later.load();
        assertThat(later.size()).isZero();
    }

    @Test
    void anUnreadableFileIsMovedAsideAndTheStartGoesOn() throws Exception {
        Path file = dir.resolve("poller-counters");
        Files.write(file, new byte[] {1, 2, 3});
        CounterReadings readings = CounterReadings.in(file);
        readings.load();
        assertThat(readings.size()).isZero();
        assertThat(file).doesNotExist();
        try (var aside = Files.list(dir)) {
            assertThat(aside.map(p -> p.getFileName().toString()).toList()).singleElement().asString()
                    .startsWith("poller-counters.corrupt-");
        }
        Plugin meta = plugin(FieldType.COUNTER, null);
        aligned(readings.forSource("munin"), meta, T * 1000 + 500, 1.0);
        readings.save(T * 1000 + 500);
        assertThat(file).exists();
    }
}
