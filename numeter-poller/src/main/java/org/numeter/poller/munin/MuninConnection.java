package org.numeter.poller.munin;

import java.io.Closeable;
import java.io.IOException;

/** One conversation with a munin-node, line by line. The seam tests replay captured transcripts through. */
public interface MuninConnection extends Closeable {

    /** The next line without its end, or null when the node closed the connection. */
    String readLine() throws IOException;

    void writeLine(String line) throws IOException;

    /** Opens connections to one node. */
    @FunctionalInterface
    interface Connector {
        MuninConnection open() throws IOException;
    }
}
