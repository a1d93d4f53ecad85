package org.numeter.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code numeter} role in a JVM of its own, on the test class path (so it finds test-only sources), the way an
 * operator runs it: {@code numeter <role> --set key=value ...}. Its standard output and error go to one file under
 * {@code target/} that survives the test, and {@link #kill()} is a real SIGKILL, with no shutdown hook run.
 *
 * <p>A process is started by {@link #start()} and is ready when its HTTP port answers the readiness path with 200.
 * The same object can be started again after a kill or a stop: same role, settings, port and log (appended).
 */
final class NumeterProcess implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(40);
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // Children must not outlive a test JVM that is itself stopped (Ctrl-C, a fork timeout): they would hold ports.
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> GIVEN_PORTS = ConcurrentHashMap.newKeySet();

    // Set before the reaper looks: a test thread still starting roles while the JVM stops (its fork stopped by
    // Failsafe or an operator) kills what it started itself. Without it, a chain started just after the reaper ran
    // outlived the test JVM and went on appending to target/e2e (the next build's CrossProcessFaultIT read two
    // pollers' samples).
    private static volatile boolean stopping;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            RUNNING.forEach(Process::destroyForcibly);
        }, "numeter-process-reaper"));
    }

    private final String name;
    private final String role;
    private final List<String> command;
    private final List<String> shown;
    // null: this JVM's environment without NUMETER_* variables; otherwise exactly these variables.
    private final Map<String, String> environment;
    private final Path directory;
    private final int port;
    private final String readyPath;
    private final Path log;
    private Process process;
    private int starts;
    private String readyToken;

    private NumeterProcess(String name, String role, List<String> command, List<String> shown,
            Map<String, String> environment, Path directory, int port, String readyPath, Path log) {
        this.name = name;
        this.role = role;
        this.command = List.copyOf(command);
        this.shown = List.copyOf(shown);
        this.environment = environment == null ? null : Map.copyOf(environment);
        this.directory = directory;
        this.port = port;
        this.readyPath = readyPath;
        this.log = log;
    }

    /**
     * A role to run; nothing starts yet.
     *
     * @param port the HTTP port the role is told to listen on (one of its settings), polled for readiness
     * @param readyPath a path that answers 200 once the role serves, e.g. {@code /health}
     * @param logDir where {@code <name>.log} is written
     */
    static NumeterProcess of(String name, String role, Map<String, String> settings, List<String> jvmOptions,
            int port, String readyPath, Path logDir) throws IOException {
        List<String> program = new ArrayList<>(List.of(Numeter.class.getName(), role));
        new LinkedHashMap<>(settings).forEach((k, v) -> program.addAll(List.of("--set", k + "=" + v)));
        return java(name, role, program, jvmOptions, port, readyPath, logDir);
    }

    /**
     * Several pollers in one JVM ({@link PollerGroup}), each started as {@code numeter poller} starts one, with its
     * own settings; ready when the first one's port answers.
     */
    static NumeterProcess pollerGroup(String name, List<Map<String, String>> pollers, List<String> jvmOptions,
            int port, String readyPath, Path logDir) throws IOException {
        List<String> program = new ArrayList<>(List.of(PollerGroup.class.getName()));
        for (Map<String, String> poller : pollers) {
            poller.forEach((k, v) -> program.addAll(List.of("--set", k + "=" + v)));
            program.add(PollerGroup.NEXT);
        }
        return java(name, "poller", program, jvmOptions, port, readyPath, logDir);
    }

    /** A JVM on the test class path running {@code program} (a main class and its arguments). */
    private static NumeterProcess java(String name, String role, List<String> program, List<String> jvmOptions,
            int port, String readyPath, Path logDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // Small, quick-starting JVMs: two cores are shared by three roles, the test and other builds.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Djava.awt.headless=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(program);
        return new NumeterProcess(name, role, command, program, null, null, port, readyPath,
                freshLog(logDir, name));
    }

    /**
     * A role started by a command of its own, e.g. an installed unit's {@code ExecStart} under {@code setpriv}, run
     * in {@code directory} with exactly {@code environment} (nothing inherited from this JVM); ready as for
     * {@link #of}.
     */
    static NumeterProcess command(String name, String role, List<String> command, Map<String, String> environment,
            Path directory, int port, String readyPath, Path logDir) throws IOException {
        return new NumeterProcess(name, role, command, command, environment, directory, port, readyPath,
                freshLog(logDir, name));
    }

    private static Path freshLog(Path logDir, String name) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Files.deleteIfExists(log);
        return log;
    }

    /**
     * A port nobody listens on now, on loopback, and not handed out before by this JVM: the kernel may offer a
     * just-closed port again, and two roles told the same port would collide. A role keeps it across restarts.
     */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN_PORTS.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    /** A bearer token to present to the readiness path, for roles whose paths all want one. */
    NumeterProcess readyToken(String token) {
        this.readyToken = token;
        return this;
    }

    /** Starts the JVM and returns at once; {@link #awaitReady()} waits for its port. */
    synchronized NumeterProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (environment == null) {
            // Only the settings given here count: an operator's NUMETER_* variables must not leak into the test.
            builder.environment().keySet().removeIf(k -> k.startsWith("NUMETER_"));
        } else {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        starts++;
        Files.writeString(log, "---- start " + starts + ": " + String.join(" ", shown) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = builder.start();
        RUNNING.add(process);
        process.onExit().thenAccept(RUNNING::remove);
        if (stopping) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " started while the test JVM stops: killed");
        }
        return this;
    }

    /** Waits until the role answers on its port; fails at once, with its log, if the JVM exits. */
    NumeterProcess awaitReady() {
        URI uri = URI.create("http://127.0.0.1:" + port + readyPath);
        await(name + " ready at " + uri).atMost(READY_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready; log "
                        + log.toAbsolutePath() + ":\n" + tail());
            }
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2));
                if (readyToken != null) {
                    request.header("Authorization", "Bearer " + readyToken);
                }
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " (pid " + process.pid() + ") is still alive after SIGKILL");
        }
    }

    /** SIGTERM, then waits for the shutdown hook to close everything; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " (pid " + process.pid() + ") did not stop within " + EXIT_WITHIN
                    + " of SIGTERM; log " + log.toAbsolutePath() + ":\n" + tail());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int port() {
        return port;
    }

    Path log() {
        return log;
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Kills the process if it still runs; tests call it from {@code @AfterEach} whatever happened. */
    @Override
    public void close() {
        if (alive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (numeter " + role + " on port " + port + (alive() ? ", pid " + process.pid() : "") + ")";
    }
}
