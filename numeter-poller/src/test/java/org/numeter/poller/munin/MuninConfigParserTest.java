package org.numeter.poller.munin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.munin.MuninConfigParser;

class MuninConfigParserTest {
    private final Transcript node = Transcript.load("node-transcript.txt");
    private final List<String> problems = new ArrayList<>();

    private Map<String, Plugin> parse(String plugin, List<String> lines) {
        return MuninConfigParser.parse(plugin, lines, (p, m) -> problems.add(p + ": " + m));
    }

    @Test
    void readsTheStockCpuPlugin() {
        Plugin cpu = parse("cpu", node.answer("config cpu")).get("cpu");

        assertThat(problems).isEmpty();
        assertThat(cpu.title()).isEqualTo("CPU usage");
        assertThat(cpu.category()).isEqualTo("system");
        assertThat(cpu.vlabel()).isEqualTo("%");
        assertThat(cpu.args()).isEqualTo("--base 1000 -r --lower-limit 0 --upper-limit 200");
        assertThat(cpu.order()).containsExactly("system", "user", "nice", "idle", "iowait", "irq", "softirq");
        assertThat(cpu.scale()).isFalse();
        assertThat(cpu.period()).isEqualTo("second");
        assertThat(cpu.info()).isEqualTo("This graph shows how CPU time is spent.");
        assertThat(cpu.fieldNames())
                .containsExactly("system", "user", "nice", "idle", "iowait", "irq", "softirq", "steal", "guest");
        assertThat(cpu.field("system").orElseThrow()).isEqualTo(Field.builder("system").label("system")
                .draw("AREA").min(0.0).type(FieldType.DERIVE)
                .info("CPU time spent by the kernel in system activities").build());
        assertThat(cpu.extra()).isEmpty();
    }

    @Test
    void readsNegativesAndHiddenFields() {
        Plugin eth0 = parse("if_eth0", node.answer("config if_eth0")).get("if_eth0");

        assertThat(eth0.field("down").orElseThrow().graph()).isFalse();
        assertThat(eth0.field("down").orElseThrow().cdef()).isEqualTo("down,8,*");
        assertThat(eth0.field("up").orElseThrow().negative()).isEqualTo("down");
        Plugin err = parse("if_err_eth0", node.answer("config if_err_eth0")).get("if_err_eth0");
        assertThat(err.field("trans").orElseThrow().type()).isEqualTo(FieldType.COUNTER);
        assertThat(err.field("trans").orElseThrow().warning()).isEqualTo("1");
    }

    @Test
    void splitsMultigraphPluginsIntoTheirGraphs() {
        Map<String, Plugin> graphs = parse("diskstats", node.answer("config diskstats"));

        assertThat(problems).isEmpty();
        assertThat(graphs.keySet()).containsExactly("diskstats_latency", "diskstats_utilization",
                "diskstats_throughput", "diskstats_iops", "diskstats_latency.vda", "diskstats_utilization.vda",
                "diskstats_throughput.vda", "diskstats_iops.vda");
        Plugin throughput = graphs.get("diskstats_throughput");
        assertThat(throughput.base()).isEqualTo(1024);
        assertThat(throughput.width()).isEqualTo(400);
        assertThat(throughput.field("vda_wrbytes").orElseThrow().negative()).isEqualTo("vda_rdbytes");
        assertThat(graphs.get("diskstats_latency.vda").logarithmic()).isTrue();
        assertThat(graphs.get("diskstats_latency.vda").field("avgrdwait").orElseThrow().warning()).isEqualTo("0:3");
    }

    @Test
    void passesUnknownKeysThroughAndReportsBadLines() {
        Map<String, Plugin> graphs = parse("weird", List.of(
                "graph_title Weird",
                "graph_foo bar baz",
                "update_rate 10",
                "host_name other.example.org",
                "a.label A",
                "a.extinfo something odd",
                "a.type SOMETIMES",
                "a.min U",
                "a.max lots",
                "a.colour #00ff00",
                "graph_width wide",
                "garbage",
                ".label nothing",
                "b-c.label cleaned",
                "# Bad exit"));

        Plugin weird = graphs.get("weird");
        assertThat(weird.extra()).isEqualTo(Map.of("graph_foo", "bar baz", "update_rate", "10",
                "host_name", "other.example.org"));
        Field a = weird.field("a").orElseThrow();
        assertThat(a.extra()).isEqualTo(Map.of("extinfo", "something odd"));
        assertThat(a.type()).isEqualTo(FieldType.GAUGE);
        assertThat(a.min()).isNull();
        assertThat(a.max()).isNull();
        assertThat(a.colour()).isEqualTo("00ff00");
        assertThat(weird.width()).isNull();
        assertThat(weird.fieldNames()).containsExactly("a", "b_c");
        assertThat(problems).containsExactly(
                "weird: config: line 'garbage' is not 'key value'",
                "weird: config: line '.label nothing' is not 'field.key value'",
                "weird: config: graph_width 'wide' is not a positive whole number",
                "weird: config: field a: type 'SOMETIMES' is not one of GAUGE, COUNTER, DERIVE, ABSOLUTE",
                "weird: config: field a: max 'lots' is not a number");
    }
}
