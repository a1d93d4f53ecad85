package org.numeter.bench.load;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.numeter.app.Numeter;
import org.numeter.bench.Machine;
import org.numeter.codec.Json;

/**
 * The real storage role ({@code numeter storage}) in a child JVM with the options the launcher gives it
 * (bin/run-jar's options for a storage, the JVM's default heap), draining one collector with its own sink and
 * writing real round-robin files under {@code dataDir}. Measured from outside: CPU and memory through /proc, what
 * it stored through its API ({@code GET /api/v1/status}, {@code GET /api/v1/hosts}).
 */
final class StorageProcess implements AutoCloseable {
    private static final String API_TOKEN = "bench-storage-api-token";

    private final Process process;
    private final ProcFigures figures;
    private final URI api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param drainInterval {@code storage.interval}: how often it drains the collector
     * @param log where the process's standard error goes
     * @param extraJvmOptions after the launcher's, as {@code NUMETER_JAVA_OPTS} adds them (a heap bound, say)
     */
    StorageProcess(Path dataDir, URI collector, String collectorToken, Duration drainInterval, Path log,
            List<String> extraJvmOptions) throws IOException {
        Path config = Files.writeString(dataDir.resolveSibling(dataDir.getFileName() + ".conf"), String.join("\n",
                "data-dir = " + dataDir,
                "storage.collectors = " + collector,
                "storage.collector-token = " + collectorToken,
                "storage.interval = " + drainInterval.toSeconds() + "s",
                "storage.bind = 127.0.0.1",
                "storage.port = 0",
                "storage.token = " + API_TOKEN, ""));
        String java = ProcessHandle.current().info().command().orElseThrow();
        // the launcher's options for a storage (bin/run-jar); the jar's classes from the classpath
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(Machine.launcherOptions("storage"));
        command.addAll(extraJvmOptions);
        command.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                Numeter.class.getName(), "storage", "--config", config.toString()));
        process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        int port = -1;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("numeter storage: API on ")) {
                port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
                break;
            }
        }
        if (port < 0) {
            process.destroyForcibly();
            throw new IOException("the storage ended before listening; its log: " + log);
        }
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
        api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
        figures = new ProcFigures(process.pid());
    }

    ProcFigures figures() {
        return figures;
    }

    /** {@code GET /api/v1/status}: the storage's own counts (batches, points, duplicates, late, rejected...). */
    Map<String, Object> status() throws IOException, InterruptedException {
        return get("status", new TypeReference<>() { }, true);
    }

    /** {@code GET /api/v1/hosts}: every host with its newest stored sample time ({@code lastUpdate}). */
    List<Map<String, Object>> hosts() throws IOException, InterruptedException {
        return get("hosts", new TypeReference<>() { }, false);
    }

    private <T> T get(String path, TypeReference<T> type, boolean anyStatus) throws IOException,
            InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(api.resolve(path))
                .header("Authorization", "Bearer " + API_TOKEN).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        // /status answers 503 with its figures while the storage is not ready; the figures are still the figures
        if (r.statusCode() != 200 && !(anyStatus && r.statusCode() == 503)) {
            throw new IOException("GET " + api.resolve(path) + " answered " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return Json.mapper().readValue(r.body(), type);
    }

    /** How a stop went: how long it took, and the process's CPU seconds last read before it exited. */
    record Stopped(Duration took, double cpuSeconds) {}

    /**
     * Stops the storage as a service manager does (SIGTERM: it writes what waits in memory, then exits), reading
     * its CPU time until it is gone; forcibly after {@code patience}.
     */
    Stopped stop(Duration patience) throws InterruptedException {
        long t0 = System.nanoTime();
        double cpu = Double.NaN;
        process.destroy();
        while (process.isAlive() && System.nanoTime() - t0 < patience.toNanos()) {
            try {
                cpu = figures.cpuSeconds();
            } catch (IOException | RuntimeException e) {
                break; // gone between the check and the read
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
        return new Stopped(Duration.ofNanos(System.nanoTime() - t0), cpu);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
