package org.numeter.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.numeter.codec.Json;

/**
 * A poller, a collector and a storage, each a {@code numeter} process of its own, linked over HTTP on loopback the
 * way a site deploys them: the collector pulls the poller, the storage pulls the collector. Every role keeps its
 * port and data directory across restarts, so any of them can be killed and started again.
 *
 * <p>The poller runs the test-only {@code counter} source every second and the storage keeps 1 s steps, so each
 * sample is one point whose value is its own timestamp ({@link ExpectedPoints}).
 */
final class Chain implements AutoCloseable {
    static final String HOST = "e2e-poller";
    static final long STEP = 1;
    /** The heartbeat of the storage's files, as {@link org.numeter.store.Archives#heartbeat()} sets it. */
    static final long HEARTBEAT = new org.numeter.store.Archives("fine", STEP,
            org.numeter.store.Archives.FINE.tiers()).heartbeat();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path producedLog;
    private final Path logDir;
    private final NumeterProcess poller;
    private final NumeterProcess collector;
    private final NumeterProcess storage;

    private Chain(Path logDir, Path producedLog, NumeterProcess poller, NumeterProcess collector,
            NumeterProcess storage) {
        this.logDir = logDir;
        this.producedLog = producedLog;
        this.poller = poller;
        this.collector = collector;
        this.storage = storage;
    }

    /**
     * The three roles, not started.
     *
     * @param dataDir under which each role gets its own data directory
     * @param logDir where each role's output is kept, with {@code produced.txt}, the counter's timestamps
     */
    static Chain create(Path dataDir, Path logDir) throws IOException {
        int pollerPort = NumeterProcess.freePort();
        int collectorPort = NumeterProcess.freePort();
        int storagePort = NumeterProcess.freePort();
        Files.createDirectories(logDir);
        Path produced = logDir.resolve("produced.txt");
        Files.deleteIfExists(produced);

        Map<String, String> p = new LinkedHashMap<>();
        p.put(Settings.DATA_DIR.name(), dataDir.resolve("poller").toString());
        p.put(Settings.POLLER_HOST.name(), HOST);
        p.put(Settings.POLLER_PORT.name(), String.valueOf(pollerPort));
        p.put(Settings.POLLER_INTERVAL.name(), STEP + "s");
        p.put(Settings.POLLER_SOURCES.name(), CounterSourceProvider.NAME);
        NumeterProcess poller = NumeterProcess.of("poller", "poller", p,
                List.of("-D" + CounterSourceProvider.LOG_PROPERTY + "=" + produced), pollerPort, "/health",
                logDir);

        Map<String, String> c = new LinkedHashMap<>();
        c.put(Settings.DATA_DIR.name(), dataDir.resolve("collector").toString());
        c.put(Settings.COLLECTOR_PORT.name(), String.valueOf(collectorPort));
        c.put(Settings.COLLECTOR_POLLERS.name(), HOST + "=http://127.0.0.1:" + pollerPort);
        c.put(Settings.COLLECTOR_INTERVAL.name(), "1s");
        NumeterProcess collector = NumeterProcess.of("collector", "collector", c, List.of(), collectorPort,
                "/health", logDir);

        Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.DATA_DIR.name(), dataDir.resolve("storage").toString());
        s.put(Settings.STORAGE_PORT.name(), String.valueOf(storagePort));
        s.put(Settings.STORAGE_COLLECTORS.name(), "http://127.0.0.1:" + collectorPort);
        s.put(Settings.STORAGE_INTERVAL.name(), "1s");
        s.put(Settings.STORAGE_ARCHIVES.name(), "fine");
        s.put(Settings.STORAGE_STEP.name(), STEP + "s");
        NumeterProcess storage = NumeterProcess.of("storage", "storage", s, List.of(), storagePort,
                "/health", logDir);
        return new Chain(logDir, produced, poller, collector, storage);
    }

    /**
     * A web over this chain's storage, on loopback and a port of its own, with {@code password} for its admin; not
     * started.
     */
    NumeterProcess web(Path dataDir, String password) throws IOException {
        int port = NumeterProcess.freePort();
        return NumeterProcess.of("web", "web", Map.of(
                Settings.DATA_DIR.name(), dataDir.resolve("web").toString(),
                Settings.WEB_BIND.name(), "127.0.0.1",
                Settings.WEB_PORT.name(), String.valueOf(port),
                Settings.WEB_STORAGES.name(), "http://127.0.0.1:" + storage.port(),
                Settings.WEB_ADMIN_PASSWORD.name(), password), List.of(), port, "/health", logDir);
    }

    /** Starts the three JVMs side by side, then waits for each to serve. */
    Chain start() throws IOException {
        storage.start();
        collector.start();
        poller.start();
        storage.awaitReady();
        collector.awaitReady();
        poller.awaitReady();
        return this;
    }

    NumeterProcess poller() {
        return poller;
    }

    NumeterProcess collector() {
        return collector;
    }

    NumeterProcess storage() {
        return storage;
    }

    /** Every timestamp the counter source produced so far, across the poller's restarts, in order. */
    List<Long> produced() throws IOException {
        if (!Files.exists(producedLog)) {
            return List.of();
        }
        String text = Files.readString(producedLog, StandardCharsets.US_ASCII);
        List<Long> out = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            out.add(Long.parseLong(text.substring(start, end)));
            start = end + 1;
        }
        return out;
    }

    /** The counter's timestamps the poller's spool holds, not yet acknowledged, read without acknowledging. */
    List<Long> heldByPoller() throws IOException, InterruptedException {
        JsonNode records = get(poller, "/spool/v1/records?from=0&max=10000").get("records");
        List<Long> out = new ArrayList<>();
        for (JsonNode r : records) {
            JsonNode batch = r.get("batch");
            if (CounterSourceProvider.PLUGIN.equals(batch.path("plugin").asText())) {
                out.add(batch.get("time").asLong());
            }
        }
        return out;
    }

    /** Records (of every plugin) the poller's spool holds, not yet acknowledged. */
    long pollerSpoolRecords() throws IOException, InterruptedException {
        return get(poller, "/spool/v1/stats").get("records").asLong();
    }

    /** Records the collector's spool holds that no storage has acknowledged yet. */
    long collectorSpoolRecords() throws IOException, InterruptedException {
        return get(collector, "/collector/v1/status").get("spool").get("records").asLong();
    }

    /** The storage's ingest counters ({@code /api/v1/status}). */
    JsonNode storageStatus() throws IOException, InterruptedException {
        return get(storage, "/api/v1/status");
    }

    /** The counter's known points in {@code [from, to]} at 1 s, timestamp to value; empty before any arrived. */
    SortedMap<Long, Double> stored(long from, long to) throws IOException, InterruptedException {
        String path = "/api/v1/hosts/" + HOST + "/plugins/" + CounterSourceProvider.PLUGIN + "/data?from=" + from
                + "&to=" + to + "&resolution=" + STEP;
        HttpResponse<byte[]> answer = send(storage, path);
        SortedMap<Long, Double> out = new TreeMap<>();
        if (answer.statusCode() == 404) {
            return out;
        }
        JsonNode data = json(storage, path, answer);
        if (data.get("step").asLong() != STEP) {
            throw new AssertionError("storage answered at a step of " + data.get("step") + " s, not " + STEP + ": "
                    + data);
        }
        for (JsonNode row : data.get("points")) {
            if (!row.get(1).isNull()) {
                out.put(row.get(0).asLong(), row.get(1).asDouble());
            }
        }
        return out;
    }

    private static JsonNode get(NumeterProcess role, String path) throws IOException, InterruptedException {
        return json(role, path, send(role, path));
    }

    private static HttpResponse<byte[]> send(NumeterProcess role, String path)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + role.port() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(NumeterProcess role, String path, HttpResponse<byte[]> answer) throws IOException {
        // a status endpoint answers 503 while its role is not ready (an upstream down), with its figures
        boolean statusNotReady = answer.statusCode() == 503 && path.endsWith("/status");
        if (answer.statusCode() != 200 && !statusNotReady) {
            throw new AssertionError(role + ": GET " + path + " answered " + answer.statusCode() + ": "
                    + new String(answer.body(), StandardCharsets.UTF_8));
        }
        return Json.mapper().readTree(answer.body());
    }

    /** Keeps a text file beside the roles' logs, for whoever reads a failure. */
    void keep(String file, String text) throws IOException {
        Files.writeString(logDir.resolve(file), text, StandardCharsets.UTF_8);
    }

    /** Kills whatever still runs. */
    @Override
    public void close() {
        poller.close();
        collector.close();
        storage.close();
    }
}
