package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.model.SampleBatch;
import org.numeter.redis.RedisSpool;
import redis.clients.jedis.JedisPooled;

/**
 * The Redis link as the original worked, against the real Redis at 127.0.0.1:6379: each poller spools into a
 * Redis list, the collector reads and trims it, and holds what it read in its own Redis spool for storages.
 */
class RedisLinkIT {
    private static final URI SERVER = URI.create(
            System.getenv().getOrDefault("NUMETER_TEST_REDIS", "redis://127.0.0.1:6379"));
    private final String prefix = "numeter-test:" + UUID.randomUUID();
    private final List<RedisSpool> spools = new ArrayList<>();
    private JedisPooled redis;
    private Collector collector;

    @BeforeEach
    void connect() {
        redis = new JedisPooled(SERVER);
        assertThat(redis.ping()).as("Redis at " + SERVER + " must answer").isEqualTo("PONG");
    }

    @AfterEach
    void cleanUp() {
        if (collector != null) {
            collector.close();
        }
        spools.forEach(s -> redis.del(s.keys().toArray(String[]::new)));
        redis.close();
    }

    private RedisSpool spool(String name, long maxBytes) {
        RedisSpool s = new RedisSpool(redis, prefix + ":" + name, maxBytes, Clock.systemUTC());
        spools.add(s);
        return s;
    }

    @Test
    void theCollectorReadsAndTrimsEachPollersRedisAndSpoolsInItsOwn() throws Exception {
        List<String> hosts = List.of("web1", "web2", "db1");
        for (String h : hosts) {
            RedisSpool poller = spool("poller:" + h, 16L << 20);
            for (int i = 0; i < 250; i++) {
                poller.append(Batches.load(h, i));
            }
        }
        RedisSpool own = spool("collector", 64L << 20);
        collector = Collector.builder().host("collector1").spool(own).interval(Duration.ZERO).pageSize(100)
                .pollers(hosts.stream().map(h -> PollerAddress.of(h, SERVER.toString(), null)).toList())
                .readers(a -> spool("poller:" + a.host(), 16L << 20))
                .build();
        collector.start();
        collector.runOnce();

        List<SampleBatch> held = Batches.ofPlugin(Batches.all(own), "load");
        for (String h : hosts) {
            assertThat(held.stream().filter(b -> b.host().equals(h)).map(SampleBatch::timestamp).toList())
                    .as("what the collector holds for %s, in order", h)
                    .isEqualTo(java.util.stream.LongStream.range(0, 250).map(i -> Batches.T0 + 60 * i).boxed()
                            .toList());
            assertThat(redis.llen(prefix + ":poller:" + h + ":records")).as("poller %s trimmed", h).isZero();
        }
        assertThat(own.stats().records()).isEqualTo(3 * 250 + 1);
        assertThat(collector.statuses()).allSatisfy(s -> assertThat(s.records()).isEqualTo(250));
        System.out.printf("redis link: produced %d, held by the collector %d%n", 3 * 250, held.size());
    }
}
