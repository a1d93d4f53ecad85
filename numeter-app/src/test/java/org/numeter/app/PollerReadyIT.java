package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.link.PullServer;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.poller.Poller;
import org.numeter.poller.Source;
import org.numeter.redis.RedisSpool;
import org.numeter.telemetry.Telemetry;
import org.numeter.testkit.Scrape;

/**
 * A poller whose spool is a Redis list, on a Redis server of the test's own that stops and comes back: the
 * poller's {@code /ready} is 503 while its spool takes nothing, and 200 again once it does.
 */
class PollerReadyIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Process redis;
    private Telemetry telemetry;
    private Poller poller;
    private PullServer server;
    private RedisSpool spool;

    /** One batch a second, of one gauge. */
    private static final class Tick implements Source {
        @Override
        public String name() {
            return "tick";
        }

        @Override
        public List<SampleBatch> collect(Cycle cycle) {
            return List.of(new SampleBatch(cycle.host(), "tick", cycle.timestamp(), Map.of("value", 1.0), null));
        }
    }

    private Process redisOn(int port) throws IOException {
        Path log = Paths.get("target", "e2e", "poller-ready", "redis.log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await("redis on " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                        return s.isConnected();
                    }
                });
        return p;
    }

    private void stopRedis() throws InterruptedException {
        redis.destroy();
        if (!redis.waitFor(20, TimeUnit.SECONDS)) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (poller != null) {
            poller.close();
        }
        if (server != null) {
            server.close();
        }
        if (spool != null) {
            spool.close();
        }
        if (telemetry != null) {
            telemetry.close();
        }
        if (redis != null) {
            stopRedis();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(int status, String reasonContains) {
        await("/ready answering " + status).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    HttpResponse<String> r = get("/ready");
                    return r.statusCode() == status && (reasonContains == null || r.body().contains(reasonContains));
                });
    }

    @Test
    void notReadyWhileItsSpoolTakesNothingAndReadyWhenItDoesAgain() throws Exception {
        int port = NumeterProcess.freePort();
        redis = redisOn(port);
        telemetry = Telemetry.create();
        spool = RedisSpool.open(URI.create("redis://127.0.0.1:" + port), "numeter:poller:ready-it", 1 << 20);
        server = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).telemetry(telemetry).build();
        server.start();
        poller = Poller.builder().host("ready-it").spool(spool).telemetry(telemetry)
                .source(new Tick(), Duration.ofSeconds(1)).build();
        poller.start();
        awaitReady(200, null);

        stopRedis();
        awaitReady(503, "poller: ");
        assertThat(get("/ready").body()).contains("spool").doesNotContain("\"status\":\"UP\"");
        // the figures still answer while the spool does not: the gauges are left out, the rest is served
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(Scrape.parse(metrics.body()).has("numeter_poller_cycles_total", "source", "tick")).isTrue();

        redis = redisOn(port);
        awaitReady(200, null);
        assertThat(Scrape.parse(get("/metrics").body()).value("numeter_spool_records", "spool", "poller")
                .orElseThrow()).isGreaterThanOrEqualTo(0);
    }
}
