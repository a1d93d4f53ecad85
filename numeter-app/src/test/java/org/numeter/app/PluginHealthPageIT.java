package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.testkit.PageWait;

/**
 * The host page's health section in a real browser: {@code numeter standalone} runs an exec folder with a plugin that
 * exits 3, one that prints garbage and a healthy one; the poller names the failing ones with why in
 * {@code numeter_plugins}, the collector and storage carry it, and the page (health.js) lists exactly those two,
 * each with its reason.
 */
class PluginHealthPageIT {
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
        Map<String, String> settings = Map.of(
                Settings.POLLER_SOURCES.name(), "exec",
                Settings.POLLER_EXEC_DIRS.name(), dir.resolve("plugins").toString(),
                Settings.POLLER_EXEC_CONF_DIR.name(), dir.resolve("plugin-conf.d").toString());
        try (StandaloneInBrowser web = StandaloneInBrowser.start(dir.resolve("data"), settings)) {
            String host = web.host();
            String base = web.base();
            Page page = web.page();

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
            web.screenshot("plugin-health.png");
        }
    }
}
