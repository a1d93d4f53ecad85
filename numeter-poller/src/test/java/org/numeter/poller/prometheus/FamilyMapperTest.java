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

    private SampleBatch map(String name, int maxFields) {
        List<ExpositionParser.Family> families =
                ExpositionParser.parse("test", ExpositionParserTest.recorded(), (p, m) -> problems.add(m));
        ExpositionParser.Family f = families.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return new FamilyMapper("", maxFields).map(f, "web1", 1_700_000_000L, (p, m) -> problems.add(p + ": " + m));
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
    void summariesKeepQuantilesSumAndCount() {
        SampleBatch gc = map("go_gc_duration_seconds", 500);

        assertThat(gc.values().keySet()).containsExactly("_0", "_0_25", "_0_5", "_0_75", "_1", "sum", "count");
        assertThat(gc.meta().field("_0_5").orElseThrow().type()).isEqualTo(FieldType.GAUGE);
        assertThat(gc.meta().field("count").orElseThrow().type()).isEqualTo(FieldType.DERIVE);
        assertThat(gc.meta().field("_0_5").orElseThrow().label()).isEqualTo("quantile=0.5");
    }

    @Test
    void tooManySeriesAreCutAndReported() {
        SampleBatch cpu = map("node_cpu_seconds_total", 10);

        assertThat(cpu.values()).hasSize(10);
        assertThat(problems).containsExactly("node_cpu_seconds_total: 16 series, only the first 10 are kept");
    }
}
