package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.numeter.config.Config;
import org.numeter.testkit.MuninNode;
import org.numeter.testkit.UntidyPlugins;

/**
 * {@code numeter standalone} at its 10 s interval on an untidy site ({@link UntidyPlugins}: a plugin hanging for
 * ever, one slower than its timeout, one failing, one printing garbage) through a real munin-node and through the
 * exec source: every other plugin is stored at every 10 s step, a counter reads back at its rate, timestamped
 * values at their own time, and the failing plugins are named with why in {@code numeter_plugins}, which the host
 * page shows.
 *
 * <p>The two run at once (each has its own folder, ports, munin-node or plugin folder and {@code Standalone}, and
 * spends its minute and a half waiting for 10 s steps), and nothing else of the module beside them: the counter's
 * 1 % per step is 100 ms of read time over 10 s, which the read-time estimate no longer holds on a machine loaded by
 * other tests' JVMs (3 % off at one step at load 17, with two other multi-process ITs running beside it).
 */
class UntidyEndToEndIT {
    @TempDir
    Path dir;

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void throughAMuninNode() throws Exception {
        try (MuninNode node = new MuninNode(dir.resolve("node"))) {
            UntidyPlugins.write(node.plugins(), node.pluginConf());
            node.start();
            run(Map.of(Settings.POLLER_SOURCES.name(), "system,munin",
                    Settings.POLLER_MUNIN_NODES.name(), node.address()));
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void throughTheExecSource() throws Exception {
        UntidyPlugins.write(dir.resolve("plugins"), dir.resolve("plugin-conf.d"));
        run(Map.of(Settings.POLLER_SOURCES.name(), "system,exec",
                Settings.POLLER_EXEC_DIRS.name(), dir.resolve("plugins").toString(),
                Settings.POLLER_EXEC_CONF_DIR.name(), dir.resolve("plugin-conf.d").toString()));
    }

    private void run(Map<String, String> sources) throws Exception {
        Map<String, String> overrides = new HashMap<>(sources);
        overrides.put(Settings.DATA_DIR.name(), dir.resolve("data").toString());
        overrides.put(Settings.COLLECTOR_INTERVAL.name(), "1s");
        overrides.put(Settings.STORAGE_INTERVAL.name(), "1s");
        overrides.put(Settings.STORAGE_PORT.name(), "0");
        overrides.put(Settings.WEB_PORT.name(), "0");
        overrides.put(Settings.WEB_BIND.name(), "127.0.0.1");
        overrides.put(Settings.WEB_ADMIN_PASSWORD.name(), "untidy-test-password");
        Config config = StandaloneInBrowser.config(overrides);
        assertThat(config.get(Settings.POLLER_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        try (Standalone standalone = new Standalone(config)) {
            standalone.start();
            String host = standalone.host();
            int port = standalone.storagePort();
            long start = System.currentTimeMillis() / 1000;
            // Seven whole 10 s steps after the first points.
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> stored(port, host, "munin_healthy", start).size() >= 8);
            long to = System.currentTimeMillis() / 1000 / 10 * 10 - 10;
            SortedMap<Long, Double> healthy = RoleApi.stored(port, host, "munin_healthy", start - 60, to, 10);
            long first = healthy.firstKey() + 10;
            List<Long> steps = healthy.keySet().stream().filter(t -> t >= first && t <= to).toList();
            assertThat(steps).hasSizeGreaterThanOrEqualTo(3);
            for (String plugin : List.of("munin_healthy", "munin_garbage", "munin_extinfo", "munin_nested",
                    "munin_nested.child.leaf", "munin_negative", "munin_envcheck")) {
                SortedMap<Long, Double> points = RoleApi.stored(port, host, plugin, first, to, 10);
                assertThat(points.keySet()).as(plugin + " at every 10 s step").containsAll(steps);
            }
            // U is unknown, its neighbour known.
            JsonNode unknown = RoleApi.get(port, "/api/v1/hosts/" + host + "/plugins/munin_unknown/data?from=" + first
                    + "&to=" + to + "&resolution=10");
            assertThat(unknown.get("fields").toString()).isEqualTo("[\"a\",\"b\"]");
            for (JsonNode row : unknown.get("points")) {
                if (steps.contains(row.get(0).asLong())) {
                    assertThat(row.get(1).isNull()).as("a at " + row.get(0)).isTrue();
                    assertThat(row.get(2).asDouble()).as("b at " + row.get(0)).isEqualTo(3.0);
                }
            }
            assertThat(RoleApi.stored(port, host, "munin_garbage", first, to, 10).values()).containsOnly(7.0);
            assertThat(RoleApi.stored(port, host, "munin_nested.child.leaf", first, to, 10).values())
                    .containsOnly(3.0);
            assertThat(RoleApi.stored(port, host, "munin_envcheck", first, to, 10).values()).containsOnly(12.0);
            // The counter, stored as a rate, at every step to 1 %: timestamps are whole seconds, and the poller sends
            // each counter's value at its whole second however late into it the value was read (munin-node forks a
            // process per connection and per plugin, slow on a loaded machine).
            // Its first reading only sets where the rates start (it is sent as unknown: nothing placed it within its
            // second), so its first rate comes a cycle after the others' first values.
            SortedMap<Long, Double> counter = RoleApi.stored(port, host, "munin_counter", first, to, 10);
            assertThat(counter).as("the counter's rates").isNotEmpty();
            assertThat(counter.keySet()).as("the counter at every 10 s step from its first rate")
                    .containsAll(steps.stream().filter(t -> t >= counter.firstKey()).toList());
            assertThat(counter.firstKey()).as("the counter's first rate").isLessThanOrEqualTo(first + 20);
            assertThat(counter).allSatisfy((t, r) -> assertThat(r).as("the counter's rate at %d of %s", t, counter)
                    .isCloseTo(UntidyPlugins.RATE, within(UntidyPlugins.RATE / 100)));
            assertThat(counter.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow())
                    .as("the counter's rate over " + counter).isCloseTo(UntidyPlugins.RATE,
                            within(UntidyPlugins.RATE / 100));
            // Timestamped values stored at their own time: the value is that time.
            SortedMap<Long, Double> stamped = RoleApi.stored(port, host, "munin_stamped", first - 60, to, 10);
            assertThat(stamped).isNotEmpty();
            stamped.forEach((t, v) -> assertThat(v).as("stamped at " + t).isCloseTo((double) t,
                    within(10.0)));
            assertThat(stored(port, host, "munin_hang", start)).isEmpty();

            JsonNode plugins = RoleApi.get(port, "/api/v1/hosts/" + host + "/plugins/numeter_plugins");
            JsonNode extra = plugins.get("extra");
            assertThat(extra.get("health.hang").asText()).startsWith("timed out since");
            assertThat(extra.get("health.slow").asText()).startsWith("timed out since");
            assertThat(extra.get("health.failing").asText()).startsWith("failed since");
            assertThat(extra.get("health.garbage").asText()).startsWith("bad output since")
                    .contains("'garbage line 0'");
            assertThat(extra.has("health.healthy")).isFalse();

            // The collector, drained every second, never called the poller at 10 s silent: three of its own
            // intervals (3 s) had done so, and fired the collector's alert, at every one of the poller's cycles.
            JsonNode collector = RoleApi.get(port, "/api/v1/hosts/" + Roles.collectorId(config)
                    + "/plugins/numeter_collector/data?from=" + first + "&to=" + to + "&resolution=10");
            int silent = fieldIndex(collector, "silent");
            List<Double> silentSteps = new java.util.ArrayList<>();
            collector.get("points").forEach(row -> {
                if (!row.get(silent).isNull()) {
                    silentSteps.add(row.get(silent).asDouble());
                }
            });
            assertThat(silentSteps).as("numeter_collector's silent field over " + collector.get("points"))
                    .isNotEmpty().containsOnly(0.0);
            // Nor did this machine's own plugins with limits (df, open_files, if_err_*) go UNKNOWN for want of data:
            // the host's interval was the second between two plugins' points, and five of those had passed before
            // their second point. (The untidy munin_* plugins fail on purpose.)
            List<String> wentUnknown = new java.util.ArrayList<>();
            RoleApi.get(port, "/api/v1/alerts/history?host=" + host + "&from=" + (start - 60)).forEach(c -> {
                if (c.path("to").asText().equals("UNKNOWN") && !c.path("plugin").asText().startsWith("munin_")) {
                    wentUnknown.add(c.toString());
                }
            });
            assertThat(wentUnknown).as("changes to UNKNOWN of the machine's own plugins").isEmpty();
        }
    }

    /** The column of {@code field} in a data answer's points (the time is column 0). */
    private static int fieldIndex(JsonNode data, String field) {
        JsonNode fields = data.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).asText().equals(field)) {
                return i + 1;
            }
        }
        throw new AssertionError("no field " + field + " in " + fields);
    }

    private static SortedMap<Long, Double> stored(int port, String host, String plugin, long start) {
        try {
            return RoleApi.stored(port, host, plugin, start - 60, System.currentTimeMillis() / 1000, 10);
        } catch (Throwable e) {
            return new java.util.TreeMap<>();
        }
    }
}
