package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poller, a collector, a storage and a web, each a {@code numeter} process, scraped every second by the real
 * Prometheus server: every series docs/api.md promises exists, the ones that count work move, and each role's
 * {@code GET /ready} turns 503 when what it depends on stops and 200 when it comes back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path data;

    static Chain chain;
    static NumeterProcess web;
    static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        Path logs = Paths.get("target", "e2e", "prometheus");
        chain = Chain.create(data, logs).start();
        web = chain.web(data, "prometheus-it-password").start();
        web.awaitReady();
        Map<String, String> jobs = new LinkedHashMap<>();
        jobs.put("poller", "127.0.0.1:" + chain.poller().port());
        jobs.put("collector", "127.0.0.1:" + chain.collector().port());
        jobs.put("storage", "127.0.0.1:" + chain.storage().port());
        jobs.put("web", "127.0.0.1:" + web.port());
        prometheus = PrometheusServer.start(data.resolve("prometheus"), jobs, logs);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (web != null) {
            web.close();
        }
        if (chain != null) {
            chain.close();
        }
    }

    /** Series every role serves: the JVM's standard meters. */
    private static final List<String> JVM = List.of("jvm_memory_used_bytes", "jvm_memory_max_bytes",
            "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads", "jvm_threads_states_threads",
            "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
            "process_start_time_seconds", "process_files_open_files", "process_files_max_files",
            "numeter_build_info");

    /** Series of Numeter's own, by job, as docs/api.md lists them. */
    private static final Map<String, List<String>> OWN = Map.of(
            "poller", List.of("numeter_spool_records{spool=\"poller\"}", "numeter_spool_bytes{spool=\"poller\"}",
                    "numeter_spool_oldest_age_seconds{spool=\"poller\"}", "numeter_spool_dropped_total",
                    "numeter_spool_corrupt_total", "numeter_poller_cycles_total{source=\"counter\"}",
                    "numeter_poller_batches_total", "numeter_poller_collection_seconds",
                    "numeter_poller_source_up{source=\"counter\"}",
                    "numeter_poller_source_failures_total{source=\"counter\",reason=\"timeout\"}",
                    "numeter_http_server_requests_seconds_bucket{route=\"/spool/v1/records\",le=\"0.1\"}",
                    "numeter_http_server_errors_total{server=\"pull link\"}"),
            "collector", List.of("numeter_spool_records{spool=\"collector\"}",
                    "numeter_spool_oldest_age_seconds{spool=\"collector\"}",
                    "numeter_drain_lag_seconds{role=\"collector\",upstream=\"" + Chain.HOST + "\"}",
                    "numeter_drain_up{role=\"collector\"}", "numeter_drain_errors_total{role=\"collector\"}",
                    "numeter_collector_pollers", "numeter_collector_pollers_failing",
                    "numeter_collector_pollers_silent", "numeter_collector_registered",
                    "numeter_collector_registrations_refused_total",
                    "numeter_collector_poller_silent{poller=\"" + Chain.HOST + "\"}",
                    "numeter_collector_rejected_total{reason=\"foreign_host\"}",
                    "numeter_collector_rejected_total{reason=\"future\"}",
                    "numeter_collector_poller_dropped{poller=\"" + Chain.HOST + "\"}"),
            "storage", List.of("numeter_ingest_records_total", "numeter_ingest_duplicates_total",
                    "numeter_ingest_late_total", "numeter_ingest_future_total", "numeter_storage_quarantined_files",
                    "numeter_ingest_apart_total", "numeter_storage_heartbeats_raised_total",
                    "numeter_storage_write_failures_total",
                    "numeter_ingest_rejected_total", "numeter_ingest_malformed_total",
                    "numeter_drain_lag_seconds{role=\"storage\"}", "numeter_drain_up{role=\"storage\"}",
                    "numeter_storage_open_files", "numeter_storage_layout_warnings", "numeter_storage_stale_hosts",
                    "numeter_alert_problems", "numeter_alert_changes_total",
                    "numeter_storage_last_drain_timestamp_seconds"),
            "web", List.of("numeter_web_storage_up", "numeter_web_storage_hosts", "numeter_web_logins_total",
                    "numeter_web_stale_hosts", "numeter_web_merged_hosts", "numeter_notices_sent_total",
                    "numeter_notices_unreachable_contacts",
                    "numeter_http_server_requests_seconds_max{server=\"web\"}"));

    /** Counters that must move while the chain runs, by job. */
    private static final Map<String, List<String>> MOVING = Map.of(
            "poller", List.of("numeter_spool_appended_total{spool=\"poller\"}",
                    "numeter_poller_samples_total{source=\"counter\"}", "process_uptime_seconds"),
            "collector", List.of("numeter_drain_records_total{role=\"collector\",upstream=\"" + Chain.HOST + "\"}",
                    "numeter_drain_pages_total{role=\"collector\"}", "numeter_spool_appended_total{spool=\"collector\"}",
                    "numeter_http_server_requests_seconds_count{route=\"/spool/v1/records\"}"),
            "storage", List.of("numeter_ingest_points_total", "numeter_ingest_batches_total",
                    "numeter_drain_records_total{role=\"storage\"}", "numeter_storage_drain_rounds_total"),
            "web", List.of("numeter_http_server_requests_seconds_count{server=\"web\",route=\"/metrics\"}",
                    "numeter_http_server_requests_seconds_sum{server=\"web\",route=\"/metrics\"}"));

    private static String inJob(String selector, String job) {
        String label = "job=\"" + job + "\"";
        int brace = selector.indexOf('{');
        return brace < 0 ? selector + "{" + label + "}" : selector.substring(0, brace + 1) + label + ","
                + selector.substring(brace + 1);
    }

    @Test
    @Order(1)
    void prometheusScrapesEveryRoleAndFindsEverySeries() throws Exception {
        for (String job : List.of("poller", "collector", "storage", "web")) {
            await(job + " scraped").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                    .until(() -> prometheus.sum("up{job=\"" + job + "\"}").orElse(0) == 1.0);
        }
        List<String> missing = new ArrayList<>();
        await("every series in Prometheus").atMost(WITHIN).pollInterval(Duration.ofSeconds(1)).until(() -> {
            missing.clear();
            for (String job : List.of("poller", "collector", "storage", "web")) {
                for (String selector : concat(JVM, OWN.get(job), MOVING.get(job))) {
                    if (prometheus.query(inJob(selector, job)).isEmpty()) {
                        missing.add(inJob(selector, job));
                    }
                }
            }
            return missing.isEmpty();
        });
        assertThat(missing).isEmpty();
        assertThat(prometheus.sum("numeter_collector_pollers{job=\"collector\"}")).hasValue(1.0);
        assertThat(prometheus.sum("numeter_web_storage_up{job=\"web\"}")).hasValue(1.0);
    }

    @Test
    @Order(2)
    void whatCountsWorkMoves() throws Exception {
        Map<String, Double> first = new LinkedHashMap<>();
        for (String job : MOVING.keySet()) {
            for (String selector : MOVING.get(job)) {
                String q = inJob(selector, job);
                OptionalDouble v = prometheus.sum(q);
                assertThat(v).as(q).isPresent();
                first.put(q, v.getAsDouble());
            }
        }
        for (Map.Entry<String, Double> e : first.entrySet()) {
            await(e.getKey() + " moving from " + e.getValue()).atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                    .until(() -> prometheus.sum(e.getKey()).orElse(0) > e.getValue());
        }
        // what the poller appended reaches the storage: the counter's points are stored, once each
        assertThat(prometheus.sum("numeter_ingest_points_total{job=\"storage\"}").orElseThrow()).isPositive();
        assertThat(prometheus.sum("numeter_spool_dropped_total{job=\"poller\"}")).hasValue(0.0);
    }

    @Test
    @Order(3)
    void eachRoleIsNotReadyWhileWhatItNeedsIsStoppedAndReadyWhenItReturns() throws Exception {
        URI collectorReady = ready(chain.collector());
        URI storageReady = ready(chain.storage());
        URI webReady = ready(web);
        URI pollerReady = ready(chain.poller());
        for (URI u : List.of(pollerReady, collectorReady, storageReady, webReady)) {
            awaitStatus(u, 200, null);
        }

        // the poller stops: the collector (its only poller fails) is not ready; the poller's own readiness is its
        // sources and spool, not its collector
        chain.poller().stop();
        awaitStatus(collectorReady, 503, "every poller fails (1): " + Chain.HOST);
        chain.poller().start().awaitReady();
        awaitStatus(collectorReady, 200, null);

        // the collector stops: the storage (its only upstream fails) is not ready, and Prometheus sees it down
        chain.collector().kill();
        awaitStatus(storageReady, 503, "every upstream fails: http://127.0.0.1:" + chain.collector().port());
        await("prometheus sees the collector down").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.sum("up{job=\"collector\"}").orElse(1) == 0.0);
        await("prometheus sees the storage's drain down").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.sum("numeter_drain_up{job=\"storage\"}").orElse(1) == 0.0);
        chain.collector().start().awaitReady();
        awaitStatus(storageReady, 200, null);
        awaitStatus(collectorReady, 200, null);

        // the storage stops: the web (its only storage is down) is not ready
        chain.storage().stop();
        awaitStatus(webReady, 503, "every storage is down: storage http://127.0.0.1:" + chain.storage().port());
        chain.storage().start().awaitReady();
        awaitStatus(webReady, 200, null);
        awaitStatus(storageReady, 200, null);
        awaitStatus(pollerReady, 200, null);
    }

    private static URI ready(NumeterProcess role) {
        return URI.create("http://127.0.0.1:" + role.port() + "/ready");
    }

    private static void awaitStatus(URI uri, int status, String reasonContains) {
        String[] last = {"no answer"};
        try {
            await(uri + " answering " + status).atMost(WITHIN).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> {
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        last[0] = r.statusCode() + " " + r.body();
                        return r.statusCode() == status
                                && (reasonContains == null || r.body().contains(reasonContains));
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(uri + " did not answer " + status
                    + (reasonContains == null ? "" : " with '" + reasonContains + "'") + " within " + WITHIN
                    + "; last answer: " + last[0], e);
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
