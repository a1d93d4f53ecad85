package org.numeter.alert;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.HostSummary;
import org.numeter.store.PluginSummary;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.numeter.store.WriteListener;
import org.numeter.store.WriteResult;

/**
 * A store that tells a listener of every write once the store has it: for writers that hold a {@link Store} rather
 * than the storage's sink (the AMQP consumer), so that their points are judged too. Closing it closes nothing: the
 * store is its owner's.
 */
public final class ListeningStore implements Store {
    private final Store store;
    private final WriteListener listener;

    public ListeningStore(Store store, WriteListener listener) {
        this.store = store;
        this.listener = listener;
    }

    @Override
    public WriteResult write(List<SampleBatch> batches) throws IOException {
        WriteResult r = store.write(batches);
        listener.written(batches);
        return r;
    }

    @Override
    public List<HostSummary> hosts() throws IOException {
        return store.hosts();
    }

    @Override
    public Optional<HostSummary> host(String host) throws IOException {
        return store.host(host);
    }

    @Override
    public List<PluginSummary> plugins(String host) throws IOException {
        return store.plugins(host);
    }

    @Override
    public Optional<Plugin> plugin(String host, String plugin) throws IOException {
        return store.plugin(host, plugin);
    }

    @Override
    public Series fetch(SeriesQuery query) throws IOException {
        return store.fetch(query);
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "ListeningStore{" + store + "}";
    }
}
