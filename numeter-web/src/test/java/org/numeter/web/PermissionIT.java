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
    static long bobViewId;
    static long bobDashboardId;
    static long bobEventId;
    static long storageId;
    static String aliceToken;
    static long bobAckId;
    static long bobSilenceId;
    static long bobContactId;
    static long ruleId;

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
        bobViewId = bob.post("/api/views", "{\"name\":\"bob view\",\"sources\":[{\"host\":\"" + WebFixture.HOST_B
                + "\",\"plugin\":\"load\",\"field\":\"load\"}]}").json().path("id").asLong();
        bobDashboardId = bob.post("/api/dashboards", "{\"name\":\"bob board\",\"viewIds\":[" + bobViewId + "]}")
                .json().path("id").asLong();
        bobEventId = bob.post("/api/events", "{\"at\":1700000000,\"title\":\"bob deploy\",\"hosts\":[\""
                + WebFixture.HOST_B + "\"]}").json().path("id").asLong();
        assertThat(List.of(bobViewId, bobDashboardId, bobEventId)).allMatch(id -> id > 0);
        WebClient admin = fx.admin();
        assertThat(admin.post("/api/storages", "{\"url\":\"http://127.0.0.1:1/\"}").status()).isEqualTo(201);
        storageId = admin.get("/api/storages").json().get(1).path("id").asLong();
        aliceToken = fx.alice().post("/api/tokens", "{\"name\":\"alice script\"}").json().path("token").asText();
        long until = System.currentTimeMillis() / 1000 + 3600;
        bobAckId = bob.post("/api/alerts/acks", "{\"host\":\"" + WebFixture.HOST_B + "\",\"plugin\":\"load\","
                + "\"field\":\"load\",\"comment\":\"bob looks\",\"until\":" + until + "}").json().path("id").asLong();
        bobSilenceId = bob.post("/api/alerts/silences", "{\"hosts\":\"" + WebFixture.HOST_B + "\",\"plugins\":\"*\","
                + "\"until\":" + until + "}").json().path("id").asLong();
        bobContactId = bob.post("/api/alerts/contacts", "{\"name\":\"bob hook\",\"channel\":\"webhook\","
                + "\"target\":\"http://127.0.0.1:9/bob\"}").json().path("id").asLong();
        ruleId = admin.post("/api/alerts/rules", "{\"hosts\":\"beta*\",\"warning\":\"5\"}").json().path("id")
                .asLong();
        assertThat(List.of(bobAckId, bobSilenceId, bobContactId, ruleId)).allMatch(id -> id > 0);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** What each path parameter is replaced with: always something alice must not reach. */
    static String bPath(String route) {
        String path = route.substring(route.indexOf(' ') + 1);
        path = path.replace("{host}", WebFixture.HOST_B).replace("{plugin}", "load");
        Matcher m = Pattern.compile("/(\\w+)/\\{id}").matcher(path);
        if (m.find()) {
            long id = switch (m.group(1)) {
                case "users" -> bobId;
                case "groups" -> fx.groupB;
                case "tokens" -> bobTokenId;
                case "views" -> bobViewId;
                case "dashboards" -> bobDashboardId;
                case "events" -> bobEventId;
                case "storages" -> storageId;
                case "acks" -> bobAckId;
                case "silences" -> bobSilenceId;
                case "contacts" -> bobContactId;
                case "rules" -> ruleId;
                default -> throw new AssertionError("no group-B object for " + route + ": add one to this test");
            };
            path = m.replaceFirst("/" + m.group(1) + "/" + id);
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
        String source = "{\"host\":\"" + WebFixture.HOST_A + "\",\"plugin\":\"load\",\"field\":\"load\"}";
        String bSource = source.replace(WebFixture.HOST_A, WebFixture.HOST_B);
        bodies.put("POST /api/views", "{\"name\":\"v\",\"sources\":[" + bSource + "]}");
        bodies.put("PUT /api/views/{id}", "{\"name\":\"v\",\"sources\":[" + source + "]}");
        bodies.put("POST /api/dashboards", "{\"name\":\"d\",\"viewIds\":[" + bobViewId + "]}");
        bodies.put("PUT /api/dashboards/{id}", "{\"name\":\"d\"}");
        bodies.put("POST /api/skeletons", "{\"name\":\"s\",\"hosts\":\"beta*\",\"plugin\":\"*\",\"field\":\"*\"}");
        bodies.put("POST /api/events", "{\"at\":1700000000,\"title\":\"t\",\"hosts\":[\"" + WebFixture.HOST_B
                + "\"]}");
        bodies.put("POST /api/storages", "{\"url\":\"http://127.0.0.1:2/\"}");
        long until = System.currentTimeMillis() / 1000 + 3600;
        bodies.put("POST /api/alerts/acks", "{\"host\":\"" + WebFixture.HOST_B + "\",\"plugin\":\"load\",\"until\":"
                + until + "}");
        bodies.put("POST /api/alerts/rules", "{\"hosts\":\"*\",\"warning\":\"1\"}");
        bodies.put("PUT /api/session/password", "{\"current\":\"wrong-password\",\"password\":\"new-password-1\"}");
        return bodies.getOrDefault(route, "{}");
    }

    String state() {
        WebClient admin = fx.admin();
        return admin.get("/api/users").text() + admin.get("/api/groups").text() + admin.get("/api/hosts").text()
                + admin.get("/api/groups/" + fx.groupB).text() + admin.get("/api/dashboards").text()
                + admin.get("/api/dashboards/" + bobDashboardId).text() + admin.get("/api/views/" + bobViewId).text()
                + admin.get("/api/events?from=1600000000&to=1900000000").text()
                + admin.get("/api/storages").json().findValuesAsText("uri");
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
                "GET /hosts/{host}", "GET /admin", "DELETE /api/users/{id}", "DELETE /api/tokens/{id}",
                "GET /api/views/{id}/data", "PUT /api/dashboards/{id}", "POST /api/skeletons", "DELETE /api/events/{id}",
                "GET /dashboards/{id}", "GET /api/search", "GET /api/views/{id}/graph.png",
                "GET /hosts/{host}/plugins/{plugin}", "GET /search", "GET /compare", "POST /login");
        assertThat(fx.web.routes().size()).isGreaterThan(25);
    }

    @Test
    void nothingOfGroupBIsReachableWithASession() {
        String before = state();
        assertThat(walk(fx.alice())).isEmpty();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void theSearchFindsNothingOfGroupB() {
        WebClient alice = fx.alice();
        for (String q : List.of("beta", "*", "load", "b*ta*")) {
            WebClient.Answer a = alice.get("/api/search?q=" + q);
            assertThat(a.status()).as(q).isEqualTo(200);
            assertThat(a.text()).as(q).doesNotContain(WebFixture.HOST_B).doesNotContain(WebFixture.HOST_NONE);
        }
        assertThat(alice.get("/api/search?q=load").json().findValuesAsText("host")).containsExactly(WebFixture.HOST_A);
        // a comparison naming group B's host is refused as a whole, before its storage is asked
        int asked = fx.storage.requests().size();
        for (String path : List.of("/api/compare", "/api/compare/data", "/api/compare/graph.png")) {
            WebClient.Answer a = alice.get(path + "?plugin=load&hosts=" + WebFixture.HOST_A + "," + WebFixture.HOST_B);
            assertThat(a.status()).as(path).isEqualTo(404);
            assertThat(a.text()).as(path).isEqualTo("host '" + WebFixture.HOST_B + "' is unknown");
        }
        assertThat(fx.storage.requests().subList(asked, fx.storage.requests().size()))
                .noneMatch(r -> r.contains(WebFixture.HOST_B));
        assertThat(alice.get("/api/compare?plugin=load&hosts=" + WebFixture.HOST_A).json().path("graph")
                .path("series").size()).isEqualTo(1);
        assertThat(fx.admin().get("/api/search?q=load").json().findValuesAsText("host")).containsExactly(
                WebFixture.HOST_A, WebFixture.HOST_B, WebFixture.HOST_NONE);
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
    void aSharedDashboardShowsOnlyTheSourcesTheReaderMaySee() {
        WebClient admin = fx.admin();
        long view = admin.post("/api/views", "{\"name\":\"both\",\"sources\":[{\"host\":\"" + WebFixture.HOST_A
                + "\",\"plugin\":\"load\",\"field\":\"load\"},{\"host\":\"" + WebFixture.HOST_B
                + "\",\"plugin\":\"load\",\"field\":\"load\"}],\"warning\":70}").json().path("id").asLong();
        WebClient.Answer made = admin.post("/api/dashboards", "{\"name\":\"fleet\",\"viewIds\":[" + view
                + "],\"shareGroupIds\":[" + fx.groupA + "]}");
        assertThat(made.status()).isEqualTo(201);
        long board = made.json().path("id").asLong();
        WebClient alice = fx.alice();
        assertThat(alice.get("/api/dashboards").json().findValuesAsText("name")).containsExactly("fleet");
        WebClient.Answer seen = alice.get("/api/dashboards/" + board);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.text()).contains(WebFixture.HOST_A).doesNotContain(WebFixture.HOST_B);
        assertThat(seen.json().path("editable").asBoolean()).isFalse();
        WebClient.Answer data = alice.get("/api/views/" + view + "/data");
        assertThat(data.json().path("labels").toString()).isEqualTo("[\"" + WebFixture.HOST_A + " load.load\"]");
        assertThat(data.json().path("points").get(0).size()).isEqualTo(2);
        assertThat(alice.put("/api/dashboards/" + board, "{\"name\":\"mine\"}").status()).isEqualTo(403);
        assertThat(alice.delete("/api/views/" + view).status()).isEqualTo(403);
        assertThat(fx.bob().get("/api/dashboards/" + board).status()).isEqualTo(404);
        assertThat(admin.get("/api/views/" + view + "/data").json().path("labels").size()).isEqualTo(2);
        assertThat(admin.delete("/api/dashboards/" + board).status()).isEqualTo(204);
        assertThat(admin.delete("/api/views/" + view).status()).isEqualTo(204);
    }

    @Test
    void anEventOnSeveralHostsShowsOnlyTheReadersHosts() {
        WebClient admin = fx.admin();
        long id = admin.post("/api/events", "{\"at\":1700000500,\"title\":\"network cut\",\"comment\":\"both DCs\","
                + "\"hosts\":[\"" + WebFixture.HOST_A + "\",\"" + WebFixture.HOST_B + "\"]}").json().path("id").asLong();
        WebClient alice = fx.alice();
        WebClient.Answer list = alice.get("/api/events?host=" + WebFixture.HOST_A + "&from=1700000000&to=1700001000");
        assertThat(list.json().size()).isEqualTo(1);
        assertThat(list.json().get(0).path("hosts").toString()).isEqualTo("[\"" + WebFixture.HOST_A + "\"]");
        assertThat(list.text()).doesNotContain(WebFixture.HOST_B);
        assertThat(alice.delete("/api/events/" + id).status()).isEqualTo(403);
        assertThat(admin.delete("/api/events/" + id).status()).isEqualTo(204);
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
