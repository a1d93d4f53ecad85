package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.alert.AlertEngine;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.StorageServer;
import org.numeter.store.InMemoryStore;
import org.numeter.testkit.Chromium;

/**
 * Alerts in Debian's headless Chromium: a real storage server whose alert engine judged a host's load critical and
 * its memory warning, beside the fixture storage; alice (whose group holds the host) sees the count in the top bar,
 * the Problems page grouped by host, acknowledges one, and finds the change as a marker on the graph; bob sees
 * nothing. Screenshots go to target/screenshots.
 */
class AlertBrowserIT {
    static final String HOST = "alert.example";

    @TempDir
    static Path dir;

    static InMemoryStore store;
    static AlertEngine engine;
    static StorageServer storage;
    static WebFixture fx;
    static Playwright playwright;
    static Browser browser;
    BrowserContext context;
    Page page;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(BrowserIT.SCREENSHOTS);
        store = new InMemoryStore();
        engine = AlertEngine.builder(dir.resolve("alerts")).store(store).build();
        engine.start();
        Plugin load = Plugin.builder("load").title("Load average").category("system")
                .field(Field.builder("load").warning("5").critical("10").build()).build();
        Plugin memory = Plugin.builder("memory").title("Memory").category("system")
                .field(Field.builder("used").warning(":80").build()).build();
        long now = System.currentTimeMillis() / 1000;
        List<SampleBatch> batches = new ArrayList<>();
        for (long t = now - 1800; t <= now; t += 60) {
            boolean first = t == now - 1800;
            batches.add(new SampleBatch(HOST, "load", t, Map.of("load", t < now - 600 ? 1.0 : 12.0),
                    first ? load : null));
            batches.add(new SampleBatch(HOST, "memory", t, Map.of("used", t < now - 300 ? 50.0 : 90.0),
                    first ? memory : null));
        }
        store.write(batches);
        engine.written(batches);
        storage = StorageServer.builder().store(store).alerts(engine).bind("127.0.0.1").port(0).build();
        storage.start();
        fx = new WebFixture(List.of(URI.create("http://127.0.0.1:" + storage.port() + "/"))).withTeams();
        WebClient admin = fx.admin();
        assertThat(admin.get("/api/hosts").text()).contains(HOST);
        assertThat(admin.put("/api/hosts/" + HOST + "/groups", "{\"groupIds\":[" + fx.groupA + "]}").status())
                .isEqualTo(200);
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void stop() {
        Chromium.close(browser, playwright);
        if (fx != null) {
            fx.close();
        }
        if (storage != null) {
            storage.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @BeforeEach
    void open() {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 900).setTimezoneId("UTC"));
        page = context.newPage();
        page.setDefaultTimeout(15_000);
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    void logIn(String user) {
        page.navigate(fx.uri + "login");
        page.getByLabel("Username").fill(user);
        page.getByLabel("Password").fill(WebFixture.PASSWORD);
        page.getByText("Log in").click();
        page.waitForURL(fx.uri.toString());
    }

    void waitFor(String condition) {
        org.numeter.testkit.PageWait.until(page, condition);
    }

    @Test
    void theBadgeTheProblemsPageAndAnAcknowledgement() {
        logIn("alice");
        page.locator("[data-testid=problems-count]:text('2')").waitFor();
        page.locator("[data-testid=nav-problems]").click();
        page.waitForURL(fx.uri + "problems");
        page.locator("[data-testid='problems-host-" + HOST + "']").waitFor();
        // grouped by host, newest first: memory went warning after load went critical
        assertThat(page.locator("[data-testid='problems-host-" + HOST + "'] tr.problem").count()).isEqualTo(2);
        assertThat(String.valueOf(page.evaluate("() => Array.from(document.querySelectorAll('tr.problem'))"
                + ".map(r => r.dataset.testid + ' ' + r.dataset.state).join(',')")))
                .isEqualTo("problem-" + HOST + "/memory/used WARNING,problem-" + HOST + "/load/load CRITICAL");
        assertThat(page.locator("[data-testid='problem-" + HOST + "/load/load']").textContent())
                .contains("CRITICAL").contains("load.load").contains("value 12 critical 10 (above 10)");
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserIT.SCREENSHOTS.resolve("problems.png")));

        page.locator("[data-testid='ack-comment-" + HOST + "/load/load']").fill("looking at it");
        page.locator("[data-testid='ack-" + HOST + "/load/load']").click();
        page.locator("[data-testid='acked-" + HOST + "/load/load']").waitFor();
        assertThat(page.locator("[data-testid='acked-" + HOST + "/load/load']").textContent())
                .startsWith("acknowledged by alice until").endsWith(": looking at it");
        page.locator("[data-testid=problems-count]:text('1')").waitFor();
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserIT.SCREENSHOTS.resolve("problems-acked.png")));

        // the change is a marker on the load graph, told apart from user events
        page.locator("[data-testid='problem-" + HOST + "/load/load'] a").click();
        waitFor("window.numeterGraphs && numeterGraphs['" + HOST + "/load'] && numeterGraphs['" + HOST
                + "/load'].loads >= 1 && numeterGraphs['" + HOST + "/load'].dygraph");
        waitFor("numeterGraphs['" + HOST + "/load'].dygraph.annotations().length === 1");
        assertThat(page.evaluate("() => numeterGraphs['" + HOST + "/load'].dygraph.annotations()[0].shortText"))
                .isEqualTo("C");
        assertThat(String.valueOf(page.evaluate("() => numeterGraphs['" + HOST
                + "/load'].dygraph.annotations()[0].cssClass"))).contains("alert-critical");
    }

    @Test
    void aUserAddsAWebhookContactOnTheAccountPage() {
        logIn("alice");
        page.navigate(fx.uri + "account");
        page.locator("[data-testid=contact-name]").fill("team chat");
        page.locator("[data-testid=contact-channel]").selectOption("webhook");
        page.locator("[data-testid=contact-target]").fill("https://chat.example.org/hooks/abc");
        page.getByText("Add contact").click();
        page.locator("td:text('https://chat.example.org/hooks/abc')").waitFor();
        assertThat(fx.alice().get("/api/alerts/contacts").json().get(0).get("channel").asText()).isEqualTo("webhook");
        // a command contact is the superusers': alice is not offered one
        assertThat(page.locator("[data-testid=contact-channel] option").allTextContents())
                .containsExactly("email", "webhook");
    }

    @Test
    void aUserOfAnotherGroupSeesNoProblem() {
        logIn("bob");
        page.locator("[data-testid=problems-count]:text('0')").waitFor();
        page.navigate(fx.uri + "problems");
        page.locator("[data-testid=no-problems]").waitFor();
        assertThat(page.content()).doesNotContain(HOST);
    }
}
