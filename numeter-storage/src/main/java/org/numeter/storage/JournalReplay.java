package org.numeter.storage;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress of a start's replay of the journal (see {@link RrdStore}): written by the thread that replays, read by
 * the status at any time. Before a start has looked at its journal, and when it had none, the state is {@code none}.
 */
final class JournalReplay {
    private volatile RrdStore.ReplayState state = RrdStore.ReplayState.NONE;
    private volatile int segments;
    private volatile long totalBytes;
    /** Bytes of the segments read whole, and of the current one up to its last record read. */
    private volatile long doneBytes;
    private volatile long segmentBytes;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong torn = new AtomicLong();
    private volatile Instant started;
    private volatile Instant ended;
    private volatile String problem;

    void begin(int segments, long totalBytes) {
        this.segments = segments;
        this.totalBytes = totalBytes;
        this.started = Instant.now();
        this.state = RrdStore.ReplayState.REPLAYING;
    }

    /** A record read, ending at {@code end} of the segment being read. */
    void record(int end) {
        records.incrementAndGet();
        segmentBytes = end;
    }

    /** A segment read whole, {@code size} bytes. */
    void segment(long size, Journal.Read read) {
        doneBytes += size;
        segmentBytes = 0;
        corrupt.addAndGet(read.corrupt());
        torn.addAndGet(read.torn());
    }

    void problem(String problem) {
        if (this.problem == null) {
            this.problem = problem;
        }
    }

    void end() {
        if (state == RrdStore.ReplayState.REPLAYING) {
            ended = Instant.now();
            state = RrdStore.ReplayState.DONE;
        }
    }

    RrdStore.Replay snapshot() {
        RrdStore.ReplayState s = state;
        return new RrdStore.Replay(s, segments, records.get(), Math.min(totalBytes, doneBytes + segmentBytes),
                totalBytes, corrupt.get(), torn.get(), started, s == RrdStore.ReplayState.DONE ? ended : null,
                problem);
    }
}
