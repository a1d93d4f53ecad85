package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.numeter.codec.RecordCodec;
import org.numeter.link.Drain;
import org.numeter.link.HttpSpoolReader;
import org.numeter.model.SampleBatch;
import org.numeter.spool.FileSpool;
import org.numeter.spool.SpoolRecord;
import org.numeter.store.Consolidation;
import org.numeter.store.InMemoryStore;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.WriteResult;

/**
 * A small fleet for fault tests, every hop real: pollers ({@link TestPoller}, file spools behind the pull server),
 * one collector on its own file spool and HTTP port, and a storage side that drains the collector over HTTP into a
 * store. The collector can go down and come back on the same spool; the storage drains only when asked.
 */
final class Rig implements java.io.Closeable {
    static final String COLLECTOR_TOKEN = "collector-secret";

    private final Path dir;
    final Map<String, TestPoller> pollers = new LinkedHashMap<>();
    private final Map<String, URI> remotePollers = new LinkedHashMap<>();
    final InMemoryStore store = new InMemoryStore();
    private final List<java.io.Closeable> extras = new ArrayList<>();
    private Function<TestPoller, URI> route = TestPoller::url;
    private WriteResult written = WriteResult.NONE;
    private FileSpool collectorSpool;
    private Collector collector;

    Rig(Path dir) {
        this.dir = dir;
    }

    TestPoller poller(String host, long spoolBytes) throws IOException {
        TestPoller p = new TestPoller(host, dir, spoolBytes);
        pollers.put(host, p);
        return p;
    }

    /** A poller running in another process, serving its spool at {@code url} with {@link TestPoller#TOKEN}. */
    void remotePoller(String host, URI url) {
        remotePollers.put(host, url);
    }

    /** How the collector reaches each poller: directly by default, or through a proxy. */
    void route(Function<TestPoller, URI> route) {
        this.route = route;
    }

    void closeLater(java.io.Closeable c) {
        extras.add(c);
    }

    Collector startCollector(Duration interval, int pageSize) throws Exception {
        collectorSpool = FileSpool.builder(dir.resolve("collector")).maxBytes(256L << 20).open();
        collector = Collector.builder().host("collector1").spool(collectorSpool)
                .pollers(pollers.values().stream().map(p -> p.address(route.apply(p))).toList())
                .pollers(remotePollers.entrySet().stream()
                        .map(e -> new PollerAddress(e.getKey(), e.getValue(), TestPoller.TOKEN)).toList())
                .interval(interval).pageSize(pageSize).parallelism(4).readTimeout(Duration.ofSeconds(5))
                .token(COLLECTOR_TOKEN).listen("127.0.0.1", 0).build();
        collector.start();
        return collector;
    }

    /** The collector process goes away: its port closes and its spool is closed, as a kill would leave it. */
    void stopCollector() throws IOException {
        collector.close();
        collectorSpool.close();
        collector = null;
        collectorSpool = null;
    }

    Collector collector() {
        return collector;
    }

    FileSpool collectorSpool() {
        return collectorSpool;
    }

    /** The storage drains the collector over the pull link until it is empty; returns the batches moved. */
    long storageDrain() throws IOException {
        try (HttpSpoolReader reader = HttpSpoolReader.builder(URI.create("http://127.0.0.1:" + collector.port()))
                .token(COLLECTOR_TOKEN).build()) {
            return new Drain("storage", reader, this::write, 200).drainOnce();
        }
    }

    /** Writes what the collector sends; the pollers' batches are counted apart from the collector's own plugin. */
    private synchronized void write(List<SpoolRecord> records) throws IOException {
        List<SampleBatch> pollerBatches = new ArrayList<>(records.size());
        List<SampleBatch> own = new ArrayList<>();
        for (SpoolRecord r : records) {
            SampleBatch b = RecordCodec.decode(r.payload());
            (b.host().equals("collector1") ? own : pollerBatches).add(b);
        }
        written = written.plus(store.write(pollerBatches));
        store.write(own);
    }

    /** What the store did with the pollers' batches. */
    synchronized WriteResult written() {
        return written;
    }

    boolean pollersEmpty() {
        return pollers.values().stream().allMatch(p -> p.spool.stats().records() == 0);
    }

    /** Whether the store holds batch {@code last} of every poller. */
    boolean stored(int last) throws IOException {
        for (TestPoller p : pollers.values()) {
            if (!storedUpTo(p.host, last)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the store holds batch {@code last} of {@code host}. */
    boolean storedUpTo(String host, int last) throws IOException {
        var h = store.host(host);
        return h.isPresent() && h.get().lastUpdate() >= TestPoller.T0 + 60L * last;
    }

    /**
     * Compares, point by point, what a poller produced (batches {@code first} to {@code last}) with what the store
     * returns for that span, one value per step and field; returns the points compared.
     */
    int assertDelivered(TestPoller p, int first, int last) throws IOException {
        return assertDelivered(p.host, first, last);
    }

    int assertDelivered(String host, int first, int last) throws IOException {
        long from = TestPoller.T0 + 60L * first;
        long to = TestPoller.T0 + 60L * last;
        Series s = store.fetch(new SeriesQuery(host, "load", List.of("load", "users"), from, to, 60, 0,
                Consolidation.AVERAGE));
        assertThat(s.step()).isEqualTo(60);
        int compared = 0;
        for (int i = 0; i < s.size(); i++) {
            long t = s.timestamp(i);
            if (t < from || t > to) {
                continue;
            }
            int index = (int) ((t - TestPoller.T0) / 60);
            SampleBatch expected = TestPoller.batch(host, index);
            assertThat(s.values()[0][i]).as("%s load at %d", host, t).isEqualTo(expected.values().get("load"));
            assertThat(s.values()[1][i]).as("%s users at %d", host, t).isEqualTo(expected.values().get("users"));
            compared++;
        }
        assertThat(compared).as("%s points from %d to %d", host, first, last).isEqualTo(last - first + 1);
        return compared;
    }

    @Override
    public void close() throws IOException {
        if (collector != null) {
            stopCollector();
        }
        for (java.io.Closeable c : extras) {
            c.close();
        }
        for (TestPoller p : pollers.values()) {
            p.close();
        }
    }
}
