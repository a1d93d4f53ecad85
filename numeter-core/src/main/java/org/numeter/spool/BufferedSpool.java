package org.numeter.spool;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spool on a server that may be away (Redis), with a bounded buffer in memory for while it is: an append the
 * server refuses is kept in the buffer, and the buffer is appended first, in order, at the next append the server
 * takes. Past {@code maxBytes} the buffer drops its oldest records and counts them in {@link SpoolStats#dropped()};
 * nothing is lost silently. Readers read the server: buffered records reach them once flushed.
 *
 * <p>The outage, the first drop and the flush are logged once each.
 */
public final class BufferedSpool implements Spool {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedSpool.class);

    private final Spool server;
    private final long maxBytes;
    private final Clock clock;
    private final ArrayDeque<Held> buffer = new ArrayDeque<>();
    private long bytes;
    private long dropped;
    private long buffered;
    private String outage;

    private record Held(byte[] payload, long appendedAtMillis) {}

    /**
     * @param server the spool appends go to while it takes them
     * @param maxBytes bound of the buffer, in payload bytes
     */
    public BufferedSpool(Spool server, long maxBytes, Clock clock) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("buffer of " + server + ": maxBytes " + maxBytes + " must be positive");
        }
        this.server = Objects.requireNonNull(server, "server");
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @Override
    public long append(byte[] payload) throws IOException {
        return appendAll(List.of(payload));
    }

    @Override
    public synchronized long appendAll(List<byte[]> payloads) throws IOException {
        List<byte[]> all = new ArrayList<>(buffer.size() + payloads.size());
        buffer.forEach(h -> all.add(h.payload()));
        all.addAll(payloads);
        try {
            long last = server.appendAll(all);
            if (!buffer.isEmpty()) {
                LOG.warn("spool {} is back: {} record(s) kept in memory during its outage appended, {} dropped",
                        server, buffer.size(), dropped);
            }
            buffer.clear();
            bytes = 0;
            outage = null;
            return last;
        } catch (IOException | RuntimeException e) {
            if (outage == null) {
                LOG.warn("spool {} refuses appends ({}): keeping them in memory, at most {} bytes, until it is back",
                        server, e.getMessage(), maxBytes);
            }
            outage = e.getMessage();
            long now = clock.millis();
            for (byte[] p : payloads) {
                buffer.addLast(new Held(p.clone(), now));
                bytes += p.length;
                buffered++;
            }
            while (bytes > maxBytes && buffer.size() > 1) {
                bytes -= buffer.removeFirst().payload().length;
                if (dropped++ == 0) {
                    LOG.warn("spool {}: its buffer of {} bytes is full, the oldest records are dropped and counted",
                            server, maxBytes);
                }
            }
            return 0;
        }
    }

    @Override
    public List<SpoolRecord> read(long from, int max) throws IOException {
        return server.read(from, max);
    }

    @Override
    public void ack(long upTo) throws IOException {
        server.ack(upTo);
    }

    /**
     * The server's figures with the buffer's records and drops added; while the server does not answer, the
     * buffer's alone.
     */
    @Override
    public synchronized SpoolStats stats() {
        long oldest = buffer.isEmpty() ? 0 : buffer.peekFirst().appendedAtMillis();
        try {
            SpoolStats s = server.stats();
            return new SpoolStats(s.records() + buffer.size(), s.bytes() + bytes,
                    s.oldestAppendedAtMillis() == 0 ? oldest : s.oldestAppendedAtMillis(), s.lastSequence(),
                    s.dropped() + dropped, s.corrupt());
        } catch (RuntimeException e) {
            if (buffer.isEmpty() && outage == null) {
                throw e;
            }
            return new SpoolStats(buffer.size(), bytes, oldest, 0, dropped, 0);
        }
    }

    /** Records waiting in memory for the server. */
    public synchronized int buffered() {
        return buffer.size();
    }

    /** Records ever kept in memory because the server refused them. */
    public synchronized long everBuffered() {
        return buffered;
    }

    /** Records the full buffer dropped. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Why the server refused the last append, or null while it takes them. */
    public synchronized String outage() {
        return outage;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (!buffer.isEmpty()) {
                LOG.warn("spool {}: {} record(s) kept in memory during its outage are lost at close", server,
                        buffer.size());
            }
        }
        server.close();
    }

    @Override
    public String toString() {
        return server + " (buffered in memory while away)";
    }
}
