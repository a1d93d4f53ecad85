package org.numeter.spool;

import java.io.IOException;
import java.util.List;

/**
 * The upstream side of a hop: what a downstream reads from and acknowledges to. A local {@link Spool} is one; the
 * pull link's HTTP client is another, so that every hop drains the same way.
 */
public interface SpoolReader {

    /**
     * Returns up to {@code max} records with a sequence of at least {@code from}, oldest first, skipping those
     * already acknowledged. An empty list means there is nothing more now.
     */
    List<SpoolRecord> read(long from, int max) throws IOException;

    /** Acknowledges every record up to and including {@code upTo}: they may be deleted. Acking again is harmless. */
    void ack(long upTo) throws IOException;
}
