package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.numeter.model.Plugin;

/**
 * A running web over a fixture storage, with two teams: alice in group A sees alpha.example, bob in group B sees
 * beta.example, and gamma.example is in no group. The admin's password is {@link #ADMIN_PASSWORD}.
 */
final class WebFixture implements AutoCloseable {
    static final String ADMIN_PASSWORD = "admin-secret-1";
    static final String PASSWORD = "password-123";
    static final String HOST_A = "alpha.example";
    static final String HOST_B = "beta.example";
    static final String HOST_NONE = "gamma.example";

    final FixtureStorage storage;
    final RealStorage realStorage;
    final WebServer web;
    final URI uri;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    long groupA;
    long groupB;

    WebFixture() {
        this(List.of());
    }

    WebFixture(List<URI> moreStorages) {
        this(moreStorages, false);
    }

    /** The same teams over the real storage server, holding the last 26 hours of the same plugins. */
    static WebFixture overRealStorage() {
        return new WebFixture(List.of(), true);
    }

    /** The same over the real storage, with more storages asked after it. */
    static WebFixture overRealStorage(List<URI> moreStorages) {
        return new WebFixture(moreStorages, true);
    }

    private WebFixture(List<URI> moreStorages, boolean real) {
        Map<String, List<Plugin>> hosts = new LinkedHashMap<>();
        hosts.put(HOST_A, TestObjects.all());
        hosts.put(HOST_B, TestObjects.all());
        hosts.put(HOST_NONE, List.of(TestObjects.load(), TestObjects.hostile()));
        long now = System.currentTimeMillis() / 1000;
        storage = real ? null : new FixtureStorage(hosts, now).start();
        realStorage = real ? new RealStorage(hosts, now, 26 * 3600) : null;
        List<URI> storages = new java.util.ArrayList<>(List.of(real ? realStorage.uri() : storage.uri()));
        storages.addAll(moreStorages);
        web = WebServer.builder().bind("127.0.0.1").port(0)
                .database("jdbc:h2:mem:web-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .storages(storages).adminPassword(ADMIN_PASSWORD).passwordCost(4).storageRefresh(Duration.ZERO)
                .storageTimeout(Duration.ofSeconds(2))
                .console(new PrintStream(console, true, StandardCharsets.UTF_8)).build();
        try {
            web.start();
        } catch (RuntimeException e) {
            closeStorage();
            throw e;
        }
        uri = web.uri();
    }

    /** Creates groups A and B, users alice and bob, and assigns the hosts. */
    WebFixture withTeams() {
        WebClient admin = admin();
        assertThat(admin.get("/api/hosts").status()).isEqualTo(200);
        groupA = admin.post("/api/groups", "{\"name\":\"A\"}").json().path("id").asLong();
        groupB = admin.post("/api/groups", "{\"name\":\"B\"}").json().path("id").asLong();
        assertThat(admin.post("/api/users", "{\"username\":\"alice\",\"email\":\"alice@example.org\",\"password\":\""
                + PASSWORD + "\",\"groupIds\":[" + groupA + "]}").status()).isEqualTo(201);
        assertThat(admin.post("/api/users", "{\"username\":\"bob\",\"password\":\"" + PASSWORD
                + "\",\"groupIds\":[" + groupB + "]}").status()).isEqualTo(201);
        assertThat(admin.put("/api/hosts/" + HOST_A + "/groups", "{\"groupIds\":[" + groupA + "]}").status())
                .isEqualTo(200);
        assertThat(admin.put("/api/hosts/" + HOST_B + "/groups", "{\"groupIds\":[" + groupB + "]}").status())
                .isEqualTo(200);
        return this;
    }

    WebClient admin() {
        return WebClient.loggedIn(uri, "admin", ADMIN_PASSWORD);
    }

    WebClient alice() {
        return WebClient.loggedIn(uri, "alice", PASSWORD);
    }

    WebClient bob() {
        return WebClient.loggedIn(uri, "bob", PASSWORD);
    }

    private void closeStorage() {
        if (storage != null) {
            storage.close();
        }
        if (realStorage != null) {
            realStorage.close();
        }
    }

    @Override
    public void close() {
        web.close();
        closeStorage();
    }
}
