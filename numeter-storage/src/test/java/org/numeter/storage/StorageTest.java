package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.BatchCodec;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;
import org.numeter.store.InMemoryStore;
import org.numeter.store.WriteResult;

class StorageTest {
    static final long T0 = 1_699_920_000L;

    final InMemoryStore store = new InMemoryStore();
    Storage storage;

    @AfterEach
    void close() {
        if (storage != null) {
            storage.close();
        }
        store.close();
    }

    static byte[] record(String plugin, long t, double v) {
        return BatchCodec.encode(new SampleBatch("web1", plugin, t, Map.of("v", v), null));
    }

    @Test
    void writesEveryGoodRecordAndCountsTheMalformedOnes() throws Exception {
        MemorySpool upstream = new MemorySpool();
        upstream.append(record("a", T0 + 60, 1));
        upstream.append("{\"host\":\"web1\",\"plugin\":\"a\",\"time\":\"soon\",\"values\":{}}"
                .getBytes(StandardCharsets.UTF_8));
        upstream.append(record("a", T0 + 120, 2));
        upstream.append("not json".getBytes(StandardCharsets.UTF_8));
        upstream.append(record("b", T0 + 60, 3));
        storage = Storage.builder().store(store).upstream("memory", upstream).api(false).pageSize(2).build();

        assertThat(storage.drainNow()).isEqualTo(5);

        assertThat(storage.sink().records()).isEqualTo(5);
        assertThat(storage.sink().malformed()).isEqualTo(2);
        assertThat(storage.sink().written()).isEqualTo(new WriteResult(3, 3, 0, 0, 0, 0));
        assertThat(upstream.stats().records()).isZero();
        assertThat(store.plugins("web1")).hasSize(2);
        assertThat(storage.figures()).containsEntry("records", 5L).containsEntry("malformed", 2L)
                .containsEntry("batches", 3L).containsEntry("points", 3L).containsEntry("duplicates", 0L)
                .containsEntry("rejected", 0L).containsEntry("drainRounds", 1L);
        assertThat(storage.check()).isEqualTo(new org.numeter.component.CheckResult(true, "1 upstreams answering"));
    }

    @Test
    void storesAReplayedPageOnceWhenTheAcknowledgementWasLost() throws Exception {
        MemorySpool spool = new MemorySpool();
        spool.append(record("a", T0 + 60, 1));
        spool.append(record("a", T0 + 120, 2));
        FlakyAck upstream = new FlakyAck(spool);
        storage = Storage.builder().store(store).upstream("flaky", upstream).api(false).build();

        storage.drainNow();
        assertThat(storage.check().ok()).isFalse();
        assertThat(storage.check().detail())
                .isEqualTo("every upstream fails: flaky: IOException: connection reset during ack");
        storage.drainNow();

        assertThat(storage.sink().written()).isEqualTo(new WriteResult(2, 2, 2, 0, 0, 0));
        assertThat(storage.figures()).containsEntry("drainErrors", 1L);
        assertThat(storage.check().ok()).isTrue();
        assertThat(spool.stats().records()).isZero();
    }

    @Test
    void drainsTheOtherUpstreamsWhenOneFails() throws Exception {
        MemorySpool good = new MemorySpool();
        good.append(record("a", T0 + 60, 1));
        SpoolReader down = new SpoolReader() {
            @Override
            public List<SpoolRecord> read(long from, int max) throws IOException {
                throw new IOException("connection refused");
            }

            @Override
            public void ack(long upTo) {}
        };
        storage = Storage.builder().store(store).upstream("down", down).upstream("good", good).api(false).build();

        storage.drainNow();

        assertThat(storage.sink().written().batches()).isEqualTo(1);
        // one of two failing: degraded, still ready, and named with why
        assertThat(storage.check().status()).isEqualTo("DEGRADED");
        assertThat(storage.check().detail()).isEqualTo("1 of 2 upstreams failing: down: IOException: connection refused");
    }

    @Test
    void drainsOnItsScheduleOnceStarted() throws Exception {
        MemorySpool upstream = new MemorySpool();
        storage = Storage.builder().store(store).upstream("memory", upstream).interval(Duration.ofMillis(50))
                .api(false).build();
        storage.start();

        upstream.append(record("a", T0 + 60, 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.plugins("web1").size() == 1);
        assertThat(storage.sink().written().batches()).isEqualTo(1);
    }

    @Test
    void keepsDrainingOnItsScheduleAfterTheStoreThrowsAnError() throws Exception {
        MemorySpool upstream = new MemorySpool();
        upstream.append(record("a", T0 + 60, 1));
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        org.numeter.store.Store failing = new org.numeter.store.Store() {
            @Override
            public WriteResult write(List<SampleBatch> batches) throws IOException {
                if (calls.incrementAndGet() == 1) {
                    // what a fault in a mapped file's page (SIGBUS) becomes in the JVM
                    throw new InternalError("a fault occurred in an unsafe memory access operation");
                }
                return store.write(batches);
            }

            @Override
            public List<org.numeter.store.HostSummary> hosts() {
                return store.hosts();
            }

            @Override
            public List<org.numeter.store.PluginSummary> plugins(String host) {
                return store.plugins(host);
            }

            @Override
            public java.util.Optional<org.numeter.model.Plugin> plugin(String host, String plugin) {
                return store.plugin(host, plugin);
            }

            @Override
            public org.numeter.store.Series fetch(org.numeter.store.SeriesQuery query) {
                return store.fetch(query);
            }

            @Override
            public void close() {}
        };
        storage = Storage.builder().store(failing).upstream("memory", upstream).interval(Duration.ofMillis(50))
                .api(false).build();
        storage.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> store.plugins("web1").size() == 1);
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(upstream.stats().records()).isZero();
        assertThat(storage.figures()).containsEntry("drainErrors", 1L);
    }

    /** Loses the first acknowledgement, as a connection cut after the write would. */
    static final class FlakyAck implements SpoolReader {
        private final MemorySpool spool;
        private boolean failed;

        FlakyAck(MemorySpool spool) {
            this.spool = spool;
        }

        @Override
        public List<SpoolRecord> read(long from, int max) {
            return spool.read(from, max);
        }

        @Override
        public void ack(long upTo) throws IOException {
            if (!failed) {
                failed = true;
                throw new IOException("connection reset during ack");
            }
            spool.ack(upTo);
        }
    }
}
