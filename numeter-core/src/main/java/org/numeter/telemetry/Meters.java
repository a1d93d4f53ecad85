package org.numeter.telemetry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.numeter.component.CheckResult;

/**
 * The figures and checks one component bound into a {@link Telemetry}; {@link #close()} removes them, so a
 * component that stops (a poller removed from a collector, a role closed) leaves no stale series behind.
 *
 * <p>Names are Micrometer's dotted names; they are written with underscores, and {@code _total} added to
 * counters; a unit is part of the name ({@code numeter.spool.oldest.age.seconds}). Every meter of
 * one name must carry the same tag keys. A second binding of one name and tags replaces the first (a poller re-added
 * under the same host: the newer component wins).
 */
public final class Meters implements AutoCloseable {
    private final Telemetry telemetry;
    private final Backend backend;
    private final List<Object> meters = new ArrayList<>();
    private final List<Object> held = new ArrayList<>();
    private final List<String> checks = new ArrayList<>();
    private final List<Family> families = new ArrayList<>();
    private final List<Family.Rows<?>> familyRows = new ArrayList<>();
    private final List<Supplier<CheckResult>> checkSuppliers = new ArrayList<>();

    Meters(Telemetry telemetry) {
        this.telemetry = telemetry;
        this.backend = telemetry.backend();
    }

    /** A count that only grows (records moved, points stored), read from {@code value} at each scrape. */
    public synchronized Meters counter(String name, String help, LongSupplier value, String... tags) {
        held.add(value); // Micrometer's registry keeps only a weak reference to what it reads
        meters.add(backend.counter(name, help, value, tags));
        return this;
    }

    /** A value that goes up and down (records waiting, open files), read at each scrape. */
    public synchronized Meters gauge(String name, String help, DoubleSupplier value, String... tags) {
        meters.add(backend.gauge(name, help, value, tags));
        return this;
    }

    /**
     * A count read from a component's figures map (its status document) under {@code key}: the figures a role
     * already shows in its status become a series in one line. A missing or non-numeric entry reads as 0.
     */
    public Meters counterOf(String name, String help, Supplier<? extends Map<String, ?>> figures, String key,
            String... tags) {
        return counter(name, help, () -> (long) number(figures, key, 0), tags);
    }

    /** A value read from a component's figures map under {@code key}, as {@link #counterOf}; NaN when absent. */
    public Meters gaugeOf(String name, String help, Supplier<? extends Map<String, ?>> figures, String key,
            String... tags) {
        return gauge(name, help, () -> number(figures, key, Double.NaN), tags);
    }

    private static double number(Supplier<? extends Map<String, ?>> figures, String key, double otherwise) {
        try {
            return figures.get().get(key) instanceof Number n ? n.doubleValue() : otherwise;
        } catch (RuntimeException e) {
            return otherwise;
        }
    }

    /**
     * A family of counters, one per item of {@code items} at each scrape (per poller, per plugin), labelled by
     * {@code labels} with the values {@code labelValues} gives; for sets that change while the process runs.
     */
    public <T> Meters counters(String name, String help, List<String> labels, Supplier<? extends Collection<T>> items,
            Function<T, List<String>> labelValues, ToDoubleFunction<T> value) {
        return family(name, help, true, labels, new Family.Rows<>(items, labelValues, value));
    }

    /** A family of gauges, as {@link #counters}. */
    public <T> Meters gauges(String name, String help, List<String> labels, Supplier<? extends Collection<T>> items,
            Function<T, List<String>> labelValues, ToDoubleFunction<T> value) {
        return family(name, help, false, labels, new Family.Rows<>(items, labelValues, value));
    }

    private synchronized Meters family(String name, String help, boolean counter, List<String> labels,
            Family.Rows<?> rows) {
        Family f = telemetry.family(name.replace('.', '_'), help, counter, labels);
        f.add(rows);
        families.add(f);
        familyRows.add(rows);
        return this;
    }

    /** Adds a check to {@code /ready} under {@code name}; its {@code DOWN} makes the process not ready. */
    public synchronized Meters check(String name, Supplier<CheckResult> check) {
        telemetry.check(name, check);
        checks.add(name);
        checkSuppliers.add(check);
        return this;
    }

    /**
     * What {@code snapshot} answers, asked once per scrape of {@code /metrics} however many figures read it: for a
     * figure whose source costs a round trip (a Redis spool's stats).
     */
    public <T> Supplier<T> oncePerScrape(Supplier<T> snapshot) {
        return new Supplier<>() {
            private long scrape = -1;
            private T last;

            @Override
            public synchronized T get() {
                long now = telemetry.scrapes();
                if (now != scrape || last == null) {
                    last = snapshot.get();
                    scrape = now;
                }
                return last;
            }
        };
    }

    /** Removes every meter and check bound through this scope. */
    @Override
    public synchronized void close() {
        for (Object m : meters) {
            backend.remove(m);
        }
        meters.clear();
        held.clear();
        for (int i = 0; i < checks.size(); i++) {
            telemetry.removeCheck(checks.get(i), checkSuppliers.get(i));
        }
        checks.clear();
        checkSuppliers.clear();
        for (int i = 0; i < families.size(); i++) {
            families.get(i).remove(familyRows.get(i));
        }
        families.clear();
        familyRows.clear();
    }
}
