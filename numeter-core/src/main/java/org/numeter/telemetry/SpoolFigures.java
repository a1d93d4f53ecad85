package org.numeter.telemetry;

import java.time.Clock;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolStats;

/**
 * A spool's figures as meters, labelled {@code spool=<whose>}: what waits ({@code numeter_spool_records},
 * {@code _bytes}, {@code _oldest_age_seconds}) and what was appended, dropped and cut as corrupt ({@code _total}).
 * The spool is asked once per scrape; a spool that does not answer (Redis down) shows no gauges for that scrape
 * and keeps its counters' last values.
 */
public final class SpoolFigures {
    private final Spool spool;
    private final Clock clock;
    private volatile SpoolStats last = new SpoolStats(0, 0, 0, 0, 0, 0);
    private volatile boolean answered;
    private volatile long askedAt = -1;

    private SpoolFigures(Spool spool, Clock clock) {
        this.spool = spool;
        this.clock = clock;
    }

    /** Binds the spool's figures into {@code meters}, labelled {@code spool=<whose>} (poller, collector). */
    public static void bind(Meters meters, String whose, Spool spool, Clock clock) {
        SpoolFigures f = new SpoolFigures(spool, clock);
        meters.gauge("numeter.spool.records", "Records appended and not yet acknowledged by the next hop",
                        () -> f.gauge(f.stats().records()), "spool", whose)
                .gauge("numeter.spool.bytes", "Bytes the unacknowledged records take",
                        () -> f.gauge(f.stats().bytes()), "spool", whose)
                .gauge("numeter.spool.oldest.age.seconds", "Age of the oldest unacknowledged record",
                        () -> f.gauge(f.stats().oldestAgeMillis(clock.millis()) / 1000.0), "spool", whose)
                .counter("numeter.spool.appended", "Records appended since the spool was created (its last sequence)",
                        () -> f.stats().lastSequence(), "spool", whose)
                .counter("numeter.spool.dropped", "Records dropped unacknowledged because the spool was full: lost",
                        () -> f.stats().dropped(), "spool", whose)
                .counter("numeter.spool.corrupt", "Records found torn or corrupt and cut off when the spool opened",
                        () -> f.stats().corrupt(), "spool", whose);
    }

    /** The spool's stats, asked at most once per 250 ms (one scrape reads six figures). */
    private SpoolStats stats() {
        long now = clock.millis();
        if (askedAt < 0 || now - askedAt >= 250 || now < askedAt) {
            askedAt = now;
            try {
                last = spool.stats();
                answered = true;
            } catch (RuntimeException e) {
                answered = false;
            }
        }
        return last;
    }

    private double gauge(double value) {
        return answered ? value : Double.NaN;
    }
}
