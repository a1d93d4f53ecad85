package org.numeter.poller;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.model.SampleBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One source with its schedule, its timeout and its counters. */
final class SourceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);
    private static final int RECENT = 20;

    private final Source source;
    private final Duration interval;
    private final Duration timeout;
    private final AtomicLong cycles = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong problems = new AtomicLong();
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final Map<String, AtomicLong> pluginProblems = new ConcurrentHashMap<>();
    // Why the last collection brought nothing (failed, abandoned, skipped), null when it succeeded: readiness.
    private volatile String lastFailure;
    private volatile long lastDurationMillis;
    // A collection abandoned after its timeout; while it still runs, later cycles are skipped rather than piling
    // up threads stuck on the same dead socket or process.
    private volatile Thread abandoned;

    SourceRunner(Source source, Duration interval, Duration timeout) {
        this.source = source;
        this.interval = interval;
        this.timeout = timeout;
    }

    Source source() {
        return source;
    }

    Duration interval() {
        return interval;
    }

    long align(long nowMillis) {
        long step = interval.toSeconds();
        long seconds = nowMillis / 1000;
        return seconds - seconds % step;
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
        Cycle cycle = new Cycle(host, timestamp, this::problem);
        long started = System.nanoTime();
        Thread worker = Thread.ofVirtual().name("source-" + source.name()).start(() -> {
            try {
                result.complete(List.copyOf(source.collect(cycle)));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            List<SampleBatch> out = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            lastDurationMillis = (System.nanoTime() - started) / 1_000_000;
            lastFailure = null;
            return out;
        } catch (TimeoutException e) {
            timeouts.incrementAndGet();
            lastDurationMillis = timeout.toMillis();
            lastFailure = "abandoned after its timeout of " + timeout.toMillis() + " ms";
            abandoned = worker;
            worker.interrupt();
            remember(source.name() + ": abandoned after its timeout of " + timeout.toMillis() + " ms");
            LOG.warn("source {}: abandoned after its timeout of {} ms", source.name(), timeout.toMillis());
            return List.of();
        } catch (ExecutionException e) {
            lastDurationMillis = (System.nanoTime() - started) / 1_000_000;
            failed(String.valueOf(e.getCause()));
            // An unreachable munin-node or endpoint fails every cycle: one line each time, the trace only once
            // asked for (debug), and for what is not I/O (a bug deserves its stack).
            if (e.getCause() instanceof java.io.IOException) {
                LOG.warn("source {}: collection failed: {}", source.name(), e.getCause().getMessage());
                LOG.debug("source {}: collection failed", source.name(), e.getCause());
            } else {
                LOG.warn("source {}: collection failed", source.name(), e.getCause());
            }
            return List.of();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return List.of();
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

    private void problem(String plugin, String message) {
        problems.incrementAndGet();
        pluginProblems.computeIfAbsent(plugin, p -> new AtomicLong()).incrementAndGet();
        String text = source.name() + ", plugin " + plugin + ": " + message;
        remember(text);
        LOG.warn("source {}, plugin {}: {}", source.name(), plugin, message);
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
