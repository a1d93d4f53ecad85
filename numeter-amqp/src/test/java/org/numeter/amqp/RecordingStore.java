package org.numeter.amqp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.HostSummary;
import org.numeter.store.InMemoryStore;
import org.numeter.store.PluginSummary;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.numeter.store.WriteResult;

/** An in-memory store that keeps what it was asked to store, and can be told to fail its writes. */
final class RecordingStore implements Store {
    private final InMemoryStore delegate = new InMemoryStore();
    private final List<SampleBatch> stored = new ArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicLong failedWrites = new AtomicLong();
    final AtomicLong heldWrites = new AtomicLong();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Makes writes wait until {@link #release()}, as a slow disk would. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    @Override
    public WriteResult write(List<SampleBatch> batches) throws IOException {
        CountDownLatch g = gate;
        if (g.getCount() > 0) {
            heldWrites.incrementAndGet();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while held");
            }
        }
        return writeNow(batches);
    }

    private synchronized WriteResult writeNow(List<SampleBatch> batches) throws IOException {
        if (failing.get()) {
            failedWrites.incrementAndGet();
            throw new IOException("disk full (test)");
        }
        WriteResult r = delegate.write(batches);
        stored.addAll(batches);
        return r;
    }

    /** Every batch handed to a successful write, duplicates included. */
    synchronized List<SampleBatch> written() {
        return List.copyOf(stored);
    }

    @Override
    public List<HostSummary> hosts() {
        return delegate.hosts();
    }

    @Override
    public List<PluginSummary> plugins(String host) {
        return delegate.plugins(host);
    }

    @Override
    public Optional<Plugin> plugin(String host, String plugin) {
        return delegate.plugin(host, plugin);
    }

    @Override
    public Series fetch(SeriesQuery query) {
        return delegate.fetch(query);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
