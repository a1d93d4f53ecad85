package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;

/**
 * The collector against a link that fails at every point a network can: the request lost, the answer lost after
 * the poller read its spool, the acknowledgement lost before or after the poller applied it. Whatever happens,
 * every batch reaches the collector's spool at least once and in order; repeats are only ever whole pages that
 * were not acknowledged, which the store drops.
 */
class CollectorFlakyLinkTest {

    /** Fails one call in four, at one of four points, reproducibly from the seed. */
    private static final class FlakyReader implements SpoolReader {
        private final SpoolReader upstream;
        private final Random random;
        long failures;

        FlakyReader(SpoolReader upstream, long seed) {
            this.upstream = upstream;
            this.random = new Random(seed);
        }

        private boolean fail() {
            return random.nextInt(4) == 0;
        }

        @Override
        public List<SpoolRecord> read(long from, int max) throws IOException {
            if (fail()) {
                failures++;
                throw new IOException("request lost");
            }
            List<SpoolRecord> page = upstream.read(from, max);
            if (fail()) {
                failures++;
                throw new IOException("answer lost");
            }
            return page;
        }

        @Override
        public void ack(long upTo) throws IOException {
            if (fail()) {
                failures++;
                throw new IOException("acknowledgement lost on the way");
            }
            upstream.ack(upTo);
            if (fail()) {
                failures++;
                throw new IOException("acknowledgement's answer lost");
            }
        }
    }

    @Test
    void nothingIsLostAndRepeatsAreWholeUnacknowledgedPages() throws Exception {
        long seed = new Random().nextLong();
        List<String> hosts = List.of("web1", "web2", "web3", "web4");
        Map<String, MemorySpool> pollers = new LinkedHashMap<>();
        Map<String, FlakyReader> links = new LinkedHashMap<>();
        for (int h = 0; h < hosts.size(); h++) {
            MemorySpool s = new MemorySpool();
            pollers.put(hosts.get(h), s);
            links.put(hosts.get(h), new FlakyReader(s, seed + h));
        }
        MemorySpool own = new MemorySpool();
        try (Collector collector = Collector.builder().host("collector1").spool(own)
                .interval(java.time.Duration.ZERO).pageSize(7)
                .pollers(hosts.stream().map(h -> PollerAddress.of(h, "http://" + h + ":8081", null)).toList())
                .readers(a -> links.get(a.host())).build()) {
            collector.start();
            for (int round = 0; round < 40; round++) {
                for (String h : hosts) {
                    for (int i = 0; i < 5; i++) {
                        pollers.get(h).append(Batches.load(h, round * 5 + i));
                    }
                }
                collector.runOnce();
            }
            for (int i = 0; i < 200 && pollers.values().stream().anyMatch(p -> p.stats().records() > 0); i++) {
                collector.runOnce();
            }

            List<SampleBatch> arrived = Batches.ofPlugin(Batches.all(own), "load");
            long duplicates = 0;
            for (String h : hosts) {
                List<Long> times = arrived.stream().filter(b -> b.host().equals(h)).map(SampleBatch::timestamp)
                        .toList();
                List<Long> once = new ArrayList<>();
                for (long t : times) {
                    if (once.isEmpty() || t > once.get(once.size() - 1)) {
                        once.add(t);
                    } else {
                        duplicates++;
                    }
                }
                assertThat(once).as("poller %s, seed %d", h, seed).isEqualTo(
                        java.util.stream.LongStream.range(0, 200).map(i -> Batches.T0 + 60 * i).boxed().toList());
                assertThat(pollers.get(h).stats().records()).isZero();
            }
            long failures = links.values().stream().mapToLong(l -> l.failures).sum();
            System.out.printf("flaky link (seed %d): produced %d, arrived %d, duplicates %d, failures %d%n", seed,
                    hosts.size() * 200, arrived.size(), duplicates, failures);
            assertThat(failures).isPositive();
            assertThat(arrived.size() - duplicates).isEqualTo(hosts.size() * 200L);
        }
    }
}
