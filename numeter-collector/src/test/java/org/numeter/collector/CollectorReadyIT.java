package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.Json;
import org.numeter.link.PullServer;
import org.numeter.spool.MemorySpool;
import org.numeter.testkit.Scrape;
import org.numeter.testkit.ServerRules;

/**
 * The collector's {@code /ready}, status and {@code /metrics} over real pull servers that stop and come back: one
 * failing poller of two is degraded but ready, both failing is a 503 naming them, and back to 200 when they return.
 */
class CollectorReadyIT {
    private static final String TOKEN = "collector-token";
    private static final String SECRET = "a-registration-secret-for-this-test";
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, MemorySpool> spools = new HashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, PullServer> pollers = new HashMap<>();
    private final MemorySpool own = new MemorySpool();
    private Collector collector;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        Collector.Builder b = Collector.builder().host("collector1").spool(own).interval(Duration.ZERO)
                .token(TOKEN).listen("127.0.0.1", 0).readTimeout(Duration.ofSeconds(5))
                .registrationSecret(SECRET);
        for (String host : new String[] {"web1", "web2"}) {
            spools.put(host, new MemorySpool());
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports.put(host, s.getLocalPort());
            }
            up(host);
            b.poller(PollerAddress.of(host, "http://127.0.0.1:" + ports.get(host), null));
        }
        collector = b.build();
        collector.start();
        base = URI.create("http://127.0.0.1:" + collector.port() + "/");
    }

    private void up(String host) throws Exception {
        spools.get(host).append(Batches.load(host, 1));
        PullServer s = PullServer.builder(spools.get(host)).bindAddress("127.0.0.1").port(ports.get(host)).build();
        s.start();
        pollers.put(host, s);
    }

    private void down(String host) {
        pollers.remove(host).close();
    }

    @AfterEach
    void stop() {
        collector.close();
        pollers.values().forEach(PullServer::close);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ready(int status) throws Exception {
        HttpResponse<String> r = get("/ready", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.mapper().readTree(r.body());
    }

    @Test
    void readyFollowsItsPollers() throws Exception {
        collector.runOnce();
        assertThat(ready(200).path("status").asText()).isEqualTo("UP");

        down("web2");
        collector.runOnce();
        JsonNode degraded = ready(200);
        assertThat(degraded.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(degraded.path("checks").get(0).path("detail").asText())
                .startsWith("1 of 2 pollers failing: web2 at http://127.0.0.1:" + ports.get("web2"));

        down("web1");
        collector.runOnce();
        JsonNode down = ready(503);
        assertThat(down.path("reason").asText()).startsWith("collector: every poller fails (2): web1 at ")
                .contains("web2 at ");
        HttpResponse<String> status = get("/collector/v1/status", TOKEN);
        assertThat(status.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(status.body()).path("ok").asBoolean()).isFalse();
        Scrape whileDown = Scrape.parse(get("/metrics", null).body());
        assertThat(whileDown.value("numeter_drain_up", "role", "collector", "upstream", "web1")).hasValue(0.0);
        assertThat(whileDown.value("numeter_drain_errors_total", "upstream", "web1")).hasValue(1.0);

        up("web1");
        up("web2");
        collector.runOnce();
        assertThat(ready(200).path("status").asText()).isEqualTo("UP");
        assertThat(get("/collector/v1/status", TOKEN).statusCode()).isEqualTo(200);

        Scrape s = Scrape.parse(get("/metrics", null).body());
        assertThat(s.value("numeter_drain_records_total", "role", "collector", "upstream", "web1")).hasValue(2.0);
        assertThat(s.value("numeter_drain_pages_total", "upstream", "web2")).hasValue(2.0);
        assertThat(s.value("numeter_drain_up", "upstream", "web2")).hasValue(1.0);
        assertThat(s.value("numeter_collector_pollers")).hasValue(2.0);
        assertThat(s.value("numeter_collector_pollers_failing")).hasValue(0.0);
        assertThat(s.value("numeter_spool_appended_total", "spool", "collector")).hasValue(8.0); // 4 + 4 own
        assertThat(s.value("numeter_collector_rejected_total", "reason", "foreign_host")).hasValue(0.0);
    }

    @Test
    void aCollectorWithoutPollersYetIsReady() throws Exception {
        try (Collector empty = Collector.builder().host("collector2").spool(new MemorySpool()).interval(Duration.ZERO)
                .listen("127.0.0.1", 0).build()) {
            empty.start();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + empty.port() + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("no pollers yet (none configured or registered)");
        }
    }

    @Test
    void itKeepsTheRulesOfEveryServer() throws Exception {
        new ServerRules(base, Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"))
                .answersWithoutAToken()
                .wrongMethodIs405("GET", "/collector/v1/register")
                .wrongMethodIs405("PUT", "/collector/v1/status")
                // the registration reads its body (then checks the host's token): cut at the cap
                .bodyCapHolds("POST", "/collector/v1/register", "{\"host\":\"", 413);
    }
}
