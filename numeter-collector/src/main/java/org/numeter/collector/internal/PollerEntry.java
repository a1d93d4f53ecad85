package org.numeter.collector.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.numeter.collector.PollerAddress;
import org.numeter.collector.PollerStatus;
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
    private SpoolReader reader;
    private long lastAttempt;
    private long lastSuccess;
    private long lagMillis;
    private long consecutiveErrors;
    private String lastError;
    private long records;
    private long rejected;

    public PollerEntry(PollerAddress address, String source, Function<PollerAddress, SpoolReader> readers) {
        this.address = address;
        this.source = source;
        this.readers = readers;
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

    public synchronized SpoolReader reader() {
        if (reader == null) {
            reader = readers.apply(address);
        }
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
    }

    /** Records that a drain failed; returns the failures in a row, this one included. */
    public synchronized long failed(String error, long moved, long refused) {
        consecutiveErrors++;
        lastError = error;
        records += moved;
        rejected += refused;
        return consecutiveErrors;
    }

    public synchronized boolean failing() {
        return consecutiveErrors > 0;
    }

    public synchronized PollerStatus status() {
        long dropped = reader instanceof Spool s ? s.stats().dropped() : -1;
        return new PollerStatus(address.host(), address.safeUrl(), source, lastAttempt, lastSuccess,
                lagMillis, consecutiveErrors, lastError, records, rejected, dropped);
    }

    /** Closes the reader when it holds resources (an HTTP client). */
    public synchronized void close() throws Exception {
        if (reader instanceof AutoCloseable c && !(reader instanceof Spool)) {
            c.close();
        }
        reader = null;
    }
}
