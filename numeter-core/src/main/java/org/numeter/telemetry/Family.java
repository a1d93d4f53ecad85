package org.numeter.telemetry;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A family of series whose label values come and go (one per poller, per upstream, per plugin), read from the
 * component at each scrape, as Prometheus client_java's {@code Collector}: nothing to register or remove when a
 * poller appears or leaves. A figure that cannot be read now (its component is failing) leaves the family empty
 * for that scrape rather than failing {@code /metrics}.
 */
final class Family<T> implements Collector {
    private static final Logger LOG = LoggerFactory.getLogger(Family.class);

    private final String name;
    private final String help;
    private final boolean counter;
    private final String[] labels;
    private final Supplier<? extends Collection<T>> items;
    private final Function<T, List<String>> labelValues;
    private final ToDoubleFunction<T> value;

    Family(String name, String help, boolean counter, List<String> labels, Supplier<? extends Collection<T>> items,
            Function<T, List<String>> labelValues, ToDoubleFunction<T> value) {
        this.name = name.replace('.', '_');
        this.help = help;
        this.counter = counter;
        this.labels = labels.toArray(String[]::new);
        this.items = items;
        this.labelValues = labelValues;
        this.value = value;
    }

    @Override
    public MetricSnapshot collect() {
        Collection<T> now;
        try {
            now = items.get();
        } catch (RuntimeException e) {
            LOG.debug("{}: not readable now: {}", name, e.toString());
            now = List.of();
        }
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (T item : now) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(item))
                        .value(value.applyAsDouble(item)).build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (T item : now) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(item))
                    .value(value.applyAsDouble(item)).build());
        }
        return b.build();
    }

    private Labels labels(T item) {
        return Labels.of(labels, labelValues.apply(item).toArray(String[]::new));
    }
}
