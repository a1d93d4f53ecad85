package org.numeter.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real munin-node for integration tests, on a free port with its own configuration, its own plugin folder
 * ({@link #plugins()}) and its own plugin configuration ({@link #pluginConf()}) under a temporary folder: it serves
 * only what the test put there (stock plugins linked from /usr/share/munin/plugins with {@link #stock}, or written
 * ones), never what this machine's /etc/munin holds. When munin-node is not installed it is installed with apt-get
 * (the tests run as root in CI); when that fails the test fails: it never skips.
 */
public final class MuninNode implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/munin-node");
    // Nodes made at once by tests running in parallel must not be told the same port: the kernel may offer a
    // just-closed one again.
    private static final Set<Integer> GIVEN_PORTS = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final int port;
    private Process process;

    static final Path STOCK = Path.of("/usr/share/munin/plugins");

    private Duration timeout = Duration.ofSeconds(10);

    public MuninNode(Path dir) throws IOException {
        this.dir = dir;
        int free;
        do {
            try (ServerSocket s = new ServerSocket(0)) {
                free = s.getLocalPort();
            }
        } while (!GIVEN_PORTS.add(free));
        this.port = free;
        Files.createDirectories(plugins());
        Files.createDirectories(pluginConf());
        Files.createDirectories(dir.resolve("plugin-state"));
    }

    public int port() {
        return port;
    }

    /** The folder of the plugins it serves (its /etc/munin/plugins). */
    public Path plugins() {
        return dir.resolve("plugins");
    }

    /** Its plugin configuration folder (its /etc/munin/plugin-conf.d). */
    public Path pluginConf() {
        return dir.resolve("plugin-conf.d");
    }

    /** Serves munin's stock plugins of these names, linked from /usr/share/munin/plugins as munin installs them. */
    public MuninNode stock(String... names) throws IOException, InterruptedException {
        ensureInstalled();
        for (String name : names) {
            Files.createSymbolicLink(plugins().resolve(name), STOCK.resolve(name));
        }
        return this;
    }

    /** munin-node's own timeout for every plugin (its {@code timeout}); 10 s unless set before {@link #start()}. */
    public MuninNode timeout(Duration nodeTimeout) {
        this.timeout = nodeTimeout;
        return this;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public static void ensureInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        // A fresh container has no package lists: update them when the first try fails.
        if (!apt("install", "-y", "-q", "munin-node")) {
            apt("update", "-q");
            apt("install", "-y", "-q", "munin-node");
        }
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("munin-node is not installed and 'apt-get install -y munin-node'"
                    + " failed; install it (the integration tests need it, as root)");
        }
    }

    private static boolean apt(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process apt = pb.start();
        return apt.waitFor(5, TimeUnit.MINUTES) && apt.exitValue() == 0;
    }

    public MuninNode start() throws IOException, InterruptedException {
        ensureInstalled();
        Path conf = dir.resolve("munin-node.conf");
        Files.write(conf, List.of(
                "log_level 4",
                "log_file " + dir.resolve("munin-node.log"),
                "pid_file " + dir.resolve("munin-node.pid"),
                "background 0",
                "setsid 0",
                "user root",
                "group root",
                // a test's temporary folder is root's alone: plugins run as root rather than munin's 'nobody'
                "default_plugin_user root",
                "default_plugin_group root",
                "ignore_file [\\#~]$",
                "ignore_file \\.dpkg-(tmp|new|old|dist)$",
                "allow ^127\\.0\\.0\\.1$",
                "host 127.0.0.1",
                "timeout " + timeout.toSeconds(),
                "port " + port));
        // munin-node takes its plugin folders from Munin::Common::Defaults: set them before its script runs.
        process = new ProcessBuilder("perl", "-e", "use Munin::Common::Defaults;"
                + " $Munin::Common::Defaults::MUNIN_CONFDIR = shift; $Munin::Common::Defaults::MUNIN_PLUGSTATE = shift;"
                + " do '" + BINARY + "'; die $@ if $@; exit main::main();",
                dir.toString(), dir.resolve("plugin-state").toString(), "--config", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("munin-node.out").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(this::answers);
        return this;
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new IllegalStateException("munin-node exited with " + process.exitValue() + ": " + output());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("munin-node.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        // Net::Server forks a child per connection: end them with their parent.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
