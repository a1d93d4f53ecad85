package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.config.Config;
import org.numeter.testkit.PageWait;

/**
 * The host page's health section in a real browser: {@code numeter standalone} runs an exec folder with a plugin that
 * exits 3, one that prints garbage and a healthy one; the poller names the failing ones with why in
 * {@code numeter_plugins}, the collector and storage carry it, and the page (health.js) lists exactly those two,
 * each with its reason.
 */
class PluginHealthPageIT {
    static final String PASSWORD = "plugin-health-test-password";

    @TempDir
    Path dir;

    private void plugin(String name, String fetch) throws IOException {
        Path p = dir.resolve("plugins").resolve(name);
        Files.writeString(p, "#!/bin/sh\nif [ \"$1\" = config ]; then\n  echo 'graph_title " + name
                + "'\n  echo 'graph_category test'\n  echo 'v.label v'\n  exit 0\nfi\n" + fetch + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theHostPageNamesEachFailingPluginWithWhyAndNotTheHealthyOne() throws Exception {
        Files.createDirectories(dir.resolve("plugins"));
        plugin("broken_exit", "echo 'cannot read /nowhere/counter' >&2\nexit 3");
        plugin("broken_garbage", "echo 'v.value 1'\necho 'this is not munin'");
        plugin("fine", "echo 'v.value 42'");
        Map<String, String> overrides = Map.of(
                Settings.DATA_DIR.name(), dir.resolve("data").toString(),
                Settings.POLLER_SOURCES.name(), "exec",
                Settings.POLLER_EXEC_DIRS.name(), dir.resolve("plugins").toString(),
                Settings.POLLER_EXEC_CONF_DIR.name(), dir.resolve("plugin-conf.d").toString(),
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

            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 900)).newPage();
            page.setDefaultTimeout(20_000);
            page.navigate(base + "login");
            page.getByLabel("Username").fill("admin");
            page.getByLabel("Password").fill(PASSWORD);
            page.getByText("Log in").click();
            page.waitForURL(base);

            // The section is filled once, when the page loads: until the storage holds numeter_plugins with both
            // failures, load the page again.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptionsInstanceOf(ConditionTimeoutException.class).until(() -> {
                page.navigate(base + "hosts/" + host);
                PageWait.until(page, "document.querySelectorAll('[data-testid^=\"plugin-health-\"]').length >= 2",
                        Duration.ofSeconds(10));
                return true;
            });

            assertThat(page.getByTestId("plugin-health").locator("strong").textContent())
                    .isEqualTo("2 plugins failing");
            assertThat(page.locator("[data-testid^=\"plugin-health-\"]").evaluateAll(
                    "items => items.map(i => i.dataset.testid)"))
                    .isEqualTo(List.of("plugin-health-broken_exit", "plugin-health-broken_garbage"));
            assertThat(page.getByTestId("plugin-health-broken_exit").textContent())
                    .startsWith("broken_exit failed since ")
                    .contains("'broken_exit' exited with 3: cannot read /nowhere/counter");
            assertThat(page.getByTestId("plugin-health-broken_garbage").textContent())
                    .startsWith("broken_garbage bad output since ")
                    .contains("'this is not munin'");
            assertThat(page.getByTestId("plugin-health").textContent()).doesNotContain("fine");
            // the healthy plugin is drawn, not listed
            PageWait.until(page, "window.numeterGraphs && numeterGraphs['" + host + "/fine']");
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("plugin-health.png")));
        }
    }
}
