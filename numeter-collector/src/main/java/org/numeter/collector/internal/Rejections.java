package org.numeter.collector.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Records refused by a collector, by reason, since it started. */
public final class Rejections {
    final AtomicLong oversized = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong foreignHost = new AtomicLong();

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

    public long total() {
        return oversized() + malformed() + foreignHost();
    }
}
