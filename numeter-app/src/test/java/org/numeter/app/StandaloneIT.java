package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.testkit.PageWait;

/**
 * The walking skeleton end to end: {@code numeter standalone} collects this machine with the real {@code system}
 * source, and a real browser shows its graphs drawn from real data. The screenshot it takes is README.md's.
 */
class StandaloneIT {
    @TempDir
    Path data;

    @Test
    void aBrowserShowsThisMachinesGraphsWithRealData() throws Exception {
        try (StandaloneInBrowser web = StandaloneInBrowser.start(data, Map.of())) {
            Standalone standalone = web.standalone();
            String host = web.host();
            String base = web.base();
            Page page = web.page();

            // The FINE archives have a 10 s step: within a few steps the cpu and load graphs hold known points.
            String cpu = host + "/cpu";
            String load = host + "/load";
            // A page loaded before the storage knows both plugins never draws them: load it again, so a wait on
            // one page load that times out is one more try, not the end.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptionsInstanceOf(ConditionTimeoutException.class).until(() -> {
                page.navigate(base + "hosts/" + host + "?range=hour");
                PageWait.until(page, "window.numeterGraphs"
                        + " && numeterGraphs['" + cpu + "'] && numeterGraphs['" + cpu + "'].loads >= 1"
                        + " && numeterGraphs['" + load + "'] && numeterGraphs['" + load + "'].loads >= 1",
                        Duration.ofSeconds(20));
                return knownRows(page, cpu) >= 2 && knownRows(page, load) >= 2;
            });
            assertThat(page.evaluate("numeterGraphs['" + cpu + "'].dygraph.getLabels()").toString())
                    .contains("user", "system", "idle");
            assertThat(page.locator("h2").allTextContents()).contains("system");
            web.screenshot("standalone.png");

            // Nothing stays behind in the poller's spool: every hop acknowledged what it moved.
            assertThat(standalone.check().ok()).as(standalone.check().detail()).isTrue();

            // one process, one /ready and one /metrics, on the web's port: every role's check and figures
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                var ready = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "ready"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(org.numeter.codec.Json.mapper().readTree(ready.body()).path("checks")
                        .findValuesAsText("name")).containsExactly("alerts", "storage", "collector", "poller", "web");
                var metrics = org.numeter.testkit.Scrape.parse(http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                assertThat(metrics.value("numeter_spool_appended_total", "spool", "poller").orElseThrow())
                        .isPositive();
                assertThat(metrics.value("numeter_spool_appended_total", "spool", "collector").orElseThrow())
                        .isPositive();
                assertThat(metrics.value("numeter_drain_records_total", "role", "collector", "upstream", host)
                        .orElseThrow()).isPositive();
                assertThat(metrics.value("numeter_drain_records_total", "role", "storage").orElseThrow())
                        .isPositive();
                assertThat(metrics.value("numeter_ingest_points_total").orElseThrow()).isPositive();
                assertThat(metrics.value("numeter_poller_samples_total", "source", "system").orElseThrow())
                        .isPositive();
                assertThat(metrics.has("numeter_web_storage_up")).isTrue();
            }
        }
    }

    /** Rows of a graph with at least one known value, read from dygraphs' own data. */
    private static int knownRows(Page page, String key) {
        Object n = page.evaluate("(() => { const g = numeterGraphs['" + key + "'].dygraph; let n = 0;"
                + " for (let r = 0; r < g.numRows(); r++) {"
                + "   for (let c = 1; c < g.numColumns(); c++) {"
                + "     const v = g.getValue(r, c); if (v !== null && !isNaN(v)) { n++; break; } } }"
                + " return n; })()");
        return ((Number) n).intValue();
    }
}
