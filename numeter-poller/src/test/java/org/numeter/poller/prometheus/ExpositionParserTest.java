package org.numeter.poller.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.poller.prometheus.ExpositionParser.Family;
import org.numeter.poller.prometheus.ExpositionParser.Sample;

class ExpositionParserTest {
    private final List<String> problems = new ArrayList<>();

    static List<String> recorded() {
        try (InputStream in = ExpositionParserTest.class.getResourceAsStream("/prometheus/node_exporter.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Family> parse(List<String> lines) {
        return ExpositionParser.parse("test", lines, (p, m) -> problems.add(p + ": " + m));
    }

    private static Family family(List<Family> families, String name) {
        return families.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void readsNodeExportersOutput() {
        List<Family> families = parse(recorded());

        assertThat(problems).isEmpty();
        assertThat(families).hasSize(283);
        Family cpu = family(families, "node_cpu_seconds_total");
        assertThat(cpu.type()).isEqualTo("counter");
        assertThat(cpu.help()).isEqualTo("Seconds the CPUs spent in each mode.");
        assertThat(cpu.samples()).hasSize(16);
        assertThat(cpu.samples().get(0))
                .isEqualTo(new Sample("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "idle"), 1356.98));
        assertThat(family(families, "node_load1").samples())
                .containsExactly(new Sample("node_load1", Map.of(), 5.88));
        Family gc = family(families, "go_gc_duration_seconds");
        assertThat(gc.type()).isEqualTo("summary");
        assertThat(gc.samples()).extracting(Sample::name).containsExactly("go_gc_duration_seconds",
                "go_gc_duration_seconds", "go_gc_duration_seconds", "go_gc_duration_seconds",
                "go_gc_duration_seconds", "go_gc_duration_seconds_sum", "go_gc_duration_seconds_count");
    }

    @Test
    void readsEscapesHistogramsSpecialValuesAndTimestamps() {
        List<Family> families = parse(List.of(
                "# HELP http_request_duration_seconds Latency \\\\ of requests\\nin seconds.",
                "# TYPE http_request_duration_seconds histogram",
                "http_request_duration_seconds_bucket{le=\"0.1\"} 5",
                "http_request_duration_seconds_bucket{le=\"+Inf\"} 7",
                "http_request_duration_seconds_sum 1.5",
                "http_request_duration_seconds_count 7",
                "# a comment",
                "msg{text=\"say \\\"hi\\\", then \\\\ go\",} NaN 1700000000000",
                "temperature -Inf"));

        assertThat(problems).isEmpty();
        Family h = family(families, "http_request_duration_seconds");
        assertThat(h.help()).isEqualTo("Latency \\ of requests\nin seconds.");
        assertThat(h.samples()).hasSize(4);
        assertThat(h.samples().get(1).labels()).isEqualTo(Map.of("le", "+Inf"));
        Family msg = family(families, "msg");
        assertThat(msg.type()).isEqualTo("untyped");
        assertThat(msg.samples().get(0).labels()).isEqualTo(Map.of("text", "say \"hi\", then \\ go"));
        assertThat(msg.samples().get(0).value()).isNaN();
        assertThat(family(families, "temperature").samples().get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void reportsBadLinesAndKeepsTheRest() {
        List<Family> families = parse(List.of(
                "good 1",
                "{job=\"x\"} 2",
                "bad{job=x} 3",
                "open{job=\"x} 4",
                "novalue",
                "word twelve",
                "also_good{a=\"b\"} 5"));

        assertThat(families).extracting(Family::name).containsExactly("good", "also_good");
        assertThat(problems).containsExactly(
                "test: line '{job=\"x\"} 2': no metric name",
                "test: line 'bad{job=x} 3': labels are not name=\"value\" at column 5",
                "test: line 'open{job=\"x} 4': label job has no closing quote",
                "test: line 'novalue': no value",
                "test: line 'word twelve': value 'twelve' is not a number");
    }
}
