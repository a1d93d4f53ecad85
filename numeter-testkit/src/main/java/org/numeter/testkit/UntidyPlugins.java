package org.numeter.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The plugins of an untidy munin site, written into a plugin folder with their plugin configuration, for the munin
 * compatibility suites (through a real munin-node, through the exec source, through {@code numeter standalone}):
 * healthy ones, and the badly behaved kind every site has.
 *
 * <ul>
 *   <li>{@code healthy}: a gauge, {@code a} = 1.
 *   <li>{@code hang}: fetch starts a child that sleeps for ever and waits for it (its pid in
 *       {@code <state>/hang.pid}).
 *   <li>{@code slow}: fetch sleeps 4 s, longer than its {@code timeout 2} in plugin-conf.d.
 *   <li>{@code garbage}: {@code a.value 7} and 200 lines of garbage.
 *   <li>{@code failing}: exits with 3 and says so on stderr.
 *   <li>{@code stamped}: {@code a.value EPOCH:VALUE} with EPOCH 30 s ago and VALUE = EPOCH (not a
 *       remainder of it: a value that wraps makes a stored step that straddles the wrap an average of both ends).
 *   <li>{@code extinfo}: {@code graph_info}, {@code a.info}, {@code a.extinfo}, {@code a.notes} in its config and
 *       an extinfo with its value, as munin-node's plugins say them; {@code a} = 5.
 *   <li>{@code nested}: multigraph {@code nested}, {@code nested.child}, {@code nested.child.leaf}; x = 1, y = 2,
 *       z = 3.
 *   <li>{@code unknown}: {@code a.value U}, {@code b.value 3}.
 *   <li>{@code negative}: {@code down} (not drawn) and {@code up} with {@code up.negative down}; 10 and 20.
 *   <li>{@code counter}: a COUNTER growing by exactly {@link #RATE} per second: its value is the clock's epoch
 *       milliseconds when it prints ({@code date +%s%N}), so its value at a whole second {@code s} is
 *       {@code 1000 s}, however late the plugin is run or read.
 *   <li>{@code envcheck}: {@code a} = {@code $NUMBER}, which {@code [env*]} sets to 11 and {@code [envcheck]} to 12.
 * </ul>
 */
public final class UntidyPlugins {
    /** The counter plugin's rate per second. */
    public static final double RATE = 1000;
    /** How long before its read the stamped plugin's value was taken. */
    public static final long STAMPED_AGO = 30;
    /** The plugins that answer with values every cycle. */
    public static final List<String> ANSWERING = List.of("counter", "envcheck", "extinfo", "garbage", "healthy",
            "negative", "nested", "stamped", "unknown");
    /** The plugins that never answer with values. */
    public static final List<String> SILENT = List.of("failing", "hang", "slow");

    private UntidyPlugins() {}

    /** Writes the plugins into {@code plugins} and their configuration into {@code conf} ({@code plugin-conf.d}). */
    public static void write(Path plugins, Path conf) throws IOException {
        Files.createDirectories(plugins);
        Files.createDirectories(conf);
        plugin(plugins, "healthy", "echo 'graph_title Healthy'; echo 'a.label a'", "echo 'a.value 1'");
        plugin(plugins, "hang", "echo 'graph_title Hang'; echo 'a.label a'",
                "sleep 100000 & echo $! > \"$MUNIN_PLUGSTATE/hang.pid\"; wait");
        plugin(plugins, "slow", "echo 'graph_title Slow'; echo 'a.label a'", "sleep 4; echo 'a.value 1'");
        plugin(plugins, "garbage", "echo 'graph_title Garbage'; echo 'a.label a'",
                "echo 'a.value 7'; i=0; while [ $i -lt 200 ]; do echo \"garbage line $i\"; i=$((i+1)); done");
        plugin(plugins, "failing", "echo 'graph_title Failing'; echo 'a.label a'", "echo 'broken on purpose' >&2;"
                + " exit 3");
        plugin(plugins, "stamped", "echo 'graph_title Stamped'; echo 'a.label a'",
                "t=$(( $(date +%s) - " + STAMPED_AGO + " )); echo \"a.value $t:$t\"");
        plugin(plugins, "extinfo", """
                echo 'graph_title Extinfo'
                echo 'graph_info A plugin that says more than its values.'
                echo 'graph_category test'
                echo 'a.label a'
                echo 'a.info What a is.'
                echo 'a.notes Notes on a.'
                echo 'a.extinfo Said in the config.'""", "echo 'a.value 5'; echo 'a.extinfo Said with the value.'");
        plugin(plugins, "nested", """
                echo 'multigraph nested'
                echo 'graph_title Nested'
                echo 'x.label x'
                echo 'multigraph nested.child'
                echo 'graph_title Child'
                echo 'y.label y'
                echo 'multigraph nested.child.leaf'
                echo 'graph_title Leaf'
                echo 'z.label z'""", """
                echo 'multigraph nested'
                echo 'x.value 1'
                echo 'multigraph nested.child'
                echo 'y.value 2'
                echo 'multigraph nested.child.leaf'
                echo 'z.value 3'""");
        plugin(plugins, "unknown", "echo 'graph_title Unknown'; echo 'a.label a'; echo 'b.label b'",
                "echo 'a.value U'; echo 'b.value 3'");
        plugin(plugins, "negative", """
                echo 'graph_title Negative pair'
                echo 'graph_order down up'
                echo 'down.label bps'
                echo 'down.type GAUGE'
                echo 'down.graph no'
                echo 'up.label bps'
                echo 'up.type GAUGE'
                echo 'up.negative down'""", "echo 'down.value 10'; echo 'up.value 20'");
        plugin(plugins, "counter", "echo 'graph_title Counter'; echo 'a.label a'; echo 'a.type COUNTER'",
                "echo \"a.value $(( $(date +%s%N) / 1000000 ))\"");
        plugin(plugins, "envcheck", "echo 'graph_title Env'; echo 'a.label a'", "echo \"a.value $NUMBER\"");
        Files.writeString(conf.resolve("untidy"), """
                # as munin-node reads it
                [slow]
                timeout 2

                [env*]
                env.NUMBER 11

                [envcheck]
                env.NUMBER 12
                """);
    }

    private static void plugin(Path dir, String name, String config, String fetch) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\nif [ \"$1\" = config ]; then\n" + config + "\nexit 0\nfi\n" + fetch
                + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
