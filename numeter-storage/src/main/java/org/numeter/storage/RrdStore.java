package org.numeter.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.numeter.model.Field;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.Archives;
import org.numeter.store.HostSummary;
import org.numeter.store.PluginSummary;
import org.numeter.store.QueryPlan;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.numeter.store.Stores;
import org.numeter.store.WriteResult;
import org.rrd4j.ConsolFun;
import org.rrd4j.core.Archive;
import org.rrd4j.core.Datasource;
import org.rrd4j.core.DsDef;
import org.rrd4j.core.FetchData;
import org.rrd4j.core.FetchRequest;
import org.rrd4j.core.RrdBackendFactory;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdDef;
import org.rrd4j.core.Robin;
import org.rrd4j.core.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rrd4j {@link Store}: one RRD file per plugin, {@code <dataDir>/<host>/<plugin>.rrd}, with its metadata beside
 * it in {@code <plugin>.json}. Hosts and plugins are found in the directory when the store opens.
 *
 * <p>Writes spread over {@code threads} threads by plugin; each plugin is guarded by one of a fixed set of locks,
 * and at most {@code openFiles} databases stay open. Files keep the archives they were made with: a configuration
 * change applies to new files, and {@link #layoutWarnings()} names the old ones.
 */
public final class RrdStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(RrdStore.class);
    private static final int STRIPES = 256;

    private final Path dataDir;
    private final Archives archives;
    private final int threads;
    private final RrdBackendFactory backend;
    private final Lock[] locks = new Lock[STRIPES];
    private final DbCache cache;
    private final ExecutorService workers;
    private final Map<String, Map<String, Entry>> index = new ConcurrentHashMap<>();
    /** The same entries by {@code host/plugin}, so that a write finds its plugin with one lookup. */
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<String> layoutWarnings = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private FileLock dirLock;

    private RrdStore(Builder b) {
        this.dataDir = b.dataDir;
        this.archives = b.archives;
        this.threads = b.threads;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        this.cache = new DbCache(b.openFiles, this::lock);
        this.backend = new MappedBackendFactory();
        AtomicInteger n = new AtomicInteger();
        this.workers = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "rrd-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** How to open a store: the data directory, then optional settings. */
    public static final class Builder {
        private final Path dataDir;
        private Archives archives = Archives.DEFAULT;
        private int openFiles = 2000;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** The archives of new files (default {@link Archives#DEFAULT}). */
        public Builder archives(Archives archives) {
            this.archives = Objects.requireNonNull(archives, "archives");
            return this;
        }

        /** The most RRD files kept open at once (default 2,000). */
        public Builder openFiles(int openFiles) {
            if (openFiles <= 0) {
                throw new IllegalArgumentException("open files " + openFiles + " must be positive");
            }
            this.openFiles = openFiles;
            return this;
        }

        /** Threads that write one batch list (default: the number of processors). */
        public Builder threads(int threads) {
            if (threads <= 0) {
                throw new IllegalArgumentException("threads " + threads + " must be positive");
            }
            this.threads = threads;
            return this;
        }

        /** Creates the directory if needed and reads what it holds. */
        public RrdStore open() throws IOException {
            RrdStore store = new RrdStore(this);
            try {
                store.scan();
            } catch (IOException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }
    }

    /**
     * One store per data directory: a second one (another storage, or {@code numeter import-munin} while a storage
     * runs) would not see the other's new plugins, and would make their files anew over them.
     */
    private void lockDir() throws IOException {
        Path file = dataDir.resolve(".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            dirLock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            dirLock = null;
        }
        if (dirLock == null) {
            channel.close();
            throw new IOException(dataDir + " is in use by another storage (it holds " + file
                    + "); stop it first");
        }
    }

    private void scan() throws IOException {
        Files.createDirectories(dataDir);
        lockDir();
        int files = 0;
        try (DirectoryStream<Path> hosts = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path hostDir : hosts) {
                String host = hostDir.getFileName().toString();
                if (!isName(host, true)) {
                    LOG.warn("{}: not a host name, ignored", hostDir);
                    continue;
                }
                try (DirectoryStream<Path> rrds = Files.newDirectoryStream(hostDir, "*.rrd")) {
                    for (Path rrd : rrds) {
                        String name = rrd.getFileName().toString();
                        String plugin = name.substring(0, name.length() - ".rrd".length());
                        if (!isName(plugin, false)) {
                            LOG.warn("{}: not a plugin name, ignored", rrd);
                            continue;
                        }
                        load(host, plugin);
                        files++;
                    }
                }
            }
        }
        LOG.info("{}: {} hosts, {} plugins", dataDir, index.size(), files);
    }

    private static boolean isName(String name, boolean host) {
        try {
            if (host) {
                Names.requireHost(name);
            } else {
                Names.requirePlugin(name);
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void load(String host, String plugin) throws IOException {
        Entry e = new Entry(host, plugin);
        try (RrdDb db = RrdDb.getBuilder().setPath(e.rrd.toString()).setBackendFactory(backend).readOnly().build()) {
            RrdDef def = db.getRrdDef();
            e.archives = RrdLayout.archivesOf(def, archives);
            e.lastUpdate = db.getLastUpdateTime();
            e.created = true;
            Map<String, String> ds = new LinkedHashMap<>();
            if (Files.exists(e.json)) {
                SideFile side = SideFile.read(e.json);
                e.meta = side.plugin();
                ds.putAll(side.dataSources());
            } else {
                LOG.warn("{}: no metadata beside it; its data sources become GAUGE fields", e.rrd);
                Plugin.Builder b = Plugin.builder(plugin);
                for (int i = 0; i < db.getDsCount(); i++) {
                    String name = db.getDatasource(i).getName();
                    b.field(Field.builder(name).build());
                    ds.put(name, name);
                }
                e.meta = b.build();
            }
            e.ds = ds;
        }
        if (e.archives != archives) {
            String w = host + "/" + plugin + ".rrd keeps its archives (" + RrdLayout.describe(e.archives)
                    + "); new files get " + archives.name() + " (" + RrdLayout.describe(archives) + ")";
            layoutWarnings.add(w);
            LOG.warn(w);
        }
        index.computeIfAbsent(host, h -> new ConcurrentHashMap<>()).put(plugin, e);
        entries.put(e.key, e);
    }

    // ---- writing

    @Override
    public WriteResult write(List<SampleBatch> batches) throws IOException {
        ensureOpen();
        Map<String, List<SampleBatch>> byPlugin = new LinkedHashMap<>();
        for (SampleBatch b : batches) {
            byPlugin.computeIfAbsent(b.host() + "/" + b.plugin(), k -> new ArrayList<>()).add(b);
        }
        List<List<SampleBatch>> groups = new ArrayList<>(byPlugin.values());
        try {
            if (workers == null || groups.size() < 2) {
                return writeGroups(groups, 0, 1);
            }
            int parts = Math.min(threads, groups.size());
            List<Future<WriteResult>> futures = new ArrayList<>();
            for (int p = 1; p < parts; p++) {
                int part = p;
                futures.add(workers.submit(() -> writeGroups(groups, part, parts)));
            }
            WriteResult sum = writeGroups(groups, 0, parts);
            for (Future<WriteResult> f : futures) {
                sum = sum.plus(f.get());
            }
            return sum;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        } finally {
            cache.trim();
        }
    }

    private WriteResult writeGroups(List<List<SampleBatch>> groups, int part, int parts) throws IOException {
        WriteResult sum = WriteResult.NONE;
        for (int i = part; i < groups.size(); i += parts) {
            sum = sum.plus(writePlugin(groups.get(i)));
        }
        return sum;
    }

    private WriteResult writePlugin(List<SampleBatch> group) throws IOException {
        List<SampleBatch> ordered = group;
        if (group.size() > 1) {
            ordered = new ArrayList<>(group);
            ordered.sort(Comparator.comparingLong(SampleBatch::timestamp));
        }
        SampleBatch first = ordered.get(0);
        Entry e = entries.get(first.host() + "/" + first.plugin());
        if (e == null) {
            e = index.computeIfAbsent(first.host(), h -> new ConcurrentHashMap<>())
                    .computeIfAbsent(first.plugin(), p -> new Entry(first.host(), p));
            entries.putIfAbsent(e.key, e);
        }
        long stored = 0;
        long points = 0;
        long duplicates = 0;
        long rejected = 0;
        Lock lock = lock(e.key);
        lock.lock();
        try {
            for (SampleBatch b : ordered) {
                if (e.lastUpdate != 0 && b.timestamp() <= e.lastUpdate) {
                    duplicates++;
                    continue;
                }
                try {
                    if (!updateKnownFields(e, b)) {
                        RrdDb db = prepare(e, b);
                        Sample s = db.createSample(b.timestamp());
                        Map<String, Integer> columns = e.columns(db);
                        for (var v : b.values().entrySet()) {
                            s.setValue(columns.get(v.getKey()), v.getValue());
                        }
                        s.update();
                    }
                    e.lastUpdate = b.timestamp();
                    stored++;
                    points += b.values().size();
                } catch (IllegalArgumentException ex) {
                    rejected++;
                    LOG.warn("host {}, plugin {}, time {}: {}", b.host(), b.plugin(), b.timestamp(), ex.getMessage());
                }
            }
        } finally {
            lock.unlock();
        }
        return new WriteResult(stored, points, duplicates, rejected);
    }

    /**
     * The common case, with as few lookups as possible: the file exists, the batch brings no metadata and only
     * fields the file has. Returns false, having written nothing, when the batch needs {@link #prepare}.
     */
    private boolean updateKnownFields(Entry e, SampleBatch b) throws IOException {
        Map<String, Integer> columns = e.columns;
        if (!e.created || b.meta() != null || columns == null) {
            return false;
        }
        int n = b.values().size();
        int[] index = new int[n];
        double[] value = new double[n];
        int i = 0;
        for (var v : b.values().entrySet()) {
            Integer c = columns.get(v.getKey());
            if (c == null) {
                return false;
            }
            index[i] = c;
            value[i++] = v.getValue();
        }
        Sample s = open(e).createSample(b.timestamp());
        for (int k = 0; k < n; k++) {
            s.setValue(index[k], value[k]);
        }
        s.update();
        return true;
    }

    /** Brings the file and its side file up to the batch's metadata and returns the open database. */
    private RrdDb prepare(Entry e, SampleBatch b) throws IOException {
        Plugin merged = Stores.merge(e.meta, b);
        boolean changed = !merged.equals(e.meta);
        if (changed) {
            Map<String, String> ds = new LinkedHashMap<>(e.ds);
            List<DsDef> added = new ArrayList<>();
            for (Field f : merged.fields()) {
                if (!ds.containsKey(f.name())) {
                    String name = uniqueDsName(f.name(), ds);
                    ds.put(f.name(), name);
                    added.add(RrdLayout.dataSource(name, f, e.archives));
                }
            }
            if (!e.created) {
                RrdDef def = RrdLayout.definition(e.rrd.toString(), b.timestamp(), e.archives, added);
                Files.createDirectories(e.rrd.getParent());
                new SideFile(merged, ds).write(e.json);
                RrdDb db = cache.get(e.handle, () -> RrdDb.getBuilder().setRrdDef(def).setBackendFactory(backend)
                        .build());
                e.created = true;
                e.meta = merged;
                e.ds = ds;
                return db;
            }
            if (!added.isEmpty()) {
                addDataSources(e, added);
            }
            new SideFile(merged, ds).write(e.json);
            e.meta = merged;
            e.ds = ds;
            RrdDb db = open(e);
            updateLimits(db, e);
            return db;
        }
        return open(e);
    }

    private static String uniqueDsName(String field, Map<String, String> taken) {
        for (int attempt = 0; ; attempt++) {
            String name = RrdLayout.dsName(field, attempt);
            if (!taken.containsValue(name)) {
                return name;
            }
        }
    }

    /** rrd4j cannot add a data source in place: copy the file into a wider one, history included, and swap. */
    private void addDataSources(Entry e, List<DsDef> added) throws IOException {
        cache.invalidate(e.handle);
        Path tmp = e.rrd.resolveSibling(e.rrd.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (RrdDb old = RrdDb.getBuilder().setPath(e.rrd.toString()).setBackendFactory(backend).build()) {
            RrdDef def = old.getRrdDef();
            def.setPath(tmp.toString());
            def.addDatasource(added.toArray(DsDef[]::new));
            try (RrdDb wider = RrdDb.getBuilder().setRrdDef(def).setBackendFactory(backend).build()) {
                old.copyStateTo(wider);
            }
        }
        Files.move(tmp, e.rrd, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        e.columns = null;
        LOG.info("{}: added data sources {}", e.rrd, added.stream().map(DsDef::getDsName).toList());
    }

    private static void updateLimits(RrdDb db, Entry e) throws IOException {
        for (Field f : e.meta.fields()) {
            Datasource ds = db.getDatasource(e.ds.get(f.name()));
            double min = RrdLayout.limit(f.min());
            double max = RrdLayout.limit(f.max());
            if (!same(ds.getMinValue(), min) || !same(ds.getMaxValue(), max)) {
                ds.setMinMaxValue(min, max, false);
            }
        }
    }

    private static boolean same(double a, double b) {
        return Double.compare(a, b) == 0;
    }

    private RrdDb open(Entry e) throws IOException {
        return cache.get(e.handle, () -> RrdDb.getBuilder().setPath(e.rrd.toString()).setBackendFactory(backend)
                .build());
    }

    /**
     * Writes a plugin's past into its file ({@code numeter import-munin}). A new plugin gets a file with {@code meta}'s
     * fields and types, whose archives end at {@code lastUpdate}; then every archive row that holds no value yet is
     * filled from the field's history, so rows the store already has are kept. Live writes carry on in the same file
     * after {@code lastUpdate}. Rates go straight into the archives: no counter arithmetic is redone.
     *
     * @param history per field name, its past; a field of a stored plugin that its file lacks is not imported
     * @return the rows filled, and the fields left out
     */
    public Imported importHistory(String host, Plugin meta, long lastUpdate, Map<String, FieldHistory> history)
            throws IOException {
        ensureOpen();
        Names.requireHost(host);
        Entry e = index.computeIfAbsent(host, h -> new ConcurrentHashMap<>())
                .computeIfAbsent(meta.name(), p -> new Entry(host, p));
        entries.putIfAbsent(e.key, e);
        Lock lock = lock(e.key);
        lock.lock();
        try {
            RrdDb db = e.created ? open(e) : create(e, meta, lastUpdate);
            List<String> left = new ArrayList<>();
            long rows = 0;
            for (var h : history.entrySet()) {
                String ds = e.ds.get(h.getKey());
                if (ds == null) {
                    left.add(h.getKey());
                    continue;
                }
                int column = db.getDsIndex(ds);
                for (int a = 0; a < db.getArcCount(); a++) {
                    rows += fill(db.getArchive(a), column, h.getValue());
                }
            }
            return new Imported(rows, left);
        } finally {
            lock.unlock();
            cache.trim();
        }
    }

    /** What {@link #importHistory} did: rows filled, and the fields the stored file has no data source for. */
    public record Imported(long rows, List<String> fieldsLeftOut) {
        public Imported {
            fieldsLeftOut = List.copyOf(fieldsLeftOut);
        }
    }

    private RrdDb create(Entry e, Plugin meta, long lastUpdate) throws IOException {
        Map<String, String> ds = new LinkedHashMap<>();
        List<DsDef> defs = new ArrayList<>();
        for (Field f : meta.fields()) {
            String name = uniqueDsName(f.name(), ds);
            ds.put(f.name(), name);
            defs.add(RrdLayout.dataSource(name, f, e.archives));
        }
        RrdDef def = RrdLayout.definition(e.rrd.toString(), lastUpdate + e.archives.step(), e.archives, defs);
        Files.createDirectories(e.rrd.getParent());
        new SideFile(meta, ds).write(e.json);
        RrdDb db = cache.get(e.handle, () -> RrdDb.getBuilder().setRrdDef(def).setBackendFactory(backend).build());
        e.created = true;
        e.meta = meta;
        e.ds = ds;
        e.lastUpdate = db.getLastUpdateTime();
        return db;
    }

    private static long fill(Archive archive, int column, FieldHistory history) throws IOException {
        Robin robin = archive.getRobin(column);
        double[] values = robin.getValues();
        long step = archive.getArcStep();
        long start = archive.getStartTime();
        ConsolFun cf = archive.getConsolFun();
        long filled = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                double v = history.value(cf, start + i * step, step);
                if (!Double.isNaN(v)) {
                    values[i] = v;
                    filled++;
                }
            }
        }
        if (filled > 0) {
            robin.setValues(values);
        }
        return filled;
    }

    // ---- reading

    @Override
    public List<HostSummary> hosts() {
        ensureOpen();
        List<HostSummary> out = new ArrayList<>();
        for (var h : new TreeMap<>(index).entrySet()) {
            out.add(summary(h.getKey(), h.getValue()));
        }
        return out;
    }

    @Override
    public Optional<HostSummary> host(String host) {
        ensureOpen();
        Map<String, Entry> plugins = index.get(host);
        return plugins == null ? Optional.empty() : Optional.of(summary(host, plugins));
    }

    private static HostSummary summary(String host, Map<String, Entry> plugins) {
        long last = plugins.values().stream().mapToLong(e -> e.lastUpdate).max().orElse(0);
        return new HostSummary(host, plugins.size(), last);
    }

    @Override
    public List<PluginSummary> plugins(String host) {
        ensureOpen();
        List<PluginSummary> out = new ArrayList<>();
        for (Entry e : new TreeMap<>(index.getOrDefault(host, Map.of())).values()) {
            Plugin m = e.meta;
            out.add(new PluginSummary(m.name(), m.title(), m.category(), e.lastUpdate));
        }
        return out;
    }

    @Override
    public Optional<Plugin> plugin(String host, String plugin) {
        ensureOpen();
        Entry e = index.getOrDefault(host, Map.of()).get(plugin);
        return e == null ? Optional.empty() : Optional.of(e.meta);
    }

    /** The last update of a plugin, 0 when it has none, or empty when unknown. */
    public Optional<Long> lastUpdate(String host, String plugin) {
        Entry e = index.getOrDefault(host, Map.of()).get(plugin);
        return e == null ? Optional.empty() : Optional.of(e.lastUpdate);
    }

    @Override
    public Series fetch(SeriesQuery q) throws IOException {
        ensureOpen();
        Entry e = index.getOrDefault(q.host(), Map.of()).get(q.plugin());
        if (e == null) {
            throw new NoSuchElementException("host " + q.host() + ", plugin " + q.plugin() + " is not stored here");
        }
        Lock lock = lock(e.key);
        Series tierSeries;
        QueryPlan plan;
        lock.lock();
        try {
            List<String> fields = Stores.fieldsWanted(e.meta, q);
            plan = QueryPlan.of(e.archives, q, e.lastUpdate);
            double[][] values = new double[fields.size()][plan.rows()];
            for (double[] row : values) {
                Arrays.fill(row, Double.NaN);
            }
            long gridEnd = plan.timestamp(plan.rows() - 1);
            long start = Math.max(plan.gridStart(), plan.heldFrom());
            long end = Math.min(gridEnd, plan.heldTo());
            if (e.created && plan.heldTo() != 0 && start <= end) {
                RrdDb db = open(e);
                ConsolFun cf = RrdLayout.stored(plan.tier(), ConsolFun.valueOf(q.cf().name()));
                FetchRequest request = db.createFetchRequest(cf, start, end, plan.tierStep());
                String[] dsNames = fields.stream().map(e.ds::get).toArray(String[]::new);
                request.setFilter(dsNames);
                FetchData data = request.fetchData();
                long[] times = data.getTimestamps();
                for (int f = 0; f < fields.size(); f++) {
                    double[] got = data.getValues(dsNames[f]);
                    for (int i = 0; i < times.length; i++) {
                        long t = times[i];
                        if (t >= plan.gridStart() && t <= gridEnd && (t - plan.gridStart()) % plan.tierStep() == 0
                                && plan.held(t)) {
                            values[f][(int) ((t - plan.gridStart()) / plan.tierStep())] = got[i];
                        }
                    }
                }
            }
            tierSeries = new Series(q.host(), q.plugin(), q.cf(), plan.gridStart(), plan.tierStep(), fields, values);
        } finally {
            lock.unlock();
            cache.trim();
        }
        return plan.finish(tierSeries);
    }

    // ---- figures and life cycle

    /** Files whose archives differ from the configured ones (they keep theirs). */
    public List<String> layoutWarnings() {
        return Collections.unmodifiableList(layoutWarnings);
    }

    /** Databases open now. */
    public int openFiles() {
        return cache.size();
    }

    /** Databases opened since the store opened (a measure of cache misses). */
    public long filesOpened() {
        return cache.opened();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Archives archives() {
        return archives;
    }

    private Lock lock(String key) {
        return locks[Math.floorMod(key.hashCode(), STRIPES)];
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store " + dataDir + " is closed");
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (workers != null) {
            workers.shutdownNow();
        }
        for (Lock l : locks) {
            l.lock();
        }
        try {
            cache.close();
        } finally {
            for (Lock l : locks) {
                l.unlock();
            }
        }
        try {
            backend.close();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("closing the rrd4j backend failed: {}", e.toString());
        }
        if (dirLock != null) {
            dirLock.channel().close();
        }
    }

    @Override
    public String toString() {
        return "RrdStore{" + dataDir + ", archives=" + archives.name() + "}";
    }

    /** One plugin: where its files are, what it holds; guarded by its key's lock. */
    private final class Entry {
        final String key;
        final DbCache.Handle handle;
        final Path rrd;
        final Path json;
        volatile Plugin meta;
        volatile Map<String, String> ds = Map.of();
        volatile long lastUpdate;
        volatile Archives archives = RrdStore.this.archives;
        boolean created;
        /** Field name to data-source index in the file, found once: rrd4j looks names up by a linear scan. */
        Map<String, Integer> columns;

        Entry(String host, String plugin) {
            this.key = host + "/" + plugin;
            this.handle = new DbCache.Handle(key);
            this.rrd = dataDir.resolve(host).resolve(plugin + ".rrd");
            this.json = dataDir.resolve(host).resolve(plugin + ".json");
            this.meta = Plugin.builder(plugin).build();
        }

        Map<String, Integer> columns(RrdDb db) throws IOException {
            if (columns == null || columns.size() != ds.size()) {
                Map<String, Integer> c = new HashMap<>();
                for (var f : ds.entrySet()) {
                    c.put(f.getKey(), db.getDsIndex(f.getValue()));
                }
                columns = c;
            }
            return columns;
        }
    }
}
