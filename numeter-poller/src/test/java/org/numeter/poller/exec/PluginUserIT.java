package org.numeter.poller.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;

/**
 * plugin-conf.d's {@code user} and {@code group} for the exec source: the plugin really runs as that user (through
 * setpriv), and a user or group the host does not know fails that plugin with its name, the others still run.
 * Only root can change user: elsewhere the test is skipped, with the reason, but never in CI, which runs as root.
 */
class PluginUserIT {
    private static final long T = 1_700_000_100L;

    @TempDir
    Path dir;

    @TempDir
    Path state;

    @TempDir
    Path conf;

    private final List<String> problems = new ArrayList<>();

    @BeforeEach
    void asRoot() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI runs as root, this test runs as " + System.getProperty("user.name"));
        }
        assumeTrue(root, "only root can run a plugin as another user; this test runs as "
                + System.getProperty("user.name"));
        // @TempDir folders are the test user's alone: the plugins' user must reach and run them
        for (Path p : List.of(dir, state)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A plugin whose values are the uid and gid it ran with. */
    private void idPlugin(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, """
                #!/bin/sh
                if [ "$1" = config ]; then
                  echo 'graph_title Who runs me'
                  echo 'uid.label uid'
                  echo 'gid.label gid'
                  exit 0
                fi
                echo "uid.value $(id -u)"
                echo "gid.value $(id -g)"
                """);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Map<String, Map<String, Double>> collect(String pluginConf) throws Exception {
        Files.writeString(conf.resolve("numeter-test"), pluginConf);
        ExecSource source = new ExecSource(dir, List.of(), Duration.ofSeconds(10), 4, state, conf, null, Map.of(),
                "");
        List<SampleBatch> batches = source.collect(new Cycle("web1", T, (p, m) -> problems.add(p + ": " + m)));
        Map<String, Map<String, Double>> out = new java.util.TreeMap<>();
        batches.forEach(b -> out.put(b.plugin(), b.values()));
        return out;
    }

    /** The passwd entry's field (2: uid, 3: primary gid), from the system, as munin-node would find it. */
    private static double passwd(String user, int field) throws Exception {
        Process p = new ProcessBuilder("getent", "passwd", user).start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "getent passwd " + user);
        return Double.parseDouble(line.split(":")[field]);
    }

    @Test
    void runsThePluginAsTheConfiguredUserWithItsPrimaryGroup() throws Exception {
        idPlugin("as_nobody");
        idPlugin("as_poller");
        // an optional group the host does not have is left out, as munin-node does
        Map<String, Map<String, Double>> values = collect("""
                [as_nobody]
                user nobody
                group (numeter-no-such-group)
                """);

        assertThat(problems).isEmpty();
        // Debian's nobody is in nogroup: its primary group comes from its passwd entry, not from its name
        assertThat(values).containsEntry("as_nobody", Map.of("uid", passwd("nobody", 2), "gid", passwd("nobody", 3)))
                .containsEntry("as_poller", Map.of("uid", 0.0, "gid", 0.0));
    }

    @Test
    void anUnknownUserOrGroupFailsOnlyItsPluginAndNamesIt() throws Exception {
        idPlugin("ghost");
        idPlugin("ghost_group");
        idPlugin("fine");
        Map<String, Map<String, Double>> values = collect("""
                [ghost]
                user numeter-no-such-user
                [ghost_group]
                user nobody
                group numeter-no-such-group
                """);

        assertThat(values).containsOnlyKeys("fine");
        assertThat(problems).containsExactlyInAnyOrder(
                "ghost: its configuration (plugin-conf.d) asks for user 'numeter-no-such-user', which does not"
                        + " exist on this host (getent passwd numeter-no-such-user found nothing)",
                "ghost_group: its configuration (plugin-conf.d) asks for group 'numeter-no-such-group', which does"
                        + " not exist on this host (getent group numeter-no-such-group found nothing;"
                        + " '(numeter-no-such-group)' would make it optional)");
    }
}
