package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.storage.StorageServer;
import org.numeter.store.InMemoryStore;
import org.numeter.testkit.Scrape;
import org.numeter.testkit.ServerRules;

/** The web's {@code /ready}, {@code /api/health} and {@code /metrics} over two real storages that stop and return. */
class WebReadyIT {
    private final InMemoryStore store = new InMemoryStore();
    private final int[] ports = new int[2];
    private final StorageServer[] storages = new StorageServer[2];
    private WebServer web;
    private WebClient client;

    @BeforeEach
    void start() throws Exception {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = s.getLocalPort();
            }
            up(i);
            uris.add(URI.create("http://127.0.0.1:" + ports[i] + "/"));
        }
        web = WebServer.builder().bind("127.0.0.1").port(0)
                .database("jdbc:h2:mem:ready-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .storages(uris).adminPassword(WebFixture.ADMIN_PASSWORD).passwordCost(4)
                .storageRefresh(Duration.ZERO).storageTimeout(Duration.ofSeconds(2))
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build();
        web.start();
        client = new WebClient(web.uri());
    }

    private void up(int i) {
        storages[i] = StorageServer.builder().store(store).bind("127.0.0.1").port(ports[i]).build();
        storages[i].start();
    }

    private void down(int i) {
        storages[i].close();
        storages[i] = null;
    }

    @AfterEach
    void stop() {
        web.close();
        for (StorageServer s : storages) {
            if (s != null) {
                s.close();
            }
        }
    }

    private JsonNode ready(int status) {
        WebClient.Answer a = client.get("/ready");
        assertThat(a.status()).as(a.text()).isEqualTo(status);
        assertThat(client.get("/api/health").status()).isEqualTo(status);
        return a.json();
    }

    @Test
    void readyFollowsItsStorages() {
        assertThat(ready(200).path("status").asText()).isEqualTo("UP");

        down(1);
        JsonNode degraded = ready(200);
        assertThat(degraded.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(degraded.path("checks").get(0).path("detail").asText())
                .startsWith("1 of 2 storages down: storage http://127.0.0.1:" + ports[1] + "/api/v1/hosts: ");

        down(0);
        assertThat(ready(503).path("reason").asText()).startsWith("web: every storage is down: ");

        up(0);
        up(1);
        assertThat(ready(200).path("status").asText()).isEqualTo("UP");

        assertThat(client.login("admin", WebFixture.ADMIN_PASSWORD).status()).isEqualTo(200);
        assertThat(new WebClient(web.uri()).login("admin", "wrong-password").status()).isEqualTo(401);
        Scrape s = Scrape.parse(client.get("/metrics").text());
        assertThat(s.value("numeter_web_storage_up", "storage", "http://127.0.0.1:" + ports[1] + "/"))
                .hasValue(1.0);
        assertThat(s.value("numeter_web_logins_total", "outcome", "success")).hasValue(1.0);
        assertThat(s.value("numeter_web_logins_total", "outcome", "failure")).hasValue(1.0);
        assertThat(s.value("numeter_http_server_requests_seconds_count", "server", "web", "method", "POST",
                "route", "/api/login", "status", "401")).hasValue(1.0);
        assertThat(s.value("numeter_http_server_requests_seconds_count", "server", "web", "method", "GET",
                "route", "/ready", "status", "503")).hasValue(1.0);
    }

    @Test
    void itKeepsTheRulesOfEveryServer() throws Exception {
        new ServerRules(URI.create(web.uri().toString()), Map.of("Content-Type", "application/json"))
                .answersWithoutAToken()
                .wrongMethodIs405("DELETE", "/api/login")
                .wrongMethodIs405("GET", "/api/logout")
                .wrongMethodIs405("POST", "/api/health")
                .bodyCapHolds("POST", "/api/login", "{\"username\":\"", 413);
        // behind the login, too: a wrong method is a 405 for who may use the route, a 401 for who may not
        assertThat(client.login("admin", WebFixture.ADMIN_PASSWORD).status()).isEqualTo(200);
        assertThat(client.send("PATCH", "/api/hosts", null).status()).isEqualTo(405);
        assertThat(client.send("POST", "/api/tree", "{}").status()).isEqualTo(405);
        assertThat(new WebClient(web.uri()).send("PATCH", "/api/hosts", null).status()).isEqualTo(401);
    }
}
