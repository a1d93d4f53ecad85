package org.numeter.time;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points refused or dropped for their time, counted per host: {@code future} (ahead of this process's clock by more
 * than the {@link TimePolicy} allows) and {@code late} (older than what their plugin already stored, never stored
 * before: a round-robin file cannot take the past). The first of each kind is logged for its host with what it was
 * (plugin, time, how far off); after that the count goes on and the log repeats at most once an hour per host.
 */
public final class TimeFaults {
    private static final Logger LOG = LoggerFactory.getLogger(TimeFaults.class);
    private static final long REMIND_MILLIS = 3_600_000;

    /** One host's counts since this process started. */
    public record Counts(long future, long late) {
        public static final Counts NONE = new Counts(0, 0);
    }

    private final String where;
    private final TimePolicy policy;
    private final Map<String, Host> hosts = new ConcurrentHashMap<>();
    private final AtomicLong future = new AtomicLong();
    private final AtomicLong late = new AtomicLong();

    /** @param where names this hop in log lines, e.g. "storage" or "collector" */
    public TimeFaults(String where, TimePolicy policy) {
        this.where = where;
        this.policy = policy;
    }

    public TimePolicy policy() {
        return policy;
    }

    /** Counts a point refused as too far ahead; {@code ahead} is by how many seconds. */
    public void future(String host, String plugin, long timestamp, long ahead) {
        future.incrementAndGet();
        Host h = host(host);
        long n = h.future.incrementAndGet();
        if (h.futureLog.due(policy.clock().millis())) {
            LOG.warn("{}: host {}, plugin {}: point at {} ({}) is {} s ahead of this clock, more than the {} s"
                    + " allowed: refused, and counted as future ({} so far for this host); is the host's clock"
                    + " right?", where, host, plugin, timestamp, instant(timestamp), ahead,
                    policy.maxSkewSeconds(), n);
        }
    }

    /** Counts a point older than its plugin's newest stored one, which the store cannot take. */
    public void late(String host, String plugin, long timestamp, long lastStored) {
        late.incrementAndGet();
        Host h = host(host);
        long n = h.late.incrementAndGet();
        if (h.lateLog.due(policy.clock().millis())) {
            String when = timestamp == lastStored ? "has the time of the plugin's last stored point, with other values"
                    : "is " + (lastStored - timestamp) + " s older than the plugin's last stored point ("
                            + instant(lastStored) + ")";
            LOG.warn("{}: host {}, plugin {}: point at {} ({}) {}; a round-robin file cannot take the past, so it is"
                    + " dropped and counted as late ({} so far for this host); did the host's clock go back?", where,
                    host, plugin, timestamp, instant(timestamp), when, n);
        }
    }

    public Counts of(String host) {
        Host h = hosts.get(host);
        return h == null ? Counts.NONE : new Counts(h.future.get(), h.late.get());
    }

    /** Every host that had a fault, by id. */
    public Map<String, Counts> byHost() {
        Map<String, Counts> out = new TreeMap<>();
        hosts.forEach((id, h) -> out.put(id, new Counts(h.future.get(), h.late.get())));
        return out;
    }

    public long future() {
        return future.get();
    }

    public long late() {
        return late.get();
    }

    private Host host(String host) {
        return hosts.computeIfAbsent(host, k -> new Host());
    }

    private static String instant(long epochSecond) {
        try {
            return Instant.ofEpochSecond(epochSecond).toString();
        } catch (RuntimeException e) {
            return "out of range";
        }
    }

    private static final class Host {
        final AtomicLong future = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final Reminder futureLog = new Reminder();
        final Reminder lateLog = new Reminder();
    }

    /** True the first time, then at most once an hour. */
    private static final class Reminder {
        private long last = Long.MIN_VALUE;

        synchronized boolean due(long nowMillis) {
            if (last != Long.MIN_VALUE && nowMillis - last < REMIND_MILLIS) {
                return false;
            }
            last = nowMillis;
            return true;
        }
    }
}
