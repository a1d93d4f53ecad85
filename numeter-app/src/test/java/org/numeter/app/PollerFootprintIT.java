package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.link.Pages;

/**
 * {@code numeter poller} stays small (issue 9: 48 MB resident, docs/decisions.md "Poller footprint"): while it
 * collects and serves every route of its endpoint, its JVM loads none of Jetty, Javalin, Kotlin, Jackson's databind,
 * logback, Micrometer, Prometheus' client or picocli, which the other roles use and which were most of its classes. A change that pulls one of them into
 * the poller's path fails here, not silently in the footprint benchmark.
 */
class PollerFootprintIT {
    private static final List<String> NOT_IN_A_POLLER = List.of("org.eclipse.jetty.", "io.javalin.", "kotlin.",
            "com.fasterxml.jackson.databind.", "ch.qos.logback.", "io.micrometer.", "io.prometheus.", "picocli.");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private NumeterProcess poller;

    @AfterEach
    void stop() {
        if (poller != null) {
            poller.close();
        }
    }

    @Test
    void aPollerServingEveryRouteLoadsNoneOfTheOtherRolesLibraries() throws Exception {
        Path logs = Paths.get("target", "e2e", "poller-footprint");
        Path classes = logs.toAbsolutePath().resolve("classes.log");
        Files.createDirectories(logs);
        Files.deleteIfExists(classes);
        int port = NumeterProcess.freePort();
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Settings.DATA_DIR.name(), logs.toAbsolutePath().resolve("data").toString());
        p.put(Settings.POLLER_HOST.name(), "small");
        p.put(Settings.POLLER_PORT.name(), String.valueOf(port));
        p.put(Settings.POLLER_INTERVAL.name(), "1s");
        p.put(Settings.POLLER_SOURCES.name(), "system");
        p.put(Settings.POLLER_TOKEN.name(), "drain-small");
        poller = NumeterProcess.of("poller", "poller", p, List.of("-Xlog:class+load:file=" + classes), port,
                "/health", logs).start().awaitReady();

        String base = "http://127.0.0.1:" + port;
        assertThat(get(base + "/health", null).body()).contains("\"status\":\"UP\"");
        // from its first answer on, the endpoint serves the poller's check and figures (it opens after the poller)
        assertThat(get(base + "/ready", null).body()).contains("\"name\":\"poller\"");
        assertThat(get(base + "/metrics", null).body()).contains("numeter_poller_cycles_total");
        assertThat(get(base + PollerCommand.STATUS, "drain-small").body()).contains("\"host\":\"small\"");
        assertThat(get(base + "/spool/v1/stats", "drain-small").body()).contains("\"lastSequence\"");
        // (not a page of version 1, which only a collector older than version 2 asks for: turning metadata into
        // JSON again reads it with the mapper)
        HttpResponse<String> v2 = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/spool/v1/records?max=5"))
                .header("Authorization", "Bearer drain-small").header("Accept", Pages.ACCEPT_BOTH).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(v2.headers().firstValue("Content-Type")).hasValue(Pages.V2);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/spool/v1/ack?upTo=1"))
                .header("Authorization", "Bearer drain-small").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
        assertThat(get(base + "/spool/v1/records", "wrong").statusCode()).isEqualTo(401);
        assertThat(get(base + "/spool/v1/records?max=0", "drain-small").statusCode()).isEqualTo(400);

        // read while it runs: what a JVM loads at its exit (a class-data archive's dump) is not the poller's path
        List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("[class,load]"))
                .map(l -> l.substring(l.indexOf("[class,load]") + "[class,load]".length()).strip().split(" ")[0])
                .toList();
        assertThat(loaded).as("classes loaded by the poller").hasSizeGreaterThan(1000)
                .contains(PollerCommand.class.getName(), "com.sun.net.httpserver.HttpServer");
        assertThat(loaded.stream().filter(c -> NOT_IN_A_POLLER.stream().anyMatch(c::startsWith)).toList())
                .as("classes of the other roles' libraries loaded by the poller (log " + classes + ")").isEmpty();
        // and its log lines are still those of the other roles (PollerLog writes them instead of logback)
        assertThat(Files.readString(poller.log())).containsPattern(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  o\\.n\\.poller\\.Poller - poller for host small started");
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
