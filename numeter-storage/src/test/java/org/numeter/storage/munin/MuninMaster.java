package org.numeter.storage.munin;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real munin installation in a temporary folder: munin-node on a free port serving the stock plugins, and
 * munin-update (run as the munin user, as munin insists) writing a datafile and RRD files under {@code db/}. The
 * packages are installed with apt-get when missing (the tests run as root); when that fails the test fails.
 */
final class MuninMaster {
    static final Path NODE = Path.of("/usr/sbin/munin-node");
    static final Path UPDATE = Path.of("/usr/share/munin/munin-update");
    static final Path RRDTOOL = Path.of("/usr/bin/rrdtool");

    private final Path dir;

    MuninMaster(Path dir) {
        this.dir = dir;
    }

    Path db() {
        return dir.resolve("db");
    }

    static void ensureInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(NODE) && Files.isExecutable(UPDATE) && Files.isExecutable(RRDTOOL)) {
            return;
        }
        if (run(List.of("apt-get", "install", "-y", "-q", "munin", "munin-node", "rrdtool"), 600) != 0) {
            run(List.of("apt-get", "update", "-q"), 600);
            run(List.of("apt-get", "install", "-y", "-q", "munin", "munin-node", "rrdtool"), 600);
        }
        if (!Files.isExecutable(NODE) || !Files.isExecutable(UPDATE) || !Files.isExecutable(RRDTOOL)) {
            throw new IllegalStateException("'apt-get install -y munin munin-node rrdtool' failed; the integration"
                    + " test needs them (as root)");
        }
    }

    /** Polls the node once into {@code db/}: one datafile, one RRD file per field. */
    MuninMaster update() throws IOException, InterruptedException {
        ensureInstalled();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        // munin-update runs as munin: it must reach the folder (JUnit makes temporary folders private)
        for (Path d = dir; d != null && d.startsWith(System.getProperty("java.io.tmpdir")) && d.getNameCount() > 1;
                d = d.getParent()) {
            if (!d.toString().equals(System.getProperty("java.io.tmpdir"))) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        UserPrincipal munin = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("munin");
        for (String d : List.of("db", "html", "log", "run", "node")) {
            Files.createDirectories(dir.resolve(d));
            Files.setOwner(dir.resolve(d), munin);
        }
        Path nodeConf = dir.resolve("node/munin-node.conf");
        Files.write(nodeConf, List.of(
                "log_level 4",
                "log_file " + dir.resolve("node/munin-node.log"),
                "pid_file " + dir.resolve("node/munin-node.pid"),
                "background 0",
                "setsid 0",
                "user root",
                "group root",
                "host_name localhost",
                "ignore_file [\\#~]$",
                "ignore_file \\.dpkg-(tmp|new|old|dist)$",
                "allow ^127\\.0\\.0\\.1$",
                "host 127.0.0.1",
                "port " + port));
        Path conf = dir.resolve("munin.conf");
        Files.write(conf, List.of(
                "dbdir " + db(),
                "htmldir " + dir.resolve("html"),
                "logdir " + dir.resolve("log"),
                "rundir " + dir.resolve("run"),
                "[test;localhost]",
                "    address 127.0.0.1",
                "    port " + port));
        Process node = new ProcessBuilder(NODE.toString(), "--config", nodeConf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("node/out").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers(node, port));
            int rc = run(List.of("su", "munin", "-s", "/bin/sh", "-c",
                    UPDATE + " --config_file " + conf + " --nofork"), 120);
            if (rc != 0 || !Files.exists(db().resolve("datafile"))) {
                throw new IllegalStateException("munin-update exited with " + rc + "; see "
                        + dir.resolve("log/munin-update.log"));
            }
        } finally {
            node.descendants().forEach(ProcessHandle::destroy);
            node.destroy();
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        return this;
    }

    private static boolean answers(Process node, int port) {
        if (!node.isAlive()) {
            throw new IllegalStateException("munin-node exited with " + node.exitValue());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs rrdtool and returns what it printed; fails the test when it fails. */
    static List<String> rrdtool(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RRDTOOL.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rrdtool " + args.get(0) + " failed: " + out);
        }
        return out;
    }

    private static int run(List<String> command, int seconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
