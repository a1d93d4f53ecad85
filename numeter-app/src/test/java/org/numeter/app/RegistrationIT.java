package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.numeter.codec.Json;

/**
 * Pollers that register themselves ({@code poller.collector}) with their host's own registration token, minted by
 * {@code numeter collector token <host>}, in real processes: a poller started before its collector, and a fleet
 * of twenty that a collector must drain again within two of its intervals after a clean restart and after a
 * SIGKILL, and within a heartbeat more after a SIGKILL that destroyed its registrations file, with every point of
 * every poller stored once.
 *
 * <p>The twenty pollers run five to a JVM ({@link PollerGroup}): each is started as {@code numeter poller} starts
 * one, with its own spool, port, token and heartbeat, and registers over HTTP like a process of its own; four JVMs
 * instead of twenty keep the test to seconds on two cores.
 */
@Timeout(240)
class RegistrationIT {
    static final String SECRET = "registration-secret-of-the-test-fleet";
    static final String DRAIN_TOKEN = "collector-drain-token";
    static final int POLLERS = 20;
    static final int PER_JVM = 5;
    static final long INTERVAL_MILLIS = 5000;
    static final long HEARTBEAT_MILLIS = 1000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path data;

    final List<NumeterProcess> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(NumeterProcess::close);
    }

    private NumeterProcess keep(NumeterProcess p) {
        processes.add(p);
        return p;
    }

    /** The registration token of a host, as an operator gets it. */
    static String tokenOf(String host) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Numeter.run(new PrintWriter(out, true), new PrintWriter(err, true), "collector", "token", host,
                "--set", Settings.COLLECTOR_REGISTRATION_SECRET.name() + "=" + SECRET);
        assertThat(code).as("numeter collector token " + host + ": " + err).isZero();
        return out.toString().strip();
    }

    private Map<String, String> pollerSettings(String host, int port, int collectorPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Settings.DATA_DIR.name(), data.resolve("pollers").resolve(host).toString());
        p.put(Settings.POLLER_HOST.name(), host);
        p.put(Settings.POLLER_PORT.name(), String.valueOf(port));
        p.put(Settings.POLLER_INTERVAL.name(), "1s");
        p.put(Settings.POLLER_SOURCES.name(), CounterSourceProvider.NAME);
        p.put(Settings.POLLER_TOKEN.name(), "drain-" + host);
        p.put(Settings.POLLER_COLLECTOR.name(), "http://127.0.0.1:" + collectorPort);
        p.put(Settings.POLLER_REGISTRATION_TOKEN.name(), tokenOf(host));
        p.put(Settings.POLLER_ADVERTISE.name(), "http://127.0.0.1:" + port);
        p.put(Settings.POLLER_HEARTBEAT.name(), HEARTBEAT_MILLIS + "ms");
        return p;
    }

    private NumeterProcess collector(int port, Path logs) throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(Settings.DATA_DIR.name(), data.resolve("collector").toString());
        c.put(Settings.COLLECTOR_ID.name(), "fleet-collector");
        c.put(Settings.COLLECTOR_PORT.name(), String.valueOf(port));
        c.put(Settings.COLLECTOR_INTERVAL.name(), INTERVAL_MILLIS + "ms");
        c.put(Settings.COLLECTOR_TOKEN.name(), DRAIN_TOKEN);
        c.put(Settings.COLLECTOR_REGISTRATION_SECRET.name(), SECRET);
        return keep(NumeterProcess.of("collector", "collector", c, List.of(), port, "/health", logs)
                .readyToken(DRAIN_TOKEN));
    }

    private static JsonNode get(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // a status endpoint answers 503 while its role is not ready (every poller failing), with its figures
        if (answer.statusCode() != 200 && !(answer.statusCode() == 503 && path.endsWith("/status"))) {
            throw new AssertionError("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return Json.mapper().readTree(answer.body());
    }

    @Test
    void aPollerRegistersWithACollectorThatStartsAfterIt() throws Exception {
        Path logs = Paths.get("target", "e2e", "registration");
        int pollerPort = NumeterProcess.freePort();
        int collectorPort = NumeterProcess.freePort();
        Map<String, String> p = pollerSettings("registering-poller", pollerPort, collectorPort);
        p.put(Settings.POLLER_HEARTBEAT.name(), "60s");
        keep(NumeterProcess.of("poller", "poller", p, List.of(), pollerPort, "/spool/v1/stats", logs)
                .readyToken("drain-registering-poller")).start().awaitReady();
        collector(collectorPort, logs).start();

        // Retried from one second, doubling up to the heartbeat: well within a minute.
        await("the poller registered and drained").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    for (JsonNode s : get(collectorPort, "/collector/v1/status", DRAIN_TOKEN).get("pollers")) {
                        if (s.get("host").asText().equals("registering-poller")
                                && s.get("source").asText().equals("registered") && s.get("records").asLong() > 0) {
                            return true;
                        }
                    }
                    return false;
                });
    }

    @Test
    void twentyPollersAreDrainedAgainWithinTwoIntervalsOfEveryCollectorRestartAndNoPointIsLost() throws Exception {
        Path logs = Paths.get("target", "e2e", "registration-fleet");
        int collectorPort = NumeterProcess.freePort();
        int storagePort = NumeterProcess.freePort();
        Files.createDirectories(logs);
        Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.DATA_DIR.name(), data.resolve("storage").toString());
        s.put(Settings.STORAGE_PORT.name(), String.valueOf(storagePort));
        s.put(Settings.STORAGE_COLLECTORS.name(), "http://127.0.0.1:" + collectorPort);
        s.put(Settings.STORAGE_COLLECTOR_TOKEN.name(), DRAIN_TOKEN);
        s.put(Settings.STORAGE_INTERVAL.name(), "1s");
        s.put(Settings.STORAGE_ARCHIVES.name(), "fine");
        s.put(Settings.STORAGE_STEP.name(), Chain.STEP + "s");
        NumeterProcess storage = keep(NumeterProcess.of("storage", "storage", s, List.of(), storagePort,
                "/api/v1/status", logs));
        NumeterProcess collector = collector(collectorPort, logs);
        List<String> hosts = new ArrayList<>();
        List<NumeterProcess> groups = new ArrayList<>();
        for (int g = 0; g < POLLERS / PER_JVM; g++) {
            List<Map<String, String>> group = new ArrayList<>();
            int firstPort = 0;
            String firstHost = null;
            for (int i = 0; i < PER_JVM; i++) {
                String host = String.format("fleet-%02d", g * PER_JVM + i);
                int port = NumeterProcess.freePort();
                hosts.add(host);
                group.add(pollerSettings(host, port, collectorPort));
                if (firstHost == null) {
                    firstHost = host;
                    firstPort = port;
                }
                Files.deleteIfExists(produced(logs, host));
            }
            groups.add(keep(NumeterProcess.pollerGroup("pollers-" + g, group,
                    List.of("-D" + CounterSourceProvider.LOG_PROPERTY + "=" + logs.toAbsolutePath()
                            .resolve("produced-{host}.txt")), firstPort, "/spool/v1/stats", logs)
                    .readyToken("drain-" + firstHost)));
        }
        storage.start();
        collector.start();
        groups.forEach(this::startQuietly);
        storage.awaitReady();
        collector.awaitReady();
        groups.forEach(NumeterProcess::awaitReady);
        await("every poller registered, drained and stored").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> hosts.stream().allMatch(h -> storedPoints(storagePort, h) >= 2));

        List<String> report = new ArrayList<>();
        collector.stop();
        awaitSpooling(logs, hosts);
        collector.start().awaitReady();
        report.add("clean restart: " + awaitAllDrained(collectorPort, hosts, "after a clean restart",
                2 * INTERVAL_MILLIS));

        collector.kill();
        awaitSpooling(logs, hosts);
        collector.start().awaitReady();
        report.add("SIGKILL: " + awaitAllDrained(collectorPort, hosts, "after SIGKILL", 2 * INTERVAL_MILLIS));

        collector.kill();
        Path registrations = data.resolve("collector").resolve(CollectorCommand.REGISTRATIONS_FILE);
        assertThat(registrations).exists();
        Files.writeString(registrations, "{\"version\":1,\"pollers\":[{\"host\":", StandardCharsets.UTF_8);
        awaitSpooling(logs, hosts);
        collector.start().awaitReady();
        // Nothing kept: each poller is learnt again from its next heartbeat, and drained at once.
        report.add("SIGKILL, registrations file destroyed: " + awaitAllDrained(collectorPort, hosts,
                "after SIGKILL with the registrations file destroyed", HEARTBEAT_MILLIS + 2 * INTERVAL_MILLIS));
        assertThat(Files.readString(collector.log())).contains("moved to " + registrations + ".corrupt-");
        long learntAgain = 0;
        for (NumeterProcess g : groups) {
            learntAgain += Files.readString(g.log()).lines()
                    .filter(l -> l.contains("did not know this poller")).count();
        }
        assertThat(learntAgain).as("pollers told by their heartbeat that the collector had forgotten them")
                .isEqualTo(POLLERS);

        // Point by point, every poller: what it produced is stored once, nothing lost across three restarts.
        long cutoff = hosts.stream().mapToLong(h -> producedBy(logs, h).getLast()).max().orElseThrow() + 3;
        await("the storage holding every poller's point at " + cutoff).atMost(WITHIN)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> hosts.stream().allMatch(h -> stored(storagePort, h, cutoff - 1, cutoff)
                        .containsKey(cutoff)));
        long points = 0;
        for (String h : hosts) {
            List<Long> made = producedBy(logs, h);
            long from = made.getFirst() - 5;
            SortedMap<Long, Double> stored = stored(storagePort, h, from, cutoff);
            SortedMap<Long, Double> expected = ExpectedPoints.of(producedBy(logs, h), Chain.STEP, Chain.HEARTBEAT,
                    from, cutoff);
            assertThat(stored).as("points of " + h).containsExactlyEntriesOf(expected);
            points += stored.size();
        }
        JsonNode status = get(collectorPort, "/collector/v1/status", DRAIN_TOKEN);
        assertThat(status.get("silent").asLong()).isZero();
        System.out.printf("20 pollers in 4 JVMs, collector interval %d ms: %s; %d points stored, each as"
                + " produced%n", INTERVAL_MILLIS, String.join("; ", report), points);
    }

    private void startQuietly(NumeterProcess p) {
        try {
            p.start();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path produced(Path logs, String host) {
        return logs.resolve("produced-" + host + ".txt");
    }

    private static List<Long> producedBy(Path logs, String host) {
        try {
            return Files.readAllLines(produced(logs, host), StandardCharsets.US_ASCII).stream()
                    .filter(l -> !l.isBlank()).map(Long::parseLong).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until every poller produced three more samples, which its spool holds while no collector runs. */
    private static void awaitSpooling(Path logs, List<String> hosts) {
        Map<String, Integer> before = new LinkedHashMap<>();
        hosts.forEach(h -> before.put(h, producedBy(logs, h).size()));
        await("every poller spooling without its collector").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> hosts.stream().allMatch(h -> producedBy(logs, h).size() >= before.get(h) + 3));
    }

    /**
     * Waits until the collector reports records from every poller, and checks that each came within {@code most}
     * milliseconds of the collector's start, by the collector's own clock: its {@code startedAt}, and each poller's
     * {@code lastRecord} when it is first seen with records, which is its first drain since the start (the next one
     * is an interval later, and the status is read every 100 ms).
     */
    private static String awaitAllDrained(int collectorPort, List<String> hosts, String when, long most) {
        Map<String, Long> firstDrain = new LinkedHashMap<>();
        long[] startedAt = new long[1];
        await("every poller drained " + when).atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> {
                    JsonNode status = get(collectorPort, "/collector/v1/status", DRAIN_TOKEN);
                    startedAt[0] = status.get("startedAt").asLong();
                    for (JsonNode p : status.get("pollers")) {
                        if (p.get("records").asLong() > 0) {
                            firstDrain.putIfAbsent(p.get("host").asText(), p.get("lastRecord").asLong());
                        }
                    }
                    return firstDrain.keySet().containsAll(hosts);
                });
        long took = firstDrain.values().stream().mapToLong(t -> t - startedAt[0]).max().orElseThrow();
        assertThat(took).as("milliseconds from the collector's start to its last poller's first drain, " + when)
                .isLessThanOrEqualTo(most);
        return "all drained within " + took + " ms of the start";
    }

    private static long storedPoints(int storagePort, String host) {
        long now = System.currentTimeMillis() / 1000;
        return stored(storagePort, host, now - 600, now).size();
    }

    /** A poller's counter points in {@code [from, to]} at 1 s; empty before any arrived. */
    private static SortedMap<Long, Double> stored(int storagePort, String host, long from, long to) {
        try {
            return storedOrThrow(storagePort, host, from, to);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static SortedMap<Long, Double> storedOrThrow(int storagePort, String host, long from, long to)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + storagePort + "/api/v1/hosts/" + host + "/plugins/"
                + CounterSourceProvider.PLUGIN + "/data?from=" + from + "&to=" + to + "&resolution=" + Chain.STEP);
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        SortedMap<Long, Double> out = new TreeMap<>();
        if (answer.statusCode() == 404) {
            return out;
        }
        if (answer.statusCode() != 200) {
            throw new AssertionError("storage: " + uri + " answered " + answer.statusCode() + ": " + answer.body());
        }
        for (JsonNode row : Json.mapper().readTree(answer.body()).get("points")) {
            if (!row.get(1).isNull()) {
                out.put(row.get(0).asLong(), row.get(1).asDouble());
            }
        }
        return out;
    }
}
