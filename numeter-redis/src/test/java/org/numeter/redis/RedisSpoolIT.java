package org.numeter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.numeter.spool.Spool;
import org.numeter.testkit.SpoolContract;
import redis.clients.jedis.JedisPooled;

/**
 * The spool contract against the real Redis at 127.0.0.1:6379 (or {@code NUMETER_TEST_REDIS}). There is no skip:
 * a missing server fails the suite, as CI requires.
 */
class RedisSpoolIT extends SpoolContract {
    private static final URI SERVER = URI.create(
            System.getenv().getOrDefault("NUMETER_TEST_REDIS", "redis://127.0.0.1:6379"));
    private static JedisPooled redis;
    private final List<RedisSpool> made = new ArrayList<>();

    @BeforeAll
    static void connect() {
        redis = new JedisPooled(SERVER);
        assertThat(redis.ping()).as("Redis at " + SERVER + " must answer").isEqualTo("PONG");
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Override
    protected Spool newSpool() {
        return newBoundedSpool(16L * 1024 * 1024);
    }

    @Override
    protected Spool newBoundedSpool(long maxBytes) {
        RedisSpool s = new RedisSpool(redis, "numeter-test:" + UUID.randomUUID(), maxBytes, Clock.systemUTC());
        made.add(s);
        return s;
    }

    @AfterEach
    void deleteKeys() {
        for (RedisSpool s : made) {
            redis.del(s.keys().toArray(String[]::new));
        }
    }

    @Test
    void anotherInstanceOnTheSameKeysSeesTheSameRecords() throws Exception {
        spool.appendAll(List.of(payload("a"), payload("b"), payload("c")));
        spool.ack(1);
        RedisSpool prefixOf = made.get(0);
        String prefix = prefixOf.keys().get(0).replace(":records", "");
        try (RedisSpool reopened = RedisSpool.open(SERVER, prefix, 16L * 1024 * 1024)) {
            assertThat(texts(reopened.read(0, 10))).containsExactly("b", "c");
            assertThat(reopened.stats().lastSequence()).isEqualTo(3);
            assertThat(reopened.append(payload("d"))).isEqualTo(4);
        }
        assertThat(texts(spool.read(3, 10))).containsExactly("c", "d");
    }

    @Test
    void binaryPayloadsWithSpacesAndNewlinesRoundTrip() throws Exception {
        byte[] odd = " 12 34 \n\0\r ÿ".getBytes(StandardCharsets.ISO_8859_1);
        spool.append(odd);
        assertThat(spool.read(0, 1).get(0).payload()).isEqualTo(odd);
    }

    @Test
    void statsCountBytesUntilAckedThenZero() throws Exception {
        spool.appendAll(List.of(payload("abc"), payload("defg")));
        assertThat(spool.stats().bytes()).isEqualTo(7 + 2 * header(spool.stats().lastSequence()));
        spool.ack(2);
        assertThat(spool.stats().bytes()).isZero();
    }

    private static int header(long lastSequence) {
        // "<seq> <13-digit millis> " for sequences of one digit
        return String.valueOf(lastSequence).length() + 1 + String.valueOf(System.currentTimeMillis()).length() + 1;
    }
}
