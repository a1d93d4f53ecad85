package org.numeter.poller;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.numeter.codec.RecordCodec;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.Spool;
import org.numeter.telemetry.Meters;
import org.numeter.telemetry.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller role: runs each source on its own schedule, on its own virtual thread, and appends what it returns
 * to the spool. A source that hangs is abandoned after its timeout and counted; the others never wait for it.
 *
 * <p>Cycles start on each source's interval boundaries (the first at once), and values are stamped with the second
 * they were read: a counter's rate is right even for a plugin read late in its cycle or the first after a start.
 * A plugin's metadata is written with its first batch after start and whenever it changes, and left out
 * otherwise: the spool stays small and a storage always knows how to draw what it holds.
 *
 * <p>The poller describes itself as the plugin {@code numeter_poller}, collected at the shortest interval.
 */
public final class Poller implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(1);

    /**
     * A source's timeout when none is given: 90 % of its interval (9 s at 10 s, 54 s at 60 s), so that a collection
     * returns what it has before the next one is due; at least {@link #MIN_PLUGIN_TIMEOUT}, so that a source at an
     * interval of a second or two still reads its plugins (skipping the cycles it overruns).
     */
    public static Duration defaultTimeout(Duration interval) {
        Duration most = interval.multipliedBy(9).dividedBy(10);
        return most.compareTo(MIN_PLUGIN_TIMEOUT) < 0 ? MIN_PLUGIN_TIMEOUT : most;
    }

    /**
     * A plugin's timeout when none is given ({@code munin} fetch, {@code exec} run): half the interval (5 s at 10 s,
     * 30 s at 60 s), so that a plugin that hangs still leaves the rest of the cycle to the others, and at least
     * {@link #MIN_PLUGIN_TIMEOUT} (a munin-node forks a process per plugin, slow on a loaded machine); the
     * source's own deadline still bounds it.
     */
    public static Duration defaultPluginTimeout(Duration interval) {
        Duration half = interval.dividedBy(2);
        return half.compareTo(MIN_PLUGIN_TIMEOUT) < 0 ? MIN_PLUGIN_TIMEOUT : half;
    }

    /** The shortest default plugin timeout, for intervals under 10 s. */
    public static final Duration MIN_PLUGIN_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final Spool spool;
    private final Clock clock;
    // The clock values are stamped with: this host's, or its collector's when this one is off by more than maxSkew.
    private final Clock stampClock;
    private final java.util.function.Supplier<Long> referenceOffset;
    private final Duration maxSkew;
    private volatile boolean skewed;
    private final List<SourceRunner> runners;
    private final CounterReadings counters;
    private volatile String lastCountersError;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Map<String, Plugin> lastMeta = new HashMap<>();
    private final List<Thread> loops = new ArrayList<>();
    private final Telemetry telemetry;
    private Meters meters;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile String lastSpoolError;

    private Poller(Builder b) {
        this.host = Names.requireHost(Objects.requireNonNull(b.host, "host"));
        this.spool = Objects.requireNonNull(b.spool, "spool");
        this.clock = b.clock;
        this.referenceOffset = b.referenceOffset;
        this.maxSkew = b.maxSkew;
        this.stampClock = new StampClock();
        this.telemetry = b.telemetry;
        this.counters = b.countersFile == null ? CounterReadings.inMemory() : CounterReadings.in(b.countersFile);
        List<SourceRunner> all = new ArrayList<>();
        Duration shortest = DEFAULT_INTERVAL;
        for (Scheduled s : b.sources) {
            all.add(new SourceRunner(s.source, s.interval, s.timeout, stampClock, counters));
            shortest = s.interval.compareTo(shortest) < 0 ? s.interval : shortest;
        }
        if (b.selfMonitoring) {
            all.add(new SourceRunner(new SelfSource(this), shortest, defaultTimeout(shortest), stampClock,
                    counters));
        }
        this.runners = List.copyOf(all);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return host;
    }

    /** Starts one schedule per source; the first collection of each happens at the next whole second. */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("poller is closed");
        }
        if (started) {
            return;
        }
        started = true;
        loadCounters();
        if (telemetry != null) {
            meters = PollerFigures.bind(telemetry.meters(), this);
        }
        for (SourceRunner r : runners) {
            loops.add(Thread.ofVirtual().name("poller-" + r.source().name()).start(() -> loop(r)));
        }
        LOG.info("poller for host {} started with sources {}", host,
                runners.stream().map(r -> r.source().name() + " every " + r.interval().toSeconds() + "s").toList());
    }

    private void loop(SourceRunner r) {
        long intervalMillis = r.interval().toMillis();
        // Timestamps are whole seconds: the first cycle, like every later one, starts on a second's boundary, so
        // that a value read a few milliseconds in is stamped with the second it belongs to, and a counter's rate
        // across a restart is right to within those milliseconds.
        try {
            Thread.sleep(Cycle.millisToNextSecond(clock));
        } catch (InterruptedException e) {
            return;
        }
        while (!closed) {
            long started = clock.millis();
            runCycle(r, started);
            long now = clock.millis();
            long next = (now / intervalMillis + 1) * intervalMillis;
            try {
                Thread.sleep(Math.max(1, next - now));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Runs every source once, now, each with its timeout, and appends the results; returns how many batches were
     * appended. For tests and for a first look at a host.
     */
    public int collectOnce() {
        loadCounters();
        long now = clock.millis();
        List<Thread> threads = new ArrayList<>();
        int[] appended = new int[runners.size()];
        for (int i = 0; i < runners.size(); i++) {
            int index = i;
            SourceRunner r = runners.get(i);
            threads.add(Thread.ofVirtual().start(() -> appended[index] = runCycle(r, now)));
        }
        int total = 0;
        for (int i = 0; i < threads.size(); i++) {
            try {
                threads.get(i).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            total += appended[i];
        }
        return total;
    }

    /**
     * How far this host's clock is behind the reference (its collector's, as the pull link tells), in milliseconds,
     * or null while unknown.
     */
    public Long clockOffsetMillis() {
        return referenceOffset.get();
    }

    /** The correction stamps get: the offset when it is beyond the allowed skew, else none. */
    private long correction() {
        Long offset = referenceOffset.get();
        boolean beyond = offset != null && Math.abs(offset) > maxSkew.toMillis();
        if (beyond != skewed) {
            skewed = beyond;
            if (beyond) {
                LOG.warn("this host's clock is {} s {} its collector's, more than poller.max-clock-skew ({} s):"
                        + " values are stamped with the collector's time until it is right", Math.abs(offset) / 1000,
                        offset < 0 ? "ahead of" : "behind", maxSkew.toSeconds());
            } else {
                LOG.info("this host's clock is within {} s of its collector's again", maxSkew.toSeconds());
            }
        }
        return beyond ? offset : 0;
    }

    /** This host's clock, corrected by {@link #correction()}. */
    private final class StampClock extends Clock {
        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return clock.millis() + correction();
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis());
        }
    }

    private int runCycle(SourceRunner r, long nowMillis) {
        // The second the cycle starts: scheduled cycles start on their interval's boundaries, the first after a
        // start does not, and a value is worth the moment it was read.
        long timestamp = Math.floorDiv(nowMillis + correction(), 1000);
        List<SampleBatch> batches = r.collect(host, timestamp);
        saveCounters();
        if (batches.isEmpty()) {
            return 0;
        }
        try {
            append(batches);
            r.appended(batches);
            return batches.size();
        } catch (IOException | RuntimeException e) {
            lastSpoolError = e.toString();
            r.failed("spool append failed: " + e);
            LOG.warn("source {}: {} batches could not be appended to the spool", r.source().name(), batches.size(),
                    e);
            return 0;
        }
    }

    /** Reads the counters' last readings kept by the poller before, once. */
    private void loadCounters() {
        try {
            counters.load();
        } catch (IOException e) {
            LOG.warn("{} cannot be read: {}; the first point of each counter after this start is sent as read",
                    counters, e.toString());
        }
    }

    /** Writes the counters' last readings, so that a restart interpolates its first points; told once when it fails. */
    private void saveCounters() {
        try {
            counters.save(clock.millis());
            if (lastCountersError != null) {
                LOG.info("{} written again", counters);
                lastCountersError = null;
            }
        } catch (IOException | RuntimeException e) {
            if (lastCountersError == null) {
                LOG.warn("{} cannot be written: {}; the first point of each counter after a restart will be sent as"
                        + " read", counters, e.toString());
            }
            lastCountersError = e.toString();
        }
    }

    private void append(List<SampleBatch> batches) throws IOException {
        appendLock.lock();
        try {
            Map<String, Plugin> sent = new HashMap<>();
            List<byte[]> payloads = new ArrayList<>(batches.size());
            for (SampleBatch b : batches) {
                String key = b.host() + '/' + b.plugin();
                Plugin meta = b.meta();
                Plugin known = sent.containsKey(key) ? sent.get(key) : lastMeta.get(key);
                SampleBatch out = b;
                if (meta == null || meta.equals(known)) {
                    out = b.withoutMeta();
                } else {
                    sent.put(key, meta);
                }
                payloads.add(RecordCodec.encode(out));
            }
            spool.appendAll(payloads);
            lastMeta.putAll(sent);
            lastSpoolError = null;
        } finally {
            appendLock.unlock();
        }
    }

    /** What each source has done, in the order they were added (the poller's own plugin last). */
    public List<SourceStats> stats() {
        return runners.stream().map(SourceRunner::stats).toList();
    }

    /** Each plugin's health after its last collection, source by source in the order they were added. */
    public List<PluginHealth> health() {
        List<PluginHealth> out = new ArrayList<>();
        for (SourceRunner r : runners) {
            out.addAll(r.health());
        }
        return out;
    }

    /**
     * What {@code GET /poller/v1/status} answers: each source's figures and each plugin's health.
     *
     * @param host this poller's host id
     * @param sources what each source did since start
     * @param plugins each plugin's state after its last collection
     */
    public record Status(String host, List<SourceStats> sources, List<PluginHealth> plugins, ClockStatus clock) {

        /**
         * This host's clock against its collector's.
         *
         * @param offsetMillis how far the collector's clock is ahead of this one's, null while unknown
         * @param maxSkewMillis {@code poller.max-clock-skew}
         * @param corrected whether values are stamped with the collector's time, this clock being too far off
         */
        public record ClockStatus(Long offsetMillis, long maxSkewMillis, boolean corrected) {}
    }

    /** This poller's status, for its status endpoint. */
    public Status status() {
        Long offset = referenceOffset.get();
        return new Status(host, stats(), health(), new Status.ClockStatus(offset, maxSkew.toMillis(),
                offset != null && Math.abs(offset) > maxSkew.toMillis()));
    }

    Spool spool() {
        return spool;
    }

    Clock clock() {
        return clock;
    }

    List<SourceRunner> runners() {
        return runners;
    }

    /**
     * Ready when its spool answers and took the last append, and at least one source brought something at its
     * last collection; degraded while some sources fail (each named with why). Its own plugin does not count.
     */
    @Override
    public CheckResult check() {
        if (closed) {
            return CheckResult.failed("poller for host " + host + " is closed");
        }
        if (!started) {
            return CheckResult.failed("poller for host " + host + " is not started");
        }
        try {
            spool.stats();
        } catch (RuntimeException e) {
            return CheckResult.failed("spool " + spool + " does not answer: " + e.getMessage());
        }
        String spoolError = lastSpoolError;
        if (spoolError != null) {
            return CheckResult.failed("the last append to spool " + spool + " failed: " + spoolError);
        }
        List<String> failing = new ArrayList<>();
        int sources = 0;
        for (SourceRunner r : runners) {
            if (r.source() instanceof SelfSource) {
                continue;
            }
            sources++;
            String why = r.lastFailure();
            if (why != null) {
                failing.add(r.source().name() + ": " + why);
            }
        }
        Long offset = referenceOffset.get();
        if (offset != null && Math.abs(offset) > maxSkew.toMillis()) {
            failing.add("this host's clock is " + Math.abs(offset) / 1000 + " s " + (offset < 0 ? "ahead of" : "behind")
                    + " its collector's (more than " + maxSkew.toSeconds() + " s): values are stamped with the"
                    + " collector's time");
            sources++;
        }
        if (sources > 0 && failing.size() == sources) {
            return CheckResult.failed("every source fails: " + String.join("; ", failing));
        }
        if (!failing.isEmpty()) {
            return CheckResult.degraded(failing.size() + " of " + sources + " sources failing: "
                    + String.join("; ", failing));
        }
        return new CheckResult(true, sources + " sources collecting into " + spool);
    }

    /** Stops the schedules; collections still hanging are abandoned. The spool is the caller's to close. */
    @Override
    public synchronized void close() {
        closed = true;
        loops.forEach(Thread::interrupt);
        for (Thread t : loops) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        loops.clear();
        runners.forEach(SourceRunner::close);
        saveCounters();
        if (meters != null) {
            meters.close();
        }
    }

    @Override
    public String toString() {
        return "Poller{host=" + host + ", sources="
                + runners.stream().map(r -> r.source().name()).toList() + ", spool=" + spool + "}";
    }

    private record Scheduled(Source source, Duration interval, Duration timeout) {}

    /** Collaborators and schedules; nothing is opened until {@link #start()}. */
    public static final class Builder {
        private String host;
        private Spool spool;
        private Clock clock = Clock.systemUTC();
        private boolean selfMonitoring = true;
        private Telemetry telemetry;
        private java.util.function.Supplier<Long> referenceOffset = () -> null;
        private java.nio.file.Path countersFile;
        private Duration maxSkew = DEFAULT_MAX_CLOCK_SKEW;
        private final List<Scheduled> sources = new ArrayList<>();

        private Builder() {}

        /** The id of this host, used in every batch a source does not assign to another host. */
        public Builder host(String hostId) {
            this.host = hostId;
            return this;
        }

        public Builder spool(Spool spool) {
            this.spool = spool;
            return this;
        }

        /** Adds a source collected every {@code interval} (whole seconds), abandoned after {@code timeout}. */
        public Builder source(Source source, Duration interval, Duration timeout) {
            Objects.requireNonNull(source, "source");
            if (interval.toMillis() < 1000 || interval.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("source " + source.name() + ": interval " + interval
                        + " must be a whole number of seconds, at least 1");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("source " + source.name() + ": timeout " + timeout
                        + " must be positive");
            }
            sources.add(new Scheduled(source, interval, timeout));
            return this;
        }

        /** Adds a source with the default timeout, {@link #defaultTimeout(Duration) 90 % of its interval}. */
        public Builder source(Source source, Duration interval) {
            return source(source, interval, defaultTimeout(interval));
        }

        /**
         * Where the poller learns how far a reference clock (its collector's, through the pull link) is ahead of
         * its own, in milliseconds (null while unknown), and how far off its own may be: beyond it the poller says
         * so in its check, status and log, and stamps values with the reference's time, so that none is stamped in
         * the future by more than {@code maxSkew}.
         */
        public Builder clockReference(java.util.function.Supplier<Long> offsetMillis, Duration maxSkew) {
            this.referenceOffset = Objects.requireNonNull(offsetMillis, "offsetMillis");
            this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where the last reading of every counter is kept across restarts ({@link CounterReadings}), so that the
         * first point after a start is sent at its whole second too; none by default (kept in memory).
         */
        public Builder counterReadings(java.nio.file.Path file) {
            this.countersFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Whether the poller reports its own plugin {@code numeter_poller}; on by default. */
        public Builder selfMonitoring(boolean on) {
            this.selfMonitoring = on;
            return this;
        }

        /**
         * Where the poller's figures ({@code numeter_poller_*}, its spool's) and its check go, from {@link #start()}
         * to {@link #close()}; none by default.
         */
        public Builder telemetry(Telemetry telemetry) {
            this.telemetry = telemetry;
            return this;
        }

        public Poller build() {
            Map<String, Integer> names = new HashMap<>();
            for (Scheduled s : sources) {
                if (names.merge(s.source.name(), 1, Integer::sum) > 1) {
                    throw new IllegalArgumentException("source '" + s.source.name() + "' is added twice");
                }
            }
            return new Poller(this);
        }
    }
}
