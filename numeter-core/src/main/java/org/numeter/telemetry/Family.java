package org.numeter.telemetry;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A family of series whose label values come and go (one per poller, per upstream, per plugin), read from its
 * components at each scrape, as Prometheus client_java's {@code Collector}: nothing to register or remove when a
 * poller appears or leaves. Several components may feed one family (the collector's and the storage's drains in
 * {@code numeter standalone}). A component that cannot be read now (it is failing) adds nothing to that scrape
 * rather than failing {@code /metrics}.
 */
final class Family implements Collector {
    private static final Logger LOG = LoggerFactory.getLogger(Family.class);

    /** One component's rows. */
    record Rows<T>(Supplier<? extends Collection<T>> items, Function<T, List<String>> labelValues,
            ToDoubleFunction<T> value) {}

    private final String name;
    private final String help;
    private final boolean counter;
    private final List<String> labels;
    private final List<Rows<?>> rows = new CopyOnWriteArrayList<>();

    Family(String name, String help, boolean counter, List<String> labels) {
        this.name = name;
        this.help = help;
        this.counter = counter;
        this.labels = List.copyOf(labels);
    }

    boolean sameShape(boolean counter, List<String> labels) {
        return this.counter == counter && this.labels.equals(labels);
    }

    void add(Rows<?> r) {
        rows.add(r);
    }

    void remove(Rows<?> r) {
        rows.remove(r);
    }

    @Override
    public MetricSnapshot collect() {
        String[] names = labels.toArray(String[]::new);
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (Rows<?> r : rows) {
                read(r, names, (l, v) -> b.dataPoint(
                        CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v).build()));
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (Rows<?> r : rows) {
            read(r, names, (l, v) -> b.dataPoint(
                    GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v).build()));
        }
        return b.build();
    }

    private interface Point {
        void add(Labels labels, double value);
    }

    private <T> void read(Rows<T> r, String[] names, Point into) {
        Collection<T> items;
        try {
            items = r.items().get();
        } catch (RuntimeException e) {
            LOG.debug("{}: not readable now: {}", name, e.toString());
            return;
        }
        for (T item : items) {
            into.add(Labels.of(names, r.labelValues().apply(item).toArray(String[]::new)),
                    r.value().applyAsDouble(item));
        }
    }
}
