package org.numeter.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.numeter.component.CheckResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one process tells about itself: its meters (Micrometer, served as Prometheus text on {@code /metrics}) and
 * its checks (served on {@code /ready}). One per process: {@code numeter standalone} gives the same one to its four
 * roles, a role run alone makes its own.
 *
 * <p>Components bind their figures and checks through a {@link Meters} scope, which removes them again when the
 * component closes: a figure is one line, e.g.
 * {@code meters.counter("numeter.spool.dropped", "Records dropped because the spool was full", stats::dropped,
 * "spool", "poller")}.
 */
public final class Telemetry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    // Two meters of one name with different tag keys are a bug: fail where it is made, not silently drop one.
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT).throwExceptionOnRegistrationFailure();
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final Map<String, Supplier<CheckResult>> checks = new LinkedHashMap<>();
    private final Map<String, Family> families = new LinkedHashMap<>();
    private final long startedMillis = System.currentTimeMillis();
    private final java.util.concurrent.atomic.AtomicLong scrapes = new java.util.concurrent.atomic.AtomicLong();

    private Telemetry() {}

    /** A registry with the JVM's standard meters: memory, GC, threads, classes, CPU, uptime, file descriptors. */
    public static Telemetry create() {
        Telemetry t = new Telemetry();
        for (MeterBinder b : List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            b.bindTo(t.registry);
            if (b instanceof AutoCloseable c) {
                t.binders.add(c);
            }
        }
        BuildInfo.bindTo(t.registry);
        return t;
    }

    /**
     * The telemetry a component uses from its start to its close: {@code given} when it was given one (the
     * process's, left open), else one of its own, closed with the lease.
     */
    public static Lease lease(Telemetry given) {
        return given != null ? new Lease(given, false) : new Lease(create(), true);
    }

    /** A component's telemetry and its scope of figures and checks, both let go by {@link #close()}. */
    public static final class Lease implements AutoCloseable {
        private final Telemetry telemetry;
        private final boolean owned;
        private final Meters meters;

        private Lease(Telemetry telemetry, boolean owned) {
            this.telemetry = telemetry;
            this.owned = owned;
            this.meters = telemetry.meters();
        }

        public Telemetry telemetry() {
            return telemetry;
        }

        /** Where the component binds its figures and checks. */
        public Meters meters() {
            return meters;
        }

        /** Removes the component's figures and checks, and closes the telemetry when it was its own. */
        @Override
        public void close() {
            meters.close();
            if (owned) {
                telemetry.close();
            }
        }
    }

    /** The Micrometer registry, for meters that are not one figure (timers, histograms). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The one family of this name, made and registered the first time; every feeder must agree on its shape. */
    synchronized Family family(String name, String help, boolean counter, List<String> labels) {
        Family f = families.get(name);
        if (f == null) {
            f = new Family(name, help, counter, labels);
            registry.getPrometheusRegistry().register(f);
            families.put(name, f);
        } else if (!f.sameShape(counter, labels)) {
            throw new IllegalArgumentException("meter family " + name + " is already bound with other labels or"
                    + " type than " + labels);
        }
        return f;
    }

    /** A scope to bind one component's figures and checks; closing it removes them. */
    public Meters meters() {
        return new Meters(this);
    }

    synchronized void check(String name, Supplier<CheckResult> check) {
        checks.put(name, check);
    }

    synchronized void removeCheck(String name, Supplier<CheckResult> check) {
        checks.remove(name, check);
    }

    /** Runs every check now: ready unless one is down. */
    public Readiness readiness() {
        Map<String, Supplier<CheckResult>> now;
        synchronized (this) {
            now = new LinkedHashMap<>(checks);
        }
        List<Readiness.Check> results = new ArrayList<>();
        for (var e : now.entrySet()) {
            CheckResult r;
            try {
                r = e.getValue().get();
            } catch (RuntimeException ex) {
                // A check that throws is a check that failed, not a reason to answer 500.
                LOG.warn("check {} failed: {}", e.getKey(), ex.toString());
                r = CheckResult.failed(ex);
            }
            results.add(new Readiness.Check(e.getKey(), r.status(), Redact.text(r.detail())));
        }
        return Readiness.of(results);
    }

    /** The content type of {@link #scrape()}. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /** What {@code GET /health} answers: the process lives, its version and uptime. */
    public Map<String, Object> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("version", BuildInfo.version());
        body.put("uptimeSeconds", uptimeMillis() / 1000);
        return body;
    }

    /**
     * Counts a request answered by {@code server} ({@code numeter_http_server_requests_seconds}); {@code route} is
     * the matched route's template, never the raw path, so that labels stay few.
     */
    public void timeRequest(String server, String method, String route, int status, long nanos) {
        Timer.builder("numeter.http.server.requests")
                .description("HTTP requests answered, by server, method, route and status")
                .tags("server", server, "method", method, "route", route, "status", Integer.toString(status))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The meters in Prometheus' text format (version 0.0.4). */
    public String scrape() {
        scrapes.incrementAndGet();
        return registry.scrape();
    }

    /** Scrapes so far: a figure read from one costly snapshot asks for it once per scrape. */
    long scrapes() {
        return scrapes.get();
    }

    /** Milliseconds since this telemetry was made (the process's start, for a role's own). */
    public long uptimeMillis() {
        return System.currentTimeMillis() - startedMillis;
    }

    @Override
    public void close() {
        for (AutoCloseable c : binders) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", c, e.toString());
            }
        }
        binders.clear();
        registry.close();
    }

    @Override
    public String toString() {
        return "Telemetry{" + registry.getMeters().size() + " meters, checks=" + checks.keySet() + "}";
    }
}
