package org.numeter.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.numeter.codec.Json;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.HostSummary;
import org.numeter.store.Store;
import org.numeter.store.WriteListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage's alert engine: judges every point the store writes against its field's limits, as it arrives, and
 * keeps each host, plugin and field's state. A change is appended to the journal (fsync) before the write returns,
 * so before the page is acknowledged upstream; after a restart the states come back from the journal and a
 * replayed point changes nothing. Host and plugin silences are found by a check every two seconds.
 *
 * <p>The cost in the write path is, per batch, two map lookups, and per point of a field with limits, a compare;
 * fields without limits cost one string compare.
 *
 * <pre>{@code
 * AlertEngine engine = AlertEngine.builder(dataDir.resolve("alerts")).store(store).build();
 * engine.start();
 * Storage.builder().store(store).listener(engine)...
 * }</pre>
 */
public final class AlertEngine implements WriteListener, Component {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    private static final FieldWatch[] NONE = new FieldWatch[0];

    private final Path dir;
    private final Store store;
    private final Clock clock;
    private final int silenceIntervals;
    private final long hostSilence;
    private final long defaultInterval;
    private final long retention;
    private final long snapshotEvery;
    private final long journalMaxBytes;
    private final int historyLimit;
    private final Duration tick;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, HostWatch> hosts = new HashMap<>();
    /** Every state that is not OK, and the last change of every key (for replays), by {@link Change#key()}. */
    private final Map<String, Change> last = new ConcurrentHashMap<>();
    private final Deque<Change> history = new ArrayDeque<>();
    private final List<Change> unjournaled = new ArrayList<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong badLimits = new AtomicLong();
    private final AtomicLong journalFailures = new AtomicLong();
    private volatile RuleBook rules = RuleBook.empty();
    private volatile String failure;
    private int rulesVersion;
    private AlertJournal journal;
    private ScheduledExecutorService timer;
    private long lastSnapshotMillis;
    private long snapshotSeq;

    private AlertEngine(Builder b) {
        this.dir = b.dir;
        this.store = b.store;
        this.clock = b.clock;
        this.silenceIntervals = b.silenceIntervals;
        this.hostSilence = b.hostSilence == null ? 0 : b.hostSilence.toSeconds();
        this.defaultInterval = b.defaultInterval.toSeconds();
        this.retention = b.retention.toSeconds();
        this.snapshotEvery = b.snapshotEvery.toMillis();
        this.journalMaxBytes = b.journalMaxBytes;
        this.historyLimit = b.historyLimit;
        this.tick = b.tick;
    }

    /** @param dir the engine's own folder, e.g. {@code <data-dir>/alerts} */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Settings; only the folder is required. */
    public static final class Builder {
        private final Path dir;
        private Store store;
        private Clock clock = Clock.systemUTC();
        private int silenceIntervals = 5;
        private Duration hostSilence;
        private Duration defaultInterval = Duration.ofSeconds(60);
        private Duration retention = Duration.ofDays(30);
        private Duration snapshotEvery = Duration.ofSeconds(60);
        private Duration tick = Duration.ofSeconds(2);
        private long journalMaxBytes = 256L << 20;
        private int historyLimit = 100_000;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** Where plugins' metadata is read when a batch carries none (after a restart), and hosts' last times. */
        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A host (or plugin with limits) with no new point for this many of its intervals is UNKNOWN (default 5). */
        public Builder silenceIntervals(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("silence intervals " + n + " must be at least 1");
            }
            this.silenceIntervals = n;
            return this;
        }

        /**
         * A host with no new point for this long is UNKNOWN, whatever its interval: the storage's stale-host notion
         * ({@code storage.stale-after}). Unset: {@link #silenceIntervals} of the host's own interval.
         */
        public Builder hostSilence(Duration silence) {
            this.hostSilence = silence;
            return this;
        }

        /** The interval assumed for a host until two of its points tell (default 60 s: the poller's default). */
        public Builder defaultInterval(Duration interval) {
            if (interval.toSeconds() < 1) {
                throw new IllegalArgumentException("default interval " + interval + " must be at least 1 s");
            }
            this.defaultInterval = interval;
            return this;
        }

        /** How long history is kept (default 30 days). */
        public Builder retention(Duration retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** How often the states are written whole, when they changed (default 60 s). */
        public Builder snapshotEvery(Duration every) {
            this.snapshotEvery = Objects.requireNonNull(every, "snapshotEvery");
            return this;
        }

        /** How often silences are looked for (default 2 s). */
        public Builder tick(Duration tick) {
            this.tick = Objects.requireNonNull(tick, "tick");
            return this;
        }

        /** The most history kept in memory for the history API (default 100,000 changes). */
        public Builder historyLimit(int limit) {
            this.historyLimit = limit;
            return this;
        }

        public AlertEngine build() {
            return new AlertEngine(this);
        }
    }

    /** A host's last point, its plugins' interval (the last learned), and whether it is silent. */
    private static final class HostWatch {
        long lastTs;
        long interval;
        boolean silent;
    }

    /**
     * One plugin's fields, by position in its metadata (a batch's values usually come in the same order). Names are
     * canonical strings of the engine, shared by every plugin that has them, so that comparing one with a batch's
     * reads memory that is already in the cache: at a hundred thousand series, cache misses are the cost.
     */
    private static final class PluginWatch {
        final String host;
        final String plugin;
        final HostWatch hostWatch;
        Plugin meta;
        long lastTs;
        long interval;
        long lastGap;
        String[] names = new String[0];
        FieldWatch[] fields = NONE;
        Map<String, Integer> index = Map.of();
        boolean watched;
        int version = -1;
        /**
         * Per field, by position, what the common point needs, in one array (one object to read, not seven): low and
         * high of its quiet band, previous reading and its time (for rates), flags, type. See {@link Judge}.
         */
        double[] slots = new double[0];

        PluginWatch(String host, String plugin, HostWatch hostWatch) {
            this.host = host;
            this.plugin = plugin;
            this.hostWatch = hostWatch;
        }

        /** The position of a batch's field, or -1 when it is not watched. */
        int position(int guess, String name) {
            int i;
            if (guess < names.length && names[guess].equals(name)) {
                i = guess;
            } else {
                Integer at = index.get(name);
                if (at == null) {
                    return -1;
                }
                i = at;
            }
            return ((int) slots[i * SLOTS + FLAGS] & WATCHED) == 0 ? -1 : i;
        }

        /** After a field's state machine ran: whether its next points can skip it. */
        void settle(int i) {
            FieldWatch w = fields[i];
            int flags = (int) slots[i * SLOTS + FLAGS];
            flags = w != null && w.quiet() ? flags | QUIET : flags & ~QUIET;
            slots[i * SLOTS + FLAGS] = flags;
        }
    }

    private static final int SLOTS = 6;
    private static final int LOW = 0;
    private static final int HIGH = 1;
    private static final int PREVIOUS = 2;
    private static final int PREVIOUS_TIME = 3;
    private static final int FLAGS = 4;
    private static final int TYPE = 5;
    private static final int WATCHED = 1;
    private static final int QUIET = 2;
    private static final int PRIMED = 4;
    private static final FieldType[] TYPES = FieldType.values();

    /** The one instance of each host, plugin and field name the engine keeps (cold path only). */
    private final Map<String, String> canonical = new HashMap<>();

    private String canon(String name) {
        // the JVM's own instance: the JSON parser interns field names, so a decoded batch's names are these very objects
        return canonical.computeIfAbsent(name, String::intern);
    }

    /** One array of field names (and one index) per distinct list: the same plugin on every host shares them. */
    private final Map<List<String>, String[]> nameArrays = new HashMap<>();
    private final Map<List<String>, Map<String, Integer>> indexes = new HashMap<>();

    /**
     * Judges one batch's values in their order: reused for every batch of a write, so nothing is allocated. A point
     * of an OK field that stays within its limits (the common case) reads the plugin's arrays only; the field's
     * state machine runs when the value is outside them or the field is not plainly OK.
     */
    private final class Judge implements java.util.function.BiConsumer<String, Double> {
        PluginWatch pw;
        long ts;
        List<Change> found;
        int position;
        String lastHost;
        Map<String, PluginWatch> lastPlugins;

        @Override
        public void accept(String field, Double raw) {
            PluginWatch p = pw;
            int i = p.position(position++, field);
            if (i < 0) {
                return;
            }
            double[] slot = p.slots;
            int b = i * SLOTS;
            double r = raw;
            double value;
            FieldType type = TYPES[(int) slot[b + TYPE]];
            if (type == FieldType.GAUGE) {
                value = r;
            } else {
                int flags = (int) slot[b + FLAGS];
                if (FieldWatch.primes(type, (flags & PRIMED) != 0, slot[b + PREVIOUS], r)) {
                    slot[b + PREVIOUS] = r;
                    slot[b + PREVIOUS_TIME] = ts;
                    slot[b + FLAGS] = flags | PRIMED;
                    return;
                }
                value = FieldWatch.judged(type, slot[b + PREVIOUS], r, ts - (long) slot[b + PREVIOUS_TIME]);
                slot[b + PREVIOUS] = r;
                slot[b + PREVIOUS_TIME] = ts;
            }
            if (((int) slot[b + FLAGS] & QUIET) != 0 && value >= slot[b + LOW] && value <= slot[b + HIGH]) {
                return;
            }
            FieldWatch w = p.fields[i];
            AlertState before = w.state;
            AlertState now = w.judge(ts, value);
            p.settle(i);
            if (now != null) {
                found.add(fieldChange(p, w, before, now, ts, ts));
            }
        }
    }

    private final Map<String, Map<String, PluginWatch>> plugins = new HashMap<>();

    // ---- life

    @Override
    public void start() throws IOException {
        lock.lock();
        try {
            if (journal != null) {
                return;
            }
            journal = AlertJournal.open(dir, journalMaxBytes);
            restore();
            readRules();
        } finally {
            lock.unlock();
        }
        if (store != null) {
            long since = clock.instant().getEpochSecond() - 86_400;
            for (HostSummary h : store.hosts()) {
                if (h.lastUpdate() < since) {
                    // silent for over a day before alerting started: a host gone for good, not a new problem
                    continue;
                }
                lock.lock();
                try {
                    HostWatch w = host(h.id());
                    w.lastTs = Math.max(w.lastTs, h.lastUpdate());
                } finally {
                    lock.unlock();
                }
            }
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alert-engine");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tickQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restore() throws IOException {
        AlertJournal.Snapshot s = journal.loadSnapshot();
        for (Change c : s.states()) {
            last.put(c.key(), c);
        }
        s.intervals().forEach((h, i) -> host(h).interval = i);
        snapshotSeq = s.seq();
        long from = Math.max(s.seq(), 0);
        long replayed = 0;
        for (List<Change> page = journal.read(0, 1000); !page.isEmpty();
                page = journal.read(page.get(page.size() - 1).seq(), 1000)) {
            for (Change c : page) {
                remember(c);
                if (c.seq() > from) {
                    last.put(c.key(), c);
                    replayed++;
                }
            }
        }
        for (Change c : last.values()) {
            if (c.plugin() == null && c.to() == AlertState.UNKNOWN) {
                host(c.host()).silent = true;
            }
        }
        long open = last.values().stream().filter(c -> c.to() != AlertState.OK).count();
        LOG.info("{}: {} problems, {} changes in history (snapshot at {}, {} replayed from the journal)", dir, open,
                history.size(), s.seq(), replayed);
    }

    private void readRules() throws IOException {
        Path file = dir.resolve("rules.json");
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<Rule> list = Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<List<Rule>>() {});
            rules = new RuleBook(list);
            rulesVersion++;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("{}: unreadable ({}); no rule applies until the web sends them again", file, e.getMessage());
        }
    }

    // ---- the write path

    @Override
    public void written(List<SampleBatch> batches) throws IOException {
        List<Change> found = new ArrayList<>();
        lock.lock();
        try {
            ensureStarted();
            RuleBook book = rules;
            Judge judge = new Judge();
            for (SampleBatch b : batches) {
                observe(b, book, found, judge);
            }
            commit(found);
        } finally {
            lock.unlock();
        }
    }

    private void observe(SampleBatch b, RuleBook book, List<Change> found, Judge judge) {
        String host = b.host();
        long ts = b.timestamp();
        // a page holds one poller's batches one after another: its host's plugins are usually the last ones looked up
        Map<String, PluginWatch> byPlugin;
        if (host.equals(judge.lastHost)) {
            byPlugin = judge.lastPlugins;
        } else {
            byPlugin = plugins.get(host);
            judge.lastHost = byPlugin == null ? null : host;
            judge.lastPlugins = byPlugin;
        }
        PluginWatch pw = byPlugin == null ? null : byPlugin.get(b.plugin());
        if (pw == null) {
            String h = canon(host);
            HostWatch w = host(h);
            pw = plugins.computeIfAbsent(h, k -> new HashMap<>()).computeIfAbsent(canon(b.plugin()),
                    p -> new PluginWatch(h, p, w));
        }
        HostWatch hw = pw.hostWatch;
        if (ts > hw.lastTs) {
            hw.lastTs = ts;
            if (hw.silent) {
                hw.silent = false;
                found.add(change(ts, ts, host, null, null, AlertState.UNKNOWN, AlertState.OK, null, null,
                        "data again, at " + Instant.ofEpochSecond(ts)));
            }
        }
        if (b.meta() != null && !b.meta().equals(pw.meta)) {
            pw.meta = b.meta();
            pw.version = -1;
        } else if (pw.meta == null && pw.version == -1 && store != null) {
            pw.meta = storedMeta(host, b.plugin());
        }
        if (pw.version != rulesVersion) {
            describe(pw, book, ts, found);
        }
        if (ts <= pw.lastTs) {
            return;
        }
        if (pw.lastTs > 0) {
            long gap = ts - pw.lastTs;
            // The longer of its last two gaps, and no less than the default before two are known: a poller's first
            // cycle comes at the next whole second and its second on the interval's boundary, so a plugin's first
            // gap can be one second, and five of those made it UNKNOWN before its third point.
            pw.interval = pw.lastGap == 0 ? Math.max(gap, defaultInterval) : Math.max(gap, pw.lastGap);
            pw.lastGap = gap;
            // The host's interval is its plugins' (the last one's): the time between two points of different
            // plugins is not, since a poller stamps each value with the second it was read, a second or two apart
            // within one cycle.
            hw.interval = pw.interval;
        }
        pw.lastTs = ts;
        if (!pw.watched) {
            return;
        }
        judge.pw = pw;
        judge.ts = ts;
        judge.found = found;
        judge.position = 0;
        b.values().forEach(judge);
    }

    private Plugin storedMeta(String host, String plugin) {
        try {
            return store.plugin(host, plugin).orElse(null);
        } catch (IOException e) {
            LOG.warn("host {}, plugin {}: metadata unreadable, its limits wait for the next metadata: {}", host,
                    plugin, e.getMessage());
            return null;
        }
    }

    /** (Re)builds a plugin's watches from its metadata and the rules; a field whose limits went ends OK. */
    private void describe(PluginWatch pw, RuleBook book, long now, List<Change> found) {
        pw.version = rulesVersion;
        Map<String, FieldWatch> old = new HashMap<>();
        for (FieldWatch w : pw.fields) {
            if (w != null) {
                old.put(w.name, w);
            }
        }
        List<Field> fields = pw.meta == null ? List.of() : pw.meta.fields();
        String[] names = new String[fields.size()];
        FieldWatch[] watches = new FieldWatch[fields.size()];
        double[] slots = new double[fields.size() * SLOTS];
        Map<String, Integer> index = new HashMap<>();
        boolean watched = false;
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            names[i] = canon(f.name());
            index.put(names[i], i);
            Thresholds t = book.resolve(pw.host, pw.plugin, f, this::badLimit);
            FieldWatch w = old.remove(f.name());
            if (t == null) {
                if (w != null && w.state != AlertState.OK) {
                    AlertState before = w.state;
                    w.thresholds = null;
                    w.become(AlertState.OK, pw.lastTs);
                    found.add(fieldChange(pw, w, before, AlertState.OK, now, pw.lastTs));
                }
                continue;
            }
            if (w == null) {
                w = new FieldWatch(names[i], f, t);
                Change c = last.get(Change.key(pw.host, pw.plugin, f.name()));
                if (c != null) {
                    w.state = c.to();
                    w.judgedUpTo = c.point();
                }
            } else {
                w.describe(f, t);
            }
            watches[i] = w;
            watched = true;
            int b = i * SLOTS;
            slots[b + TYPE] = f.type().ordinal();
            slots[b + LOW] = w.quietLow();
            slots[b + HIGH] = w.quietHigh();
            int flags = WATCHED | (w.quiet() ? QUIET : 0);
            Integer was = pw.index.get(names[i]);
            if (was != null && (was + 1) * SLOTS <= pw.slots.length && pw.slots[was * SLOTS + TYPE] == f.type().ordinal()
                    && ((int) pw.slots[was * SLOTS + FLAGS] & WATCHED) != 0) {
                slots[b + PREVIOUS] = pw.slots[was * SLOTS + PREVIOUS];
                slots[b + PREVIOUS_TIME] = pw.slots[was * SLOTS + PREVIOUS_TIME];
                flags |= (int) pw.slots[was * SLOTS + FLAGS] & PRIMED;
            }
            slots[b + FLAGS] = flags;
        }
        for (FieldWatch gone : old.values()) {
            if (gone.state != AlertState.OK) {
                AlertState before = gone.state;
                gone.become(AlertState.OK, pw.lastTs);
                found.add(change(now, pw.lastTs, pw.host, pw.plugin, gone.name, before, AlertState.OK, null,
                        null, "the field is no longer in the plugin"));
            }
        }
        List<String> list = List.of(names);
        pw.names = nameArrays.computeIfAbsent(list, k -> names);
        pw.fields = watches;
        pw.slots = slots;
        Map<String, Integer> built = index;
        pw.index = indexes.computeIfAbsent(list, k -> built);
        pw.watched = watched;
    }

    private Change fieldChange(PluginWatch pw, FieldWatch w, AlertState from, AlertState to, long at, long point) {
        Thresholds t = w.thresholds;
        Double value = Double.isNaN(w.lastValue) || to == AlertState.UNKNOWN ? null : w.lastValue;
        String reason;
        String limit;
        if (to == AlertState.UNKNOWN) {
            limit = null;
            reason = t == null ? "unknown" : "unknown (U) " + t.unknownLimit() + " times in a row";
        } else if (t == null) {
            limit = null;
            reason = "no limit applies any more";
        } else if (to == AlertState.OK) {
            limit = t.limit(from);
            reason = "value " + Range.format(w.lastValue) + " back within " + (limit == null ? "limits" : limit)
                    + " (" + t.origin() + ")";
        } else {
            limit = t.limit(to);
            reason = "value " + Range.format(w.lastValue) + " " + t.describe(to, w.lastValue) + " (" + t.origin()
                    + ")";
        }
        return change(at, point, pw.host, pw.plugin, w.name, from, to, value, limit, reason);
    }

    private static Change change(long at, long point, String host, String plugin, String field, AlertState from,
            AlertState to, Double value, String threshold, String reason) {
        return new Change(0, at, point, host, plugin, field, from, to, value, threshold, reason);
    }

    private void badLimit(String message) {
        badLimits.incrementAndGet();
        if (reported.add(message)) {
            LOG.warn(message);
        }
    }

    /** Journals what was found (fsync), then makes it visible; what cannot be journaled is kept and retried. */
    private void commit(List<Change> found) throws IOException {
        if (found.isEmpty() && unjournaled.isEmpty()) {
            return;
        }
        List<Change> all = new ArrayList<>(unjournaled);
        all.addAll(found);
        List<Change> done;
        try {
            done = journal.append(all);
        } catch (IOException e) {
            unjournaled.clear();
            unjournaled.addAll(all);
            journalFailures.incrementAndGet();
            String why = "alert journal " + dir + ": " + e.getMessage();
            if (!why.equals(failure)) {
                LOG.error("{}; {} changes kept in memory and retried", why, all.size());
            }
            failure = why;
            throw e;
        }
        if (failure != null) {
            LOG.info("alert journal {} writes again", dir);
            failure = null;
        }
        unjournaled.clear();
        for (Change c : done) {
            last.put(c.key(), c);
            remember(c);
            changes.incrementAndGet();
            LOG.info("{} {}{}: {} -> {}: {}", c.host(), c.plugin() == null ? "" : c.plugin(),
                    c.field() == null ? "" : "." + c.field(), c.from(), c.to(), c.reason());
        }
    }

    private void remember(Change c) {
        history.addLast(c);
        while (history.size() > historyLimit) {
            history.removeFirst();
        }
    }

    private HostWatch host(String host) {
        return hosts.computeIfAbsent(host, h -> new HostWatch());
    }

    // ---- silences, snapshots, retention

    private void tickQuietly() {
        try {
            tickNow();
        } catch (IOException | RuntimeException e) {
            LOG.warn("alert check failed: {}", e.toString());
        }
    }

    /** Looks for silent hosts and plugins, and writes a snapshot when due; the timer calls it. */
    public void tickNow() throws IOException {
        lock.lock();
        try {
            ensureStarted();
            long now = clock.instant().getEpochSecond();
            List<Change> found = new ArrayList<>();
            for (var e : hosts.entrySet()) {
                HostWatch hw = e.getValue();
                long interval = hw.interval > 0 ? hw.interval : defaultInterval;
                long limit = hostSilence > 0 ? hostSilence : silenceIntervals * interval;
                if (!hw.silent && hw.lastTs > 0 && now - hw.lastTs > limit) {
                    hw.silent = true;
                    found.add(change(now, hw.lastTs, e.getKey(), null, null, AlertState.OK, AlertState.UNKNOWN,
                            null, null, hostSilence > 0 ? "no data since " + Instant.ofEpochSecond(hw.lastTs)
                                    + " (stale after " + hostSilence + " s)" : silence(hw.lastTs, interval)));
                }
            }
            for (Map<String, PluginWatch> byPlugin : plugins.values()) {
                for (PluginWatch pw : byPlugin.values()) {
                    if (!pw.watched || pw.lastTs == 0) {
                        continue;
                    }
                    HostWatch hw = hosts.get(pw.host);
                    if (hw != null && hw.silent) {
                        continue;
                    }
                    long interval = pw.interval > 0 ? pw.interval
                            : hw != null && hw.interval > 0 ? hw.interval : defaultInterval;
                    if (now - pw.lastTs <= silenceIntervals * interval) {
                        continue;
                    }
                    for (int i = 0; i < pw.fields.length; i++) {
                        FieldWatch w = pw.fields[i];
                        if (w != null && w.state != AlertState.UNKNOWN) {
                            AlertState before = w.state;
                            w.become(AlertState.UNKNOWN, pw.lastTs);
                            pw.settle(i);
                            found.add(change(now, pw.lastTs, pw.host, pw.plugin, w.name, before, AlertState.UNKNOWN,
                                    null, null, silence(pw.lastTs, interval)));
                        }
                    }
                }
            }
            commit(found);
            if (clock.millis() - lastSnapshotMillis >= snapshotEvery) {
                snapshot();
            }
        } finally {
            lock.unlock();
        }
    }

    private String silence(long lastTs, long interval) {
        return "no data since " + Instant.ofEpochSecond(lastTs) + " (" + silenceIntervals + " intervals of "
                + interval + " s)";
    }

    /** Writes the states whole when they changed since the last snapshot, then lets old history go. */
    private void snapshot() throws IOException {
        lastSnapshotMillis = clock.millis();
        long seq = journal.last();
        if (seq == snapshotSeq) {
            return;
        }
        long now = clock.instant().getEpochSecond();
        List<Change> keep = new ArrayList<>();
        for (Change c : last.values()) {
            // OK states are kept a day: enough for a replay after a restart to be recognised
            if (c.to() != AlertState.OK || now - c.at() < 86_400) {
                keep.add(c);
            } else {
                last.remove(c.key(), c);
            }
        }
        Map<String, Long> intervals = new LinkedHashMap<>();
        hosts.forEach((h, w) -> {
            if (w.interval > 0) {
                intervals.put(h, w.interval);
            }
        });
        journal.saveSnapshot(new AlertJournal.Snapshot(seq, intervals, keep));
        snapshotSeq = seq;
        long forget = 0;
        while (!history.isEmpty() && now - history.peekFirst().at() > retention) {
            forget = history.removeFirst().seq();
        }
        if (forget > 0) {
            journal.forget(Math.min(forget, seq));
        }
    }

    private void ensureStarted() {
        if (journal == null) {
            throw new IllegalStateException("the alert engine is not started");
        }
    }

    // ---- rules

    /**
     * Replaces the rules (views' thresholds, then the administrator's), writes them to {@code rules.json} so that a
     * restart keeps them, and applies them at once. A bad rule is an {@link IllegalArgumentException} and changes
     * nothing.
     */
    public void rules(List<Rule> list) throws IOException {
        RuleBook book = new RuleBook(list);
        lock.lock();
        try {
            ensureStarted();
            AtomicFile.write(dir.resolve("rules.json"), Json.mapper().writeValueAsBytes(book.rules()));
            rules = book;
            rulesVersion++;
            List<Change> found = new ArrayList<>();
            long now = clock.instant().getEpochSecond();
            for (Map<String, PluginWatch> byPlugin : plugins.values()) {
                for (PluginWatch pw : byPlugin.values()) {
                    describe(pw, book, now, found);
                }
            }
            commit(found);
        } finally {
            lock.unlock();
        }
    }

    public List<Rule> rules() {
        return rules.rules();
    }

    // ---- reading

    /** Every state that is not OK, worst first, then newest first. */
    public List<Change> problems() {
        List<Change> out = new ArrayList<>();
        for (Change c : last.values()) {
            if (c.to() != AlertState.OK) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingInt((Change c) -> -c.to().severity()).thenComparing(c -> -c.at()));
        return out;
    }

    /** State changes between two moments (epoch seconds, inclusive), of one host or all (null), oldest first. */
    public List<Change> history(String host, long from, long to, int max) {
        List<Change> out = new ArrayList<>();
        lock.lock();
        try {
            for (Change c : history) {
                if (c.at() >= from && c.at() <= to && (host == null || host.equals(c.host()))) {
                    out.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        return out.size() > max ? out.subList(out.size() - max, out.size()) : out;
    }

    /** A page of the change feed. */
    public record Feed(String epoch, long first, long last, List<Change> changes) {}

    /** Up to {@code max} changes after sequence {@code after}, from the journal. */
    public Feed changes(long after, int max) throws IOException {
        AlertJournal j = journal;
        if (j == null) {
            throw new IllegalStateException("the alert engine is not started");
        }
        return new Feed(j.epoch(), j.first(), j.last(), j.read(after, max));
    }

    /** One key's state, if it has one. */
    public Optional<Change> state(String host, String plugin, String field) {
        return Optional.ofNullable(last.get(Change.key(host, plugin, field)));
    }

    /** Figures for the storage's status. */
    public Map<String, Object> figures() {
        Map<String, Object> out = new LinkedHashMap<>();
        long watched = 0;
        lock.lock();
        try {
            for (Map<String, PluginWatch> byPlugin : plugins.values()) {
                for (PluginWatch pw : byPlugin.values()) {
                    for (FieldWatch w : pw.fields) {
                        if (w != null) {
                            watched++;
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        out.put("watchedFields", watched);
        out.put("problems", problems().size());
        out.put("changes", changes.get());
        out.put("rules", rules.rules().size());
        out.put("badLimits", badLimits.get());
        out.put("journalFailures", journalFailures.get());
        AlertJournal j = journal;
        out.put("lastChange", j == null ? 0 : j.last());
        return out;
    }

    @Override
    public CheckResult check() {
        if (journal == null) {
            return CheckResult.failed("the alert engine is not started");
        }
        String f = failure;
        return f == null ? CheckResult.OK : CheckResult.failed(f);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        lock.lock();
        try {
            if (journal != null) {
                try {
                    snapshot();
                } catch (IOException e) {
                    LOG.warn("{}: last snapshot not written ({}); the journal has every change", dir,
                            e.getMessage());
                }
                journal.close();
                journal = null;
            }
        } catch (IOException e) {
            LOG.warn("{}: closing the journal: {}", dir, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Closes the journal as a killed process would leave it: no last snapshot (tests). */
    void closeWithoutSnapshot() throws IOException {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        lock.lock();
        try {
            journal.close();
            journal = null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "AlertEngine{" + dir + ", silence after " + silenceIntervals + " intervals}";
    }
}
