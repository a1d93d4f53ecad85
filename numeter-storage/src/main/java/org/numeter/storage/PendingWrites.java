package org.numeter.storage;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The files whose updates wait in memory to be written (write-behind, {@link RrdState#flush}), oldest first, and
 * the memory they hold; and the three bounds that say when a file is flushed: its pending row values
 * ({@code maxRows}), the age of its oldest pending update ({@code maxAge}), the memory of them all
 * ({@code maxBytes}: the oldest files are flushed first). A read of a file and the store's close flush it too.
 *
 * <p>A file is queued when it becomes dirty, with the number of that time ({@code seq}); a flush changes the number,
 * so that a queued record of a file flushed since is known as stale and skipped. Thread-safe.
 *
 * @param <T> a file
 */
final class PendingWrites<T> {
    /** A file queued at {@code since} ({@link System#nanoTime}), current while its number is still {@code seq}. */
    record Dirty<T>(T file, long seq, long since) {}

    private final ConcurrentLinkedQueue<Dirty<T>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxAgeNanos;
    private final long maxBytes;
    private final int maxRows;

    PendingWrites(Duration maxAge, long maxBytes, int maxRows) {
        this.maxAgeNanos = maxAge.toNanos();
        this.maxBytes = maxBytes;
        this.maxRows = maxRows;
    }

    /** Whether updates wait at all: a zero age writes every update before its write returns. */
    boolean enabled() {
        return maxAgeNanos > 0;
    }

    /** A file has become dirty. */
    void dirtied(T file, long seq, long since) {
        queue.add(new Dirty<>(file, seq, since));
    }

    /** The memory held by pending updates changed by {@code delta} bytes. */
    void add(long delta) {
        bytes.addAndGet(delta);
    }

    long bytes() {
        return bytes.get();
    }

    /** Files queued, stale records included. */
    int queued() {
        return queue.size();
    }

    /** Whether a file holding {@code rows} pending row values is flushed now. */
    boolean full(int rows) {
        return rows >= maxRows;
    }

    boolean overMemory() {
        return bytes.get() > maxBytes;
    }

    /** When the oldest queued file that {@code current} accepts (not flushed since) was queued, or -1 for none. */
    long oldestSince(java.util.function.Predicate<Dirty<T>> current) {
        for (Dirty<T> d : queue) {
            if (current.test(d)) {
                return d.since();
            }
        }
        return -1;
    }

    /**
     * The oldest queued file when it must be flushed now (pending memory over its bound, or queued for longer than
     * the age bound at {@code now}), taken off the queue; null when none must.
     */
    Dirty<T> due(long now) {
        Dirty<T> d = queue.peek();
        if (d == null || (!overMemory() && now - d.since() < maxAgeNanos)) {
            return null;
        }
        return queue.poll();
    }
}
