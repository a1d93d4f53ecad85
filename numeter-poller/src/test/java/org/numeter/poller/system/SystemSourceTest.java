package org.numeter.poller.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;

/** The system source over /proc files captured from a 2-core virtual machine (src/test/resources/proc). */
class SystemSourceTest {
    private static final long T = 1_795_672_500L;

    static ProcFiles captured() {
        try {
            return ProcFiles.under(Path.of(SystemSourceTest.class.getResource("/proc/stat").toURI()).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<String> problems = new ArrayList<>();

    private List<SampleBatch> collect(ProcFiles proc) {
        SystemSource source = new SystemSource(proc, mount -> {
            if (!mount.equals("/")) {
                throw new IOException("unexpected mount " + mount);
            }
            return 42.5;
        });
        return source.collect(new Cycle("web1", T, (plugin, message) -> problems.add(plugin + ": " + message)));
    }

    private static Map<String, Double> values(Object... pairs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return out;
    }

    private static Map<String, Map<String, Double>> byPlugin(List<SampleBatch> batches) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        batches.forEach(b -> out.put(b.plugin(), b.values()));
        return out;
    }

    @Test
    void readsEveryPluginFromCapturedProcFiles() {
        List<SampleBatch> batches = collect(captured());

        assertThat(problems).isEmpty();
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.host()).isEqualTo("web1");
            assertThat(b.timestamp()).isEqualTo(T);
            assertThat(b.meta()).isNotNull();
            assertThat(b.meta().fieldNames()).containsExactlyElementsOf(b.values().keySet());
        });
        Map<String, Map<String, Double>> expected = new LinkedHashMap<>();
        expected.put("cpu", values("system", 3838, "user", 11071, "nice", 0, "idle", 183904, "iowait", 372,
                "irq", 0, "softirq", 89, "steal", 24));
        expected.put("forks", values("forks", 9890));
        expected.put("interrupts", values("intr", 407132, "ctx", 1084977));
        expected.put("processes", values("processes", 145, "running", 1, "blocked", 1));
        expected.put("load", values("load", 0.18));
        long kb = 1024;
        expected.put("memory", values(
                "apps", (24684084L - 24063856 - 2516 - 270152 - 117000 - 4192) * kb,
                "page_tables", 4192 * kb, "swap_cache", 0, "slab", 117000 * kb, "cached", 270152 * kb,
                "buffers", 2516 * kb, "free", 24063856L * kb, "swap", 0,
                "committed", 998520 * kb, "mapped", 119864 * kb, "active", 137748 * kb, "inactive", 284220 * kb));
        expected.put("swap", values("swap_in", 0, "swap_out", 0));
        expected.put("df", values("_dev_vda", 42.5));
        expected.put("diskstats_iops", values("vda_rdio", 42827, "vda_wrio", 26325));
        expected.put("diskstats_throughput", values("vda_rdbytes", 2758914L * 512, "vda_wrbytes", 1973920L * 512));
        expected.put("diskstats_utilization", values("vda_util", 6368));
        for (String iface : List.of("ifb0", "ifb1")) {
            expected.put("if_" + iface, values("down", 0, "up", 0));
            expected.put("if_err_" + iface, values("rcvd", 0, "trans", 0, "rxdrop", 0, "txdrop", 0, "collisions", 0));
            expected.put("if_packets_" + iface, values("down", 0, "up", 0));
        }
        expected.put("if_eth0", values("down", 269501397, "up", 455832));
        expected.put("if_err_eth0", values("rcvd", 0, "trans", 0, "rxdrop", 0, "txdrop", 0, "collisions", 0));
        expected.put("if_packets_eth0", values("down", 6088, "up", 4350));
        expected.put("uptime", values("uptime", 1000.52 / 86400));
        expected.put("open_files", values("used", 817, "max", 2466170));
        assertThat(byPlugin(batches)).containsExactlyEntriesOf(expected);
    }

    @Test
    void describesPluginsAsMuninDoes() {
        Map<String, Plugin> meta = new LinkedHashMap<>();
        collect(captured()).forEach(b -> meta.put(b.plugin(), b.meta()));

        Plugin cpu = meta.get("cpu");
        assertThat(cpu.title()).isEqualTo("CPU usage");
        assertThat(cpu.category()).isEqualTo("system");
        assertThat(cpu.vlabel()).isEqualTo("%");
        assertThat(cpu.upperLimit()).hasValue(200);
        assertThat(cpu.scale()).isFalse();
        assertThat(cpu.fields()).extracting(Field::type).containsOnly(FieldType.DERIVE);
        assertThat(cpu.fields()).extracting(Field::draw)
                .containsExactly("AREA", "STACK", "STACK", "STACK", "STACK", "STACK", "STACK", "STACK");

        Plugin memory = meta.get("memory");
        assertThat(memory.base()).isEqualTo(1024);
        assertThat(memory.upperLimit()).hasValue(24684084.0 * 1024);
        assertThat(memory.order()).containsExactly("apps", "page_tables", "swap_cache", "slab", "cached", "buffers",
                "free", "swap");
        assertThat(memory.field("apps").orElseThrow().draw()).isEqualTo("AREA");
        assertThat(memory.field("swap").orElseThrow().draw()).isEqualTo("STACK");
        assertThat(memory.field("committed").orElseThrow().draw()).isEqualTo("LINE2");

        Plugin eth0 = meta.get("if_eth0");
        assertThat(eth0.category()).isEqualTo("network");
        assertThat(eth0.field("down").orElseThrow().graph()).isFalse();
        assertThat(eth0.field("up").orElseThrow().negative()).isEqualTo("down");
        assertThat(eth0.field("up").orElseThrow().cdef()).isEqualTo("up,8,*");
        assertThat(eth0.field("up").orElseThrow().type()).isEqualTo(FieldType.DERIVE);

        Plugin df = meta.get("df");
        assertThat(df.field("_dev_vda").orElseThrow().label()).isEqualTo("/");
        assertThat(df.field("_dev_vda").orElseThrow().warning()).isEqualTo("92");
        assertThat(df.category()).isEqualTo("disk");

        assertThat(meta.get("diskstats_throughput").base()).isEqualTo(1024);
        assertThat(meta.get("diskstats_utilization").field("vda_util").orElseThrow().cdef()).isEqualTo("vda_util,10,/");
        assertThat(meta.get("open_files").field("used").orElseThrow().warning()).isEqualTo("2268876");
        assertThat(meta.get("open_files").field("used").orElseThrow().critical()).isEqualTo("2416846");
        assertThat(meta.get("swap").field("swap_out").orElseThrow().negative()).isEqualTo("swap_in");
    }

    @Test
    void aFileThatCannotBeReadSkipsOnlyItsPluginsAndIsReported() {
        ProcFiles real = captured();
        List<SampleBatch> batches = collect(path -> {
            if (path.equals("meminfo")) {
                throw new IOException("meminfo: permission denied");
            }
            return real.lines(path);
        });

        assertThat(batches).extracting(SampleBatch::plugin).hasSize(21).doesNotContain("memory");
        assertThat(problems).containsExactly("memory: skipped this cycle: meminfo: permission denied");
    }

    @Test
    void garbageInAFileNamesTheFileAndTheLine() {
        ProcFiles real = captured();
        List<SampleBatch> batches = collect(path -> path.equals("loadavg") ? List.of("0.12 zero 0.11 1/145 9891")
                : real.lines(path));

        assertThat(batches).extracting(SampleBatch::plugin).doesNotContain("load").hasSize(21);
        assertThat(problems).containsExactly(
                "load: skipped this cycle: loadavg: 'zero' is not a number in line '0.12 zero 0.11 1/145 9891'");
    }

    @Test
    void aMountThatCannotBeMeasuredIsReportedAndTheOthersArrive() {
        ProcFiles real = captured();
        List<SampleBatch> batches = collect(path -> {
            if (path.equals("mounts")) {
                List<String> lines = new ArrayList<>(real.lines(path));
                lines.add("/dev/sdb1 /srv\\040data ext4 rw 0 0");
                return lines;
            }
            return real.lines(path);
        });

        assertThat(byPlugin(batches).get("df")).containsExactly(Map.entry("_dev_vda", 42.5));
        assertThat(problems).containsExactly("df: mount /srv data (/dev/sdb1): unexpected mount /srv data");
    }

    @Test
    void realProcGivesEveryPlugin() {
        List<SampleBatch> batches = new SystemSource().collect(new Cycle("web1", T,
                (plugin, message) -> problems.add(plugin + ": " + message)));

        assertThat(problems).isEmpty();
        assertThat(batches).extracting(SampleBatch::plugin).contains("cpu", "load", "memory", "swap",
                "processes", "forks", "interrupts", "uptime", "open_files");
    }
}
