package org.numeter.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.time.TimeFaults;
import org.numeter.time.TimePolicy;

/**
 * A {@link Store} in memory, for tests and demonstrations. It computes rates and primary points exactly as rrd4j
 * does (so it passes the same contract suite as the rrd4j store) but keeps every primary point, unbounded, and
 * consolidates when asked.
 */
public final class InMemoryStore implements Store {
    private final Archives archives;
    private final TimeFaults timeFaults;
    private final Map<String, Map<String, MemoryPlugin>> hosts = new TreeMap<>();
    private boolean closed;

    public InMemoryStore() {
        this(Archives.DEFAULT);
    }

    public InMemoryStore(Archives archives) {
        this(archives, TimePolicy.system());
    }

    public InMemoryStore(Archives archives, TimePolicy time) {
        this.archives = archives;
        this.timeFaults = new TimeFaults("memory store", time);
    }

    @Override
    public synchronized WriteResult write(List<SampleBatch> batches) {
        ensureOpen();
        long stored = 0;
        long points = 0;
        long duplicates = 0;
        long late = 0;
        long future = 0;
        List<SampleBatch> ordered = new ArrayList<>(batches);
        ordered.sort(Comparator.comparingLong(SampleBatch::timestamp));
        for (SampleBatch b : ordered) {
            long ahead = timeFaults.policy().refusedAhead(b.timestamp());
            if (ahead > 0) {
                future++;
                timeFaults.future(b.host(), b.plugin(), b.timestamp(), ahead);
                continue;
            }
            MemoryPlugin p = hosts.computeIfAbsent(b.host(), h -> new TreeMap<>())
                    .computeIfAbsent(b.plugin(), n -> new MemoryPlugin(Plugin.builder(n).build()));
            if (p.lastUpdate != 0 && b.timestamp() <= p.lastUpdate) {
                if (p.recent.isReplay(b.timestamp(), b.values().hashCode())) {
                    duplicates++;
                } else {
                    late++;
                    timeFaults.late(b.host(), b.plugin(), b.timestamp(), p.lastUpdate);
                }
                continue;
            }
            p.learn(b);
            p.pace(b);
            p.update(b);
            p.recent.add(b.timestamp(), b.values().hashCode());
            stored++;
            points += b.values().size();
        }
        return new WriteResult(stored, points, duplicates, late, future, 0);
    }

    @Override
    public synchronized List<HostSummary> hosts() {
        ensureOpen();
        List<HostSummary> out = new ArrayList<>();
        for (var e : hosts.entrySet()) {
            out.add(summary(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public synchronized Optional<HostSummary> host(String host) {
        ensureOpen();
        Map<String, MemoryPlugin> plugins = hosts.get(host);
        return plugins == null ? Optional.empty() : Optional.of(summary(host, plugins));
    }

    private HostSummary summary(String host, Map<String, MemoryPlugin> plugins) {
        long last = plugins.values().stream().mapToLong(p -> p.lastUpdate).max().orElse(0);
        TimeFaults.Counts faults = timeFaults.of(host);
        return new HostSummary(host, plugins.size(), last, faults.late(), faults.future(), faults.apart());
    }

    /** Points refused or dropped for their time, per host. */
    public TimeFaults timeFaults() {
        return timeFaults;
    }

    @Override
    public synchronized List<PluginSummary> plugins(String host) {
        ensureOpen();
        List<PluginSummary> out = new ArrayList<>();
        for (MemoryPlugin p : hosts.getOrDefault(host, Map.of()).values()) {
            out.add(new PluginSummary(p.meta.name(), p.meta.title(), p.meta.category(), p.lastUpdate));
        }
        return out;
    }

    @Override
    public synchronized Optional<Plugin> plugin(String host, String plugin) {
        ensureOpen();
        MemoryPlugin p = hosts.getOrDefault(host, Map.of()).get(plugin);
        return p == null ? Optional.empty() : Optional.of(p.meta);
    }

    @Override
    public synchronized Series fetch(SeriesQuery q) {
        ensureOpen();
        MemoryPlugin p = hosts.getOrDefault(q.host(), Map.of()).get(q.plugin());
        if (p == null) {
            throw new NoSuchElementException("host " + q.host() + ", plugin " + q.plugin() + " is not stored here");
        }
        List<String> fields = Stores.fieldsWanted(p.meta, q);
        QueryPlan plan = QueryPlan.of(archives, q, p.lastUpdate, fields.size());
        double[][] values = new double[fields.size()][plan.rows()];
        for (int f = 0; f < fields.size(); f++) {
            TreeMap<Long, Double> pdps = p.fields.get(fields.get(f)).pdps;
            for (int i = 0; i < plan.rows(); i++) {
                long t = plan.timestamp(i);
                values[f][i] = plan.held(t) ? consolidate(pdps, t, plan.tier().steps(), q.cf()) : Double.NaN;
            }
        }
        return plan.finish(new Series(q.host(), q.plugin(), q.cf(), plan.gridStart(), plan.tierStep(), fields,
                values));
    }

    private double consolidate(TreeMap<Long, Double> pdps, long end, int steps, Consolidation cf) {
        Series.Consolidator c = new Series.Consolidator(cf);
        for (long t = end - (steps - 1) * archives.step(); t <= end; t += archives.step()) {
            c.add(pdps.getOrDefault(t, Double.NaN));
        }
        return c.result();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    @Override
    public String toString() {
        return "InMemoryStore{archives=" + archives + "}";
    }

    /** One plugin: its metadata and the state rrd4j would keep for each data source. */
    private final class MemoryPlugin {
        private Plugin meta;
        private final Map<String, MemoryField> fields = new LinkedHashMap<>();
        private final RecentTimes recent = new RecentTimes();
        private final Pace pace = new Pace();
        private long heartbeat = archives.heartbeat();
        private long lastUpdate;

        MemoryPlugin(Plugin meta) {
            this.meta = meta;
        }

        /** Takes new metadata and fields the batch brings; every field already known keeps its history. */
        void learn(SampleBatch b) {
            meta = Stores.merge(meta, b);
            for (Field f : meta.fields()) {
                MemoryField state = fields.get(f.name());
                if (state == null) {
                    fields.put(f.name(), new MemoryField(f, lastUpdate));
                } else {
                    state.limits(f);
                }
            }
        }

        /** Counts a point further from the last than the heartbeat, or raises it, as a file's ({@link Pace}). */
        void pace(SampleBatch b) {
            if (lastUpdate == 0) {
                return;
            }
            long gap = b.timestamp() - lastUpdate;
            long next = pace.next(gap, heartbeat);
            if (next == Pace.APART) {
                timeFaults.apart(b.host(), b.plugin(), gap, heartbeat);
            } else if (next != Pace.WITHIN) {
                timeFaults.raised(b.host(), b.plugin(), gap, heartbeat, next);
                heartbeat = next;
            }
        }

        void update(SampleBatch b) {
            long step = archives.step();
            if (lastUpdate == 0) {
                lastUpdate = b.timestamp() - step;
                for (MemoryField f : fields.values()) {
                    f.nanSeconds = Math.floorMod(lastUpdate, step);
                }
            }
            for (var e : fields.entrySet()) {
                double raw = b.values().getOrDefault(e.getKey(), Double.NaN);
                e.getValue().process(lastUpdate, b.timestamp(), raw, heartbeat);
            }
            lastUpdate = b.timestamp();
        }
    }

    /** rrd4j's {@code Datasource} arithmetic, with the primary points kept in a map (absent is unknown). */
    private final class MemoryField {
        private final FieldType type;
        private double min;
        private double max;
        private double lastValue = Double.NaN;
        private double accum;
        private double accumLast = Double.NaN;
        private long nanSeconds;
        private final TreeMap<Long, Double> pdps = new TreeMap<>();

        MemoryField(Field f, long since) {
            this.type = f.type();
            limits(f);
            this.nanSeconds = since == 0 ? 0 : Math.floorMod(since, archives.step());
        }

        void limits(Field f) {
            this.min = f.min() == null ? Double.NaN : f.min();
            this.max = f.max() == null ? Double.NaN : f.max();
        }

        void process(long last, long now, double raw, long heartbeat) {
            long step = archives.step();
            long lastStart = Math.floorDiv(last, step) * step;
            long boundary = lastStart + step;
            double rate = rate(last, now, raw, heartbeat);
            if (now < boundary) {
                accumulate(last, now, rate);
                return;
            }
            long nowStart = Math.floorDiv(now, step) * step;
            accumulate(last, nowStart, rate);
            long known = nowStart - lastStart - nanSeconds;
            boolean ok = nanSeconds <= heartbeat && known > 0;
            double total = ok ? accum / known : Double.NaN;
            double lastTotal = ok ? accumLast : Double.NaN;
            put(boundary, total);
            for (long t = boundary + step; t <= nowStart; t += step) {
                put(t, lastTotal);
            }
            nanSeconds = 0;
            accum = 0;
            accumLast = Double.NaN;
            accumulate(nowStart, now, rate);
        }

        private void put(long t, double v) {
            if (!Double.isNaN(v)) {
                pdps.put(t, v);
            }
        }

        private void accumulate(long from, long to, double rate) {
            if (Double.isNaN(rate)) {
                nanSeconds += to - from;
            } else {
                accum += rate * (to - from);
                accumLast = rate;
            }
        }

        private double rate(long last, long now, double raw, long heartbeat) {
            double rate = Double.NaN;
            long dt = now - last;
            if (dt <= heartbeat) {
                rate = Rates.rate(type, lastValue, raw, dt);
                if (!Double.isNaN(min) && rate < min || !Double.isNaN(max) && rate > max) {
                    rate = Double.NaN;
                }
            }
            lastValue = raw;
            return rate;
        }
    }
}
