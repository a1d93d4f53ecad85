package org.numeter.poller.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.testkit.MuninNode;

/** The exec source running real plugin executables: shell scripts written by the test, and munin's stock ones. */
class ExecSourceIT {
    private static final long T = 1_700_000_100L;

    @TempDir
    Path dir;

    @TempDir
    Path state;

    private final List<String> problems = new ArrayList<>();

    private void plugin(String name, String config, String fetch) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\nif [ \"$1\" = config ]; then\n" + config + "\nexit 0\nfi\n" + fetch + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<SampleBatch> collect(ExecSource source) throws Exception {
        return source.collect(new Cycle("web1", T, (p, m) -> problems.add(p + ": " + m)));
    }

    private static Map<String, Map<String, Double>> byPlugin(List<SampleBatch> batches) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        batches.forEach(b -> out.put(b.plugin() + "@" + b.timestamp(), b.values()));
        return out;
    }

    @Test
    void runsPluginsWithMuninsEnvironmentAndReportsTheBadOnes() throws Exception {
        plugin("good", """
                echo 'graph_title Good'
                echo 'graph_category test'
                echo 'a.label A'
                echo 'a.type DERIVE'
                echo 'b.label multigraph capable'""", """
                echo 'a.value 10'
                echo "b.value $MUNIN_CAP_MULTIGRAPH"
                touch "$MUNIN_PLUGSTATE/good-was-here"
                """);
        plugin("multi", """
                echo 'multigraph multi'
                echo 'graph_title Parent'
                echo 'x.label x'
                echo 'multigraph multi.child'
                echo 'graph_title Child'
                echo 'y.label y'""", """
                echo 'multigraph multi'
                echo 'x.value 1700000000:3'
                echo 'multigraph multi.child'
                echo 'y.value U'""");
        plugin("failing", "echo 'graph_title Failing'; echo 'z.label z'", "echo boom >&2; exit 2");
        plugin("hanging", "echo 'graph_title Hanging'; echo 'z.label z'", "sleep 30; echo 'z.value 1'");
        plugin("garbage", "echo 'graph_title Garbage'; echo 'z.label z'", "echo 'z.value 7'; echo 'what'");
        plugin("good.bak", "echo 'graph_title Backup'; echo 'z.label z'", "echo 'z.value 1'");
        Files.writeString(dir.resolve("README"), "not a plugin");

        ExecSource source = new ExecSource(dir, List.of(), Duration.ofSeconds(1), 4, state, null, null, Map.of(), "");
        List<SampleBatch> batches = collect(source);

        assertThat(byPlugin(batches)).containsExactly(
                Map.entry("garbage@" + T, Map.of("z", 7.0)),
                Map.entry("good@" + T, Map.of("a", 10.0, "b", 1.0)),
                Map.entry("multi@1700000000", Map.of("x", 3.0)),
                Map.entry("multi.child@" + T, Map.of("y", Double.NaN)));
        // plugins run side by side: their problems come in any order
        assertThat(problems).containsExactlyInAnyOrder(
                "failing: 'failing' exited with 2: boom",
                "garbage: fetch: line 'what' is not 'field.value number'",
                "hanging: 'hanging' did not finish within 1000 ms and was killed with every process it started");
        assertThat(state.resolve("good-was-here")).exists();
        SampleBatch good = batches.get(1);
        assertThat(good.meta().title()).isEqualTo("Good");
        assertThat(good.meta().category()).isEqualTo("test");
        assertThat(good.meta().field("a").orElseThrow().type().name()).isEqualTo("DERIVE");
        assertThat(good.host()).isEqualTo("web1");
    }

    @Test
    void runsMuninsStockPlugins() throws Exception {
        MuninNode.ensureInstalled();
        ExecSource source = new ExecSource(Path.of("/usr/share/munin/plugins"),
                List.of("cpu", "load", "memory", "uptime", "processes"), Duration.ofSeconds(10), 4, state, null,
                null, Map.of(), "");

        List<SampleBatch> batches = collect(source);

        assertThat(problems).isEmpty();
        assertThat(batches).extracting(SampleBatch::plugin)
                .containsExactly("cpu", "load", "memory", "processes", "uptime");
        assertThat(batches.get(0).meta().title()).isEqualTo("CPU usage");
        assertThat(batches.get(2).meta().base()).isEqualTo(1024);
    }
}
