package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian package as an operator meets it, on this machine (as root, as CI runs): {@code dpkg -i} of the .deb
 * this build made, {@code systemd-analyze} on its units, each unit's {@code ExecStart} run as the unit's user with
 * the unit's environment, working directory and umask until the role is ready (systemd is not PID 1 here, so
 * systemctl cannot start a unit), then {@code dpkg -r} and {@code dpkg --purge}, which leave the machine as it was.
 *
 * <p>A package left by an earlier run that failed half-way is purged first. One installed by someone else is never
 * touched: the test fails and says so. A marker file written before the first {@code dpkg -i} tells them apart.
 * Builds running at once on one machine take turns: the whole class holds a lock file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageIT {
    private static final Path MARKER = Path.of("/var/tmp/numeter-debian-package-it");
    // Where Debian keeps lock files (/var/lock links to it); emptied at boot.
    private static final Path LOCK = Path.of("/run/lock/numeter-debian-package-it.lock");
    private static final Path LOGS = Path.of("target", "e2e", "debian-package").toAbsolutePath();
    private static final Path DATA = Path.of("/var/lib/numeter");
    private static final Path UNITS = Path.of("/lib/systemd/system");
    private static final List<String> ROLES = DebianPackageFilesTest.ROLES;
    private static final String HOST = "package-it.test";
    private static final String PLUGIN = "package_it";
    // The PATH systemd gives a service.
    private static final String SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path deb;
    private static FileChannel lockFile;
    private static FileLock lock;
    // Set once this test may purge what it finds: the package and user are its own (or there were none).
    private static boolean ours;
    private static Path plugins;
    private static final List<NumeterProcess> running = new ArrayList<>();

    /** Where each role says it is ready over HTTP: {@code GET /ready}, 200 once it can do its job (docs/api.md). */
    static String readyPath(String role) {
        return "/ready";
    }

    @BeforeAll
    static void installThePackageThisBuildMade() throws Exception {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(uid).as("DebianPackageIT installs a package with dpkg and runs services as their user: it needs"
                + " root (CI runs as root)").isEqualTo(0);
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            deb = built.filter(p -> p.getFileName().toString().matches("numeter_.*_all\\.deb"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no target/numeter_*_all.deb: the package phase (jdeb)"
                            + " did not run"))
                    .toAbsolutePath();
        }
        Files.createDirectories(LOGS);
        Files.deleteIfExists(LOGS.resolve("commands.log"));
        // Another build's DebianPackageIT on this machine would find our package and purge it, or dpkg's lock busy.
        lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        await("the other DebianPackageIT on this machine to finish (" + LOCK + ")").atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofSeconds(1)).until(() -> (lock = lockFile.tryLock()) != null);

        Run status = run("dpkg-query", "-W", "-f=${Status}", "numeter");
        boolean present = status.code() == 0 && !status.out().contains("not-installed");
        if (present || run("getent", "passwd", "numeter").code() == 0
                || run("getent", "group", "numeter").code() == 0) {
            assertThat(Files.exists(MARKER)).as("a numeter package, user or group is on this machine (dpkg: '%s')"
                    + " and was not left by this test, which would purge it: remove it (dpkg --purge numeter) or run"
                    + " the test elsewhere", status.out()).isTrue();
            if (present) {
                ok(run("dpkg", "--purge", "numeter"));
            }
            leaveNoUser();
        }
        Files.writeString(MARKER, "left by DebianPackageIT (" + deb + ") at " + Instant.now() + "\n");
        ours = true;
        ok(run("dpkg", "-i", deb.toString()));
    }

    @AfterAll
    static void purge() throws Exception {
        running.forEach(NumeterProcess::close);
        try {
            if (ours) {
                purgeWhatThisTestInstalled();
            }
        } finally {
            if (lockFile != null) {
                lockFile.close(); // releases the lock
            }
        }
    }

    private static void purgeWhatThisTestInstalled() throws Exception {
        try {
            removeWhatTheServicesLeftInTmp();
            if (run("dpkg-query", "-W", "numeter").code() == 0) {
                ok(run("dpkg", "--purge", "numeter"));
            }
        } finally {
            if (plugins != null) {
                deleteTree(plugins);
            }
            // While anything of the package is left (a purge that failed), the marker stays for the next run.
            if (run("dpkg-query", "-W", "numeter").code() != 0 && run("getent", "passwd", "numeter").code() != 0
                    && run("getent", "group", "numeter").code() != 0) {
                Files.deleteIfExists(MARKER);
            }
        }
    }

    /** A user and group that a purge of an earlier run failed to remove. */
    private static void leaveNoUser() throws IOException, InterruptedException {
        if (run("getent", "passwd", "numeter").code() == 0) {
            ok(run("deluser", "--system", "numeter"));
        }
        if (run("getent", "group", "numeter").code() == 0) {
            ok(run("delgroup", "--system", "numeter"));
        }
    }

    @Test
    @Order(1)
    void installsTheLauncherTheJarTheUserAndTheConfigurations() throws Exception {
        assertThat(Files.isExecutable(Path.of("/usr/bin/numeter"))).isTrue();
        assertThat(Files.mismatch(Path.of("/usr/share/numeter/numeter.jar"), Path.of("target", "numeter.jar")))
                .as("the installed jar is this build's").isEqualTo(-1L);
        assertThat(Files.mismatch(Path.of("/usr/share/numeter/numeter-poller.jar"),
                Path.of("target", "numeter-poller.jar"))).as("the poller's own jar is this build's").isEqualTo(-1L);

        String[] user = ok(run("getent", "passwd", "numeter")).out().strip().split(":");
        assertThat(Integer.parseInt(user[2])).as("a system user's uid").isLessThan(1000);
        assertThat(user[5]).isEqualTo(DATA.toString());
        assertThat(user[6]).isEqualTo("/usr/sbin/nologin");

        assertThat(owner(DATA)).isEqualTo("numeter:numeter");
        assertThat(mode(DATA)).isEqualTo("rwxr-x---");
        // Configurations may hold tokens: readable by the services' group, not by everyone; kept by dpkg.
        String conffiles = ok(run("dpkg-query", "-W", "-f=${Conffiles}", "numeter")).out();
        for (String role : ROLES) {
            Path conf = Path.of("/etc/numeter", role + ".conf");
            assertThat(owner(conf)).as(conf.toString()).isEqualTo("root:numeter");
            assertThat(mode(conf)).as(conf.toString()).isEqualTo("rw-r-----");
            assertThat(conffiles).contains(" " + conf + " ");
        }
        assertThat(conffiles).contains(" /etc/default/numeter ");

        assertThat(ok(asNumeter(List.of("/usr/bin/numeter", "--help"), Map.of())).out()).contains("poller");
    }

    @Test
    @Order(2)
    void unitsPassSystemdAnalyze() throws Exception {
        List<String> verify = new ArrayList<>(List.of("systemd-analyze", "verify"));
        ROLES.forEach(role -> verify.add(unitFile(role).toString()));
        Run verified = run(verify.toArray(String[]::new));
        assertThat(verified.code()).as(verified.out()).isZero();
        assertThat(verified.out()).as("warnings about the units").doesNotContain("numeter");

        for (String role : ROLES) {
            // Exposure on systemd's scale of 0 to 10 (the threshold is in tenths): an unhardened service is about
            // 9.6, these 2.8 (the poller, which must read the whole host, 3.4).
            Run security = run("systemd-analyze", "security", "--offline=yes", "--threshold=40",
                    unitFile(role).toString());
            assertThat(security.code()).as(security.out()).isZero();
        }
    }

    @Test
    @Order(3)
    void eachUnitsCommandServesAsTheNumeterUserAndStopsCleanly() throws Exception {
        plugins = Files.createTempDirectory("numeter-package-it-plugins",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path plugin = plugins.resolve(PLUGIN);
        Files.writeString(plugin, """
                #!/bin/sh
                if [ "$1" = config ]; then
                  echo 'graph_title Package IT'
                  echo 'uid.label uid'
                  exit 0
                fi
                touch "$MUNIN_PLUGSTATE/package-it-was-here"
                echo "uid.value $(id -u)"
                """);
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));

        Map<String, Integer> port = new LinkedHashMap<>();
        for (String role : ROLES) {
            port.put(role, NumeterProcess.freePort());
        }
        String collector = "http://127.0.0.1:" + port.get("collector");
        String storage = "http://127.0.0.1:" + port.get("storage");
        // The shipped configurations, with free ports and one-second hops instead of their defaults.
        Map<String, Map<String, String>> overrides = Map.of(
                "poller", Map.of("NUMETER_POLLER_PORT", "" + port.get("poller"),
                        "NUMETER_POLLER_ADVERTISE", "http://127.0.0.1:" + port.get("poller"),
                        "NUMETER_POLLER_COLLECTOR", collector,
                        "NUMETER_POLLER_HOST", HOST,
                        "NUMETER_POLLER_INTERVAL", "1s",
                        "NUMETER_POLLER_SOURCES", "system,exec",
                        "NUMETER_POLLER_EXEC_DIRS", plugins.toString()),
                "collector", Map.of("NUMETER_COLLECTOR_PORT", "" + port.get("collector"),
                        "NUMETER_COLLECTOR_INTERVAL", "1s"),
                "storage", Map.of("NUMETER_STORAGE_PORT", "" + port.get("storage"),
                        "NUMETER_STORAGE_COLLECTORS", collector,
                        "NUMETER_STORAGE_INTERVAL", "1s"),
                "web", Map.of("NUMETER_WEB_PORT", "" + port.get("web"),
                        "NUMETER_WEB_STORAGES", storage,
                        "NUMETER_WEB_ADMIN_PASSWORD", "package-it-admin-password"));

        Map<String, SystemdUnit> units = new LinkedHashMap<>();
        for (String role : ROLES) {
            SystemdUnit unit = SystemdUnit.read(unitFile(role));
            units.put(role, unit);
            NumeterProcess process = asService(role, unit, overrides.get(role), port.get(role));
            running.add(process);
            process.start();
        }
        running.forEach(NumeterProcess::awaitReady);

        // The shipped wiring carries the exec plugin, run as numeter, through collector and storage.
        URI api = URI.create(storage + "/api/v1/hosts/" + HOST + "/plugins");
        await("munin_" + PLUGIN + " of " + HOST + " at " + api).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && r.body().contains("munin_" + PLUGIN);
                });
        Path state = DATA.resolve("plugin-state").resolve("package-it-was-here");
        assertThat(state).as("the plugin's MUNIN_PLUGSTATE is under the data dir").exists();

        for (String role : ROLES) {
            NumeterProcess process = running.get(ROLES.indexOf(role));
            int code = process.stop();
            List<String> clean = new ArrayList<>(List.of("0"));
            clean.addAll(List.of(units.get(role).service("SuccessExitStatus").split("\\s+")));
            assertThat(clean).as(role + " stopped by SIGTERM exited with " + code + " (log " + process.log() + ")")
                    .contains(String.valueOf(code));
        }
        // Walked once they stopped: while the poller runs, its atomic writes' temporary files come and go under the
        // walk (a NoSuchFileException seen at load 17), and what they wrote at their stop counts too.
        try (Stream<Path> written = Files.walk(DATA)) {
            assertThat(written.filter(p -> !owner(p).equals("numeter:numeter")).toList())
                    .as("files in " + DATA + " not owned by numeter").isEmpty();
        }
        removeWhatTheServicesLeftInTmp();
    }

    @Test
    @Order(4)
    void theLauncherSaysWhatToInstallWhenThereIsNoJava21() throws Exception {
        // A machine without Java 21: the JVM directories hidden in a mount namespace of this command only.
        Run run = run("unshare", "--mount", "sh", "-c", """
                for d in /usr/lib/jvm /opt; do [ -d "$d" ] && mount -t tmpfs none "$d"; done
                exec setpriv --reuid=numeter --regid=numeter --init-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
                  HOME=/var/lib/numeter /usr/bin/numeter poller --config /etc/numeter/poller.conf""");
        assertThat(run.code()).as(run.out()).isEqualTo(1);
        assertThat(run.out()).contains("numeter: no Java 21 or newer found")
                .contains("temurin-21-jre").contains("/etc/default/numeter");
    }

    @Test
    @Order(5)
    void installingAgainKeepsTheUserTheDataAndAnEditedConfiguration() throws Exception {
        String uid = ok(run("id", "-u", "numeter")).out();
        Path conf = Path.of("/etc/numeter/poller.conf");
        Files.writeString(conf, "# edited by DebianPackageIT\n", StandardOpenOption.APPEND);

        ok(run("dpkg", "-i", deb.toString()));

        assertThat(ok(run("id", "-u", "numeter")).out()).isEqualTo(uid);
        assertThat(Files.readString(conf)).endsWith("# edited by DebianPackageIT\n");
        assertThat(DATA.resolve("plugin-state").resolve("package-it-was-here")).exists();
    }

    @Test
    @Order(6)
    void removeKeepsDataAndConfigurationsAndPurgeRemovesThem() throws Exception {
        // What an operator's 'systemctl enable numeter-poller' leaves (it works without a running systemd).
        ok(run("systemctl", "enable", "numeter-poller.service"));
        Path wanted = Path.of("/etc/systemd/system/multi-user.target.wants/numeter-poller.service");
        assertThat(Files.isSymbolicLink(wanted)).isTrue();

        ok(run("dpkg", "-r", "numeter"));
        assertThat(Path.of("/usr/bin/numeter")).doesNotExist();
        assertThat(unitFile("poller")).doesNotExist();
        assertThat(DATA.resolve("poller-spool")).isDirectory();
        assertThat(Path.of("/etc/numeter/poller.conf")).exists();
        assertThat(run("getent", "passwd", "numeter").code()).isZero();

        ok(run("dpkg", "--purge", "numeter"));
        assertThat(run("dpkg-query", "-W", "numeter").code()).as("dpkg knows no numeter").isNotZero();
        assertThat(DATA).doesNotExist();
        assertThat(Path.of("/etc/numeter")).doesNotExist();
        assertThat(Path.of("/etc/default/numeter")).doesNotExist();
        assertThat(Files.exists(wanted, LinkOption.NOFOLLOW_LINKS)).as(wanted.toString()).isFalse();
        assertThat(run("getent", "passwd", "numeter").code()).as("the numeter user").isNotZero();
        assertThat(run("getent", "group", "numeter").code()).as("the numeter group").isNotZero();
    }

    /**
     * The JVMs' files in /tmp (hsperfdata_numeter): a unit's PrivateTmp would have kept them from the machine's /tmp
     * and thrown them away at the stop. The user did not exist before this test, so what it owns there is ours.
     */
    private static void removeWhatTheServicesLeftInTmp() throws IOException, InterruptedException {
        if (run("getent", "passwd", "numeter").code() != 0) {
            return;
        }
        try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
            // Other builds' files come and go in /tmp meanwhile: one that is gone is not ours.
            for (Path p : tmp.filter(p -> {
                try {
                    return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals("numeter");
                } catch (IOException e) {
                    return false;
                }
            }).toList()) {
                deleteTree(p);
            }
        }
    }

    private static Path unitFile(String role) {
        return UNITS.resolve("numeter-" + role + ".service");
    }

    /**
     * A unit's ExecStart as systemd would run it, short of the sandbox: as its User and Group (setpriv execs, so the
     * pid is the JVM's and SIGTERM reaches it), in its WorkingDirectory, with its UMask, and with only its environment:
     * what systemd sets for a service, the unit's EnvironmentFile and Environment, then the test's overrides.
     */
    private static NumeterProcess asService(String role, SystemdUnit unit, Map<String, String> overrides, int port)
            throws IOException, InterruptedException {
        String user = unit.service("User");
        Map<String, String> env = serviceEnvironment(user);
        env.putAll(unit.environment());
        env.putAll(overrides);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask " + unit.service("UMask")
                + " && exec \"$@\"", "sh", "setpriv", "--reuid=" + user, "--regid=" + unit.service("Group"),
                "--init-groups", "--"));
        command.addAll(unit.execStart());
        return NumeterProcess.command(role, role, command, env, Path.of(unit.service("WorkingDirectory")), port,
                readyPath(role), LOGS);
    }

    private static Map<String, String> serviceEnvironment(String user) throws IOException, InterruptedException {
        String[] entry = ok(run("getent", "passwd", user)).out().strip().split(":");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", SERVICE_PATH);
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("HOME", entry[5]);
        env.put("SHELL", entry[6]);
        return env;
    }

    private static Run asNumeter(List<String> command, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=numeter", "--regid=numeter", "--init-groups",
                "--"));
        full.addAll(command);
        Map<String, String> env = serviceEnvironment("numeter");
        env.putAll(extraEnv);
        return run(full, env);
    }

    record Run(List<String> command, int code, String out) {}

    private static Run run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), null);
    }

    /** Runs a command to its end (bounded), its output and error together, logged under target/e2e. */
    private static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (env != null) {
            builder.environment().clear();
            builder.environment().putAll(env);
        }
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 2 minutes");
        }
        Run run = new Run(command, process.exitValue(), new String(out, StandardCharsets.UTF_8));
        Files.writeString(LOGS.resolve("commands.log"), "$ " + String.join(" ", command) + "\n" + run.out()
                + "(exit " + run.code() + ")\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return run;
    }

    private static Run ok(Run run) {
        assertThat(run.code()).as(String.join(" ", run.command()) + " exited with " + run.code() + ":\n" + run.out())
                .isZero();
        return run;
    }

    private static String owner(Path p) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.owner().getName() + ":" + a.group().getName();
        } catch (IOException e) {
            throw new AssertionError(p + ": " + e, e);
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
