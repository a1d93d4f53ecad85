package org.numeter.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.numeter.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poller announcing itself to its collector at start ({@code POST /collector/v1/register}), retried in the
 * background until the collector answers, so a poller may start before its collector.
 */
final class Registration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    private static final Duration MOST_WAIT = Duration.ofMinutes(5);

    private final URI collector;
    private final String collectorToken;
    private final byte[] body;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("poller-registration").daemon().factory());

    Registration(URI collector, String collectorToken, String host, URI advertised, String pollerToken) {
        this.collector = collector.resolve("/collector/v1/register");
        this.collectorToken = collectorToken;
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put("host", host);
        doc.put("url", advertised.toString());
        if (pollerToken != null) {
            doc.put("token", pollerToken);
        }
        try {
            this.body = Json.mapper().writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void start() {
        retries.execute(() -> attempt(Duration.ofSeconds(1)));
    }

    /** One try; on a failure that may pass, the next one after {@code wait}, doubled up to five minutes. */
    private void attempt(Duration wait) {
        String outcome;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(collector).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (collectorToken != null) {
                request.header("Authorization", "Bearer " + collectorToken);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                LOG.info("registered with the collector at {}", collector);
                return;
            }
            outcome = "HTTP " + status + ": " + response.body();
            if (status / 100 == 4 && status != 408 && status != 429) {
                LOG.error("the collector at {} refused the registration: {}", collector, outcome);
                return;
            }
        } catch (IOException e) {
            outcome = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LOG.warn("registration with {} failed ({}); trying again in {} s", collector, outcome, wait.toSeconds());
        Duration next = wait.multipliedBy(2).compareTo(MOST_WAIT) > 0 ? MOST_WAIT : wait.multipliedBy(2);
        if (!retries.isShutdown()) {
            retries.schedule(() -> attempt(next), wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }

    @Override
    public String toString() {
        return "Registration{" + collector + "}";
    }
}
