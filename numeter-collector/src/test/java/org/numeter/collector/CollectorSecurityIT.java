package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.BatchCodec;
import org.numeter.link.PullServer;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;

/**
 * Who may talk to whom, over real HTTP: the collector's spool answers only with its token; the collector reaches a
 * poller only with the poller's; and what a poller sends about another host, malformed or oversized, is refused
 * and counted while the rest of the transfer goes on.
 */
class CollectorSecurityIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private PullServer pollerServer(MemorySpool spool, String token) {
        PullServer s = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).token(token).build();
        s.start();
        toClose.add(s);
        return s;
    }

    private Collector collector(MemorySpool own, Collector.Builder b) throws Exception {
        Collector c = b.host("collector1").spool(own).interval(Duration.ZERO).token("collector-secret")
                .listen("127.0.0.1", 0).build();
        c.start();
        toClose.add(c);
        return c;
    }

    private int status(String method, URI uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theCollectorsSpoolAnswersOnlyWithItsToken() throws Exception {
        MemorySpool own = new MemorySpool();
        own.append(Batches.load("web1", 1));
        Collector c = collector(own, Collector.builder());
        URI base = URI.create("http://127.0.0.1:" + c.port());

        assertThat(status("GET", base.resolve("/spool/v1/records"), null)).isEqualTo(401);
        assertThat(status("POST", base.resolve("/spool/v1/ack?upTo=100"), null)).isEqualTo(401);
        assertThat(status("POST", base.resolve("/spool/v1/ack?upTo=100"), "guess")).isEqualTo(401);
        assertThat(status("GET", base.resolve("/spool/v1/stats"), null)).isEqualTo(401);
        assertThat(own.stats().records()).as("nothing acknowledged").isEqualTo(1);

        assertThat(status("GET", base.resolve("/spool/v1/records"), "collector-secret")).isEqualTo(200);
    }

    @Test
    void withoutThePollersTokenNothingIsReadOrAcknowledged() throws Exception {
        MemorySpool poller = new MemorySpool();
        poller.append(Batches.load("web1", 1));
        PullServer server = pollerServer(poller, "poller-secret");
        URI url = URI.create("http://127.0.0.1:" + server.port());
        MemorySpool own = new MemorySpool();
        Collector c = collector(own, Collector.builder().poller(new PollerAddress("web1", url, "wrong")));
        c.runOnce();

        PollerStatus s = c.statuses().get(0);
        assertThat(s.consecutiveErrors()).isEqualTo(1);
        assertThat(s.lastError()).contains("401");
        assertThat(poller.stats().records()).isEqualTo(1);
        assertThat(Batches.ofPlugin(Batches.all(own), "load")).isEmpty();
        assertThat(server.routes().unauthorized()).isPositive();

        MemorySpool own2 = new MemorySpool();
        Collector right = collector(own2, Collector.builder().pollerToken("poller-secret")
                .poller(new PollerAddress("web1", url, null)));
        right.runOnce();
        assertThat(Batches.ofPlugin(Batches.all(own2), "load")).hasSize(1);
        assertThat(poller.stats().records()).isZero();
    }

    @Test
    void foreignMalformedAndOversizedBatchesAreRefusedAndTheRestArrives() throws Exception {
        MemorySpool poller = new MemorySpool();
        poller.append(Batches.load("web1", 1));
        poller.append(Batches.load("db1", 2));
        poller.append("{\"host\":\"web1\",\"plugin\":\"load\",\"time\":-5,\"values\":{}}"
                .getBytes(StandardCharsets.UTF_8));
        Map<String, Double> many = new LinkedHashMap<>();
        for (int i = 0; i < 400; i++) {
            many.put("f" + i, (double) i);
        }
        poller.append(BatchCodec.encode(new SampleBatch("web1", "big", Batches.T0, many, null)));
        poller.append(Batches.load("web1", 3));
        PullServer server = pollerServer(poller, "poller-secret");
        MemorySpool own = new MemorySpool();
        Collector c = collector(own, Collector.builder().maxBatchBytes(4096).poller(new PollerAddress("web1",
                URI.create("http://127.0.0.1:" + server.port()), "poller-secret")));
        c.runOnce();

        assertThat(Batches.ofPlugin(Batches.all(own), "load")).extracting(b -> b.values().get("load"))
                .containsExactly(1.0, 3.0);
        assertThat(Batches.ofPlugin(Batches.all(own), "big")).isEmpty();
        assertThat(poller.stats().records()).as("everything acknowledged, refused records too").isZero();
        assertThat(c.rejections().foreignHost()).isEqualTo(1);
        assertThat(c.rejections().malformed()).isEqualTo(1);
        assertThat(c.rejections().oversized()).isEqualTo(1);
        PollerStatus s = c.statuses().get(0);
        assertThat(s.records()).isEqualTo(2);
        assertThat(s.rejected()).isEqualTo(3);
        assertThat(s.consecutiveErrors()).isZero();
    }
}
