package org.numeter.telemetry;

import java.time.Clock;
import java.util.function.Supplier;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolStats;

/**
 * A spool's figures as meters, labelled {@code spool=<whose>}: what waits ({@code numeter_spool_records},
 * {@code _bytes}, {@code _oldest_age_seconds}) and what was appended, dropped and cut as corrupt ({@code _total}).
 * The spool is asked once per scrape; a spool that does not answer (Redis down) shows its gauges as NaN for that
 * scrape and keeps its counters' last values.
 */
public final class SpoolFigures {
    /** The stats of one scrape, or null when the spool did not answer. */
    private record Answer(SpoolStats stats) {}

    private SpoolFigures() {}

    /** Binds the spool's figures into {@code meters}, labelled {@code spool=<whose>} (poller, collector). */
    public static void bind(Meters meters, String whose, Spool spool, Clock clock) {
        SpoolStats[] last = {new SpoolStats(0, 0, 0, 0, 0, 0)};
        Supplier<Answer> now = meters.oncePerScrape(() -> {
            try {
                SpoolStats s = spool.stats();
                last[0] = s;
                return new Answer(s);
            } catch (RuntimeException e) {
                return new Answer(null);
            }
        });
        meters.gauge("numeter.spool.records", "Records appended and not yet acknowledged by the next hop",
                        () -> gauge(now.get(), s -> s.records()), "spool", whose)
                .gauge("numeter.spool.bytes", "Bytes the unacknowledged records take",
                        () -> gauge(now.get(), s -> s.bytes()), "spool", whose)
                .gauge("numeter.spool.oldest.age.seconds", "Age of the oldest unacknowledged record",
                        () -> gauge(now.get(), s -> s.oldestAgeMillis(clock.millis()) / 1000.0), "spool", whose)
                .counter("numeter.spool.appended", "Records appended since the spool was created (its last sequence)",
                        () -> counter(now.get(), last).lastSequence(), "spool", whose)
                .counter("numeter.spool.dropped", "Records dropped unacknowledged because the spool was full: lost",
                        () -> counter(now.get(), last).dropped(), "spool", whose)
                .counter("numeter.spool.corrupt", "Records found torn or corrupt and cut off when the spool opened",
                        () -> counter(now.get(), last).corrupt(), "spool", whose);
    }

    private static double gauge(Answer a, java.util.function.ToDoubleFunction<SpoolStats> f) {
        return a.stats() == null ? Double.NaN : f.applyAsDouble(a.stats());
    }

    private static SpoolStats counter(Answer a, SpoolStats[] last) {
        return a.stats() != null ? a.stats() : last[0];
    }
}
