package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void theFirstStartPrintsAOneTimePasswordThatMustBeChangedBeforeAnythingElse() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        WebServer web = WebServer.builder().bind("127.0.0.1").port(0).passwordCost(4)
                .database("jdbc:h2:mem:first-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .console(new PrintStream(console, true, StandardCharsets.UTF_8)).build();
        web.start();
        try {
            Matcher m = Pattern.compile("one-time password (\\S+) ").matcher(console.toString());
            assertThat(m.find()).as(console.toString()).isTrue();
            assertThat(m.group(1)).hasSize(16);
            WebClient admin = new WebClient(web.uri());
            WebClient.Answer login = admin.login("admin", m.group(1));
            assertThat(login.json().path("mustChangePassword").asBoolean()).isTrue();
            // every call but changing the password (and logging out) is refused, with the reason and a header
            // the pages follow to the password form; not even an API token can be made with it
            for (String[] call : new String[][] {{"GET", "/api/session"}, {"GET", "/api/hosts"},
                    {"GET", "/api/users"}, {"POST", "/api/tokens"}, {"POST", "/api/users"},
                    {"PUT", "/api/users/1"}, {"DELETE", "/api/users/1"}}) {
                WebClient.Answer a = admin.send(call[0], call[1], call[0].equals("GET") ? null : "{\"name\":\"x\"}");
                assertThat(a.status()).as(call[0] + " " + call[1]).isEqualTo(403);
                assertThat(a.text()).startsWith("change your one-time password first: PUT /api/session/password");
                assertThat(a.headers().firstValue("Numeter-Password-Change")).hasValue("required");
            }
            WebClient.Answer page = admin.get("/");
            assertThat(page.status()).isEqualTo(302);
            assertThat(page.headers().firstValue("Location")).hasValue("/login?change");
            assertThat(admin.put("/api/session/password", "{\"current\":\"" + m.group(1)
                    + "\",\"password\":\"my-own-password\"}").status()).isEqualTo(204);
            assertThat(admin.get("/api/session").json().path("mustChangePassword").asBoolean()).isFalse();
            assertThat(admin.get("/api/users").status()).isEqualTo(200);
            assertThat(admin.post("/api/tokens", "{\"name\":\"script\"}").status()).isEqualTo(201);
            assertThat(web.check().ok()).isTrue();
            assertThat(web.toString()).doesNotContain(m.group(1));
        } finally {
            web.close();
        }
        assertThat(web.check().ok()).isFalse();
    }

    /** A web behind a TLS proxy on 127.0.0.1 that appends the address it saw to X-Forwarded-For. */
    private static WebServer behindProxy(List<String> trusted) {
        return WebServer.builder().bind("127.0.0.1").port(0).passwordCost(4).adminPassword(WebFixture.ADMIN_PASSWORD)
                .database("jdbc:h2:mem:proxy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .trustedProxies(trusted).console(new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8)).build();
    }

    @Test
    void oneAttackerBehindTheTrustedProxyLocksOutOnlyItself() {
        WebServer web = behindProxy(List.of("127.0.0.1"));
        web.start();
        try {
            // 5 failures per username, 20 per client address: the attacker tries many names from one address,
            // and writes its own X-Forwarded-For, to which the proxy appends the address it really came from
            int refused = 0;
            for (int i = 0; i < 25; i++) {
                int status = new WebClient(web.uri()).header("X-Forwarded-For", "10.0.0." + i + ", 203.0.113.7")
                        .login("guess" + i, "wrong-password").status();
                assertThat(status).isIn(401, 429);
                refused += status == 429 ? 1 : 0;
            }
            assertThat(refused).isEqualTo(5);
            // everyone else, through the same proxy, still logs in
            WebClient other = new WebClient(web.uri()).header("X-Forwarded-For", "198.51.100.9");
            assertThat(other.login("admin", WebFixture.ADMIN_PASSWORD).status()).isEqualTo(200);
            assertThat(new WebClient(web.uri()).header("X-Forwarded-For", "203.0.113.7")
                    .login("admin", WebFixture.ADMIN_PASSWORD).status()).isEqualTo(429);
        } finally {
            web.close();
        }
    }

    @Test
    void withoutTrustedProxiesXForwardedForCannotDodgeTheAddressLimit() {
        WebServer web = behindProxy(List.of());
        web.start();
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(new WebClient(web.uri()).header("X-Forwarded-For", "192.0.2." + i)
                        .login("guess" + i, "wrong-password").status()).isEqualTo(401);
            }
            assertThat(new WebClient(web.uri()).header("X-Forwarded-For", "192.0.2.200")
                    .login("guess-new", "wrong-password").status()).isEqualTo(429);
        } finally {
            web.close();
        }
    }
}
