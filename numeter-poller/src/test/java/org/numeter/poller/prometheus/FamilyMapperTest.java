package org.numeter.poller.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.SampleBatch;

class FamilyMapperTest {
    private final List<String> problems = new ArrayList<>();

    private List<SampleBatch> mapAll(String name, int maxFields) {
        List<ExpositionParser.Family> families =
                ExpositionParser.parse("test", ExpositionParserTest.recorded(), (p, m) -> problems.add(m));
        ExpositionParser.Family f = families.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return new FamilyMapper("", maxFields).map(f, "web1", 1_700_000_000L, (p, m) -> problems.add(p + ": " + m));
    }

    private SampleBatch map(String name, int maxFields) {
        return mapAll(name, maxFields).get(0);
    }

    @Test
    void countersBecomeDeriveFieldsNamedByTheirLabels() {
        SampleBatch cpu = map("node_cpu_seconds_total", 500);

        assertThat(cpu.plugin()).isEqualTo("node_cpu_seconds_total");
        assertThat(cpu.meta().category()).isEqualTo("node");
        assertThat(cpu.meta().info()).isEqualTo("Seconds the CPUs spent in each mode.");
        assertThat(cpu.meta().extra()).isEqualTo(Map.of("prometheus_type", "counter"));
        assertThat(cpu.values()).hasSize(16).containsEntry("_0_idle", 1356.98).containsEntry("_1_user", 365.54);
        Field idle = cpu.meta().field("_0_idle").orElseThrow();
        assertThat(idle.label()).isEqualTo("cpu=0 mode=idle");
        assertThat(idle.type()).isEqualTo(FieldType.DERIVE);
        assertThat(idle.min()).isEqualTo(0.0);
        assertThat(problems).isEmpty();
    }

    @Test
    void gaugesAreGaugesAndAnUnlabelledSeriesIsValue() {
        SampleBatch load = map("node_load1", 500);

        assertThat(load.values()).containsExactly(Map.entry("value", 5.88));
        assertThat(load.meta().field("value").orElseThrow().type()).isEqualTo(FieldType.GAUGE);
    }

    @Test
    void summariesKeepQuantilesSumAndCountInPluginsOfOneUnitEach() {
        List<SampleBatch> gc = mapAll("go_gc_duration_seconds", 500);

        assertThat(gc).extracting(SampleBatch::plugin).containsExactly("go_gc_duration_seconds",
                "go_gc_duration_seconds_sum", "go_gc_duration_seconds_count");
        assertThat(gc.get(0).values().keySet()).containsExactly("_0", "_0_25", "_0_5", "_0_75", "_1");
        assertThat(gc.get(0).meta().field("_0_5").orElseThrow().type()).isEqualTo(FieldType.GAUGE);
        assertThat(gc.get(0).meta().field("_0_5").orElseThrow().label()).isEqualTo("quantile=0.5");
        assertThat(gc.get(1).values().keySet()).containsExactly("sum");
        assertThat(gc.get(2).values().keySet()).containsExactly("count");
        assertThat(gc.get(2).meta().field("count").orElseThrow().type()).isEqualTo(FieldType.DERIVE);
    }

    @Test
    void histogramsKeepBucketsWithCountAndTheSumApart() {
        List<SampleBatch> h = new FamilyMapper("", 500).map(family(List.of(
                "# TYPE http_seconds histogram",
                "http_seconds_bucket{le=\"0.1\"} 3",
                "http_seconds_bucket{le=\"+Inf\"} 5",
                "http_seconds_sum 1.5",
                "http_seconds_count 5")), "web1", 1_700_000_000L, (p, m) -> problems.add(m));

        assertThat(h).extracting(SampleBatch::plugin).containsExactly("http_seconds", "http_seconds_sum");
        assertThat(h.get(0).values()).hasSize(3).containsEntry("count", 5.0);
        assertThat(h.get(1).values()).containsExactly(Map.entry("sum", 1.5));
    }

    @Test
    void aSamplesOwnTimestampIsKept() {
        List<SampleBatch> b = new FamilyMapper("", 500).map(family(List.of(
                "# TYPE queue_depth gauge",
                "queue_depth{q=\"a\"} 3 1699999990500",
                "queue_depth{q=\"b\"} 4")), "web1", 1_700_000_000L, (p, m) -> problems.add(m));

        assertThat(b).extracting(SampleBatch::timestamp).containsExactly(1_699_999_990L, 1_700_000_000L);
        assertThat(b.get(0).values()).containsExactly(Map.entry("a", 3.0));
        assertThat(b.get(1).values()).containsExactly(Map.entry("b", 4.0));
    }

    @Test
    void tooManySeriesAreCutAndReportedOnce() {
        SampleBatch cpu = map("node_cpu_seconds_total", 10);

        assertThat(cpu.values()).hasSize(10);
        assertThat(problems).containsExactly("node_cpu_seconds_total: more than 10 series (6 more in this scrape):"
                + " the first 10 seen are kept, the others refused and counted (told once)");
    }

    @Test
    void aFamilyWhoseLabelsKeepChangingGetsNoMoreFieldsThanItsBound() {
        FamilyMapper mapper = new FamilyMapper("", 3);
        for (int scrape = 0; scrape < 5; scrape++) {
            List<SampleBatch> b = mapper.map(family(List.of("# TYPE requests counter",
                    "requests_total{id=\"" + scrape + "\"} 1", "requests_total{id=\"x" + scrape + "\"} 1")),
                    "web1", 1_700_000_000L + scrape, (p, m) -> problems.add(m));
            assertThat(b.isEmpty() ? 0 : b.get(0).values().size()).isLessThanOrEqualTo(2);
        }
        assertThat(mapper.refused()).containsEntry("requests", 7L);
        assertThat(problems).hasSize(1);
    }

    private ExpositionParser.Family family(List<String> lines) {
        return ExpositionParser.parse("test", lines, (p, m) -> problems.add(m)).get(0);
    }
}
