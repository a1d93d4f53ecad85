package org.numeter.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.numeter.codec.CodecException;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.Archives;
import org.numeter.store.HostSummary;
import org.numeter.store.Pace;
import org.numeter.store.PluginSummary;
import org.numeter.store.QueryPlan;
import org.numeter.store.RecentTimes;
import org.numeter.store.Series;
import org.numeter.store.SeriesQuery;
import org.numeter.store.Store;
import org.numeter.store.StoreWriteException;
import org.numeter.store.Stores;
import org.numeter.store.WriteResult;
import org.numeter.time.TimeFaults;
import org.numeter.time.TimePolicy;
import org.rrd4j.ConsolFun;
import org.rrd4j.core.Archive;
import org.rrd4j.core.Datasource;
import org.rrd4j.core.DsDef;
import org.rrd4j.core.FetchData;
import org.rrd4j.core.FetchRequest;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdDef;
import org.rrd4j.core.Robin;
import org.rrd4j.core.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rrd4j {@link Store}: one RRD file per plugin, {@code <dataDir>/<host>/<plugin>.rrd}, with its metadata beside
 * it in {@code <plugin>.json}.
 *
 * <p>Opening reads the store's index ({@link StoreIndex}) and opens no RRD file: each is opened, and checked against
 * what the index said, when first used. A background pass then compares the index with the folders: it adopts
 * files the index missed, forgets files that are gone, and moves half-made files (a crash's {@code .tmp} files, or
 * an older version's broken RRD files) into {@link Quarantine}. A file that replaces another is written whole under a
 * temporary name and renamed into place ({@link RrdFiles}); a new plugin's file is made in place, marked unfinished
 * until it is whole, and a start deletes an unfinished one and makes it again; its rows are holes until written, and
 * a read shows those it never wrote as unknown ({@link SparseRows}). With write-behind, a new plugin's
 * files are made by the flush of its first updates ({@link #deferFile}), not by the write that brings it.
 *
 * <p>Writes spread over {@code threads} threads by plugin; each plugin is guarded by one of a fixed set of locks. A
 * known plugin's update is rrd4j's own, done by {@link RrdState} on the file's header and states held in memory; it
 * waits there (write-behind, {@link PendingWrites}: until the file holds many, or the oldest is old, or they hold too
 * much memory, or the file is read, or the store closes), every stored batch being in the {@link Journal} before
 * the write returns, and is written with positioned writes of the bytes it changes (or into a mapping, {@link Io}),
 * through a cache of
 * descriptors sized from the machine; rrd4j opens a file (at most 2,000, or {@code openFiles} with the
 * descriptors) for reads, new files and metadata changes. A write that fails for the machine's reasons (disk full,
 * read-only, I/O) goes on with the other plugins and then throws {@link StoreWriteException}, so that the caller
 * keeps the batches upstream. Files keep the archives they were made with: a configuration change applies to new
 * files, and {@link #layoutWarnings()} names the old ones.
 */
public final class RrdStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(RrdStore.class);
    private static final int STRIPES = 256;
    private static final long INDEX_EVERY_SECONDS = 15;
    /** rrd4j databases kept open for reads and metadata changes, unless {@code openFiles} is set. */
    private static final int READ_DATABASES = 2000;
    /** The default of {@link Builder#writeBehind}: as long as rrdcached's. */
    public static final Duration WRITE_BEHIND = Duration.ofMinutes(5);
    /** The default of {@link Builder#writeBehindMemory}. */
    public static final long WRITE_BEHIND_MEMORY = 128L << 20;
    /** Pending row values past which a file is flushed whatever its age: some 12 KB. */
    private static final int PENDING_ROWS = 1024;
    private static final long JOURNAL_SEGMENT = 64L << 20;
    /**
     * The room a disk keeps, besides the deferred files, for a new plugin's file to be deferred: a journal segment.
     * Below it new files are made by the write, which then fails on a full disk and leaves the batches upstream.
     */
    private static final long DEFER_MARGIN = JOURNAL_SEGMENT;
    /** The default of {@link Builder#makeNewFilesAfter}. */
    static final Duration MAKE_NEW_FILES_AFTER = Duration.ofSeconds(10);

    private final Path dataDir;
    private final Archives archives;
    private final int threads;
    private final MappedBackendFactory backend;
    private final HeapBackendFactory heap = new HeapBackendFactory();
    private final Lock[] locks = new Lock[STRIPES];
    private final DbCache<RrdDb> cache;
    /** Mappings of the files that {@link RrdState} updates (see {@link Io}). */
    private final DbCache<MappedByteBuffer> maps;
    /** Descriptors of the files that {@link RrdState} updates with positioned writes (see {@link Io}). */
    private final DbCache<FileChannel> files;
    private final Io io;
    private final ExecutorService workers;
    private final ScheduledExecutorService background;
    private final Map<String, Map<String, Entry>> index = new ConcurrentHashMap<>();
    /** The same entries by {@code host/plugin}, so that a write finds its plugin with one lookup. */
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<String> layoutWarnings = new CopyOnWriteArrayList<>();
    private final Quarantine quarantine;
    private final TimeFaults timeFaults;
    private final AtomicBoolean indexDirty = new AtomicBoolean();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicInteger filesChecked = new AtomicInteger();
    /** New files a crash left unfinished, deleted and made again since the store opened. */
    private final AtomicLong unfinishedDeleted = new AtomicLong();
    /** Hosts whose folder is known to exist: a new plugin of theirs costs no look at the folder. */
    private final Set<String> hostDirs = ConcurrentHashMap.newKeySet();
    /** The bytes of the deferred files not made yet: the disk must keep room for them. */
    private final AtomicLong deferredBytes = new AtomicLong();
    private final AtomicLong deferredFiles = new AtomicLong();
    /** The file system of the data directory, asked for its free space once per write. */
    private FileStore fileStore;
    /** New plugins whose files wait, oldest first, for the background to make them ({@link #makeDeferredDue}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Deferral> toMake =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final long makeAfterNanos;
    /** Folders where deferred files were made since they were last synced. */
    private final Set<Path> unsyncedDirs = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean checked;
    private volatile boolean readOnlyAtStart;
    private volatile String indexProblem;
    private volatile String indexWriteProblem;
    private volatile StoreWriteException lastWriteFailure;
    private FileLock dirLock;
    private volatile UndoLog undo;
    private final PendingWrites<Entry> pending;
    /** Null when updates are written before a write returns: write-behind off, or no journal could be opened. */
    private volatile Journal journal;
    private volatile String flushProblem;
    /** The first journal segment kept whatever is flushed: a start could not replay all of them (0: none). */
    private volatile long journalKept;
    private final JournalReplay replay = new JournalReplay();
    private final AtomicLong quarantineKept = new AtomicLong();
    private final AtomicLong quarantineDropped = new AtomicLong();
    /** Open once the start's replay of the journal has ended (at once when there is none). */
    private final CountDownLatch replayed = new CountDownLatch(1);
    private final Runnable beforeReplaySegment;

    private RrdStore(Builder b) {
        this.dataDir = b.dataDir;
        this.archives = b.archives;
        this.threads = b.threads;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        // a set number of open files is shared by the descriptors of updates and the databases of reads; unset,
        // each is sized from the machine (see descriptorsAllowed)
        int descriptors = b.openFiles > 0 ? Math.max(1, b.openFiles / 2) : descriptorsAllowed();
        int databases = b.openFiles > 0 ? Math.max(1, b.openFiles - descriptors) : READ_DATABASES;
        this.cache = new DbCache<>(databases, this::lock, RrdDb::close);
        this.files = new DbCache<>(descriptors, this::lock, FileChannel::close);
        this.maps = new DbCache<>(b.mappedFiles > 0 ? b.mappedFiles : mappingsAllowed(databases), this::lock,
                MappedBackendFactory::unmap);
        this.io = b.io;
        this.backend = new MappedBackendFactory();
        this.quarantine = new Quarantine(dataDir);
        this.timeFaults = new TimeFaults("storage", b.time);
        this.pending = new PendingWrites<>(b.writeBehind, b.writeBehindMemory, PENDING_ROWS);
        this.beforeReplaySegment = b.beforeReplaySegment;
        this.makeAfterNanos = b.makeNewFilesAfter.toNanos();
        AtomicInteger n = new AtomicInteger();
        this.workers = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "rrd-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rrd-store-background");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
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
        private int openFiles;
        private int threads = Runtime.getRuntime().availableProcessors();
        private TimePolicy time = TimePolicy.system();
        private Io io = Io.POSITIONED;
        private int mappedFiles;
        private Duration writeBehind = WRITE_BEHIND;
        private long writeBehindMemory = WRITE_BEHIND_MEMORY;
        private Runnable beforeReplaySegment = () -> {};
        private Duration makeNewFilesAfter = MAKE_NEW_FILES_AFTER;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** The archives of new files (default {@link Archives#DEFAULT}). */
        public Builder archives(Archives archives) {
            this.archives = Objects.requireNonNull(archives, "archives");
            return this;
        }

        /**
         * The most RRD files kept open at once, descriptors for updates and databases for reads together (default:
         * from the process's limit of open files, {@link #descriptorsAllowed}, and 2,000 databases).
         */
        public Builder openFiles(int openFiles) {
            if (openFiles <= 0) {
                throw new IllegalArgumentException("open files " + openFiles + " must be positive");
            }
            this.openFiles = openFiles;
            return this;
        }

        /** How updates reach the files (default {@link Io#POSITIONED}). */
        public Builder io(Io io) {
            this.io = Objects.requireNonNull(io, "io");
            return this;
        }

        /** The most files kept mapped for updates (default: from the machine's limit of mappings). */
        public Builder mappedFiles(int mappedFiles) {
            if (mappedFiles <= 0) {
                throw new IllegalArgumentException("mapped files " + mappedFiles + " must be positive");
            }
            this.mappedFiles = mappedFiles;
            return this;
        }

        /**
         * How long an update may wait in memory before its file is written (default {@link #WRITE_BEHIND}); every
         * write is in the journal before it returns. Zero writes every update before its write returns, as before
         * the journal.
         */
        public Builder writeBehind(Duration writeBehind) {
            if (writeBehind.isNegative()) {
                throw new IllegalArgumentException("write-behind " + writeBehind + " must not be negative");
            }
            this.writeBehind = writeBehind;
            return this;
        }

        /**
         * The memory that waiting updates may hold in all (default {@link #WRITE_BEHIND_MEMORY}); past it the files
         * that wait the longest are written first.
         */
        public Builder writeBehindMemory(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("write-behind memory " + bytes + " must not be negative");
            }
            this.writeBehindMemory = bytes;
            return this;
        }

        /** Runs before the start's replay reads each journal segment: tests hold the replay there. */
        Builder beforeReplaySegment(Runnable hook) {
            this.beforeReplaySegment = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * How long after the write that brought it the background makes a new plugin's files (default 10 s), unless
         * a flush or a read of it made them sooner: soon enough that a stop or a crash finds few files to make, late
         * enough to be off the write's path.
         */
        Builder makeNewFilesAfter(Duration after) {
            this.makeNewFilesAfter = Objects.requireNonNull(after, "after");
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

        /** The clock and the skew beyond which points are refused as future (default: 5 minutes). */
        public Builder time(TimePolicy time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * Creates the directory if needed, reads the index and starts checking it against the files in the
         * background. Only a directory that cannot be made or that another store holds stops it.
         */
        public RrdStore open() throws IOException {
            RrdStore store = new RrdStore(this);
            try {
                store.start();
            } catch (IOException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }
    }

    /**
     * How {@link RrdState} writes an update: into a mapping of the file kept from one update to the next
     * ({@code MAPPED}, no system call per update), or with positioned writes through a cached descriptor
     * ({@code POSITIONED}, a few system calls per update and no mapped pages in the process). docs/decisions.md
     * says which is the default and why.
     */
    public enum Io {
        MAPPED, POSITIONED
    }

    /**
     * Files kept mapped for updates, from the kernel's limit of mappings per process ({@code vm.max_map_count}):
     * half of it, less the rrd4j databases that {@code openFiles} allows, so that every file of a large store
     * stays mapped (a file costs one mapping and no descriptor) and none is mapped and unmapped at each update.
     */
    static int mappingsAllowed(int openFiles) {
        long limit = 65_530;
        try {
            // readAllLines: readString trusts the size procfs reports, and reads one byte
            limit = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            LOG.debug("vm.max_map_count unknown ({}); 65,530 assumed", e.toString());
        }
        return (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, limit / 2 - openFiles));
    }

    /**
     * Descriptors kept for positioned writes, from the process's limit of open files: three quarters of it, the
     * rest left to connections and the rrd4j databases; a file whose descriptor was closed costs an open and a
     * close at its next update.
     */
    static int descriptorsAllowed() {
        long limit = 4096;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    limit = soft.equals("unlimited") ? 1 << 20 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("the limit of open files is unknown ({}); 4,096 assumed", e.toString());
        }
        return (int) Math.max(64, Math.min(1 << 20, limit * 3 / 4));
    }

    // ---- opening

    private void start() throws IOException {
        Files.createDirectories(dataDir);
        lockDir();
        try {
            fileStore = Files.getFileStore(dataDir);
        } catch (IOException e) {
            LOG.warn("{}: its file system's free space is unknown ({}); new plugins' files are made by the writes",
                    dataDir, e.toString());
        }
        if (!readOnlyAtStart) {
            UndoLog log = new UndoLog(dataDir, STRIPES);
            try {
                log.open(key -> {
                    int slash = key.indexOf('/');
                    return dataDir.resolve(key.substring(0, slash)).resolve(key.substring(slash + 1) + ".rrd");
                });
                undo = log;
            } catch (IOException | RuntimeException e) {
                log.close();
                LOG.warn("{}: its undo log cannot be used ({}); an update a crash cuts may then count twice",
                        dataDir, e.toString());
            }
        }
        long t0 = System.nanoTime();
        StoreIndex.Loaded loaded = StoreIndex.read(dataDir, archives);
        for (StoreIndex.Item item : loaded.items()) {
            Entry e = new Entry(item.host(), item.plugin());
            e.archives = item.archives();
            e.pending(item.side(), item.title(), item.category(), item.fields());
            e.lastUpdate = item.lastUpdate();
            e.sideSize = item.sideSize();
            e.sideModified = item.sideModified();
            e.created = true;
            put(e);
            noteLayout(e);
        }
        if (loaded.problem() == null) {
            LOG.info("{}: {} hosts, {} plugins from its index in {} ms; their files are opened when used",
                    dataDir, index.size(), entries.size(), (System.nanoTime() - t0) / 1_000_000);
        } else if (loaded.missing()) {
            indexProblem = loaded.problem();
            LOG.info("{}: {}; the plugins are read from their files in the background, and the index made",
                    dataDir, loaded.problem());
        } else {
            indexProblem = loaded.problem();
            LOG.warn("{}: {}; the plugins are read from their files in the background, and the index made again",
                    dataDir, loaded.problem());
        }
        if (!readOnlyAtStart) {
            openJournal();
        } else {
            replayed.countDown();
        }
        background.execute(this::checkAgainstFiles);
        background.scheduleWithFixedDelay(this::writeIndexIfChanged, INDEX_EVERY_SECONDS, INDEX_EVERY_SECONDS,
                TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(this::flushDue, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Opens the journal. When the last run left segments (a crash), they are replayed in the background, first of
     * its tasks: the store answers reads meanwhile (from what the files hold: the points only the journal has come
     * with the replay), writes wait for it to end ({@link #awaitReplay}), and {@link #replay()} tells how far it is.
     * Without a journal (it cannot be made) every update is written before its write returns.
     */
    private void openJournal() {
        Journal j;
        try {
            j = new Journal(dataDir, JOURNAL_SEGMENT);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: its journal cannot be read ({}); every update is written before its write returns",
                    dataDir, e.toString());
            replayed.countDown();
            return;
        }
        List<Path> old = j.existing();
        if (old.isEmpty()) {
            startJournal(j, old);
            replayed.countDown();
            return;
        }
        long bytes = 0;
        for (Path segment : old) {
            try {
                bytes += Files.size(segment);
            } catch (IOException e) {
                LOG.debug("{}: its size is unknown ({})", segment, e.toString());
            }
        }
        replay.begin(old.size(), bytes);
        LOG.info("{}: replaying {} journal segments of the last run ({} bytes) in the background; writes wait for"
                + " it, and the storage is not ready until it ends", dataDir, old.size(), bytes);
        background.execute(() -> {
            try {
                startJournal(j, old);
            } catch (RuntimeException e) {
                replay.problem(e.toString());
                LOG.warn("{}: the replay of the journal failed ({}); it is kept for the next start", dataDir,
                        e.toString());
            } finally {
                replay.end();
                replayed.countDown();
            }
        });
    }

    /**
     * Starts a new segment and replays the last run's segments {@code old}. With write-behind, the replay is a write
     * like any other: its points wait in memory and go into the new segment (new plugins' files deferred, their
     * metadata with them), and the old segments go once that append is done, so that a start after a crash costs a
     * read and an append of the journal, not every file; without write-behind they are written here.
     */
    private void startJournal(Journal j, List<Path> old) {
        if (closed) {
            return; // the journal stays whole for the next start
        }
        long firstOld = j.segment();
        try {
            j.start();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: a journal cannot be started ({}); every update is written before its write returns",
                    dataDir, e.toString());
            // the old segments stay for the next start: the replay below writes every point before it goes on
            replay(old, false);
            flushAll();
            return;
        }
        if (!old.isEmpty()) {
            // kept, whatever is flushed meanwhile, until the replay has journaled all of them again
            journalKept = Math.max(1, firstOld);
        }
        journal = j;
        boolean rejournal = pending.enabled();
        boolean replayed = replay(old, rejournal);
        if (closed) {
            return;
        }
        if (replayed) {
            journalKept = 0;
        } // else what could not be written or journaled again (a full disk) is replayed again by the next start
        int failed = rejournal ? 0 : flushAll();
        deleteFlushedSegments();
        if (!pending.enabled() && failed == 0) {
            j.close(true);
            journal = null;
        }
    }

    /**
     * Replays the segments of the last run, their points journaled again when {@code rejournal}; false when some of
     * it could not be read, written or journaled.
     */
    private boolean replay(List<Path> segments, boolean rejournal) {
        if (segments.isEmpty()) {
            return true;
        }
        boolean[] ok = {true};
        long t0 = System.nanoTime();
        List<SampleBatch> chunk = new ArrayList<>();
        for (Path segment : segments) {
            beforeReplaySegment.run();
            if (closed) {
                return false;
            }
            try {
                long size = Files.size(segment);
                Journal.Read read = Journal.scan(segment, (b, end) -> {
                    if (closed) {
                        return;
                    }
                    chunk.add(b);
                    replay.record(end);
                    if (chunk.size() >= 10_000) {
                        ok[0] &= replayBatches(chunk, rejournal);
                        chunk.clear();
                    }
                });
                replay.segment(size, read);
                if (read.torn() > 0) {
                    LOG.warn("{}: its last {} bytes are a torn record (a crash during an append, never acknowledged);"
                            + " dropped", segment, read.torn());
                }
            } catch (IOException | RuntimeException e) {
                ok[0] = false;
                replay.problem(segment + " cannot be read (" + e + ")");
                LOG.warn("{}: cannot be read ({}); it is kept, and read again at the next start", segment,
                        e.toString());
            }
        }
        if (closed) {
            return false;
        }
        ok[0] &= replayBatches(chunk, rejournal);
        RrdStore.Replay r = replay.snapshot();
        LOG.info("{}: {} batches replayed from {} journal segments in {} ms ({} corrupt records skipped)", dataDir,
                r.records(), segments.size(), (System.nanoTime() - t0) / 1_000_000, r.corruptRecords());
        return ok[0];
    }

    /** Writes batches of the journal: those a file holds already are skipped without a word; false on a failure. */
    private boolean replayBatches(List<SampleBatch> batches, boolean rejournal) {
        Map<String, List<SampleBatch>> byPlugin = new LinkedHashMap<>();
        for (SampleBatch b : batches) {
            byPlugin.computeIfAbsent(b.host() + "/" + b.plugin(), k -> new ArrayList<>()).add(b);
        }
        WriteCall call = new WriteCall(1, true, rejournal, fileStore);
        writeGroups(new ArrayList<>(byPlugin.values()), 0, 1, call);
        if (rejournal) {
            journal(call);
        }
        call.syncDirectories();
        if (call.failure != null) {
            replay.problem("the journal's points cannot all be written (" + call.failure.getMessage()
                    + "); it is kept for the next start");
            LOG.warn("{}: the journal's points cannot all be written ({}); the journal is kept for the next start",
                    dataDir, call.failure.getMessage());
            return false;
        }
        return true;
    }

    /** Flushes every file; returns how many failed (they stay pending). */
    private int flushAll() {
        int failed = 0;
        for (Entry e : List.copyOf(entries.values())) {
            Lock lock = lock(e.key);
            lock.lock();
            try {
                flushOrQuarantine(e, null);
            } catch (IOException | RuntimeException ex) {
                failed++;
                flushFailed(e, ex);
            } finally {
                lock.unlock();
            }
            // each flush may open its file: without closing others on the way, flushing every file (at close, after
            // a replay) outgrows the descriptor limit (seen at 20,000 files: "Too many open files"). The locks are
            // reentrant, so this also holds when close() has taken them all.
            trimOpenFiles();
        }
        return failed;
    }

    private void trimOpenFiles() {
        files.trim();
        maps.trim();
    }

    /** The background's flushes: the files whose updates waited too long, or hold too much memory. */
    private void flushDue() {
        if (closed) {
            return;
        }
        for (PendingWrites.Dirty<Entry> d; (d = pending.due(System.nanoTime())) != null && !closed; ) {
            if (!flushQueued(d, null)) {
                break; // tried again at the next tick
            }
            trimOpenFiles();
        }
        makeDeferredDue(System.nanoTime());
        deleteFlushedSegments();
    }

    /** A new plugin deferred at {@code since} ({@link System#nanoTime}). */
    private record Deferral(Entry entry, long since) {}

    /**
     * Makes the files of the new plugins deferred for {@code makeAfterNanos}, in the background: their points keep
     * waiting (the flush writes them), only the files are made. One that fails (a disk full since) stays deferred,
     * and its flush tries again.
     */
    private void makeDeferredDue(long now) {
        for (Deferral d; (d = toMake.peek()) != null && !closed && now - d.since() >= makeAfterNanos; ) {
            toMake.poll();
            Entry e = d.entry();
            Lock lock = lock(e.key);
            lock.lock();
            try {
                if (e.deferred && entries.get(e.key) == e) {
                    makeDeferred(e);
                }
            } catch (IOException | RuntimeException ex) {
                flushFailed(e, ex);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Flushes a queued file, unless flushed since; false when it failed (it is queued again). */
    private boolean flushQueued(PendingWrites.Dirty<Entry> d, WriteCall call) {
        Entry e = d.file();
        Lock lock = lock(e.key);
        lock.lock();
        try {
            if (e.dirtySeq != d.seq() || entries.get(e.key) != e) {
                return true;
            }
            flushOrQuarantine(e, null);
            return true;
        } catch (IOException | RuntimeException ex) {
            pending.dirtied(e, e.dirtySeq, d.since());
            if (call != null) {
                call.failed(StoreWriteException.of(ex instanceof IOException io ? io : new IOException(ex), e.rrd));
            } else {
                flushFailed(e, ex);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** A flush outside a write failed: counted with the writes that failed, logged once per kind of problem. */
    private void flushFailed(Entry e, Exception ex) {
        StoreWriteException f = StoreWriteException.of(ex instanceof IOException io ? io : new IOException(ex),
                e.rrd);
        writeFailures.incrementAndGet();
        lastWriteFailure = f;
        String problem = f.kind() + " " + f.getMessage();
        if (!problem.equals(flushProblem)) {
            flushProblem = problem;
            LOG.warn("{}: its waiting updates cannot be written ({}); they stay in memory and in the journal, and are"
                    + " tried again", e.rrd, f.getMessage());
        }
    }

    /** Deletes the journal's segments whose points are all in the files. */
    private void deleteFlushedSegments() {
        Journal j = journal;
        if (j == null || !syncMadeDirs()) {
            return;
        }
        long first = j.segment(); // before the scan: a file dirtied during it journals into this one or later
        if (journalKept > 0) {
            first = Math.min(first, journalKept);
        }
        for (Entry e : entries.values()) {
            // pendingBytes first: open() sets unsure before its flush clears pendingBytes
            if (e.pendingBytes > 0) {
                first = Math.min(first, e.journalFrom);
            }
            Unsure unsure = e.unsure;
            if (unsure != null) {
                first = Math.min(first, unsure.from());
            }
        }
        j.deleteBefore(first);
    }

    /**
     * One store per data directory: a second one (another storage, or {@code numeter import-munin} while a storage
     * runs) would not see the other's new plugins, and would make their files anew over them. On a read-only file
     * system a shared lock is taken instead: nothing can be written there, by anyone.
     */
    private void lockDir() throws IOException {
        Path file = dataDir.resolve(".lock");
        FileChannel channel;
        boolean shared = false;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            if (StoreWriteException.of(e, file).kind() != StoreWriteException.Kind.READ_ONLY) {
                throw e;
            }
            channel = FileChannel.open(file, StandardOpenOption.READ);
            shared = true;
            readOnlyAtStart = true;
            LOG.warn("{} is on a read-only file system: the storage serves what it holds, and every write fails"
                    + " (and is kept upstream) until it is writable", dataDir);
        }
        try {
            dirLock = channel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            dirLock = null;
        }
        if (dirLock == null) {
            channel.close();
            throw new IOException(dataDir + " is in use by another storage (it holds " + file
                    + "); stop it first");
        }
    }

    /**
     * The background pass of a start: every file in the folders is compared with the index. Temporary files (a
     * crash during a creation, by any version) go to quarantine; RRD files the index does not list are read (all
     * of them when there was no index); listed plugins whose file is gone are forgotten. Then the index is written.
     */
    private void checkAgainstFiles() {
        long t0 = System.nanoTime();
        int adopted = 0;
        int gone = 0;
        Set<String> seen = new HashSet<>();
        try (DirectoryStream<Path> hosts = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path hostDir : hosts) {
                String host = hostDir.getFileName().toString();
                if (!isName(host, true)) {
                    LOG.warn("{}: not a host name, ignored", hostDir);
                    continue;
                }
                adopted += checkHost(host, hostDir, seen);
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("{}: cannot list its files ({}); the index is kept as it is", dataDir, e.toString());
            checked = true;
            return;
        }
        for (Entry e : List.copyOf(entries.values())) {
            if (!seen.contains(e.key)) {
                gone += forgetIfGone(e) ? 1 : 0;
            }
        }
        quarantine.count();
        checked = true;
        LOG.info("{}: checked against its files in {} ms: {} plugins, {} read from their files, {} gone, {} files"
                + " in quarantine", dataDir, (System.nanoTime() - t0) / 1_000_000,
                entries.values().stream().filter(e -> e.created).count(), adopted, gone, quarantine.files());
        indexDirty.set(true);
        writeIndexIfChanged();
    }

    private int checkHost(String host, Path hostDir, Set<String> seen) {
        int adopted = 0;
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(hostDir)) {
            list.forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("{}: cannot list it ({}); its plugins are read when used", hostDir, e.toString());
            return 0;
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(RrdFiles.TMP)) {
                quarantineLeftover(host, file, name);
                continue;
            }
            if (!name.endsWith(".rrd") || !Files.isRegularFile(file)) {
                continue;
            }
            String plugin = name.substring(0, name.length() - ".rrd".length());
            if (!isName(plugin, false)) {
                LOG.warn("{}: not a plugin name, ignored", file);
                continue;
            }
            Entry e = lockEntry(host, plugin);
            try {
                seen.add(e.key);
                if (!e.created) {
                    e.probed = true;
                    if (adopt(e)) {
                        adopted++;
                    }
                }
            } catch (IOException | RuntimeException ex) {
                LOG.warn("{}: cannot be read now ({}); it is read again when used", file, ex.toString());
                e.probed = false;
            } finally {
                unlock(e);
            }
            filesChecked.incrementAndGet();
        }
        return adopted;
    }

    /** A {@code .tmp} file exists only while its plugin's lock is held, or after a crash: then it is quarantined. */
    private void quarantineLeftover(String host, Path file, String name) {
        String base = name.substring(0, name.length() - RrdFiles.TMP.length());
        String plugin = base.endsWith(".rrd") ? base.substring(0, base.length() - 4)
                : base.endsWith(".json") ? base.substring(0, base.length() - 5) : null;
        Lock lock = plugin == null ? null : lock(host + "/" + plugin);
        if (lock != null) {
            lock.lock();
        }
        try {
            if (Files.exists(file)) {
                quarantine.move(file, host, "a half-made file (a crash while it was written)");
            }
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    private boolean forgetIfGone(Entry e) {
        Lock lock = lock(e.key);
        lock.lock();
        try {
            if (entries.get(e.key) != e || !e.created || e.deferred || Files.exists(e.rrd)) {
                return false;
            }
            LOG.warn("{}: listed in the index, but gone; host {}, plugin {} is forgotten", e.rrd, e.host, e.plugin);
            remove(e);
            return true;
        } finally {
            lock.unlock();
        }
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

    // ---- the plugins' entries

    private void put(Entry e) {
        index.computeIfAbsent(e.host, h -> new ConcurrentHashMap<>()).put(e.plugin, e);
        entries.put(e.key, e);
    }

    /** Under the entry's lock. */
    private void remove(Entry e) {
        try {
            closeFile(e);
        } catch (IOException ex) {
            LOG.warn("closing {} failed: {}", e.rrd, ex.toString());
        }
        entries.remove(e.key, e);
        Map<String, Entry> plugins = index.get(e.host);
        if (plugins != null) {
            plugins.remove(e.plugin, e);
            if (plugins.isEmpty()) {
                index.remove(e.host, plugins);
            }
        }
        indexDirty.set(true);
    }

    /** The entry of a plugin, made when new, locked; the caller unlocks it with {@link #unlock}. */
    private Entry lockEntry(String host, String plugin) {
        String key = host + "/" + plugin;
        while (true) {
            Entry e = entries.get(key);
            if (e == null) {
                Entry made = new Entry(host, plugin);
                e = entries.putIfAbsent(key, made);
                if (e == null) {
                    e = made;
                    index.computeIfAbsent(host, h -> new ConcurrentHashMap<>()).putIfAbsent(plugin, made);
                }
            }
            Lock lock = lock(key);
            lock.lock();
            if (entries.get(key) == e) {
                // a host emptied by a removal may have lost its map between the two lines above
                index.computeIfAbsent(host, h -> new ConcurrentHashMap<>()).putIfAbsent(plugin, e);
                return e;
            }
            lock.unlock();
        }
    }

    private void unlock(Entry e) {
        lock(e.key).unlock();
    }

    /** Makes an entry match its files before use; under its lock. */
    private void ensureReady(Entry e) throws IOException {
        if (e.created && !e.verified) {
            verify(e);
        }
        if (!e.created && !e.probed) {
            e.probed = true;
            if (Files.exists(e.rrd)) {
                // made after the index was last written, and not yet seen by the background pass
                adopt(e);
            }
        }
    }

    /**
     * The first use of a plugin the index listed: its file is opened, and the index's hints are replaced by the
     * file's truth (the last update; the metadata when the side file changed since).
     */
    private void verify(Entry e) throws IOException {
        RrdState state;
        try {
            state = state(e);
        } catch (FileNotFoundException | NoSuchFileException ex) {
            LOG.warn("{}: listed in the index, but gone; host {}, plugin {} starts a new file", e.rrd, e.host,
                    e.plugin);
            reset(e);
            return;
        } catch (IOException ex) {
            state = null; // rrd4j says what is wrong with it, below
        }
        if (state != null) {
            // the layout explains the file's length: the checks of validate(), without a mapping
            BasicFileAttributes side = sideAttributes(e);
            if (side != null && side.size() == e.sideSize && side.lastModifiedTime().toMillis() == e.sideModified
                    && state.dsCount() == e.ds().size()) {
                e.lastUpdate = state.lastUpdate();
                e.verified = true;
                return;
            }
        }
        RrdDb db;
        boolean temporary = false;
        try {
            try {
                db = open(e);
            } catch (FileSystemException ex) {
                if (StoreWriteException.of(ex, e.rrd).kind() != StoreWriteException.Kind.READ_ONLY) {
                    throw ex;
                }
                // a read-only file system: what the file holds can still be read, and served
                db = openChecked(e.rrd, true);
                temporary = true;
            }
        } catch (InvalidFileException ex) {
            quarantineEntry(e, ex.getMessage());
            return;
        } catch (FileNotFoundException | NoSuchFileException ex) {
            LOG.warn("{}: listed in the index, but gone; host {}, plugin {} starts a new file", e.rrd, e.host,
                    e.plugin);
            reset(e);
            return;
        }
        try {
            validate(db);
            e.lastUpdate = db.getLastUpdateTime();
            BasicFileAttributes side = sideAttributes(e);
            long size = side == null ? -1 : side.size();
            long modified = side == null ? 0 : side.lastModifiedTime().toMillis();
            if (size != e.sideSize || modified != e.sideModified || db.getDsCount() != e.ds().size()) {
                readMeta(e, db);
            }
            e.verified = true;
        } catch (InvalidFileException ex) {
            if (temporary) {
                db.close();
                temporary = false;
            }
            quarantineEntry(e, ex.getMessage());
        } finally {
            if (temporary) {
                db.close();
            }
        }
    }

    /** Reads a plugin the index does not know from its files; false when they could not be used. */
    private boolean adopt(Entry e) throws IOException {
        try (RrdDb db = openChecked(e.rrd, true)) {
            validate(db);
            e.archives = RrdLayout.archivesOf(db.getRrdDef(), archives);
            e.lastUpdate = db.getLastUpdateTime();
            readMeta(e, db);
        } catch (InvalidFileException ex) {
            quarantineEntry(e, ex.getMessage());
            return false;
        } catch (FileNotFoundException | NoSuchFileException ex) {
            return false;
        }
        e.created = true;
        e.verified = true;
        noteLayout(e);
        indexDirty.set(true);
        return true;
    }

    /**
     * Reads a file's whole layout (rrd4j reads it lazily, so that a broken one would fail only later, on some
     * update or query) and checks that the file is as long as it says.
     */
    private static void validate(RrdDb db) throws IOException {
        long needed;
        try {
            needed = db.getRrdDef().getEstimatedSize();
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidFileException("not a usable RRD file (its layout: " + e + ")");
        }
        long size = db.getRrdBackend().getLength();
        if (size < needed) {
            throw new InvalidFileException("an RRD file of " + size + " bytes, but its layout needs " + needed
                    + " (cut short by a crash?)");
        }
    }

    /** The metadata from the side file, or from the RRD file's data sources when the side file is missing or bad. */
    private void readMeta(Entry e, RrdDb db) throws IOException {
        BasicFileAttributes attrs = sideAttributes(e);
        SideFile side = null;
        if (attrs != null) {
            try {
                side = SideFile.read(e.json);
            } catch (CodecException ex) {
                quarantine.move(e.json, e.host, "not a valid side file (" + ex.getMessage() + ")");
                attrs = null;
            }
        }
        Set<String> inFile = new HashSet<>(Arrays.asList(db.getDsNames()));
        Map<String, String> ds = new LinkedHashMap<>();
        Plugin meta;
        if (side != null && inFile.containsAll(side.dataSources().values())) {
            meta = side.plugin();
            ds.putAll(side.dataSources());
        } else {
            LOG.warn("{}: no usable metadata beside it; its data sources become fields of their own type",
                    e.rrd);
            Plugin.Builder b = Plugin.builder(e.plugin);
            for (int i = 0; i < db.getDsCount(); i++) {
                Datasource d = db.getDatasource(i);
                b.field(Field.builder(d.getName()).type(FieldType.valueOf(d.getType().name())).build());
                ds.put(d.getName(), d.getName());
            }
            meta = b.build();
        }
        e.set(meta, ds);
        e.columns = null;
        e.sideSize = attrs == null ? -1 : attrs.size();
        e.sideModified = attrs == null ? 0 : attrs.lastModifiedTime().toMillis();
        indexDirty.set(true);
    }

    private static BasicFileAttributes sideAttributes(Entry e) throws IOException {
        try {
            return Files.readAttributes(e.json, BasicFileAttributes.class);
        } catch (NoSuchFileException ex) {
            return null;
        }
    }

    private void noteLayout(Entry e) {
        if (e.archives != archives) {
            String w = e.host + "/" + e.plugin + ".rrd keeps its archives (" + RrdLayout.describe(e.archives)
                    + "); new files get " + archives.name() + " (" + RrdLayout.describe(archives) + ")";
            if (!layoutWarnings.contains(w)) {
                layoutWarnings.add(w);
                LOG.warn(w);
            }
        }
    }

    /**
     * A file that cannot be used goes to quarantine; the plugin starts again with a new file. A new file that a crash
     * cut while it was made in place ({@link RrdFiles#unfinished}) held nothing but its empty layout: it is deleted
     * instead, and made again.
     */
    private void quarantineEntry(Entry e, String why) {
        quarantineEntry(e, why, null);
    }

    /**
     * The same, keeping the points of the file that waited to be written: they are in the journal (and in
     * {@code current}, what the write under way stored and has yet to journal), and go into the file made again for
     * the plugin, as a write of a new plugin would make it. What cannot be kept is counted and logged.
     */
    private void quarantineEntry(Entry e, String why, Journal.Records current) {
        Unsure unsure = waiting(e);
        try {
            closeFile(e);
        } catch (IOException | RuntimeException ex) {
            LOG.debug("closing {} failed: {}", e.rrd, ex.toString());
        }
        if (!deleteUnfinished(e)) {
            quarantine.move(e.rrd, e.host, why);
        }
        reset(e);
        if (unsure != null) {
            keepPoints(e, unsure, current);
        }
    }

    /**
     * What of a file waits to be written, or was written into it by a flush that rrd4j's open then found unusable
     * ({@link Entry#unsure}): null when nothing.
     */
    private Unsure waiting(Entry e) {
        Unsure unsure = e.unsure;
        RrdState state = e.state;
        if (state != null && state.dirty() && e.pendingBytes > 0) {
            Unsure now = new Unsure(e.journalFrom, e.pendingPoints, e.flushedTo);
            unsure = unsure == null ? now : new Unsure(Math.min(unsure.from(), now.from()),
                    unsure.points() + now.points(), Math.min(unsure.after(), now.after()));
            e.unsure = unsure; // the journal keeps its segments while the points are read back
        }
        return unsure;
    }

    /**
     * Writes into the plugin's new file the points that the journal holds for it from {@code unsure.from()} on: those
     * that waited in memory (lost otherwise), and those of the same segments that the old file had. Under the lock.
     */
    private void keepPoints(Entry e, Unsure unsure, Journal.Records current) {
        Journal j = journal;
        TreeMap<Long, SampleBatch> points = new TreeMap<>();
        Consumer<SampleBatch> mine = b -> {
            if (b.host().equals(e.host) && b.plugin().equals(e.plugin)) {
                points.putIfAbsent(b.timestamp(), b.meta() == null ? b : b.withoutMeta());
            }
        };
        String problem = null;
        try {
            if (j != null) {
                for (Path segment : j.from(unsure.from())) {
                    Journal.read(segment, mine);
                }
                j.readUnwritten(mine);
            }
            if (current != null) {
                current.read("the journal records of the write under way", mine);
            }
        } catch (IOException | RuntimeException ex) {
            problem = "the journal cannot be read: " + ex;
        }
        long kept = 0;
        long waitingKept = 0;
        WriteCall call = new WriteCall(0, false, false, null);
        try {
            for (SampleBatch b : points.values()) {
                if (e.lastUpdate != 0 && b.timestamp() <= e.lastUpdate) {
                    continue;
                }
                storeInFile(e, b, call);
                kept += b.values().size();
                if (b.timestamp() > unsure.after()) {
                    waitingKept += b.values().size();
                }
            }
            call.syncDirectories();
            if (call.failure != null) {
                problem = call.failure.getMessage();
            }
        } catch (IOException | RuntimeException ex) {
            problem = ex instanceof IOException io ? StoreWriteException.of(io, e.rrd).getMessage() : ex.toString();
        }
        if (e.pendingBytes > 0) {
            e.journalFrom = Math.min(e.journalFrom, unsure.from()); // the kept points wait in those segments
        }
        e.unsure = null;
        quarantineKept.addAndGet(kept);
        long dropped = Math.max(0, unsure.points() - waitingKept);
        if (dropped > 0) {
            quarantineDropped.addAndGet(dropped);
            LOG.warn("host {}, plugin {}: {} points that waited to be written are lost with its quarantined file ({});"
                    + " {} points of the journal went into its new file", e.host, e.plugin, dropped,
                    problem != null ? problem : "the journal no longer holds them", kept);
        } else if (kept > 0) {
            LOG.info("host {}, plugin {}: the {} points that the journal held for it (the {} that waited to be"
                    + " written included) went into its new file {}", e.host, e.plugin, kept, unsure.points(), e.rrd);
        }
    }

    private boolean deleteUnfinished(Entry e) {
        try {
            if (!RrdFiles.unfinished(e.rrd)) {
                return false;
            }
            Files.delete(e.rrd);
            unfinishedDeleted.incrementAndGet();
            LOG.warn("{}: a new file that a crash cut while it was made (it held no point yet); deleted, and made"
                    + " again with its plugin's next points", e.rrd);
            return true;
        } catch (NoSuchFileException ex) {
            return true;
        } catch (IOException | RuntimeException ex) {
            LOG.debug("{}: cannot tell whether it is an unfinished new file ({})", e.rrd, ex.toString());
            return false;
        }
    }

    private void reset(Entry e) {
        e.created = false;
        e.verified = true;
        e.probed = true;
        e.lastUpdate = 0;
        e.setDs(Map.of());
        e.columns = null;
        e.regions = null;
        drop(e);
        e.noState = false;
        e.recent = new RecentTimes();
        e.archives = archives;
        indexDirty.set(true);
    }

    // ---- writing

    @Override
    public WriteResult write(List<SampleBatch> batches) throws IOException {
        ensureOpen();
        awaitReplay();
        Map<String, List<SampleBatch>> byPlugin = new LinkedHashMap<>();
        for (SampleBatch b : batches) {
            byPlugin.computeIfAbsent(b.host() + "/" + b.plugin(), k -> new ArrayList<>()).add(b);
        }
        List<List<SampleBatch>> groups = new ArrayList<>(byPlugin.values());
        WriteCall call = new WriteCall(workers == null ? 1 : Math.max(1, Math.min(threads, groups.size())), false,
                true, fileStore);
        WriteResult sum = WriteResult.NONE;
        // every part has ended, failed or not: what they stored is journaled, even when the write then throws
        boolean ended = false;
        try {
            if (workers == null || groups.size() < 2) {
                ended = true;
                sum = writeGroups(groups, 0, 1, call);
            } else {
                int parts = Math.min(threads, groups.size());
                List<Future<WriteResult>> futures = new ArrayList<>();
                for (int p = 1; p < parts; p++) {
                    int part = p;
                    futures.add(workers.submit(() -> writeGroups(groups, part, parts, call)));
                }
                RuntimeException mine = null;
                try {
                    sum = writeGroups(groups, 0, parts, call);
                } catch (RuntimeException e) {
                    mine = e;
                }
                ExecutionException theirs = null;
                for (Future<WriteResult> f : futures) {
                    try {
                        sum = sum.plus(f.get());
                    } catch (ExecutionException e) {
                        theirs = theirs == null ? e : theirs;
                    }
                }
                ended = true;
                if (mine != null) {
                    throw mine;
                }
                if (theirs != null) {
                    throw theirs;
                }
            }
            call.syncDirectories();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        } finally {
            if (ended) {
                journal(call);
            }
            cache.trim();
            trimOpenFiles();
        }
        if (call.failure != null) {
            writeFailures.incrementAndGet();
            lastWriteFailure = call.failure;
            throw call.failure.partial(sum);
        }
        return sum;
    }

    /**
     * Appends what a write stored to the journal. A failure fails the write, and its records wait in the journal for
     * the next write's append (see {@link Journal}).
     */
    private void journal(WriteCall call) {
        Journal j = journal;
        if (j == null) {
            return;
        }
        try {
            j.append(Arrays.asList(call.records));
        } catch (IOException | RuntimeException e) {
            call.failed(StoreWriteException.of(e instanceof IOException io ? io : new IOException(e), j.path()));
        }
    }

    /**
     * One write's shared state: the directories to sync before it returns, its first failure, and the journal's
     * records of what each part stored. A replay of the journal is one too, whose points are journaled again into
     * the new segment when write-behind is on.
     */
    private static final class WriteCall {
        final Set<Path> directories = ConcurrentHashMap.newKeySet();
        final Journal.Records[] records;
        final boolean replay;
        /** What it stores goes into the journal (a write; a replay with write-behind on). */
        final boolean journaled;
        volatile StoreWriteException failure;
        private final FileStore fileStore;
        private volatile long room = -1;

        WriteCall(int parts, boolean replay, boolean journaled, FileStore fileStore) {
            this.records = new Journal.Records[parts];
            this.replay = replay;
            this.journaled = journaled;
            this.fileStore = fileStore;
        }

        /** The usable space of the data directory's file system when first asked in this write (0: unknown). */
        long room() {
            long r = room;
            if (r < 0) {
                try {
                    r = fileStore == null ? 0 : fileStore.getUsableSpace();
                } catch (IOException | RuntimeException e) {
                    r = 0;
                }
                room = r;
            }
            return r;
        }

        synchronized void failed(StoreWriteException e) {
            if (failure == null) {
                failure = e;
            }
        }

        void syncDirectories() {
            for (Path dir : directories) {
                try {
                    RrdFiles.syncDirectory(dir);
                } catch (IOException e) {
                    failed(StoreWriteException.of(e, dir));
                }
            }
        }
    }

    private WriteResult writeGroups(List<List<SampleBatch>> groups, int part, int parts, WriteCall call) {
        WriteResult sum = WriteResult.NONE;
        Journal.Records records = null;
        if (call.journaled && journal != null) {
            records = new Journal.Records();
            call.records[part] = records;
        }
        for (int i = part; i < groups.size(); i += parts) {
            sum = sum.plus(writePlugin(groups.get(i), call, records));
            // between plugins, holding no lock: a page of thousands of plugins must not overshoot the limits
            trimOpenFiles();
            while (pending.overMemory()) {
                PendingWrites.Dirty<Entry> d = pending.due(System.nanoTime());
                if (d == null || !flushQueued(d, call)) {
                    break;
                }
            }
        }
        return sum;
    }

    /**
     * Writes one plugin's batches, in time order. A failure of the machine (disk full...) ends this plugin's share
     * and is kept in {@code call}; the other plugins go on, since a full disk stops new files, not those that exist.
     */
    private WriteResult writePlugin(List<SampleBatch> group, WriteCall call, Journal.Records records) {
        List<SampleBatch> ordered = group;
        if (group.size() > 1) {
            ordered = new ArrayList<>(group);
            ordered.sort(Comparator.comparingLong(SampleBatch::timestamp));
        }
        SampleBatch first = ordered.get(0);
        long stored = 0;
        long points = 0;
        long duplicates = 0;
        long late = 0;
        long future = 0;
        long rejected = 0;
        TimePolicy time = timeFaults.policy();
        Entry e = lockEntry(first.host(), first.plugin());
        try {
            ensureReady(e);
            for (SampleBatch b : ordered) {
                if (call.replay && e.lastUpdate != 0 && b.timestamp() <= e.lastUpdate) {
                    continue; // in the file already: the journal keeps points until their file is flushed
                }
                long ahead = call.replay ? 0 : time.refusedAhead(b.timestamp());
                if (ahead > 0) {
                    future++;
                    timeFaults.future(b.host(), b.plugin(), b.timestamp(), ahead);
                    continue;
                }
                if (e.lastUpdate != 0 && b.timestamp() <= e.lastUpdate) {
                    if (e.recent.isReplay(b.timestamp(), b.values().hashCode())) {
                        duplicates++;
                    } else {
                        late++;
                        timeFaults.late(b.host(), b.plugin(), b.timestamp(), e.lastUpdate);
                    }
                    continue;
                }
                try {
                    store(e, b, call, records);
                    stored++;
                    points += b.values().size();
                    if (records != null) {
                        if (e.deferred) {
                            // every record until the file is made, not only the first: a record lost to a bad disk
                            // must not take the plugin's metadata, and with it the plugin's later points, along
                            records.add(b, e.meta());
                        } else {
                            records.add(b);
                        }
                    }
                } catch (IllegalArgumentException ex) {
                    rejected++;
                    LOG.warn("host {}, plugin {}, time {}: {}", b.host(), b.plugin(), b.timestamp(), ex.getMessage());
                }
                RrdState state = e.state;
                if (state != null && pending.full(state.pendingRows())) {
                    // a failure keeps them pending, and ends this plugin's share as any other
                    flushOrQuarantine(e, records);
                }
            }
        } catch (IOException ex) {
            call.failed(StoreWriteException.of(ex, e.rrd));
        } finally {
            unlock(e);
        }
        return new WriteResult(stored, points, duplicates, late, future, rejected);
    }

    /** Writes one batch; a file found unusable on the way is quarantined and the batch starts a new one. */
    private void store(Entry e, SampleBatch b, WriteCall call, Journal.Records records) throws IOException {
        try {
            storeInFile(e, b, call);
        } catch (InvalidFileException ex) {
            quarantineEntry(e, ex.getMessage(), records);
            storeInFile(e, b, call);
        }
    }

    /** Writes one batch into the plugin's file, made first when it has none. */
    private void storeInFile(Entry e, SampleBatch b, WriteCall call) throws IOException {
        if (!updateKnownFields(e, b, false)) {
            prepare(e, b, call);
            if (updateKnownFields(e, b, true)) {
                e.lastUpdate = b.timestamp();
                e.recent.add(b.timestamp(), b.values().hashCode());
                return;
            }
            RrdDb db = open(e);
            if (SparseRows.start(db) != SparseRows.WHOLE) {
                makeWhole(e);
                db = open(e);
            }
            Sample s = db.createSample(b.timestamp());
            Map<String, Integer> columns = e.columns(db);
            for (var v : b.values().entrySet()) {
                s.setValue(columns.get(v.getKey()), v.getValue());
            }
            update(e, db, s);
        }
        e.lastUpdate = b.timestamp();
        e.recent.add(b.timestamp(), b.values().hashCode());
    }

    /**
     * The common case, with as few lookups as possible: the file exists, the batch brings no metadata and only
     * fields the file has. It is written by {@link RrdState}, with positioned writes of the bytes the update changes,
     * all or nothing across a crash of the process (the undo log holds the bytes it overwrites). Returns false,
     * having written nothing, when the batch needs {@link #prepare} (unless {@code prepared}: its metadata is in the
     * files) or the file is one rrd4j updates itself.
     */
    private boolean updateKnownFields(Entry e, SampleBatch b, boolean prepared) throws IOException {
        if (!e.created || (b.meta() != null && !prepared) || e.noState) {
            return false;
        }
        RrdState state = state(e);
        if (state == null) {
            return false;
        }
        Map<String, Integer> columns = e.columns(state);
        double[] values = new double[state.dsCount()];
        Arrays.fill(values, Double.NaN);
        for (var v : b.values().entrySet()) {
            Integer c = columns.get(v.getKey());
            if (c == null) {
                return false;
            }
            values[c] = v.getValue();
        }
        boolean wasDirty = state.dirty();
        checkPace(e, state, b.timestamp());
        state.apply(b.timestamp(), values);
        Journal j = journal;
        if (j == null) {
            // no journal: written before the write returns, or forgotten with its state when that fails
            try {
                flush(e);
            } catch (IOException | RuntimeException ex) {
                drop(e); // what reached the file is unknown: read it again
                throw ex;
            }
            return true;
        }
        if (!wasDirty) {
            e.journalFrom = j.segment();
            pending.dirtied(e, e.dirtySeq, System.nanoTime());
        }
        long bytes = state.pendingBytes();
        pending.add(bytes - e.pendingBytes);
        e.pendingBytes = bytes;
        e.pendingPoints += b.values().size();
        return true;
    }

    /** Counts a point further from the last than the file's heartbeat, or raises it ({@link Pace}). */
    private void checkPace(Entry e, RrdState state, long time) {
        long heartbeat = state.heartbeat();
        long gap = time - state.lastUpdate();
        long next = e.pace.next(gap, heartbeat);
        if (next == Pace.APART) {
            timeFaults.apart(e.host, e.plugin, gap, heartbeat);
        } else if (next != Pace.WITHIN) {
            state.raiseHeartbeat(next);
            timeFaults.raised(e.host, e.plugin, gap, heartbeat, next);
        }
    }

    /**
     * Writes a file's waiting updates ({@link RrdState#flush}), all or nothing across a crash of the process: the
     * undo log holds the bytes they overwrite. A failure leaves them waiting. Under the file's lock.
     */
    private void flush(Entry e) throws IOException {
        if (e.deferred) {
            makeDeferred(e);
        }
        RrdState state = e.state;
        if (state == null || !state.dirty()) {
            return;
        }
        FileChannel ch = io == Io.POSITIONED ? channel(e) : null;
        MappedByteBuffer mapped = ch == null ? mapping(e) : null;
        String unlike = ch != null ? state.unlike(ch) : state.unlike(mapped, Files.size(e.rrd));
        if (unlike != null) {
            throw new InvalidFileException(unlike);
        }
        UndoLog log = undo;
        int slot = Math.floorMod(e.key.hashCode(), STRIPES);
        boolean guarded = log != null && log.begin(slot, e.key, state.regions, state.before(), state::regionAt);
        try {
            if (ch != null) {
                state.flush(ch);
            } else {
                state.flush(mapped);
            }
        } catch (java.nio.channels.ClosedChannelException ex) {
            try {
                files.invalidate(e.fd); // closed under it (an interrupt): the next attempt opens the file again
            } catch (IOException again) {
                ex.addSuppressed(again);
            }
            throw ex;
        } finally {
            if (guarded) {
                log.end(slot);
            }
        }
        settled(e);
    }

    /**
     * Flushes a file; one found unusable (changed under the store) is quarantined, and what waited goes into the file
     * made again ({@link #keepPoints}; {@code current}: what the write under way stored and has yet to journal).
     */
    private void flushOrQuarantine(Entry e, Journal.Records current) throws IOException {
        try {
            flush(e);
        } catch (InvalidFileException ex) {
            quarantineEntry(e, ex.getMessage(), current);
        }
    }

    /** Nothing of a file waits in memory any more: the memory is given back, and its queued record goes stale. */
    private void settled(Entry e) {
        if (e.pendingBytes != 0) {
            pending.add(-e.pendingBytes);
            e.pendingBytes = 0;
        }
        e.pendingPoints = 0;
        e.flushedTo = e.lastUpdate;
        e.dirtySeq++;
    }

    /**
     * Forgets a file's state, and with it what waits to be written (a file that is replaced, moved or gone: what
     * waits is in the journal until its segment goes). Under the file's lock.
     */
    private void drop(Entry e) {
        RrdState state = e.state;
        if (state != null && state.dirty() && journal != null) {
            LOG.warn("{}: replaced or moved with updates not yet written; they are not written to it", e.rrd);
        }
        e.state = null;
        if (e.deferred) {
            // its files were never made: forgotten with its state, its points stay in the journal
            e.created = false;
            e.deferred = false;
            deferredBytes.addAndGet(-e.deferredSize);
            deferredFiles.decrementAndGet();
        }
        settled(e);
    }

    /**
     * The update state of a plugin's file, read when first needed; null when rrd4j updates the file itself. An
     * rrd4j database open on the file is closed first: it may hold values that the positioned writes change.
     */
    private RrdState state(Entry e) throws IOException {
        if (cache.isOpen(e.handle)) {
            flush(e);
            cache.invalidate(e.handle);
            e.state = null;
        }
        RrdState state = e.state;
        if (state == null && !e.noState) {
            if (io == Io.MAPPED && SparseRows.start(mapping(e)) != SparseRows.WHOLE) {
                makeWhole(e);
            }
            state = io == Io.POSITIONED ? RrdState.read(channel(e)) : RrdState.read(mapping(e));
            if (state == null) {
                e.noState = true;
                LOG.debug("{}: a layout updated by rrd4j itself", e.rrd);
            }
            e.state = state;
        }
        return state;
    }

    private FileChannel channel(Entry e) throws IOException {
        return files.get(e.fd, () -> FileChannel.open(e.rrd, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    private MappedByteBuffer mapping(Entry e) throws IOException {
        return maps.get(e.map, () -> {
            // the descriptor is closed once the file is mapped: a mapping holds none
            try (FileChannel ch = FileChannel.open(e.rrd, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
            }
        });
    }

    /** Closes whatever holds a plugin's file (before it is replaced, moved or forgotten); under its lock. */
    private void closeFile(Entry e) throws IOException {
        drop(e);
        e.noState = false;
        try {
            files.invalidate(e.fd);
            maps.invalidate(e.map);
        } finally {
            cache.invalidate(e.handle);
        }
    }

    /**
     * Applies an update, all or nothing across a crash of the process: the bytes it changes are saved in the undo
     * log first ({@link UndoLog}), and a start rolls back an update a crash cut.
     */
    private void update(Entry e, RrdDb db, Sample s) throws IOException {
        UndoLog log = undo;
        java.nio.ByteBuffer mapped = log == null ? null : MappedBackendFactory.mapping(db);
        boolean guarded = false;
        int slot = Math.floorMod(e.key.hashCode(), STRIPES);
        if (mapped != null) {
            if (e.regions == null) {
                e.regions = UpdateRegions.of(db, mapped.capacity());
                if (e.regions == null) {
                    LOG.warn("{}: a layout the undo log does not know; a crash during an update may count it twice",
                            e.rrd);
                    e.regions = UpdateRegions.NONE;
                }
            }
            guarded = e.regions != UpdateRegions.NONE && log.begin(slot, e.key, mapped, e.regions);
        }
        try {
            s.update();
        } finally {
            if (guarded) {
                log.end(slot);
            }
        }
    }

    /**
     * Brings the file and its side file up to the batch's metadata. The entry changes only once the files did, so a
     * failure (a full disk) leaves it as it was for the next attempt.
     */
    private void prepare(Entry e, SampleBatch b, WriteCall call) throws IOException {
        Plugin merged = Stores.merge(e.meta(), b);
        if (!e.created) {
            if (call.journaled && journal != null && pending.enabled()) {
                NewFile f = newFile(e, merged, b.timestamp());
                ByteBuffer[] parts = newParts(f.def());
                long size = 0;
                for (ByteBuffer p : parts) {
                    size += p.remaining();
                }
                if (call.room() - deferredBytes.get() - size >= DEFER_MARGIN) {
                    deferFile(e, f, parts, size);
                    return;
                }
            }
            createFile(e, merged, b.timestamp(), call);
            return;
        }
        if (merged.equals(e.meta())) {
            return;
        }
        RrdDb db = open(e);
        Set<String> inFile = new HashSet<>(Arrays.asList(db.getDsNames()));
        Map<String, String> ds = new LinkedHashMap<>(e.ds());
        List<DsDef> added = new ArrayList<>();
        for (Field f : merged.fields()) {
            if (!ds.containsKey(f.name())) {
                String own = RrdLayout.dsName(f.name(), 0);
                if (inFile.contains(own) && !ds.containsValue(own)) {
                    // added to the file by an attempt whose side file did not follow (a full disk, a crash)
                    ds.put(f.name(), own);
                    continue;
                }
                String name = uniqueDsName(f.name(), ds, inFile);
                ds.put(f.name(), name);
                added.add(RrdLayout.dataSource(name, f, e.archives));
            }
        }
        if (!added.isEmpty()) {
            addDataSources(e, added, call);
        }
        e.setDs(ds);
        e.columns = null;
        writeSide(e, new SideFile(merged, ds), call);
        e.set(merged, ds);
        indexDirty.set(true);
        db = open(e);
        updateLimits(db, e);
    }

    private static String uniqueDsName(String field, Map<String, String> taken, Set<String> inFile) {
        for (int attempt = 0; ; attempt++) {
            String name = RrdLayout.dsName(field, attempt);
            if (!taken.containsValue(name) && !inFile.contains(name)) {
                return name;
            }
        }
    }

    /** A new plugin's files, a data source for each field, whose first update may come at {@code firstUpdate}. */
    private void createFile(Entry e, Plugin meta, long firstUpdate, WriteCall call) throws IOException {
        NewFile f = newFile(e, meta, firstUpdate);
        createFile(e, f.def(), f.side(), call);
    }

    /** A new plugin's layout and side file: the same for the same metadata, so that a deferred file is made again. */
    private NewFile newFile(Entry e, Plugin meta, long firstUpdate) {
        Map<String, String> ds = new LinkedHashMap<>();
        List<DsDef> defs = new ArrayList<>();
        for (Field f : meta.fields()) {
            String name = uniqueDsName(f.name(), ds, Set.of());
            ds.put(f.name(), name);
            defs.add(RrdLayout.dataSource(name, f, e.archives));
        }
        return new NewFile(RrdLayout.definition(e.rrd.toString(), firstUpdate, e.archives, defs),
                new SideFile(meta, ds));
    }

    private record NewFile(RrdDef def, SideFile side) {}

    /**
     * A new plugin whose files are made later, by the flush of its first updates ({@link #flush}): its update state
     * comes from its layout in memory, its points wait as any others do, in memory and in the journal (with its
     * metadata, which is nowhere else until then). So a write that brings thousands of new plugins costs their
     * journal records, not the making of their files, which the background then spreads over the write-behind
     * delay. The background makes its files some seconds later ({@link #makeDeferredDue}), or its first flush does,
     * whichever comes first. Lists show the plugin at once; a read makes its files first, as it writes any file's
     * waiting updates.
     * The index lists it once its files exist: a start after a crash makes it again from the journal.
     */
    private void deferFile(Entry e, NewFile f, ByteBuffer[] parts, long size) throws IOException {
        closeFile(e);
        RrdState state = RrdState.read(parts);
        if (state == null) {
            throw new IllegalStateException(e.rrd + ": a new layout that RrdState cannot update");
        }
        // deferred before created: the index, written meanwhile, must never list a plugin without its files
        e.deferred = true;
        e.deferredFrom = f.def().getStartTime() + e.archives.step();
        e.deferredSize = size;
        deferredBytes.addAndGet(size);
        deferredFiles.incrementAndGet();
        toMake.add(new Deferral(e, System.nanoTime()));
        madeNew(e, f.side());
        e.state = state;
    }

    /** An entry that now stands for a new, empty file with this side file. */
    private static void madeNew(Entry e, SideFile side) {
        e.set(side.plugin(), side.dataSources());
        e.columns = null;
        e.regions = null;
        e.created = true;
        e.verified = true;
        e.lastUpdate = 0;
        e.recent = new RecentTimes();
    }

    /**
     * Makes a new plugin's RRD file in place ({@link RrdFiles#createNew}), sparse ({@link SparseRows}: its rows
     * unwritten) unless its updates go through a mapping ({@link Io#MAPPED}), where a full disk could not fail a
     * write into a hole cleanly.
     */
    private void makeRrd(Entry e, RrdDef def) throws IOException {
        ByteBuffer[] parts = newParts(def);
        try {
            if (io == Io.POSITIONED) {
                long size = 0;
                for (ByteBuffer p : parts) {
                    size += p.remaining();
                }
                RrdFiles.createNew(e.rrd, parts, HeapBackendFactory.rows(def, size));
            } else {
                RrdFiles.createNew(e.rrd, parts);
            }
        } catch (FileAlreadyExistsException ex) {
            // left by a file that could not be moved to quarantine: replaced whole, as before
            RrdFiles.writeAtomically(e.rrd, parts);
        }
    }

    /**
     * The bytes of a new plugin's RRD file: with the signature of a sparse file ({@link SparseRows#marked}) when
     * {@link #makeRrd} leaves its rows unwritten, so that a deferred file's state ({@link #deferFile}) holds the
     * header the file will have.
     */
    private ByteBuffer[] newParts(RrdDef def) throws IOException {
        ByteBuffer[] parts = heap.parts(def);
        return io == Io.POSITIONED ? SparseRows.marked(parts, def.getStartTime()) : parts;
    }

    /**
     * Rewrites a sparse file whole ({@link HeapBackendFactory#copy}: the rows it never wrote NaN, a plain
     * signature), atomically, before anything writes it through a mapping (rrd4j's own update, an import,
     * {@link Io#MAPPED}): a write into a hole through a mapping on a full disk faults the process instead of failing.
     * Rare: a sparse file is one the store updates with positioned writes. Under the plugin's lock.
     */
    private void makeWhole(Entry e) throws IOException {
        RrdDb db = open(e);
        ByteBuffer whole = heap.copy(db, db.getRrdDef());
        closeFile(e);
        RrdFiles.writeAtomically(e.rrd, whole);
        RrdFiles.syncDirectory(e.rrd.getParent());
        e.columns = null;
        e.regions = null;
        LOG.info("{}: a sparse file made whole, to be written through a mapping", e.rrd);
    }

    /** Makes the files of a plugin deferred by {@link #deferFile}, as they were laid out then; under its lock. */
    private void makeDeferred(Entry e) throws IOException {
        NewFile f = newFile(e, e.meta(), e.deferredFrom);
        if (!f.side().dataSources().equals(e.ds())) {
            throw new IllegalStateException(e.rrd + ": data sources " + e.ds() + " changed before the file was made,"
                    + " to " + f.side().dataSources());
        }
        Path hostDir = e.rrd.getParent();
        if (writeNew(e, f.side(), hostDir)) {
            unsyncedDirs.add(dataDir);
        }
        makeRrd(e, f.def());
        unsyncedDirs.add(hostDir);
        e.deferred = false;
        deferredBytes.addAndGet(-e.deferredSize);
        deferredFiles.decrementAndGet();
        indexDirty.set(true);
    }

    /** Syncs the folders that deferred files were made in, before the journal segments that held them go. */
    private boolean syncMadeDirs() {
        for (Path dir : List.copyOf(unsyncedDirs)) {
            try {
                RrdFiles.syncDirectory(dir);
                unsyncedDirs.remove(dir);
            } catch (IOException | RuntimeException ex) {
                LOG.warn("{}: cannot be synced ({}); the journal is kept", dir, ex.toString());
                return false;
            }
        }
        return true;
    }

    /**
     * A new plugin's files: the side file first, then the RRD file, laid out in memory, both written in place (no
     * temporary name: they replace nothing). A crash while the side file is written leaves no RRD file, so the side
     * file is not read and is written again with the plugin; a crash while the RRD file is written leaves it
     * {@link RrdFiles#unfinished}, and it is deleted when found ({@link #quarantineEntry}) and made again, its points
     * coming back from the journal or from upstream. The directory is synced before the write returns.
     */
    private void createFile(Entry e, RrdDef def, SideFile side, WriteCall call) throws IOException {
        Path hostDir = e.rrd.getParent();
        closeFile(e);
        if (writeNew(e, side, hostDir)) {
            call.directories.add(dataDir);
        }
        call.directories.add(hostDir);
        makeRrd(e, def);
        madeNew(e, side);
        indexDirty.set(true);
    }

    /**
     * Writes a new plugin's side file in place, making its host's folder when needed; true when the folder was made
     * (the data directory then needs a sync).
     */
    private boolean writeNew(Entry e, SideFile side, Path hostDir) throws IOException {
        boolean made = false;
        if (!hostDirs.contains(e.host)) {
            if (!Files.isDirectory(hostDir)) {
                Files.createDirectories(hostDir);
                made = true;
            }
            hostDirs.add(e.host);
        }
        try {
            side.writeNew(e.json);
        } catch (NoSuchFileException ex) {
            // its folder went since it was seen (removed by hand)
            Files.createDirectories(hostDir);
            made = true;
            side.writeNew(e.json);
        }
        noteSide(e);
        return made;
    }

    private void writeSide(Entry e, SideFile side, WriteCall call) throws IOException {
        side.write(e.json);
        call.directories.add(e.json.getParent());
        noteSide(e);
    }

    /** The side file's size and time, as the index keeps them to tell a side file changed since. */
    private void noteSide(Entry e) throws IOException {
        BasicFileAttributes attrs = sideAttributes(e);
        e.sideSize = attrs == null ? -1 : attrs.size();
        e.sideModified = attrs == null ? 0 : attrs.lastModifiedTime().toMillis();
    }

    /** rrd4j cannot add a data source in place: copy the file into a wider one, history included, and swap. */
    private void addDataSources(Entry e, List<DsDef> added, WriteCall call) throws IOException {
        RrdDb old = open(e);
        RrdDef def = old.getRrdDef();
        def.addDatasource(added.toArray(DsDef[]::new));
        var wider = heap.copy(old, def);
        closeFile(e);
        RrdFiles.writeAtomically(e.rrd, wider);
        call.directories.add(e.rrd.getParent());
        e.columns = null;
        e.regions = null;
        LOG.info("{}: added data sources {}", e.rrd, added.stream().map(DsDef::getDsName).toList());
    }

    private static void updateLimits(RrdDb db, Entry e) throws IOException {
        Map<String, String> names = e.ds();
        for (Field f : e.meta().fields()) {
            Datasource ds = db.getDatasource(names.get(f.name()));
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

    /** The open database of a plugin whose file exists; under its lock. */
    private RrdDb open(Entry e) throws IOException {
        // rrd4j reads the file: what waits is written first, into a file that rrd4j may then find unusable; until it
        // has opened it, the journal keeps those points for a quarantine to write into the file made again
        Unsure before = e.unsure;
        Unsure unsure = journal == null ? null : waiting(e);
        try {
            flush(e);
        } catch (IOException | RuntimeException ex) {
            e.unsure = before; // nothing was written: what waits still waits, and a quarantine counts it once
            throw ex;
        }
        e.state = null; // rrd4j may change the file: its state is read again when next needed
        RrdDb db;
        try {
            db = cache.get(e.handle, () -> openChecked(e.rrd, false));
        } catch (InvalidFileException ex) {
            throw ex; // e.unsure stays for the quarantine
        } catch (IOException | RuntimeException ex) {
            if (unsure != null) {
                e.unsure = null; // the file is sound as far as anyone knows: the points are in it
            }
            throw ex;
        }
        e.unsure = null;
        return db;
    }

    /**
     * Opens an RRD file, telling a file that cannot be used ({@link InvalidFileException}: not an RRD file, cut
     * short, its layout unreadable) from a machine that cannot open it now (any other {@link IOException}: it is
     * tried again later, never quarantined).
     */
    private RrdDb openChecked(Path rrd, boolean readOnly) throws IOException {
        if (Files.size(rrd) == 0) {
            throw new InvalidFileException("an empty RRD file (a crash while it was made)");
        }
        try {
            var builder = RrdDb.getBuilder().setPath(rrd.toString()).setBackendFactory(backend);
            return readOnly ? builder.readOnly().build() : builder.build();
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            if ("Map failed".equals(e.getMessage())) {
                throw e;
            }
            throw new InvalidFileException("not a usable RRD file (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            throw new InvalidFileException("not a usable RRD file (" + e + ")");
        }
    }

    /**
     * The file of a plugin whose waiting updates cannot be written ({@code failed}: a full disk, where they would
     * go into holes of a sparse file), as it would be with them, in memory and read-only: a read on a full disk still
     * shows every acknowledged point. Any other failure, or a file not made yet, is {@code failed} again.
     */
    private RrdDb withWaiting(Entry e, IOException failed) throws IOException {
        RrdState state = e.state;
        if (e.deferred || state == null
                || StoreWriteException.of(failed, e.rrd).kind() != StoreWriteException.Kind.DISK_FULL) {
            throw failed;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(e.rrd));
        state.writeTo(bytes);
        return HeapBackendFactory.open(e.rrd.toString(), bytes);
    }

    /** A file whose content cannot be used, as opposed to a file that cannot be read now. */
    private static final class InvalidFileException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidFileException(String message) {
            super(message);
        }
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
        awaitReplay();
        Names.requireHost(host);
        Entry e = lockEntry(host, meta.name());
        WriteCall call = new WriteCall(0, false, false, null);
        try {
            ensureReady(e);
            if (!e.created) {
                createFile(e, meta, lastUpdate + e.archives.step(), call);
                e.lastUpdate = open(e).getLastUpdateTime();
            }
            RrdDb db = open(e);
            if (SparseRows.start(db) != SparseRows.WHOLE) {
                // its unwritten rows are filled from the history, through the mapping
                makeWhole(e);
                db = open(e);
            }
            List<String> left = new ArrayList<>();
            long rows = 0;
            for (var h : history.entrySet()) {
                String ds = e.ds().get(h.getKey());
                if (ds == null) {
                    left.add(h.getKey());
                    continue;
                }
                int column = db.getDsIndex(ds);
                for (int a = 0; a < db.getArcCount(); a++) {
                    rows += fill(db.getArchive(a), column, h.getValue());
                }
            }
            call.syncDirectories();
            if (call.failure != null) {
                throw call.failure;
            }
            return new Imported(rows, left);
        } finally {
            unlock(e);
            cache.trim();
            trimOpenFiles();
        }
    }

    /** What {@link #importHistory} did: rows filled, and the fields the stored file has no data source for. */
    public record Imported(long rows, List<String> fieldsLeftOut) {
        public Imported {
            fieldsLeftOut = List.copyOf(fieldsLeftOut);
        }
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
            HostSummary s = summary(h.getKey(), h.getValue());
            if (s.plugins() > 0) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public Optional<HostSummary> host(String host) {
        ensureOpen();
        Map<String, Entry> plugins = index.get(host);
        HostSummary s = plugins == null ? null : summary(host, plugins);
        return s == null || s.plugins() == 0 ? Optional.empty() : Optional.of(s);
    }

    private HostSummary summary(String host, Map<String, Entry> plugins) {
        long last = 0;
        int n = 0;
        for (Entry e : plugins.values()) {
            if (e.created) {
                n++;
                last = Math.max(last, e.lastUpdate);
            }
        }
        TimeFaults.Counts faults = timeFaults.of(host);
        return new HostSummary(host, n, last, faults.late(), faults.future(), faults.apart());
    }

    @Override
    public List<PluginSummary> plugins(String host) {
        ensureOpen();
        List<PluginSummary> out = new ArrayList<>();
        for (Entry e : new TreeMap<>(index.getOrDefault(host, Map.of())).values()) {
            if (e.created) {
                out.add(new PluginSummary(e.plugin, e.title, e.category, e.lastUpdate));
            }
        }
        return out;
    }

    @Override
    public Optional<Plugin> plugin(String host, String plugin) {
        ensureOpen();
        Entry e = index.getOrDefault(host, Map.of()).get(plugin);
        return e == null || !e.created ? Optional.empty() : Optional.of(e.meta());
    }

    /** Counted without reading any plugin's metadata: a status page must not cost a start's savings. */
    @Override
    public long series() {
        ensureOpen();
        long n = 0;
        for (Entry e : entries.values()) {
            if (e.created) {
                n += e.fieldCount;
            }
        }
        return n;
    }

    /** The last update of a plugin, 0 when it has none, or empty when unknown. */
    public Optional<Long> lastUpdate(String host, String plugin) {
        Entry e = index.getOrDefault(host, Map.of()).get(plugin);
        return e == null || !e.created ? Optional.empty() : Optional.of(e.lastUpdate);
    }

    @Override
    public Series fetch(SeriesQuery q) throws IOException {
        ensureOpen();
        Entry known = index.getOrDefault(q.host(), Map.of()).get(q.plugin());
        if (known == null || !known.created) {
            throw new NoSuchElementException("host " + q.host() + ", plugin " + q.plugin() + " is not stored here");
        }
        Entry e = lockEntry(q.host(), q.plugin());
        Series tierSeries;
        QueryPlan plan;
        try {
            ensureReady(e);
            List<String> fields = Stores.fieldsWanted(e.meta(), q);
            plan = QueryPlan.of(e.archives, q, e.lastUpdate, fields.size());
            double[][] values = new double[fields.size()][plan.rows()];
            for (double[] row : values) {
                Arrays.fill(row, Double.NaN);
            }
            long gridEnd = plan.timestamp(plan.rows() - 1);
            long start = Math.max(plan.gridStart(), plan.heldFrom());
            long end = Math.min(gridEnd, plan.heldTo());
            RrdDb db = null;
            boolean temporary = false;
            if (e.created && plan.heldTo() != 0 && start <= end) {
                try {
                    db = open(e);
                } catch (FileSystemException ex) {
                    // a read-only file system cannot be mapped for writing: read what it holds all the same
                    db = openChecked(e.rrd, true);
                    temporary = true;
                } catch (InvalidFileException ex) {
                    // as a write would: moved aside, and what the journal holds of it goes into a new file
                    quarantineEntry(e, ex.getMessage());
                    db = e.created ? open(e) : null;
                } catch (IOException ex) {
                    db = withWaiting(e, ex);
                    temporary = true;
                }
            }
            if (db != null) {
                try {
                    ConsolFun cf = RrdLayout.stored(plan.tier(), ConsolFun.valueOf(q.cf().name()));
                    FetchRequest request = db.createFetchRequest(cf, start, end, plan.tierStep());
                    Map<String, String> names = e.ds();
                    String[] dsNames = fields.stream().map(names::get).toArray(String[]::new);
                    request.setFilter(dsNames);
                    FetchData data = request.fetchData();
                    long[] times = data.getTimestamps();
                    long unwrittenTo = SparseRows.start(db);
                    for (int f = 0; f < fields.size(); f++) {
                        double[] got = data.getValues(dsNames[f]);
                        SparseRows.mask(times, got, unwrittenTo);
                        for (int i = 0; i < times.length; i++) {
                            long t = times[i];
                            if (t >= plan.gridStart() && t <= gridEnd
                                    && (t - plan.gridStart()) % plan.tierStep() == 0 && plan.held(t)) {
                                values[f][(int) ((t - plan.gridStart()) / plan.tierStep())] = got[i];
                            }
                        }
                    }
                } finally {
                    if (temporary) {
                        db.close();
                    }
                }
            }
            tierSeries = new Series(q.host(), q.plugin(), q.cf(), plan.gridStart(), plan.tierStep(), fields, values);
        } finally {
            unlock(e);
            cache.trim();
            trimOpenFiles();
        }
        return plan.finish(tierSeries);
    }

    // ---- the index

    private void writeIndexIfChanged() {
        if (closed || !indexDirty.getAndSet(false)) {
            return;
        }
        try {
            writeIndex();
            if (indexWriteProblem != null) {
                LOG.info("{}: its index is written again", dataDir);
                indexWriteProblem = null;
            }
        } catch (IOException | RuntimeException e) {
            indexDirty.set(true);
            if (closed) {
                return; // interrupted by close(), which writes it itself
            }
            String problem = StoreWriteException.of(e instanceof IOException io ? io : new IOException(e),
                    StoreIndex.path(dataDir)).getMessage();
            if (!problem.equals(indexWriteProblem)) {
                LOG.warn("{}: its index cannot be written ({}); it is tried again, and a start without it reads"
                        + " every file", dataDir, problem);
            }
            indexWriteProblem = problem;
        }
    }

    private void writeIndex() throws IOException {
        List<StoreIndex.Item> items = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            if (e.created && !e.deferred) {
                items.add(new StoreIndex.Item(e.host, e.plugin, e.archives, e.lastUpdate, e.sideJson(), e.title,
                        e.category, e.fieldCount, e.sideSize, e.sideModified));
            }
        }
        StoreIndex.write(dataDir, items);
        indexProblem = null;
    }

    // ---- figures and life cycle

    /** Files whose archives differ from the configured ones (they keep theirs). */
    public List<String> layoutWarnings() {
        return Collections.unmodifiableList(layoutWarnings);
    }

    /** Files open now: rrd4j databases, and the mappings or descriptors that updates use. */
    public int openFiles() {
        return cache.size() + maps.size() + files.size();
    }

    /** Databases opened since the store opened (a measure of cache misses). */
    public long filesOpened() {
        return cache.opened();
    }

    /** Files in {@code quarantine/}, those of earlier runs included once the background pass counted them. */
    public long quarantinedFiles() {
        return quarantine.files();
    }

    public Path quarantineDir() {
        return quarantine.root();
    }

    /** New plugins whose files wait to be made by the flush of their first updates. */
    public long deferredFiles() {
        return deferredFiles.get();
    }

    /** New files that a crash left unfinished, found, deleted and made again since the store opened. */
    public long unfinishedFilesDeleted() {
        return unfinishedDeleted.get();
    }

    /** Whether the background pass of the start has compared the index with every file. */
    public boolean checkedAgainstFiles() {
        return checked;
    }

    /** RRD files the background pass has looked at so far. */
    public int filesChecked() {
        return filesChecked.get();
    }

    /** Why the index could not be used at the start, or null. */
    public String indexProblem() {
        return indexProblem;
    }

    /** Writes that failed for the machine's reasons (disk full, read-only, I/O) since the store opened. */
    public long writeFailures() {
        return writeFailures.get();
    }

    /** Where the start's replay of the journal of the last run is. */
    public ReplayState replayState() {
        return replay.snapshot().state();
    }

    /** The start's replay of the journal of the last run, as far as it went. */
    public Replay replay() {
        return replay.snapshot();
    }

    /** {@code none}: the last run left no journal (it stopped cleanly); else replaying, then done. */
    public enum ReplayState {
        NONE, REPLAYING, DONE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The start's replay of the journal: its {@code segments}, the {@code records} (batches) and {@code bytes} read
     * so far of {@code totalBytes}, the {@code corruptRecords} skipped (each logged with its file and offset), the
     * {@code tornBytes} of torn tails (a crash during an append: never acknowledged), when it started and ended
     * (null until then), and what could not be replayed (kept for the next start), or null.
     */
    public record Replay(ReplayState state, int segments, long records, long bytes, long totalBytes,
            long corruptRecords, long tornBytes, java.time.Instant started, java.time.Instant ended,
            String problem) {}

    /**
     * Waits until the start's replay of the journal has ended: a write before then could store a point later than
     * one the replay has yet to write, which would then be refused as late.
     */
    public void awaitReplay() throws IOException {
        try {
            while (!replayed.await(100, TimeUnit.MILLISECONDS)) {
                ensureOpen();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the replay of the journal of " + dataDir, e);
        }
    }

    /** How long the oldest update waiting to be written has waited, in milliseconds; -1 when none waits. */
    public long oldestPendingMillis() {
        long since = pending.oldestSince(d -> d.file().dirtySeq == d.seq() && d.file().pendingBytes > 0);
        return since < 0 ? -1 : Math.max(0, (System.nanoTime() - since) / 1_000_000);
    }

    /** Waiting points of quarantined files written into the files made again for their plugins. */
    public long quarantineKeptPoints() {
        return quarantineKept.get();
    }

    /** Waiting points of quarantined files that could not be kept (each time logged with the plugin). */
    public long quarantineDroppedPoints() {
        return quarantineDropped.get();
    }

    /** The memory that updates waiting to be written hold (write-behind), in bytes. */
    public long pendingBytes() {
        return pending.bytes();
    }

    /** The last write that failed for the machine's reasons, or null. */
    public StoreWriteException lastWriteFailure() {
        return lastWriteFailure;
    }

    /** Points refused or dropped for their time, per host. */
    public TimeFaults timeFaults() {
        return timeFaults;
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

    /** Writes what waits in memory, then closes; the journal goes once everything in it is in the files. */
    @Override
    public void close() throws IOException {
        close(true);
    }

    /**
     * Writes every file's waiting updates now, the files of new plugins made (what a close writes): for a copy of the
     * folder, or a benchmark that times the making of files. Throws the first failure; what failed stays waiting.
     */
    public void flush() throws IOException {
        ensureOpen();
        int failed = flushAll();
        if (!syncMadeDirs() || failed > 0) {
            StoreWriteException f = lastWriteFailure;
            throw f != null && failed > 0 ? f : new IOException(dataDir + ": " + failed + " files could not be written"
                    + " or their folders synced; they stay waiting");
        }
    }

    /**
     * Stops as a crash would, for tests of the journal: nothing waiting is written, the index is not, and the
     * journal stays for the next start to replay.
     */
    void abandon() throws IOException {
        close(false);
    }

    private void close(boolean flush) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (workers != null) {
            workers.shutdownNow();
        }
        // no interrupt: a flush under way would close the descriptor it writes through (an interruptible channel);
        // every background task stops at its next step once closed is set
        background.shutdown();
        try {
            if (!background.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("{}: its background pass did not stop within 10 s", dataDir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Lock l : locks) {
            l.lock();
        }
        boolean flushed = flush && flushAll() == 0;
        try {
            cache.close();
            files.close();
            maps.close();
            if (flush && dirLock != null && !readOnlyAtStart) {
                try {
                    writeIndex();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{}: its index cannot be written at close ({}); the next start reads every file",
                            dataDir, e.toString());
                }
            }
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
        UndoLog log = undo;
        undo = null;
        if (log != null) {
            log.close();
        }
        Journal j = journal;
        journal = null;
        if (j != null) {
            j.close(flushed && journalKept == 0 && syncMadeDirs());
        }
        if (dirLock != null) {
            dirLock.channel().close();
            dirLock = null;
        }
    }

    @Override
    public String toString() {
        return "RrdStore{" + dataDir + ", archives=" + archives.name() + "}";
    }

    /**
     * Points of a file that a quarantine must keep: those of the journal from segment {@code from} on, of which
     * {@code points} values, later than {@code after}, had waited in memory.
     */
    private record Unsure(long from, long points, long after) {}

    /** One plugin: where its files are, what it holds; guarded by its key's lock. */
    private final class Entry {
        final String host;
        final String plugin;
        final String key;
        final DbCache.Handle<RrdDb> handle;
        final DbCache.Handle<FileChannel> fd;
        final DbCache.Handle<MappedByteBuffer> map;
        final Path rrd;
        final Path json;
        private volatile Plugin meta;
        private volatile Map<String, String> ds = Map.of();
        /** The side file's JSON from the index, read into {@code meta} and {@code ds} when first needed. */
        private volatile String pendingSide;
        /** What a plugin list shows, known without reading the metadata. */
        volatile String title;
        volatile String category;
        volatile int fieldCount;
        volatile long lastUpdate;
        volatile Archives archives = RrdStore.this.archives;
        /** Its RRD file exists. */
        volatile boolean created;
        /** Checked against its files since the store opened (an entry read from the index is not, at first). */
        boolean verified;
        /** Looked for on disk since the store opened, when not known to exist. */
        boolean probed;
        long sideSize = -1;
        long sideModified;
        RecentTimes recent = new RecentTimes();
        /** Field name to data-source index in the file, found once: rrd4j looks names up by a linear scan. */
        Map<String, Integer> columns;
        /** What an update of its file changes, for the undo log; found at the first update. */
        UpdateRegions regions;
        /** Its file's update state, when {@link RrdState} updates it; dropped whenever rrd4j opens the file. */
        RrdState state;
        /** Its file is one that rrd4j updates itself (see {@link RrdState#read}). */
        boolean noState;
        /** Changes at each flush: a queued record ({@link PendingWrites}) of an older number is stale. */
        volatile long dirtySeq;
        /** The memory its waiting updates hold, as counted in {@link #pending}; 0 when none wait. */
        volatile long pendingBytes;
        /** The journal segment current when its oldest waiting update was made: it and later ones hold them. */
        volatile long journalFrom;
        /** Values of the updates waiting to be written. */
        long pendingPoints;
        /** Its last update when its file was last flushed: the waiting updates are later. */
        long flushedTo;
        /** Points written into its file by a flush that no open has yet found sound (see {@link #open}), or null. */
        volatile Unsure unsure;
        /** Its points that came further apart than its file's heartbeat. */
        final Pace pace = new Pace();
        /** A new plugin whose files are not made yet ({@link #deferFile}). */
        volatile boolean deferred;
        /** The first update it was laid out for. */
        long deferredFrom;
        /** The size of its deferred file. */
        long deferredSize;

        Entry(String host, String plugin) {
            this.host = host;
            this.plugin = plugin;
            this.key = host + "/" + plugin;
            this.handle = new DbCache.Handle<>(key);
            this.fd = new DbCache.Handle<>(key);
            this.map = new DbCache.Handle<>(key);
            Path hostDir = dataDir.resolve(host);
            this.rrd = hostDir.resolve(plugin + ".rrd");
            this.json = hostDir.resolve(plugin + ".json");
        }

        /** Metadata from the index, read when the plugin is first used. */
        void pending(String side, String title, String category, int fields) {
            this.pendingSide = side;
            this.title = title;
            this.category = category;
            this.fieldCount = fields;
        }

        Plugin meta() {
            parse();
            return meta;
        }

        Map<String, String> ds() {
            parse();
            return ds;
        }

        void set(Plugin meta, Map<String, String> ds) {
            this.ds = ds;
            this.meta = meta;
            this.pendingSide = null;
            this.title = meta.title();
            this.category = meta.category();
            this.fieldCount = meta.fields().size();
        }

        void setDs(Map<String, String> ds) {
            parse();
            this.ds = ds;
        }

        /** The side file's JSON, as the index keeps it. */
        String sideJson() {
            String side = pendingSide;
            return side != null ? side : new SideFile(meta, ds).json();
        }

        private void parse() {
            if (pendingSide == null) {
                if (meta == null) {
                    // a new plugin, before its first batch: no metadata yet
                    synchronized (this) {
                        if (meta == null && pendingSide == null) {
                            set(Plugin.builder(plugin).build(), Map.of());
                        }
                    }
                }
                return;
            }
            synchronized (this) {
                String side = pendingSide;
                if (side == null) {
                    return;
                }
                SideFile f;
                try {
                    f = SideFile.parse(side, key + " in " + StoreIndex.FILE);
                } catch (IllegalArgumentException ex) {
                    // checked against the files when first used: the data sources then come from the file
                    LOG.warn("{}; its metadata is read from its files", ex.getMessage());
                    f = new SideFile(Plugin.builder(plugin).build(), Map.of());
                }
                set(f.plugin(), f.dataSources());
            }
        }

        Map<String, Integer> columns(RrdState state) {
            if (columns == null || columns.size() != ds.size()) {
                Map<String, Integer> c = new HashMap<>();
                for (var f : ds().entrySet()) {
                    int i = state.dsIndex(f.getValue());
                    if (i >= 0) {
                        c.put(f.getKey(), i);
                    }
                }
                columns = c;
            }
            return columns;
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
