package org.numeter.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import org.numeter.codec.Json;

/** What a test reads from a role process's HTTP API on loopback (a storage's points, any status). */
final class RoleApi {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RoleApi() {}

    /** The known points of a plugin's first field in {@code [from, to]} at {@code step}, timestamp to value. */
    static SortedMap<Long, Double> stored(int port, String host, String plugin, long from, long to, long step)
            throws Exception {
        JsonNode d = get(port, "/api/v1/hosts/" + host + "/plugins/" + plugin + "/data?from=" + from + "&to=" + to
                + "&resolution=" + step);
        SortedMap<Long, Double> out = new TreeMap<>();
        for (JsonNode row : d.get("points")) {
            if (!row.get(1).isNull()) {
                out.put(row.get(0).asLong(), row.get(1).asDouble());
            }
        }
        return out;
    }

    /** A 200's JSON; anything else fails the test with the answer. */
    static JsonNode get(int port, String path) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return Json.mapper().readTree(r.body());
    }
}
