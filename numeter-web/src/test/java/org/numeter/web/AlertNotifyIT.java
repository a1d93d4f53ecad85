package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.alert.AlertEngine;
import org.numeter.codec.Json;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.StorageServer;
import org.numeter.store.InMemoryStore;

/**
 * Acknowledgements and silences stop notifications, and end: a real storage server with its alert engine, a web
 * following its change feed, and a webhook receiver, all in this JVM on loopback.
 */
class AlertNotifyIT {
    static final String HOST = "n1.example";
    static final Plugin LOAD = Plugin.builder("load")
            .field(Field.builder("load").warning("5").critical("10").build()).build();

    @TempDir
    Path dir;

    InMemoryStore store;
    AlertEngine engine;
    StorageServer storage;
    WebServer web;
    HttpServer receiver;
    final List<JsonNode> hooks = new CopyOnWriteArrayList<>();
    // points a minute apart from now on (into the future): the host is never silent while the test waits
    long t = System.currentTimeMillis() / 1000 - 60;

    @BeforeEach
    void start() throws IOException {
        store = new InMemoryStore();
        engine = AlertEngine.builder(dir.resolve("alerts")).store(store).build();
        engine.start();
        storage = StorageServer.builder().store(store).alerts(engine).bind("127.0.0.1").port(0).build();
        storage.start();
        point(1, LOAD);
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            hooks.add(Json.mapper().readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        web = WebServer.builder().bind("127.0.0.1").port(0)
                .database("jdbc:h2:mem:notify-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .storages(List.of(URI.create("http://127.0.0.1:" + storage.port() + "/")))
                .adminPassword(WebFixture.ADMIN_PASSWORD).passwordCost(4).storageRefresh(Duration.ZERO)
                .alerts(new AlertSettings(null, Duration.ofMillis(100), Duration.ZERO, Duration.ofMillis(100),
                        Duration.ofMillis(500), Duration.ofHours(1), 100, Duration.ofHours(1), Duration.ofMinutes(2),
                        Duration.ofSeconds(5), null))
                .build();
        web.start();
    }

    @AfterEach
    void stop() {
        if (web != null) {
            web.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        storage.close();
        engine.close();
    }

    private void point(double load, Plugin meta) throws IOException {
        t += 60;
        SampleBatch b = new SampleBatch(HOST, "load", t, Map.of("load", load), meta);
        store.write(List.of(b));
        engine.written(List.of(b));
    }

    private void awaitHooks(int n) {
        await(n + " webhooks").atMost(Duration.ofSeconds(20)).until(() -> hooks.size() >= n);
        assertThat(hooks).hasSize(n);
    }

    /** Waits until the web has read the feed up to now, then checks that nothing more was sent. */
    private void awaitNoMoreThan(int n) {
        await("the web read the feed and told no one").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> hooks.size() == n);
    }

    @Test
    void anAcknowledgementAndASilenceStopNotificationsUntilTheyEnd() throws IOException {
        WebClient admin = WebClient.loggedIn(web.uri(), "admin", WebFixture.ADMIN_PASSWORD);
        assertThat(admin.post("/api/alerts/contacts", "{\"name\":\"hook\",\"channel\":\"webhook\",\"target\":"
                + "\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}").status()).isEqualTo(201);
        // the web starts reading the feed when it first sees it: wait for that before the first change
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/alerts/outbox").status() == 200
                && admin.get("/api/hosts").text().contains(HOST));
        awaitNoMoreThan(0);

        point(7, null);
        awaitHooks(1);
        assertThat(hooks.get(0).get("state").asText()).isEqualTo("WARNING");

        long until = System.currentTimeMillis() / 1000 + 3600;
        WebClient.Answer ack = admin.post("/api/alerts/acks", "{\"host\":\"" + HOST + "\",\"plugin\":\"load\","
                + "\"field\":\"load\",\"comment\":\"on it\",\"until\":" + until + "}");
        assertThat(ack.status()).as(ack.text()).isEqualTo(201);
        point(12, null);
        awaitNoMoreThan(1);
        JsonNode problems = admin.get("/api/alerts").json();
        assertThat(problems.get("counts").get("acknowledged").asInt()).isEqualTo(1);
        assertThat(problems.get("problems").get(0).get("ack").get("comment").asText()).isEqualTo("on it");

        // the recovery is told, and ends the acknowledgement
        point(1, null);
        awaitHooks(2);
        assertThat(hooks.get(1).get("state").asText()).isEqualTo("OK");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/alerts").json().get("problems").isEmpty());
        point(7, null);
        awaitHooks(3);

        WebClient.Answer silence = admin.post("/api/alerts/silences", "{\"hosts\":\"n1*\",\"plugins\":\"lo*\","
                + "\"comment\":\"maintenance\",\"until\":" + until + "}");
        assertThat(silence.status()).as(silence.text()).isEqualTo(201);
        point(12, null);
        point(1, null);
        awaitNoMoreThan(3);
        assertThat(admin.delete("/api/alerts/silences/" + silence.json().get("id").asLong()).status()).isEqualTo(204);
        point(12, null);
        awaitHooks(4);
        assertThat(hooks.get(3).get("state").asText()).isEqualTo("CRITICAL");
    }
}
