package org.numeter.telemetry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
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
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Telemetry}'s figures in Micrometer's Prometheus registry, with Micrometer's JVM binders: the roles other
 * than a poller, which load Micrometer anyway.
 */
final class MicrometerBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(MicrometerBackend.class);

    // Two meters of one name with different tag keys are a bug: fail where it is made, not silently drop one.
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT).throwExceptionOnRegistrationFailure();
    private final List<AutoCloseable> binders = new ArrayList<>();

    /** A registry with the JVM's standard meters: memory, GC, threads, classes, CPU, uptime, file descriptors. */
    MicrometerBackend() {
        for (MeterBinder b : List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            b.bindTo(registry);
            if (b instanceof AutoCloseable c) {
                binders.add(c);
            }
        }
        Gauge.builder("numeter.build.info", () -> 1).description(BuildInfo.HELP)
                .tag("version", BuildInfo.version()).register(registry);
    }

    @Override
    public synchronized Object counter(String name, String help, LongSupplier value, String... tags) {
        replaced(name, tags);
        return FunctionCounter.builder(name, value, v -> v.getAsLong()).description(help).tags(tags)
                .register(registry);
    }

    @Override
    public synchronized Object gauge(String name, String help, DoubleSupplier value, String... tags) {
        replaced(name, tags);
        return Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(help).tags(tags)
                .strongReference(true).register(registry);
    }

    /**
     * The registry answers a second registration of one name and tags with the first meter, still reading the first
     * component's figure: the newer component wins instead (a poller re-added under the same host).
     */
    private void replaced(String name, String... tags) {
        Meter existing = registry.find(name).tags(tags).meter();
        if (existing != null && existing.getId().getTags().size() == tags.length / 2) {
            registry.remove(existing);
        }
    }

    @Override
    public synchronized void remove(Object bound) {
        Meter m = (Meter) bound;
        // only our own: a newer component may have taken the same name and tags since
        if (registry.find(m.getId().getName()).tags(m.getId().getTags()).meter() == m) {
            registry.remove(m);
        }
    }

    @Override
    public void register(Family family) {
        registry.getPrometheusRegistry().register(new FamilyCollector(family));
    }

    @Override
    public void timeRequest(String server, String method, String route, int status, long nanos) {
        Timer.builder(Telemetry.REQUESTS)
                .description(Telemetry.REQUESTS_HELP)
                .tags("server", server, "method", method, "route", route, "status", Integer.toString(status))
                .serviceLevelObjectives(Telemetry.BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public int size() {
        return registry.getMeters().size();
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

    /** A family as Prometheus client_java's {@code Collector}, read at each scrape. */
    private static final class FamilyCollector implements Collector {
        private final Family family;

        FamilyCollector(Family family) {
            this.family = family;
        }

        @Override
        public MetricSnapshot collect() {
            String[] names = family.labels().toArray(String[]::new);
            if (family.counter()) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(family.name()).help(family.help());
                family.read((values, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of(names, values)).value(v).build()));
                return b.build();
            }
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(family.name()).help(family.help());
            family.read((values, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of(names, values)).value(v).build()));
            return b.build();
        }
    }
}
