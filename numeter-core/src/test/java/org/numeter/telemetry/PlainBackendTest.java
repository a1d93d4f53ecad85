package org.numeter.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.numeter.component.CheckResult;

/**
 * A poller's telemetry, written without Micrometer ({@link Telemetry#withoutMicrometer()}), writes the same text as
 * Micrometer's registry ({@link Telemetry#create()}, the other roles') for the same figures; its JVM meters have
 * Micrometer's names.
 */
class PlainBackendTest {
    private static final String EXPECTED_JVM = "jvm_buffer_count_buffers jvm_buffer_memory_used_bytes"
            + " jvm_buffer_total_capacity_bytes jvm_classes_loaded_classes jvm_classes_loaded_count_classes_total"
            + " jvm_classes_unloaded_classes_total jvm_gc_live_data_size_bytes jvm_gc_max_data_size_bytes"
            + " jvm_gc_memory_allocated_bytes_total jvm_memory_committed_bytes jvm_memory_max_bytes"
            + " jvm_memory_used_bytes jvm_threads_daemon_threads jvm_threads_live_threads jvm_threads_peak_threads"
            + " jvm_threads_started_threads_total jvm_threads_states_threads process_cpu_time_ns_total"
            + " process_cpu_usage process_files_max_files process_files_open_files process_start_time_seconds"
            + " process_uptime_seconds system_cpu_count system_cpu_usage system_load_average_1m";

    private record Row(String name, long count) {}

    /**
     * The same figures bound into {@code t}: counters, gauges, families, requests. The scope is kept while they are
     * read, as a component keeps it (Micrometer holds a counter's function weakly).
     */
    private static Meters bind(Telemetry t, AtomicLong moved, List<Row> rows) {
        Meters m = t.meters();
        m.counter("numeter.test.moved", "Records moved", moved::get, "spool", "poller")
                .counter("numeter.test.moved", "Records moved", () -> 3, "spool", "collector \"b\"\\")
                .gauge("numeter.test.waiting", "Records waiting", () -> 2.5)
                .gauge("numeter.test.age.seconds", "Age\nof the oldest", () -> Double.NaN, "spool", "poller")
                .counters("numeter.test.rows", "Rows by name", List.of("name", "kind"), () -> rows,
                        r -> List.of(r.name(), "x"), Row::count)
                .gauges("numeter.test.levels", "Levels by name", List.of("name"), () -> rows,
                        r -> List.of(r.name()), r -> r.count() / 2.0)
                .check("test", () -> CheckResult.OK);
        for (long ms : new long[] {3, 7, 40, 120, 900, 12_000}) {
            t.timeRequest("pull link", "GET", "/metrics", 200, ms * 1_000_000L);
        }
        t.timeRequest("pull link", "POST", "/spool/v1/ack", 204, 1_234_567L);
        t.timeRequest("pull link", "GET", "unmatched", 404, 5_000_000L);
        return m;
    }

    private static String ours(String scrape) {
        return Arrays.stream(scrape.split("\n"))
                .filter(l -> l.contains("numeter_test_") || l.contains("numeter_http_server_requests")
                        || l.contains("numeter_build_info"))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void writesWhatMicrometerWritesForTheSameFigures() {
        AtomicLong moved = new AtomicLong(41);
        List<Row> rows = List.of(new Row("b", 2), new Row("a", 7), new Row("a b", 1));
        try (Telemetry micrometer = Telemetry.create(); Telemetry plain = Telemetry.withoutMicrometer()) {
            List<Meters> scopes = List.of(bind(micrometer, moved, rows), bind(plain, moved, rows));
            moved.incrementAndGet();
            String expected = ours(micrometer.scrape());
            assertThat(expected).contains("numeter_test_moved_total{spool=\"poller\"} 42.0",
                    "numeter_http_server_requests_seconds_bucket", "numeter_http_server_requests_seconds_max");
            assertThat(ours(plain.scrape())).isEqualTo(expected);
            assertThat(plain.readiness().ready()).isTrue();
            scopes.forEach(Meters::close);
            assertThat(ours(plain.scrape())).doesNotContain("numeter_test_").isEqualTo(ours(micrometer.scrape()));
        }
    }

    @Test
    void servesTheJvmMetersUnderMicrometersNames() {
        try (Telemetry plain = Telemetry.withoutMicrometer()) {
            String scrape = plain.scrape();
            List<String> families = Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith("# TYPE "))
                    .map(l -> l.split(" ")[2]).filter(n -> !n.startsWith("numeter_")).toList();
            List<String> expected = List.of(EXPECTED_JVM.split(" "));
            assertThat(families).containsAll(expected);
            assertThat(families).allMatch(f -> expected.contains(f) || f.equals("jvm_gc_pause_seconds"));
            assertThat(scrape).containsPattern("jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"} [0-9.E]+\n")
                    .containsPattern("jvm_threads_states_threads\\{state=\"timed-waiting\"} [0-9.]+\n")
                    .containsPattern("process_files_open_files [1-9][0-9.]*\n")
                    .containsPattern("process_cpu_time_ns_total [0-9.E]+\n");
        }
    }

    @Test
    void aSecondBindingOfANameAndTagsReplacesTheFirstAndOtherTagKeysAreRefused() {
        try (Telemetry plain = Telemetry.withoutMicrometer()) {
            Meters first = plain.meters().gauge("numeter.test.level", "Level", () -> 1, "host", "a");
            plain.meters().gauge("numeter.test.level", "Level", () -> 2, "host", "a");
            assertThat(plain.scrape()).contains("numeter_test_level{host=\"a\"} 2.0\n")
                    .doesNotContain("numeter_test_level{host=\"a\"} 1.0");
            first.close(); // the newer one stays
            assertThat(plain.scrape()).contains("numeter_test_level{host=\"a\"} 2.0\n");
            assertThatThrownBy(() -> plain.meters().gauge("numeter.test.level", "Level", () -> 3, "other", "b"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numeter_test_level");
        }
    }
}
