package org.numeter.app;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.Json;

/**
 * A poller started before its collector registers with it once the collector answers
 * ({@code poller.collector}), with the collector's token, and the collector then drains it.
 */
@Timeout(90)
class RegistrationIT {
    static final String TOKEN = "collector-token-for-registration";

    @TempDir
    Path data;

    NumeterProcess poller;
    NumeterProcess collector;

    @AfterEach
    void stop() {
        if (poller != null) {
            poller.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void aPollerRegistersWithACollectorThatStartsAfterIt() throws Exception {
        Path logs = Paths.get("target", "e2e", "registration");
        int pollerPort = NumeterProcess.freePort();
        int collectorPort = NumeterProcess.freePort();
        poller = NumeterProcess.of("poller", "poller", Map.of(
                Settings.DATA_DIR.name(), data.resolve("poller").toString(),
                Settings.POLLER_HOST.name(), "registering-poller",
                Settings.POLLER_PORT.name(), String.valueOf(pollerPort),
                Settings.POLLER_INTERVAL.name(), "1s",
                Settings.POLLER_SOURCES.name(), CounterSourceProvider.NAME,
                Settings.POLLER_COLLECTOR.name(), "http://127.0.0.1:" + collectorPort,
                Settings.POLLER_COLLECTOR_TOKEN.name(), TOKEN,
                Settings.POLLER_ADVERTISE.name(), "http://127.0.0.1:" + pollerPort),
                List.of(), pollerPort, "/health", logs).start();
        poller.awaitReady();

        collector = NumeterProcess.of("collector", "collector", Map.of(
                Settings.DATA_DIR.name(), data.resolve("collector").toString(),
                Settings.COLLECTOR_PORT.name(), String.valueOf(collectorPort),
                Settings.COLLECTOR_INTERVAL.name(), "1s",
                Settings.COLLECTOR_TOKEN.name(), TOKEN),
                List.of(), collectorPort, "/health", logs).start();

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest status = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + collectorPort + "/collector/v1/status"))
                .header("Authorization", "Bearer " + TOKEN).build();
        await("the poller registered and drained").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    HttpResponse<String> answer = http.send(status, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 200) {
                        return false;
                    }
                    for (JsonNode p : Json.mapper().readTree(answer.body()).get("pollers")) {
                        if (p.get("host").asText().equals("registering-poller")
                                && p.get("source").asText().equals("registered") && p.get("records").asLong() > 0) {
                            return true;
                        }
                    }
                    return false;
                });
    }
}
