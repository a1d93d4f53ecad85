package org.numeter.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.numeter.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poller announcing itself to its collector ({@code POST /collector/v1/register}) with its host's registration
 * token: at start, then every heartbeat, so that a collector that lost its registrations (a new machine, a file
 * moved aside) drains it again within a heartbeat, and a poller may start before its collector. The collector
 * answers 201 when it did not know the poller and 200 when it did; the first is logged after a restart of the
 * collector. A failure is retried sooner (from one second, doubling up to the heartbeat), logged when it starts,
 * every tenth time, and when it ends. When the collector knows the poller but has not read its spool for three
 * heartbeats, a WARN says so once: it may not reach the advertised URL.
 */
final class Registration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final URI collector;
    private final Supplier<String> registrationToken;
    private final URI advertised;
    private final byte[] body;
    private final Duration heartbeat;
    private final LongSupplier lastDrainedMillis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("poller-registration").daemon().factory());
    private boolean registered;
    private long registeredAt;
    private long failuresInARow;
    private String lastRefusal;
    private boolean warnedUndrained;
    private boolean warnedNoToken;

    /**
     * @param lastDrainedMillis when the collector last read this poller's spool (epoch ms, 0 for never)
     */
    Registration(URI collector, Supplier<String> registrationToken, String host, URI advertised, String pollerToken,
            Duration heartbeat, LongSupplier lastDrainedMillis) {
        this.collector = collector.resolve("/collector/v1/register");
        this.registrationToken = registrationToken;
        this.advertised = advertised;
        this.heartbeat = heartbeat;
        this.lastDrainedMillis = lastDrainedMillis;
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put("host", host);
        doc.put("url", advertised.toString());
        if (pollerToken != null) {
            doc.put("token", pollerToken);
        }
        this.body = Json.bytes(doc);
    }

    void start() {
        schedule.execute(() -> attempt(FIRST_RETRY));
    }

    /** One registration; the next one after a heartbeat, or after {@code retry} when this one failed. */
    private void attempt(Duration retry) {
        boolean done = true;
        try {
            done = register();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.error("registration with {} failed", collector, e);
        }
        watchDrains();
        try {
            if (done) {
                schedule.schedule(() -> attempt(FIRST_RETRY), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                Duration doubled = retry.multipliedBy(2).compareTo(heartbeat) > 0 ? heartbeat : retry.multipliedBy(2);
                schedule.schedule(() -> attempt(doubled), retry.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: the poller is stopping
        }
    }

    /** Returns true when the collector took the registration, false when it should be tried again soon. */
    private boolean register() throws InterruptedException {
        String token = registrationToken.get();
        if (token == null) {
            if (!warnedNoToken) {
                LOG.error("no registration token for the collector at {}: set poller.registration-token (printed on"
                        + " the collector by 'numeter collector token <host id>'); trying again", collector);
                warnedNoToken = true;
            }
            return false;
        }
        if (warnedNoToken) {
            LOG.info("registration token found");
            warnedNoToken = false;
        }
        String outcome;
        int status;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(collector).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            request.header("Authorization", "Bearer " + token);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            outcome = "HTTP " + status + ": " + response.body().lines().findFirst().orElse("");
        } catch (IOException e) {
            status = 0;
            outcome = e.toString();
        }
        if (status / 100 == 2) {
            if (failuresInARow > 0 && registered) {
                LOG.info("the collector at {} answers again", collector);
            }
            if (!registered) {
                LOG.info("registered with the collector at {} as {}", collector, advertised);
            } else if (status == 201) {
                LOG.info("the collector at {} did not know this poller (restarted without its registrations?);"
                        + " registered again as {}", collector, advertised);
            }
            if (!registered || status == 201) {
                registeredAt = System.currentTimeMillis();
            }
            registered = true;
            failuresInARow = 0;
            lastRefusal = null;
            return true;
        }
        failuresInARow++;
        if (status / 100 == 4 && status != 408 && status != 429) {
            // A refusal (a wrong token, a host the configuration places elsewhere) needs the operator; it is
            // logged when it changes and tried again each heartbeat, so a fix on the collector's side is picked up.
            if (!outcome.equals(lastRefusal)) {
                LOG.error("the collector at {} refused the registration: {}", collector, outcome);
                lastRefusal = outcome;
            }
            return true;
        }
        if (failuresInARow == 1 || failuresInARow % 10 == 0) {
            LOG.warn("registration with {} failed ({}, {} in a row); trying again", collector, outcome,
                    failuresInARow);
        }
        return false;
    }

    /** One WARN when a collector that knows this poller has not read it for three heartbeats, one INFO after. */
    private void watchDrains() {
        if (!registered) {
            return;
        }
        long now = System.currentTimeMillis();
        long last = Math.max(lastDrainedMillis.getAsLong(), registeredAt);
        boolean undrained = now - last > heartbeat.multipliedBy(3).toMillis();
        if (undrained && !warnedUndrained) {
            LOG.warn("the collector at {} has not read this poller since {}: can it reach {} (poller.advertise,"
                    + " poller.bind)?", collector, Instant.ofEpochMilli(last), advertised);
        } else if (!undrained && warnedUndrained) {
            LOG.info("the collector reads this poller again");
        }
        warnedUndrained = undrained;
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }

    @Override
    public String toString() {
        return "Registration{" + collector + " every " + heartbeat + "}";
    }
}
