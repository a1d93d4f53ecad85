package org.numeter.poller.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.munin.Problems;
import org.numeter.poller.Source;
import org.numeter.poller.munin.MuninBatches;
import org.numeter.munin.MuninConfigParser;
import org.numeter.munin.MuninValueParser;

/**
 * Runs munin-compatible plugin executables directly, as munin-node would: {@code <plugin> config}, then
 * {@code <plugin>}, with the environment munin plugins expect ({@code MUNIN_PLUGSTATE}, {@code MUNIN_STATEFILE},
 * {@code MUNIN_LIBDIR}, {@code MUNIN_CAP_MULTIGRAPH}…), each bounded by a timeout, and read with the same parsers
 * as the {@code munin} source. A plugin that fails, hangs or prints garbage is reported and the others arrive.
 */
public final class ExecSource implements Source {
    // munin-node's default ignore_file patterns: editor backups, package manager leftovers, docs.
    private static final Pattern IGNORED = Pattern.compile(
            ".*(?:[#~]|DEADJOE|\\.bak|%|\\.dpkg-(?:tmp|new|old|dist)|\\.rpm(?:save|new)|\\.pod)$|^\\..*");
    private static final int MAX_LINES = 100_000;

    private final Path dir;
    private final Set<String> only;
    private final Duration timeout;
    private final Path stateDir;
    private final String host;
    private final Map<String, String> extraEnv;
    private final String prefix;
    private final Map<String, Cached> configs = new HashMap<>();

    private record Cached(Map<String, Plugin> graphs, long askedAt) {}

    /**
     * @param dir the directory of plugins (files or symbolic links, as /etc/munin/plugins)
     * @param plugins the plugins to run, or empty for every executable in {@code dir}
     * @param timeout bound on each run of each plugin
     * @param stateDir where plugins keep state between runs ({@code MUNIN_PLUGSTATE}); created when missing
     * @param hostId the host id of the batches, or null for the poller's own
     * @param env more environment variables for every plugin (munin's {@code env.*} settings)
     * @param prefix put before every plugin name, or empty
     */
    public ExecSource(Path dir, List<String> plugins, Duration timeout, Path stateDir, String hostId,
            Map<String, String> env, String prefix) {
        this.dir = dir;
        this.only = Set.copyOf(plugins);
        this.timeout = timeout;
        this.stateDir = stateDir;
        this.host = hostId == null || hostId.isBlank() ? null : Names.requireHost(hostId);
        this.extraEnv = Map.copyOf(env);
        this.prefix = prefix == null ? "" : prefix;
    }

    @Override
    public String name() {
        return "exec " + dir;
    }

    @Override
    public List<SampleBatch> collect(Cycle cycle) throws IOException, InterruptedException {
        Files.createDirectories(stateDir);
        List<Path> plugins;
        try (Stream<Path> files = Files.list(dir)) {
            plugins = files.filter(p -> !IGNORED.matcher(p.getFileName().toString()).matches())
                    .filter(p -> only.isEmpty() || only.contains(p.getFileName().toString()))
                    .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                    .sorted().toList();
        }
        String batchHost = host == null ? cycle.host() : host;
        List<SampleBatch> out = new ArrayList<>();
        for (Path plugin : plugins) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException(name() + ": interrupted after its timeout");
            }
            out.addAll(read(plugin, batchHost, cycle.timestamp(), cycle.problems()));
        }
        return MuninBatches.prefixed(out, prefix);
    }

    private List<SampleBatch> read(Path plugin, String batchHost, long timestamp, Problems problems)
            throws InterruptedException {
        String name = plugin.getFileName().toString();
        long now = System.currentTimeMillis();
        Cached cached = configs.get(name);
        if (cached == null || now - cached.askedAt() > Duration.ofMinutes(10).toMillis()) {
            List<String> config = run(plugin, "config", problems);
            if (config == null) {
                return List.of();
            }
            cached = new Cached(MuninConfigParser.parse(name, config, problems), now);
            configs.put(name, cached);
        }
        List<String> fetch = run(plugin, null, problems);
        if (fetch == null) {
            return List.of();
        }
        List<MuninValueParser.Value> values = MuninValueParser.parse(name, fetch, problems);
        for (MuninValueParser.Value v : values) {
            Plugin graph = cached.graphs().get(v.plugin());
            if (graph == null || graph.field(v.field()).isEmpty()) {
                configs.remove(name);
                break;
            }
        }
        return MuninBatches.build(batchHost, timestamp, cached.graphs(), values, problems);
    }

    /** The plugin's output lines, or null when it could not run, hung, or failed (reported). */
    private List<String> run(Path plugin, String argument, Problems problems) throws InterruptedException {
        String name = plugin.getFileName().toString();
        String what = argument == null ? name : name + " " + argument;
        List<String> command = argument == null ? List.of(plugin.toString()) : List.of(plugin.toString(), argument);
        ProcessBuilder pb = new ProcessBuilder(command).directory(stateDir.toFile());
        pb.environment().putAll(environment(name));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            problems.report(name, "could not run '" + what + "': " + e.getMessage());
            return null;
        }
        closeQuietly(process);
        List<String> lines = new ArrayList<>();
        StringBuilder errors = new StringBuilder();
        Thread stdout = Thread.ofVirtual().start(() -> drain(process.getInputStream(), lines, MAX_LINES));
        Thread stderr = Thread.ofVirtual().start(() -> {
            List<String> err = new ArrayList<>();
            drain(process.getErrorStream(), err, 20);
            synchronized (errors) {
                errors.append(String.join(" | ", err));
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                problems.report(name, "'" + what + "' did not finish within " + timeout.toMillis()
                        + " ms and was killed");
                return null;
            }
            stdout.join(timeout.toMillis());
            stderr.join(timeout.toMillis());
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
        if (process.exitValue() != 0) {
            String err;
            synchronized (errors) {
                err = errors.toString();
            }
            problems.report(name, "'" + what + "' exited with " + process.exitValue()
                    + (err.isEmpty() ? "" : ": " + err));
            return null;
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // plugins do not read their input
        }
    }

    private static void drain(InputStream in, List<String> into, int max) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (into) {
                    if (into.size() < max) {
                        into.add(line);
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed; what was read is kept
        }
    }

    private Map<String, String> environment(String plugin) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MUNIN_PLUGSTATE", stateDir.toString());
        env.put("MUNIN_STATEFILE", stateDir.resolve(plugin + "-127.0.0.1").toString());
        env.put("MUNIN_LIBDIR", "/usr/share/munin");
        env.put("MUNIN_CONFDIR", "/etc/munin");
        env.put("MUNIN_MASTER_IP", "127.0.0.1");
        env.put("MUNIN_CAP_MULTIGRAPH", "1");
        env.put("MUNIN_DEBUG", "0");
        env.putAll(extraEnv);
        return env;
    }

    @Override
    public String toString() {
        return "ExecSource{dir=" + dir + ", timeout=" + timeout + "}";
    }
}
