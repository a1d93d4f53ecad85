package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.numeter.collector.Batches.all;
import static org.numeter.collector.Batches.load;
import static org.numeter.collector.Batches.ofPlugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.RecordCodec;
import org.numeter.collector.internal.SelfPlugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;
import org.numeter.testkit.MutableClock;

class CollectorTest {
    private final MemorySpool own = new MemorySpool();
    private final Map<String, MemorySpool> pollerSpools = new HashMap<>();
    private Collector collector;

    @AfterEach
    void close() {
        if (collector != null) {
            collector.close();
        }
    }

    private MemorySpool pollerSpool(String host) {
        return pollerSpools.computeIfAbsent(host, h -> new MemorySpool());
    }

    private Collector.Builder builder() {
        return Collector.builder().host("collector1").spool(own).interval(Duration.ZERO)
                .readers(a -> pollerSpool(a.host()));
    }

    private static PollerAddress at(String host) {
        return PollerAddress.of(host, "http://" + host + ":8081", "t-" + host);
    }

    @Test
    void drainsEveryPollerUntilEmptyAndAcknowledges() throws Exception {
        for (String h : List.of("web1", "web2", "db1")) {
            for (int i = 0; i < 95; i++) {
                pollerSpool(h).append(load(h, i));
            }
        }
        collector = builder().pollers(List.of(at("web1"), at("web2"), at("db1"))).pageSize(10).build();
        collector.start();
        collector.runOnce();

        List<SampleBatch> load = ofPlugin(all(own), "load");
        assertThat(load).hasSize(3 * 95);
        for (String h : List.of("web1", "web2", "db1")) {
            assertThat(load.stream().filter(b -> b.host().equals(h)).map(b -> b.values().get("load")).toList())
                    .as("poller %s, in order", h).isEqualTo(java.util.stream.IntStream.range(0, 95)
                            .mapToObj(i -> (double) i).toList());
            assertThat(pollerSpool(h).stats().records()).isZero();
        }
        assertThat(collector.statuses()).extracting(PollerStatus::host, PollerStatus::records,
                PollerStatus::consecutiveErrors, PollerStatus::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("db1", 95L, 0L, "static"),
                        org.assertj.core.groups.Tuple.tuple("web1", 95L, 0L, "static"),
                        org.assertj.core.groups.Tuple.tuple("web2", 95L, 0L, "static"));
        assertThat(collector.statuses()).allSatisfy(s -> assertThat(s.lastSuccess()).isPositive());
    }

    @Test
    void refusesForeignMalformedAndOversizedBatchesAndKeepsTheRest() throws Exception {
        MemorySpool web1 = pollerSpool("web1");
        web1.append(load("web1", 1));
        web1.append(load("web2", 2));
        web1.append("{\"host\":\"web1\",\"plugin\":\"load\",\"time\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        web1.append(new byte[5000]);
        web1.append(load("web1", 3));
        collector = builder().poller(at("web1")).maxBatchBytes(4096).build();
        collector.start();
        collector.runOnce();

        assertThat(ofPlugin(all(own), "load")).extracting(b -> b.values().get("load")).containsExactly(1.0, 3.0);
        assertThat(web1.stats().records()).as("refused records are acknowledged, not retried").isZero();
        assertThat(collector.rejections().foreignHost()).isEqualTo(1);
        assertThat(collector.rejections().malformed()).isEqualTo(1);
        assertThat(collector.rejections().oversized()).isEqualTo(1);
        PollerStatus s = collector.statuses().get(0);
        assertThat(s.records()).isEqualTo(2);
        assertThat(s.rejected()).isEqualTo(3);
    }

    @Test
    void refusesBatchesStampedTooFarAheadOfItsClockAndCountsThemForTheirHost() throws Exception {
        long now = Batches.T0 + 3600;
        MemorySpool web1 = pollerSpool("web1");
        web1.append(load("web1", 1));
        // a poller whose clock jumped an hour ahead, then ten years, then came back
        web1.append(BatchCodec.encode(new SampleBatch("web1", "load", now + 3600, Map.of("load", 66.0), null)));
        web1.append(BatchCodec.encode(new SampleBatch("web1", "load", now + 10L * 365 * 86400,
                Map.of("load", 66.0), null)));
        web1.append(BatchCodec.encode(new SampleBatch("web1", "load", now + 240, Map.of("load", 2.0), null)));
        collector = builder().poller(at("web1"))
                .clock(Clock.fixed(java.time.Instant.ofEpochSecond(now), java.time.ZoneOffset.UTC))
                .maxClockSkew(Duration.ofMinutes(5)).build();
        collector.start();
        collector.runOnce();

        assertThat(ofPlugin(all(own), "load")).extracting(b -> b.values().get("load")).containsExactly(1.0, 2.0);
        assertThat(web1.stats().records()).isZero();
        assertThat(collector.rejections().future()).isEqualTo(2);
        assertThat(collector.rejections().timeFaults().of("web1").future()).isEqualTo(2);
        assertThat(collector.statuses().get(0).rejected()).isEqualTo(2);
    }

    @Test
    void compactRecordsAreCheckedByTheirEnvelopeAndForwardedByteForByte() throws Exception {
        long now = Batches.T0 + 3600;
        MemorySpool web1 = pollerSpool("web1");
        byte[] good1 = RecordCodec.encode(new SampleBatch("web1", "load", Batches.T0, Map.of("load", 1.0), null));
        byte[] good2 = RecordCodec.encode(new SampleBatch("web1", "load", Batches.T0 + 60, Map.of("load", 2.0), null));
        byte[] truncated = java.util.Arrays.copyOf(good2, good2.length - 1);
        web1.appendAll(List.of(good1,
                RecordCodec.encode(new SampleBatch("web2", "load", Batches.T0, Map.of("load", 9.0), null)),
                RecordCodec.encode(new SampleBatch("web1", "load", now + 3600, Map.of("load", 66.0), null)),
                truncated, load("web1", 2), good2));
        collector = builder().poller(at("web1"))
                .clock(Clock.fixed(java.time.Instant.ofEpochSecond(now), java.time.ZoneOffset.UTC)).build();
        collector.start();
        collector.runOnce();

        List<byte[]> forwarded = own.read(0, 100).stream().map(org.numeter.spool.SpoolRecord::payload)
                .filter(p -> RecordCodec.envelope(p).host().equals("web1")).toList();
        assertThat(forwarded).hasSize(3);
        assertThat(forwarded.get(0)).isEqualTo(good1);
        assertThat(RecordCodec.decode(forwarded.get(1)).values()).containsEntry("load", 2.0); // a v1 record, as held
        assertThat(forwarded.get(2)).isEqualTo(good2);
        assertThat(web1.stats().records()).isZero();
        assertThat(collector.rejections().foreignHost()).isEqualTo(1);
        assertThat(collector.rejections().future()).isEqualTo(1);
        assertThat(collector.rejections().malformed()).isEqualTo(1);
        assertThat(collector.statuses().get(0).rejected()).isEqualTo(3);
    }

    @Test
    void aFailingPollerIsCountedAndDoesNotStopTheOthers() throws Exception {
        pollerSpool("web1").append(load("web1", 1));
        AtomicBoolean down = new AtomicBoolean(true);
        SpoolReader broken = new SpoolReader() {
            @Override
            public List<SpoolRecord> read(long from, int max) throws IOException {
                if (down.get()) {
                    throw new IOException("connection refused");
                }
                return pollerSpool("web2").read(from, max);
            }

            @Override
            public void ack(long upTo) throws IOException {
                pollerSpool("web2").ack(upTo);
            }
        };
        pollerSpool("web2").append(load("web2", 7));
        collector = builder().pollers(List.of(at("web1"), at("web2")))
                .readers(a -> a.host().equals("web2") ? broken : pollerSpool(a.host())).build();
        collector.start();
        collector.runOnce();
        collector.runOnce();

        PollerStatus web2 = collector.statuses().get(1);
        assertThat(web2.consecutiveErrors()).isEqualTo(2);
        assertThat(web2.lastError()).contains("connection refused");
        assertThat(web2.lastSuccess()).isZero();
        // one of two failing: degraded, still ready, and named with why
        assertThat(collector.check().status()).isEqualTo("DEGRADED");
        assertThat(collector.check().detail()).isEqualTo(
                "1 of 2 pollers failing: web2 at http://web2:8081: java.io.IOException: connection refused");
        assertThat(ofPlugin(all(own), "load")).extracting(SampleBatch::host).containsExactly("web1");

        down.set(false);
        collector.runOnce();
        web2 = collector.statuses().get(1);
        assertThat(web2.consecutiveErrors()).isZero();
        assertThat(web2.lastError()).isNull();
        assertThat(web2.records()).isEqualTo(1);
        assertThat(ofPlugin(all(own), "load")).extracting(SampleBatch::host).containsExactly("web1", "web2");
    }

    @Test
    void drainsNoMoreThanParallelismPollersAtOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch allStarted = new CountDownLatch(2);
        List<PollerAddress> fleet = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            fleet.add(at("h" + i));
        }
        SpoolReader slow = new SpoolReader() {
            @Override
            public List<SpoolRecord> read(long from, int max) throws IOException {
                int now = running.incrementAndGet();
                most.accumulateAndGet(now, Math::max);
                allStarted.countDown();
                try {
                    // The first two hold their permits until both run, so the others queue behind them.
                    allStarted.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                return List.of();
            }

            @Override
            public void ack(long upTo) {}
        };
        collector = builder().pollers(fleet).parallelism(2).readers(a -> slow).build();
        collector.start();
        collector.runOnce();

        assertThat(most.get()).isEqualTo(2);
        assertThat(collector.statuses()).hasSize(8).allSatisfy(s -> assertThat(s.lastSuccess()).isPositive());
    }

    @Test
    void appendsItsOwnPluginEachCycleWithMetadataOnTheFirst() throws Exception {
        MemorySpool bounded = new MemorySpool(2048, Clock.systemUTC());
        for (int i = 0; i < 100; i++) {
            bounded.append(load("web1", i));
        }
        long dropped = bounded.stats().dropped();
        assertThat(dropped).isPositive();
        collector = builder().poller(at("web1")).readers(a -> bounded).build();
        collector.start();
        collector.runOnce();
        collector.runOnce();

        List<SampleBatch> self = ofPlugin(all(own), SelfPlugin.NAME);
        assertThat(self).hasSize(2);
        assertThat(self.get(0).host()).isEqualTo("collector1");
        assertThat(self.get(0).meta()).isNotNull();
        assertThat(self.get(0).meta().fieldNames()).containsExactly("pollers", "failing", "silent", "records",
                "rejected", "lag", "spool_records", "spool_dropped", "poller_dropped");
        assertThat(self.get(1).meta()).isNull();
        assertThat(self.get(1).values()).containsEntry("pollers", 1.0).containsEntry("failing", 0.0)
                .containsEntry("records", (double) (100 - dropped)).containsEntry("poller_dropped", (double) dropped);
        assertThat(collector.statuses().get(0).pollerDropped()).isEqualTo(dropped);
    }

    @Test
    void rereadsThePollersFileWhenItChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pollers");
        Files.writeString(file, """
                # host url [token]
                web1 http://10.0.0.1:8081 secret1
                web2 http://10.0.0.2:8081
                """);
        collector = builder().pollersFile(file).build();
        collector.start();
        assertThat(collector.statuses()).extracting(PollerStatus::host, PollerStatus::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web1", "file"),
                        org.assertj.core.groups.Tuple.tuple("web2", "file"));

        Files.writeString(file, """
                web2 http://10.0.0.2:8081
                web3 http://10.0.0.3:8081 secret3
                web4 not-a-url
                bad line with too many words
                """);
        collector.runOnce();
        assertThat(collector.statuses()).extracting(PollerStatus::host, PollerStatus::url)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web2", "http://10.0.0.2:8081"),
                        org.assertj.core.groups.Tuple.tuple("web3", "http://10.0.0.3:8081"));
    }

    @Test
    void aMissingPollersFileStopsStartUpWithItsName(@TempDir Path dir) {
        collector = builder().pollersFile(dir.resolve("absent")).build();
        assertThatThrownBy(collector::start).hasMessageContaining("absent").hasMessageContaining("cannot be read");
    }

    @Test
    void registrationAddsAPollerButCannotMoveAConfiguredOne() throws Exception {
        pollerSpool("web9").append(load("web9", 1));
        collector = builder().poller(at("web1")).build();
        collector.start();
        collector.register(at("web9"));
        assertThatThrownBy(() -> collector.register(PollerAddress.of("web1", "http://evil:1", null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("web1 is configured at");
        collector.runOnce();

        assertThat(collector.statuses()).extracting(PollerStatus::host, PollerStatus::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web1", "static"),
                        org.assertj.core.groups.Tuple.tuple("web9", "registered"));
        assertThat(ofPlugin(all(own), "load")).extracting(SampleBatch::host).containsExactly("web9");
    }

    @Test
    void registrationsSurviveARestartAndAHeartbeatChangesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registrations.json");
        pollerSpool("web9").append(load("web9", 1));
        collector = builder().registrationsFile(file).build();
        collector.start();
        assertThat(collector.register(at("web9"))).as("new").isTrue();
        assertThat(collector.register(at("web9"))).as("a heartbeat").isFalse();
        byte[] written = Files.readAllBytes(file);
        collector.close();

        // A collector killed after the answer finds the file as it was: the rename made it whole.
        collector = builder().registrationsFile(file).build();
        collector.start();
        assertThat(collector.statuses()).extracting(PollerStatus::host, PollerStatus::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web9", "registered"));
        assertThat(collector.register(at("web9"))).as("known after the restart").isFalse();
        assertThat(Files.readAllBytes(file)).as("a heartbeat does not write").isEqualTo(written);
        collector.runOnce();
        assertThat(ofPlugin(all(own), "load")).extracting(SampleBatch::host).containsExactly("web9");

        assertThat(collector.register(PollerAddress.of("web9", "http://10.9.9.9:1", "t2"))).as("moved").isTrue();
        collector.close();
        collector = builder().registrationsFile(file).build();
        collector.start();
        assertThat(collector.statuses()).extracting(PollerStatus::url).containsExactly("http://10.9.9.9:1");
        assertThat(Files.getPosixFilePermissions(file)).as("it holds tokens")
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void anUnreadableRegistrationsFileIsMovedAsideAndTheCollectorStartsWithoutIt(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("registrations.json");
        // cut short, as a file written in place would be by a crash
        Files.writeString(file, "{\"version\":1,\"pollers\":[{\"host\":\"web9\",\"url\":\"http://web9:1\"",
                StandardCharsets.UTF_8);
        collector = builder().registrationsFile(file).build();
        collector.start();
        assertThat(collector.statuses()).isEmpty();
        List<Path> aside;
        try (var files = Files.list(dir)) {
            aside = files.filter(f -> f.getFileName().toString().startsWith("registrations.json.corrupt-")).toList();
        }
        assertThat(aside).hasSize(1);
        assertThat(Files.readString(aside.get(0))).startsWith("{\"version\":1");
        assertThat(file).doesNotExist();

        assertThat(collector.register(at("web9"))).isTrue();
        assertThat(file).exists();
        assertThat(collector.check().detail()).isEqualTo("1 pollers, 0 failing, 0 silent");
    }

    @Test
    void aCollectorGivenNoSecretMakesOneOnceAndKeepsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("collector-registration-secret");
        collector = builder().registrationSecretFile(file).build();
        collector.start();
        String token = RegistrationSecret.read(file).orElseThrow().tokenFor("web1");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        collector.close();
        collector = builder().registrationSecretFile(file).build();
        collector.start();
        assertThat(RegistrationSecret.read(file).orElseThrow().tokenFor("web1")).as("kept, not made again")
                .isEqualTo(token);
        assertThat(collector.toString()).contains("registrationSecret=***");
        // A configured secret wins over the file.
        collector.close();
        collector = builder().registrationSecret("a-configured-secret-of-20+").registrationSecretFile(file).build();
        collector.start();
        assertThat(RegistrationSecret.read(file).orElseThrow().tokenFor("web1")).isEqualTo(token);
    }

    @Test
    void aRegistrationsFileThatCannotBeWrittenIsReportedAndWrittenOnceItCan(@TempDir Path dir) throws Exception {
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the directory should be");
        Path file = blocked.resolve("registrations.json");
        collector = builder().registrationsFile(file).build();
        collector.start();
        assertThat(collector.register(at("web9"))).as("the registration holds in memory").isTrue();
        assertThat(collector.statuses()).extracting(PollerStatus::host).containsExactly("web9");
        assertThat(collector.check().detail()).contains("registrations file '" + file + "' cannot be written");

        Files.delete(blocked);
        collector.runOnce();
        assertThat(file).exists();
        assertThat(collector.check().detail()).isEqualTo("1 pollers, 0 failing, 0 silent");
    }

    @Test
    void aPollerThatSendsNothingForTheThresholdIsSilentUntilItSpeaksAgain() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
        collector = builder().clock(clock).silentAfter(Duration.ofMinutes(3)).poller(at("web1")).poller(at("web2"))
                .build();
        collector.start();
        for (int minute = 0; minute < 4; minute++) {
            pollerSpool("web1").append(load("web1", minute));
            collector.runOnce();
            clock.advance(Duration.ofMinutes(1));
        }
        collector.runOnce();
        assertThat(collector.statuses()).extracting(PollerStatus::host, PollerStatus::silent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web1", false),
                        org.assertj.core.groups.Tuple.tuple("web2", true));
        assertThat(collector.check().detail()).isEqualTo("2 pollers, 0 failing, 1 silent");
        SampleBatch self = ofPlugin(all(own), SelfPlugin.NAME).getLast();
        assertThat(self.values()).containsEntry("silent", 1.0);

        pollerSpool("web2").append(load("web2", 9));
        collector.runOnce();
        collector.runOnce();
        assertThat(collector.statuses()).extracting(PollerStatus::silent).containsExactly(false, false);
        assertThat(collector.statuses().get(1).lastRecord()).isEqualTo(clock.millis());
    }

    @Test
    void aPollerSlowerThanTheCollectorIsSilentAfterItsOwnIntervalsNotTheCollectors() throws Exception {
        // numeter standalone: drained every 2 s, collecting every 10 s. Three of the collector's intervals (6 s)
        // called the poller silent, and its alert fired, at every one of its cycles.
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
        // (no schedule of its own: the test drains every 2 s of its clock, as a collector at 2 s would)
        collector = builder().clock(clock).silentIntervals(3).pollerInterval(Duration.ofSeconds(10))
                .poller(at("web1")).build();
        collector.start();
        for (int second = 0; second < 120; second += 2) {
            // two sources: one at the cycle's start, one that takes 4 s, so gaps of 4 s and 6 s in turn
            if (second % 10 == 0 || second % 10 == 4) {
                pollerSpool("web1").append(load("web1", second));
            }
            collector.runOnce();
            assertThat(collector.statuses().getFirst().silent()).as("silent at second " + second).isFalse();
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(collector.statuses().getFirst().silentAfterMillis()).isEqualTo(18_000);

        // then it stops: silent once three of its longest gaps passed, and only then
        long last = collector.statuses().getFirst().lastRecord();
        while (clock.millis() - last < 18_000) {
            collector.runOnce();
            assertThat(collector.statuses().getFirst().silent()).isFalse();
            clock.advance(Duration.ofSeconds(2));
        }
        collector.runOnce();
        assertThat(collector.statuses().getFirst().silent()).isTrue();
        assertThat(collector.check().detail()).isEqualTo("1 pollers, 0 failing, 1 silent");
    }

    @Test
    void aPollersIntervalIsLearnedFromItsRecordsArrivalsAndOneOutageDoesNotMoveIt() throws Exception {
        // a collector at 30 s and a poller at munin's 300 s, taken to be at 300 s until its arrivals tell, so that a
        // collector's restart (which forgets what it learned) does not call every such poller silent
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
        // (no schedule of its own: the test drains every 300 s of its clock)
        collector = builder().clock(clock).poller(at("web1")).build();
        collector.start();
        for (int i = 0; i < 10; i++) {
            pollerSpool("web1").append(load("web1", i));
            collector.runOnce();
            clock.advance(Duration.ofSeconds(i == 5 ? 3_000 : 300));
            collector.runOnce();
            assertThat(collector.statuses().getFirst().silent()).as("after record " + i).isEqualTo(i == 5);
        }
        assertThat(collector.statuses().getFirst().silentAfterMillis()).isEqualTo(900_000);
    }

    @Test
    void theScheduleDrainsWithoutBeingAsked() throws Exception {
        collector = builder().poller(at("web1")).interval(Duration.ofMillis(50)).build();
        collector.start();
        pollerSpool("web1").append(load("web1", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> ofPlugin(all(own), "load").size() == 1);
        pollerSpool("web1").append(load("web1", 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> ofPlugin(all(own), "load").size() == 2);
        assertThat(pollerSpool("web1").stats().records()).isZero();
    }

    @Test
    void toStringHidesTokens() {
        collector = builder().token("s3cret").poller(at("web1")).build();
        assertThat(collector.toString()).doesNotContain("s3cret").contains("token=***");
        assertThat(at("web1").toString()).doesNotContain("t-web1");
    }
}
