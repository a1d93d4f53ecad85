package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
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
 * {@code numeter web} as its own process in front of a {@code numeter storage} process (fed by a poller and a
 * collector process, as a site runs them): the web finds the host by itself and serves its data and PNG to a
 * logged-in user, and nothing to anyone else.
 */
@Timeout(90)
class WebProcessIT {
    static final String PASSWORD = "web-process-password";

    @TempDir
    Path data;

    Chain chain;
    NumeterProcess web;

    @AfterEach
    void stop() {
        if (web != null) {
            web.close();
        }
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void aSeparateWebShowsWhatASeparateStorageHolds() throws Exception {
        Path logs = Paths.get("target", "e2e", "web");
        chain = Chain.create(data, logs).start();
        web = chain.web(data, PASSWORD).start();
        web.awaitReady();
        int webPort = web.port();

        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String base = "http://127.0.0.1:" + webPort;
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);

        String plugin = base + "/api/hosts/" + Chain.HOST + "/plugins/" + CounterSourceProvider.PLUGIN;
        await("the web serves the counter's points").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1))
                .until(() -> knownPoints(http, plugin + "/data?points=600&from="
                        + (System.currentTimeMillis() / 1000 - 300)) >= 3);

        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(plugin + "/graph.png?width=400&height=200"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(png.body()).startsWith(0x89, 'P', 'N', 'G');

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(plugin + "/data")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static int knownPoints(HttpClient http, String url) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            return 0;
        }
        int known = 0;
        for (JsonNode row : Json.mapper().readTree(answer.body()).get("points")) {
            if (!row.get(1).isNull()) {
                known++;
            }
        }
        return known;
    }
}
