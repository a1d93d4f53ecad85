package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logging in and out, sessions, CSRF, throttled logins, API tokens, the first admin. */
class AuthIT {
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
    void theSessionCookieIsHttpOnlyAndSameSiteStrict() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(fx.uri.resolve("/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"password-123\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("numeter_session=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/");
        assertThat(r.body()).doesNotContain("password");
    }

    @Test
    void aChangeWithoutTheCsrfTokenIsRefused() {
        WebClient admin = fx.admin();
        admin.forgetCsrf();
        assertThat(admin.post("/api/groups", "{\"name\":\"csrf-test\"}").status()).isEqualTo(403);
        assertThat(admin.get("/api/groups").text()).doesNotContain("csrf-test");
        WebClient again = fx.admin();
        WebClient.Answer created = again.post("/api/groups", "{\"name\":\"csrf-test\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(again.delete("/api/groups/" + created.json().path("id").asLong()).status()).isEqualTo(204);
    }

    @Test
    void loggingOutEndsTheSession() {
        WebClient alice = fx.alice();
        assertThat(alice.get("/api/session").status()).isEqualTo(200);
        assertThat(alice.post("/api/logout", "{}").status()).isEqualTo(204);
        assertThat(alice.get("/api/session").status()).isEqualTo(401);
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
        WebClient.Answer wrong = new WebClient(fx.uri).login("bob", "not-his-password");
        WebClient.Answer unknown = new WebClient(fx.uri).login("nobody", "whatever-123");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.text()).isEqualTo(unknown.text()).isEqualTo("wrong username or password");
    }

    @Test
    void repeatedFailuresAreThrottledEvenWithTheRightPasswordAfterwards() {
        WebClient admin = fx.admin();
        assertThat(admin.post("/api/users", "{\"username\":\"carol\",\"password\":\"password-123\"}").status())
                .isEqualTo(201);
        for (int i = 0; i < 5; i++) {
            assertThat(new WebClient(fx.uri).login("carol", "wrong-" + i).status()).isEqualTo(401);
        }
        WebClient.Answer throttled = new WebClient(fx.uri).login("carol", "password-123");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.text()).startsWith("too many failed logins; try again in ");
    }

    @Test
    void anInactiveUserIsLoggedOutAndCannotLogIn() {
        WebClient admin = fx.admin();
        long id = admin.post("/api/users", "{\"username\":\"dave\",\"password\":\"password-123\"}").json().path("id")
                .asLong();
        WebClient dave = WebClient.loggedIn(fx.uri, "dave", "password-123");
        assertThat(admin.put("/api/users/" + id, "{\"active\":false}").status()).isEqualTo(200);
        assertThat(dave.get("/api/session").status()).isEqualTo(401);
        assertThat(new WebClient(fx.uri).login("dave", "password-123").status()).isEqualTo(401);
    }

    @Test
    void apiTokensWorkWithoutCsrfUntilRevoked() {
        WebClient alice = fx.alice();
        WebClient.Answer created = alice.post("/api/tokens", "{\"name\":\"nightly report\"}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().path("token").asText();
        assertThat(token).hasSize(43);
        WebClient script = WebClient.withToken(fx.uri, token);
        assertThat(script.get("/api/hosts").json().findValuesAsText("id")).containsExactly(WebFixture.HOST_A);
        WebClient.Answer made = script.post("/api/tokens", "{\"name\":\"made by script\"}");
        assertThat(made.status()).isEqualTo(201);
        assertThat(alice.get("/api/tokens").text()).contains("nightly report").doesNotContain(token);
        assertThat(alice.delete("/api/tokens/" + created.json().path("id").asLong()).status()).isEqualTo(204);
        assertThat(script.get("/api/hosts").status()).isEqualTo(401);
        assertThat(WebClient.withToken(fx.uri, "forged").get("/api/hosts").status()).isEqualTo(401);
    }

    @Test
    void aUserChangesItsPassword() {
        WebClient admin = fx.admin();
        admin.post("/api/users", "{\"username\":\"erin\",\"password\":\"password-123\"}");
        WebClient erin = WebClient.loggedIn(fx.uri, "erin", "password-123");
        assertThat(erin.put("/api/session/password", "{\"current\":\"bad-guess-1\",\"password\":\"new-password-1\"}")
                .status()).isEqualTo(400);
        assertThat(erin.put("/api/session/password", "{\"current\":\"password-123\",\"password\":\"new-password-1\"}")
                .status()).isEqualTo(204);
        assertThat(new WebClient(fx.uri).login("erin", "password-123").status()).isEqualTo(401);
        assertThat(new WebClient(fx.uri).login("erin", "new-password-1").status()).isEqualTo(200);
    }

    @Test
    void theFirstStartPrintsAOneTimeAdminPasswordThatWorks() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        WebServer web = WebServer.builder().bind("127.0.0.1").port(0).passwordCost(4)
                .database("jdbc:h2:mem:first-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .console(new PrintStream(console, true, StandardCharsets.UTF_8)).build();
        web.start();
        try {
            Matcher m = Pattern.compile("one-time password (\\S+) ").matcher(console.toString());
            assertThat(m.find()).as(console.toString()).isTrue();
            assertThat(m.group(1)).hasSize(16);
            WebClient admin = WebClient.loggedIn(web.uri(), "admin", m.group(1));
            assertThat(admin.get("/api/session").json().path("mustChangePassword").asBoolean()).isTrue();
            assertThat(admin.put("/api/session/password", "{\"current\":\"" + m.group(1)
                    + "\",\"password\":\"my-own-password\"}").status()).isEqualTo(204);
            assertThat(admin.get("/api/session").json().path("mustChangePassword").asBoolean()).isFalse();
            assertThat(web.check().ok()).isTrue();
            assertThat(web.toString()).doesNotContain(m.group(1));
        } finally {
            web.close();
        }
        assertThat(web.check().ok()).isFalse();
    }
}
