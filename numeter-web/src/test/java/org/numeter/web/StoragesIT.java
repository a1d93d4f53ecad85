package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.model.Plugin;
import org.numeter.web.internal.Storages;
import org.slf4j.LoggerFactory;

/**
 * Several storages: their hosts merged, each host's queries sent where it lives (each plugin where its newest data
 * is, for a host two storages hold), a storage down shown as such.
 */
class StoragesIT {

    static URI closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
        }
    }

    @Test
    void hostsAreMergedAndAHostIsAskedOfTheStorageWithItsNewestData() throws Exception {
        Map<String, List<Plugin>> second = new LinkedHashMap<>();
        second.put("delta.example", List.of(TestObjects.load()));
        second.put(WebFixture.HOST_A, List.of(TestObjects.load()));
        try (FixtureStorage newer = new FixtureStorage(second, System.currentTimeMillis() / 1000 + 60).start();
                WebFixture fx = new WebFixture(List.of(newer.uri()))) {
            WebClient admin = fx.admin();
            assertThat(admin.get("/api/hosts").json().findValuesAsText("id")).containsExactly(WebFixture.HOST_A,
                    WebFixture.HOST_B, "delta.example", WebFixture.HOST_NONE);
            int before = fx.storage.requests().size();
            assertThat(admin.get("/api/hosts/" + WebFixture.HOST_A + "/plugins/load/data").status()).isEqualTo(200);
            assertThat(newer.requests()).contains("/api/v1/hosts/" + WebFixture.HOST_A + "/plugins/load/data");
            // The older storage is asked for the host's plugin list (to merge it), never for the plugin's data.
            assertThat(fx.storage.requests().subList(before, fx.storage.requests().size()))
                    .noneMatch(p -> p.startsWith("/api/v1/hosts/" + WebFixture.HOST_A + "/plugins/"));
        }
    }

    @Test
    void aHostHeldByTwoRealStoragesIsTheirUnionEachPluginFromTheNewerAndTheClashIsLoggedOnceForSuperusers()
            throws Exception {
        String shared = "shared.example";
        long now = System.currentTimeMillis() / 1000;
        Logger logger = (Logger) LoggerFactory.getLogger(Storages.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        // The older storage has load and memory up to an hour ago; the newer has load and if_eth0 up to now.
        try (RealStorage older = new RealStorage(Map.of(shared, List.of(TestObjects.load(), TestObjects.memory())),
                        now - 3600, 7200);
                RealStorage newer = new RealStorage(Map.of(shared, List.of(TestObjects.load(),
                        TestObjects.network())), now, 7200);
                WebFixture fx = new WebFixture(List.of(older.uri(), newer.uri())).withTeams()) {
            WebClient admin = fx.admin();
            for (int i = 0; i < 5; i++) { // the web asks the storages again for each request: nothing flips
                JsonNode host = admin.get("/api/hosts/" + shared).json();
                assertThat(pluginNames(host)).containsExactlyInAnyOrder("if_eth0", "load", "memory");
                assertThat(host.path("lastUpdate").asLong()).isGreaterThan(now - 120);
                assertThat(host.path("stale").asBoolean()).as("the newer storage's word").isFalse();
                assertThat(host.path("storages")).extracting(JsonNode::asText)
                        .containsExactlyInAnyOrder(older.uri().toString(), newer.uri().toString());
            }
            // load is in both: read from the newer, which has the last hour; memory only the older has.
            JsonNode load = admin.get("/api/hosts/" + shared + "/plugins/load/data?from=" + (now - 1800) + "&to="
                    + now).json();
            assertThat(knownPoints(load)).isGreaterThan(20);
            JsonNode memory = admin.get("/api/hosts/" + shared + "/plugins/memory/data?from=" + (now - 7200)
                    + "&to=" + now).json();
            assertThat(knownPoints(memory)).isGreaterThan(20);
            assertThat(admin.get("/api/hosts/" + shared + "/plugins/if_eth0").status()).isEqualTo(200);
            JsonNode row = admin.get("/api/hosts?q=shared").json().get(0);
            assertThat(row.path("plugins").asInt()).isEqualTo(3);
            assertThat(row.path("storages").size()).isEqualTo(2);

            // Shown to superusers only: alice sees the host, merged, without the storages.
            assertThat(admin.put("/api/hosts/" + shared + "/groups", "{\"groupIds\":[" + fx.groupA + "]}")
                    .status()).isEqualTo(200);
            JsonNode aliceHost = fx.alice().get("/api/hosts/" + shared).json();
            assertThat(pluginNames(aliceHost)).containsExactlyInAnyOrder("if_eth0", "load", "memory");
            assertThat(aliceHost.has("storages")).isFalse();
            assertThat(fx.alice().get("/api/hosts?q=shared").json().get(0).path("storages").isNull()).isTrue();
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("host " + shared + " is held by 2"))
                .toList()).as("the clash, logged once").hasSize(1).allSatisfy(m -> assertThat(m)
                        .contains("its 3 plugins are merged"));
    }

    private static List<String> pluginNames(JsonNode host) {
        List<String> names = new java.util.ArrayList<>();
        host.path("categories").forEach(c -> c.path("plugins").forEach(p -> names.add(p.path("name").asText())));
        return names;
    }

    private static long knownPoints(JsonNode series) {
        long known = 0;
        for (JsonNode row : series.path("points")) {
            for (int i = 1; i < row.size(); i++) {
                known += row.get(i).isNull() ? 0 : 1;
            }
        }
        return known;
    }

    @Test
    void anAdminAddsAndRemovesAStorageAndItsHostsComeAndGo() throws Exception {
        Map<String, List<Plugin>> second = Map.of("delta.example", List.of(TestObjects.load()));
        try (FixtureStorage other = new FixtureStorage(second, System.currentTimeMillis() / 1000).start();
                WebFixture fx = new WebFixture().withTeams()) {
            WebClient admin = fx.admin();
            assertThat(admin.get("/api/hosts").text()).doesNotContain("delta.example");
            WebClient.Answer added = admin.post("/api/storages", "{\"url\":\"" + other.uri() + "\"}");
            assertThat(added.status()).isEqualTo(201);
            assertThat(admin.post("/api/storages", "{\"url\":\"" + other.uri() + "\"}").status()).isEqualTo(409);
            assertThat(admin.post("/api/storages", "{\"url\":\"file:///etc/passwd\"}").status()).isEqualTo(400);
            assertThat(admin.post("/api/storages", "{\"url\":\"http://user:pw@x/\"}").status()).isEqualTo(400);
            JsonNode storages = admin.get("/api/storages").json();
            assertThat(storages.size()).isEqualTo(2);
            assertThat(storages.get(0).path("id").isNull()).isTrue();
            long id = storages.get(1).path("id").asLong();
            assertThat(storages.get(1).path("uri").asText()).isEqualTo(other.uri().toString());
            assertThat(admin.get("/api/hosts/delta.example").json().path("available").asBoolean()).isTrue();
            assertThat(fx.alice().post("/api/storages", "{\"url\":\"http://x/\"}").status()).isEqualTo(403);
            assertThat(admin.delete("/api/storages/" + id).status()).isEqualTo(204);
            assertThat(admin.delete("/api/storages/" + id).status()).isEqualTo(404);
            assertThat(admin.get("/api/storages").json().size()).isEqualTo(1);
            assertThat(admin.get("/api/hosts/delta.example").json().path("available").asBoolean()).isFalse();
        }
    }

    @Test
    void aStorageThatAnswersButCannotWriteSaysWhyOnTheStoragesPage() throws Exception {
        org.numeter.store.InMemoryStore store = new org.numeter.store.InMemoryStore();
        org.numeter.storage.StorageServer full = org.numeter.storage.StorageServer.builder().store(store)
                .bind("127.0.0.1").port(0).health(() -> org.numeter.component.CheckResult.failed(
                        "collector1: disk full at /var/lib/numeter/rrd/web1/cpu.rrd.tmp: No space left on device"))
                .build();
        full.start();
        try (WebFixture fx = new WebFixture(List.of(URI.create("http://127.0.0.1:" + full.port() + "/")))) {
            JsonNode storages = fx.admin().get("/api/storages").json();
            assertThat(storages.get(0).path("error").isNull()).as("the fixture storage is fine").isTrue();
            assertThat(storages.get(1).path("up").asBoolean()).isTrue();
            assertThat(storages.get(1).path("error").asText()).isEqualTo(
                    "collector1: disk full at /var/lib/numeter/rrd/web1/cpu.rrd.tmp: No space left on device");
        } finally {
            full.close();
            store.close();
        }
    }

    @Test
    void theWebPresentsTheStoragesToken() throws Exception {
        Map<String, List<Plugin>> hosts = Map.of("delta.example", List.of(TestObjects.load()));
        try (FixtureStorage guarded = new FixtureStorage(hosts, System.currentTimeMillis() / 1000)
                .requireToken("s3cret").start()) {
            for (String token : new String[] {"s3cret", "wrong"}) {
                WebServer web = WebServer.builder().bind("127.0.0.1").port(0).passwordCost(4)
                        .database("jdbc:h2:mem:tok-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                        .storages(List.of(guarded.uri())).storageToken(token).adminPassword("admin-secret-1")
                        .console(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).build();
                web.start();
                try {
                    WebClient admin = WebClient.loggedIn(web.uri(), "admin", "admin-secret-1");
                    JsonNode storages = admin.get("/api/storages").json();
                    assertThat(storages.get(0).path("up").asBoolean()).isEqualTo(token.equals("s3cret"));
                    if (!token.equals("s3cret")) {
                        assertThat(storages.get(0).path("error").asText()).endsWith(
                                "refused the web's token (401): check web.storage-token");
                    }
                    assertThat(web.toString()).doesNotContain(token);
                } finally {
                    web.close();
                }
            }
        }
    }

    @Test
    void aStorageThatIsDownMakesItsHostsUnavailableNotAnError() throws Exception {
        Map<String, List<Plugin>> second = Map.of("delta.example", List.of(TestObjects.load()));
        FixtureStorage other = new FixtureStorage(second, System.currentTimeMillis() / 1000).start();
        URI never = closedPort();
        URI otherUri = other.uri();
        try (WebFixture fx = new WebFixture(List.of(otherUri, never))) {
            WebClient admin = fx.admin();
            assertThat(admin.get("/api/hosts").json().findValuesAsText("id")).contains("delta.example");
            other.close();

            JsonNode hosts = admin.get("/api/hosts").json();
            for (JsonNode h : hosts) {
                assertThat(h.path("available").asBoolean()).as(h.toString())
                        .isEqualTo(!h.path("id").asText().equals("delta.example"));
            }
            JsonNode delta = admin.get("/api/hosts/delta.example").json();
            assertThat(delta.path("available").asBoolean()).isFalse();
            assertThat(delta.path("categories").size()).isZero();
            WebClient.Answer data = admin.get("/api/hosts/delta.example/plugins/load/data");
            assertThat(data.status()).isEqualTo(503);
            assertThat(data.text()).isEqualTo("host 'delta.example' is unavailable: no storage that answers holds it now");
            assertThat(admin.get("/hosts/delta.example").status()).isEqualTo(200);
            assertThat(admin.get("/api/hosts/" + WebFixture.HOST_A + "/plugins/load/data").status()).isEqualTo(200);

            JsonNode storages = admin.get("/api/storages").json();
            assertThat(storages.size()).isEqualTo(3);
            assertThat(storages.get(0).path("up").asBoolean()).isTrue();
            assertThat(storages.get(1).path("up").asBoolean()).isFalse();
            assertThat(storages.get(2).path("up").asBoolean()).isFalse();
            assertThat(storages.get(2).path("error").asText()).startsWith("storage " + never);
            // one of three still answers: degraded but ready, the two down named with why
            assertThat(fx.web.check().status()).isEqualTo("DEGRADED");
            assertThat(fx.web.check().detail()).startsWith("2 of 3 storages down: storage " + otherUri)
                    .contains("; storage " + never);
        }
    }
}
