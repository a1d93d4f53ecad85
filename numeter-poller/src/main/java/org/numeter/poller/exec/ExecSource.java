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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.numeter.model.Names;
import org.numeter.model.SampleBatch;
import org.numeter.munin.MuninNames;
import org.numeter.poller.Cycle;
import org.numeter.poller.Poller;
import org.numeter.poller.Source;
import org.numeter.poller.munin.MuninBatches;
import org.numeter.poller.munin.PluginReader;
import org.numeter.poller.munin.PluginReader.NoValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs munin-compatible plugin executables directly, as munin-node would: {@code <plugin> config}, then
 * {@code <plugin>}, with the environment munin plugins expect ({@code MUNIN_PLUGSTATE}, {@code MUNIN_STATEFILE},
 * {@code MUNIN_LIBDIR}, {@code MUNIN_CAP_MULTIGRAPH}, {@code MUNIN_CAP_DIRTYCONFIG}…) and munin-node's plugin
 * configuration ({@link PluginConf}: user, group, env.*, timeout), read with the same reader as the {@code munin}
 * source. Up to {@code parallelism} plugins run at once, each with its own deadline, so the folder's cycle lasts
 * as long as its slowest plugin, not their sum; a plugin past its deadline is killed with every process it started.
 * A plugin that fails, hangs or prints garbage costs only its own values.
 */
public final class ExecSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(ExecSource.class);
    // munin-node's default ignore_file patterns: editor backups, package manager leftovers, docs.
    private static final Pattern IGNORED = Pattern.compile(
            ".*(?:[#~]|DEADJOE|\\.bak|%|\\.dpkg-(?:tmp|new|old|dist)|\\.rpm(?:save|new)|\\.pod)$|^\\..*");
    private static final int MAX_LINES = 100_000;
    /** Plugins run at once when none is configured. */
    public static final int DEFAULT_PARALLELISM = 4;

    private final Path dir;
    private final Set<String> only;
    private final Duration timeout;
    private final int parallelism;
    private final Path stateDir;
    private final Path confDir;
    private final String host;
    private final Map<String, String> extraEnv;
    private final String prefix;
    private final PluginReader reader = new PluginReader();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final Accounts accounts = new Accounts();
    private volatile PluginConf conf;
    private volatile long confRead;
    private volatile String confError;

    /**
     * @param dir the directory of plugins (files or symbolic links, as /etc/munin/plugins)
     * @param plugins the plugins to run, or empty for every executable in {@code dir}
     * @param timeout bound on each run of each plugin unless its configuration sets one, or null for
     *     {@link Poller#defaultPluginTimeout(Duration) half the interval}
     * @param parallelism plugins run at once, at least 1
     * @param stateDir where plugins keep state between runs ({@code MUNIN_PLUGSTATE}); created when missing
     * @param confDir munin-node's plugin configuration folder ({@code /etc/munin/plugin-conf.d}), or null for none;
     *     read again when it changes
     * @param hostId the host id of the batches, or null for the poller's own
     * @param env more environment variables for every plugin, under those of the plugin configuration
     * @param prefix put before every plugin name, or empty
     */
    public ExecSource(Path dir, List<String> plugins, Duration timeout, int parallelism, Path stateDir, Path confDir,
            String hostId, Map<String, String> env, String prefix) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("exec " + dir + ": parallelism " + parallelism
                    + " must be at least 1");
        }
        this.dir = dir;
        this.only = Set.copyOf(plugins);
        this.timeout = timeout;
        this.parallelism = parallelism;
        this.stateDir = stateDir;
        this.confDir = confDir;
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
        PluginConf settings = conf();
        List<Path> plugins;
        try (Stream<Path> files = Files.list(dir)) {
            plugins = files.filter(p -> !IGNORED.matcher(p.getFileName().toString()).matches())
                    .filter(p -> only.isEmpty() || only.contains(p.getFileName().toString()))
                    .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                    .sorted().toList();
        }
        String batchHost = host == null ? cycle.host() : host;
        Map<Path, List<SampleBatch>> read = new ConcurrentHashMap<>();
        reader.startCycle();
        List<Path> configs = plugins.stream().filter(p -> reader.needsConfig(p.getFileName().toString())).toList();
        if (!configs.isEmpty()) {
            round(configs, cycle, (plugin, asker) -> reader.config(asker, plugin.getFileName().toString(), cycle),
                    settings);
            cycle.awaitNextSecond();
        }
        round(plugins.stream().filter(p -> !reader.needsConfig(p.getFileName().toString())).toList(), cycle,
                (plugin, asker) -> read.put(plugin, reader.values(asker, plugin.getFileName().toString(), batchHost,
                        cycle)), settings);
        List<SampleBatch> out = new ArrayList<>();
        for (Path plugin : plugins) {
            out.addAll(read.getOrDefault(plugin, List.of()));
        }
        return MuninBatches.prefixed(out, prefix);
    }

    /** What one round does with one plugin. */
    @FunctionalInterface
    private interface Step {
        void run(Path plugin, PluginReader.Asker asker) throws IOException;
    }

    /** Runs {@code plugins} up to {@code parallelism} at once; returns when all ran or the cycle's time is up. */
    private void round(List<Path> plugins, Cycle cycle, Step step, PluginConf settings) throws InterruptedException {
        ConcurrentLinkedQueue<Path> queue = new ConcurrentLinkedQueue<>(plugins);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < Math.min(parallelism, plugins.size()); i++) {
            threads.add(Thread.ofVirtual().name(name() + " runner " + (i + 1)).start(() -> {
                Path plugin;
                while ((plugin = queue.poll()) != null && !Thread.currentThread().isInterrupted()) {
                    String name = plugin.getFileName().toString();
                    if (cycle.expired()) {
                        cycle.outcomes().timedOut(MuninNames.plugin(name),
                                "not run: the source's timeout passed before its turn");
                        continue;
                    }
                    PluginConf.Settings own = settings.forPlugin(name);
                    Path p = plugin;
                    try {
                        step.run(plugin, config -> run(p, config ? "config" : null, own, cycle));
                    } catch (IOException e) {
                        cycle.outcomes().failed(MuninNames.plugin(name), null, e.getMessage());
                    }
                }
            }));
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
    }

    /**
     * The plugin configuration, read again when it changed. One that cannot be read (munin-node's is often root's
     * alone, and the poller runs as its own user) is none, said once in the log: plugins still run.
     */
    private PluginConf conf() {
        if (confDir == null) {
            return PluginConf.empty();
        }
        try {
            long modified = lastModified(confDir);
            if (conf == null || modified != confRead) {
                PluginConf read = PluginConf.read(confDir);
                read.problems().forEach(p -> LOG.warn("exec {}: plugin configuration: {}", dir, p));
                accounts.clear();
                conf = read;
                confRead = modified;
                confError = null;
            }
            return conf;
        } catch (IOException | RuntimeException e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!why.equals(confError)) {
                confError = why;
                LOG.warn("exec {}: plugin configuration {} cannot be read ({}); its plugins run without it", dir,
                        confDir, why);
            }
            return PluginConf.empty();
        }
    }

    private static long lastModified(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long newest = Files.getLastModifiedTime(dir).toMillis();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
            }
        }
        return newest;
    }

    /** The plugin's output lines; {@link NoValue} when it could not run, ran out of time, or failed. */
    private List<String> run(Path plugin, String argument, PluginConf.Settings own, Cycle cycle) throws NoValue {
        String name = plugin.getFileName().toString();
        String what = argument == null ? name : name + " " + argument;
        Duration bound = own.timeout() != null ? own.timeout()
                : timeout != null ? timeout : Poller.defaultPluginTimeout(cycle.interval());
        long deadline = cycle.deadlineWithin(bound);
        List<String> command = new ArrayList<>(asUser(name, own));
        command.add(plugin.toString());
        if (argument != null) {
            command.add(argument);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(stateDir.toFile());
        pb.environment().putAll(environment(name, own));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new NoValue(false, null, "could not run '" + what + "': " + e.getMessage());
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
            long left = Math.max(0, deadline - System.nanoTime());
            if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new NoValue(true, null, "'" + what + "' did not finish within " + bound.toMillis()
                        + " ms and was killed with every process it started");
            }
            // A child the plugin left behind may hold its output open: bounded like the plugin.
            stdout.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            stderr.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new NoValue(true, null, "'" + what + "' was killed: the source was abandoned");
        }
        if (process.exitValue() != 0) {
            String err;
            synchronized (errors) {
                err = errors.toString();
            }
            throw new NoValue(false, process.exitValue(), "'" + what + "' exited with " + process.exitValue()
                    + (err.isEmpty() ? "" : ": " + err));
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Kills the plugin and everything it started, children first while they can still be found through their
     * parents (a killed parent's children are adopted by init, and lost to its tree).
     */
    static void kill(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.toHandle().destroyForcibly();
        for (int i = tree.size() - 1; i >= 0; i--) {
            tree.get(i).destroyForcibly();
        }
        // Children a child started after the snapshot: look once more.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * The command prefix that runs a plugin as its configured user and groups ({@code setpriv}); nothing when none
     * is configured, or when the poller is not root (munin-node, too, runs it as itself then, and says so once).
     * A user, or a group not in parentheses, that the system does not know fails this plugin, with its name; a
     * group in parentheses is optional, as in munin-node, and left out when missing.
     */
    private List<String> asUser(String plugin, PluginConf.Settings own) throws NoValue {
        if (own.user() == null && own.groups().isEmpty()) {
            return List.of();
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            if (warned.add(plugin)) {
                LOG.warn("exec {}, plugin {}: its configuration asks for user {} and groups {}, which only root can"
                        + " give; it runs as {}", dir, plugin, own.user(), own.groups(),
                        System.getProperty("user.name"));
            }
            return List.of();
        }
        try {
            Accounts.User user = own.user() == null ? null : accounts.user(own.user());
            List<Long> gids = new ArrayList<>();
            for (String g : own.groups()) {
                boolean optional = g.startsWith("(") && g.endsWith(")");
                String name = optional ? g.substring(1, g.length() - 1) : g;
                long gid = accounts.group(name);
                if (gid >= 0) {
                    gids.add(gid);
                } else if (!optional) {
                    throw new Accounts.Unknown("its configuration (plugin-conf.d) asks for group '" + name
                            + "', which does not exist on this host (getent group " + name
                            + " found nothing; '(" + name + ")' would make it optional)");
                }
            }
            List<String> prefix = new ArrayList<>(List.of("setpriv"));
            if (user != null) {
                prefix.add("--reuid=" + user.uid());
            }
            if (!gids.isEmpty()) {
                prefix.add("--regid=" + gids.get(0));
                prefix.add("--groups=" + String.join(",", gids.stream().map(String::valueOf).toList()));
            } else if (user != null) {
                prefix.add("--regid=" + user.gid());
                prefix.add("--init-groups");
            } else {
                // only optional groups, none of which exists: as the poller, as munin-node would
                return List.of();
            }
            prefix.add("--");
            return prefix;
        } catch (Accounts.Unknown e) {
            throw new NoValue(false, null, e.getMessage());
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

    private Map<String, String> environment(String plugin, PluginConf.Settings own) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MUNIN_PLUGSTATE", stateDir.toString());
        env.put("MUNIN_STATEFILE", stateDir.resolve(plugin + "-127.0.0.1").toString());
        env.put("MUNIN_LIBDIR", "/usr/share/munin");
        env.put("MUNIN_CONFDIR", "/etc/munin");
        env.put("MUNIN_MASTER_IP", "127.0.0.1");
        env.put("MUNIN_CAP_MULTIGRAPH", "1");
        env.put("MUNIN_CAP_DIRTYCONFIG", "1");
        env.put("MUNIN_DEBUG", "0");
        env.putAll(extraEnv);
        env.putAll(own.env());
        return env;
    }

    @Override
    public String toString() {
        return "ExecSource{dir=" + dir + ", timeout=" + timeout + ", parallelism=" + parallelism + "}";
    }
}
