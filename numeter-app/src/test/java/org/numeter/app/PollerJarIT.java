package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.link.Pages;

/**
 * The poller as the launcher starts it: {@code bin/run-jar target/numeter.jar poller} runs the poller's own jar,
 * {@code numeter-poller.jar}, built beside it with only the poller's classes and libraries (docs/decisions.md,
 * "Poller footprint"), and every route of its endpoint answers from that jar, the version 1 page too, which reads
 * metadata with Jackson's databind.
 */
class PollerJarIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Process poller;

    @AfterEach
    void stop() throws Exception {
        if (poller != null) {
            poller.destroy();
            if (!poller.waitFor(30, TimeUnit.SECONDS)) {
                poller.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theLauncherRunsThePollersOwnJarAndEveryRouteAnswers() throws Exception {
        Path jar = Paths.get("target", "numeter-poller.jar").toAbsolutePath();
        assertThat(jar).as("built by the package phase beside numeter.jar").exists();
        Path dir = Paths.get("target", "e2e", "poller-jar").toAbsolutePath();
        Files.createDirectories(dir);
        Path log = dir.resolve("poller.log");
        int port = NumeterProcess.freePort();
        ProcessBuilder pb = new ProcessBuilder(Paths.get("..", "bin", "run-jar").toString(),
                Paths.get("target", "numeter.jar").toString(), "poller",
                "--set", "data-dir=" + dir.resolve("data"), "--set", "poller.host=alone",
                "--set", "poller.port=" + port, "--set", "poller.interval=1s", "--set", "poller.sources=system",
                "--set", "poller.token=drain-alone")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("NUMETER_"));
        poller = pb.start();

        String base = "http://127.0.0.1:" + port;
        await("the poller ready (log " + log + ")").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> get(base + "/ready", null).statusCode() == 200);
        // run-jar execs the JVM: this process is the poller's, on its own jar
        List<String> args = List.of(poller.info().arguments().orElse(new String[0]));
        assertThat(args).as("the JVM's arguments").contains(Paths.get("target", "numeter-poller.jar").toString())
                .doesNotContain(Paths.get("target", "numeter.jar").toString());

        assertThat(get(base + "/health", null).body()).contains("\"status\":\"UP\"");
        assertThat(get(base + "/ready", null).body()).contains("\"name\":\"poller\"");
        assertThat(get(base + "/metrics", null).body()).contains("numeter_poller_cycles_total", "jvm_memory_used_bytes",
                "numeter_http_server_requests_seconds_bucket");
        assertThat(get(base + PollerCommand.STATUS, "drain-alone").body()).contains("\"host\":\"alone\"");
        assertThat(get(base + "/spool/v1/stats", "drain-alone").body()).contains("\"lastSequence\"");
        await("records spooled").atMost(Duration.ofSeconds(30))
                .until(() -> get(base + "/spool/v1/records?max=5", "drain-alone").body().contains("\"records\":[{"));
        HttpResponse<String> v1 = get(base + "/spool/v1/records?max=5", "drain-alone");
        assertThat(v1.statusCode()).isEqualTo(200);
        assertThat(v1.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        HttpResponse<String> v2 = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/spool/v1/records?max=5"))
                .header("Authorization", "Bearer drain-alone").header("Accept", Pages.ACCEPT_BOTH).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(v2.headers().firstValue("Content-Type")).hasValue(Pages.V2);
        assertThat(get(base + "/spool/v1/records", "wrong").statusCode()).isEqualTo(401);
        assertThat(Files.readString(log)).doesNotContain("Exception", "Error");
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
