package org.numeter.app;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.numeter.config.Config;
import org.numeter.testkit.Chromium;

/**
 * {@code numeter standalone} in this JVM, faster than its defaults so that graphs fill within seconds (poller every
 * 2 s, collector and storage every 1 s), its web on a free port of 127.0.0.1, and a page of Debian's headless
 * Chromium logged in to it as admin: what the browser tests of the whole share. Screenshots go to
 * {@code target/screenshots}.
 */
final class StandaloneInBrowser implements AutoCloseable {
    private static final String PASSWORD = "standalone-browser-test-password";

    private final Standalone standalone;
    private final Playwright playwright;
    private final Browser browser;
    private final Page page;

    private StandaloneInBrowser(Standalone standalone, Playwright playwright, Browser browser, Page page) {
        this.standalone = standalone;
        this.playwright = playwright;
        this.browser = browser;
        this.page = page;
    }

    /** Standalone's defaults ({@link StandaloneCommand#DEFAULTS}) with {@code overrides} over them. */
    static Config config(Map<String, String> overrides) {
        return Config.of(Settings.all().stream()
                .map(k -> StandaloneCommand.DEFAULTS.containsKey(k.name())
                        ? k.withDefault(StandaloneCommand.DEFAULTS.get(k.name())) : k)
                .toList(), overrides);
    }

    /**
     * Starts standalone with its data in {@code data} and {@code settings} over the fast ones, and logs a 1360x1000
     * page in to its web.
     */
    static StandaloneInBrowser start(Path data, Map<String, String> settings) throws Exception {
        Map<String, String> overrides = new HashMap<>(Map.of(
                Settings.DATA_DIR.name(), data.toString(),
                Settings.POLLER_INTERVAL.name(), "2s",
                Settings.COLLECTOR_INTERVAL.name(), "1s",
                Settings.STORAGE_INTERVAL.name(), "1s",
                Settings.WEB_PORT.name(), "0",
                Settings.WEB_BIND.name(), "127.0.0.1",
                Settings.WEB_ADMIN_PASSWORD.name(), PASSWORD));
        overrides.putAll(settings);
        Standalone standalone = new Standalone(config(overrides));
        Playwright playwright = null;
        Browser browser = null;
        try {
            playwright = Chromium.playwright();
            browser = Chromium.launch(playwright);
            standalone.start();
            String base = standalone.webUri().toString();
            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 1000)).newPage();
            page.setDefaultTimeout(20_000);
            page.navigate(base + "login");
            page.getByLabel("Username").fill("admin");
            page.getByLabel("Password").fill(PASSWORD);
            page.getByText("Log in").click();
            page.waitForURL(base);
            return new StandaloneInBrowser(standalone, playwright, browser, page);
        } catch (Exception | Error e) {
            close(standalone, browser, playwright);
            throw e;
        }
    }

    Standalone standalone() {
        return standalone;
    }

    /** The host standalone collects: this machine. */
    String host() {
        return standalone.host();
    }

    /** The web's address, ending with {@code /}. */
    String base() {
        return standalone.webUri().toString();
    }

    /** The logged-in page. */
    Page page() {
        return page;
    }

    /** Saves what the page shows as {@code target/screenshots/<name>}. */
    void screenshot(String name) throws IOException {
        Path screenshots = Files.createDirectories(Paths.get("target", "screenshots"));
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve(name)));
    }

    @Override
    public void close() {
        close(standalone, browser, playwright);
    }

    private static void close(Standalone standalone, Browser browser, Playwright playwright) {
        try {
            Chromium.close(browser, playwright);
        } finally {
            standalone.close();
        }
    }
}
