package org.numeter.spool;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A spool in memory, for tests and for the in-process hops of {@code numeter standalone}. It keeps the same
 * promises as the file spool except surviving a restart, and bounds itself the same way: past {@code maxBytes}
 * the oldest records are dropped and counted.
 */
public final class MemorySpool implements Spool {
    private final ArrayDeque<SpoolRecord> records = new ArrayDeque<>();
    private final long maxBytes;
    private final Clock clock;
    private long bytes;
    private long lastSequence;
    private long dropped;
    private boolean closed;

    public MemorySpool() {
        this(Long.MAX_VALUE, Clock.systemUTC());
    }

    public MemorySpool(long maxBytes, Clock clock) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " must be positive");
        }
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @Override
    public synchronized long append(byte[] payload) {
        ensureOpen();
        SpoolRecord r = new SpoolRecord(++lastSequence, clock.millis(), payload.clone());
        records.addLast(r);
        bytes += payload.length;
        while (bytes > maxBytes && records.size() > 1) {
            SpoolRecord oldest = records.removeFirst();
            bytes -= oldest.payload().length;
            dropped++;
        }
        return lastSequence;
    }

    @Override
    public synchronized long appendAll(List<byte[]> payloads) {
        long last = lastSequence;
        for (byte[] p : payloads) {
            last = append(p);
        }
        return last;
    }

    @Override
    public synchronized List<SpoolRecord> read(long from, int max) {
        ensureOpen();
        if (max <= 0) {
            throw new IllegalArgumentException("max " + max + " must be positive");
        }
        List<SpoolRecord> out = new ArrayList<>(Math.min(max, records.size()));
        for (SpoolRecord r : records) {
            if (out.size() == max) {
                break;
            }
            if (r.sequence() >= from) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public synchronized void ack(long upTo) {
        ensureOpen();
        while (!records.isEmpty() && records.peekFirst().sequence() <= upTo) {
            bytes -= records.removeFirst().payload().length;
        }
    }

    @Override
    public synchronized SpoolStats stats() {
        SpoolRecord oldest = records.peekFirst();
        return new SpoolStats(records.size(), bytes, oldest == null ? 0 : oldest.appendedAtMillis(), lastSequence,
                dropped, 0);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("spool is closed");
        }
    }

    @Override
    public String toString() {
        return "MemorySpool{maxBytes=" + maxBytes + "}";
    }
}
