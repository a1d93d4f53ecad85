package org.numeter.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.numeter.component.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The components a command started, closed in reverse order on shutdown (Ctrl-C, SIGTERM) or when a start fails
 * half-way, so that no port or file stays open.
 */
final class Running implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Running.class);
    private final List<AutoCloseable> started = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Starts a component and remembers it for shutdown. */
    <C extends Component> C start(C component) throws Exception {
        component.start();
        started.add(component);
        return component;
    }

    /** Remembers something already open (a spool, a store) for shutdown. */
    <C extends AutoCloseable> C own(C resource) {
        started.add(resource);
        return resource;
    }

    /** Blocks until the JVM is asked to stop, then closes everything. */
    void awaitShutdown() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, "numeter-shutdown"));
        stopped.await();
    }

    @Override
    public synchronized void close() {
        List<AutoCloseable> reversed = new ArrayList<>(started);
        Collections.reverse(reversed);
        started.clear();
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
