package org.numeter.collector;

import java.util.List;
import org.numeter.collector.internal.PollerEntry;
import org.numeter.telemetry.Meters;
import org.numeter.telemetry.SpoolFigures;

/**
 * The collector's figures and check in its process's telemetry, one line per figure. Its pollers are its upstreams:
 * their drains are {@code numeter_drain_*{role="collector",upstream="<poller host>"}}, as the storage's are.
 */
final class CollectorFigures {
    private static final List<String> DRAIN = List.of("role", "upstream");
    private static final String REJECTED = "Batches refused, by reason: oversized (over the limit), malformed (not a"
            + " sample batch), foreign_host (about another host than the poller's), future (too far ahead of the collector's clock)";

    private CollectorFigures() {}

    static Meters bind(Meters m, Collector c) {
        SpoolFigures.bind(m, "collector", c.spool(), c.clock());
        return m.check("collector", c::check)
                .gauge("numeter.collector.pollers", "Pollers known (configured, in the pollers file or registered)",
                        () -> c.entries().size())
                .gauge("numeter.collector.pollers.failing", "Pollers whose last drain failed",
                        () -> c.entries().stream().filter(PollerEntry::failing).count())
                .gauge("numeter.collector.pollers.silent", "Pollers from which nothing came for collector.silent-after"
                        + " intervals", () -> c.entries().stream().filter(PollerEntry::silent).count())
                .gauge("numeter.collector.registered", "Pollers known from their own registrations (kept on disk)",
                        c::registeredCount)
                .counter("numeter.collector.registrations.refused",
                        "Registrations refused: no token, or a token that is not the host's", c::registrationsRefused)
                .counter("numeter.collector.rejected", REJECTED, () -> c.rejections().oversized(), "reason", "oversized")
                .counter("numeter.collector.rejected", REJECTED, () -> c.rejections().malformed(), "reason", "malformed")
                .counter("numeter.collector.rejected", REJECTED, () -> c.rejections().foreignHost(),
                        "reason", "foreign_host")
                .counter("numeter.collector.rejected", REJECTED, () -> c.rejections().future(), "reason", "future")
                .counters("numeter.drain.records", "Records (sample batches) moved from the upstream", DRAIN,
                        c::entries, CollectorFigures::labels, e -> e.status().records())
                .counters("numeter.drain.pages", "Pages moved from the upstream", DRAIN,
                        c::entries, CollectorFigures::labels, PollerEntry::pages)
                .counters("numeter.drain.errors", "Drains of the upstream that failed (the page comes again)", DRAIN,
                        c::entries, CollectorFigures::labels, PollerEntry::failures)
                .gauges("numeter.drain.lag.seconds", "Age of the oldest record the last drain moved", DRAIN,
                        c::entries, CollectorFigures::labels, e -> e.status().lagMillis() / 1000.0)
                .gauges("numeter.drain.up", "1 when the last drain of the upstream succeeded, else 0", DRAIN,
                        c::entries, CollectorFigures::labels, e -> e.failing() ? 0 : 1)
                .counters("numeter.collector.poller.rejected", "Batches of this poller refused (any reason)",
                        List.of("poller"), c::entries, e -> List.of(e.address().host()), e -> e.status().rejected())
                .gauges("numeter.collector.poller.silent", "1 while nothing came from the poller for collector.silent-after"
                        + " intervals, else 0", List.of("poller"), c::entries, e -> List.of(e.address().host()),
                        e -> e.silent() ? 1 : 0)
                .gauges("numeter.collector.poller.dropped",
                        "Records the poller's own spool dropped for being full (-1 until known)", List.of("poller"),
                        c::entries, e -> List.of(e.address().host()), e -> e.status().pollerDropped());
    }

    private static List<String> labels(PollerEntry e) {
        return List.of("collector", e.address().host());
    }
}
