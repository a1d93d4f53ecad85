package org.numeter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.spool.BufferedSpool;
import org.numeter.spool.SpoolRecord;

/**
 * A poller's Redis spool while Redis is away: its own redis-server, on its own port with its own append-only file,
 * stopped and started again by the test. Every poll appended during the outage is kept in memory and in Redis, in
 * order, once it is back; past the buffer's bound the oldest are dropped and counted.
 */
class RedisOutageIT {
    @TempDir
    Path dir;

    private Process server;
    private int port;

    private void startRedis() throws Exception {
        if (port == 0) {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
        }
        server = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--save", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private void stopRedis() throws Exception {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            stopRedis();
        }
    }

    private static byte[] poll(int i) {
        return ("{\"poll\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> payloads(List<SpoolRecord> records) {
        return records.stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void keepsEveryPollOfAnOutageAndAppendsThemWhenRedisIsBack() throws Exception {
        startRedis();
        try (BufferedSpool spool = new BufferedSpool(RedisSpool.open(URI.create("redis://127.0.0.1:" + port),
                "numeter:poller:web1", 1 << 20), 1 << 20, Clock.systemUTC())) {
            for (int i = 0; i < 5; i++) {
                spool.append(poll(i));
            }
            stopRedis();
            for (int i = 5; i < 45; i++) {
                spool.append(poll(i));
            }
            assertThat(spool.buffered()).isEqualTo(40);
            assertThat(spool.outage()).isNotNull();
            assertThat(spool.stats().records()).as("while Redis is away, the buffer's").isEqualTo(40);

            startRedis();
            spool.append(poll(45));

            assertThat(spool.buffered()).isZero();
            assertThat(spool.outage()).isNull();
            assertThat(spool.dropped()).isZero();
            assertThat(payloads(spool.read(0, 100)))
                    .containsExactlyElementsOf(IntStream.range(0, 46).mapToObj(i -> "{\"poll\":" + i + "}").toList());
            assertThat(spool.stats().records()).isEqualTo(46);
        }
    }

    @Test
    void aLongOutageDropsTheOldestPastTheBoundAndCountsThem() throws Exception {
        startRedis();
        try (BufferedSpool spool = new BufferedSpool(RedisSpool.open(URI.create("redis://127.0.0.1:" + port),
                "numeter:poller:web1", 1 << 20), 10 * poll(10).length, Clock.systemUTC())) {
            stopRedis();
            for (int i = 10; i < 40; i++) {
                spool.append(poll(i));
            }
            assertThat(spool.buffered()).isEqualTo(10);
            assertThat(spool.dropped()).isEqualTo(20);
            assertThat(spool.stats().dropped()).isEqualTo(20);

            startRedis();
            spool.append(poll(40));
            assertThat(payloads(spool.read(0, 100))).containsExactlyElementsOf(
                    IntStream.range(30, 41).mapToObj(i -> "{\"poll\":" + i + "}").toList());
            assertThat(spool.stats().dropped()).isEqualTo(20);
        }
    }
}
