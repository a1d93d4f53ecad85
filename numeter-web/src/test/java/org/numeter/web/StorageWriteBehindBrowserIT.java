package org.numeter.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.component.CheckResult;
import org.numeter.model.SampleBatch;
import org.numeter.storage.RrdStore;
import org.numeter.storage.Storage;
import org.numeter.storage.StorageServer;
import org.numeter.store.InMemoryStore;
import org.numeter.testkit.Chromium;

/**
 * The admin page's storages, each with its write-behind: a real storage whose start replayed a journal with a
 * corrupt record and which holds updates waiting to be written, and one still replaying (its status as a real one
 * answers then: StorageReplayIT in numeter-storage), in Debian's headless Chromium.
 */
class StorageWriteBehindBrowserIT {
    private static final String HOST = "wb.example";

    @TempDir
    Path dir;

    private static List<SampleBatch> points(long t0, int from, int to) {
        List<SampleBatch> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            SampleBatch b = new SampleBatch(HOST, "load", t0 + 60L * i, Map.of("load", (double) i), null);
            out.add(i == 1 ? b.withMeta(TestObjects.load()) : b);
        }
        return out;
    }

    @Test
    void theStoragesTableShowsEachStoragesWriteBehindAndItsReplayOfTheJournal() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        long t0 = now - now % 60 - 3600;
        // a journal left as a crash leaves it, one of its records corrupt: the next start replays it
        Path journal = dir.resolve(".journal.1");
        byte[] left;
        try (RrdStore first = RrdStore.builder(dir).open()) {
            first.write(points(t0, 1, 20));
            left = Files.readAllBytes(journal);
        }
        left[10] ^= 0x01;
        Files.write(journal, left);
        RrdStore store = RrdStore.builder(dir).open();
        store.awaitReplay();
        store.write(points(t0, 21, 25)); // waits in memory (storage.write-behind)
        Storage storage = Storage.builder().store(store).bind("127.0.0.1").port(0).build();
        StorageServer replaying = StorageServer.builder().store(new InMemoryStore()).bind("127.0.0.1").port(0)
                .health(() -> CheckResult.failed("replaying the journal of the last run: 1,200 records, 1,048,576"
                        + " of 4,194,304 bytes so far (since 2026-12-01T04:40:02Z); writes wait for it, reads answer"
                        + " what the files hold"))
                .phase(() -> "REPLAYING")
                .status(() -> Map.of("writeBehind", figures("pendingBytes", 0L, "oldestPendingSeconds", null,
                        "quarantineKeptPoints", 0L, "quarantineDroppedPoints", 0L), "replay", figures("state",
                        "replaying", "records", 1200L, "bytes", 1_048_576L, "totalBytes", 4_194_304L,
                        "corruptRecords", 0L, "ended", null)))
                .build();
        Playwright playwright = null;
        Browser browser = null;
        try {
            storage.start();
            replaying.start();
            URI real = URI.create("http://127.0.0.1:" + storage.port() + "/");
            URI other = URI.create("http://127.0.0.1:" + replaying.port() + "/");
            try (WebFixture fx = new WebFixture(List.of(real, other))) {
                JsonNode storages = fx.admin().get("/api/storages").json();
                assertThat(storages.get(0).path("writeBehind").isNull()).as("the fixture storage keeps none")
                        .isTrue();
                JsonNode wb = storages.get(1).path("writeBehind");
                assertThat(wb.path("pendingBytes").asLong()).isPositive();
                assertThat(wb.path("oldestPendingSeconds").isNumber()).isTrue();
                assertThat(wb.path("replay").asText()).isEqualTo("done");
                assertThat(wb.path("replayRecords").asLong()).isEqualTo(19);
                assertThat(wb.path("replayCorruptRecords").asLong()).isOne();
                assertThat(storages.get(2).path("writeBehind").path("replay").asText()).isEqualTo("replaying");

                playwright = Chromium.playwright();
                browser = Chromium.launch(playwright);
                Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1360, 900))
                        .newPage();
                page.setDefaultTimeout(15_000);
                page.navigate(fx.uri + "login");
                page.getByLabel("Username").fill("admin");
                page.getByLabel("Password").fill(WebFixture.ADMIN_PASSWORD);
                page.getByText("Log in").click();
                page.waitForURL(fx.uri.toString());
                page.navigate(fx.uri + "admin");
                Locator rows = page.getByTestId("storage-row");
                rows.nth(2).waitFor();
                assertThat(rows.count()).isEqualTo(3);

                assertThat(rows.nth(0).getByTestId("storage-write-behind").textContent()).isEqualTo("—");
                Locator done = rows.nth(1).getByTestId("storage-write-behind");
                assertThat(done.locator("div").allTextContents()).satisfiesExactly(
                        t -> assertThat(t).matches("[0-9.]+ (bytes|KiB) waiting to be written, the oldest for \\d+ s"),
                        t -> assertThat(t).matches("journal replayed at start: 19 records \\(ended 20[-0-9T:]+Z\\)"),
                        t -> assertThat(t).isEqualTo("1 corrupt journal record skipped (the storage log names each"
                                + " file and offset)"));
                assertThat(done.locator("div.error").allTextContents()).as("the line that wants an eye")
                        .containsExactly("1 corrupt journal record skipped (the storage log names each file and"
                                + " offset)");
                // ready (DEGRADED: the status's detail is not an error), the corrupt record told beside
                assertThat(rows.nth(1).getByTestId("storage-state").textContent()).isEqualTo("up");

                Locator during = rows.nth(2);
                assertThat(during.getByTestId("storage-state").textContent())
                        .startsWith("up, but: replaying the journal of the last run: 1,200 records");
                assertThat(during.getByTestId("storage-write-behind").locator("div").allTextContents())
                        .containsExactly("nothing waiting to be written",
                                "replaying the journal of the last run: 1,200 records, 25 % of 4.0 MiB");
                Files.createDirectories(BrowserIT.SCREENSHOTS);
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(BrowserIT.SCREENSHOTS.resolve("admin-storages-write-behind.png")).setFullPage(true));
            }
        } finally {
            Chromium.close(browser, playwright);
            replaying.close();
            storage.close();
            store.close();
        }
    }

    /** A JSON object from name, value pairs, nulls kept (Map.of refuses them). */
    private static Map<String, Object> figures(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
