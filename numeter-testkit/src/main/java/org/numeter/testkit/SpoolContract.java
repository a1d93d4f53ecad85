package org.numeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolRecord;
import org.numeter.spool.SpoolStats;

/**
 * What every {@link Spool} must do. An implementation's test extends this class and says how to make an empty
 * spool; durable implementations also say how to reopen it and get {@link DurableSpoolContract}'s tests.
 */
public abstract class SpoolContract {
    protected Spool spool;

    /** A new, empty spool that holds at least 1 MiB. */
    protected abstract Spool newSpool() throws Exception;

    /** A new, empty spool that keeps at most about {@code maxBytes} of payload before dropping the oldest. */
    protected abstract Spool newBoundedSpool(long maxBytes) throws Exception;

    @BeforeEach
    void openSpool() throws Exception {
        spool = newSpool();
    }

    @AfterEach
    void closeSpool() throws Exception {
        if (spool != null) {
            spool.close();
        }
    }

    protected static byte[] payload(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static List<String> texts(List<SpoolRecord> records) {
        return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void appendReturnsIncreasingSequencesFromOne() throws Exception {
        assertThat(spool.append(payload("a"))).isEqualTo(1);
        assertThat(spool.append(payload("b"))).isEqualTo(2);
        assertThat(spool.appendAll(List.of(payload("c"), payload("d")))).isEqualTo(4);
    }

    @Test
    void readReturnsRecordsInOrderWithTheirPayloads() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b"), payload("c")));
        List<SpoolRecord> read = spool.read(0, 10);
        assertThat(texts(read)).containsExactly("a", "b", "c");
        assertThat(read).extracting(SpoolRecord::sequence).containsExactly(1L, 2L, 3L);
        assertThat(read).allSatisfy(r -> assertThat(r.appendedAtMillis()).isPositive());
    }

    @Test
    void readHonoursFromAndMax() throws Exception {
        for (int i = 1; i <= 10; i++) {
            spool.append(payload("r" + i));
        }
        assertThat(texts(spool.read(4, 3))).containsExactly("r4", "r5", "r6");
        assertThat(texts(spool.read(9, 100))).containsExactly("r9", "r10");
        assertThat(spool.read(11, 100)).isEmpty();
    }

    @Test
    void readDoesNotConsume() throws Exception {
        spool.append(payload("a"));
        assertThat(texts(spool.read(0, 10))).containsExactly("a");
        assertThat(texts(spool.read(0, 10))).containsExactly("a");
    }

    @Test
    void ackRemovesUpToAndIncluding() throws Exception {
        for (int i = 1; i <= 5; i++) {
            spool.append(payload("r" + i));
        }
        spool.ack(3);
        assertThat(texts(spool.read(0, 10))).containsExactly("r4", "r5");
        assertThat(spool.stats().records()).isEqualTo(2);
    }

    @Test
    void ackIsIdempotentAndMayGoPastTheEnd() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b")));
        spool.ack(1);
        spool.ack(1);
        spool.ack(0);
        assertThat(texts(spool.read(0, 10))).containsExactly("b");
        spool.ack(99);
        assertThat(spool.read(0, 10)).isEmpty();
        assertThat(spool.append(payload("c"))).isEqualTo(3);
        assertThat(texts(spool.read(0, 10))).containsExactly("c");
    }

    @Test
    void statsCountWhatIsHeld() throws Exception {
        assertThat(spool.stats().records()).isZero();
        assertThat(spool.stats().oldestAppendedAtMillis()).isZero();
        spool.appendAll(List.of(payload("abc"), payload("de")));
        SpoolStats stats = spool.stats();
        assertThat(stats.records()).isEqualTo(2);
        assertThat(stats.bytes()).isGreaterThanOrEqualTo(5);
        assertThat(stats.lastSequence()).isEqualTo(2);
        assertThat(stats.oldestAppendedAtMillis()).isPositive();
        assertThat(stats.dropped()).isZero();
        spool.ack(2);
        assertThat(spool.stats().records()).isZero();
        assertThat(spool.stats().oldestAppendedAtMillis()).isZero();
    }

    @Test
    void emptyAndLargePayloadsRoundTrip() throws Exception {
        byte[] large = new byte[300_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) i;
        }
        spool.appendAll(List.of(new byte[0], large));
        List<SpoolRecord> read = spool.read(0, 10);
        assertThat(read.get(0).payload()).isEmpty();
        assertThat(read.get(1).payload()).isEqualTo(large);
    }

    @Test
    void callerMayReuseItsBufferAfterAppend() throws Exception {
        byte[] buffer = payload("first");
        spool.append(buffer);
        buffer[0] = 'X';
        assertThat(texts(spool.read(0, 1))).containsExactly("first");
    }

    @Test
    void fullSpoolDropsOldestAndCountsThem() throws Exception {
        spool.close();
        spool = newBoundedSpool(64 * 1024);
        byte[] kb = new byte[1024];
        for (int i = 0; i < 200; i++) {
            spool.append(kb);
        }
        SpoolStats stats = spool.stats();
        assertThat(stats.dropped()).isPositive();
        assertThat(stats.dropped() + stats.records()).isEqualTo(200);
        assertThat(stats.lastSequence()).isEqualTo(200);
        List<SpoolRecord> left = spool.read(0, 1000);
        assertThat(left).hasSize((int) stats.records());
        assertThat(left.get(left.size() - 1).sequence()).isEqualTo(200);
        for (int i = 1; i < left.size(); i++) {
            assertThat(left.get(i).sequence()).isEqualTo(left.get(i - 1).sequence() + 1);
        }
    }

    @Test
    void concurrentAppendersLoseNothing() throws Exception {
        int threads = 4;
        int each = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        spool.append(payload(id + ":" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<SpoolRecord> all = new ArrayList<>();
        long from = 0;
        while (true) {
            List<SpoolRecord> page = spool.read(from, 333);
            if (page.isEmpty()) {
                break;
            }
            all.addAll(page);
            from = page.get(page.size() - 1).sequence() + 1;
        }
        assertThat(all).hasSize(threads * each);
        assertThat(texts(all)).doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<Integer> mine = texts(all).stream().filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            assertThat(mine).isSorted().hasSize(each);
        }
    }

    @Test
    void readRejectsNonPositiveMax() {
        assertThatThrownBy(() -> spool.read(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedSpoolRefusesWork() throws Exception {
        spool.close();
        assertThatThrownBy(() -> spool.append(payload("x"))).isInstanceOf(IllegalStateException.class);
        spool = null;
    }
}
