package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.model.SampleBatch;
import org.numeter.testkit.Chromium;

/**
 * The pages in Debian's headless Chromium, driven by Playwright, over the real storage server: what a user does,
 * checked on dygraphs' own data (the page exposes every graph as {@code window.numeterGraphs}). Screenshots go to
 * target/screenshots.
 */
class BrowserIT {
    static final Path SCREENSHOTS = Paths.get("target", "screenshots");

    static WebFixture fx;
    static Playwright playwright;
    static Browser browser;
    BrowserContext context;
    Page page;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        fx = WebFixture.overRealStorage().withTeams();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void stop() {
        Chromium.close(browser, playwright);
        fx.close();
    }

    @BeforeEach
    void open() {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 900)
                .setAcceptDownloads(true).setTimezoneId("UTC"));
        page = context.newPage();
        page.setDefaultTimeout(15_000);
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    void logIn(String user, String password) {
        logInTo(fx.uri, user, password);
    }

    void logInTo(java.net.URI web, String user, String password) {
        // A page left open after its cookies were cleared may be sending itself to the login page on its own
        // (its next API call answers 401): a new page avoids racing that navigation.
        page.close();
        page = context.newPage();
        page.setDefaultTimeout(15_000);
        page.navigate(web + "login");
        page.getByLabel("Username").fill(user);
        page.getByLabel("Password").fill(password);
        page.getByText("Log in").click();
        page.waitForURL(web.toString());
    }

    /** Waits until a script condition holds on the page ({@link org.numeter.testkit.PageWait}: why not Playwright's own). */
    void waitFor(String condition) {
        waitFor(page, condition);
    }

    static void waitFor(Page page, String condition) {
        org.numeter.testkit.PageWait.until(page, condition);
    }

    void waitForGraph(String key, int loads) {
        waitFor("window.numeterGraphs && window.numeterGraphs['" + key + "'] && window.numeterGraphs['" + key
                + "'].loads >= " + loads);
    }

    /** Opens a host's dashboard, which starts on the last hour for a host this new, then picks a day. */
    void openHostDay(String host, String... keys) {
        page.navigate(fx.uri + "hosts/" + host);
        for (String k : keys) {
            waitForGraph(k, 1);
        }
        assertThat(js("document.querySelector('button.range.active').dataset.range")).isEqualTo("hour");
        assertThat(((Number) js("numeterGraphs['" + keys[0] + "'].lastFetch.to - numeterGraphs['" + keys[0]
                + "'].lastFetch.from")).longValue()).isEqualTo(3600);
        page.locator("button[data-range=day]").click();
        for (String k : keys) {
            waitForGraph(k, 2);
        }
        assertThat(((Number) js("numeterGraphs['" + keys[0] + "'].lastFetch.to - numeterGraphs['" + keys[0]
                + "'].lastFetch.from")).longValue()).isEqualTo(86400);
    }

    /** Drags across a graph from one fraction of its width to another (a zoom); answers its box. */
    com.microsoft.playwright.options.BoundingBox drag(String testId, double from, double to) {
        Locator graph = page.getByTestId("graph-" + testId);
        graph.scrollIntoViewIfNeeded();
        var box = graph.boundingBox();
        double y = box.y + box.height / 2;
        page.mouse().move(box.x + box.width * from, y);
        page.mouse().down();
        page.mouse().move(box.x + box.width * to, y, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(8));
        page.mouse().up();
        return box;
    }

    Object js(String expression) {
        return page.evaluate(expression);
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneLogsIn() {
        page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A);
        assertThat(page.url()).isEqualTo(fx.uri + "login");
        page.getByLabel("Username").fill("alice");
        page.getByLabel("Password").fill("wrong-password");
        page.getByText("Log in").click();
        waitFor("document.getElementById('login-error').textContent.length > 0");
        assertThat(page.locator("#login-error").textContent()).isEqualTo("wrong username or password");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("login.png")));
        page.getByLabel("Password").fill(WebFixture.PASSWORD);
        page.getByText("Log in").click();
        page.waitForURL(fx.uri.toString());
        waitFor("document.getElementById('whoami').textContent.length > 0");
        assertThat(page.locator("#whoami").textContent()).isEqualTo("alice");
    }

    @Test
    void theLoginFormPostsItsPasswordEvenWithoutItsScript() {
        assertThat(page.navigate(fx.uri + "login").ok()).isTrue();
        assertThat(page.locator("#login").getAttribute("method")).isEqualTo("post");
        try (BrowserContext noScript = browser.newContext(new Browser.NewContextOptions().setJavaScriptEnabled(false))) {
            Page p = noScript.newPage();
            List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            p.onRequest(r -> requests.add(r.method() + " " + r.url()));
            p.navigate(fx.uri + "login");
            p.getByLabel("Username").fill("alice");
            p.getByLabel("Password").fill("wrong-password");
            p.getByText("Log in").click();
            p.waitForURL(fx.uri + "login?failed");
            assertThat(p.locator("#login-failed").isVisible()).isTrue();
            p.getByLabel("Username").fill("alice");
            p.getByLabel("Password").fill(WebFixture.PASSWORD);
            p.getByText("Log in").click();
            p.waitForURL(fx.uri.toString());
            assertThat(requests).contains("POST " + fx.uri + "login");
            assertThat(requests).noneMatch(r -> r.contains("password"));
            assertThat(noScript.cookies().stream().map(c -> c.name)).contains("numeter_session");
        }
    }

    @Test
    void aOneTimePasswordLeadsToThePasswordFormBeforeAnythingElse() {
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        WebServer fresh = WebServer.builder().bind("127.0.0.1").port(0).passwordCost(4)
                .database("jdbc:h2:mem:one-time-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .storages(List.of(fx.realStorage.uri()))
                .console(new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8)).build();
        fresh.start();
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("one-time password (\\S+) ")
                    .matcher(console.toString());
            assertThat(m.find()).isTrue();
            String base = fresh.uri().toString();
            page.navigate(base + "login");
            page.getByLabel("Username").fill("admin");
            page.getByLabel("Password").fill(m.group(1));
            page.getByText("Log in").click();
            // the password form, at once: the API would answer nothing else
            page.locator("#change").waitFor();
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("one-time-password.png")));
            // going elsewhere with this session comes back to it
            page.navigate(base + "hosts/" + WebFixture.HOST_A);
            assertThat(page.url()).isEqualTo(base + "login?change");
            assertThat(page.locator("#login-notice").isVisible()).isTrue();
            page.getByLabel("Username").fill("admin");
            page.getByLabel("Password").fill(m.group(1));
            page.getByText("Log in").click();
            page.getByLabel("New password").fill("my-own-password");
            page.getByLabel("Repeat it").fill("my-own-passwrd");
            page.getByText("Change password").click();
            waitFor("document.getElementById('change-error').textContent.length > 0");
            assertThat(page.locator("#change-error").textContent()).isEqualTo("the two passwords differ");
            page.getByLabel("Repeat it").fill("my-own-password");
            page.getByText("Change password").click();
            page.waitForURL(base);
            waitFor("document.getElementById('whoami').textContent.length > 0");
            assertThat(page.locator("#whoami").textContent()).isEqualTo("admin (admin)");
            // the old password no longer works, the new one does
            WebClient api = new WebClient(fresh.uri());
            assertThat(api.login("admin", m.group(1)).status()).isEqualTo(401);
            assertThat(api.login("admin", "my-own-password").json().path("mustChangePassword").asBoolean())
                    .isFalse();
        } finally {
            fresh.close();
        }
    }

    @Test
    void theAutomaticDashboardDrawsEveryPluginFromItsMetadata() {
        logIn("alice", WebFixture.PASSWORD);
        String load = WebFixture.HOST_A + "/load";
        String net = WebFixture.HOST_A + "/if_eth0";
        String mem = WebFixture.HOST_A + "/memory";
        openHostDay(WebFixture.HOST_A, load, net, mem);
        // A day at one point per pixel: the fixture answers whole minutes, so at least the graph's width in rows.
        int width = ((Number) js("document.querySelector('[data-testid=graph-load]').clientWidth")).intValue();
        int rows = ((Number) js("numeterGraphs['" + load + "'].dygraph.numRows()")).intValue();
        assertThat(rows).isGreaterThan(100).isLessThanOrEqualTo(width + 1);
        assertThat(js("numeterGraphs['" + load + "'].dygraph.getLabels()")).isEqualTo(List.of("time", "load"));
        // in/out: the received half is below the axis, the sent half above.
        assertThat(js("numeterGraphs['" + net + "'].dygraph.getLabels()"))
                .isEqualTo(List.of("time", "bps", "bps (-)"));
        // The pair is one legend entry, under the positive field's label, with its "in/out" values.
        assertThat(page.locator("#plugin-if_eth0 .toggles .toggle-label").allTextContents())
                .containsExactly("bps");
        assertThat(page.locator("#plugin-if_eth0 .toggles .toggle-value").textContent())
                .matches(" -?[0-9.]+[kMG]?/[0-9.]+[kMG]?");
        assertThat(((Number) js("numeterGraphs['" + net + "'].dygraph.getValue(3, 1)")).doubleValue()).isPositive();
        assertThat(((Number) js("numeterGraphs['" + net + "'].dygraph.getValue(3, 2)")).doubleValue()).isNegative();
        // memory: munin's order, binary units, swap hidden (graph no); the areas stack, the LINE2 does not.
        assertThat(js("numeterGraphs['" + mem + "'].dygraph.getLabels()"))
                .isEqualTo(List.of("time", "apps", "cache", "free", "committed"));
        String m = "numeterGraphs['" + mem + "']";
        @SuppressWarnings("unchecked")
        List<Number> raw = (List<Number>) js("fetch('/api/hosts/" + WebFixture.HOST_A + "/plugins/memory/data?from='"
                + " + " + m + ".lastFetch.from + '&to=' + " + m + ".lastFetch.to + '&points=' + " + m
                + ".lastFetch.points).then(r => r.json()).then(d => d.points[3])");
        double apps = raw.get(1).doubleValue();
        double cache = raw.get(2).doubleValue();
        double free = raw.get(3).doubleValue();
        double committed = raw.get(4).doubleValue();
        assertThat(((Number) js(m + ".dygraph.getValue(3, 1)")).doubleValue()).isEqualTo(apps);
        assertThat(((Number) js(m + ".dygraph.getValue(3, 2)")).doubleValue()).isEqualTo(apps + cache);
        assertThat(((Number) js(m + ".dygraph.getValue(3, 3)")).doubleValue()).isEqualTo(apps + cache + free);
        assertThat(((Number) js(m + ".dygraph.getValue(3, 4)")).doubleValue()).isEqualTo(committed);
        assertThat(js(m + ".dygraph.getOption('stackedGraph')")).isEqualTo(false);
        // A hidden area holds nothing up: without apps, cache stands on zero.
        page.locator("#plugin-memory .toggle").first().locator("input").uncheck();
        assertThat(((Number) js(m + ".dygraph.getValue(3, 2)")).doubleValue()).isEqualTo(cache);
        assertThat(((Number) js(m + ".dygraph.getValue(3, 3)")).doubleValue()).isEqualTo(cache + free);
        page.locator("#plugin-memory .toggle").first().locator("input").check();
        assertThat(((Number) js(m + ".dygraph.getValue(3, 2)")).doubleValue()).isEqualTo(apps + cache);
        assertThat(js("numeterGraphs['" + mem + "'].dygraph.getOption('labelsKMG2')")).isEqualTo(true);
        assertThat(js("numeterGraphs['" + mem + "'].dygraph.getColors()[2]")).isEqualTo("#00FF00");
        assertThat(page.locator("h2").allTextContents()).containsExactly("network", "system");
        // The tree: group, host, categories, plugins.
        assertThat(page.locator(".tree-group summary").allTextContents()).containsExactly("A");
        assertThat(page.locator(".tree-category").allTextContents()).containsExactly("network", "system");
        assertThat(page.locator(".tree-plugins a").allTextContents())
                .containsExactly("eth0 traffic", "Load average", "Memory usage");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("host-dashboard.png"))
                .setFullPage(true));
    }

    @Test
    void zoomingAndPanningFetchFinerData() {
        logIn("alice", WebFixture.PASSWORD);
        String key = WebFixture.HOST_A + "/load";
        String g = "numeterGraphs['" + key + "']";
        openHostDay(WebFixture.HOST_A, key);
        assertThat(((Number) js(g + ".lastFetch.step")).longValue()).isGreaterThan(60);
        var box = drag("load", 0.80, 0.86);
        double y = box.y + box.height / 2;
        waitForGraph(key, 3);
        assertThat(js(g + ".dygraph.isZoomed('x')")).isEqualTo(true);
        long from = ((Number) js(g + ".zoomWindow.from")).longValue();
        long to = ((Number) js(g + ".zoomWindow.to")).longValue();
        assertThat(to - from).isBetween(3000L, 86400L / 8);
        // The zoomed window comes at the storage's finest step, a point a minute, with half a window on each side.
        assertThat(((Number) js(g + ".lastFetch.step")).longValue()).isEqualTo(60);
        assertThat(((Number) js(g + ".lastFetch.from")).longValue()).isLessThan(from);
        int rows = ((Number) js(g + ".dygraph.numRows()")).intValue();
        assertThat(rows).isBetween((int) (2 * (to - from) / 60) - 2, (int) (2 * (to - from) / 60) + 4);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("zoomed.png")));

        // Shift-drag pans; where the pan stops, the window is fetched again.
        page.keyboard().down("Shift");
        page.mouse().move(box.x + box.width * 0.30, y);
        page.mouse().down();
        page.mouse().move(box.x + box.width * 0.60, y, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(8));
        page.mouse().up();
        page.keyboard().up("Shift");
        waitForGraph(key, 4);
        long pannedFrom = ((Number) js(g + ".zoomWindow.from")).longValue();
        assertThat(pannedFrom).isLessThan(from);
        assertThat(((Number) js(g + ".lastFetch.from")).longValue()).isLessThan(pannedFrom);
        assertThat(((Number) js(g + ".lastFetch.step")).longValue()).isEqualTo(60);
    }

    /** The PNG button's file and the PNG URL's answer, byte for byte, for what the graph shows now. */
    byte[] samePngFromButtonAndUrl(String testId, String fileName) throws IOException {
        String href = page.getByTestId("png-url-" + testId).getAttribute("href");
        Download download = page.waitForDownload(() -> page.getByTestId("png-" + testId).click());
        byte[] button = Files.readAllBytes(download.path());
        var response = page.request().get(fx.uri.resolve(href).toString());
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("content-type")).isEqualTo("image/png");
        assertThat(response.body()).as("the PNG button's file is the PNG URL's image").isEqualTo(button);
        assertThat(download.suggestedFilename()).isEqualTo(fileName);
        int width = ((Number) js("document.querySelector('[data-testid=graph-" + testId + "]').clientWidth")).intValue();
        int height = ((Number) js("document.querySelector('[data-testid=graph-" + testId + "]').clientHeight"))
                .intValue();
        assertThat(href).contains("&width=" + width + "&height=" + height);
        assertThat(Png.size(button)).containsExactly(width, height);
        return button;
    }

    @Test
    void thePngButtonAndThePngUrlAreOneImageOfTheVisibleRange() throws IOException {
        logIn("alice", WebFixture.PASSWORD);
        String key = WebFixture.HOST_A + "/memory";
        String g = "numeterGraphs['" + key + "']";
        openHostDay(WebFixture.HOST_A, key);
        // a range in the past, so that no new point changes the image between the two requests
        long to = ((Number) js(g + ".range.to")).longValue() - 7200;
        js("setRange({name: 'custom', from: " + (to - 3 * 3600) + ", to: " + to + ", relative: false})");
        waitFor(g + ".lastFetch.to === " + to);
        Files.write(SCREENSHOTS.resolve("exported-memory.png"), samePngFromButtonAndUrl("memory",
                WebFixture.HOST_A + "_memory.png"));
        // hiding a series hides it in the PNG too
        page.locator("#plugin-memory .toggle").first().locator("input").uncheck();
        assertThat(page.getByTestId("png-url-memory").getAttribute("href")).contains("&hidden=0");
        samePngFromButtonAndUrl("memory", WebFixture.HOST_A + "_memory.png");

        // zoomed: the PNG is of the zoomed window, not of the wider one fetched around it
        String load = WebFixture.HOST_A + "/load";
        String l = "numeterGraphs['" + load + "']";
        int loads = ((Number) js(l + ".loads")).intValue();
        drag("load", 0.40, 0.60);
        waitForGraph(load, loads + 1);
        long zoomFrom = ((Number) js(l + ".zoomWindow.from")).longValue();
        long zoomTo = ((Number) js(l + ".zoomWindow.to")).longValue();
        assertThat(page.getByTestId("png-url-load").getAttribute("href"))
                .startsWith("/api/hosts/" + WebFixture.HOST_A + "/plugins/load/graph.png?from=" + zoomFrom + "&to="
                        + zoomTo + "&");
        Files.write(SCREENSHOTS.resolve("exported-load-zoomed.png"), samePngFromButtonAndUrl("load",
                WebFixture.HOST_A + "_load.png"));
    }

    @Test
    void aViewDrawsEachSourceByItsOwnPluginsRules() throws IOException {
        WebClient alice = fx.alice();
        String a = WebFixture.HOST_A;
        long view = alice.post("/api/views", "{\"name\":\"mixed\",\"sources\":[{\"host\":\"" + a
                + "\",\"plugin\":\"memory\",\"field\":\"apps\"},{\"host\":\"" + a + "\",\"plugin\":\"memory\","
                + "\"field\":\"cache\"},{\"host\":\"" + a + "\",\"plugin\":\"if_eth0\",\"field\":\"up\"},"
                + "{\"host\":\"" + a + "\",\"plugin\":\"load\",\"field\":\"load\"}]}").json().path("id").asLong();
        long board = alice.post("/api/dashboards", "{\"name\":\"mixed board\",\"viewIds\":[" + view + "]}").json()
                .path("id").asLong();
        logIn("alice", WebFixture.PASSWORD);
        page.navigate(fx.uri + "dashboards/" + board);
        String key = "view/" + view;
        String g = "numeterGraphs['" + key + "']";
        waitForGraph(key, 1);
        // each series as its plugin draws it: memory's areas stack, eth0 in bits (its cdef), load a plain line
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> series = (List<Map<String, Object>>) js(g + ".spec.series");
        assertThat(series).extracting(m -> m.get("fill")).containsExactly(true, true, false, false);
        assertThat(series).extracting(m -> m.get("stack")).containsExactly(false, true, false, false);
        assertThat(js(g + ".spec.lines.map(l => l.value)")).isEqualTo(List.of(5, 10));
        String range = "'?from=' + " + g + ".lastFetch.from + '&to=' + " + g + ".lastFetch.to + '&points=' + " + g
                + ".lastFetch.points";
        @SuppressWarnings("unchecked")
        List<List<Number>> viewRows = (List<List<Number>>) js("fetch('/api/views/" + view + "/data' + " + range
                + ").then(r => r.json()).then(d => d.points)");
        @SuppressWarnings("unchecked")
        List<List<Number>> memory = (List<List<Number>>) js("fetch('/api/hosts/" + a + "/plugins/memory/data' + "
                + range + ").then(r => r.json()).then(d => d.points)");
        @SuppressWarnings("unchecked")
        List<List<Number>> net = (List<List<Number>>) js("fetch('/api/hosts/" + a + "/plugins/if_eth0/data' + "
                + range + ").then(r => r.json()).then(d => d.points)");
        assertThat(viewRows).hasSizeGreaterThan(100);
        int checked = 0;
        for (int i = 0; i < viewRows.size(); i++) {
            List<Number> v = viewRows.get(i);
            List<Number> m = memory.get(i);
            List<Number> n = net.get(i);
            assertThat(v.get(0)).isEqualTo(m.get(0)).isEqualTo(n.get(0));
            assertThat(v.get(1)).isEqualTo(m.get(1));
            assertThat(v.get(2)).isEqualTo(m.get(2));
            // the host page's eth0 "bps": the cdef's bits, not the stored bytes
            assertThat(v.get(3)).isEqualTo(n.get(1));
            checked += v.get(3) == null ? 0 : 1;
        }
        assertThat(checked).isGreaterThan(100);
        // drawn stacked: cache stands on apps, as on the host page
        int row = viewRows.size() / 2;
        double apps = viewRows.get(row).get(1).doubleValue();
        double cache = viewRows.get(row).get(2).doubleValue();
        int dyRow = ((Number) js(g + ".raw.findIndex(r => r[0].getTime() === " + viewRows.get(row).get(0).longValue()
                + " * 1000)")).intValue();
        assertThat(((Number) js(g + ".dygraph.getValue(" + dyRow + ", 2)")).doubleValue()).isEqualTo(apps + cache);
        Files.write(SCREENSHOTS.resolve("exported-view.png"), samePngFromButtonAndUrl("view-" + view,
                "view_" + view + ".png"));
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("view-dashboard.png"))
                .setFullPage(true));
    }

    @Test
    void thePagesStateIsInItsUrlAndALinkReproducesItForAnotherUserOfTheGroup() {
        logIn("alice", WebFixture.PASSWORD);
        String load = WebFixture.HOST_A + "/load";
        String mem = WebFixture.HOST_A + "/memory";
        String l = "numeterGraphs['" + load + "']";
        String m = "numeterGraphs['" + mem + "']";
        openHostDay(WebFixture.HOST_A, load, mem);
        assertThat(page.url()).endsWith("?range=now-1d");
        page.locator("button[data-range=week]").click();
        waitForGraph(load, 3);
        assertThat(page.url()).endsWith("?range=now-7d");
        page.locator("#plugin-memory .toggle").first().locator("input").uncheck();
        waitFor("location.search.includes('hide=memory.apps')");
        // a zoom on one graph zooms every graph of the page, and is in the URL
        int loads = ((Number) js(m + ".loads")).intValue();
        var box = drag("load", 0.50, 0.70);
        double y = box.y + box.height / 2;
        waitFor(m + ".loads > " + loads + " && location.search.includes('zoom=')");
        long from = ((Number) js(l + ".zoomWindow.from")).longValue();
        long to = ((Number) js(l + ".zoomWindow.to")).longValue();
        assertThat(js(m + ".zoomWindow")).isEqualTo(Map.of("from", (int) from, "to", (int) to));
        assertThat(page.url()).contains("zoom=" + from + "," + to);
        // the crosshair too: hovering one graph selects the same moment on the others
        page.mouse().move(box.x + box.width * 0.6, y);
        waitFor(m + ".dygraph.getSelection() >= 0");
        long hovered = ((Number) js(l + ".dygraph.getValue(" + l + ".dygraph.getSelection(), 0)")).longValue();
        long mirrored = ((Number) js(m + ".dygraph.getValue(" + m + ".dygraph.getSelection(), 0)")).longValue();
        assertThat(Math.abs(hovered - mirrored)).isLessThanOrEqualTo(60_000L);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("synchronised-zoom.png")));
        page.mouse().move(0, 0);

        // back and forward step through the changes
        page.goBack();
        waitFor("!location.search.includes('zoom=') && " + m + ".zoomWindow === null && " + l + ".zoomWindow === null");
        assertThat(page.url()).contains("range=now-7d").contains("hide=memory.apps");
        page.goBack();
        waitFor("!location.search.includes('hide=') && " + m + ".visible[0] === true");
        page.goForward();
        waitFor(m + ".visible[0] === false");
        page.goForward();
        waitFor(m + ".zoomWindow !== null && " + m + ".zoomWindow.from === " + from);

        // the link, opened by carol of the same group in a browser of her own
        page.getByTestId("copy-link").click();
        waitFor("document.querySelector('[data-testid=copied]').textContent.length > 0");
        String link = page.url();
        assertThat(link).contains("range=now-7d").contains("hide=memory.apps").contains("zoom=" + from + "," + to);
        assertThat(fx.admin().post("/api/users", "{\"username\":\"carol\",\"password\":\"" + WebFixture.PASSWORD
                + "\",\"groupIds\":[" + fx.groupA + "]}").status()).isIn(201, 409);
        try (BrowserContext other = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 900)
                .setTimezoneId("UTC"))) {
            Page carol = other.newPage();
            carol.setDefaultTimeout(15_000);
            carol.navigate(link);
            assertThat(carol.url()).isEqualTo(fx.uri + "login");
            carol.getByLabel("Username").fill("carol");
            carol.getByLabel("Password").fill(WebFixture.PASSWORD);
            carol.getByText("Log in").click();
            carol.waitForURL(fx.uri.toString());
            carol.navigate(link);
            waitFor(carol, "window.numeterGraphs && " + m + " && " + m + ".loads >= 1 && " + l + ".loads >= 1");
            assertThat(carol.evaluate(m + ".zoomWindow")).isEqualTo(Map.of("from", (int) from, "to", (int) to));
            assertThat(carol.evaluate(l + ".zoomWindow")).isEqualTo(Map.of("from", (int) from, "to", (int) to));
            assertThat(carol.evaluate(m + ".visible")).isEqualTo(js(m + ".visible"));
            assertThat(carol.evaluate("App.range.spec")).isEqualTo("now-7d");
            assertThat(carol.evaluate("document.querySelector('button.range.active').dataset.range"))
                    .isEqualTo("week");
            assertThat(carol.locator("#plugin-memory .toggle").first().locator("input").isChecked()).isFalse();
            assertThat(carol.url()).isEqualTo(link);
        }
    }

    @Test
    void aDashboardOpensOnTheRangeOfItsUrlAndShowsEventsAtOnce() {
        WebClient alice = fx.alice();
        long view = alice.post("/api/views", "{\"name\":\"load A\",\"sources\":[{\"host\":\"" + WebFixture.HOST_A
                + "\",\"plugin\":\"load\",\"field\":\"load\"}]}").json().path("id").asLong();
        long board = alice.post("/api/dashboards", "{\"name\":\"events board\",\"viewIds\":[" + view + "]}").json()
                .path("id").asLong();
        logIn("alice", WebFixture.PASSWORD);
        page.navigate(fx.uri + "dashboards/" + board + "?range=now-6h");
        String g = "numeterGraphs['view/" + view + "']";
        waitForGraph("view/" + view, 1);
        assertThat(((Number) js(g + ".lastFetch.to - " + g + ".lastFetch.from")).longValue()).isEqualTo(6 * 3600);
        // an event at "now", added on the dashboard, is drawn on its view at once
        page.locator("details.events-box summary").click();
        page.getByTestId("event-title").fill("restart now");
        page.getByTestId("add-event").click();
        waitFor(g + ".dygraph.annotations().length === 1");
        assertThat(js(g + ".dygraph.annotations()[0].text")).isEqualTo("restart now");
        Number id = (Number) js("Number(document.querySelector('.event').dataset.testid.substring(6))");
        assertThat(alice.delete("/api/events/" + id.longValue()).status()).isEqualTo(204);
    }

    @Test
    void theSearchFindsAFieldByItsLabelAndOpensItsGraph() throws IOException {
        logIn("admin", WebFixture.ADMIN_PASSWORD);
        page.getByLabel("Search hosts, graphs and fields").fill("received");
        page.getByLabel("Search hosts, graphs and fields").press("Enter");
        page.waitForURL(fx.uri + "search?q=received");
        page.getByTestId("results").waitFor();
        // if_eth0's "down" field is labelled "received", on both hosts that have it
        assertThat(page.locator("[data-testid=results] tbody tr").count()).isEqualTo(2);
        assertThat(page.getByTestId("result-" + WebFixture.HOST_A + "-if_eth0").textContent())
                .contains("received (down)");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("search.png")));
        page.getByTestId("result-" + WebFixture.HOST_A + "-if_eth0").getByText("eth0 traffic").click();
        page.waitForURL(fx.uri + "hosts/" + WebFixture.HOST_A + "/plugins/if_eth0?range=now-1d");
        waitForGraph(WebFixture.HOST_A + "/if_eth0", 1);
        assertThat(page.locator("h1").textContent()).isEqualTo(WebFixture.HOST_A + " / eth0 traffic");
        assertThat(page.getByTestId("field-notes").textContent()).contains("up,8,*");
        // full width: more points than a card of the host page
        assertThat(((Number) js("numeterGraphs['" + WebFixture.HOST_A + "/if_eth0'].lastFetch.points")).intValue())
                .isGreaterThan(900);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("single-graph.png"))
                .setFullPage(true));

        // a pattern, and a comparison of one plugin across the hosts that have it
        page.navigate(fx.uri + "search?q=lo*");
        page.getByTestId("compare-load").click();
        waitFor("document.body.dataset.graphsLoaded === '3'");
        assertThat(js("Object.keys(numeterGraphs).sort()")).isEqualTo(List.of(WebFixture.HOST_A + "/load",
                WebFixture.HOST_B + "/load", WebFixture.HOST_NONE + "/load"));
        assertThat(page.locator(".card h3").allTextContents()).allMatch(t -> t.endsWith(": Load average"));
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("compare.png")).setFullPage(true));
        // overlaid: one graph, one series per host, none stacked on another host's
        page.getByTestId("compare-mode").click();
        waitForGraph("compare/load", 1);
        assertThat(js("numeterGraphs['compare/load'].dygraph.getLabels()")).isEqualTo(List.of("time",
                WebFixture.HOST_A + " load.load", WebFixture.HOST_B + " load.load", WebFixture.HOST_NONE + " load.load"));
        assertThat((List<?>) js("numeterGraphs['compare/load'].spec.series.map(s => s.colour)")).doesNotHaveDuplicates();
        assertThat(page.url()).contains("overlay=1");
        samePngFromButtonAndUrl("compare", "compare_load.png");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("compare-overlaid.png")));

        // alice finds only what her groups hold
        context.clearCookies();
        logIn("alice", WebFixture.PASSWORD);
        page.navigate(fx.uri + "search?q=received");
        page.getByTestId("results").waitFor();
        assertThat(page.locator("[data-testid=results] tbody tr").count()).isEqualTo(1);
        assertThat(page.getByTestId("results").textContent()).doesNotContain(WebFixture.HOST_B);
    }

    @Test
    void aViewIsBuiltWithPickersOfWhatExistsThenEditedAndTheDashboardReordered() {
        WebClient alice = fx.alice();
        assertThat(alice.post("/api/views", "{\"name\":\"typo\",\"sources\":[{\"host\":\"" + WebFixture.HOST_A
                + "\",\"plugin\":\"lood\",\"field\":\"load\"}]}").text())
                .isEqualTo("plugin 'lood' of host '" + WebFixture.HOST_A + "' is unknown");
        assertThat(alice.post("/api/views", "{\"name\":\"typo\",\"sources\":[{\"host\":\"" + WebFixture.HOST_A
                + "\",\"plugin\":\"load\",\"field\":\"lod\"}]}").status()).isEqualTo(400);
        long first = alice.post("/api/views", "{\"name\":\"first\",\"sources\":[{\"host\":\"" + WebFixture.HOST_A
                + "\",\"plugin\":\"load\",\"field\":\"load\"}]}").json().path("id").asLong();
        long board = alice.post("/api/dashboards", "{\"name\":\"picked\",\"viewIds\":[" + first + "]}").json()
                .path("id").asLong();
        logIn("alice", WebFixture.PASSWORD);
        page.navigate(fx.uri + "dashboards/" + board);
        waitForGraph("view/" + first, 1);
        Locator host = page.getByTestId("pick-host");
        waitFor("document.querySelectorAll('[data-testid=pick-host] option').length > 1");
        // only the hosts alice may see
        assertThat(host.locator("option").allTextContents()).containsExactly("host…", WebFixture.HOST_A);
        host.selectOption(WebFixture.HOST_A);
        waitFor("document.querySelectorAll('[data-testid=pick-plugin] option').length > 1");
        page.getByTestId("pick-plugin").selectOption("memory");
        waitFor("document.querySelectorAll('[data-testid=pick-field] option').length > 1");
        assertThat(page.getByTestId("pick-field").locator("option").allTextContents()).contains("cache (cache)",
                "swap (swap)");
        page.getByTestId("pick-field").selectOption("apps");
        page.getByTestId("pick-add").click();
        page.getByTestId("pick-field").selectOption("cache");
        page.getByTestId("pick-add").click();
        page.getByTestId("view-name").fill("memory picked");
        page.getByTestId("save-view").click();
        waitFor("document.body.dataset.graphsLoaded === '2'");
        String second = (String) js("Object.keys(numeterGraphs).find(k => k !== 'view/" + first + "')");
        assertThat(js("numeterGraphs['" + second + "'].spec.series.map(s => s.label)"))
                .isEqualTo(List.of(WebFixture.HOST_A + " memory.apps", WebFixture.HOST_A + " memory.cache"));
        assertThat(page.locator(".card h3").allTextContents()).containsExactly("first", "memory picked");

        // edited: one source less, another name
        String id = second.substring("view/".length());
        page.getByTestId("edit-view-" + id).click();
        assertThat(page.getByTestId("view-name").inputValue()).isEqualTo("memory picked");
        page.getByLabel("remove " + WebFixture.HOST_A + " memory.apps").click();
        page.getByTestId("view-name").fill("cache only");
        page.getByTestId("save-view").click();
        waitFor("document.body.dataset.graphsLoaded === '2' && numeterGraphs['" + second + "'] && numeterGraphs['"
                + second + "'].spec.title === 'cache only'");
        assertThat(js("numeterGraphs['" + second + "'].spec.series.map(s => s.label)"))
                .isEqualTo(List.of(WebFixture.HOST_A + " memory.cache"));

        // reordered
        page.getByTestId("earlier-" + id).click();
        waitFor("document.body.dataset.graphsLoaded === '2' && document.querySelector('.card h3').textContent"
                + " === 'cache only'");
        assertThat(page.locator(".card h3").allTextContents()).containsExactly("cache only", "first");
        assertThat(alice.get("/api/dashboards/" + board).json().path("views").findValuesAsText("name"))
                .containsExactly("cache only", "first");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("view-editor.png"))
                .setFullPage(true));
    }

    @Test
    void markupFromPluginsAndEventsIsShownAsText() {
        String comment = "<img src=z onerror=\"window.pwned=4\">";
        WebClient admin = fx.admin();
        assertThat(admin.post("/api/events", "{\"at\":" + (System.currentTimeMillis() / 1000 - 600)
                + ",\"title\":\"markup test\",\"comment\":\"" + comment.replace("\"", "\\\"") + "\",\"hosts\":[\""
                + WebFixture.HOST_NONE + "\"]}").status()).isEqualTo(201);
        logIn("admin", WebFixture.ADMIN_PASSWORD);
        page.navigate(fx.uri + "hosts/" + WebFixture.HOST_NONE);
        waitForGraph(WebFixture.HOST_NONE + "/evil", 1);
        page.locator("details.events-box summary").click();
        assertThat(js("window.pwned === undefined")).isEqualTo(true);
        assertThat(js("document.querySelectorAll('img').length")).isEqualTo(0);
        assertThat(js("Array.from(document.querySelectorAll('[onerror], main script')).map(e => e.outerHTML)"))
                .isEqualTo(List.of());
        assertThat(page.locator("#plugin-evil h3").textContent()).isEqualTo("<img src=x onerror=\"window.pwned=1\">");
        assertThat(page.locator("h2").allTextContents()).contains("<b>cat</b>");
        assertThat(page.locator("#plugin-evil .toggles .toggle-label").textContent()).isEqualTo("<img src=y onerror=\"window.pwned=3\">");
        assertThat(page.locator("#plugin-evil .dygraph-ylabel").textContent())
                .isEqualTo("<script>window.pwned=2</script>");
        assertThat(page.locator(".event .comment").textContent()).isEqualTo(comment);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("markup-as-text.png"))
                .setFullPage(true));
    }

    @Test
    void aHostWhoseClockIsOffIsToldOnItsPage() {
        long now = System.currentTimeMillis() / 1000;
        long last = fx.realStorage.store.host(WebFixture.HOST_NONE).orElseThrow().lastUpdate();
        // one point from a clock an hour ahead, refused; one from a clock gone back, dropped as late
        fx.realStorage.store.write(List.of(
                new SampleBatch(WebFixture.HOST_NONE, "load", now + 3600, Map.of("load", 9.0), null),
                new SampleBatch(WebFixture.HOST_NONE, "load", last - 30, Map.of("load", 9.0), null)));
        // and a plugin polled slower than the files' heartbeat: its second and third points are stored as unknown
        fx.realStorage.store.write(List.of(
                new SampleBatch(WebFixture.HOST_NONE, "slow", now - 3000, Map.of("v", 1.0),
                        org.numeter.model.Plugin.builder("slow").field(org.numeter.model.Field.builder("v").build())
                                .build()),
                new SampleBatch(WebFixture.HOST_NONE, "slow", now - 2000, Map.of("v", 1.0), null),
                new SampleBatch(WebFixture.HOST_NONE, "slow", now - 1000, Map.of("v", 1.0), null)));
        logIn("admin", WebFixture.ADMIN_PASSWORD);
        page.navigate(fx.uri + "hosts/" + WebFixture.HOST_NONE);
        waitForGraph(WebFixture.HOST_NONE + "/load", 1);
        assertThat(page.getByTestId("clock").textContent()).isEqualTo("Since the storage started, it refused 1"
                + " points of this host stamped too far in the future and dropped 1 points older than what it held:"
                + " is this host's clock right?");
        assertThat(page.getByTestId("apart").textContent()).startsWith("Since the storage started, 2 points of this"
                + " host came further apart than its files' heartbeat and were stored as unknown");
        page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A);
        waitFor("document.querySelector('h1') && document.querySelector('h1').textContent === '"
                + WebFixture.HOST_A + "'");
        assertThat(page.getByTestId("clock").count()).isZero();
        assertThat(page.getByTestId("apart").count()).isZero();
    }

    @Test
    void anEventAddedOnAHostIsDrawnOnItsGraphs() {
        logIn("alice", WebFixture.PASSWORD);
        page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A);
        String key = WebFixture.HOST_A + "/load";
        waitForGraph(key, 1);
        page.locator("details.events-box summary").click();
        String when = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(30)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
        page.getByTestId("event-when").fill(when);
        page.getByTestId("event-title").fill("deploy 42");
        page.getByTestId("event-comment").fill("new kernel");
        page.getByTestId("add-event").click();
        waitFor("numeterGraphs['" + key + "'].dygraph.annotations().length === 1");
        assertThat(js("numeterGraphs['" + key + "'].dygraph.annotations()[0].text")).isEqualTo("deploy 42");
        assertThat(page.locator(".event strong").allTextContents()).containsExactly("deploy 42");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("event.png")));
        Number id = (Number) js("Number(document.querySelector('.event').dataset.testid.substring(6))");
        assertThat(fx.alice().delete("/api/events/" + id.longValue()).status()).isEqualTo(204);
    }

    @Test
    void aDashboardIsMadeFromASkeleton() {
        logIn("admin", WebFixture.ADMIN_PASSWORD);
        page.navigate(fx.uri + "dashboards");
        page.getByTestId("skeleton-name").fill("Load everywhere");
        page.getByTestId("skeleton-hosts").fill("*.example");
        page.getByTestId("skeleton-plugin").fill("lo?d");
        page.getByTestId("skeleton-field").fill("*");
        page.getByTestId("skeleton-share-A").check();
        page.getByTestId("apply-skeleton").click();
        page.waitForURL(java.util.regex.Pattern.compile(".*/dashboards/\\d+$"));
        waitFor("document.body.dataset.graphsLoaded === '3'");
        @SuppressWarnings("unchecked")
        List<String> labels = (List<String>) js("Object.values(numeterGraphs).filter(g => g.host === 'view')"
                + ".map(g => g.dygraph.getLabels()[1]).sort()");
        assertThat(labels).containsExactly(WebFixture.HOST_A + " load.load", WebFixture.HOST_B + " load.load",
                WebFixture.HOST_NONE + " load.load");
        assertThat(js("Object.values(numeterGraphs).filter(g => g.host === 'view')"
                + ".every(g => g.dygraph.numRows() > 100)")).isEqualTo(true);
        assertThat(page.getByTestId("compare-board").getAttribute("href")).isEqualTo("/compare?plugin=load&hosts="
                + WebFixture.HOST_A + "," + WebFixture.HOST_B + "," + WebFixture.HOST_NONE + "&overlay=1");
        assertThat(page.locator("h1").textContent()).isEqualTo("Load everywhere");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("skeleton-dashboard.png"))
                .setFullPage(true));
        // a skeleton of a stacked plugin is munin's stack, as on the host page: memory's areas stand on each other
        WebClient.Answer memory = fx.admin().post("/api/skeletons", "{\"name\":\"memory\",\"hosts\":\""
                + WebFixture.HOST_A + "\",\"plugin\":\"memory\",\"field\":\"*\"}");
        assertThat(memory.status()).isEqualTo(201);
        var series = memory.json().path("views").get(0).path("graph").path("series");
        var host = fx.admin().get("/api/hosts/" + WebFixture.HOST_A + "/plugins/memory").json().path("graph")
                .path("series");
        for (var drawn : host) {
            var same = java.util.stream.StreamSupport.stream(series.spliterator(), false)
                    .filter(x -> x.path("field").equals(drawn.path("field"))).findFirst().orElseThrow();
            assertThat(same.path("fill")).isEqualTo(drawn.path("fill"));
            assertThat(same.path("colour")).isEqualTo(drawn.path("colour"));
        }
        // in munin's order, the graph-no swap left out as on the host page
        assertThat(series.findValuesAsText("field")).containsExactly("apps", "cache", "free", "committed");
        assertThat(series.findValues("stack").stream().map(x -> x.asBoolean()).toList())
                .containsExactly(false, true, true, false);
        // Shared with group A: alice reads it, and sees only her host's view.
        String url = page.url();
        context.clearCookies();
        logIn("alice", WebFixture.PASSWORD);
        page.navigate(url);
        waitFor("document.body.dataset.graphsLoaded === '1'");
        assertThat(js("Object.values(numeterGraphs).filter(g => g.host === 'view')"
                + ".map(g => g.dygraph.getLabels()[1])")).isEqualTo(List.of(WebFixture.HOST_A + " load.load"));
    }

    @Test
    void aHostWithNoRecentDataIsMarkedStaleInTheTreeAndSaysSinceWhenOnItsPage() {
        long now = System.currentTimeMillis() / 1000;
        String quiet = "quiet.example";
        // Its own web: the quiet host's storage, whose data stops two hours ago, beside the fixture's fresh one.
        try (RealStorage quietStorage = new RealStorage(Map.of(quiet, List.of(TestObjects.load())), now - 7200,
                        3600);
                WebFixture own = WebFixture.overRealStorage(List.of(quietStorage.uri()))) {
            logInTo(own.uri, "admin", WebFixture.ADMIN_PASSWORD);
            page.getByTestId("tree-host-" + quiet).waitFor();
            Locator badge = page.getByTestId("stale-" + quiet);
            assertThat(badge.isVisible()).isTrue();
            assertThat(badge.textContent()).isEqualTo("stale");
            assertThat(badge.getAttribute("title")).startsWith("No data since ");
            assertThat(page.getByTestId("stale-" + WebFixture.HOST_A).count()).as("a host with fresh data").isZero();

            page.getByTestId("tree-host-" + quiet).click();
            page.getByTestId("stale").waitFor();
            assertThat(page.getByTestId("stale").textContent()).startsWith("No data since ")
                    .contains(": its poller, collector or storage has stopped sending.");
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("stale-host.png")));
            page.getByTestId("tree-host-" + WebFixture.HOST_A).click();
            waitForGraph(WebFixture.HOST_A + "/load", 1);
            assertThat(page.getByTestId("stale").count()).isZero();
        }
    }

    @Test
    void anAdminAssignsAHostToAGroupAndItsUserThenSeesIt() {
        logIn("alice", WebFixture.PASSWORD);
        assertThat(page.getByTestId("tree-host-" + WebFixture.HOST_NONE).count()).isZero();
        page.getByTestId("tree-host-" + WebFixture.HOST_A).waitFor();
        context.clearCookies();

        logIn("admin", WebFixture.ADMIN_PASSWORD);
        page.navigate(fx.uri + "admin");
        page.getByTestId("host-" + WebFixture.HOST_NONE + "-group-A").check();
        page.getByTestId("save-host-" + WebFixture.HOST_NONE).click();
        waitFor("document.querySelector('[data-testid=admin-message]').textContent === 'Groups of "
                + WebFixture.HOST_NONE + " saved.'");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("admin.png")).setFullPage(true));
        context.clearCookies();

        try {
            logIn("alice", WebFixture.PASSWORD);
            page.getByTestId("tree-host-" + WebFixture.HOST_NONE).click();
            waitForGraph(WebFixture.HOST_NONE + "/load", 1);
            assertThat(page.locator("h1").textContent()).isEqualTo(WebFixture.HOST_NONE);
        } finally {
            fx.admin().put("/api/hosts/" + WebFixture.HOST_NONE + "/groups", "{\"groupIds\":[]}");
        }
    }
}
