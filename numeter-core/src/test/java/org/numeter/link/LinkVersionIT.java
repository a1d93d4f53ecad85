package org.numeter.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.Json;
import org.numeter.codec.RecordCodec;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolRecord;

/**
 * Old and new ends of the pull link together (docs/link.md): the page version is negotiated, so a downstream of
 * this version drains an older upstream (JSON pages) and an older downstream drains this version's upstream (which
 * answers it in JSON), and records of both formats move.
 */
class LinkVersionIT {
    private static final String TOKEN = "s3cret-token";

    private final MemorySpool upstream = new MemorySpool();
    private final MemorySpool downstream = new MemorySpool();
    private final HttpClient http = HttpClient.newHttpClient();
    private PullServer server;
    private Javalin oldServer;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (oldServer != null) {
            oldServer.stop();
        }
        http.close();
    }

    private static SampleBatch batch(int i, boolean meta) {
        return new SampleBatch("web1", "load", 1_700_000_000L + 60L * i, Map.of("load", i / 10.0),
                meta ? Plugin.builder("load").title("Load average").build() : null);
    }

    private static List<SampleBatch> batches(int n) {
        List<SampleBatch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(batch(i, i == 0));
        }
        return out;
    }

    private URI startNew() {
        server = PullServer.builder(upstream).bindAddress("127.0.0.1").port(0).token(TOKEN).build();
        server.start();
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private static List<SampleBatch> decoded(List<SpoolRecord> records) {
        return records.stream().map(r -> RecordCodec.decode(r.payload())).toList();
    }

    @Test
    void newToNewMovesVersionTwoPagesWithTheRecordsUnchanged() throws Exception {
        List<SampleBatch> sent = batches(20);
        List<byte[]> held = new ArrayList<>();
        held.add(BatchCodec.encode(sent.get(0))); // written before an upgrade
        sent.subList(1, 20).forEach(b -> held.add(RecordCodec.encode(b)));
        upstream.appendAll(held);
        HttpSpoolReader reader = HttpSpoolReader.builder(startNew()).token(TOKEN).build();

        long moved = new Drain("test", reader, RecordSink.into(downstream), 7).drainOnce();

        assertThat(moved).isEqualTo(20);
        assertThat(server.routes().recordsServedV2()).isEqualTo(20);
        assertThat(server.routes().recordsServedV1()).isZero();
        List<SpoolRecord> got = downstream.read(0, 100);
        for (int i = 0; i < 20; i++) {
            assertThat(got.get(i).payload()).isEqualTo(held.get(i));
        }
        assertThat(decoded(got)).containsExactlyElementsOf(sent);
        assertThat(upstream.stats().records()).isZero();
        assertThat(reader.rejected()).isZero();
    }

    @Test
    void anOldDownstreamGetsJsonAsBeforeWithEveryCompactRecordAsItsJson() throws Exception {
        upstream.append(RecordCodec.encode(batch(0, false)));
        URI base = startNew();

        // what a downstream older than version 2 sends: no Accept header
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/spool/v1/records?max=10"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        long appended = upstream.read(0, 1).get(0).appendedAtMillis();
        assertThat(answer.body()).isEqualTo("{\"records\":[{\"seq\":1,\"appended\":" + appended
                + ",\"batch\":{\"host\":\"web1\",\"plugin\":\"load\",\"time\":1700000000,"
                + "\"values\":{\"load\":0.0}}}]}");
        assertThat(server.routes().recordsServedV1()).isEqualTo(1);
    }

    @Test
    void anOldDownstreamDrainsEverythingWithMetadataWhereItWas() throws Exception {
        List<SampleBatch> sent = batches(30);
        upstream.appendAll(sent.stream().map(RecordCodec::encode).toList());
        HttpSpoolReader old = HttpSpoolReader.builder(startNew()).token(TOKEN).linkVersion(1).build();

        new Drain("test", old, RecordSink.into(downstream), 11).drainOnce();

        assertThat(server.routes().recordsServedV1()).isEqualTo(30);
        assertThat(server.routes().recordsServedV2()).isZero();
        assertThat(decoded(downstream.read(0, 100))).containsExactlyElementsOf(sent);
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void aNewDownstreamDrainsAnOldUpstreamThatAnswersJsonWhateverItIsAsked() throws Exception {
        List<SampleBatch> sent = batches(25);
        upstream.appendAll(sent.stream().map(BatchCodec::encode).toList());
        List<byte[]> bad = List.of("{\"host\":\"web1\"}".getBytes(StandardCharsets.UTF_8));
        upstream.appendAll(bad);
        upstream.append(BatchCodec.encode(batch(26, false)));
        URI base = startOldServer();
        HttpSpoolReader reader = HttpSpoolReader.builder(base).token(TOKEN).build();

        long moved = new Drain("test", reader, RecordSink.into(downstream), 10).drainOnce();

        assertThat(moved).isEqualTo(26);
        assertThat(reader.rejected()).isEqualTo(1);
        List<SpoolRecord> got = downstream.read(0, 100);
        assertThat(got).allSatisfy(r -> assertThat(RecordCodec.isV2(r.payload())).isTrue());
        List<SampleBatch> expected = new ArrayList<>(sent);
        expected.add(batch(26, false));
        assertThat(decoded(got)).containsExactlyElementsOf(expected);
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void newToNewAcknowledgesEachPageWithTheNextReadAndKeepsTheLastUntilThen() throws Exception {
        List<SampleBatch> sent = batches(25);
        upstream.appendAll(sent.subList(0, 20).stream().map(RecordCodec::encode).toList());
        URI base = startNew();
        HttpSpoolReader reader = HttpSpoolReader.builder(base).token(TOKEN).ackOnNextRead(true).build();
        Drain drain = new Drain("test", reader, RecordSink.into(downstream), 7);

        assertThat(drain.drainOnce()).isEqualTo(20); // pages of 7, 7, 6: three reads
        assertThat(server.routes().acksOnRead()).isEqualTo(2);
        assertThat(upstream.stats().records()).isEqualTo(6); // the last page, until the next read
        upstream.appendAll(sent.subList(20, 25).stream().map(RecordCodec::encode).toList());
        assertThat(drain.drainOnce()).isEqualTo(5);
        assertThat(server.routes().acksOnRead()).isEqualTo(3);
        assertThat(upstream.stats().records()).isEqualTo(5);
        reader.flushAck();

        assertThat(server.routes().acksApart()).isEqualTo(1);
        assertThat(upstream.stats().records()).isZero();
        assertThat(decoded(downstream.read(0, 100))).containsExactlyElementsOf(sent);
    }

    @Test
    void theBarrierRunsBeforeEveryAcknowledgementLeavesAndOnlyThen() throws Exception {
        upstream.appendAll(batches(20).stream().map(RecordCodec::encode).toList());
        URI base = startNew();
        List<Long> heldAtBarrier = new ArrayList<>();
        HttpSpoolReader reader = HttpSpoolReader.builder(base).token(TOKEN).ackOnNextRead(true)
                .beforeAck(() -> heldAtBarrier.add(upstream.stats().records())).build();

        new Drain("test", reader, RecordSink.into(downstream), 7).drainOnce(); // reads 7, 7+ack, 6+ack
        assertThat(heldAtBarrier).as("before each carried acknowledgement, none yet applied").containsExactly(20L, 13L);
        reader.flushAck();
        assertThat(heldAtBarrier).as("and before the one sent apart").containsExactly(20L, 13L, 6L);
        assertThat(upstream.stats().records()).isZero();

        new Drain("again", reader, RecordSink.into(downstream), 7).drainOnce(); // nothing to read, nothing to ack
        assertThat(heldAtBarrier).hasSize(3);
    }

    @Test
    void aBarrierThatFailsStopsTheAcknowledgement() throws Exception {
        upstream.appendAll(batches(10).stream().map(RecordCodec::encode).toList());
        URI base = startNew();
        HttpSpoolReader reader = HttpSpoolReader.builder(base).token(TOKEN).ackOnNextRead(true)
                .beforeAck(() -> {
                    throw new IOException("disk full");
                }).build();
        Drain drain = new Drain("test", reader, RecordSink.into(downstream), 5);

        assertThatThrownBy(drain::drainOnce).hasMessage("disk full");
        assertThat(upstream.stats().records()).as("nothing acknowledged").isEqualTo(10);
        assertThat(server.routes().acksOnRead() + server.routes().acksApart()).isZero();
    }

    @Test
    void aDownstreamThatStopsBeforeItsNextReadGetsItsLastPageAgain() throws Exception {
        List<SampleBatch> sent = batches(20);
        upstream.appendAll(sent.stream().map(RecordCodec::encode).toList());
        URI base = startNew();
        HttpSpoolReader crashed = HttpSpoolReader.builder(base).token(TOKEN).ackOnNextRead(true).build();
        new Drain("before", crashed, RecordSink.into(downstream), 7).drainOnce();

        // a new reader, as a restarted downstream makes: the page whose acknowledgement waited comes again
        HttpSpoolReader restarted = HttpSpoolReader.builder(base).token(TOKEN).ackOnNextRead(true).build();
        long moved = new Drain("after", restarted, RecordSink.into(downstream), 7).drainOnce();

        assertThat(moved).isEqualTo(6);
        List<SampleBatch> expected = new ArrayList<>(sent);
        expected.addAll(sent.subList(14, 20)); // duplicates, which the store drops; nothing lost
        assertThat(decoded(downstream.read(0, 100))).containsExactlyElementsOf(expected);
        restarted.flushAck();
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void anOldDownstreamAcknowledgesApartAsBefore() throws Exception {
        upstream.appendAll(batches(12).stream().map(RecordCodec::encode).toList());
        HttpSpoolReader old = HttpSpoolReader.builder(startNew()).token(TOKEN).linkVersion(1).build();

        new Drain("test", old, RecordSink.into(downstream), 5).drainOnce();

        assertThat(server.routes().acksApart()).isEqualTo(3);
        assertThat(server.routes().acksOnRead()).isZero();
        assertThat(upstream.stats().records()).isZero();
    }

    @Test
    void aNewDownstreamAcknowledgesAnOldUpstreamApartAndLeavesItNothing() throws Exception {
        List<SampleBatch> sent = batches(12);
        upstream.appendAll(sent.stream().map(BatchCodec::encode).toList());
        HttpSpoolReader reader = HttpSpoolReader.builder(startOldServer()).token(TOKEN).ackOnNextRead(true).build();

        assertThat(new Drain("test", reader, RecordSink.into(downstream), 5).drainOnce()).isEqualTo(12);

        assertThat(upstream.stats().records()).isZero(); // the old upstream never said it takes an ack on a read
        assertThat(decoded(downstream.read(0, 100))).containsExactlyElementsOf(sent);
    }

    /** The pull link as versions before 2 served it: JSON whatever the Accept header says. */
    private URI startOldServer() {
        oldServer = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.routes.before(ctx -> BearerToken.of(TOKEN, "old").handle(ctx));
            config.routes.get(PullRoutes.RECORDS, ctx -> {
                List<SpoolRecord> records = upstream.read(Long.parseLong(ctx.queryParamAsClass("from", String.class)
                        .getOrDefault("0")), Integer.parseInt(ctx.queryParamAsClass("max", String.class)
                        .getOrDefault("500")));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
                    g.writeStartObject();
                    g.writeArrayFieldStart("records");
                    for (SpoolRecord r : records) {
                        g.writeStartObject();
                        g.writeNumberField("seq", r.sequence());
                        g.writeNumberField("appended", r.appendedAtMillis());
                        g.writeFieldName("batch");
                        g.writeRawValue(new String(r.payload(), StandardCharsets.UTF_8));
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                ctx.contentType("application/json").result(out.toByteArray());
            });
            config.routes.post(PullRoutes.ACK, ctx -> {
                upstream.ack(Long.parseLong(ctx.queryParam("upTo")));
                ctx.status(204);
            });
        }).start("127.0.0.1", 0);
        return URI.create("http://127.0.0.1:" + oldServer.port());
    }
}
