package org.numeter.poller.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.poller.Sources;

/** The prometheus source scraping a live HTTP endpoint served by the test with node_exporter's recorded text. */
class PrometheusSourceIT {
    private HttpServer server;
    private volatile int status = 200;
    private final List<String> problems = new ArrayList<>();

    @BeforeEach
    void serve() throws IOException {
        byte[] body = (String.join("\n", ExpositionParserTest.recorded()) + "\nbroken{ 1\n")
                .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
    }

    private List<SampleBatch> collect(PrometheusSource source) throws Exception {
        return source.collect(new Cycle("web1", 1_700_000_000L, (p, m) -> problems.add(p + ": " + m)));
    }

    @Test
    void scrapesEveryFamilyAndReportsTheBadLine() throws Exception {
        List<SampleBatch> batches = collect(new PrometheusSource(URI.create(url()), null, "", null,
                Duration.ofSeconds(5)));

        // 283 families, the one summary in three plugins (quantiles, sum, count)
        assertThat(batches).hasSize(285);
        assertThat(problems).containsExactly("prometheus " + url() + ": line 'broken{ 1': labels are not"
                + " name=\"value\" at column 9");
        SampleBatch load = batches.stream().filter(b -> b.plugin().equals("node_load1")).findFirst().orElseThrow();
        assertThat(load.values()).containsExactly(Map.entry("value", 5.88));
        assertThat(load.host()).isEqualTo("web1");
    }

    @Test
    void keepsOnlyIncludedFamiliesUnderAPrefix() throws Exception {
        PrometheusSource source = (PrometheusSource) Sources.create("prometheus", Map.of("url", url(),
                "include", "node_load.*|node_cpu_seconds_total", "prefix", "prom_", "host", "exporter1"));

        List<SampleBatch> batches = collect(source);

        assertThat(batches).extracting(SampleBatch::plugin)
                .containsExactly("prom_node_cpu_seconds_total", "prom_node_load1", "prom_node_load15",
                        "prom_node_load5");
        assertThat(batches).extracting(SampleBatch::host).containsOnly("exporter1");
    }

    @Test
    void anErrorStatusFailsTheCycle() {
        status = 503;
        PrometheusSource source = new PrometheusSource(URI.create(url()), null, "", null, Duration.ofSeconds(5));

        assertThatThrownBy(() -> collect(source)).hasMessage(url() + " answered 503");
    }
}
