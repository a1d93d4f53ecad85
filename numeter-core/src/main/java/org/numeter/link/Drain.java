package org.numeter.link;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;

/**
 * Moves everything an upstream holds into a sink, page by page: read, hand to the sink, then acknowledge. A crash
 * between the sink and the acknowledgement replays the page next time (at-least-once); the store drops what it
 * already has, so each point is stored once.
 */
public final class Drain {
    private final String name;
    private final SpoolReader upstream;
    private final RecordSink sink;
    private final int pageSize;
    private final Clock clock;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lagMillis;
    private volatile boolean failing;

    public Drain(String name, SpoolReader upstream, RecordSink sink, int pageSize) {
        this(name, upstream, sink, pageSize, Clock.systemUTC());
    }

    /** @param clock what the lag is measured against (records carry the upstream's append time) */
    public Drain(String name, SpoolReader upstream, RecordSink sink, int pageSize, Clock clock) {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("page size " + pageSize + " must be positive");
        }
        this.name = name;
        this.upstream = upstream;
        this.sink = sink;
        this.pageSize = pageSize;
        this.clock = clock;
    }

    /** Drains until the upstream has nothing more; returns how many records moved. */
    public long drainOnce() throws IOException {
        try {
            long moved = 0;
            long oldest = 0;
            while (true) {
                List<SpoolRecord> page = upstream.read(0, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                if (oldest == 0) {
                    oldest = page.get(0).appendedAtMillis();
                }
                sink.accept(page);
                upstream.ack(page.get(page.size() - 1).sequence());
                moved += page.size();
                records.addAndGet(page.size());
                pages.incrementAndGet();
                if (page.size() < pageSize) {
                    break;
                }
            }
            lagMillis = oldest == 0 ? 0 : Math.max(0, clock.millis() - oldest);
            failing = false;
            return moved;
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            failing = true;
            throw e;
        }
    }

    public long recordsMoved() {
        return records.get();
    }

    public long pagesMoved() {
        return pages.get();
    }

    /** Drains that failed (the upstream did not answer, the sink refused): their page comes again. */
    public long failures() {
        return failures.get();
    }

    /** Whether the last drain failed. */
    public boolean failing() {
        return failing;
    }

    /**
     * How far behind the last drain was: the age of the oldest record it moved, when it moved it (0 when there was
     * nothing to move). Measured against this side's clock, so a clock off between the machines shows here too.
     */
    public long lagMillis() {
        return lagMillis;
    }

    @Override
    public String toString() {
        return "Drain{" + name + "}";
    }
}
