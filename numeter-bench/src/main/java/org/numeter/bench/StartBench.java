package org.numeter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.numeter.codec.Json;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.RrdStore;
import org.numeter.store.Archives;

/**
 * Start: how soon a {@code numeter storage} process over {@code plugins} files serves its API, with its files in
 * the page cache (warm) and out of it (cold: {@code sync; echo 3 > /proc/sys/vm/drop_caches}, as root). Each run
 * is a new JVM started the way the launcher starts it ({@code -XX:+UseSerialGC}), timed from its exec to the first
 * {@code GET /api/v1/hosts} that lists every plugin. The anchor, in the same run, is the same start without the
 * index ({@code .index.json} removed, as on the first start after an upgrade): every file is then read, as every
 * start did before the index, and the figure is the time until all plugins are listed.
 */
public final class StartBench {
    private static final long T0 = 1_699_920_000L;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private StartBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "dir", "/tmp/numeter-bench-start", "plugins", "20000", "hosts", "1000",
                "fields", "5", "runs", "3", "keep", "false");
        Path dir = Path.of(args.text("dir"));
        int plugins = args.integer("plugins");
        int hosts = args.integer("hosts");
        int fields = args.integer("fields");
        System.out.println("start: " + args);
        System.out.println("machine: " + Machine.describe());
        System.out.println("load average at start: " + loadAverage());
        Path rrd = dir.resolve("rrd");
        if (!Boolean.parseBoolean(args.text("keep")) || !Files.exists(rrd.resolve(".index.json"))) {
            create(rrd, plugins, hosts, fields);
        } else {
            // the files of an earlier run: an index of this version's format, from one start that reads them all
            long t0 = System.nanoTime();
            try (RrdStore store = RrdStore.builder(rrd).open()) {
                while (!store.checkedAgainstFiles()) {
                    Thread.sleep(100);
                }
            }
            System.out.printf(Locale.ROOT, "kept %s; its index made again in %.1f s%n", rrd,
                    (System.nanoTime() - t0) / 1e9);
        }
        boolean root = dropCaches();
        if (!root) {
            System.out.println("cold runs skipped: dropping the page cache needs root");
        }
        // what the JVM, the launcher and the HTTP server cost alone: a storage over an empty folder
        Path empty = dir.resolveSibling(dir.getFileName() + "-empty");
        Machine.deleteTree(empty);
        Files.createDirectories(empty);
        List<String> lines = new ArrayList<>();
        for (boolean cold : root ? List.of(false, true) : List.of(false)) {
            lines.add(measure(empty, 0, cold, true, 1));
            for (int run = 1; run <= args.integer("runs"); run++) {
                lines.add(measure(dir, plugins, cold, true, run));
            }
            lines.add(measure(dir, plugins, cold, false, 1));
        }
        Machine.deleteTree(empty);
        System.out.println();
        lines.forEach(System.out::println);
        System.out.println("load average at end: " + loadAverage());
    }

    /** One point for every plugin: the files are made the way the storage makes them, then the index written. */
    private static void create(Path rrd, int plugins, int hosts, int fields) throws IOException {
        Machine.deleteTree(rrd.getParent());
        long t0 = System.nanoTime();
        try (RrdStore store = RrdStore.builder(rrd).archives(Archives.DEFAULT).open()) {
            List<SampleBatch> batches = new ArrayList<>();
            for (int p = 0; p < plugins; p++) {
                String host = "host" + (p % hosts);
                String name = "plugin" + (p / hosts);
                Plugin.Builder meta = Plugin.builder(name).title("Plugin " + name).category("bench").vlabel("units")
                        .args("--base 1000 -l 0");
                Map<String, Double> values = new java.util.LinkedHashMap<>();
                for (int f = 0; f < fields; f++) {
                    meta.field(Field.builder("field" + f).label("Field " + f).type(f == 0 ? FieldType.COUNTER
                            : FieldType.GAUGE).draw(f == 0 ? "LINE1" : "AREASTACK").min(0.0).build());
                    values.put("field" + f, (double) f);
                }
                batches.add(new SampleBatch(host, name, T0, values, meta.build()));
                if (batches.size() == 5000) {
                    store.write(batches);
                    batches.clear();
                }
            }
            store.write(batches);
        }
        System.out.printf(Locale.ROOT, "made %,d files of %d fields on %,d hosts in %.1f s (%,d bytes of index)%n",
                plugins, fields, hosts, (System.nanoTime() - t0) / 1e9, Files.size(rrd.resolve(".index.json")));
    }

    private static String measure(Path dir, int plugins, boolean cold, boolean index, int run) throws Exception {
        Path file = dir.resolve("rrd").resolve(".index.json");
        Path aside = dir.resolve("index.json.aside");
        if (!index) {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        }
        String what = plugins == 0 ? "empty" : index ? "index" : "no index";
        if (cold) {
            dropCaches();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:+UseSerialGC",
                "-Djava.awt.headless=true", "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"),
                "org.numeter.app.Numeter", "storage", "--set", "data-dir=" + dir, "--set", "storage.port=" + port,
                "--set", "storage.bind=127.0.0.1");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("storage.log").toFile()).start();
        try {
            double api = -1;
            double all = -1;
            while (all < 0) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the storage exited with " + p.exitValue() + "; see "
                            + dir.resolve("storage.log"));
                }
                if (seconds(t0) > 600) {
                    throw new IllegalStateException("no answer listing every plugin within 600 s");
                }
                JsonNode hosts = get(port, "/api/v1/hosts");
                if (hosts != null) {
                    if (api < 0) {
                        api = seconds(t0);
                    }
                    int listed = 0;
                    for (JsonNode h : hosts) {
                        listed += h.get("plugins").asInt();
                    }
                    if (listed == plugins) {
                        all = seconds(t0);
                    }
                }
                Thread.sleep(10);
            }
            double query = 0;
            if (plugins > 0) {
                long q0 = System.nanoTime();
                JsonNode data = get(port, "/api/v1/hosts/host7/plugins/plugin3/data?from=" + (T0 - 3600) + "&to="
                        + T0 + "&points=800");
                query = seconds(q0) * 1000;
                if (data == null) {
                    throw new IllegalStateException("the first query failed");
                }
            }
            while (!"done".equals(status(port))) {
                Thread.sleep(50);
            }
            double checked = seconds(t0);
            return String.format(Locale.ROOT, "%-4s %-8s run %d: API answers at %5.2f s, all %,d plugins listed"
                    + " at %6.2f s, first query of a plugin %6.1f ms, files checked in the background at %6.2f s",
                    cold ? "cold" : "warm", what, run, api, plugins, all, query, checked);
        } finally {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            if (!index && !Files.exists(file)) {
                Files.move(aside, file);
            }
            if (!index) {
                Files.deleteIfExists(aside);
            }
        }
    }

    private static String status(int port) throws Exception {
        JsonNode s = get(port, "/api/v1/status");
        return s == null ? null : s.path("filesChecked").asText();
    }

    private static JsonNode get(int port, String path) throws InterruptedException {
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            // the status answers 503, with its figures, while the storage is not ready
            return r.statusCode() == 200 || r.statusCode() == 503 ? Json.mapper().readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Empties the page cache; false when this process may not (not root). */
    private static boolean dropCaches() throws IOException, InterruptedException {
        Process sync = new ProcessBuilder("sync").start();
        sync.waitFor();
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
