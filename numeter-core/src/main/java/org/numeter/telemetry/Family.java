package org.numeter.telemetry;

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
 * components at each scrape: nothing to register or remove when a poller appears or leaves. Several components
 * may feed one family (the collector's and the storage's drains in {@code numeter standalone}). A component that cannot be read now (it is failing) adds nothing to that scrape
 * rather than failing {@code /metrics}.
 */
final class Family {
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

    String name() {
        return name;
    }

    String help() {
        return help;
    }

    boolean counter() {
        return counter;
    }

    List<String> labels() {
        return labels;
    }

    /** One series of a scrape: its label values, in the order of {@link #labels()}, and its value. */
    interface Point {
        void add(String[] labelValues, double value);
    }

    /** Reads every component's rows now, into {@code into}. */
    void read(Point into) {
        for (Rows<?> r : rows) {
            read(r, into);
        }
    }

    private <T> void read(Rows<T> r, Point into) {
        Collection<T> items;
        try {
            items = r.items().get();
        } catch (RuntimeException e) {
            LOG.debug("{}: not readable now: {}", name, e.toString());
            return;
        }
        for (T item : items) {
            into.add(r.labelValues().apply(item).toArray(String[]::new), r.value().applyAsDouble(item));
        }
    }
}
