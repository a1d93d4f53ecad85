package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.Json;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.testkit.Scrape;

/**
 * A storage started on the journal a crash left: not ready, and saying so, while it replays it; then ready, with
 * what the replay did (a corrupt record skipped) in its status and {@code /metrics}.
 */
class StorageReplayIT {
    static final long T0 = 1_699_920_000L;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whileItReplaysTheJournalTheStorageIsNotReadyAndSaysHowFarItIs() throws Exception {
        RrdStore first = RrdStore.builder(dir).open();
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            SampleBatch b = new SampleBatch("web1", "load", T0 + 60L * i, Map.of("load", (double) i), null);
            batches.add(i == 1 ? b.withMeta(Plugin.builder("load").field(Field.builder("load").build()).build()) : b);
        }
        first.write(batches);
        first.abandon(); // a crash: the points are in the journal only
        Path segment = dir.resolve(Journal.PREFIX + 1);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[10] ^= 0x01; // the first record's checksum no longer matches
        Files.write(segment, bytes);

        CountDownLatch hold = new CountDownLatch(1);
        try (RrdStore store = RrdStore.builder(dir).beforeReplaySegment(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).open()) {
            Storage storage = Storage.builder().store(store).bind("127.0.0.1").port(0).build();
            try {
                storage.start();
                int port = storage.port();
                HttpResponse<String> status = get(port, "/api/v1/status");
                assertThat(status.statusCode()).isEqualTo(503);
                JsonNode doc = Json.mapper().readTree(status.body());
                assertThat(doc.path("status").asText()).isEqualTo("REPLAYING");
                assertThat(doc.path("detail").asText()).startsWith(
                        "replaying the journal of the last run: 0 records, 0 of " + String.format("%,d", bytes.length)
                                + " bytes so far (since ");
                assertThat(doc.path("replay").path("state").asText()).isEqualTo("replaying");
                assertThat(doc.path("replay").path("totalBytes").asLong()).isEqualTo(bytes.length);
                assertThat(doc.path("replay").path("ended").isNull()).isTrue();
                HttpResponse<String> ready = get(port, "/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(Json.mapper().readTree(ready.body()).path("reason").asText())
                        .startsWith("storage: replaying the journal of the last run: ");
                assertThat(get(port, "/health").statusCode()).as("alive all the same").isEqualTo(200);
                assertThat(Scrape.parse(get(port, "/metrics").body()).value("numeter_storage_journal_replaying"))
                        .hasValue(1.0);

                hold.countDown();
                await().atMost(Duration.ofSeconds(20)).until(() -> get(port, "/api/v1/status").statusCode() == 200);
                doc = Json.mapper().readTree(get(port, "/api/v1/status").body());
                assertThat(doc.path("status").asText()).as("ready, the corrupt record told").isEqualTo("DEGRADED");
                assertThat(doc.path("detail").asText()).isEqualTo("the start skipped 1 corrupt records of the journal"
                        + " (the log names each file and offset)");
                JsonNode replay = doc.path("replay");
                assertThat(replay.path("state").asText()).isEqualTo("done");
                assertThat(replay.path("records").asLong()).isEqualTo(19);
                assertThat(replay.path("corruptRecords").asLong()).isOne();
                assertThat(replay.path("bytes").asLong()).isEqualTo(bytes.length);
                assertThat(replay.path("started").asText()).isNotEmpty();
                assertThat(replay.path("ended").asText()).isNotEmpty();
                assertThat(doc.path("writeBehind").path("pendingBytes").asLong())
                        .as("the replayed points wait in memory, journaled again, as a write's do").isPositive();
                assertThat(doc.path("writeBehind").has("oldestPendingSeconds")).isTrue();
                Scrape s = Scrape.parse(get(port, "/metrics").body());
                assertThat(s.value("numeter_storage_journal_replaying")).hasValue(0.0);
                assertThat(s.value("numeter_storage_journal_replayed_records_total")).hasValue(19.0);
                assertThat(s.value("numeter_storage_journal_corrupt_records_total")).hasValue(1.0);
                assertThat(get(port, "/ready").statusCode()).isEqualTo(200);
            } finally {
                hold.countDown();
                storage.close();
            }
        }
    }
}
