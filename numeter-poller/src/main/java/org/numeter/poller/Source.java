package org.numeter.poller;

import java.util.List;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/**
 * Where samples come from: this host's /proc, a munin-node, plugin executables, a Prometheus endpoint. A source is
 * one small interface so that a new one is one class; the {@link Poller} owns the schedule, the timeout, the
 * metadata de-duplication and the spool, so a source only reads and describes.
 *
 * <p>Every batch carries its plugin's metadata in {@code meta}; the poller drops it when it has not changed. A
 * source that holds a client or a connection may also implement {@link AutoCloseable}: the poller closes it when
 * it closes.
 */
public interface Source {

    /** A short name for counters and messages, e.g. {@code system} or {@code munin 127.0.0.1:4949}. */
    String name();

    /**
     * Reads once. Problems with single plugins or lines are reported to {@code cycle.problems()} and the rest is
     * returned; an exception means nothing at all could be read this time.
     */
    List<SampleBatch> collect(Cycle cycle) throws Exception;
}
