package org.numeter.spool;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * A durable, ordered log of records with a sequence number each: the one mechanism behind "no data lost when
 * the network fails". Nothing leaves a spool until the next hop has acknowledged it; when a bounded spool is
 * full, the oldest records are dropped and counted in {@link SpoolStats#dropped()}, never silently.
 *
 * <p>Implementations are safe for concurrent use by appenders and one reader.
 */
public interface Spool extends SpoolReader, Closeable {

    /** Appends one record and returns its sequence. When this returns, the record is as durable as promised. */
    long append(byte[] payload) throws IOException;

    /**
     * Appends records in order, with one durability barrier for all of them; returns the sequence of the last,
     * or the last sequence so far when {@code payloads} is empty.
     */
    long appendAll(List<byte[]> payloads) throws IOException;

    /**
     * Appends records in order like {@link #appendAll}, but may return before they are as durable as promised:
     * {@link #awaitDurable} waits for that. For a caller that need not vouch for the records at once (the collector,
     * whose acknowledgement to a poller waits for its next read), so that many appends share one barrier. By
     * default the same as {@code appendAll}.
     */
    default long appendAllDeferred(List<byte[]> payloads) throws IOException {
        return appendAll(payloads);
    }

    /**
     * Returns once every record up to {@code sequence} is as durable as {@link #appendAll} would have made it, at
     * once when it already is. By default there is nothing to wait for ({@code appendAllDeferred} did not defer).
     */
    default void awaitDurable(long sequence) throws IOException {}

    /** Counts and ages, cheap enough to call on every status request. */
    SpoolStats stats();

    @Override
    void close() throws IOException;
}
