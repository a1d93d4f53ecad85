package org.numeter.collector;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.codec.BatchCodec;
import org.numeter.link.PullServer;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.FileSpool;

/**
 * The poller side of a fault test: a file spool served by the real pull server with a token. Batch {@code i} of
 * plugin {@code load} is at {@code T0 + 60 i} with {@code load = i} and {@code users = i % 7}, so what arrives can be
 * checked against what was produced, point by point.
 */
final class TestPoller implements AutoCloseable {
    static final long T0 = 1_699_999_980L; // a multiple of 60, so each batch is one storage step
    static final String TOKEN = "poller-secret";
    static final Plugin LOAD = Plugin.builder("load").title("Load").category("system")
            .fields(List.of(Field.builder("load").build(), Field.builder("users").build())).build();

    final String host;
    final FileSpool spool;
    private final PullServer server;
    private int next;

    TestPoller(String host, Path dir, long maxBytes) throws IOException {
        this.host = host;
        this.spool = FileSpool.builder(dir.resolve("poller-" + host)).maxBytes(maxBytes).open();
        this.server = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).token(TOKEN).build();
        server.start();
    }

    static SampleBatch batch(String host, int i) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("load", (double) i);
        values.put("users", (double) (i % 7));
        return new SampleBatch(host, "load", T0 + 60L * i, values, i == 0 ? LOAD : null);
    }

    /** Appends the next {@code n} batches. */
    void produce(int n) throws IOException {
        for (int k = 0; k < n; k++) {
            spool.append(BatchCodec.encode(batch(host, next++)));
        }
    }

    int produced() {
        return next;
    }

    int port() {
        return server.port();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port());
    }

    PollerAddress address(URI via) {
        return new PollerAddress(host, via, TOKEN);
    }

    @Override
    public void close() throws IOException {
        server.close();
        spool.close();
    }
}
