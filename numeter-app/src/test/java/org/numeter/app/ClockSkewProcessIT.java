package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;
import org.numeter.link.PullServer;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.store.Archives;

/**
 * Issue 10, the time policy at every hop, with real processes: a poller's pages crafted by the test (its clock
 * right, then an hour ahead, then ten minutes behind, then right again) are drained by {@code numeter collector},
 * which refuses the future points; {@code numeter storage} drains the collector, counts the late points apart from
 * duplicates, and stores every later true point. A second crafted upstream sends the storage future points straight
 * (a collector with no time check), which the storage refuses itself. Each hop counts per host and logs once per
 * host; the storage API shows the counts on the host.
 */
@Timeout(180)
class ClockSkewProcessIT {
    private static final String HOST = "clock-host";
    private static final String DIRECT = "direct-host";
    private static final long STEP = Archives.DEFAULT.step();
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Plugin META = Plugin.builder("clock").title("Clock test").category("test")
            .field(Field.builder("v").build()).build();

    @TempDir
    Path data;

    final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    private static byte[] batch(String host, long t, double v, boolean meta) {
        return BatchCodec.encode(new SampleBatch(host, "clock", t, Map.of("v", v), meta ? META : null));
    }

    @Test
    void aClockAnHourAheadThenTenMinutesBehindIsRefusedAndCountedAtEachHopAndBlocksNothing() throws Exception {
        long wall = System.currentTimeMillis() / 1000;
        long now = wall - wall % STEP;
        List<Long> trueTimes = new ArrayList<>();
        MemorySpool poller = new MemorySpool();
        for (long t = now - 1200; t <= now - 600; t += STEP) {
            poller.append(batch(HOST, t, t, t == now - 1200));
            trueTimes.add(t);
        }
        for (long t = now - 540; t <= now - 420; t += STEP) {
            poller.append(batch(HOST, t + 3600, 666, false)); // an hour ahead
        }
        for (long t = now - 420; t <= now - 300; t += STEP) {
            poller.append(batch(HOST, t - 600, 666, false)); // ten minutes behind: moments stored already
        }
        for (long t = now - 240; t <= now; t += STEP) {
            poller.append(batch(HOST, t, t, false));
            trueTimes.add(t);
        }
        MemorySpool direct = new MemorySpool();
        direct.append(batch(DIRECT, now - 120, now - 120, true));
        direct.append(batch(DIRECT, now + 3600, 666, false));
        direct.append(batch(DIRECT, now + 7200, 666, false));
        direct.append(batch(DIRECT, now - 60, now - 60, false));
        PullServer pollerLink = start(poller);
        PullServer directLink = start(direct);

        Path logs = Paths.get("target", "e2e", "clock-skew");
        int collectorPort = NumeterProcess.freePort();
        Map<String, String> c = new LinkedHashMap<>();
        c.put(Settings.DATA_DIR.name(), data.resolve("collector").toString());
        c.put(Settings.COLLECTOR_PORT.name(), String.valueOf(collectorPort));
        c.put(Settings.COLLECTOR_POLLERS.name(), HOST + "=http://127.0.0.1:" + pollerLink.port());
        c.put(Settings.COLLECTOR_INTERVAL.name(), "1s");
        NumeterProcess collector = NumeterProcess.of("collector", "collector", c, List.of(), collectorPort,
                "/collector/v1/status", logs);
        running.add(collector);
        int storagePort = NumeterProcess.freePort();
        Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.DATA_DIR.name(), data.resolve("storage").toString());
        s.put(Settings.STORAGE_PORT.name(), String.valueOf(storagePort));
        s.put(Settings.STORAGE_COLLECTORS.name(), "http://127.0.0.1:" + collectorPort + ",http://127.0.0.1:"
                + directLink.port());
        s.put(Settings.STORAGE_INTERVAL.name(), "1s");
        NumeterProcess storage = NumeterProcess.of("storage", "storage", s, List.of(), storagePort,
                "/api/v1/status", logs);
        running.add(storage);
        collector.start();
        storage.start();
        collector.awaitReady();
        storage.awaitReady();

        await("every page drained").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> poller.stats().records() == 0 && direct.stats().records() == 0
                        && RoleApi.get(collectorPort, "/collector/v1/status").get("spool").get("records")
                                .asLong() == 0
                        && RoleApi.get(storagePort, "/api/v1/hosts").toString().contains(DIRECT)
                        && RoleApi.get(storagePort, "/api/v1/hosts/" + HOST).get("lastUpdate").asLong() == now);

        JsonNode collected = RoleApi.get(collectorPort, "/collector/v1/status");
        assertThat(collected.get("rejected").get("future").asLong()).isEqualTo(3);
        assertThat(collected.get("futureByHost").get(HOST).asLong()).isEqualTo(3);
        JsonNode host = RoleApi.get(storagePort, "/api/v1/hosts/" + HOST);
        assertThat(host.get("late").asLong()).as("points from the clock ten minutes behind").isEqualTo(3);
        assertThat(host.get("future").asLong()).as("refused by the collector already").isZero();
        assertThat(host.get("lastUpdate").asLong()).isEqualTo(now);
        JsonNode directHost = RoleApi.get(storagePort, "/api/v1/hosts/" + DIRECT);
        assertThat(directHost.get("future").asLong()).isEqualTo(2);
        assertThat(directHost.get("lastUpdate").asLong()).isEqualTo(now - 60);
        JsonNode status = RoleApi.get(storagePort, "/api/v1/status");
        assertThat(status.get("future").asLong()).isEqualTo(2);
        assertThat(status.get("timeFaultsByHost").get(HOST).get("late").asLong()).isEqualTo(3);

        SortedMap<Long, Double> expected = ExpectedPoints.of(trueTimes, STEP, Archives.DEFAULT.heartbeat(),
                now - 1200, now);
        assertThat(RoleApi.stored(storagePort, HOST, "clock", now - 1200, now, STEP)).isEqualTo(expected);
        assertThat(RoleApi.stored(storagePort, DIRECT, "clock", now - 120, now, STEP))
                .isEqualTo(new TreeMap<>(Map.of(now - 120, (double) (now - 120), now - 60, (double) (now - 60))));

        String collectorLog = Files.readString(collector.log(), StandardCharsets.UTF_8);
        String storageLog = Files.readString(storage.log(), StandardCharsets.UTF_8);
        assertThat(count(collectorLog, "ahead of this clock")).as("collector lines about the clock ahead").isOne();
        assertThat(count(storageLog, "host " + DIRECT + ", plugin clock: point at")).isOne();
        assertThat(count(storageLog, "host " + HOST + ", plugin clock: point at")).as("storage lines about " + HOST)
                .isOne();
        System.out.printf("clock skew: collector refused %d future points, storage counted %d late and refused %d"
                + " future (direct upstream); %d true points stored%n", collected.get("rejected").get("future")
                .asLong(), host.get("late").asLong(), directHost.get("future").asLong(), expected.size());
    }

    private PullServer start(MemorySpool spool) {
        PullServer p = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).build();
        p.start();
        running.add(p);
        return p;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
