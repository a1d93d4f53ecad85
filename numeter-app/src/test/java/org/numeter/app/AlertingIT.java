package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.alert.notify.WebhookChannel;
import org.numeter.codec.Json;

/**
 * Alerting end to end, every role a process of its own: a munin-style plugin (run by the poller's exec source)
 * whose two fields cross warning, then critical, then come back; the storage judges the points, the web shows the
 * problems and the history, and notifies one e-mail (to GreenMail) and one signed webhook (to a receiver started
 * here) per change, both fields in one message. The web and the storage are SIGKILLed mid-incident and restarted,
 * and the webhook receiver is down while the last change happens: every notice arrives once. A user of another
 * group sees none of it.
 */
@Timeout(240)
class AlertingIT {
    static final String HOST = "alert-host";
    static final String PLUGIN = "load_test";
    static final String PASSWORD = "alerting-admin-password";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path data;

    private final List<NumeterProcess> roles = new ArrayList<>();
    private GreenMail smtp;
    private HttpServer receiver;
    private final List<JsonNode> hooks = new CopyOnWriteArrayList<>();
    private final List<String> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean receiverDown;

    @AfterEach
    void stop() {
        for (NumeterProcess p : roles) {
            p.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private NumeterProcess role(String name, Map<String, String> settings, int port, String ready, Path logs)
            throws IOException {
        NumeterProcess p = NumeterProcess.of(name, name, settings, List.of(), port, ready, logs);
        roles.add(p);
        return p;
    }

    @Test
    void aPluginCrossesItsLimitsAndEveryoneWhoShouldIsToldOnce() throws Exception {
        Path logs = Paths.get("target", "e2e", "alerting");
        Path value = data.resolve("value");
        Files.writeString(value, "1\n");
        Path plugins = Files.createDirectories(data.resolve("plugins"));
        Path script = plugins.resolve(PLUGIN);
        Files.writeString(script, String.join("\n", "#!/bin/sh",
                "if [ \"$1\" = config ]; then",
                "  echo 'graph_title Test load'", "  echo 'graph_category test'",
                "  echo 'a.label a'", "  echo 'a.warning 5'", "  echo 'a.critical 10'",
                "  echo 'b.label b'", "  echo 'b.warning 5'", "  echo 'b.critical 10'",
                "  exit 0", "fi",
                "v=$(cat " + value + ")", "echo \"a.value $v\"", "echo \"b.value $v\"", ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        int smtpPort = NumeterProcess.freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        String hookUrl = startReceiver();

        int pollerPort = NumeterProcess.freePort();
        int collectorPort = NumeterProcess.freePort();
        int storagePort = NumeterProcess.freePort();
        int webPort = NumeterProcess.freePort();
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Settings.DATA_DIR.name(), data.resolve("poller").toString());
        p.put(Settings.POLLER_HOST.name(), HOST);
        p.put(Settings.POLLER_PORT.name(), String.valueOf(pollerPort));
        p.put(Settings.POLLER_INTERVAL.name(), "1s");
        p.put(Settings.POLLER_SOURCES.name(), "exec");
        p.put(Settings.POLLER_EXEC_DIRS.name(), plugins.toString());
        Map<String, String> c = new LinkedHashMap<>();
        c.put(Settings.DATA_DIR.name(), data.resolve("collector").toString());
        c.put(Settings.COLLECTOR_PORT.name(), String.valueOf(collectorPort));
        c.put(Settings.COLLECTOR_POLLERS.name(), HOST + "=http://127.0.0.1:" + pollerPort);
        c.put(Settings.COLLECTOR_INTERVAL.name(), "1s");
        Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.DATA_DIR.name(), data.resolve("storage").toString());
        s.put(Settings.STORAGE_PORT.name(), String.valueOf(storagePort));
        s.put(Settings.STORAGE_COLLECTORS.name(), "http://127.0.0.1:" + collectorPort);
        s.put(Settings.STORAGE_INTERVAL.name(), "1s");
        s.put(Settings.STORAGE_ARCHIVES.name(), "fine");
        s.put(Settings.STORAGE_STEP.name(), "1s");
        // a restarted storage is not a silent host: stale only after 2 minutes of 1 s steps
        s.put(Settings.STORAGE_STALE_AFTER.name(), "120");
        Map<String, String> w = new LinkedHashMap<>();
        w.put(Settings.DATA_DIR.name(), data.resolve("web").toString());
        w.put(Settings.WEB_BIND.name(), "127.0.0.1");
        w.put(Settings.WEB_PORT.name(), String.valueOf(webPort));
        w.put(Settings.WEB_STORAGES.name(), "http://127.0.0.1:" + storagePort);
        w.put(Settings.WEB_ADMIN_PASSWORD.name(), PASSWORD);
        w.put(Settings.WEB_HOST_GROUPS.name(), HOST + "=ops");
        w.put(Settings.WEB_SMTP_HOST.name(), "127.0.0.1");
        w.put(Settings.WEB_SMTP_PORT.name(), String.valueOf(smtpPort));
        w.put(Settings.WEB_SMTP_STARTTLS.name(), "off");
        w.put(Settings.WEB_SMTP_FROM.name(), "numeter@example.org");
        w.put(Settings.WEB_ALERT_POLL.name(), "300ms");
        w.put(Settings.WEB_ALERT_GROUP_WINDOW.name(), "2s");
        w.put(Settings.WEB_ALERT_RETRY_MIN.name(), "300ms");
        w.put(Settings.WEB_ALERT_RETRY_MAX.name(), "1s");
        NumeterProcess storage = role("storage", s, storagePort, "/api/v1/status", logs).start();
        role("collector", c, collectorPort, "/collector/v1/status", logs).start();
        role("poller", p, pollerPort, "/spool/v1/stats", logs).start();
        NumeterProcess web = role("web", w, webPort, "/api/health", logs).start();
        for (NumeterProcess r : roles) {
            r.awaitReady();
        }

        String base = "http://127.0.0.1:" + webPort;
        Web admin = Web.login(base, "admin", PASSWORD);
        await("the web sees the host").atMost(WAIT).until(() -> admin.get("/api/hosts").toString().contains(HOST));
        long ops = admin.post("/api/groups", Map.of("name", "ops")).path("id").asLong();
        if (ops == 0) {
            ops = groupId(admin, "ops");
        }
        long other = admin.post("/api/groups", Map.of("name", "other")).get("id").asLong();
        admin.post("/api/users", Map.of("username", "alice", "email", "alice@example.org", "password",
                "alice-password", "superuser", false, "groupIds", List.of(ops)));
        admin.post("/api/users", Map.of("username", "bob", "email", "bob@example.org", "password", "bob-password",
                "superuser", false, "groupIds", List.of(other)));
        Web alice = Web.login(base, "alice", "alice-password");
        Web bob = Web.login(base, "bob", "bob-password");
        alice.post("/api/alerts/contacts", Map.of("name", "alice mail", "channel", "email", "target",
                "alice@example.org", "states", List.of("WARNING", "CRITICAL", "UNKNOWN", "OK")));
        admin.post("/api/alerts/contacts", Map.of("name", "ops chat", "channel", "webhook", "target", hookUrl,
                "secret", "hook-secret", "groupId", ops));
        bob.post("/api/alerts/contacts", Map.of("name", "bob mail", "channel", "email", "target", "bob@example.org"));

        // warning: both fields in one notice
        Files.writeString(value, "7\n");
        await("warning is a problem").atMost(WAIT).until(() -> states(alice).equals(List.of("WARNING", "WARNING")));
        awaitNotices(1);
        assertThat(hooks.get(0).get("changes")).hasSize(2);
        assertThat(hooks.get(0).get("text").asText()).contains("WARNING " + HOST + " " + PLUGIN + ".a")
                .contains("WARNING " + HOST + " " + PLUGIN + ".b");

        // critical, and the web is killed as soon as the storage has it: its notice comes after the restart, once
        Files.writeString(value, "12\n");
        await("the storage has critical").atMost(WAIT).until(() -> storageStates(storagePort).contains("CRITICAL"));
        web.kill();
        web.start().awaitReady();
        Web alice2 = Web.login(base, "alice", "alice-password");
        await("critical is a problem").atMost(WAIT).until(() -> states(alice2).equals(List.of("CRITICAL",
                "CRITICAL")));
        awaitNotices(2);

        // the storage is killed mid-incident: its states come back, nothing is announced again
        long changesBefore = feed(storagePort).size();
        storage.kill();
        storage.start().awaitReady();
        await("critical again after the storage's restart").atMost(WAIT)
                .until(() -> states(alice2).equals(List.of("CRITICAL", "CRITICAL")));
        await("the storage drains again").atMost(WAIT).until(() -> pointsSince(storagePort) > 0);
        assertThat(feed(storagePort)).hasSize((int) changesBefore);

        // the receiver is down when the values come back: the webhook is retried, then delivered once
        receiverDown = true;
        Files.writeString(value, "1\n");
        await("recovered").atMost(WAIT).until(() -> states(alice2).isEmpty());
        await("the webhook is refused a few times").atMost(WAIT).until(() -> refused.get() >= 3);
        receiverDown = false;
        awaitNotices(3);

        // nothing more comes: past a few retry periods and poll rounds
        await("no copy arrives").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> smtp.getReceivedMessages().length == 3 && hooks.size() == 3);
        assertThat(smtp.getReceivedMessages()).hasSize(3);
        assertThat(hooks).hasSize(3);
        assertThat(deliveries).doesNotHaveDuplicates();
        List<String> subjects = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            assertThat(m.getAllRecipients()[0].toString()).isEqualTo("alice@example.org");
            subjects.add(m.getSubject());
        }
        assertThat(subjects).containsExactly("[Numeter] WARNING " + HOST + ": 2 changes",
                "[Numeter] CRITICAL " + HOST + ": 2 changes", "[Numeter] OK " + HOST + ": 2 changes");
        assertThat(hooks).extracting(h -> h.get("state").asText()).containsExactly("WARNING", "CRITICAL", "OK");

        // the history, as the graphs' markers read it
        JsonNode history = alice2.get("/api/alerts/history?host=" + HOST + "&from=1");
        List<String> seen = new ArrayList<>();
        for (JsonNode h : history) {
            seen.add(h.get("field").asText() + ":" + h.get("to").asText());
        }
        assertThat(seen).containsExactlyInAnyOrder("a:WARNING", "b:WARNING", "a:CRITICAL", "b:CRITICAL", "a:OK",
                "b:OK");

        // bob, of another group, sees none of it and was told nothing
        assertThat(bob.get("/api/alerts").get("problems")).isEmpty();
        assertThat(bob.status("/api/alerts/history?host=" + HOST)).isEqualTo(404);
        assertThat(bob.get("/api/alerts/history?from=1")).isEmpty();
        assertThat(smtp.getReceivedMessagesForDomain("bob@example.org")).isEmpty();
    }

    private String startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (receiverDown) {
                refused.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
                ex.close();
                return;
            }
            String signature = ex.getRequestHeaders().getFirst(WebhookChannel.SIGNATURE);
            if (WebhookChannel.sign("hook-secret", body).equals(signature)) {
                hooks.add(Json.mapper().readTree(body));
                deliveries.add(ex.getRequestHeaders().getFirst(WebhookChannel.DELIVERY));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(401, -1);
            }
            ex.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private void awaitNotices(int n) {
        await(n + " e-mails and webhooks").atMost(WAIT)
                .until(() -> smtp.getReceivedMessages().length >= n && hooks.size() >= n);
        assertThat(smtp.getReceivedMessages()).hasSize(n);
        assertThat(hooks).hasSize(n);
    }

    private static long groupId(Web admin, String name) throws Exception {
        for (JsonNode g : admin.get("/api/groups")) {
            if (g.get("name").asText().equals(name)) {
                return g.get("id").asLong();
            }
        }
        throw new AssertionError("no group " + name);
    }

    private static List<String> states(Web user) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode p : user.get("/api/alerts").get("problems")) {
            if (PLUGIN.equals(p.path("plugin").asText())) {
                out.add(p.get("state").asText());
            }
        }
        return out;
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static JsonNode storageGet(int port, String path) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static String storageStates(int port) throws Exception {
        return storageGet(port, "/api/v1/alerts").toString();
    }

    private static List<JsonNode> feed(int port) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        storageGet(port, "/api/v1/alerts/changes?after=0").get("changes").forEach(out::add);
        return out;
    }

    private static long pointsSince(int port) throws Exception {
        return storageGet(port, "/api/v1/status").path("points").asLong();
    }

    /** A logged-in user of the web API, with its session cookie and CSRF token. */
    private record Web(String base, HttpClient http, String csrf) {
        static Web login(String base, String user, String password) throws Exception {
            HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(Map.of("username",
                            user, "password", password)))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return new Web(base, http, Json.mapper().readTree(r.body()).path("csrf").asText());
        }

        JsonNode get(String path) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
            return Json.mapper().readTree(r.body());
        }

        int status(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        JsonNode post(String path, Object body) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json").header("X-CSRF-Token", csrf)
                    .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body),
                            StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("POST " + path + ": " + r.body()).isIn(200, 201, 409);
            return r.statusCode() == 409 || r.body().isEmpty() ? Json.mapper().createObjectNode()
                    : Json.mapper().readTree(r.body());
        }
    }
}
