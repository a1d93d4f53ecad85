package org.numeter.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.numeter.codec.RecordCodec;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolRecord;
import org.numeter.munin.Problems;

class PollerTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_037L);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final MemorySpool spool = new MemorySpool(Long.MAX_VALUE, clock);

    /** A source that returns one batch of plugin {@code name} with the value it is given, and its metadata. */
    static final class Fixed implements Source {
        final String name;
        volatile String title = "Title";
        final AtomicInteger calls = new AtomicInteger();

        Fixed(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<SampleBatch> collect(Cycle cycle) {
            calls.incrementAndGet();
            Plugin meta = Plugin.builder(name).title(title).field(Field.builder("value").build()).build();
            return List.of(new SampleBatch(cycle.host(), name, cycle.timestamp(), Map.of("value", 1.0), meta));
        }
    }

    private List<SampleBatch> spooled() {
        return spool.read(0, 1000).stream().map(SpoolRecord::payload).map(RecordCodec::decode).toList();
    }

    @Test
    void stampsEachCycleWithTheSecondItStarted() {
        Poller poller = Poller.builder().host("web1").spool(spool).clock(clock).selfMonitoring(false)
                .source(new Fixed("a"), Duration.ofSeconds(10))
                .source(new Fixed("b"), Duration.ofSeconds(60))
                .build();

        assertThat(poller.collectOnce()).isEqualTo(2);

        assertThat(spooled()).extracting(SampleBatch::plugin, SampleBatch::timestamp)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a", 1_700_000_037L),
                        org.assertj.core.groups.Tuple.tuple("b", 1_700_000_037L));
    }

    /** A COUNTER growing by 100 per second, read 0.6 s into the second of the poller's clock. */
    static final class LateCounter implements Source {
        @Override
        public String name() {
            return "late";
        }

        @Override
        public List<SampleBatch> collect(Cycle cycle) {
            long read = cycle.clock().millis() + 600;
            Plugin meta = Plugin.builder("late").title("Late").field(Field.builder("c")
                    .type(org.numeter.model.FieldType.COUNTER).build()).build();
            return cycle.aligned(List.of(new SampleBatch(cycle.host(), "late", Math.floorDiv(read, 1000),
                    Map.of("c", read / 10.0), meta)), read);
        }
    }

    @Test
    void aCounterIsSentAtItsWholeSecondAlsoAfterARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        org.numeter.testkit.MutableClock time = new org.numeter.testkit.MutableClock(NOW);
        java.nio.file.Path file = dir.resolve("poller-counters");
        try (Poller first = Poller.builder().host("web1").spool(spool).clock(time).selfMonitoring(false)
                .counterReadings(file).source(new LateCounter(), Duration.ofSeconds(10)).build()) {
            first.collectOnce();
            time.advance(Duration.ofSeconds(10));
            first.collectOnce();
        }
        assertThat(file).exists();
        time.advance(Duration.ofSeconds(13));
        try (Poller second = Poller.builder().host("web1").spool(spool).clock(time).selfMonitoring(false)
                .counterReadings(file).source(new LateCounter(), Duration.ofSeconds(10)).build()) {
            second.collectOnce();
        }
        // The first reading ever, which nothing places, is unknown; the others, the first after the restart too, are
        // at their second.
        assertThat(spooled()).extracting(SampleBatch::timestamp, b -> b.values().get("c")).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1_700_000_037L, Double.NaN),
                org.assertj.core.groups.Tuple.tuple(1_700_000_047L, 170_000_004_700.0),
                org.assertj.core.groups.Tuple.tuple(1_700_000_060L, 170_000_006_000.0));
    }

    @Test
    void writesMetadataFirstAndWhenItChangesOnly() {
        Fixed a = new Fixed("a");
        Poller poller = Poller.builder().host("web1").spool(spool).clock(clock).selfMonitoring(false)
                .source(a, Duration.ofSeconds(10)).build();

        poller.collectOnce();
        poller.collectOnce();
        a.title = "Another title";
        poller.collectOnce();
        poller.collectOnce();

        List<SampleBatch> batches = spooled();
        assertThat(batches).hasSize(4);
        assertThat(batches.get(0).meta().title()).isEqualTo("Title");
        assertThat(batches.get(1).meta()).isNull();
        assertThat(batches.get(2).meta().title()).isEqualTo("Another title");
        assertThat(batches.get(3).meta()).isNull();
    }

    @Test
    void aHangingSourceIsAbandonedAfterItsTimeoutAndTheOthersStillArrive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Source hanging = new Source() {
            @Override
            public String name() {
                return "hanging";
            }

            @Override
            public List<SampleBatch> collect(Cycle cycle) {
                // Ignores interrupts, like a read on a socket that never answers.
                while (true) {
                    try {
                        release.await();
                        return List.of();
                    } catch (InterruptedException e) {
                        // keep hanging
                    }
                }
            }
        };
        Fixed a = new Fixed("a");
        Poller poller = Poller.builder().host("web1").spool(spool).clock(clock).selfMonitoring(false)
                .source(hanging, Duration.ofSeconds(10), Duration.ofMillis(200))
                .source(a, Duration.ofSeconds(10)).build();

        assertThat(poller.collectOnce()).isEqualTo(1);
        assertThat(poller.collectOnce()).isEqualTo(1);
        release.countDown();

        SourceStats stats = poller.stats().get(0);
        assertThat(stats.source()).isEqualTo("hanging");
        assertThat(stats.cycles()).isEqualTo(1);
        assertThat(stats.timeouts()).isEqualTo(1);
        assertThat(stats.skipped()).isEqualTo(1);
        assertThat(stats.errors()).isEqualTo(2);
        assertThat(stats.recentProblems()).containsExactly(
                "hanging: abandoned after its timeout of 200 ms",
                "hanging: cycle skipped, the collection abandoned earlier is still running");
        assertThat(poller.stats().get(1).batches()).isEqualTo(2);
    }

    @Test
    void aFailingSourceIsCountedAndTheOthersStillArrive() {
        Source failing = new Source() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public List<SampleBatch> collect(Cycle cycle) throws Exception {
                cycle.problems().report("p1", "line 'x' is bad");
                throw new java.io.IOException("connection refused");
            }
        };
        Poller poller = Poller.builder().host("web1").spool(spool).clock(clock).selfMonitoring(false)
                .source(failing, Duration.ofSeconds(10)).source(new Fixed("a"), Duration.ofSeconds(10)).build();

        assertThat(poller.collectOnce()).isEqualTo(1);

        SourceStats stats = poller.stats().get(0);
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.problems()).isEqualTo(1);
        assertThat(stats.recentProblems()).containsExactly("failing, plugin p1: line 'x' is bad",
                "failing: java.io.IOException: connection refused");
    }

    @Test
    void aSourceFailingTheSameWayIsLoggedOnceThenSummedUpThenItsRecovery() {
        // a dead munin-node at 5 s wrote a line every cycle: 17,000 a day
        org.numeter.testkit.MutableClock moving = new org.numeter.testkit.MutableClock(NOW);
        AtomicInteger failing = new AtomicInteger(1);
        Source flaky = new Source() {
            @Override
            public String name() {
                return "munin 10.0.0.9:4949";
            }

            @Override
            public List<SampleBatch> collect(Cycle cycle) throws Exception {
                if (failing.get() == 1) {
                    throw new java.io.IOException("munin-node 10.0.0.9:4949: Connection refused");
                }
                if (failing.get() == 2) {
                    throw new IllegalStateException("a bug");
                }
                return List.of();
            }
        };
        Poller poller = Poller.builder().host("web1").spool(new MemorySpool(Long.MAX_VALUE, moving)).clock(moving)
                .selfMonitoring(false).source(flaky, Duration.ofSeconds(5)).build();
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                SourceRunner.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            for (int i = 0; i < 241; i++) { // 20 minutes at 5 s
                poller.collectOnce();
                moving.advance(Duration.ofSeconds(5));
            }
            failing.set(2);
            poller.collectOnce();
            poller.collectOnce();
            failing.set(0);
            poller.collectOnce();
            poller.collectOnce();
        } finally {
            logger.detachAppender(logs);
        }
        List<ch.qos.logback.classic.spi.ILoggingEvent> lines = logs.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)).toList();
        assertThat(lines).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).containsExactly(
                "source munin 10.0.0.9:4949: collection failed: munin-node 10.0.0.9:4949: Connection refused"
                        + " (logged once; summed up every 10 min while it goes on)",
                "source munin 10.0.0.9:4949: still failing, 121 cycles in a row since 2023-11-14T22:13:57Z:"
                        + " collection failed: munin-node 10.0.0.9:4949: Connection refused",
                "source munin 10.0.0.9:4949: still failing, 241 cycles in a row since 2023-11-14T22:13:57Z:"
                        + " collection failed: munin-node 10.0.0.9:4949: Connection refused",
                "source munin 10.0.0.9:4949: collection failed: java.lang.IllegalStateException: a bug"
                        + " (logged once; summed up every 10 min while it goes on)",
                "source munin 10.0.0.9:4949: collecting again after 2 failed cycle(s) (last: collection failed:"
                        + " java.lang.IllegalStateException: a bug)");
        assertThat(lines.get(3).getThrowableProxy()).as("a bug's stack").isNotNull();
        assertThat(poller.stats().getFirst().failures()).isEqualTo(243);
    }

    @Test
    void reportsItsOwnPlugin() {
        Poller poller = Poller.builder().host("web1").spool(spool).clock(clock)
                .source(new Fixed("a"), Duration.ofSeconds(10)).build();

        poller.collectOnce();
        poller.collectOnce();

        List<SampleBatch> self = spooled().stream().filter(b -> b.plugin().equals("numeter_poller")).toList();
        assertThat(self).hasSize(2);
        assertThat(self.get(0).meta().fieldNames())
                .containsExactly("samples", "errors", "spool_records", "spool_dropped", "spool_oldest_age",
                        "cycle_duration");
        assertThat(self.get(0).timestamp()).isEqualTo(1_700_000_037L);
        assertThat(self.get(1).values()).containsEntry("errors", 0.0).containsEntry("spool_oldest_age", 0.0);
        // The second reading saw the first cycle: one value of "a" and six of its own; two records waited.
        assertThat(self.get(1).values().get("samples")).isIn(7.0, 8.0);
        assertThat(self.get(1).values()).containsEntry("spool_dropped", 0.0);
        assertThat(self.get(1).values().get("spool_records")).isIn(2.0, 3.0);
    }

    @Test
    void itsOwnPluginShowsWhatAFullSpoolDropped() {
        MemorySpool small = new MemorySpool(600, clock);
        Poller poller = Poller.builder().host("web1").spool(small).clock(clock)
                .source(new Fixed("a"), Duration.ofSeconds(10)).build();

        for (int i = 0; i < 5; i++) {
            poller.collectOnce();
        }

        // Sources run side by side, so the newest record of its own plugin is not always the newest record.
        List<SampleBatch> left = small.read(0, 100).stream().map(r -> RecordCodec.decode(r.payload()))
                .filter(b -> b.plugin().equals("numeter_poller")).toList();
        assertThat(small.stats().dropped()).isPositive();
        assertThat(left).isNotEmpty();
        SampleBatch newest = left.get(left.size() - 1);
        // What it reports is what the spool had dropped when it looked, before its own record went in.
        assertThat(newest.values().get("spool_dropped")).isPositive()
                .isLessThanOrEqualTo((double) small.stats().dropped());
    }

    @Test
    void runsOnItsOwnScheduleAfterStart() throws Exception {
        Fixed a = new Fixed("a");
        try (Poller poller = Poller.builder().host("web1").spool(spool).selfMonitoring(false)
                .source(a, Duration.ofSeconds(1)).build()) {
            assertThat(poller.check().ok()).isFalse();
            poller.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> spool.stats().records() >= 3);
            assertThat(poller.check().ok()).isTrue();
        }
        List<Long> times = spooled().stream().map(SampleBatch::timestamp).distinct().toList();
        assertThat(times.size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aClockFarAheadOfItsCollectorsIsSaidAndValuesAreStampedWithTheCollectorsTime() {
        java.util.concurrent.atomic.AtomicReference<Long> offset = new java.util.concurrent.atomic.AtomicReference<>();
        Poller poller = Poller.builder().host("web1").spool(spool).clock(clock).selfMonitoring(false)
                .source(new Fixed("a"), Duration.ofSeconds(10))
                .clockReference(offset::get, Duration.ofMinutes(1)).build();
        offset.set(-30_000L);
        poller.collectOnce();
        assertThat(poller.status().clock().corrected()).isFalse();

        offset.set(-600_000L);
        poller.collectOnce();
        assertThat(poller.status().clock()).isEqualTo(new Poller.Status.ClockStatus(-600_000L, 60_000L, true));
        assertThat(spooled()).extracting(SampleBatch::timestamp)
                .containsExactly(1_700_000_037L, 1_700_000_037L - 600);

        try (Poller started = Poller.builder().host("web1").spool(new MemorySpool()).clock(clock)
                .selfMonitoring(false).source(new Fixed("a"), Duration.ofSeconds(10))
                .clockReference(offset::get, Duration.ofMinutes(1)).build()) {
            started.start();
            assertThat(started.check().degraded()).isTrue();
            assertThat(started.check().detail()).contains("this host's clock is 600 s ahead of its collector's");
        }
    }

    @Test
    void rejectsBadSchedules() {
        assertThatThrownBy(() -> Poller.builder().source(new Fixed("a"), Duration.ofMillis(1500)))
                .hasMessage("source a: interval PT1.5S must be a whole number of seconds, at least 1");
        assertThatThrownBy(() -> Poller.builder().host("web1").spool(spool)
                .source(new Fixed("a"), Duration.ofSeconds(10)).source(new Fixed("a"), Duration.ofSeconds(10))
                .build())
                .hasMessage("source 'a' is added twice");
    }

    /** A source that fails with a connection error while {@code broken}. */
    static final class Flaky implements Source {
        final String name;
        final java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();

        Flaky(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<SampleBatch> collect(Cycle cycle) throws Exception {
            if (broken.get()) {
                throw new java.io.IOException("connection refused: 127.0.0.1:4949");
            }
            return List.of(new SampleBatch(cycle.host(), name, cycle.timestamp(), Map.of("value", 1.0), null));
        }
    }

    @Test
    void readyWhileASourceCollectsDegradedWhileSomeFailNotReadyWhenAllFail() {
        Flaky munin = new Flaky("munin");
        Flaky exec = new Flaky("exec");
        Poller poller = Poller.builder().host("web1").spool(spool).clock(clock)
                .source(munin, Duration.ofSeconds(60)).source(exec, Duration.ofSeconds(60)).build();
        assertThat(poller.check().ok()).isFalse();
        poller.start();
        try {
            // the schedules' first cycles (at start) are done before the test's own
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> spool.stats().records() >= 3);
            poller.collectOnce();
            assertThat(poller.check().status()).isEqualTo("UP");

            munin.broken.set(true);
            poller.collectOnce();
            assertThat(poller.check().status()).isEqualTo("DEGRADED");
            assertThat(poller.check().detail()).isEqualTo(
                    "1 of 2 sources failing: munin: java.io.IOException: connection refused: 127.0.0.1:4949");

            exec.broken.set(true);
            poller.collectOnce();
            // its own plugin still arrives, but nothing of the host does: not ready
            assertThat(poller.check().status()).isEqualTo("DOWN");
            assertThat(poller.check().detail()).startsWith("every source fails: munin: java.io.IOException");

            munin.broken.set(false);
            exec.broken.set(false);
            poller.collectOnce();
            assertThat(poller.check().status()).isEqualTo("UP");
        } finally {
            poller.close();
        }
    }
}
