package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web end to end over the fixture storage: first admin, hosts appearing, a host's dashboard and its data. */
class WebServerIT {
    static WebFixture fx;

    @BeforeAll
    static void start() {
        fx = new WebFixture().withTeams();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void firstStartCreatesTheAdminWithTheConfiguredPassword() {
        assertThat(fx.console.toString()).contains("created user 'admin' with the configured password");
        JsonNode session = fx.admin().get("/api/session").json();
        assertThat(session.path("user").path("username").asText()).isEqualTo("admin");
        assertThat(session.path("user").path("superuser").asBoolean()).isTrue();
        assertThat(session.path("mustChangePassword").asBoolean()).isFalse();
    }

    @Test
    void aHostPageOpenedBeforeTheWebListedItsHostIsServed() {
        // a web that has asked its storages nothing yet: the page of a host they hold (a bookmark right after a
        // start) learns the host, as the API does, rather than answering 404 until something else refreshes
        try (WebFixture fresh = new WebFixture()) {
            assertThat(fresh.admin().get("/hosts/" + WebFixture.HOST_A).status()).isEqualTo(200);
            assertThat(fresh.admin().get("/hosts/no-such-host.example").status()).isEqualTo(404);
        }
    }

    @Test
    void hostsAppearByThemselvesAndTheAdminSeesThemAll() {
        JsonNode hosts = fx.admin().get("/api/hosts").json();
        List<String> ids = new ArrayList<>();
        hosts.forEach(h -> ids.add(h.path("id").asText()));
        assertThat(ids).containsExactly(WebFixture.HOST_A, WebFixture.HOST_B, WebFixture.HOST_NONE);
        JsonNode tree = fx.admin().get("/api/tree").json();
        assertThat(tree.path("unassigned").get(0).path("id").asText()).isEqualTo(WebFixture.HOST_NONE);
        assertThat(tree.path("groups").size()).isEqualTo(2);
    }

    @Test
    void aHostDashboardListsItsPluginsByCategory() {
        JsonNode host = fx.alice().get("/api/hosts/" + WebFixture.HOST_A).json();
        assertThat(host.path("available").asBoolean()).isTrue();
        assertThat(host.path("categories").findValues("lastUpdate")).hasSize(3)
                .allSatisfy(t -> assertThat(t.asLong()).isPositive());
        assertThat(host.path("categories").toString().replaceAll(",\"lastUpdate\":\\d+", ""))
                .isEqualTo("[{\"name\":\"network\",\"plugins\":[{\"name\":\"if_eth0\",\"title\":\"eth0 traffic\","
                        + "\"category\":\"network\"}]},{\"name\":\"system\",\"plugins\":[{\"name\":\"load\","
                        + "\"title\":\"Load average\",\"category\":\"system\"},{\"name\":\"memory\","
                        + "\"title\":\"Memory usage\",\"category\":\"system\"}]}]");
    }

    @Test
    void dataComesInTheGraphsOrderWithTheNegativeHalfBelowTheAxis() {
        long to = System.currentTimeMillis() / 1000;
        JsonNode data = fx.alice().get("/api/hosts/" + WebFixture.HOST_A + "/plugins/if_eth0/data?from="
                + (to - 3600) + "&to=" + to + "&points=60").json();
        assertThat(data.path("labels").toString()).isEqualTo("[\"bps\",\"bps (-)\"]");
        assertThat(data.path("points").size()).isBetween(59, 60);
        for (JsonNode row : data.path("points")) {
            assertThat(row.get(1).asDouble()).isPositive();
            assertThat(row.get(2).asDouble()).isNegative();
        }
        // up's cdef (up,8,*) turns bytes into bits; the fixture's wave for 'up' and 'down' are known.
        JsonNode first = data.path("points").get(0);
        long t = first.get(0).asLong();
        assertThat(first.get(1).asDouble()).isCloseTo(8 * (50 + 40 * Math.sin(t / 3600.0 + 0) * 3 / 3),
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(first.get(2).asDouble()).isCloseTo(-(50 + 40 * Math.sin(t / 3600.0 + 1) * 2 / 3),
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void thePngIsDrawnByTheWebAtTheAskedSizeFromTheStoragesData() {
        int asked = fx.storage.requests().size();
        WebClient.Answer png = fx.alice().get("/api/hosts/" + WebFixture.HOST_A
                + "/plugins/load/graph.png?width=400&height=150");
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(Png.size(png.bytes())).containsExactly(400, 150);
        // from the data, not the storage's own PNG
        assertThat(fx.storage.requests().subList(asked, fx.storage.requests().size()))
                .anyMatch(r -> r.endsWith("/plugins/load/data")).noneMatch(r -> r.contains("graph.png"));
        assertThat(fx.alice().get("/api/hosts/" + WebFixture.HOST_A + "/plugins/load/graph.png?hidden=3").text())
                .isEqualTo("hidden '3': '3' is not a series index from 0 to 0");
        assertThat(fx.alice().get("/api/hosts/" + WebFixture.HOST_A + "/plugins/load/graph.png?tz=Mars/Olympus")
                .status()).isEqualTo(400);
    }

    @Test
    void pagesNeedALogin() {
        WebClient anonymous = new WebClient(fx.uri);
        assertThat(anonymous.get("/").status()).isEqualTo(302);
        assertThat(anonymous.get("/api/hosts").status()).isEqualTo(401);
        assertThat(anonymous.get("/login").status()).isEqualTo(200);
        assertThat(fx.alice().get("/").text()).contains("<main id=\"main\">");
    }
}
