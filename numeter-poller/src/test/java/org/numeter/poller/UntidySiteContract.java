package org.numeter.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 */
public abstract class UntidySiteContract {
    @TempDir
    protected Path dir;

    /** A source reading {@link UntidyPlugins} written into {@code plugins} with {@code conf} as plugin-conf.d. */
    protected abstract Source source() throws Exception;

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
        Poller poller = Poller.builder().host("web1").spool(spool).selfMonitoring(false)
                .source(source, Duration.ofSeconds(10)).build();
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
        got.get("stamped").forEach(b -> assertThat(b.values().get("a")).isEqualTo((double) (b.timestamp() % 1000)));
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

        // A restart: the first point of the next poller, read at once and not on a boundary, is right too.
        try (Poller again = Poller.builder().host("web1").spool(spool).selfMonitoring(false)
                .source(source(), Duration.ofSeconds(10)).build()) {
            again.start();
            int before = got.get("counter").size();
            await().atMost(Duration.ofSeconds(40))
                    .until(() -> byPlugin(batches(spool)).get("counter").size() >= before + 2);
        }
        List<SampleBatch> counter = byPlugin(batches(spool)).get("counter");
        List<Double> rates = new ArrayList<>();
        for (int i = 1; i < counter.size(); i++) {
            SampleBatch a = counter.get(i - 1);
            SampleBatch b = counter.get(i);
            rates.add((b.values().get("a") - a.values().get("a")) / (b.timestamp() - a.timestamp()));
        }
        String points = counter.stream().map(b -> b.timestamp() + "=" + b.values().get("a")).toList().toString();
        // Timestamps are whole seconds: a value read 0.2 s later into its second than the one before (a loaded
        // machine) is 2 % off at 10 s, and the next point makes up for it; stamped with the cycle's start, as
        // before, it was up to 40 % off.
        assertThat(rates).as("the counter's rate between points " + points).allSatisfy(r ->
                assertThat(r).isCloseTo(UntidyPlugins.RATE, within(UntidyPlugins.RATE * pointTolerance())));
        SampleBatch first = counter.get(0);
        SampleBatch last = counter.get(counter.size() - 1);
        assertThat((last.values().get("a") - first.values().get("a")) / (last.timestamp() - first.timestamp()))
                .as("the counter's rate over the run, across a restart " + points)
                .isCloseTo(UntidyPlugins.RATE, within(UntidyPlugins.RATE / 100));
        assertNoOrphan();
    }

    @Test
    void everyAnsweringPluginArrivesInTheCycleAt60s() throws Exception {
        MemorySpool spool = new MemorySpool();
        try (Poller poller = Poller.builder().host("web1").spool(spool).selfMonitoring(false)
                .source(source(), Duration.ofSeconds(60)).build()) {
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
     * How far one point of the counter may be from its rate, as a fraction: how much later into its second a
     * plugin may be read than the one before, over 10 s.
     */
    protected double pointTolerance() {
        return 0.03;
    }

    /** Whether the hanging plugin's child is gone once the plugin was given up: none for exec. */
    protected void assertNoOrphan() throws Exception {}
}
