package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/** The storage API on a real server, on a free port, over a real rrd4j store. */
@Timeout(120)
class StorageServerIT {
    static final long T0 = 1_699_920_000L;
    static final Plugin LOAD = Plugin.builder("load").title("Load average").category("system").vlabel("load")
            .field(Field.builder("load").build()).build();
    static final Plugin IF = Plugin.builder("if_eth0").title("eth0 traffic").category("network")
            .field(Field.builder("down").negative("up").build())
            .field(Field.builder("up").graph(false).build()).build();

    @TempDir
    Path dir;

    RrdStore store;
    StorageServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        store = RrdStore.builder(dir).open();
        store.write(List.of(
                batch("load", T0 + 60, "load", 1.0).withMeta(LOAD),
                batch("load", T0 + 120, "load", Double.NaN),
                batch("load", T0 + 180, "load", 3.5),
                batch("if_eth0", T0 + 60, "down", 10.0, "up", 5.0).withMeta(IF)));
        server = StorageServer.builder().store(store).bind("127.0.0.1").port(0)
                .clock(Clock.fixed(Instant.ofEpochSecond(T0 + 3600), ZoneOffset.UTC))
                .status(() -> java.util.Map.of("batches", 4L)).build();
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.close();
    }

    static SampleBatch batch(String plugin, long t, Object... kv) {
        var values = new java.util.LinkedHashMap<String, Double>();
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], (Double) kv[i + 1]);
        }
        return new SampleBatch("web1", plugin, t, values, null);
    }

    HttpResponse<String> get(String path) throws Exception {
        return get(path, null);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(request(path, token), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    @Test
    void listsHosts() throws Exception {
        var r = get("/api/v1/hosts");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        assertThat(r.body()).isEqualTo("[{\"id\":\"web1\",\"plugins\":2,\"lastUpdate\":" + (T0 + 180)
                + ",\"stale\":true,\"late\":0,\"future\":0,\"apart\":0}]");
        assertThat(r.headers().firstValue("Server-Timing")).hasValueSatisfying(v -> assertThat(v)
                .matches("app;dur=\\d+\\.\\d{3}"));
    }

    @Test
    void showsOneHostOr404() throws Exception {
        assertThat(get("/api/v1/hosts/web1").body())
                .isEqualTo("{\"id\":\"web1\",\"plugins\":2,\"lastUpdate\":" + (T0 + 180)
                        + ",\"stale\":true,\"late\":0,\"future\":0,\"apart\":0}");
        var missing = get("/api/v1/hosts/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("host 'nope' is not known");
        assertThat(get("/api/v1/hosts/nope/plugins").statusCode()).isEqualTo(404);
    }

    @Test
    void listsPluginsWithTitleAndCategory() throws Exception {
        var r = get("/api/v1/hosts/web1/plugins");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[{\"name\":\"if_eth0\",\"title\":\"eth0 traffic\",\"category\":\"network\","
                + "\"lastUpdate\":" + (T0 + 60) + "},{\"name\":\"load\",\"title\":\"Load average\",\"category\":"
                + "\"system\",\"lastUpdate\":" + (T0 + 180) + "}]");
    }

    @Test
    void servesPluginMetadataAsTheCodecWritesIt() throws Exception {
        var r = get("/api/v1/hosts/web1/plugins/load");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(new String(BatchCodec.encode(LOAD), StandardCharsets.UTF_8));
        var missing = get("/api/v1/hosts/web1/plugins/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("host web1 has no plugin 'nope'");
    }

    @Test
    void servesDataWithUnknownsAsNull() throws Exception {
        var r = get("/api/v1/hosts/web1/plugins/load/data?from=" + (T0 + 60) + "&to=" + (T0 + 180)
                + "&resolution=60");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"host\":\"web1\",\"plugin\":\"load\",\"cf\":\"AVERAGE\",\"step\":60,"
                + "\"fields\":[\"load\"],\"points\":[[" + (T0 + 60) + ",1.0],[" + (T0 + 120) + ",null],["
                + (T0 + 180) + ",3.5]]}");
    }

    @Test
    void servesChosenFieldsConsolidationAndPointCount() throws Exception {
        var r = get("/api/v1/hosts/web1/plugins/if_eth0/data?from=" + T0 + "&to=" + (T0 + 60)
                + "&fields=up,down&cf=max&points=2");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"host\":\"web1\",\"plugin\":\"if_eth0\",\"cf\":\"MAX\",\"step\":60,"
                + "\"fields\":[\"up\",\"down\"],\"points\":[[" + T0 + ",null,null],[" + (T0 + 60) + ",5.0,10.0]]}");
    }

    @Test
    void defaultsToTheLast24Hours() throws Exception {
        var r = get("/api/v1/hosts/web1/plugins/load/data?resolution=60");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"host\":\"web1\",\"plugin\":\"load\",\"cf\":\"AVERAGE\",\"step\":60,"
                + "\"fields\":[\"load\"],\"points\":[[" + (T0 + 3600 - 86400) + ",null],")
                .endsWith("[" + (T0 + 3600) + ",null]]}")
                .contains("[" + (T0 + 180) + ",3.5]");
    }

    @Test
    void refusesBadParametersWithTheValueQuoted() throws Exception {
        String data = "/api/v1/hosts/web1/plugins/load/data?";
        assertBadRequest(data + "from=abc", "from 'abc' is not an epoch second");
        assertBadRequest(data + "to=-3", "to '-3' is not an epoch second");
        assertBadRequest(data + "from=10&to=5", "to '5' is not after from '10'");
        assertBadRequest(data + "from=1&to=" + Long.MAX_VALUE, "to '" + Long.MAX_VALUE
                + "' is not an epoch second between 1 and 32503680000");
        assertBadRequest(data + "cf=median", "cf 'median' is not one of AVERAGE, MIN, MAX");
        assertBadRequest(data + "resolution=0", "resolution '0' is not between 1 and 632448000");
        assertBadRequest(data + "points=x", "points 'x' is not a whole number");
        assertBadRequest(data + "fields=nope", "field 'nope' is not a field of plugin load (it has load)");
        assertBadRequest(data + "fields=load,,x", "fields 'load,,x' has an empty item");
        String graph = "/api/v1/hosts/web1/plugins/load/graph.png?";
        assertBadRequest(graph + "width=5", "width '5' is not between 100 and 4000");
        assertBadRequest(graph + "legend=maybe", "legend 'maybe' is not true or false");
    }

    /**
     * Every parameter at its extremes: each answer is a 4xx, within a second, and none is a 500 (the same requests
     * once looped for ever inside rrd4j, or answered an empty 500).
     */
    @Test
    void answersEveryParameterAtItsExtremesWithA4xxWithinASecond() throws Exception {
        String max = String.valueOf(Long.MAX_VALUE);
        String min = String.valueOf(Long.MIN_VALUE);
        String beyond = "99999999999999999999";
        long t = T0 + 60;
        List<String> queries = new java.util.ArrayList<>();
        for (String v : List.of(max, min, beyond, "-1", "-86400", "32503680001", "1e9", " ", "0x10")) {
            queries.add("from=" + v + "&to=" + (T0 + 3600));
            queries.add("to=" + v);
            queries.add("from=" + v + "&to=" + v);
        }
        queries.add("from=" + max + "&to=" + min);
        queries.add("from=" + (T0 + 120) + "&to=" + T0);
        queries.add("from=" + t + "&to=" + t);
        queries.add("from=0&to=" + 32503680000L);
        queries.add("from=0&to=0");
        queries.add("to=0");
        List<String> dataOnly = new java.util.ArrayList<>();
        for (String v : List.of(max, min, beyond, "-1", "0", "632448001")) {
            dataOnly.add("resolution=" + v);
        }
        for (String v : List.of(max, min, beyond, "-1", "0", "100001", String.valueOf(1L + Integer.MAX_VALUE))) {
            dataOnly.add("points=" + v);
        }
        dataOnly.add("cf=" + "x".repeat(5000));
        dataOnly.add("fields=" + "a,".repeat(2000) + "a");
        // within every bound, but 20 years at the finest tier would be 10 million rows: 413
        dataOnly.add("from=" + t + "&to=" + (t + 20L * 365 * 86400) + "&resolution=1");
        List<String> paths = new java.util.ArrayList<>();
        for (String q : queries) {
            paths.add("/api/v1/hosts/web1/plugins/load/data?" + q);
            paths.add("/api/v1/hosts/web1/plugins/if_eth0/graph.png?" + q);
        }
        for (String q : dataOnly) {
            paths.add("/api/v1/hosts/web1/plugins/if_eth0/data?" + q);
        }
        for (String v : List.of(max, min, beyond, "-1", "0", "99", "4001")) {
            paths.add("/api/v1/hosts/web1/plugins/load/graph.png?width=" + v);
        }
        for (String v : List.of(max, min, beyond, "-1", "0", "49", "3001")) {
            paths.add("/api/v1/hosts/web1/plugins/load/graph.png?height=" + v);
        }
        paths.add("/api/v1/hosts/web1/plugins/load/graph.png?title=" + "t".repeat(300));
        get("/api/v1/hosts/web1/plugins/load/data?from=x"); // warm the server up

        for (String path : paths) {
            long t0 = System.nanoTime();
            var r = http.send(request(path.replace(" ", "%20"), null), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            String shown = path.length() > 160 ? path.substring(0, 160) + "..." : path;
            String body = r.body().length() > 200 ? r.body().substring(0, 200) + "..." : r.body();
            assertThat(r.statusCode()).as(shown + " answered " + body).isBetween(400, 499);
            assertThat(r.body()).as(shown).isNotBlank();
            assertThat(millis).as(shown + " took " + millis + " ms").isLessThan(1000);
        }
        var status = get("/api/v1/status");
        assertThat(status.body()).contains("\"errors\":0");
    }

    /** The largest answers the bounds allow are given, in bounded time (a guard, not a benchmark). */
    @Test
    void answersTheLargestQueriesTheBoundsAllow() throws Exception {
        long t = T0 + 60;
        var rows = http.send(request("/api/v1/hosts/web1/plugins/if_eth0/data?from=" + t + "&to="
                + (t + 999_999L * 60) + "&resolution=60", null), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(rows.statusCode()).isEqualTo(200);
        var span = get("/api/v1/hosts/web1/plugins/load/data?from=1&to=" + (1 + 20L * 366 * 86400)
                + "&points=100000");
        assertThat(span.statusCode()).isEqualTo(200);
        var future = get("/api/v1/hosts/web1/plugins/load/data?from=" + (32503680000L - 20L * 366 * 86400)
                + "&to=32503680000&points=800");
        assertThat(future.statusCode()).isEqualTo(200);
        for (String range : List.of("from=1&to=" + (1 + 20L * 366 * 86400), "from=" + (32503680000L - 20L * 366 * 86400)
                + "&to=32503680000", "from=" + T0 + "&to=" + (T0 + 1))) {
            var png = http.send(request("/api/v1/hosts/web1/plugins/if_eth0/graph.png?" + range
                    + "&width=4000&height=3000", null), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(png.statusCode()).as(range + ": " + new String(png.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
        }
    }

    void assertBadRequest(String path, String body) throws Exception {
        var r = get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertThat(r.body()).as(path).isEqualTo(body);
    }

    @Test
    void rendersAPng() throws Exception {
        var r = http.send(request("/api/v1/hosts/web1/plugins/if_eth0/graph.png?from=" + T0 + "&to=" + (T0 + 86400)
                + "&width=400&height=200&title=Traffic&legend=false", null), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(image.getWidth()).isEqualTo(400);
        assertThat(image.getHeight()).isEqualTo(200);
    }

    @Test
    void reportsStatus() throws Exception {
        var r = get("/api/v1/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true,\"status\":\"UP\",\"detail\":\"ok\",\"hosts\":1,\"plugins\":2,\"series\":3,"
                + "\"errors\":0,\"batches\":4,\"staleHosts\":1,\"staleAfterSeconds\":300}");
    }

    @Test
    void aHostIsStaleOnceItsLastUpdateIsOlderThanTheThreshold() throws Exception {
        server.close();
        // 3,420 s after web1's last update: within an hour's threshold, past 3,419 s.
        for (long threshold : new long[] {3420, 3419}) {
            server = StorageServer.builder().store(store).bind("127.0.0.1").port(0)
                    .clock(Clock.fixed(Instant.ofEpochSecond(T0 + 3600), ZoneOffset.UTC))
                    .staleAfter(java.time.Duration.ofSeconds(threshold)).build();
            server.start();
            boolean stale = threshold == 3419;
            assertThat(get("/api/v1/hosts").body())
                    .endsWith(",\"stale\":" + stale + ",\"late\":0,\"future\":0,\"apart\":0}]");
            assertThat(get("/api/v1/hosts/web1").body())
                    .endsWith(",\"stale\":" + stale + ",\"late\":0,\"future\":0,\"apart\":0}");
            assertThat(get("/api/v1/status").body()).contains("\"staleHosts\":" + (stale ? 1 : 0));
            assertThat(server.staleHosts()).isEqualTo(stale ? 1 : 0);
            server.close();
        }
        server = StorageServer.builder().store(store).bind("127.0.0.1").port(0).build();
        server.start();
    }

    @Test
    void requiresTheTokenWhenOneIsSet() throws Exception {
        server.close();
        server = StorageServer.builder().store(store).bind("127.0.0.1").port(0).token("s3cret").build();
        server.start();

        var none = get("/api/v1/hosts");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).isEqualTo("missing or wrong bearer token");
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        var wrong = get("/api/v1/hosts", "guess");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo("missing or wrong bearer token");
        assertThat(get("/api/v1/hosts", "s3cret").statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/status", "s3cret").statusCode()).isEqualTo(200);
        assertThat(server.toString()).doesNotContain("s3cret");
    }
}
