package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.alert.AlertEngine;
import org.numeter.codec.Json;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.codec.BatchCodec;

/**
 * The alert routes of the storage API, on a real storage (rrd4j store, drain, server) fed through its sink: the
 * problems, the feed, the history, the rules, with the API's token; bad rules are a 400 that names them.
 */
class AlertRoutesIT {
    static final long T0 = 1_699_920_000L;
    static final Plugin LOAD = Plugin.builder("load").field(Field.builder("load").warning("5").critical("10").build())
            .build();

    @TempDir
    Path dir;

    RrdStore store;
    AlertEngine engine;
    Storage storage;
    MemorySpool upstream = new MemorySpool(1 << 20, java.time.Clock.systemUTC());
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        store = RrdStore.builder(dir.resolve("rrd")).open();
        engine = AlertEngine.builder(dir.resolve("alerts")).store(store).build();
        engine.start();
        storage = Storage.builder().store(store).alerts(engine).upstream("test", upstream).bind("127.0.0.1").port(0)
                .token("storage-token").build();
        storage.start();
    }

    @AfterEach
    void stop() throws Exception {
        storage.close();
        engine.close();
        store.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + storage.port() + path))
                .header("Authorization", "Bearer storage-token")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    @Test
    void pointsDrainedAreJudgedAndServed() throws Exception {
        upstream.append(BatchCodec.encode(new SampleBatch("web1", "load", T0, Map.of("load", 1.0), LOAD)));
        upstream.append(BatchCodec.encode(new SampleBatch("web1", "load", T0 + 60, Map.of("load", 12.0), null)));
        storage.drainNow();
        JsonNode problems = get("/api/v1/alerts");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).get("to").asText()).isEqualTo("CRITICAL");
        assertThat(problems.get(0).get("at").asLong()).isEqualTo(T0 + 60);
        JsonNode feed = get("/api/v1/alerts/changes?after=0");
        assertThat(feed.get("epoch").asText()).isNotEmpty();
        assertThat(feed.get("last").asLong()).isEqualTo(1);
        assertThat(get("/api/v1/alerts/changes?after=1").get("changes")).isEmpty();
        assertThat(get("/api/v1/alerts/history?host=web1&from=" + T0 + "&to=" + (T0 + 60))).hasSize(1);
        assertThat(get("/api/v1/status").get("alerts").get("problems").asInt()).isEqualTo(1);
        // the same page again (not acknowledged upstream, say): nothing new
        engine.written(List.of(new SampleBatch("web1", "load", T0 + 60, Map.of("load", 12.0), null)));
        assertThat(get("/api/v1/alerts/changes?after=0").get("changes")).hasSize(1);
    }

    @Test
    void rulesArePutAndABadOneIsRefusedByName() throws Exception {
        HttpResponse<String> ok = send("PUT", "/api/v1/alerts/rules", "[{\"hosts\":\"web*\",\"plugins\":\"load\","
                + "\"fields\":\"*\",\"warning\":\"2\",\"critical\":null,\"forPoints\":2,\"hysteresis\":\"5%\","
                + "\"origin\":\"rule 1\"}]");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(204);
        assertThat(get("/api/v1/alerts/rules").get(0).get("origin").asText()).isEqualTo("rule 1");
        HttpResponse<String> bad = send("PUT", "/api/v1/alerts/rules", "[{\"hosts\":\"web*\",\"warning\":\"2:x\","
                + "\"origin\":\"rule 2\"}]");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("rule 2: warning limit '2:x' is not a munin range");
        assertThat(send("PUT", "/api/v1/alerts/rules", "{not json").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/alerts/rules")).hasSize(1);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + storage.port() + "/api/v1/alerts")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }
}
