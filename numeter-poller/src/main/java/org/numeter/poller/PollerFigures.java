package org.numeter.poller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.numeter.telemetry.Meters;
import org.numeter.telemetry.SpoolFigures;

/** The poller's figures and check in its process's telemetry: one line per figure. */
final class PollerFigures {
    private PollerFigures() {}

    /** A source's failure count for one reason. */
    private record Failures(String source, String reason, long count) {}

    /** A plugin's problem count. */
    private record PluginProblems(String source, String plugin, long count) {}

    static Meters bind(Meters m, Poller poller) {
        List<String> source = List.of("source");
        SpoolFigures.bind(m, "poller", poller.spool(), poller.clock());
        return m.check("poller", poller::check)
                .counters("numeter.poller.cycles", "Collections attempted", source, poller::stats,
                        s -> List.of(s.source()), SourceStats::cycles)
                .counters("numeter.poller.batches", "Sample batches appended to the spool", source, poller::stats,
                        s -> List.of(s.source()), SourceStats::batches)
                .counters("numeter.poller.samples", "Values appended to the spool", source, poller::stats,
                        s -> List.of(s.source()), SourceStats::samples)
                .gauges("numeter.poller.collection.seconds", "How long the last finished collection took", source,
                        poller::stats, s -> List.of(s.source()), s -> s.lastDurationMillis() / 1000.0)
                .gauges("numeter.poller.source.up", "1 when the source's last collection brought its data, else 0",
                        source, poller::runners, r -> List.of(r.source().name()), r -> r.lastFailure() == null ? 1 : 0)
                .counters("numeter.poller.source.failures",
                        "Collections that brought nothing: error (threw), timeout (abandoned), skipped (still hanging)",
                        List.of("source", "reason"), () -> failures(poller),
                        f -> List.of(f.source(), f.reason()), Failures::count)
                .counters("numeter.poller.plugin.failures",
                        "Plugins (or lines) reported bad while the rest of their source arrived, by plugin",
                        List.of("source", "plugin"), () -> pluginProblems(poller),
                        p -> List.of(p.source(), p.plugin()), PluginProblems::count);
    }

    private static List<Failures> failures(Poller poller) {
        List<Failures> out = new ArrayList<>();
        for (SourceStats s : poller.stats()) {
            out.add(new Failures(s.source(), "error", s.failures()));
            out.add(new Failures(s.source(), "timeout", s.timeouts()));
            out.add(new Failures(s.source(), "skipped", s.skipped()));
        }
        return out;
    }

    private static List<PluginProblems> pluginProblems(Poller poller) {
        List<PluginProblems> out = new ArrayList<>();
        for (SourceRunner r : poller.runners()) {
            for (Map.Entry<String, Long> e : r.pluginProblems().entrySet()) {
                out.add(new PluginProblems(r.source().name(), e.getKey(), e.getValue()));
            }
        }
        return out;
    }
}
