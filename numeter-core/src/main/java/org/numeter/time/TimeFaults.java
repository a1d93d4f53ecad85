package org.numeter.time;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points refused, dropped or stored as unknown for their time, counted per host: {@code future} (ahead of this
 * process's clock by more than the {@link TimePolicy} allows), {@code late} (older than what their plugin already
 * stored, never stored before: a round-robin file cannot take the past) and {@code apart} (further from their
 * plugin's last point than its file's heartbeat: the file stores the whole interval as unknown). The first of each
 * kind is logged for its host with what it was (plugin, time, how far off); after that the count goes on and the
 * log repeats at most once an hour per host.
 */
public final class TimeFaults {
    private static final Logger LOG = LoggerFactory.getLogger(TimeFaults.class);
    private static final long REMIND_MILLIS = 3_600_000;

    /** One host's counts since this process started. */
    public record Counts(long future, long late, long apart) {
        public static final Counts NONE = new Counts(0, 0, 0);
    }

    private final String where;
    private final TimePolicy policy;
    private final Map<String, Host> hosts = new ConcurrentHashMap<>();
    private final AtomicLong future = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong apart = new AtomicLong();
    private final AtomicLong raised = new AtomicLong();

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

    /**
     * Counts a point that came {@code gap} seconds after its plugin's last one, more than the {@code heartbeat} of
     * its file: the file stores the interval as unknown.
     */
    public void apart(String host, String plugin, long gap, long heartbeat) {
        apart.incrementAndGet();
        Host h = host(host);
        long n = h.apart.incrementAndGet();
        if (h.apartLog.due(policy.clock().millis())) {
            LOG.warn("{}: host {}, plugin {}: point {} s after the plugin's last one, more than the heartbeat of its"
                    + " file ({} s): the interval is stored as unknown, and counted as apart ({} so far for this"
                    + " host). Points this far apart each time come from pollers slower than the files' step (set"
                    + " storage.archives or storage.step to the pollers' interval); after three in a row at one pace,"
                    + " a file's heartbeat is raised to two of those intervals", where, host, plugin, gap, heartbeat, n);
        }
    }

    /** Notes that a plugin's file had its heartbeat raised to {@code heartbeat}, its points coming every {@code gap}. */
    public void raised(String host, String plugin, long gap, long from, long heartbeat) {
        raised.incrementAndGet();
        Host h = host(host);
        if (h.raisedLog.due(policy.clock().millis())) {
            LOG.warn("{}: host {}, plugin {}: its points come every {} s, more than the heartbeat of its file ({} s):"
                    + " the heartbeat is raised to {} s, so that its next points are stored (other plugins of this"
                    + " host raised within the hour are counted, not logged)", where, host, plugin, gap, from,
                    heartbeat);
        }
    }

    public Counts of(String host) {
        Host h = hosts.get(host);
        return h == null ? Counts.NONE : h.counts();
    }

    /** Every host that had a fault, by id. */
    public Map<String, Counts> byHost() {
        Map<String, Counts> out = new TreeMap<>();
        hosts.forEach((id, h) -> out.put(id, h.counts()));
        return out;
    }

    public long future() {
        return future.get();
    }

    public long late() {
        return late.get();
    }

    public long apart() {
        return apart.get();
    }

    /** Files whose heartbeat was raised to fit their points' pace. */
    public long raised() {
        return raised.get();
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
        final AtomicLong apart = new AtomicLong();
        final Reminder futureLog = new Reminder();
        final Reminder lateLog = new Reminder();
        final Reminder apartLog = new Reminder();
        final Reminder raisedLog = new Reminder();

        Counts counts() {
            return new Counts(future.get(), late.get(), apart.get());
        }
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
