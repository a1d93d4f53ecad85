package org.numeter.app;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.numeter.codec.Json;

/**
 * The real Prometheus server (Debian's {@code /usr/bin/prometheus}) on a free loopback port with its own data
 * directory and a configuration written here, scraping every target each second; asked through its own HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final URI base;
    private final Path log;

    private PrometheusServer(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /**
     * Starts Prometheus scraping {@code /metrics} of each job's targets ({@code job -> host:port}) every second, and
     * waits until it is ready.
     */
    static PrometheusServer start(Path dir, Map<String, String> jobs, Path logDir) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: apt-get install prometheus (.ci/run installs it)");
        }
        Files.createDirectories(dir);
        StringBuilder yml = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                """);
        jobs.forEach((job, target) -> yml.append("  - job_name: ").append(job).append('\n')
                .append("    metrics_path: /metrics\n")
                .append("    static_configs:\n")
                .append("      - targets: ['").append(target).append("']\n"));
        Path config = Files.writeString(dir.resolve("prometheus.yml"), yml.toString());
        int port = NumeterProcess.freePort();
        Files.createDirectories(logDir);
        Path log = logDir.resolve("prometheus.log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port + "/"), log);
        try {
            await("prometheus ready on port " + port).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("prometheus exited with " + p.exitValue() + ": "
                                    + Files.readString(log));
                        }
                        try {
                            return HTTP.send(HttpRequest.newBuilder(server.base.resolve("-/ready")).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The series an instant query answers, each {@code {"metric":{...},"value":[t,"v"]}}. */
    List<JsonNode> query(String promql) throws IOException, InterruptedException {
        URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.mapper().readTree(r.body());
        if (r.statusCode() != 200 || !body.path("status").asText().equals("success")) {
            throw new AssertionError("prometheus refused " + promql + ": " + r.statusCode() + " " + r.body());
        }
        List<JsonNode> out = new java.util.ArrayList<>();
        body.path("data").path("result").forEach(out::add);
        return out;
    }

    /** The sum over the series {@code promql} selects, empty when it selects none. */
    OptionalDouble sum(String promql) throws IOException, InterruptedException {
        List<JsonNode> series = query(promql);
        if (series.isEmpty()) {
            return OptionalDouble.empty();
        }
        double total = 0;
        for (JsonNode s : series) {
            total += Double.parseDouble(s.path("value").get(1).asText());
        }
        return OptionalDouble.of(total);
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
