package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;

/** The storage role as the launcher wires it: an upstream spool, an rrd4j store, the API with a token. */
class StorageIT {
    static final long T0 = 1_699_920_000L;

    @TempDir
    Path dir;

    @Test
    void drainsItsUpstreamAndShowsItsCountersOnTheStatusEndpoint() throws Exception {
        MemorySpool upstream = new MemorySpool();
        upstream.append(BatchCodec.encode(new SampleBatch("web1", "load", T0 + 60, Map.of("load", 1.0), null)));
        upstream.append("{oops".getBytes(StandardCharsets.UTF_8));
        // another reading of the same moment (a clock gone back): late; then the first sent again: a replay
        upstream.append(BatchCodec.encode(new SampleBatch("web1", "load", T0 + 60, Map.of("load", 2.0), null)));
        upstream.append(BatchCodec.encode(new SampleBatch("web1", "load", T0 + 60, Map.of("load", 1.0), null)));
        try (RrdStore store = RrdStore.builder(dir).open()) {
            Storage storage = Storage.builder().store(store).upstream("collector1", upstream).bind("127.0.0.1")
                    .port(0).token("t0ken").build();
            try {
                storage.start();
                storage.drainNow();

                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + storage.port() + "/api/v1/status"))
                        .header("Authorization", "Bearer t0ken").build(), HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).startsWith("{\"ok\":true,\"status\":\"UP\",\"detail\":\"1 upstreams answering\","
                        + "\"hosts\":1,\"plugins\":1,\"series\":1,"
                        + "\"errors\":0,\"records\":4,\"malformed\":1,\"batches\":1,\"points\":1,\"duplicates\":1,"
                        + "\"late\":1,\"future\":0,\"rejected\":0,\"upstreams\":1,\"drainErrors\":0,");
                // the new plugin's file is not made yet (the background makes it some seconds after the write):
                // no file open, one to make
                assertThat(r.body()).contains(",\"failing\":{},\"openFiles\":0,\"layoutWarnings\":0,\"quarantined\":0,")
                        .contains(",\"filesToMake\":1,\"unfinishedDeleted\":0,")
                        .contains(",\"writeFailures\":0,\"lastWriteFailure\":null,"
                                + "\"timeFaultsByHost\":{\"web1\":{\"future\":0,\"late\":1,\"apart\":0}},")
                        .endsWith(",\"staleHosts\":1,\"staleAfterSeconds\":300}");
                assertThat(upstream.stats().records()).isZero();
                assertThat(storage.toString()).doesNotContain("t0ken");
            } finally {
                storage.close();
            }
        }
    }
}
