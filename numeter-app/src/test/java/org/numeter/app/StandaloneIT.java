package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.TimeoutError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.config.Config;

/**
 * The walking skeleton end to end: {@code numeter standalone} collects this machine with the real {@code system}
 * source, and a real browser shows its graphs drawn from real data. The screenshot it takes is README.md's.
 */
class StandaloneIT {
    static final String PASSWORD = "standalone-test-password";

    @TempDir
    Path data;

    @Test
    void aBrowserShowsThisMachinesGraphsWithRealData() throws Exception {
        Map<String, String> overrides = Map.of(
                Settings.DATA_DIR.name(), data.toString(),
                Settings.POLLER_INTERVAL.name(), "2s",
                Settings.COLLECTOR_INTERVAL.name(), "1s",
                Settings.STORAGE_INTERVAL.name(), "1s",
                Settings.WEB_PORT.name(), "0",
                Settings.WEB_BIND.name(), "127.0.0.1",
                Settings.WEB_ADMIN_PASSWORD.name(), PASSWORD);
        Config config = Config.of(Settings.all().stream()
                .map(k -> StandaloneCommand.DEFAULTS.containsKey(k.name())
                        ? k.withDefault(StandaloneCommand.DEFAULTS.get(k.name())) : k)
                .toList(), overrides);
        Path screenshots = Files.createDirectories(Paths.get("target", "screenshots"));

        try (Standalone standalone = new Standalone(config);
                Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Paths.get("/usr/bin/chromium")).setHeadless(true)
                        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                "--disable-component-update", "--disable-sync", "--no-first-run")))) {
            standalone.start();
            String host = standalone.host();
            String base = standalone.webUri().toString();

            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 1000)).newPage();
            page.setDefaultTimeout(20_000);
            page.navigate(base + "login");
            page.getByLabel("Username").fill("admin");
            page.getByLabel("Password").fill(PASSWORD);
            page.getByText("Log in").click();
            page.waitForURL(base);

            // The FINE archives have a 10 s step: within a few steps the cpu and load graphs hold known points.
            String cpu = host + "/cpu";
            String load = host + "/load";
            // A page loaded before the storage knows both plugins never draws them: load it again, so a wait on
            // one page load that times out is one more try, not the end.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptionsInstanceOf(TimeoutError.class).until(() -> {
                page.navigate(base + "hosts/" + host + "?range=hour");
                page.waitForCondition(() -> Boolean.TRUE.equals(page.evaluate("() => !!(window.numeterGraphs"
                        + " && numeterGraphs['" + cpu + "'] && numeterGraphs['" + cpu + "'].loads >= 1"
                        + " && numeterGraphs['" + load + "'] && numeterGraphs['" + load + "'].loads >= 1)")));
                return knownRows(page, cpu) >= 2 && knownRows(page, load) >= 2;
            });
            assertThat(page.evaluate("numeterGraphs['" + cpu + "'].dygraph.getLabels()").toString())
                    .contains("user", "system", "idle");
            assertThat(page.locator("h2").allTextContents()).contains("system");
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("standalone.png")));

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
