package org.numeter.bench;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.numeter.alert.AlertEngine;
import org.numeter.codec.Json;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.StorageServer;
import org.numeter.store.InMemoryStore;
import org.numeter.web.WebServer;

/**
 * The Problems page's API with many active problems: a storage server whose alert engine holds {@code problems}
 * problems ({@code hosts} hosts, the rest plugins of one critical field each), a web on an embedded H2 database
 * in front of it, and a user who sees every host through a group (so the permission filter does its full work).
 * Times {@code GET /api/alerts} (what the page loads) and {@code GET /api/alerts/summary} (the top bar's count)
 * from the client, after warm-up requests.
 */
public final class ProblemsBench {
    private ProblemsBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "problems", "10000", "hosts", "500", "requests", "50", "warmup", "20",
                "dir", "/tmp/numeter-bench-problems");
        int problems = args.integer("problems");
        int hosts = args.integer("hosts");
        System.out.println("problems: " + args);
        System.out.println("machine: " + Machine.describe());
        Path dir = Path.of(args.text("dir"));
        Machine.deleteTree(dir);
        Files.createDirectories(dir);
        long now = System.currentTimeMillis() / 1000;
        InMemoryStore store = new InMemoryStore();
        AlertEngine engine = AlertEngine.builder(dir.resolve("alerts")).store(store).build();
        engine.start();
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 0; i < problems; i++) {
            String plugin = "plugin" + (i / hosts);
            Plugin meta = Plugin.builder(plugin).field(Field.builder("value").warning("5").critical("10").build())
                    .build();
            batches.add(new SampleBatch("host" + (i % hosts) + ".example", plugin, now - i % 600,
                    Map.of("value", 42.0), meta));
        }
        store.write(batches);
        engine.written(batches);
        System.out.println("engine: " + engine.figures());
        StorageServer storage = StorageServer.builder().store(store).alerts(engine).bind("127.0.0.1").port(0).build();
        storage.start();
        WebServer web = WebServer.builder().bind("127.0.0.1").port(0).dataDir(dir.resolve("web"))
                .storages(List.of(URI.create("http://127.0.0.1:" + storage.port() + "/")))
                .adminPassword("bench-admin-password").passwordCost(4).hostPattern("*", "ops").build();
        web.start();
        try {
            HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String base = web.uri().toString();
            String csrf = login(http, base, "admin", "bench-admin-password");
            get(http, base + "api/hosts");
            long ops = 0;
            for (var g : Json.mapper().readTree(get(http, base + "api/groups"))) {
                if (g.get("name").asText().equals("ops")) {
                    ops = g.get("id").asLong();
                }
            }
            send(http, base + "api/users", csrf, Map.of("username", "alice", "password", "alice-password",
                    "groupIds", List.of(ops)));
            HttpClient alice = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            login(alice, base, "alice", "alice-password");
            int seen = Json.mapper().readTree(get(alice, base + "api/alerts")).get("problems").size();
            System.out.printf(Locale.ROOT, "alice sees %,d problems of %,d hosts%n", seen, hosts);
            time(alice, base + "api/alerts", args.integer("warmup"), args.integer("requests"));
            time(alice, base + "api/alerts/summary", args.integer("warmup"), args.integer("requests"));
        } finally {
            web.close();
            storage.close();
            engine.close();
        }
    }

    private static void time(HttpClient http, String url, int warmup, int requests) throws Exception {
        for (int i = 0; i < warmup; i++) {
            get(http, url);
        }
        double[] ms = new double[requests];
        long bytes = 0;
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            bytes = get(http, url).length;
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / requests;
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "GET %s: median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms over %d"
                + " requests (%,d bytes); %.1f ms of CPU per request (storage, web and client, every thread);"
                + " load average %.1f on %d cores%n", URI.create(url).getPath(), Machine.percentile(ms, 50),
                Machine.percentile(ms, 90), Machine.percentile(ms, 99), ms[ms.length - 1], requests, bytes, cpuMs,
                os.getSystemLoadAverage(), os.getAvailableProcessors());
    }

    private static String login(HttpClient http, String base, String user, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        Json.mapper().writeValueAsString(Map.of("username", user, "password", password))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login of " + user + ": " + r.statusCode() + " " + r.body());
        }
        return Json.mapper().readTree(r.body()).path("csrf").asText();
    }

    private static byte[] get(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": " + r.statusCode());
        }
        return r.body();
    }

    private static void send(HttpClient http, String url, String csrf, Object body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
        }
    }
}
