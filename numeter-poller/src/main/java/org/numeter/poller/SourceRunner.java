package org.numeter.poller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.model.SampleBatch;
import org.numeter.poller.PluginHealth.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source with its schedule, its timeout, its counters and the health of each of its plugins.
 *
 * <p>A collection gets a deadline of the source's timeout: sources that read plugins one by one stop starting new
 * ones then and return what they have. One that has not returned {@link #GRACE} later is abandoned. A plugin's
 * failure is logged once when it starts failing that way, and while it goes on failing, once every
 * {@link #SUMMARY_EVERY} with the others' in one line: a plugin printing garbage does not fill the log.
 */
final class SourceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);
    private static final int RECENT = 20;
    /** How long after its deadline a collection that has not returned is abandoned. */
    static final Duration GRACE = Duration.ofSeconds(1);
    /** How often plugins that go on failing are summed up in the log. */
    static final Duration SUMMARY_EVERY = Duration.ofMinutes(10);

    private final Source source;
    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final CounterReadings.Scoped counters;
    private final AtomicLong cycles = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong problems = new AtomicLong();
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final Map<String, AtomicLong> pluginProblems = new ConcurrentHashMap<>();
    private final Map<String, PluginHealth> health = new ConcurrentHashMap<>();
    private volatile long lastSummaryMillis;
    // The source's own failure as last logged (a dead munin-node, a hanging endpoint), how many cycles in a row it
    // came back the same, and when it was last logged: logged once, then summed up every SUMMARY_EVERY, never a
    // line a cycle (a dead node at 5 s was 17,000 lines a day).
    private String loggedFailure;
    private long loggedFailureCount;
    private long loggedFailureSince;
    private long loggedFailureAt;
    // Why the last collection brought nothing (failed, abandoned, skipped), null when it succeeded: readiness.
    private volatile String lastFailure;
    private volatile long lastDurationMillis;
    // A collection abandoned after its timeout; while it still runs, later cycles are skipped rather than piling
    // up threads stuck on the same dead socket or process.
    private volatile Thread abandoned;

    SourceRunner(Source source, Duration interval, Duration timeout, Clock clock, CounterReadings counters) {
        this.source = source;
        this.interval = interval;
        this.timeout = timeout;
        this.clock = clock;
        this.counters = counters.forSource(source.name());
    }

    Source source() {
        return source;
    }

    Duration interval() {
        return interval;
    }

    Duration timeout() {
        return timeout;
    }

    List<SampleBatch> collect(String host, long timestamp) {
        Thread previous = abandoned;
        if (previous != null && previous.isAlive()) {
            skipped.incrementAndGet();
            lastFailure = "cycle skipped, the collection abandoned earlier is still running";
            remember(source.name() + ": " + lastFailure);
            return List.of();
        }
        abandoned = null;
        cycles.incrementAndGet();
        CompletableFuture<List<SampleBatch>> result = new CompletableFuture<>();
        long started = System.nanoTime();
        Report report = new Report();
        Cycle cycle = new Cycle(host, timestamp, report::problem, interval, started + timeout.toNanos(), clock,
                report, counters);
        Thread worker = Thread.ofVirtual().name("source-" + source.name()).start(() -> {
            try {
                result.complete(List.copyOf(source.collect(cycle)));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            List<SampleBatch> out = result.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
            lastDurationMillis = (System.nanoTime() - started) / 1_000_000;
            lastFailure = null;
            recovered();
            settle(report, true);
            return out;
        } catch (TimeoutException e) {
            timeouts.incrementAndGet();
            lastDurationMillis = timeout.toMillis();
            lastFailure = "abandoned after its timeout of " + timeout.toMillis() + " ms";
            abandoned = worker;
            worker.interrupt();
            remember(source.name() + ": abandoned after its timeout of " + timeout.toMillis() + " ms");
            logFailure("abandoned after its timeout of " + timeout.toMillis() + " ms", null);
            settle(report, false);
            return List.of();
        } catch (ExecutionException e) {
            lastDurationMillis = (System.nanoTime() - started) / 1_000_000;
            failed(String.valueOf(e.getCause()));
            // An unreachable munin-node or endpoint fails every cycle: its stack only when asked for (debug), and for
            // what is not I/O (a bug deserves its stack).
            if (e.getCause() instanceof java.io.IOException) {
                logFailure("collection failed: " + e.getCause().getMessage(), null);
                LOG.debug("source {}: collection failed", source.name(), e.getCause());
            } else {
                logFailure("collection failed: " + e.getCause(), e.getCause());
            }
            settle(report, false);
            return List.of();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /**
     * Logs the source's failure when it is new (or another than the last), else once every {@link #SUMMARY_EVERY}
     * with how many cycles in a row it came back.
     */
    private synchronized void logFailure(String what, Throwable bug) {
        long now = clock.millis();
        if (what.equals(loggedFailure)) {
            loggedFailureCount++;
            if (now - loggedFailureAt >= SUMMARY_EVERY.toMillis()) {
                loggedFailureAt = now;
                LOG.warn("source {}: still failing, {} cycles in a row since {}: {}", source.name(), loggedFailureCount,
                        Instant.ofEpochMilli(loggedFailureSince), what);
            }
            return;
        }
        loggedFailure = what;
        loggedFailureCount = 1;
        loggedFailureSince = now;
        loggedFailureAt = now;
        String once = " (logged once; summed up every " + SUMMARY_EVERY.toMinutes() + " min while it goes on)";
        if (bug != null) {
            LOG.warn("source {}: {}{}", source.name(), what, once, bug);
        } else {
            LOG.warn("source {}: {}{}", source.name(), what, once);
        }
    }

    private synchronized void recovered() {
        if (loggedFailure != null) {
            LOG.info("source {}: collecting again after {} failed cycle(s) (last: {})", source.name(),
                    loggedFailureCount, loggedFailure);
            loggedFailure = null;
        }
    }

    void failed(String why) {
        failures.incrementAndGet();
        lastFailure = why;
        remember(source.name() + ": " + why);
    }

    void appended(List<SampleBatch> list) {
        batches.addAndGet(list.size());
        long values = 0;
        for (SampleBatch b : list) {
            values += b.values().size();
        }
        samples.addAndGet(values);
    }

    /** What one collection said of each plugin; the worst of its reports wins. */
    private final class Report implements PluginOutcomes {
        private final Map<String, PluginHealth> outcomes = new LinkedHashMap<>();
        private boolean toldOutcomes;

        void problem(String plugin, String message) {
            problems.incrementAndGet();
            pluginProblems.computeIfAbsent(plugin, p -> new AtomicLong()).incrementAndGet();
            boolean first;
            synchronized (this) {
                first = !outcomes.containsKey(plugin) || outcomes.get(plugin).state() == State.OK;
            }
            if (first) {
                // one line per plugin and cycle: a plugin printing garbage does not push the others out
                remember(source.name() + ", plugin " + plugin + ": " + message);
            }
            put(plugin, State.BAD_OUTPUT, message, null);
        }

        @Override
        public void ok(String plugin) {
            put(plugin, State.OK, "", null);
        }

        @Override
        public void timedOut(String plugin, String detail) {
            remember(source.name() + ", plugin " + plugin + ": " + detail);
            put(plugin, State.TIMED_OUT, detail, null);
        }

        @Override
        public void failed(String plugin, Integer exitCode, String detail) {
            remember(source.name() + ", plugin " + plugin + ": " + detail);
            put(plugin, State.FAILED, detail, exitCode);
        }

        private synchronized void put(String plugin, State state, String detail, Integer exitCode) {
            if (state != State.BAD_OUTPUT) {
                toldOutcomes = true;
            }
            PluginHealth before = outcomes.get(plugin);
            if (before == null || rank(state) > rank(before.state())) {
                outcomes.put(plugin, new PluginHealth(source.name(), plugin, state, detail, exitCode, 0, 0, 0));
            }
        }

        synchronized Map<String, PluginHealth> outcomes() {
            return new LinkedHashMap<>(outcomes);
        }

        synchronized boolean toldOutcomes() {
            return toldOutcomes;
        }
    }

    private static int rank(State s) {
        return switch (s) {
            case OK -> 0;
            case BAD_OUTPUT -> 1;
            case TIMED_OUT, FAILED -> 2;
        };
    }

    /**
     * Folds one collection's outcomes into each plugin's health, logs plugins that start failing or recover, and
     * sums up those still failing every {@link #SUMMARY_EVERY}.
     *
     * @param completed whether the source returned: then plugins it no longer mentions recovered (a source that
     *     reports bad lines only) or are gone (one that reports every plugin's outcome)
     */
    private void settle(Report report, boolean completed) {
        long now = clock.millis();
        Map<String, PluginHealth> outcomes = report.outcomes();
        // A plugin with a bad line but a value: a bad output even when the source told it ok.
        for (Map.Entry<String, PluginHealth> e : outcomes.entrySet()) {
            PluginHealth o = e.getValue();
            PluginHealth before = health.get(e.getKey());
            PluginHealth next;
            boolean success = o.state() == State.OK || o.state() == State.BAD_OUTPUT;
            long lastSuccess = success ? now : before == null ? 0 : before.lastSuccessMillis();
            if (before != null && before.state() == o.state() && java.util.Objects.equals(before.exitCode(),
                    o.exitCode())) {
                next = new PluginHealth(source.name(), o.plugin(), o.state(), o.detail(), o.exitCode(),
                        before.sinceMillis(), lastSuccess, before.count() + 1);
            } else {
                next = new PluginHealth(source.name(), o.plugin(), o.state(), o.detail(), o.exitCode(), now,
                        lastSuccess, 1);
                changed(before, next);
            }
            health.put(e.getKey(), next);
        }
        if (completed) {
            Set<String> silent = new HashSet<>(health.keySet());
            silent.removeAll(outcomes.keySet());
            for (String plugin : silent) {
                PluginHealth before = health.get(plugin);
                if (report.toldOutcomes()) {
                    health.remove(plugin);
                } else if (before.state() != State.OK) {
                    PluginHealth next = new PluginHealth(source.name(), plugin, State.OK, "", null, now, now, 1);
                    changed(before, next);
                    health.put(plugin, next);
                }
            }
        }
        if (now - lastSummaryMillis >= SUMMARY_EVERY.toMillis()) {
            if (lastSummaryMillis != 0) {
                summary();
            }
            lastSummaryMillis = now;
        }
    }

    private void changed(PluginHealth before, PluginHealth next) {
        if (next.state() == State.OK) {
            if (before != null) {
                LOG.info("source {}, plugin {}: ok again (was {})", source.name(), next.plugin(),
                        before.state().label());
            }
        } else {
            LOG.warn("source {}, plugin {}: {}: {} (logged once; still failing plugins are summed up every {} min)",
                    source.name(), next.plugin(), next.state().label(), next.detail(), SUMMARY_EVERY.toMinutes());
        }
    }

    private void summary() {
        List<String> failing = new ArrayList<>();
        for (PluginHealth h : health.values()) {
            if (h.state() != State.OK) {
                failing.add(h.plugin() + " " + h.state().label() + " " + h.count() + " time(s) in a row, last: "
                        + h.detail());
            }
        }
        if (!failing.isEmpty()) {
            failing.sort(null);
            LOG.warn("source {}: {} plugin(s) still failing: {}", source.name(), failing.size(),
                    String.join("; ", failing));
        }
    }

    private void remember(String text) {
        synchronized (recent) {
            if (recent.size() == RECENT) {
                recent.removeFirst();
            }
            recent.addLast(text);
        }
    }

    SourceStats stats() {
        List<String> last;
        synchronized (recent) {
            last = List.copyOf(recent);
        }
        return new SourceStats(source.name(), cycles.get(), batches.get(), samples.get(), failures.get(),
                timeouts.get(), skipped.get(), problems.get(), lastDurationMillis, last);
    }

    /** Each plugin's health after its last collection, by plugin name. */
    List<PluginHealth> health() {
        return health.values().stream()
                .sorted(java.util.Comparator.comparing(PluginHealth::plugin)).toList();
    }

    /** Why the last collection brought nothing, or null when it succeeded (or none ran yet). */
    String lastFailure() {
        return lastFailure;
    }

    /** Problems (a plugin or line reported bad while the rest arrived) by plugin, since start. */
    Map<String, Long> pluginProblems() {
        Map<String, Long> out = new java.util.TreeMap<>();
        pluginProblems.forEach((plugin, n) -> out.put(plugin, n.get()));
        return out;
    }

    void close() {
        Thread t = abandoned;
        if (t != null) {
            t.interrupt();
        }
        if (source instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("source {}: close failed", source.name(), e);
            }
        }
    }
}
