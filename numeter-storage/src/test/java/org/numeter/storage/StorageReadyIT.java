package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.Json;
import org.numeter.link.HttpSpoolReader;
import org.numeter.link.PullServer;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.store.InMemoryStore;
import org.numeter.testkit.Scrape;
import org.numeter.testkit.ServerRules;

/**
 * The storage's {@code /ready}, status and {@code /metrics} over a real pull link to an upstream that stops and
 * comes back (a pull server standing for the collector).
 */
class StorageReadyIT {
    static final long T0 = 1_699_920_000L;
    private final HttpClient http = HttpClient.newHttpClient();
    private final MemorySpool collectorSpool = new MemorySpool();
    private int collectorPort;
    private PullServer collector;
    private HttpSpoolReader reader;
    private Storage storage;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            collectorPort = s.getLocalPort();
        }
        collectorUp();
        reader = HttpSpoolReader.builder(URI.create("http://127.0.0.1:" + collectorPort)).token("c0llector")
                .readTimeout(Duration.ofSeconds(5)).build();
        storage = Storage.builder().store(new InMemoryStore()).upstream("http://127.0.0.1:" + collectorPort, reader)
                .interval(Duration.ofHours(1)).bind("127.0.0.1").port(0).token("st0rage").build();
        storage.start();
        base = URI.create("http://127.0.0.1:" + storage.port() + "/");
    }

    private void collectorUp() throws Exception {
        collectorSpool.append(BatchCodec.encode(new SampleBatch("web1", "load", T0 + 60L * collectorSpool.stats()
                .lastSequence(), Map.of("load", 1.0), null)));
        collector = PullServer.builder(collectorSpool).bindAddress("127.0.0.1").port(collectorPort).token("c0llector")
                .build();
        collector.start();
    }

    @AfterEach
    void stop() {
        storage.close();
        collector.close();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyIs503WhileItsOnlyUpstreamIsDownAnd200WhenItReturns() throws Exception {
        storage.drainNow();
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/status", "st0rage").statusCode()).isEqualTo(200);

        collector.close();
        storage.drainNow();
        HttpResponse<String> down = get("/ready", null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(down.body()).path("reason").asText())
                .startsWith("storage: every upstream fails: http://127.0.0.1:" + collectorPort + ": ");
        HttpResponse<String> status = get("/api/v1/status", "st0rage");
        assertThat(status.statusCode()).isEqualTo(503);
        JsonNode doc = Json.mapper().readTree(status.body());
        assertThat(doc.path("ok").asBoolean()).isFalse();
        assertThat(doc.path("drainErrors").asLong()).isEqualTo(1);
        assertThat(down.body()).doesNotContain("c0llector").doesNotContain("st0rage");

        collectorUp();
        storage.drainNow();
        assertThat(get("/ready", null).statusCode()).isEqualTo(200);

        Scrape s = Scrape.parse(get("/metrics", null).body());
        String upstream = "http://127.0.0.1:" + collectorPort;
        assertThat(s.value("numeter_drain_records_total", "role", "storage", "upstream", upstream)).hasValue(2.0);
        assertThat(s.value("numeter_drain_errors_total", "role", "storage", "upstream", upstream)).hasValue(1.0);
        assertThat(s.value("numeter_drain_up", "role", "storage", "upstream", upstream)).hasValue(1.0);
        assertThat(s.value("numeter_ingest_batches_total")).hasValue(2.0);
        assertThat(s.value("numeter_ingest_points_total")).hasValue(2.0);
        assertThat(s.value("numeter_ingest_duplicates_total")).hasValue(0.0);
        assertThat(s.value("numeter_storage_drain_rounds_total").orElseThrow()).isGreaterThanOrEqualTo(3.0);
    }

    @Test
    void itKeepsTheRulesOfEveryServer() throws Exception {
        new ServerRules(base, Map.of("Authorization", "Bearer st0rage"))
                .answersWithoutAToken()
                .wrongMethodIs405("POST", "/api/v1/hosts")
                .wrongMethodIs405("DELETE", "/api/v1/hosts/web1")
                // no route of the storage takes a body: a POST is answered without reading it
                .bodyCapHolds("POST", "/api/v1/status", "", 405);
    }
}
