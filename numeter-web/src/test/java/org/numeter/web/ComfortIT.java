package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.ColorScheme;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.numeter.testkit.Chromium;

/**
 * The pages in light and dark, on a desktop and on a 390-pixel phone, with the keyboard, and checked by axe-core
 * (vendored under src/test/resources/vendor/axe-core): no serious or critical violation on the login, host,
 * dashboard, problems and admin pages, in either theme. Screenshots go to target/screenshots.
 */
class ComfortIT {
    static WebFixture fx;
    static Playwright playwright;
    static Browser browser;
    static String axe;
    static long board;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(BrowserIT.SCREENSHOTS);
        try (InputStream in = ComfortIT.class.getResourceAsStream("/vendor/axe-core/axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        fx = WebFixture.overRealStorage().withTeams();
        WebClient admin = fx.admin();
        long view = admin.post("/api/views", "{\"name\":\"memory of A\",\"sources\":[{\"host\":\"" + WebFixture.HOST_A
                + "\",\"plugin\":\"memory\",\"field\":\"apps\"},{\"host\":\"" + WebFixture.HOST_A
                + "\",\"plugin\":\"memory\",\"field\":\"cache\"}]}").json().path("id").asLong();
        long load = admin.post("/api/views", "{\"name\":\"load everywhere\",\"sources\":[{\"host\":\""
                + WebFixture.HOST_A + "\",\"plugin\":\"load\",\"field\":\"load\"},{\"host\":\"" + WebFixture.HOST_B
                + "\",\"plugin\":\"load\",\"field\":\"load\"}]}").json().path("id").asLong();
        board = admin.post("/api/dashboards", "{\"name\":\"Fleet\",\"viewIds\":[" + view + "," + load + "]}").json()
                .path("id").asLong();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void stop() {
        Chromium.close(browser, playwright);
        fx.close();
    }

    /** A logged-in admin's page in a context of that size and colour scheme (CSP bypassed to inject axe). */
    static Page open(BrowserContext context) {
        Page page = context.newPage();
        page.setDefaultTimeout(20_000);
        page.navigate(fx.uri + "login");
        page.getByLabel("Username").fill("admin");
        page.getByLabel("Password").fill(WebFixture.ADMIN_PASSWORD);
        page.getByText("Log in").click();
        page.waitForURL(fx.uri.toString());
        return page;
    }

    static BrowserContext context(int width, int height, ColorScheme scheme) {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height)
                .setColorScheme(scheme).setTimezoneId("UTC").setBypassCSP(true));
    }

    static void waitFor(Page page, String condition) {
        BrowserIT.waitFor(page, condition);
    }

    /** axe-core's serious and critical violations of the page as it is, one line each. */
    @SuppressWarnings("unchecked")
    static List<String> violations(Page page) {
        if (!Boolean.TRUE.equals(page.evaluate("() => typeof axe !== 'undefined'"))) {
            page.addScriptTag(new Page.AddScriptTagOptions().setContent(axe));
        }
        return (List<String>) page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                + ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                + ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 4).map(n => n.target.join(' ')"
                + " + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | '))");
    }

    /** The five pages, each checked by axe and photographed under a name ending in the suffix. */
    static List<String> walk(Page page, String suffix, boolean phone) {
        List<String> problems = new ArrayList<>();
        page.navigate(fx.uri + "login");
        // logged in already: the login page itself, in a page of its own context's look
        problems.addAll(prefixed("login", violations(page)));
        shot(page, "login" + suffix);
        page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A + "?range=now-1d");
        waitFor(page, "document.body.dataset.graphsLoaded === '3' && Object.values(numeterGraphs).every(g => g.loads > 0)");
        problems.addAll(prefixed("host", violations(page)));
        shot(page, "host" + suffix);
        if (phone) {
            page.getByTestId("drawer").click();
            waitFor(page, "getComputedStyle(document.querySelector('.sidebar')).visibility === 'visible'");
            shot(page, "host-drawer" + suffix);
            page.getByTestId("drawer").click();
        }
        page.navigate(fx.uri + "dashboards/" + board);
        waitFor(page, "document.body.dataset.graphsLoaded === '2' && Object.values(numeterGraphs).every(g => g.loads > 0)");
        problems.addAll(prefixed("dashboard", violations(page)));
        shot(page, "dashboard" + suffix);
        // nothing sticks out of a card (its buttons wrap) nor of the page
        @SuppressWarnings("unchecked")
        List<String> sticking = (List<String>) page.evaluate("Array.from(document.querySelectorAll('.card'))"
                + ".filter(c => Array.from(c.querySelectorAll('button, a')).some(b => b.getBoundingClientRect().right"
                + " > c.getBoundingClientRect().right + 1)).map(c => c.querySelector('h3').textContent)");
        problems.addAll(prefixed("dashboard: buttons out of their card", sticking));
        if (((Number) page.evaluate("document.documentElement.scrollWidth - window.innerWidth")).intValue() > 0) {
            problems.add("dashboard: wider than the screen");
        }
        page.navigate(fx.uri + "problems");
        page.getByTestId("problems").waitFor();
        waitFor(page, "document.querySelector('[data-testid=problems]').children.length > 0");
        problems.addAll(prefixed("problems", violations(page)));
        shot(page, "problems" + suffix);
        page.navigate(fx.uri + "admin");
        waitFor(page, "document.querySelectorAll('section.admin').length >= 4");
        problems.addAll(prefixed("admin", violations(page)));
        shot(page, "admin" + suffix);
        return problems;
    }

    static List<String> prefixed(String page, List<String> lines) {
        return lines.stream().map(l -> page + ": " + l).toList();
    }

    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserIT.SCREENSHOTS.resolve(name + ".png")));
    }

    @Test
    void theLightDesktopPagesHaveNoSeriousAccessibilityViolation() {
        try (BrowserContext c = context(1360, 900, ColorScheme.LIGHT)) {
            Page page = open(c);
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(245, 247, 250)");
            assertThat(walk(page, "-light", false)).isEmpty();
        }
    }

    @Test
    void theDarkThemeFollowsTheSystemAndHasNoSeriousAccessibilityViolation() {
        try (BrowserContext c = context(1360, 900, ColorScheme.DARK)) {
            Page page = open(c);
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(15, 22, 29)");
            assertThat(walk(page, "-dark", false)).isEmpty();
            // the graphs' grid is drawn in the theme's colour
            page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A);
            waitFor(page, "document.body.dataset.graphsLoaded === '3'");
            assertThat(page.evaluate("numeterGraphs['" + WebFixture.HOST_A + "/load'].dygraph.getOption('gridLineColor')"))
                    .isEqualTo("#2a3541");
        }
    }

    @Test
    void theToggleOverridesTheSystemAndIsKept() {
        try (BrowserContext c = context(1360, 900, ColorScheme.LIGHT)) {
            Page page = open(c);
            assertThat(page.getByTestId("theme").textContent()).isEqualTo("◐ auto");
            page.getByTestId("theme").click();
            assertThat(page.getByTestId("theme").textContent()).isEqualTo("● dark");
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(15, 22, 29)");
            page.reload();
            page.getByTestId("theme").waitFor();
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(15, 22, 29)");
            page.navigate(fx.uri + "login");
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(11, 26, 41)");
            page.navigate(fx.uri.toString());
            page.getByTestId("theme").click();
            assertThat(page.getByTestId("theme").textContent()).isEqualTo("○ light");
            assertThat(page.evaluate("getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(245, 247, 250)");
        }
    }

    @Test
    void onAPhoneTheTreeIsADrawerAndTheGraphsTakeTheWholeWidth() {
        for (ColorScheme scheme : List.of(ColorScheme.LIGHT, ColorScheme.DARK)) {
            try (BrowserContext c = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                    .setColorScheme(scheme).setTimezoneId("UTC").setBypassCSP(true).setIsMobile(true)
                    .setHasTouch(true).setDeviceScaleFactor(2))) {
                Page page = open(c);
                String suffix = scheme == ColorScheme.LIGHT ? "-phone-light" : "-phone-dark";
                assertThat(walk(page, suffix, true)).isEmpty();
                page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A);
                waitFor(page, "document.body.dataset.graphsLoaded === '3'");
                assertThat(page.evaluate("getComputedStyle(document.querySelector('.sidebar')).visibility"))
                        .isEqualTo("hidden");
                assertThat(page.evaluate("document.documentElement.scrollWidth")).isEqualTo(390);
                int card = ((Number) page.evaluate("document.querySelector('.card').getBoundingClientRect().width"))
                        .intValue();
                assertThat(card).isGreaterThan(340);
                page.getByTestId("drawer").click();
                page.getByTestId("tree-host-" + WebFixture.HOST_B).click();
                page.waitForURL(fx.uri + "hosts/" + WebFixture.HOST_B + "**");
                assertThat(page.evaluate("document.body.classList.contains('drawer-open')")).isEqualTo(false);
            }
        }
    }

    @Test
    void keyboardShortcutsChangeTheRangeZoomOutAndSearch() {
        try (BrowserContext c = context(1360, 900, ColorScheme.LIGHT)) {
            Page page = open(c);
            page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A + "?range=now-1d&zoom="
                    + (System.currentTimeMillis() / 1000 - 7200) + "," + (System.currentTimeMillis() / 1000 - 3600));
            String load = "numeterGraphs['" + WebFixture.HOST_A + "/load']";
            waitFor(page, "document.body.dataset.graphsLoaded === '3' && " + load + ".zoomWindow !== null");
            page.keyboard().press("z");
            waitFor(page, "Object.values(numeterGraphs).every(g => g.zoomWindow === null)"
                    + " && !location.search.includes('zoom=')");
            page.keyboard().press("w");
            waitFor(page, "location.search === '?range=now-7d' && " + load + ".lastFetch.to - " + load
                    + ".lastFetch.from === 7 * 86400");
            page.keyboard().press("?");
            page.getByTestId("shortcuts").waitFor();
            shot(page, "shortcuts");
            page.keyboard().press("Escape");
            assertThat(page.getByTestId("shortcuts").count()).isZero();
            page.keyboard().press("/");
            assertThat(page.evaluate("document.activeElement.id")).isEqualTo("search");
            // typed letters in a field are text, not shortcuts
            page.keyboard().type("dw");
            assertThat(page.url()).endsWith("?range=now-7d");
        }
    }

    @Test
    void oneTimeZoneIsStatedAndUsedEverywhereAndNoLabelSaysNan() {
        try (BrowserContext c = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 900)
                .setTimezoneId("Europe/Paris").setBypassCSP(true))) {
            Page page = open(c);
            String load = "numeterGraphs['" + WebFixture.HOST_A + "/load']";
            page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A + "?range=now-1d");
            waitFor(page, "document.body.dataset.graphsLoaded === '3' && " + load + ".loads > 0");
            // UTC unless the user picks the browser's zone, and said so
            assertThat(page.getByTestId("time-zone").inputValue()).isEqualTo("UTC");
            assertThat(page.evaluate(load + ".dygraph.getOption('labelsUTC')")).isEqualTo(true);
            String legend = page.locator("#plugin-load .legend").textContent();
            assertThat(legend).matches("last: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC");
            // "last" is never later than now
            long last = java.time.LocalDateTime.parse(legend.substring(6, 22).replace(' ', 'T'))
                    .toEpochSecond(java.time.ZoneOffset.UTC);
            assertThat(last).isLessThanOrEqualTo(System.currentTimeMillis() / 1000);
            // the choice reloads the page: wait on the new page, not on the one still showing
            page.evaluate("window.numeterOldPage = true");
            page.getByTestId("time-zone").selectOption("local");
            waitFor(page, "!window.numeterOldPage && document.body.dataset.graphsLoaded === '3' && " + load
                    + ".loads > 0");
            assertThat(page.evaluate(load + ".dygraph.getOption('labelsUTC')")).isEqualTo(false);
            assertThat(page.locator("#plugin-load .legend").textContent()).endsWith(" Europe/Paris");
            String href = page.getByTestId("png-url-load").getAttribute("href");
            assertThat(href).endsWith("&tz=Europe%2FParis");
            assertThat(page.request().get(fx.uri.resolve(href).toString()).status()).isEqualTo(200);
            // the choice reloads the page: wait on the new page, not on the one still showing
            page.evaluate("window.numeterOldPage = true");
            page.getByTestId("time-zone").selectOption("UTC");
            waitFor(page, "!window.numeterOldPage && document.body.dataset.graphsLoaded === '3' && " + load
                    + ".loads > 0");

            // a range without data: no "nan" anywhere, a dash for each value
            page.navigate(fx.uri + "hosts/" + WebFixture.HOST_A + "?from=1000000000&to=1000086400");
            waitFor(page, "document.body.dataset.graphsLoaded === '3' && Object.values(numeterGraphs)"
                    + ".every(g => g.loads > 0)");
            assertThat(page.locator("#plugin-memory .graph-status").textContent()).isEqualTo("no data in this range");
            assertThat(page.locator("main").textContent().toLowerCase(java.util.Locale.ROOT)).doesNotContain("nan");
            assertThat(page.locator("#plugin-if_eth0 .toggle-value").textContent()).isEqualTo(" -/-");
        }
    }
}
