package org.numeter.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/**
 * Where samples end: round-robin series per host, plugin and field, with each plugin's metadata. The storage role
 * serves one over HTTP; {@link InMemoryStore} and the rrd4j store pass the same contract suite
 * ({@code numeter-testkit}).
 *
 * <p>Writes are idempotent per point: a batch at or before the last stored timestamp of its plugin is dropped, which
 * is what makes at-least-once delivery store each point once. It is counted as a duplicate when it is a replay (a
 * moment stored already) and as late when that moment was never stored ({@link RecentTimes}). A batch further in
 * the future than the store's {@link org.numeter.time.TimePolicy} allows is refused and counted as future, so that
 * no clock that jumped ahead blocks its plugin. Late and future points are counted per host
 * ({@link HostSummary}) and logged once per host.
 */
public interface Store extends Closeable {

    WriteResult write(List<SampleBatch> batches) throws IOException;

    List<HostSummary> hosts() throws IOException;

    /** One host, or empty when unknown. */
    default Optional<HostSummary> host(String host) throws IOException {
        return hosts().stream().filter(h -> h.id().equals(host)).findFirst();
    }

    /** The plugins of a host, or empty when the host is unknown. */
    List<PluginSummary> plugins(String host) throws IOException;

    Optional<Plugin> plugin(String host, String plugin) throws IOException;

    /** How many series (fields of plugins) the store holds. */
    default long series() throws IOException {
        long n = 0;
        for (HostSummary h : hosts()) {
            for (PluginSummary p : plugins(h.id())) {
                n += plugin(h.id(), p.name()).map(x -> x.fields().size()).orElse(0);
            }
        }
        return n;
    }

    /**
     * The series of a plugin's fields, planned with {@link QueryPlan}; throws
     * {@link java.util.NoSuchElementException} for an unknown plugin and {@link IllegalArgumentException} for a
     * field the plugin does not have.
     */
    Series fetch(SeriesQuery query) throws IOException;
}
