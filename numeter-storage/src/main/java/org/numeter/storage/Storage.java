package org.numeter.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.alert.AlertEngine;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.link.Drain;
import org.numeter.spool.SpoolReader;
import org.numeter.store.Store;
import org.numeter.store.StoreWriteException;
import org.numeter.store.WriteResult;
import org.numeter.telemetry.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage role: drains its upstreams (collectors over the pull link, or the in-process spool of
 * {@code numeter standalone}) into the store on a schedule, and serves the store's API. The store is the caller's:
 * the role does not close it.
 *
 * <pre>{@code
 * Storage storage = Storage.builder().store(store).upstream("collector1", reader)
 *         .interval(Duration.ofSeconds(10)).bind("0.0.0.0").port(8082).build();
 * storage.start();
 * }</pre>
 */
public final class Storage implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private final Store store;
    private final Map<String, SpoolReader> upstreams;
    private final Duration interval;
    private final int pageSize;
    private final StoreSink sink;
    private final List<Drain> drains = new ArrayList<>();
    private static final long STORE_PROBLEM_LOG_MILLIS = 60_000;
    /** How the check's detail begins while the start replays the journal (see {@link RrdStore#replay()}). */
    static final String REPLAYING_JOURNAL = "replaying the journal of the last run";

    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<StoreWriteException.Kind, Long> storeProblemLogged = new ConcurrentHashMap<>();
    private final AtomicLong drainErrors = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final Clock clock;
    private final StorageServer.Builder api;
    private StorageServer server;
    private final AlertEngine alerts;
    private volatile long lastRoundMillis;
    private ScheduledExecutorService scheduler;
    private final Telemetry given;
    private Telemetry.Lease telemetry;

    private Storage(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.upstreams = new LinkedHashMap<>(b.upstreams);
        this.interval = b.interval;
        this.pageSize = b.pageSize;
        this.clock = b.clock;
        this.alerts = b.alerts;
        this.sink = new StoreSink(store, b.writeSize, alerts == null ? org.numeter.store.WriteListener.NONE : alerts);
        for (var e : upstreams.entrySet()) {
            drains.add(new Drain(e.getKey(), e.getValue(), sink, pageSize, clock));
        }
        this.given = b.telemetry;
        this.api = b.api ? StorageServer.builder().store(store).bind(b.bind).port(b.port).token(b.token)
                .clock(clock).status(this::figures).health(this::check).phase(this::phase).staleAfter(b.staleAfter)
                .alerts(alerts) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The store, the upstreams and the settings; only the store is required. */
    public static final class Builder {
        private Store store;
        private final Map<String, SpoolReader> upstreams = new LinkedHashMap<>();
        private Duration interval = Duration.ofSeconds(10);
        private int pageSize = 2000;
        private int writeSize = 5000;
        private boolean api = true;
        private String bind = "0.0.0.0";
        private int port = 8082;
        private String token;
        private Clock clock = Clock.systemUTC();
        private Telemetry telemetry;
        private AlertEngine alerts;
        private Duration staleAfter = Duration.ofMinutes(5);

        private Builder() {}

        /**
         * The process's telemetry: the storage's figures and check go there, and its API serves {@code /health},
         * {@code /ready} and {@code /metrics} from it. By default one of its own.
         */
        public Builder telemetry(Telemetry telemetry) {
            this.telemetry = telemetry;
            return this;
        }

        /**
         * The alert engine (started and closed by the caller): told of every point written, and served on the API
         * under {@code /api/v1/alerts}. None by default.
         */
        public Builder alerts(AlertEngine alerts) {
            this.alerts = alerts;
            return this;
        }

        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        /** An upstream to drain, named for logs and status (e.g. the collector's URL without credentials). */
        public Builder upstream(String name, SpoolReader reader) {
            if (upstreams.putIfAbsent(Objects.requireNonNull(name, "name"), Objects.requireNonNull(reader))
                    != null) {
                throw new IllegalArgumentException("upstream '" + name + "' is given twice");
            }
            return this;
        }

        /** Time between two drains of every upstream (default 10 s). */
        public Builder interval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval " + interval + " must be positive");
            }
            this.interval = interval;
            return this;
        }

        /** Records read from an upstream at once (default 2,000). */
        public Builder pageSize(int pageSize) {
            if (pageSize <= 0) {
                throw new IllegalArgumentException("page size " + pageSize + " must be positive");
            }
            this.pageSize = pageSize;
            return this;
        }

        /** Batches handed to the store in one write (default 5,000). */
        public Builder writeSize(int writeSize) {
            if (writeSize <= 0) {
                throw new IllegalArgumentException("write size " + writeSize + " must be positive");
            }
            this.writeSize = writeSize;
            return this;
        }

        /** Whether to serve the HTTP API (default true). */
        public Builder api(boolean api) {
            this.api = api;
            return this;
        }

        public Builder bind(String bind) {
            this.bind = Objects.requireNonNull(bind, "bind");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A host whose last update is older than this is reported stale by the API (default 5 minutes). */
        public Builder staleAfter(Duration staleAfter) {
            this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
            return this;
        }

        /** The bearer token the API requires, or null for none. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Storage build() {
            return new Storage(this);
        }
    }

    @Override
    public synchronized void start() throws Exception {
        if (scheduler != null) {
            return;
        }
        telemetry = Telemetry.lease(given);
        StorageFigures.bind(telemetry.meters(), this);
        if (api != null) {
            server = api.telemetry(telemetry.telemetry()).build();
            server.start();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-drain");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::drainQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The schedule's task: nothing it meets may end the schedule, which would stop ingestion for good. */
    private void drainQuietly() {
        try {
            drainNow();
        } catch (Throwable e) {
            LOG.error("draining failed; the next round is in {}", interval, e);
        }
    }

    /**
     * Drains every upstream once, now; an upstream that fails is logged and left for the next round. A failure of
     * the store itself ({@link StoreWriteException}: disk full, read-only, I/O) leaves the page with the upstream,
     * shows in the status with its path, and is logged once a minute while it lasts.
     */
    public long drainNow() {
        long moved = 0;
        synchronized (drains) {
            int i = 0;
            for (String name : upstreams.keySet()) {
                Drain d = drains.get(i++);
                try {
                    moved += d.drainOnce();
                    String was = failures.remove(name);
                    if (was != null) {
                        LOG.info("{} drains again (it failed: {})", name, was);
                    }
                } catch (Throwable e) {
                    drainErrors.incrementAndGet();
                    failed(name, e);
                }
            }
            rounds.incrementAndGet();
            lastRoundMillis = clock.millis();
        }
        return moved;
    }

    private void failed(String upstream, Throwable e) {
        if (e instanceof StoreWriteException w) {
            String previous = failures.put(upstream, w.getMessage());
            long now = clock.millis();
            Long last = storeProblemLogged.get(w.kind());
            if (previous == null || last == null || now - last >= STORE_PROBLEM_LOG_MILLIS) {
                storeProblemLogged.put(w.kind(), now);
                LOG.warn("{}: {}; the page stays with the upstream and is tried again every {}, and ingestion"
                        + " resumes by itself when this is fixed (logged again each minute while it lasts)",
                        upstream, w.getMessage(), interval.toMillis() < 1000 ? interval.toMillis() + " ms"
                                : interval.toSeconds() + " s");
            }
            return;
        }
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!why.equals(failures.put(upstream, why))) {
            if (e instanceof Error) {
                LOG.error("{} failed: {}", upstream, why, e);
            } else {
                LOG.warn("{} failed: {}", upstream, why);
            }
        }
    }

    /** The ingest counters, as the status endpoint shows them. */
    public Map<String, Object> figures() {
        WriteResult w = sink.written();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", sink.records());
        out.put("malformed", sink.malformed());
        out.put("batches", w.batches());
        out.put("points", w.points());
        out.put("duplicates", w.duplicates());
        out.put("late", w.late());
        out.put("future", w.future());
        out.put("rejected", w.rejected());
        out.put("upstreams", upstreams.size());
        out.put("drainErrors", drainErrors.get());
        out.put("drainRounds", rounds.get());
        out.put("lastDrain", lastRoundMillis / 1000);
        out.put("failing", new TreeMap<>(failures));
        if (alerts != null) {
            out.put("alerts", alerts.figures());
        }
        if (store instanceof RrdStore rrd) {
            out.put("openFiles", rrd.openFiles());
            out.put("layoutWarnings", rrd.layoutWarnings().size());
            out.put("quarantined", rrd.quarantinedFiles());
            out.put("quarantineDir", rrd.quarantineDir().toString());
            out.put("filesChecked", rrd.checkedAgainstFiles() ? "done" : rrd.filesChecked() + " so far");
            out.put("pendingBytes", rrd.pendingBytes());
            out.put("writeBehind", writeBehind(rrd));
            out.put("replay", replay(rrd.replay()));
            out.put("filesToMake", rrd.deferredFiles());
            out.put("unfinishedDeleted", rrd.unfinishedFilesDeleted());
            out.put("writeFailures", rrd.writeFailures());
            StoreWriteException last = rrd.lastWriteFailure();
            out.put("lastWriteFailure", last == null ? null : Map.of("kind", last.kind().label(), "path",
                    last.path(), "message", last.getMessage()));
            out.put("timeFaultsByHost", rrd.timeFaults().byHost());
            if (rrd.indexProblem() != null) {
                out.put("indexProblem", rrd.indexProblem());
            }
        }
        return out;
    }

    /** The write-behind's figures (docs/api.md): what waits in memory, and what a quarantine did with it. */
    private static Map<String, Object> writeBehind(RrdStore rrd) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pendingBytes", rrd.pendingBytes());
        long oldest = rrd.oldestPendingMillis();
        out.put("oldestPendingSeconds", oldest < 0 ? null : oldest / 1000);
        out.put("quarantineKeptPoints", rrd.quarantineKeptPoints());
        out.put("quarantineDroppedPoints", rrd.quarantineDroppedPoints());
        return out;
    }

    private static Map<String, Object> replay(RrdStore.Replay r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", r.state().label());
        out.put("segments", r.segments());
        out.put("records", r.records());
        out.put("bytes", r.bytes());
        out.put("totalBytes", r.totalBytes());
        out.put("corruptRecords", r.corruptRecords());
        out.put("tornBytes", r.tornBytes());
        out.put("started", r.started() == null ? null : r.started().truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("ended", r.ended() == null ? null : r.ended().truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("problem", r.problem());
        return out;
    }

    /** {@code REPLAYING} while the start replays the journal of the last run, else null. */
    private String phase() {
        return store instanceof RrdStore rrd && rrd.replayState() == RrdStore.ReplayState.REPLAYING ? "REPLAYING"
                : null;
    }

    /** Hosts whose last update is older than the stale threshold (0 when the API is not served). */
    public long staleHosts() throws java.io.IOException {
        return server == null ? 0 : server.staleHosts();
    }

    public StoreSink sink() {
        return sink;
    }

    /** The API's port once started (0 was given: a free one). */
    public int port() {
        if (server == null) {
            throw new IllegalStateException(api == null ? "the API is not served" : "the storage is not started");
        }
        return server.port();
    }

    /**
     * Ready when at least one upstream answers (or it has none: it is fed through RabbitMQ or the API only);
     * degraded while some upstreams fail, each named with why, or while files keep other archives than configured.
     */
    @Override
    public CheckResult check() {
        if (store instanceof RrdStore rrd && rrd.replayState() == RrdStore.ReplayState.REPLAYING) {
            RrdStore.Replay r = rrd.replay();
            return CheckResult.failed(String.format(java.util.Locale.ROOT, "%s: %,d records, %,d of %,d bytes so far"
                    + " (since %s); writes wait for it, reads answer what the files hold", REPLAYING_JOURNAL,
                    r.records(), r.bytes(), r.totalBytes(), r.started().truncatedTo(ChronoUnit.SECONDS)));
        }
        List<String> failing = failures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
        if (!upstreams.isEmpty() && failing.size() == upstreams.size()) {
            return CheckResult.failed("every upstream fails: " + String.join("; ", failing));
        }
        if (!failing.isEmpty()) {
            return CheckResult.degraded(failing.size() + " of " + upstreams.size() + " upstreams failing: "
                    + String.join("; ", failing));
        }
        List<String> notes = new ArrayList<>();
        if (alerts != null && !alerts.check().ok()) {
            // the alert engine's trouble (its journal) does not stop a point from being stored
            notes.add("alerts: " + alerts.check().detail());
        }
        if (store instanceof RrdStore rrd) {
            if (!rrd.layoutWarnings().isEmpty()) {
                notes.add(rrd.layoutWarnings().size() + " files keep archives other than the configured ones, e.g. "
                        + rrd.layoutWarnings().get(0));
            }
            if (rrd.quarantinedFiles() > 0) {
                notes.add(rrd.quarantinedFiles() + " files in " + rrd.quarantineDir()
                        + " (the log says why each went there)");
            }
            if (rrd.quarantineDroppedPoints() > 0) {
                notes.add(rrd.quarantineDroppedPoints() + " points that waited to be written were lost with"
                        + " quarantined files (the log names each plugin)");
            }
            RrdStore.Replay replay = rrd.replay();
            if (replay.corruptRecords() > 0) {
                notes.add("the start skipped " + replay.corruptRecords() + " corrupt records of the journal (the log"
                        + " names each file and offset)");
            }
        }
        return notes.isEmpty() ? new CheckResult(true, upstreams.size() + " upstreams answering")
                : CheckResult.degraded(String.join("; ", notes));
    }

    Map<String, SpoolReader> upstreams() {
        return upstreams;
    }

    List<Drain> drains() {
        return drains;
    }

    long drainRounds() {
        return rounds.get();
    }

    long lastRoundMillis() {
        return lastRoundMillis;
    }

    Store store() {
        return store;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
        if (server != null) {
            server.close();
        }
        if (telemetry != null) {
            telemetry.close();
            telemetry = null;
        }
    }

    @Override
    public String toString() {
        return "Storage{upstreams=" + upstreams.keySet() + ", interval=" + interval + ", api="
                + (api == null ? "off" : server == null ? "not started" : server) + "}";
    }
}
