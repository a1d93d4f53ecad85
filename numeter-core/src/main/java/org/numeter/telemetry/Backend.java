package org.numeter.telemetry;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Where a {@link Telemetry}'s figures live and how they become Prometheus text: Micrometer's registry for the roles
 * that have it anyway ({@link MicrometerBackend}), or text written here for a poller, which is meant to be small
 * ({@link PlainBackend}: no Micrometer classes in its JVM, docs/decisions.md "Poller footprint"). Both write the
 * same names, labels and format.
 */
interface Backend extends AutoCloseable {
    /** Binds a counter read at each scrape; the answer is what {@link #remove} takes to unbind it. */
    Object counter(String name, String help, LongSupplier value, String... tags);

    /** Binds a gauge read at each scrape, as {@link #counter}. */
    Object gauge(String name, String help, DoubleSupplier value, String... tags);

    /** Unbinds what {@link #counter} or {@link #gauge} bound, unless a newer one took its name and tags since. */
    void remove(Object bound);

    /** Serves a family of series whose label values come and go, from its first scrape on. */
    void register(Family family);

    /** Counts one request into the {@code numeter_http_server_requests_seconds} histogram. */
    void timeRequest(String server, String method, String route, int status, long nanos);

    /** Everything, in Prometheus' text format (version 0.0.4). */
    String scrape();

    /** How many series are bound, for {@link Telemetry#toString()}. */
    int size();

    @Override
    void close();
}
