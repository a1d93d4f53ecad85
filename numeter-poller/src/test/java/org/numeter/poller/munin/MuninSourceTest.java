package org.numeter.poller.munin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;

/** The munin source replaying conversations captured from a real munin-node, and broken ones. */
class MuninSourceTest {
    private static final long T = 1_700_000_100L;
    private final List<String> problems = new ArrayList<>();

    private List<SampleBatch> collect(MuninSource source) throws Exception {
        return source.collect(new Cycle("web1", T, (p, m) -> problems.add(p + ": " + m)));
    }

    @Test
    void readsEveryPluginOfARealNode() throws Exception {
        Transcript node = Transcript.load("node-transcript.txt");
        MuninSource source = new MuninSource("munin test", node, null,
                List.of("cpu", "load", "memory", "df", "if_eth0", "if_err_eth0", "diskstats", "swap", "uptime",
                        "processes", "open_files", "forks", "interrupts"), null, 1, "");

        List<SampleBatch> batches = collect(source);

        assertThat(problems).isEmpty();
        assertThat(batches).extracting(SampleBatch::plugin).containsExactly("cpu", "df",
                "diskstats_latency", "diskstats_utilization", "diskstats_throughput", "diskstats_iops",
                "diskstats_latency.vda", "diskstats_utilization.vda", "diskstats_throughput.vda",
                "diskstats_iops.vda", "forks", "if_err_eth0", "if_eth0", "interrupts", "load", "memory",
                "open_files", "processes", "swap", "uptime");
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.host()).isEqualTo("web1");
            assertThat(b.timestamp()).isEqualTo(T);
            assertThat(b.meta().fieldNames()).containsAll(b.values().keySet());
        });
        assertThat(batches.get(12).values()).containsExactly(Map.entry("down", 395835544.0),
                Map.entry("up", 549326.0));
        assertThat(batches.get(0).values()).containsExactly(Map.entry("system", 6666.0), Map.entry("user", 25814.0),
                Map.entry("nice", 0.0), Map.entry("idle", 242555.0), Map.entry("iowait", 598.0),
                Map.entry("irq", 0.0), Map.entry("softirq", 143.0), Map.entry("steal", 32.0),
                Map.entry("guest", 0.0));
        assertThat(node.asked).containsSubsequence("cap multigraph dirtyconfig", "list", "config cpu", "fetch cpu", "quit");
        assertThat(node.opened).hasValue(1);
    }

    @Test
    void asksConfigOnceThenOnlyFetches() throws Exception {
        Transcript node = Transcript.load("node-transcript.txt");
        MuninSource source = new MuninSource("munin test", node, "other.example.org", List.of("load"), null, 1,
                "");

        collect(source);
        List<SampleBatch> second = collect(source);

        assertThat(node.asked).containsExactly("cap multigraph dirtyconfig", "list", "config load", "fetch load", "quit",
                "cap multigraph dirtyconfig", "list", "fetch load", "quit");
        assertThat(second).singleElement().satisfies(b -> assertThat(b.host()).isEqualTo("other.example.org"));
    }

    @Test
    void reportsEachProblemWithItsPluginAndTheRestStillArrives() throws Exception {
        Transcript node = Transcript.load("node-malformed.txt");
        MuninSource source = new MuninSource("munin broken", node, null, List.of(), null, 1, "");

        List<SampleBatch> batches = collect(source);

        Map<String, Object> got = new LinkedHashMap<>();
        batches.forEach(b -> got.put(b.plugin() + "@" + b.timestamp(), b.values()));
        assertThat(got).containsExactly(
                Map.entry("if_eth0@" + T, Map.of("down", 395835544.0, "up", Double.NaN)),
                Map.entry("memory@" + T, Map.of("apps", 231792640.0, "free", Double.NaN)),
                Map.entry("timestamps@1700000000", Map.of("a", 5.0)),
                Map.entry("timestamps@1700000060", Map.of("a", 6.0)),
                Map.entry("timestamps@" + T, Map.of("b", Double.NaN)),
                Map.entry("df@" + T, Map.of("_dev_vda", 22.5328607014855)));
        assertThat(problems).containsExactly(
                "if_eth0: fetch: no value for field(s) [up], stored as unknown",
                "memory: fetch: line 'garbage line here' is not 'field.value number'",
                "memory: fetch: line 'free.value abc': value 'abc' is not a number",
                "memory: fetch: no value for field(s) [free], stored as unknown",
                "broken: the plugin exited with an error (munin-node answered '# Bad exit' to 'fetch broken'; its"
                        + " log has the status)",
                "lost: connection closed in the middle of the answer to 'fetch lost' after 1 line(s),"
                        + " the last 'x.value 1'");
        assertThat(node.opened).hasValue(2);
    }

    @Test
    void aPrefixKeepsANodesPluginsApartFromTheSystemSource() throws Exception {
        Transcript node = Transcript.load("node-transcript.txt");
        MuninSource source = new MuninSource("munin test", node, null, List.of("load", "diskstats"), null,
                1, "munin_");

        List<SampleBatch> batches = collect(source);

        assertThat(batches).extracting(SampleBatch::plugin).containsExactly("munin_diskstats_latency",
                "munin_diskstats_utilization", "munin_diskstats_throughput", "munin_diskstats_iops",
                "munin_diskstats_latency.vda", "munin_diskstats_utilization.vda", "munin_diskstats_throughput.vda",
                "munin_diskstats_iops.vda", "munin_load");
        SampleBatch load = batches.get(8);
        assertThat(load.meta().name()).isEqualTo("munin_load");
        assertThat(load.meta().title()).isEqualTo("Load average");
        assertThat(load.meta().fieldNames()).containsExactly("load");
        assertThat(load.values()).containsOnlyKeys("load");
    }

    @Test
    void aNodeThatIsNotMuninFailsTheCycle() {
        MuninSource source = new MuninSource("munin http", deadline -> new MuninConnection() {
            @Override
            public String readLine() {
                return "HTTP/1.1 400 Bad Request";
            }

            @Override
            public void writeLine(String line) {}

            @Override
            public void close() {}
        }, null, List.of(), null, 1, "");

        assertThatThrownBy(() -> collect(source))
                .hasMessage("munin http: 'HTTP/1.1 400 Bad Request' is not a munin-node banner");
    }

    @Test
    void providerBuildsFromSettings() {
        assertThat(new MuninSourceProvider().create(Map.of("address", "10.0.0.5:4950", "timeout", "5s")).name())
                .isEqualTo("munin 10.0.0.5:4950");
        assertThatThrownBy(() -> new MuninSourceProvider().create(Map.of("address", "node:abc")))
                .hasMessage("munin node 'node:abc': port 'abc' is not a number");
        assertThatThrownBy(() -> new MuninSourceProvider().create(Map.of("timeout", "soon")))
                .hasMessage("source munin: setting 'timeout' was 'soon' but must be a positive duration such as"
                        + " 10s, 500ms or 2m");
    }
}
