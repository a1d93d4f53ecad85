package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every route the server registered (pages and REST API) as alice, of group A, with each path parameter
 * pointing at something of group B, and proves nothing of it is reachable: no 2xx, no name of B's host in any
 * body (lists, search, tree), no request about B's host reaching the storage, and no change to anything.
 */
class PermissionIT {
    static WebFixture fx;
    static long bobId;
    static long bobTokenId;
    static String aliceToken;

    /** Routes the walk does not call, and why. */
    static final Map<String, String> NOT_WALKED = Map.of(
            "POST /api/login", "takes no session; tested by AuthIT",
            "POST /api/logout", "would end the walking session; tested by AuthIT");

    @BeforeAll
    static void start() {
        fx = new WebFixture().withTeams();
        WebClient bob = fx.bob();
        bobId = bob.get("/api/session").json().path("user").path("id").asLong();
        bobTokenId = bob.post("/api/tokens", "{\"name\":\"bob script\"}").json().path("id").asLong();
        aliceToken = fx.alice().post("/api/tokens", "{\"name\":\"alice script\"}").json().path("token").asText();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** What each path parameter is replaced with: always something alice must not reach. */
    static String bPath(String route) {
        String path = route.substring(route.indexOf(' ') + 1);
        path = path.replace("{host}", WebFixture.HOST_B).replace("{plugin}", "load");
        Matcher m = Pattern.compile("/api/(\\w+)/\\{id}").matcher(path);
        if (m.find()) {
            long id = switch (m.group(1)) {
                case "users" -> bobId;
                case "groups" -> fx.groupB;
                case "tokens" -> bobTokenId;
                default -> throw new AssertionError("no group-B object for " + route + ": add one to this test");
            };
            path = m.replaceFirst("/api/" + m.group(1) + "/" + id);
        }
        assertThat(path).as(route).doesNotContain("{");
        return path + (path.contains("?") ? "&" : "?") + "q=beta&from=1700000000&to=1700086400";
    }

    /** A body that would be valid, so that a refusal is the permission's and not the validation's. */
    static String body(String route) {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("POST /api/users", "{\"username\":\"mallory\",\"password\":\"password-123\",\"superuser\":true}");
        bodies.put("PUT /api/users/{id}", "{\"email\":\"x@example.org\",\"superuser\":true}");
        bodies.put("POST /api/groups", "{\"name\":\"C\"}");
        bodies.put("PUT /api/groups/{id}", "{\"name\":\"renamed\"}");
        bodies.put("PUT /api/hosts/{host}/groups", "{\"groupIds\":[" + fx.groupA + "]}");
        bodies.put("POST /api/tokens", "{\"name\":\"walk\"}");
        bodies.put("PUT /api/session/password", "{\"current\":\"wrong-password\",\"password\":\"new-password-1\"}");
        return bodies.getOrDefault(route, "{}");
    }

    String state() {
        WebClient admin = fx.admin();
        return admin.get("/api/users").text() + admin.get("/api/groups").text() + admin.get("/api/hosts").text()
                + admin.get("/api/groups/" + fx.groupB).text();
    }

    List<String> walk(WebClient alice) {
        List<String> problems = new ArrayList<>();
        int storageRequests = fx.storage.requests().size();
        for (String route : fx.web.routes()) {
            if (NOT_WALKED.containsKey(route)) {
                continue;
            }
            String method = route.substring(0, route.indexOf(' '));
            boolean namesB = route.contains("{");
            WebClient.Answer a = alice.send(method, bPath(route), method.equals("GET") ? null : body(route));
            if (namesB && a.status() < 300) {
                problems.add(route + " answered " + a.status() + " for group B's object");
            }
            if (namesB && a.status() != 403 && a.status() != 404) {
                problems.add(route + " answered " + a.status() + " (" + shortly(a.text()) + "), not 403 or 404");
            }
            if (a.text().contains(WebFixture.HOST_B) && !a.text().startsWith("host '" + WebFixture.HOST_B + "'")) {
                problems.add(route + " shows " + WebFixture.HOST_B + ": " + shortly(a.text()));
            }
        }
        List<String> leaked = fx.storage.requests().subList(storageRequests, fx.storage.requests().size()).stream()
                .filter(p -> p.contains(WebFixture.HOST_B)).toList();
        if (!leaked.isEmpty()) {
            problems.add("the storage was asked about B's host: " + leaked);
        }
        return problems;
    }

    static String shortly(String text) {
        return text.length() <= 160 ? text : text.substring(0, 157) + "...";
    }

    @Test
    void theWalkCoversTheWholeApi() {
        assertThat(fx.web.routes()).contains("GET /api/hosts", "GET /api/hosts/{host}/plugins/{plugin}/data",
                "GET /api/hosts/{host}/plugins/{plugin}/graph.png", "GET /api/tree", "PUT /api/hosts/{host}/groups",
                "GET /hosts/{host}", "GET /admin", "DELETE /api/users/{id}", "DELETE /api/tokens/{id}");
        assertThat(fx.web.routes().size()).isGreaterThan(25);
    }

    @Test
    void nothingOfGroupBIsReachableWithASession() {
        String before = state();
        assertThat(walk(fx.alice())).isEmpty();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void nothingOfGroupBIsReachableWithAnApiToken() {
        String before = state();
        assertThat(walk(WebClient.withToken(fx.uri, aliceToken))).isEmpty();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void searchAndListsShowOnlyGroupAHosts() {
        WebClient alice = fx.alice();
        assertThat(alice.get("/api/hosts").json().findValuesAsText("id")).containsExactly(WebFixture.HOST_A);
        assertThat(alice.get("/api/hosts?q=beta").json().size()).isZero();
        assertThat(alice.get("/api/tree?q=example").text()).contains(WebFixture.HOST_A)
                .doesNotContain(WebFixture.HOST_B).doesNotContain(WebFixture.HOST_NONE);
        assertThat(alice.get("/api/groups").json().findValuesAsText("name")).containsExactly("A");
        assertThat(fx.bob().get("/api/hosts").json().findValuesAsText("id")).containsExactly(WebFixture.HOST_B);
    }

    @Test
    void aHostOfAnotherGroupIsAnswered404LikeAnUnknownOne() {
        WebClient alice = fx.alice();
        WebClient.Answer other = alice.get("/api/hosts/" + WebFixture.HOST_B + "/plugins/load/graph.png");
        WebClient.Answer unknown = alice.get("/api/hosts/nowhere.example/plugins/load/graph.png");
        assertThat(other.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(other.text()).isEqualTo("host '" + WebFixture.HOST_B + "' is unknown");
        assertThat(alice.get("/hosts/" + WebFixture.HOST_B).status()).isEqualTo(404);
        assertThat(alice.get("/hosts/" + WebFixture.HOST_A).status()).isEqualTo(200);
    }

    @Test
    void aNonSuperuserCannotChangeUsersGroupsOrHosts() {
        WebClient alice = fx.alice();
        long aliceId = alice.get("/api/session").json().path("user").path("id").asLong();
        String before = state();
        assertThat(alice.post("/api/users", body("POST /api/users")).status()).isEqualTo(403);
        assertThat(alice.put("/api/users/" + aliceId, "{\"superuser\":true}").status()).isEqualTo(403);
        assertThat(alice.put("/api/users/" + aliceId, "{\"groupIds\":[" + fx.groupB + "]}").status())
                .isEqualTo(403);
        assertThat(alice.delete("/api/users/" + bobId).status()).isEqualTo(403);
        assertThat(alice.post("/api/groups", "{\"name\":\"C\"}").status()).isEqualTo(403);
        assertThat(alice.put("/api/groups/" + fx.groupA, "{\"name\":\"mine\"}").status()).isEqualTo(403);
        assertThat(alice.delete("/api/groups/" + fx.groupA).status()).isEqualTo(403);
        assertThat(alice.put("/api/hosts/" + WebFixture.HOST_A + "/groups", "{\"groupIds\":[" + fx.groupB + "]}")
                .status()).isEqualTo(403);
        assertThat(alice.get("/api/users").status()).isEqualTo(403);
        assertThat(alice.get("/api/storages").status()).isEqualTo(403);
        assertThat(alice.get("/admin").status()).isEqualTo(403);
        assertThat(state()).isEqualTo(before);
        assertThat(alice.get("/api/session").json().path("user").path("superuser").asBoolean()).isFalse();
    }
}
