package org.numeter.poller.munin;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.MuninConfigParser;
import org.numeter.munin.MuninNames;
import org.numeter.munin.MuninValueParser;
import org.numeter.munin.Problems;
import org.numeter.poller.Cycle;

/**
 * Reads munin plugins, over a munin-node connection or by running them: their {@code config} (remembered for
 * {@link #CONFIG_TTL}; with dirtyconfig, values that come with it are used and no fetch follows), then their values,
 * stamped with the second they were read (the millisecond halfway between the question and the answer), counters
 * with their value at that whole second ({@link org.numeter.poller.CounterReadings}), or with their own time
 * ({@code field.value EPOCH:VALUE}). Shared by the {@code munin} and {@code exec} sources, so both read plugins
 * alike; safe for several threads reading different plugins.
 *
 * <p>Sources ask the configs a cycle needs first, then every plugin's values from the next whole second, so that
 * values are read close to the second they are stamped with, whether a config was asked or not.
 */
public final class PluginReader {
    public static final Duration CONFIG_TTL = Duration.ofMinutes(10);

    private final Map<String, Cached> configs = new ConcurrentHashMap<>();

    private final Map<String, Dirty> dirty = new ConcurrentHashMap<>();

    private record Cached(Map<String, Plugin> graphs, long askedAt) {}

    /** Values that came with a config (dirtyconfig), and when, in epoch milliseconds. */
    private record Dirty(List<String> lines, long readMillis) {}

    /** Asks a plugin for its config or its values. */
    @FunctionalInterface
    public interface Asker {
        /**
         * @param config true for {@code config}, false for the values ({@code fetch})
         * @return the plugin's lines
         * @throws NoValue when the plugin gave no answer this time (timed out, failed): already reported or to be
         */
        List<String> ask(boolean config) throws IOException, NoValue;
    }

    /** The plugin could not be read this time; how is told to the cycle's outcomes. */
    public static final class NoValue extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean timedOut;
        private final Integer exitCode;

        public NoValue(boolean timedOut, Integer exitCode, String message) {
            super(message, null, false, false);
            this.timedOut = timedOut;
            this.exitCode = exitCode;
        }
    }

    /** Whether {@code plugin}'s config must be asked (never asked, or older than {@link #CONFIG_TTL}). */
    public boolean needsConfig(String plugin) {
        Cached cached = configs.get(plugin);
        return cached == null || System.currentTimeMillis() - cached.askedAt() > CONFIG_TTL.toMillis();
    }

    /** Forgets values a config brought (dirtyconfig) in an earlier cycle that never got to its values. */
    public void startCycle() {
        dirty.clear();
    }

    /**
     * Asks {@code plugin}'s config and remembers it, with the values that came with it (dirtyconfig).
     *
     * @return false when the plugin gave no config this time (told to the cycle's outcomes)
     * @throws IOException when the connection broke or timed out: the caller opens another
     */
    public boolean config(Asker asker, String plugin, Cycle cycle) throws IOException {
        String graph = MuninNames.plugin(plugin);
        try {
            long sent = cycle.clock().millis();
            List<String> lines = asker.ask(true);
            List<String> config = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (String line : lines) {
                boolean value = MuninValueParser.isValueLine(line);
                boolean multigraph = line.strip().startsWith("multigraph ");
                if (!value || multigraph) {
                    config.add(line);
                }
                if (value || multigraph) {
                    values.add(line);
                }
            }
            configs.put(plugin, new Cached(MuninConfigParser.parse(plugin, config, problems(graph, cycle)),
                    System.currentTimeMillis()));
            if (values.stream().anyMatch(MuninValueParser::isValueLine)) {
                dirty.put(plugin, new Dirty(values, middle(sent, cycle.clock().millis())));
            }
            return true;
        } catch (NoValue e) {
            told(graph, e, cycle);
            return false;
        }
    }

    /**
     * Reads {@code plugin}'s values (those its config brought with dirtyconfig, or a fetch), after its config, and
     * tells the cycle how it went.
     *
     * @return its batches, empty when it gave no value or has no config
     * @throws IOException when the connection broke or timed out: the caller opens another
     */
    public List<SampleBatch> values(Asker asker, String plugin, String batchHost, Cycle cycle) throws IOException {
        String graph = MuninNames.plugin(plugin);
        Cached cached = configs.get(plugin);
        if (cached == null) {
            return List.of();
        }
        Problems problems = problems(graph, cycle);
        try {
            Dirty brought = dirty.remove(plugin);
            List<String> valueLines;
            long readMillis;
            if (brought != null) {
                valueLines = brought.lines();
                readMillis = brought.readMillis();
            } else {
                long sent = cycle.clock().millis();
                valueLines = asker.ask(false);
                readMillis = middle(sent, cycle.clock().millis());
            }
            List<MuninValueParser.Value> values = MuninValueParser.parse(plugin, valueLines, problems);
            for (MuninValueParser.Value v : values) {
                Plugin g = cached.graphs().get(v.plugin());
                if (g == null || g.field(v.field()).isEmpty()) {
                    // The plugin's graphs changed (a new disk, a new interface): ask its config again next cycle.
                    configs.remove(plugin);
                    break;
                }
            }
            List<SampleBatch> out = cycle.aligned(MuninBatches.build(batchHost, Math.floorDiv(readMillis, 1000),
                    cached.graphs(), values, problems), readMillis);
            cycle.outcomes().ok(graph);
            return out;
        } catch (NoValue e) {
            told(graph, e, cycle);
            return List.of();
        }
    }

    /** Bad lines of a plugin's graphs, told as the plugin's, naming the graph when it is another. */
    private static Problems problems(String graph, Cycle cycle) {
        return (g, message) -> cycle.problems().report(graph, g.equals(graph) ? message : "graph " + g + ": "
                + message);
    }

    private static void told(String graph, NoValue e, Cycle cycle) {
        if (e.timedOut) {
            cycle.outcomes().timedOut(graph, e.getMessage());
        } else {
            cycle.outcomes().failed(graph, e.exitCode, e.getMessage());
        }
    }

    /**
     * The epoch millisecond halfway between asking and the answer. The plugin read its values somewhere between the
     * two (munin-node starts it after the question and answers after it exited; a process runs it after it is
     * started and before its output ends), wherever a loaded machine delayed it: the middle is off by at most half
     * the time the answer took, and by about the same in every cycle.
     */
    private static long middle(long sentMillis, long answeredMillis) {
        return sentMillis + (answeredMillis - sentMillis) / 2;
    }

    /**
     * munin-node's answers that mean "no value": {@code # Timed out} or nothing when its own timeout ran out,
     * {@code # Bad exit} when the plugin failed, {@code # Unknown service}.
     */
    static List<String> nodeVerdict(String command, List<String> lines) throws NoValue {
        if (lines.isEmpty()) {
            throw new NoValue(true, null, "munin-node answered nothing to '" + command
                    + "', as it does when its own timeout for the plugin runs out");
        }
        if (lines.size() == 1) {
            String only = lines.get(0).strip();
            if (only.startsWith("# Timed out")) {
                throw new NoValue(true, null, "munin-node's own timeout for the plugin ran out ('" + only + "' to '"
                        + command + "')");
            }
            if (only.startsWith("# Bad exit")) {
                throw new NoValue(false, null, "the plugin exited with an error (munin-node answered '" + only
                        + "' to '" + command + "'; its log has the status)");
            }
            if (only.startsWith("# Unknown service")) {
                throw new NoValue(false, null, "munin-node does not know it ('" + only + "' to '" + command + "')");
            }
        }
        return lines;
    }
}
