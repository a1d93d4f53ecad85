package org.numeter.link;

import java.io.IOException;
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
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();

    public Drain(String name, SpoolReader upstream, RecordSink sink, int pageSize) {
        if (pageSize <= 0) {
            throw new IllegalArgumentException("page size " + pageSize + " must be positive");
        }
        this.name = name;
        this.upstream = upstream;
        this.sink = sink;
        this.pageSize = pageSize;
    }

    /** Drains until the upstream has nothing more; returns how many records moved. */
    public long drainOnce() throws IOException {
        long moved = 0;
        while (true) {
            List<SpoolRecord> page = upstream.read(0, pageSize);
            if (page.isEmpty()) {
                return moved;
            }
            sink.accept(page);
            upstream.ack(page.get(page.size() - 1).sequence());
            moved += page.size();
            records.addAndGet(page.size());
            pages.incrementAndGet();
            if (page.size() < pageSize) {
                return moved;
            }
        }
    }

    public long recordsMoved() {
        return records.get();
    }

    public long pagesMoved() {
        return pages.get();
    }

    @Override
    public String toString() {
        return "Drain{" + name + "}";
    }
}
