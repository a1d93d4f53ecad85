package org.numeter.collector.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.numeter.time.TimeFaults;
import org.numeter.time.TimePolicy;

/** Records refused by a collector, by reason, since it started. */
public final class Rejections {
    final AtomicLong oversized = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong foreignHost = new AtomicLong();
    final TimeFaults time;

    /** @param time the clock and skew beyond which a batch is refused as future */
    public Rejections(TimePolicy time) {
        this.time = new TimeFaults("collector", time);
    }

    /**
     * Counts records the reader itself skipped: the pull link decodes before handing on (malformed), and may have
     * been given a validator that checks the host (foreign).
     */
    public void addSkippedByReader(long malformedCount, long foreignCount) {
        malformed.addAndGet(malformedCount);
        foreignHost.addAndGet(foreignCount);
    }

    public long oversized() {
        return oversized.get();
    }

    public long malformed() {
        return malformed.get();
    }

    public long foreignHost() {
        return foreignHost.get();
    }

    /** Batches refused as too far ahead of the collector's clock. */
    public long future() {
        return time.future();
    }

    /** The same, per host. */
    public TimeFaults timeFaults() {
        return time;
    }

    public long total() {
        return oversized() + malformed() + foreignHost() + future();
    }
}
