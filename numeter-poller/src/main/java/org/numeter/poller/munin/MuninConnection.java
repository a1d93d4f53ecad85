package org.numeter.poller.munin;

import java.io.Closeable;
import java.io.IOException;

/** One conversation with a munin-node, line by line. The seam tests replay captured transcripts through. */
public interface MuninConnection extends Closeable {

    /**
     * The next line without its end, or null when the node closed the connection.
     *
     * @throws java.net.SocketTimeoutException when the deadline set last passed before the line arrived
     */
    String readLine() throws IOException;

    void writeLine(String line) throws IOException;

    /** Bounds the reads that follow: none returns after {@code nanoTime}, a {@link System#nanoTime()}. */
    default void deadline(long nanoTime) {}

    /** Opens connections to one node. */
    @FunctionalInterface
    interface Connector {
        /** Connects, giving up at {@code deadline} (a {@link System#nanoTime()}). */
        MuninConnection open(long deadline) throws IOException;
    }
}
