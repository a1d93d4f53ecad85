package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolRecord;
import org.numeter.spool.SpoolStats;

/**
 * The promise of the suite, tested with every hop real (file spools, the pull link over HTTP, a store): when a
 * link or a process fails, nothing is lost and nothing is doubled. Each test ends by comparing, point by point,
 * what the pollers produced with what the store returns, and prints the counts.
 */
class CollectorFaultIT {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Rig rig;

    @BeforeEach
    void rig() {
        rig = new Rig(dir);
    }

    @AfterEach
    void close() throws Exception {
        rig.close();
    }

    /** Prints the counts, and checks that every batch delivered was stored exactly once. */
    private void report(String test, long produced, long delivered) {
        var w = rig.written();
        assertThat(w.batches()).as("stored once each").isEqualTo(delivered);
        System.out.printf("%s: produced %d, stored %d, duplicates dropped by the store %d%n", test, produced,
                w.batches(), w.duplicates());
    }

    @Test
    void aCleanStopSendsTheAcknowledgementThatWaitedForTheNextRead() throws Exception {
        TestPoller web1 = rig.poller("web1", 64L << 20);
        web1.produce(5);
        rig.startCollector(Duration.ZERO, 50).runOnce();
        assertThat(rig.collectorSpool().stats().records()).as("web1's page and the collector's own").isEqualTo(6);
        assertThat(web1.spool.stats().records()).as("its acknowledgement waits for the next read").isEqualTo(5);

        rig.stopCollector();

        assertThat(web1.spool.stats().records()).as("acknowledged when the collector stopped").isZero();
    }

    @Test
    void aPollersPagesAreMadeDurableBeforeTheirAcknowledgementLeavesAndNotBefore() throws Exception {
        TestPoller web1 = rig.poller("web1", 64L << 20);
        web1.produce(5);
        List<String> events = new ArrayList<>();
        // the collector's spool, telling when records are written without a barrier and when one is asked for
        MemorySpool held = new MemorySpool();
        Spool own = new Spool() {
            @Override
            public long appendAllDeferred(List<byte[]> payloads) throws IOException {
                long last = held.appendAll(payloads);
                events.add("written up to " + last);
                return last;
            }

            @Override
            public void awaitDurable(long sequence) {
                events.add("durable up to " + sequence + ", poller holds " + web1.spool.stats().records());
            }

            @Override
            public long append(byte[] payload) throws IOException {
                return held.append(payload);
            }

            @Override
            public long appendAll(List<byte[]> payloads) throws IOException {
                return held.appendAll(payloads);
            }

            @Override
            public List<SpoolRecord> read(long from, int max) throws IOException {
                return held.read(from, max);
            }

            @Override
            public void ack(long upTo) throws IOException {
                held.ack(upTo);
            }

            @Override
            public SpoolStats stats() {
                return held.stats();
            }

            @Override
            public void close() throws IOException {
                held.close();
            }
        };
        Collector collector = Collector.builder().host("collector1").spool(own).interval(Duration.ZERO)
                .poller(web1.address(web1.url())).build();
        collector.start();
        try {
            collector.runOnce();
            assertThat(events).containsExactly("written up to 5");

            web1.produce(2);
            collector.runOnce();
            // the read that carries the acknowledgement of the first page waits for it to be durable: the poller
            // still holds that page then (5) and the 2 new ones
            assertThat(events).containsExactly("written up to 5", "durable up to 5, poller holds 7",
                    "written up to 8"); // 6 was the collector's own plugin
            assertThat(web1.spool.stats().records()).isEqualTo(2);
        } finally {
            collector.close();
        }
        assertThat(events.get(events.size() - 1)).isEqualTo("durable up to 8, poller holds 2");
        assertThat(web1.spool.stats().records()).isZero();
    }

    @Test
    void collectorDownForSeveralIntervalsThenBack() throws Exception {
        for (String h : new String[] {"web1", "web2", "db1"}) {
            rig.poller(h, 64L << 20);
        }
        rig.startCollector(INTERVAL, 50);
        for (TestPoller p : rig.pollers.values()) {
            p.produce(10);
        }
        await().atMost(PATIENCE).until(rig::pollersEmpty);

        rig.stopCollector();
        for (int round = 0; round < 5; round++) {
            for (TestPoller p : rig.pollers.values()) {
                p.produce(6);
            }
        }
        for (TestPoller p : rig.pollers.values()) {
            assertThat(p.spool.stats().records()).as("%s holds the outage", p.host).isEqualTo(30);
        }

        rig.startCollector(INTERVAL, 50);
        await().atMost(PATIENCE).until(rig::pollersEmpty);
        await().atMost(PATIENCE).until(() -> {
            rig.storageDrain();
            return rig.stored(39);
        });
        for (TestPoller p : rig.pollers.values()) {
            rig.assertDelivered(p, 0, 39);
        }
        assertThat(rig.collector().rejections().total()).isZero();
        report("collector down then back", 3 * 40, 3 * 40);
    }

    @Test
    void linkCutAtRandomPointsRepeatedly() throws Exception {
        long seed = new Random().nextLong();
        for (String h : new String[] {"web1", "web2", "web3"}) {
            rig.poller(h, 64L << 20);
        }
        java.util.Map<String, ChaosProxy> proxies = new java.util.HashMap<>();
        for (TestPoller p : rig.pollers.values()) {
            ChaosProxy proxy = new ChaosProxy(new InetSocketAddress("127.0.0.1", p.port()), seed + p.port());
            proxy.cutRandomly(1.0, 20_000);
            proxies.put(p.host, proxy);
            rig.closeLater(proxy);
        }
        rig.route(p -> URI.create("http://127.0.0.1:" + proxies.get(p.host).port()));
        rig.startCollector(Duration.ofMillis(50), 20);

        int rounds = 10;
        int each = 30;
        for (int round = 1; round <= rounds; round++) {
            for (TestPoller p : rig.pollers.values()) {
                p.produce(each);
            }
            int moved = round * each;
            await().atMost(PATIENCE).until(() -> rig.pollers.values().stream()
                    .allMatch(p -> p.spool.stats().records() == 0 && p.produced() == moved));
        }
        await().atMost(PATIENCE).until(() -> {
            rig.storageDrain();
            return rig.stored(rounds * each - 1);
        });
        long cuts = proxies.values().stream().mapToLong(ChaosProxy::cuts).sum();
        for (TestPoller p : rig.pollers.values()) {
            rig.assertDelivered(p, 0, rounds * each - 1);
        }
        assertThat(cuts).as("the proxy did cut connections (seed %d)", seed).isPositive();
        System.out.printf("link cut %d times over %d connections (seed %d)%n", cuts,
                proxies.values().stream().mapToLong(ChaosProxy::connections).sum(), seed);
        report("link cut at random", 3 * rounds * each, 3 * rounds * each);
    }

    @Test
    void storageDownWhileTheCollectorKeepsFetching() throws Exception {
        for (String h : new String[] {"web1", "web2"}) {
            rig.poller(h, 64L << 20);
        }
        rig.startCollector(INTERVAL, 50);
        for (int round = 0; round < 5; round++) {
            for (TestPoller p : rig.pollers.values()) {
                p.produce(20);
            }
            await().atMost(PATIENCE).until(rig::pollersEmpty);
        }
        assertThat(rig.written().batches()).as("nothing stored while the storage is down").isZero();
        assertThat(rig.collectorSpool().stats().records()).as("the collector holds it all")
                .isGreaterThanOrEqualTo(2 * 100);

        await().atMost(PATIENCE).until(() -> {
            rig.storageDrain();
            return rig.stored(99);
        });
        for (TestPoller p : rig.pollers.values()) {
            rig.assertDelivered(p, 0, 99);
        }
        report("storage down", 2 * 100, 2 * 100);
    }

    @Test
    void aFullPollerSpoolDropsTheOldestCountsItAndDeliversTheRest() throws Exception {
        TestPoller p = rig.poller("web1", 64 * 1024);
        p.produce(3000);
        long dropped = p.spool.stats().dropped();
        assertThat(dropped).as("the poller's spool filled up").isPositive();
        assertThat(p.spool.stats().records()).isEqualTo(3000 - dropped);

        rig.startCollector(INTERVAL, 200);
        await().atMost(PATIENCE).until(rig::pollersEmpty);
        await().atMost(PATIENCE).until(() -> rig.collector().statuses().get(0).pollerDropped() == dropped);
        await().atMost(PATIENCE).until(() -> {
            rig.storageDrain();
            return rig.stored(2999);
        });
        rig.assertDelivered(p, (int) dropped, 2999);
        PollerStatus status = rig.collector().statuses().get(0);
        assertThat(status.records()).isEqualTo(3000 - dropped);
        assertThat(status.pollerDropped()).isEqualTo(dropped);
        System.out.printf("full poller spool: produced 3000, dropped by the poller %d, delivered %d%n", dropped,
                3000 - dropped);
        report("poller spool full", 3000, 3000 - dropped);
    }
}
