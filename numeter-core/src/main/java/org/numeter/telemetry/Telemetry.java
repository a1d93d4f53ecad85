package org.numeter.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.numeter.component.CheckResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one process tells about itself: its meters (served as Prometheus text on {@code /metrics}) and its checks
 * (served on {@code /ready}). One per process: {@code numeter standalone} gives the same one to its four roles, a
 * role run alone makes its own. The meters are Micrometer's ({@link #create()}), or, in a poller, which is meant to
 * be small, written here with the same names ({@link #withoutMicrometer()}).
 *
 * <p>Components bind their figures and checks through a {@link Meters} scope, which removes them again when the
 * component closes: a figure is one line, e.g.
 * {@code meters.counter("numeter.spool.dropped", "Records dropped because the spool was full", stats::dropped,
 * "spool", "poller")}.
 */
public final class Telemetry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final Backend backend;
    private final Map<String, Supplier<CheckResult>> checks = new LinkedHashMap<>();
    private final Map<String, Family> families = new LinkedHashMap<>();
    private final long startedMillis = System.currentTimeMillis();
    private final java.util.concurrent.atomic.AtomicLong scrapes = new java.util.concurrent.atomic.AtomicLong();

    private Telemetry(Backend backend) {
        this.backend = backend;
    }

    /**
     * Micrometer's registry with its JVM meters: memory, GC, threads, classes, CPU, uptime, file descriptors.
     */
    public static Telemetry create() {
        return new Telemetry(new MicrometerBackend());
    }

    /**
     * The same figures, JVM meters included, written without Micrometer (about 320 classes and their objects, 2 to
     * 3 MB of a poller's 48): a poller's own. What differs is said in {@link PlainBackend}.
     */
    public static Telemetry withoutMicrometer() {
        return new Telemetry(new PlainBackend());
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

    Backend backend() {
        return backend;
    }

    /** The one family of this name, made and registered the first time; every feeder must agree on its shape. */
    synchronized Family family(String name, String help, boolean counter, List<String> labels) {
        Family f = families.get(name);
        if (f == null) {
            f = new Family(name, help, counter, labels);
            backend.register(f);
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

    static final String REQUESTS = "numeter.http.server.requests";
    static final String REQUESTS_HELP = "HTTP requests answered, by server, method, route and status";
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
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
        backend.timeRequest(server, method, route, status, nanos);
    }

    /** The meters in Prometheus' text format (version 0.0.4). */
    public String scrape() {
        scrapes.incrementAndGet();
        return backend.scrape();
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
        backend.close();
    }

    @Override
    public String toString() {
        return "Telemetry{" + backend.size() + " meters, checks=" + checks.keySet() + "}";
    }
}
