package org.numeter.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.CodecException;
import org.numeter.codec.Json;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.store.PluginSummary;

/** A client of one storage's API v1 (docs/api.md, section 2). */
public final class StorageClient {
    private static final String STATUS = "api/v1/status";
    /** A storage that does not answer, or answers with something that is not API v1. */
    public static final class StorageDownException extends IOException {
        private static final long serialVersionUID = 1L;

        StorageDownException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Points as the storage gave them: {@code rows[i][f]} is field {@code fields.get(f)} at {@code times[i]};
     * NaN is unknown.
     */
    public record Data(long step, List<String> fields, long[] times, double[][] rows) {}

    /**
     * A host as a storage lists it.
     *
     * @param stale whether the storage reports no update for its threshold (false from a storage too old to say)
     * @param late points the storage dropped as older than what it held (a clock gone back), since it started
     * @param future points it refused as too far ahead of its clock, since it started
     */
    public record RemoteHost(String id, int plugins, long lastUpdate, boolean stale, long late, long future,
            long apart) {}

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final String token;

    /** @param token the bearer token the storage requires, or null */
    public StorageClient(URI base, HttpClient http, Duration timeout, String token) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.http = http;
        this.timeout = timeout;
        this.token = token;
    }

    public URI uri() {
        return base;
    }

    public List<RemoteHost> hosts() throws IOException {
        JsonNode root = json(get("api/v1/hosts").orElseThrow(() -> down("api/v1/hosts answered 404", null)));
        List<RemoteHost> out = new ArrayList<>();
        for (JsonNode h : root) {
            String id = h.path("id").asText();
            try {
                Names.requireHost(id);
            } catch (IllegalArgumentException e) {
                // A name the web could not route safely: leave it out rather than drop the whole storage.
                continue;
            }
            out.add(new RemoteHost(id, h.path("plugins").asInt(), h.path("lastUpdate").asLong(),
                    h.path("stale").asBoolean(false), h.path("late").asLong(), h.path("future").asLong(),
                    h.path("apart").asLong()));
        }
        return out;
    }

    public List<PluginSummary> plugins(String host) throws IOException {
        Optional<byte[]> body = get("api/v1/hosts/" + enc(host) + "/plugins");
        List<PluginSummary> out = new ArrayList<>();
        if (body.isEmpty()) {
            return out;
        }
        for (JsonNode p : json(body.get())) {
            out.add(new PluginSummary(p.path("name").asText(), p.path("title").asText(), p.path("category").asText(),
                    p.path("lastUpdate").asLong()));
        }
        return out;
    }

    public Optional<Plugin> plugin(String host, String plugin) throws IOException {
        Optional<byte[]> body = get("api/v1/hosts/" + enc(host) + "/plugins/" + enc(plugin));
        try {
            return body.map(BatchCodec::decodePlugin);
        } catch (CodecException e) {
            throw down("plugin " + plugin + " of host " + host + ": " + e.getMessage(), e);
        }
    }

    public Optional<Data> data(String host, String plugin, long from, long to, int points, List<String> fields)
            throws IOException {
        String query = "?from=" + from + "&to=" + to + "&points=" + points
                + (fields.isEmpty() ? "" : "&fields=" + enc(String.join(",", fields)));
        Optional<byte[]> body = get("api/v1/hosts/" + enc(host) + "/plugins/" + enc(plugin) + "/data" + query);
        if (body.isEmpty()) {
            return Optional.empty();
        }
        JsonNode root = json(body.get());
        List<String> names = new ArrayList<>();
        root.path("fields").forEach(f -> names.add(f.asText()));
        JsonNode points0 = root.path("points");
        long[] times = new long[points0.size()];
        double[][] rows = new double[points0.size()][names.size()];
        for (int i = 0; i < points0.size(); i++) {
            JsonNode row = points0.get(i);
            times[i] = row.path(0).asLong();
            for (int f = 0; f < names.size(); f++) {
                JsonNode v = row.path(f + 1);
                rows[i][f] = v.isNumber() ? v.doubleValue() : Double.NaN;
            }
        }
        return Optional.of(new Data(root.path("step").asLong(), names, times, rows));
    }

    /**
     * What the storage's status says of it (docs/api.md, section 2: {@code /api/v1/status}): what is wrong with it,
     * or null; its write-behind, or null when it keeps none (another kind of store, an older storage).
     */
    public Reported status() throws IOException {
        Optional<byte[]> body = get(STATUS);
        if (body.isEmpty()) {
            return new Reported(null, null);
        }
        JsonNode status = json(body.get());
        String problem = status.path("ok").asBoolean(true) ? null : status.path("detail").asText("not ok");
        JsonNode wb = status.path("writeBehind");
        JsonNode replay = status.path("replay");
        if (!wb.isObject() && !replay.isObject()) {
            return new Reported(problem, null);
        }
        return new Reported(problem, new WriteBehind(number(wb, "pendingBytes"),
                number(wb, "oldestPendingSeconds"), number(wb, "quarantineKeptPoints"),
                number(wb, "quarantineDroppedPoints"), replay.path("state").isTextual()
                        ? replay.path("state").asText() : null, number(replay, "records"),
                number(replay, "bytes"), number(replay, "totalBytes"), number(replay, "corruptRecords"),
                replay.path("ended").isTextual() ? replay.path("ended").asText() : null,
                replay.path("problem").isTextual() ? replay.path("problem").asText() : null));
    }

    private static Long number(JsonNode node, String name) {
        JsonNode v = node.path(name);
        return v.isNumber() ? v.asLong() : null;
    }

    /** What a storage's status says: its problem, or null; its write-behind, or null. */
    public record Reported(String problem, WriteBehind writeBehind) {}

    /**
     * A storage's write-behind as its status tells it; a figure it does not give is null. {@code replay} is the
     * state of the start's replay of the journal ({@code none}, {@code replaying}, {@code done}).
     */
    public record WriteBehind(Long pendingBytes, Long oldestPendingSeconds, Long quarantineKeptPoints,
            Long quarantineDroppedPoints, String replay, Long replayRecords, Long replayBytes, Long replayTotalBytes,
            Long replayCorruptRecords, String replayEnded, String replayProblem) {}

    // ---- alerts (docs/api.md, section 2: /api/v1/alerts)

    /** The storage's current problems; empty when it runs without alerts (404). */
    public List<org.numeter.alert.Change> alerts() throws IOException {
        return changesOf(get("api/v1/alerts"), "api/v1/alerts");
    }

    /** State changes in a range, of one host or all (null). */
    public List<org.numeter.alert.Change> alertHistory(String host, long from, long to) throws IOException {
        return changesOf(get("api/v1/alerts/history?from=" + from + "&to=" + to
                + (host == null ? "" : "&host=" + enc(host))), "api/v1/alerts/history");
    }

    /** A page of the change feed after a sequence, or empty when the storage runs without alerts. */
    public Optional<org.numeter.alert.AlertEngine.Feed> alertChanges(long after, int max) throws IOException {
        Optional<byte[]> body = get("api/v1/alerts/changes?after=" + after + "&max=" + max);
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(body.get(), org.numeter.alert.AlertEngine.Feed.class));
        } catch (IOException e) {
            throw down(base + "api/v1/alerts/changes answered something that is not a feed: " + e.getMessage(), e);
        }
    }

    /** The rules the storage applies, or empty when it runs without alerts. */
    public Optional<List<org.numeter.alert.Rule>> alertRules() throws IOException {
        Optional<byte[]> body = get("api/v1/alerts/rules");
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(body.get(),
                    new com.fasterxml.jackson.core.type.TypeReference<List<org.numeter.alert.Rule>>() {}));
        } catch (IOException e) {
            throw down(base + "api/v1/alerts/rules answered something that is not rules: " + e.getMessage(), e);
        }
    }

    /** Replaces the rules the storage applies. */
    public void putAlertRules(List<org.numeter.alert.Rule> rules) throws IOException {
        URI uri = base.resolve("api/v1/alerts/rules");
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(rules)));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw down(uri + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw down(uri + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw down(uri + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8).lines().findFirst().orElse(""), null);
        }
    }

    private List<org.numeter.alert.Change> changesOf(Optional<byte[]> body, String path) throws IOException {
        if (body.isEmpty()) {
            return List.of();
        }
        try {
            return Json.mapper().readValue(body.get(),
                    new com.fasterxml.jackson.core.type.TypeReference<List<org.numeter.alert.Change>>() {});
        } catch (IOException e) {
            throw down(base + path + " answered something that is not a list of changes: " + e.getMessage(), e);
        }
    }

    /** Whether the storage answers its status endpoint. */
    public boolean ping() {
        try {
            return get(STATUS).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** The body of a 200, empty for a 404, else a {@link StorageDownException}. */
    private Optional<byte[]> get(String path) throws IOException {
        URI uri = base.resolve(path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw down(uri + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw down(uri + ": interrupted", e);
        }
        return switch (response.statusCode()) {
            case 200 -> Optional.of(response.body());
            // a storage that is not ready answers its status with 503 and says why in the body
            case 503 -> {
                if (!path.equals(STATUS)) {
                    throw down(uri + " answered 503", null);
                }
                yield Optional.of(response.body());
            }
            case 404 -> Optional.empty();
            case 401 -> throw down(uri + " refused the web's token (401): check web.storage-token", null);
            case 400 -> throw HttpProblem.badRequest("storage refused the query: "
                    + new String(response.body(), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
            default -> throw down(uri + " answered " + response.statusCode(), null);
        };
    }

    private JsonNode json(byte[] body) throws StorageDownException {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw down(base + " answered something that is not JSON: " + e.getMessage(), e);
        }
    }

    private StorageDownException down(String message, Throwable cause) {
        return new StorageDownException("storage " + message, cause);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "StorageClient{" + base + "}";
    }
}
