package org.numeter.poller.munin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.FieldType;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.testkit.MuninNode;

/** The munin source against a real munin-node serving munin's stock plugins (and only them). */
class MuninNodeIT {
    private static final List<String> STOCK = List.of("cpu", "load", "memory", "uptime", "forks", "interrupts",
            "processes", "open_files", "swap");

    @TempDir
    Path dir;

    private MuninNode node;
    private final List<String> problems = new ArrayList<>();

    @BeforeEach
    void startNode() throws Exception {
        node = new MuninNode(dir).stock(STOCK.toArray(String[]::new)).start();
    }

    @AfterEach
    void stopNode() throws Exception {
        node.close();
    }

    private List<SampleBatch> collect(MuninSource source) throws Exception {
        return source.collect(new Cycle("web1", 1_700_000_000L, (p, m) -> problems.add(p + ": " + m)));
    }

    @Test
    void collectsTheStockPlugins() throws Exception {
        MuninSource source = new MuninSource(node.address(), null, STOCK, Duration.ofSeconds(10), 4, "");

        List<SampleBatch> batches = collect(source);

        assertThat(problems).isEmpty();
        assertThat(batches).extracting(SampleBatch::plugin).containsExactlyInAnyOrderElementsOf(STOCK);
        SampleBatch cpu = batches.stream().filter(b -> b.plugin().equals("cpu")).findFirst().orElseThrow();
        assertThat(cpu.meta().title()).isEqualTo("CPU usage");
        assertThat(cpu.meta().category()).isEqualTo("system");
        assertThat(cpu.meta().field("user").orElseThrow().type()).isEqualTo(FieldType.DERIVE);
        assertThat(cpu.values()).containsKeys("user", "nice", "system", "idle");
        assertThat(cpu.values().get("idle")).isPositive();
        SampleBatch memory = batches.stream().filter(b -> b.plugin().equals("memory")).findFirst().orElseThrow();
        assertThat(memory.meta().base()).isEqualTo(1024);
        assertThat(memory.values().get("apps")).isPositive();
    }

    @Test
    void collectsEverythingTheNodeLists() throws Exception {
        MuninSource source = new MuninSource(node.address(), null, List.of(), Duration.ofSeconds(10), 4, "");

        List<SampleBatch> batches = collect(source);

        assertThat(batches).extracting(SampleBatch::plugin).containsExactlyInAnyOrderElementsOf(STOCK);
        assertThat(batches).allSatisfy(b -> assertThat(b.meta()).isNotNull());
    }

    @Test
    void reconnectsAfterTheNodeRestarts() throws Exception {
        MuninSource source = new MuninSource(node.address(), null, List.of("load"), Duration.ofSeconds(5), 4, "");
        assertThat(collect(source)).extracting(SampleBatch::plugin).containsExactly("load");

        node.stop();
        assertThatThrownBy(() -> collect(source)).hasMessageContaining("munin-node " + node.address());

        node.start();
        assertThat(collect(source)).extracting(SampleBatch::plugin).containsExactly("load");
        assertThat(problems).isEmpty();
    }
}
