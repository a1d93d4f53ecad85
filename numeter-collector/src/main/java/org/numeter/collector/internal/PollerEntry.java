package org.numeter.collector.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.numeter.collector.PollerAddress;
import org.numeter.collector.PollerStatus;
import org.numeter.link.HttpSpoolReader;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolReader;

/**
 * One poller a collector drains: its address, the reader made for it (once), and what the last drains did.
 * A drain runs on one thread at a time ({@link #tryBegin()}); the status may be read from any.
 */
public final class PollerEntry {
    private final PollerAddress address;
    private final String source;
    private final Function<PollerAddress, SpoolReader> readers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final long since;
    private SpoolReader reader;
    private long lastRecord;
    /** The gaps between the last drains that brought records, a ring: how often this poller's records arrive. */
    private final long[] arrivalGaps = new long[9];
    private int arrivalGapCount;
    private int arrivalGapNext;
    private boolean silent;
    private long silentAfterMillis;
    private long lastAttempt;
    private long lastSuccess;
    private long lagMillis;
    private long consecutiveErrors;
    private String lastError;
    private long records;
    private long pages;
    private long failures;
    private long rejected;
    private long pollerDropped = -1;
    private long readerMalformedSeen;
    private long readerRefusedSeen;
    // Written by the poller's one drain at a time, read by its reader's barrier (that drain, or the close).
    private volatile boolean durableBeforeAck;
    private volatile long spooledUpTo = -1;

    /** @param since when the collector started to drain it (epoch ms): silence is counted from then */
    public PollerEntry(PollerAddress address, String source, Function<PollerAddress, SpoolReader> readers,
            long since) {
        this.address = address;
        this.source = source;
        this.readers = readers;
        this.since = since;
    }

    public PollerAddress address() {
        return address;
    }

    public String source() {
        return source;
    }

    /** Claims the poller for one drain; false when a drain of it is still running. */
    public boolean tryBegin() {
        return busy.compareAndSet(false, true);
    }

    public void end() {
        busy.set(false);
    }

    /** The reader the factory makes for this poller, made once; a factory answering null gets {@code fallback}'s. */
    public synchronized SpoolReader reader(Function<PollerAddress, SpoolReader> fallback) {
        if (reader == null) {
            SpoolReader made = readers.apply(address);
            reader = made != null ? made : fallback.apply(address);
        }
        return reader;
    }

    /**
     * Marks this poller's reader as one that makes the collector's spool durable before each acknowledgement leaves
     * ({@code HttpSpoolReader.Builder.beforeAck}), so that its pages may be spooled without a barrier of their own.
     */
    public void durableBeforeAck() {
        durableBeforeAck = true;
    }

    public boolean isDurableBeforeAck() {
        return durableBeforeAck;
    }

    /** Notes the collector spool's sequence of the last record spooled from this poller. */
    public void spooled(long sequence) {
        spooledUpTo = Math.max(spooledUpTo, sequence);
    }

    /** The collector spool's sequence of the last record spooled from this poller; -1 before any. */
    public long spooledUpTo() {
        return spooledUpTo;
    }

    /** The reader made for this poller, or null when none was made yet. */
    public synchronized SpoolReader readerMade() {
        return reader;
    }

    public synchronized void attempted(long now) {
        lastAttempt = now;
    }

    public synchronized void succeeded(long now, long moved, long refused, long lag) {
        lastSuccess = now;
        lagMillis = lag;
        consecutiveErrors = 0;
        lastError = null;
        records += moved;
        rejected += refused;
        if (moved > 0) {
            arrived(now);
        }
    }

    private void arrived(long now) {
        if (lastRecord > 0 && now > lastRecord) {
            arrivalGaps[arrivalGapNext] = now - lastRecord;
            arrivalGapNext = (arrivalGapNext + 1) % arrivalGaps.length;
            arrivalGapCount = Math.min(arrivalGapCount + 1, arrivalGaps.length);
        }
        lastRecord = now;
    }

    /**
     * How long this poller's records may take to arrive, as seen: the longest gap between the last drains that
     * brought some, but one (so that one outage's gap does not count), and no less than {@code assumed} before three
     * gaps are known. The longest, not a typical gap: sources that finish at different moments of a cycle arrive in
     * different drains, a short gap and a long one in turn.
     */
    public synchronized long cadenceMillis(long assumed) {
        long[] sorted = Arrays.copyOf(arrivalGaps, arrivalGapCount);
        Arrays.sort(sorted);
        if (arrivalGapCount < 3) {
            return Math.max(assumed, arrivalGapCount == 0 ? 0 : sorted[arrivalGapCount - 1]);
        }
        return sorted[arrivalGapCount - 2];
    }

    /** Records that a drain failed; returns the failures in a row, this one included. */
    public synchronized long failed(long now, String error, long moved, long refused) {
        consecutiveErrors++;
        failures++;
        lastError = error;
        records += moved;
        rejected += refused;
        if (moved > 0) {
            arrived(now);
        }
        return consecutiveErrors;
    }

    /** Adds the pages a drain moved. */
    public synchronized void pages(long moved) {
        pages += moved;
    }

    /** Pages moved since this poller was added. */
    public synchronized long pages() {
        return pages;
    }

    /** Drains that failed since this poller was added. */
    public synchronized long failures() {
        return failures;
    }

    /**
     * Whether no record came from this poller for {@code afterMillis} (counted from when the collector started to
     * drain it), and whether that changed since the last call: {@code TRUE} when it just fell silent,
     * {@code FALSE} when it just spoke again, null when nothing changed.
     */
    public synchronized Boolean updateSilence(long now, long afterMillis) {
        boolean was = silent;
        silentAfterMillis = afterMillis;
        silent = now - Math.max(lastRecord, since) >= afterMillis;
        return was == silent ? null : silent;
    }

    public synchronized boolean silent() {
        return silent;
    }

    /** When the last record came, or when the collector started to drain it if none came since. */
    public synchronized long lastHeard() {
        return Math.max(lastRecord, since);
    }

    public synchronized boolean failing() {
        return consecutiveErrors > 0;
    }

    /**
     * Records the reader skipped since the last call, counted in {@code into}; returns how many. The pull link
     * decodes every record before the collector sees it (malformed ones never reach the host check), and a
     * launcher may give it a validator that checks the host (refused ones count as foreign).
     */
    public synchronized long skippedByReader(Rejections into) {
        if (!(reader instanceof HttpSpoolReader h)) {
            return 0;
        }
        long malformed = h.rejected() - readerMalformedSeen;
        long refused = h.refused() - readerRefusedSeen;
        readerMalformedSeen = h.rejected();
        readerRefusedSeen = h.refused();
        into.addSkippedByReader(malformed, refused);
        return malformed + refused;
    }

    /**
     * Learns how much the poller's spool dropped for being full: from the last page when the poller said it there
     * (version 2 of the pull link), else by asking (one more request, once per drain); a failure keeps the last
     * figure.
     */
    public void refreshPollerStats() {
        SpoolReader r;
        synchronized (this) {
            r = reader;
        }
        long dropped;
        try {
            if (r instanceof HttpSpoolReader h) {
                dropped = h.upstreamDropped() >= 0 ? h.upstreamDropped() : h.stats().dropped();
            } else if (r instanceof Spool s) {
                dropped = s.stats().dropped();
            } else {
                return;
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        synchronized (this) {
            pollerDropped = dropped;
        }
    }

    public synchronized PollerStatus status() {
        return new PollerStatus(address.host(), address.safeUrl(), source, lastAttempt, lastSuccess,
                lagMillis, consecutiveErrors, lastError, records, rejected, pollerDropped, lastRecord, silent,
                silentAfterMillis);
    }

    /** Closes the reader when it holds resources (an HTTP client). */
    public synchronized void close() throws Exception {
        if (reader instanceof AutoCloseable c && !(reader instanceof Spool)) {
            c.close();
        }
        reader = null;
    }
}
