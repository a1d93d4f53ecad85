package org.numeter.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.Json;
import org.numeter.codec.RecordCodec;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.FileSpool;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolRecord;

/** The pull link end to end: a real {@link PullServer} on a free port, {@link HttpSpoolReader}, {@link Drain}. */
class PullLinkIT {
    private static final String TOKEN = "s3cret-token";

    private final MemorySpool upstream = new MemorySpool();
    private final MemorySpool downstream = new MemorySpool();
    private final HttpClient http = HttpClient.newHttpClient();
    private PullServer server;

    @BeforeEach
    void startServer() {
        server = PullServer.builder(upstream).bindAddress("127.0.0.1").port(0).token(TOKEN).build();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
        http.close();
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private HttpSpoolReader reader() {
        return HttpSpoolReader.builder(base()).token(TOKEN).build();
    }

    private static SampleBatch batch(String host, int i) {
        return new SampleBatch(host, "load", 1_700_000_000L + 60L * i, Map.of("load", i / 10.0), null);
    }

    private static byte[] encoded(int i) {
        return BatchCodec.encode(batch("web1", i));
    }

    private static List<SampleBatch> decoded(List<SpoolRecord> records) {
        return records.stream().map(r -> RecordCodec.decode(r.payload())).toList();
    }

    private HttpResponse<String> request(String method, String pathAndQuery, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve(pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void recordsMoveThroughADrainAndAreAcknowledgedUpstream() throws Exception {
        Plugin meta = Plugin.builder("load").title("Load average").category("system")
                .fields(List.of(Field.builder("load").label("load").build())).build();
        List<SampleBatch> sent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            SampleBatch b = i == 0 ? batch("web1", i).withMeta(meta) : batch("web1", i);
            sent.add(b);
            upstream.append(BatchCodec.encode(b));
        }
        HttpSpoolReader reader = reader();
        Drain drain = new Drain("pull", reader, RecordSink.into(downstream), 10);

        assertThat(drain.drainOnce()).isEqualTo(25);

        assertThat(decoded(downstream.read(0, 100))).containsExactlyElementsOf(sent);
        assertThat(upstream.stats().records()).isZero();
        assertThat(drain.pagesMoved()).isEqualTo(3);
        assertThat(reader.received()).isEqualTo(25);
        assertThat(reader.rejected()).isZero();
        assertThat(server.routes().recordsServed()).isEqualTo(25);
        assertThat(reader.stats().lastSequence()).isEqualTo(25);
    }

    @Test
    void fileSpoolsAtBothEndsKeepWhatMovedAndWhatWasAcknowledgedAcrossRestarts(@TempDir Path tmp) throws Exception {
        Path up = tmp.resolve("poller");
        Path down = tmp.resolve("collector");
        List<SampleBatch> sent = new ArrayList<>();
        try (FileSpool pollerSpool = FileSpool.builder(up).segmentBytes(64 * 1024).open();
                FileSpool collectorSpool = FileSpool.builder(down).open();
                PullServer poller = PullServer.builder(pollerSpool).bindAddress("127.0.0.1").build()) {
            poller.start();
            for (int i = 0; i < 1000; i++) {
                sent.add(batch("web1", i));
            }
            pollerSpool.appendAll(sent.stream().map(BatchCodec::encode).toList());
            HttpSpoolReader reader = HttpSpoolReader.builder(URI.create("http://127.0.0.1:" + poller.port())).build();

            assertThat(new Drain("pull", reader, RecordSink.into(collectorSpool), 100).drainOnce()).isEqualTo(1000);
        }
        try (FileSpool pollerSpool = FileSpool.builder(up).open();
                FileSpool collectorSpool = FileSpool.builder(down).open()) {
            assertThat(pollerSpool.read(0, 10)).isEmpty();
            assertThat(pollerSpool.stats().lastSequence()).isEqualTo(1000);
            assertThat(decoded(collectorSpool.read(0, 2000))).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void theRecordsAnswerIsTheDocumentedShape() throws Exception {
        upstream.append(encoded(0));

        HttpResponse<String> answer = request("GET", "/spool/v1/records?from=0&max=10", TOKEN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        long appended = upstream.read(0, 1).get(0).appendedAtMillis();
        assertThat(answer.body()).isEqualTo("{\"records\":[{\"seq\":1,\"appended\":" + appended
                + ",\"batch\":{\"host\":\"web1\",\"plugin\":\"load\",\"time\":1700000000,"
                + "\"values\":{\"load\":0.0}}}]}");
        HttpResponse<String> stats = request("GET", "/spool/v1/stats", TOKEN);
        JsonNode figures = Json.mapper().readTree(stats.body());
        assertThat(figures.fieldNames()).toIterable().containsExactly("records", "bytes", "oldestAppendedAtMillis",
                "lastSequence", "dropped", "corrupt");
        assertThat(figures.get("records").asLong()).isEqualTo(1);
        assertThat(figures.get("lastSequence").asLong()).isEqualTo(1);
        assertThat(request("POST", "/spool/v1/ack?upTo=1", TOKEN).statusCode()).isEqualTo(204);
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void withoutTheTokenNothingIsReadNorAcknowledged() throws Exception {
        upstream.appendAll(List.of(encoded(1), encoded(2), encoded(3)));

        HttpResponse<String> noToken = request("GET", "/spool/v1/records", null);
        HttpResponse<String> wrongToken = request("POST", "/spool/v1/ack?upTo=3", "s3cret-tokeN");
        HttpResponse<String> noTokenAck = request("POST", "/spool/v1/ack?upTo=3", null);
        HttpResponse<String> stats = request("GET", "/spool/v1/stats", "nope");

        assertThat(List.of(noToken, wrongToken, noTokenAck, stats)).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("missing or wrong bearer token").doesNotContain(TOKEN);
        });
        HttpSpoolReader anonymous = HttpSpoolReader.builder(base()).build();
        assertThatThrownBy(() -> new Drain("pull", anonymous, RecordSink.into(downstream), 10).drainOnce())
                .isInstanceOf(IOException.class).hasMessageContaining("status 401");
        assertThat(upstream.stats().records()).isEqualTo(3);
        assertThat(downstream.stats().records()).isZero();
        assertThat(server.routes().unauthorized()).isEqualTo(5);
        assertThat(server.routes().recordsServed()).isZero();
    }

    @Test
    void badParametersAreRefusedWithTheValueQuoted() throws Exception {
        upstream.append(encoded(1));

        HttpResponse<String> abc = request("GET", "/spool/v1/records?max=abc", TOKEN);
        assertThat(abc.statusCode()).isEqualTo(400);
        assertThat(abc.body()).isEqualTo("max 'abc' is not a whole number from 1 to 10000");

        assertThat(request("GET", "/spool/v1/records?max=0", TOKEN).body()).contains("max '0'");
        assertThat(request("GET", "/spool/v1/records?max=10001", TOKEN).body()).contains("max '10001'");
        assertThat(request("GET", "/spool/v1/records?from=-4", TOKEN).body()).contains("from '-4'");
        HttpResponse<String> ack = request("POST", "/spool/v1/ack?upTo=x%0Ay", TOKEN);
        assertThat(ack.statusCode()).isEqualTo(400);
        assertThat(ack.body()).isEqualTo("upTo 'x\\ny' is not a sequence (a whole number, 0 or more)");
        assertThat(request("POST", "/spool/v1/ack", TOKEN).statusCode()).isEqualTo(400);
        assertThat(server.errors().badRequests()).isEqualTo(6);
        assertThat(upstream.stats().records()).isEqualTo(1);
    }

    @Test
    void aMalformedRecordBetweenGoodOnesIsCountedAndSkipped() throws Exception {
        upstream.append(encoded(1));
        upstream.append("{\"host\":\"web1\",\"plugin\":\"load\",\"time\":\"soon\",\"values\":{}}"
                .getBytes(StandardCharsets.UTF_8));
        upstream.append("not json at all".getBytes(StandardCharsets.UTF_8));
        upstream.append(encoded(2));
        HttpSpoolReader reader = reader();

        long moved = new Drain("pull", reader, RecordSink.into(downstream), 10).drainOnce();

        assertThat(moved).isEqualTo(2);
        assertThat(decoded(downstream.read(0, 10))).containsExactly(batch("web1", 1), batch("web1", 2));
        assertThat(reader.rejected()).isEqualTo(2);
        assertThat(reader.received()).isEqualTo(4);
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void pagesWithNothingUsableAreAcknowledgedAndTheLinkGoesOn() throws Exception {
        for (int i = 0; i < 4; i++) {
            upstream.append(("{\"broken\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        upstream.append(encoded(7));
        upstream.append("trailing garbage".getBytes(StandardCharsets.UTF_8));
        HttpSpoolReader reader = reader();

        long moved = new Drain("pull", reader, RecordSink.into(downstream), 3).drainOnce();

        assertThat(moved).isEqualTo(1);
        assertThat(decoded(downstream.read(0, 10))).containsExactly(batch("web1", 7));
        assertThat(reader.rejected()).isEqualTo(5);
        assertThat(upstream.stats().records()).as("the trailing bad record was acknowledged with its page").isZero();
    }

    @Test
    void batchesTheValidatorRefusesAreCountedApartAndAcknowledged() throws Exception {
        upstream.appendAll(List.of(encoded(1), BatchCodec.encode(batch("intruder", 2)), encoded(3)));
        HttpSpoolReader reader = HttpSpoolReader.builder(base()).token(TOKEN)
                .validator(b -> b.host().equals("web1")).build();

        new Drain("pull", reader, RecordSink.into(downstream), 10).drainOnce();

        assertThat(decoded(downstream.read(0, 10))).containsExactly(batch("web1", 1), batch("web1", 3));
        assertThat(reader.refused()).isEqualTo(1);
        assertThat(reader.rejected()).isZero();
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void aSinkThatDiesBeforeTheAckLosesNothingAndTheReplayDuplicatesExactlyThatPage() throws Exception {
        for (int i = 1; i <= 30; i++) {
            upstream.append(encoded(i));
        }
        RecordSink into = RecordSink.into(downstream);
        int[] pages = {0};
        RecordSink diesAfterSecondAppend = records -> {
            into.accept(records);
            if (++pages[0] == 2) {
                throw new IOException("killed after the append, before the ack");
            }
        };

        assertThatThrownBy(() -> new Drain("pull", reader(), diesAfterSecondAppend, 10).drainOnce())
                .hasMessageContaining("killed");
        assertThat(upstream.stats().records()).isEqualTo(20);
        long replayed = new Drain("pull", reader(), into, 10).drainOnce();

        assertThat(replayed).isEqualTo(20);
        Map<SampleBatch, Integer> seen = new HashMap<>();
        for (SampleBatch b : decoded(downstream.read(0, 100))) {
            seen.merge(b, 1, Integer::sum);
        }
        assertThat(seen).as("no loss").hasSize(30);
        for (int i = 1; i <= 30; i++) {
            assertThat(seen).containsKey(batch("web1", i));
        }
        long duplicates = seen.values().stream().filter(n -> n == 2).count();
        assertThat(duplicates).as("duplicates = the page appended but not acknowledged").isEqualTo(10);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void aFailingSpoolIsA500CountedAndLogged() throws Exception {
        upstream.close();

        HttpResponse<String> answer = request("GET", "/spool/v1/records", TOKEN);

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).isEqualTo("internal error (IllegalStateException), see the pull link log");
        assertThat(server.errors().serverErrors()).isEqualTo(1);
        assertThat(server.check().ok()).isTrue();
    }

    @Test
    void noTokenInToStringOrChecks() {
        assertThat(reader().toString()).doesNotContain(TOKEN).contains(base().toString());
        assertThat(server.toString()).doesNotContain(TOKEN);
        assertThat(server.check().detail()).doesNotContain(TOKEN);
        server.close();
        assertThat(server.check().ok()).isFalse();
    }
}
