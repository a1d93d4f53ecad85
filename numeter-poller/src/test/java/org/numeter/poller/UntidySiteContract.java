package org.numeter.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.numeter.codec.RecordCodec;
import org.numeter.model.SampleBatch;
import org.numeter.poller.PluginHealth.State;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolRecord;
import org.numeter.testkit.UntidyPlugins;

/**
 * What a poller stores, cycle by cycle, from the plugins of an untidy munin site ({@link UntidyPlugins}): whatever
 * hangs, sleeps, fails or prints garbage, every other plugin arrives at every cycle, at 10 s and at 60 s, with the
 * time it was read. The munin source (through a real munin-node) and the exec source pass the same suite.
 *
 * <p>Its tests run at once, and beside the other suite's (the poller module's Failsafe enables JUnit's parallel
 * execution for classes that ask for it): each has its own folder, poller, spool and munin-node, and each spends its
 * minute waiting for 10 s cycles and plugin timeouts, not computing.
 */
@Execution(ExecutionMode.CONCURRENT)
public abstract class UntidySiteContract {
    @TempDir
    protected Path dir;

    /** A source reading {@link UntidyPlugins} written into {@code plugins} with {@code conf} as plugin-conf.d. */
    protected Source source() throws Exception {
        return source(List.of());
    }

    /** A source reading {@code plugins} of {@link UntidyPlugins} (all when empty). */
    protected abstract Source source(List<String> plugins) throws Exception;

    /** A poller of {@code source} into {@code spool}, keeping its counters' readings in the test's folder. */
    private Poller poller(MemorySpool spool, Source source, Duration interval) {
        return Poller.builder().host("web1").spool(spool).selfMonitoring(false).source(source, interval)
                .counterReadings(dir.resolve("poller-counters")).build();
    }

    /** Where the plugins keep their state ({@code MUNIN_PLUGSTATE}). */
    protected abstract Path stateDir();

    private static List<SampleBatch> batches(MemorySpool spool) {
        return spool.read(0, 100_000).stream().map(SpoolRecord::payload).map(RecordCodec::decode)
                .filter(b -> !b.plugin().equals("numeter_poller")).toList();
    }

    private static Map<String, List<SampleBatch>> byPlugin(List<SampleBatch> batches) {
        return batches.stream().collect(Collectors.groupingBy(SampleBatch::plugin));
    }

    @Test
    void everyAnsweringPluginArrivesAtEveryCycleAt10s() throws Exception {
        MemorySpool spool = new MemorySpool();
        Source source = source();
        List<SampleBatch> firstRun;
        long cycles;
        List<PluginHealth> health;
        Poller poller = poller(spool, source, Duration.ofSeconds(10));
        try {
            poller.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> !batches(spool).isEmpty()
                    && byPlugin(batches(spool)).getOrDefault("healthy", List.of()).size() >= 3);
        } finally {
            poller.close();
        }
        // Each cycle's batches are appended together: a cycle is one "healthy" batch.
        cycles = byPlugin(batches(spool)).get("healthy").size();
        health = poller.health();
        assertThat(poller.stats().get(0).timeouts()).as("the source was never abandoned").isZero();
        assertThat(poller.stats().get(0).failures()).isZero();
        firstRun = batches(spool);
        Map<String, List<SampleBatch>> got = byPlugin(firstRun);
        for (String graph : List.of("healthy", "garbage", "stamped", "extinfo", "nested", "nested.child",
                "nested.child.leaf", "unknown", "negative", "counter", "envcheck")) {
            assertThat(got.get(graph)).as("%s at every one of %d cycles", graph, cycles).hasSize((int) cycles);
        }
        assertThat(got).doesNotContainKeys("hang", "slow", "failing");
        got.get("healthy").forEach(b -> assertThat(b.values()).containsExactly(Map.entry("a", 1.0)));
        got.get("garbage").forEach(b -> assertThat(b.values()).containsExactly(Map.entry("a", 7.0)));
        got.get("extinfo").forEach(b -> assertThat(b.values()).containsExactly(Map.entry("a", 5.0)));
        got.get("nested.child.leaf").forEach(b -> assertThat(b.values()).containsExactly(Map.entry("z", 3.0)));
        got.get("envcheck").forEach(b -> assertThat(b.values()).containsExactly(Map.entry("a", 12.0)));
        got.get("unknown").forEach(b -> {
            assertThat(b.values().get("a")).isNaN();
            assertThat(b.values().get("b")).isEqualTo(3.0);
        });
        got.get("negative").forEach(b -> assertThat(b.values()).containsExactly(Map.entry("down", 10.0),
                Map.entry("up", 20.0)));
        assertThat(got.get("negative").get(0).meta().field("up").orElseThrow().negative()).isEqualTo("down");
        assertThat(got.get("negative").get(0).meta().field("down").orElseThrow().graph()).isFalse();
        assertThat(got.get("extinfo").get(0).meta().info()).isEqualTo("A plugin that says more than its values.");
        // Timestamped values land at their own time, which the plugin put in the value too.
        got.get("stamped").forEach(b -> assertThat(b.values().get("a")).isEqualTo((double) b.timestamp()));
        long now = System.currentTimeMillis() / 1000;
        assertThat(got.get("stamped").get(0).timestamp()).isLessThan(now - UntidyPlugins.STAMPED_AGO + 15);

        Map<String, PluginHealth> states = health.stream()
                .collect(Collectors.toMap(PluginHealth::plugin, Function.identity()));
        assertThat(states.get("hang").state()).isEqualTo(State.TIMED_OUT);
        assertThat(states.get("slow").state()).isEqualTo(State.TIMED_OUT);
        assertThat(states.get("failing").state()).isEqualTo(State.FAILED);
        assertThat(states.get("garbage").state()).isEqualTo(State.BAD_OUTPUT);
        assertThat(states.get("garbage").detail()).contains("'garbage line 0'");
        assertThat(states.get("garbage").lastSuccessMillis()).isPositive();
        for (String ok : List.of("healthy", "stamped", "extinfo", "nested", "unknown", "negative", "counter",
                "envcheck")) {
            assertThat(states.get(ok).state()).as(ok + ": " + states.get(ok).detail()).isEqualTo(State.OK);
        }
        assertThat(states.get("hang").count()).isEqualTo(cycles);

        // A restart that misses a cycle, as a real one does (a JVM starts in seconds): the first point of the next
        // poller, read at once and not on a boundary, is at its rate too, its reading placed by the one the poller
        // before kept.
        long lastBefore = got.get("counter").get(got.get("counter").size() - 1).timestamp();
        await().atMost(Duration.ofSeconds(30)).until(() -> System.currentTimeMillis() > (lastBefore + 10) * 1000 + 300);
        try (Poller again = poller(spool, source(), Duration.ofSeconds(10))) {
            again.start();
            int before = got.get("counter").size();
            await().atMost(Duration.ofSeconds(40))
                    .until(() -> byPlugin(batches(spool)).get("counter").size() >= before + 2);
        }
        assertCounterAtItsRate(byPlugin(batches(spool)).get("counter"), lastBefore);
        assertNoOrphan();
    }

    @Test
    void everyAnsweringPluginArrivesInTheCycleAt60s() throws Exception {
        MemorySpool spool = new MemorySpool();
        try (Poller poller = poller(spool, source(), Duration.ofSeconds(60))) {
            poller.collectOnce();
            assertThat(poller.stats().get(0).timeouts()).isZero();
            Map<String, PluginHealth> states = poller.health().stream()
                    .collect(Collectors.toMap(PluginHealth::plugin, Function.identity()));
            assertThat(states.get("hang").state()).isEqualTo(State.TIMED_OUT);
            assertThat(states.get("slow").state()).isEqualTo(State.TIMED_OUT);
        }
        assertThat(byPlugin(batches(spool))).containsOnlyKeys("healthy", "garbage", "stamped", "extinfo", "nested",
                "nested.child", "nested.child.leaf", "unknown", "negative", "counter", "envcheck");
        assertNoOrphan();
    }

    /**
     * The counter read by a source at a 60 s interval, collected 10.37 s apart (a collection of the untidy site at
     * 60 s waits 30 s for the hanging plugin, so the counter is read alone): each read falls at another fraction of
     * its second, and every point is held to 1 % over about 10 s, which is stricter than over 60 s. The poller is
     * restarted between the third and the fourth point.
     */
    @Test
    void theCounterReadsBackAtItsRateAt60sAcrossARestart() throws Exception {
        MemorySpool spool = new MemorySpool();
        long next = System.currentTimeMillis();
        long lastBefore = 0;
        for (int run = 0; run < 2; run++) {
            try (Poller poller = poller(spool, source(List.of("counter")), Duration.ofSeconds(60))) {
                for (int i = 0; i < 3; i++) {
                    long at = next;
                    await().atMost(Duration.ofSeconds(15)).until(() -> System.currentTimeMillis() >= at);
                    next = System.currentTimeMillis() + 10_370;
                    assertThat(poller.collectOnce()).isEqualTo(1);
                    assertThat(poller.stats().get(0).failures()).isZero();
                }
            }
            if (run == 0) {
                List<SampleBatch> first = byPlugin(batches(spool)).get("counter");
                lastBefore = first.get(first.size() - 1).timestamp();
            }
        }
        List<SampleBatch> counter = byPlugin(batches(spool)).get("counter");
        assertThat(counter).hasSize(6);
        assertCounterAtItsRate(counter, lastBefore);
    }

    /**
     * Every point of the counter at its rate to 1 % from the point before, and over the run: what a storage stores
     * for each of its steps. {@code lastBefore} is the stamp of the last point before a restart. The first point is
     * the counter's first reading ever, which nothing before places within its second: it is unknown (the storage
     * makes no rate of a first value anyway), and the readings start from the second.
     */
    private static void assertCounterAtItsRate(List<SampleBatch> counter, long lastBefore) {
        // The plugin prints the clock's milliseconds: a point's value at its whole second s is 1000 s, and how far it
        // is from that is how far off the poller placed its read (shown, not asserted: a constant offset costs no
        // rate).
        String points = counter.stream().map(b -> b.timestamp() + "=" + String.format("%.0f", b.values().get("a"))
                + " (" + String.format("%+.0f", b.values().get("a") - UntidyPlugins.RATE * b.timestamp()) + " ms)")
                .toList().toString();
        assertThat(counter.stream().map(SampleBatch::timestamp)).as("the points " + points).contains(lastBefore)
                .anyMatch(t -> t > lastBefore);
        assertThat(counter.get(0).values().get("a")).as("the first reading ever, of points " + points).isNaN();
        for (int i = 2; i < counter.size(); i++) {
            SampleBatch a = counter.get(i - 1);
            SampleBatch b = counter.get(i);
            double rate = (b.values().get("a") - a.values().get("a")) / (b.timestamp() - a.timestamp());
            assertThat(rate).as("the counter's rate from %d to %d%s, of points %s", a.timestamp(), b.timestamp(),
                    a.timestamp() == lastBefore ? " (across the restart)" : "", points)
                    .isCloseTo(UntidyPlugins.RATE, within(UntidyPlugins.RATE / 100));
        }
        SampleBatch first = counter.get(1);
        SampleBatch last = counter.get(counter.size() - 1);
        assertThat((last.values().get("a") - first.values().get("a")) / (last.timestamp() - first.timestamp()))
                .as("the counter's rate over the run, across a restart " + points)
                .isCloseTo(UntidyPlugins.RATE, within(UntidyPlugins.RATE / 100));
    }

    /** Whether the hanging plugin's child is gone once the plugin was given up: none for exec. */
    protected void assertNoOrphan() throws Exception {}
}
