package org.numeter.component;

import java.io.Closeable;

/**
 * The shape every role and link shares: built with no I/O, then {@link #start()}, {@link #check()} while it
 * runs, and {@link #close()}. {@code toString()} never prints credentials.
 */
public interface Component extends Closeable {

    /** Opens files, ports and connections; fails fast with a message naming what could not be opened. */
    void start() throws Exception;

    /** Whether it works now, cheaply: a status endpoint calls this on every request. */
    CheckResult check();
}
