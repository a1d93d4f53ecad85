package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.Json;

/**
 * The AMQP link as the launcher wires it: {@code numeter poller --set poller.link=amqp} publishes its spool to the
 * real RabbitMQ, {@code numeter storage --set storage.amqp.shard=0} consumes it, no collector between. Every point
 * the poller produced is stored with its own value.
 */
@Timeout(180)
class AmqpLinkProcessIT {
    static final String AMQP = System.getenv().getOrDefault("NUMETER_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672");
    static final String HOST = "amqp-poller";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path data;

    final String exchange = "numeter-it-" + UUID.randomUUID();
    final List<NumeterProcess> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(NumeterProcess::close);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(AMQP);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDelete(exchange + ".shard-0");
            channel.exchangeDelete(exchange);
        }
    }

    @Test
    void aPollerPublishingToRabbitMqReachesTheStorageThatConsumesItsShard() throws Exception {
        Path logs = Paths.get("target", "e2e", "amqp");
        Path produced = logs.resolve("produced.txt");
        Files.createDirectories(logs);
        Files.deleteIfExists(produced);
        int storagePort = NumeterProcess.freePort();
        int pollerPort = NumeterProcess.freePort();

        Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.DATA_DIR.name(), data.resolve("storage").toString());
        s.put(Settings.STORAGE_PORT.name(), String.valueOf(storagePort));
        s.put(Settings.STORAGE_STEP.name(), "1s");
        s.put(Settings.STORAGE_AMQP_SHARD.name(), "0");
        s.put(Settings.AMQP_URI.name(), AMQP);
        s.put(Settings.AMQP_EXCHANGE.name(), exchange);
        NumeterProcess storage = NumeterProcess.of("storage", "storage", s, List.of(), storagePort,
                "/health", logs);

        Map<String, String> p = new LinkedHashMap<>();
        p.put(Settings.DATA_DIR.name(), data.resolve("poller").toString());
        p.put(Settings.POLLER_HOST.name(), HOST);
        p.put(Settings.POLLER_PORT.name(), String.valueOf(pollerPort));
        p.put(Settings.POLLER_INTERVAL.name(), "1s");
        p.put(Settings.POLLER_SOURCES.name(), CounterSourceProvider.NAME);
        p.put(Settings.POLLER_LINK.name(), "amqp");
        p.put(Settings.AMQP_URI.name(), AMQP);
        p.put(Settings.AMQP_EXCHANGE.name(), exchange);
        NumeterProcess poller = NumeterProcess.of("poller", "poller", p,
                List.of("-D" + CounterSourceProvider.LOG_PROPERTY + "=" + produced), pollerPort, "/health",
                logs);

        started.add(storage.start());
        started.add(poller.start());
        storage.awaitReady();
        poller.awaitReady();

        await("five points through RabbitMQ").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> known(storagePort).size() >= 5);
        // What was produced up to now must all arrive; the poller goes on publishing what follows. (Stopping it
        // would leave its last seconds in its durable spool until it starts again: kept, not yet published.)
        String lines = Files.readString(produced);
        List<Long> timestamps = lines.substring(0, lines.lastIndexOf('\n') + 1).lines().map(Long::parseLong)
                .toList(); // whole lines only: the poller may be writing the next one
        await("every produced point stored").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> known(storagePort).keySet().containsAll(timestamps));

        Map<Long, Double> stored = known(storagePort);
        for (long t : timestamps) {
            assertThat(stored.get(t)).as("value stored at %d", t).isEqualTo((double) t);
        }
        System.out.printf("AMQP link through processes: produced %d, stored %d known points%n", timestamps.size(),
                stored.size());
    }

    /** The counter's known points, timestamp to value, over the last ten minutes at 1 s. */
    private static Map<Long, Double> known(int storagePort) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        URI uri = URI.create("http://127.0.0.1:" + storagePort + "/api/v1/hosts/" + HOST + "/plugins/"
                + CounterSourceProvider.PLUGIN + "/data?from=" + (now - 600) + "&to=" + (now + 5) + "&resolution=1");
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Map<Long, Double> out = new LinkedHashMap<>();
        if (answer.statusCode() == 404) {
            return out;
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        for (JsonNode row : Json.mapper().readTree(answer.body()).get("points")) {
            if (!row.get(1).isNull()) {
                out.put(row.get(0).asLong(), row.get(1).asDouble());
            }
        }
        return out;
    }
}
