package org.numeter.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.StorageServer;
import org.numeter.store.InMemoryStore;

/**
 * The real storage API ({@link StorageServer}) over an {@link InMemoryStore} holding the last hours of every
 * plugin, one batch a minute, written as a poller would: gauges as values, DERIVE and COUNTER as counters.
 */
final class RealStorage implements AutoCloseable {
    final InMemoryStore store = new InMemoryStore();
    final StorageServer server;

    RealStorage(Map<String, List<Plugin>> hosts, long now, long seconds) {
        write(hosts, now, seconds);
        server = StorageServer.builder().store(store).bind("127.0.0.1").port(0).build();
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    private void write(Map<String, List<Plugin>> hosts, long now, long seconds) {
        long start = now - seconds;
        start -= start % 60;
        Map<String, Double> counters = new HashMap<>();
        List<SampleBatch> batches = new ArrayList<>();
        for (long t = start; t <= now; t += 60) {
            for (var host : hosts.entrySet()) {
                for (Plugin p : host.getValue()) {
                    Map<String, Double> values = new LinkedHashMap<>();
                    int f = 0;
                    for (Field field : p.fields()) {
                        double rate = 50 + 40 * Math.sin(t / 3600.0 + f++) * (field.name().length() % 3 + 1) / 3;
                        if (field.type() == FieldType.DERIVE || field.type() == FieldType.COUNTER) {
                            String key = host.getKey() + "/" + p.name() + "/" + field.name();
                            double counter = counters.merge(key, rate * 60, Double::sum);
                            values.put(field.name(), Math.floor(counter));
                        } else {
                            values.put(field.name(), rate);
                        }
                    }
                    batches.add(new SampleBatch(host.getKey(), p.name(), t, values, t == start ? p : null));
                }
            }
            if (batches.size() > 5000) {
                flush(batches);
            }
        }
        flush(batches);
    }

    private void flush(List<SampleBatch> batches) {
        store.write(batches);
        batches.clear();
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }
}
