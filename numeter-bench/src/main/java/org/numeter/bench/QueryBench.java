package org.numeter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.RrdStore;
import org.numeter.storage.StorageServer;
import org.numeter.store.Archives;

/**
 * Query and PNG latency through the HTTP API: one plugin of five fields holding {@code days} days of 1-minute
 * points, asked for one day and one year at 800 points, and drawn over one week. The server's own time comes from
 * its {@code Server-Timing} header; the round trip on the loopback is shown beside it.
 */
public final class QueryBench {
    private QueryBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "dir", "/tmp/numeter-bench-query",
                "days", "400", "requests", "2000", "warmup", "500", "png-requests", "200");
        Path dir = Path.of(args.text("dir"));
        int days = args.integer("days");
        System.out.println("query: " + args);
        System.out.println("machine: " + Machine.describe());
        Machine.deleteTree(dir);
        long step = Archives.DEFAULT.step();
        long end = 1_700_000_000L / 86400 * 86400 + 86400L * days;
        long start = end - 86400L * days;
        try (RrdStore store = RrdStore.builder(dir).open()) {
            long t0 = System.nanoTime();
            fill(store, start, end, step);
            System.out.printf(Locale.ROOT, "filled %d days of 1-minute points for 5 fields in %.1f s%n", days,
                    (System.nanoTime() - t0) / 1e9);
            StorageServer server = StorageServer.builder().store(store).bind("127.0.0.1").port(0).build();
            server.start();
            try {
                String base = "http://127.0.0.1:" + server.port() + "/api/v1/hosts/web1/plugins/cpu/";
                HttpClient http = HttpClient.newHttpClient();
                int warmup = args.integer("warmup");
                int requests = args.integer("requests");
                measure(http, "data, 1 day, 800 points", base + "data?from=" + (end - 86400) + "&to=" + end
                        + "&points=800", warmup, requests);
                measure(http, "data, 1 year, 800 points", base + "data?from=" + (end - 365 * 86400L) + "&to=" + end
                        + "&points=800", warmup, requests);
                measure(http, "graph.png, 1 week, 800x300", base + "graph.png?from=" + (end - 7 * 86400L) + "&to="
                        + end + "&width=800&height=300", Math.min(warmup, 100), args.integer("png-requests"));
            } finally {
                server.close();
            }
        }
    }

    private static void fill(RrdStore store, long start, long end, long step) throws Exception {
        Plugin meta = Plugin.builder("cpu").title("CPU usage").category("system").vlabel("%").args("--base 1000 -l 0")
                .field(Field.builder("user").draw("AREA").build()).field(Field.builder("system").draw("STACK").build())
                .field(Field.builder("iowait").draw("STACK").build()).field(Field.builder("irq").draw("STACK").build())
                .field(Field.builder("idle").draw("STACK").build()).build();
        SplittableRandom random = new SplittableRandom(7);
        List<SampleBatch> chunk = new ArrayList<>();
        for (long t = start + step; t <= end; t += step) {
            double user = 20 + 15 * Math.sin(t / 7200.0) + random.nextDouble(5);
            double system = 5 + random.nextDouble(3);
            double iowait = random.nextDouble(2);
            double irq = random.nextDouble(0.5);
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("user", user);
            v.put("system", system);
            v.put("iowait", iowait);
            v.put("irq", irq);
            v.put("idle", 100 - user - system - iowait - irq);
            chunk.add(new SampleBatch("web1", "cpu", t, v, chunk.isEmpty() && t == start + step ? meta : null));
            if (chunk.size() == 10_000) {
                store.write(chunk);
                chunk.clear();
            }
        }
        store.write(chunk);
    }

    private static void measure(HttpClient http, String what, String url, int warmup, int requests)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        double[] server = new double[requests];
        double[] roundTrip = new double[requests];
        long bytes = 0;
        for (int i = 0; i < warmup + requests; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long nanos = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(r.body()));
            }
            if (i >= warmup) {
                String timing = r.headers().firstValue("Server-Timing").orElseThrow();
                server[i - warmup] = Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4));
                roundTrip[i - warmup] = nanos / 1e6;
                bytes = r.body().length;
            }
        }
        Arrays.sort(server);
        Arrays.sort(roundTrip);
        System.out.printf(Locale.ROOT, "%-28s server p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms | round trip p50 %6.2f ms"
                + "  p99 %6.2f ms | %,d bytes, %d requests%n", what, Machine.percentile(server, 50),
                Machine.percentile(server, 99), server[server.length - 1], Machine.percentile(roundTrip, 50),
                Machine.percentile(roundTrip, 99), bytes, requests);
    }
}
