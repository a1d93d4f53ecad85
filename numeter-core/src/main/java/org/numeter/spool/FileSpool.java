package org.numeter.spool;

import static org.numeter.spool.RecordFormat.SEGMENT_HEADER;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default, durable spool: a directory of segment files ({@code 00000000000000000001.seg}, named by their first
 * sequence; format in {@code RecordFormat}), an {@code ack} file holding the acknowledged sequence (replaced by an
 * atomic rename), and a {@code lock} file that keeps a second process out.
 *
 * <ul>
 *   <li>Durability: {@link Durability#SYNC} (the default) returns from {@code append} only once the record is
 *       fsync'd; concurrent appenders share one fsync (group commit) and {@code appendAll} uses one for the lot.
 *       {@code appendAllDeferred} writes at once and leaves the fsync to a later {@code awaitDurable}, which forces
 *       everything written by then (the collector's pages, forced before their acknowledgement leaves).
 *       {@link Durability#PERIODIC} hands records to the operating system at once and fsyncs every
 *       {@code fsyncInterval}: a killed process loses nothing, a power cut may lose that last interval.
 *   <li>Bounded: past {@code maxBytes} on disk the oldest segments are deleted, their unacknowledged records counted
 *       in {@link SpoolStats#dropped()} and logged with their sequence range.
 *   <li>Crash-safe: opening validates every record; a torn or corrupt tail is cut off, a corrupt record in an older
 *       segment cuts the rest of that segment; both are counted in {@link SpoolStats#corrupt()} and logged, never
 *       fatal. Sequences continue after the last good record and never go back below the acknowledged one.
 * </ul>
 *
 * <p>Safe for concurrent use by appenders and one reader. Reads keep the offset of every 16th record of each segment
 * in memory, so they never rescan a segment.
 */
public final class FileSpool implements Spool {
    private static final Logger LOG = LoggerFactory.getLogger(FileSpool.class);
    private static final String ACK_FILE = "ack";
    private static final String ACK_TEMP = "ack.tmp";
    private static final String LOCK_FILE = "lock";
    private static final long MIN_SEGMENT_BYTES = 4096;

    /** When an appended record is on disk. */
    public enum Durability {
        /** {@code append} returns after fsync; concurrent appenders share one (group commit). */
        SYNC,
        /** Written to the operating system at once, fsync'd by a background timer every {@code fsyncInterval}. */
        PERIODIC
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Durability durability;
    private final Duration fsyncInterval;
    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forceDone = lock.newCondition();
    private final NavigableMap<Long, Segment> segments = new TreeMap<>();
    private Segment active;
    private long lastSequence;
    private long acked;
    private long durableSequence;
    private boolean forcing;
    private boolean dirty;
    private long diskBytes;
    private long heldRecords;
    private long heldBytes;
    private long oldestAppendedAt;
    private long dropped;
    private long corrupt;
    private long forces;
    private boolean closed;
    private FileChannel lockChannel;
    private FileLock fileLock;
    private ScheduledExecutorService flusher;

    private FileSpool(Builder b) {
        this.dir = b.dir;
        this.maxBytes = b.maxBytes;
        // A bounded spool drops whole segments, so keep at least four of them within the bound.
        this.segmentBytes = Math.min(b.segmentBytes, Math.max(MIN_SEGMENT_BYTES, b.maxBytes / 4));
        this.durability = b.durability;
        this.fsyncInterval = b.fsyncInterval;
        this.clock = b.clock;
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    public static final class Builder {
        private final Path dir;
        private long maxBytes = 1L << 30;
        private long segmentBytes = 8L << 20;
        private Durability durability = Durability.SYNC;
        private Duration fsyncInterval = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /** Most bytes on disk before the oldest segments are dropped; default 1 GiB. */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("spool maxBytes " + maxBytes + " must be positive");
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** Size past which a new segment file is started; default 8 MiB, at most a quarter of {@code maxBytes}. */
        public Builder segmentBytes(long segmentBytes) {
            if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("spool segmentBytes " + segmentBytes + " must be between "
                        + MIN_SEGMENT_BYTES + " and " + Integer.MAX_VALUE / 2);
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        /** Default {@link Durability#SYNC}. */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** How often {@link Durability#PERIODIC} fsyncs; default 1 s. */
        public Builder fsyncInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("spool fsyncInterval " + interval + " must be positive");
            }
            this.fsyncInterval = interval;
            return this;
        }

        /** The clock of {@link SpoolRecord#appendedAtMillis()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Opens (creating it if needed) and recovers the spool directory. */
        public FileSpool open() throws IOException {
            FileSpool spool = new FileSpool(this);
            try {
                spool.load();
            } catch (IOException | RuntimeException e) {
                spool.releaseAfterFailedOpen();
                throw e;
            }
            return spool;
        }
    }

    private void load() throws IOException {
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            fileLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            fileLock = null;
        }
        if (fileLock == null) {
            throw new IOException("spool " + dir + " is already open (by another process or another FileSpool)");
        }
        acked = readAck();
        lastSequence = acked;
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> Segment.firstSequenceOf(p) > 0)
                    .sorted((a, b) -> Long.compare(Segment.firstSequenceOf(a), Segment.firstSequenceOf(b)))
                    .toList();
        }
        for (int i = 0; i < files.size(); i++) {
            long first = Segment.firstSequenceOf(files.get(i));
            long nextFirst = i + 1 < files.size() ? Segment.firstSequenceOf(files.get(i + 1)) : Long.MAX_VALUE;
            Segment.Recovered r = Segment.recover(files.get(i), first, nextFirst);
            Segment s = r.segment();
            segments.put(first, s);
            if (r.problem() != null) {
                corrupt += r.cutRecords();
                LOG.warn("spool {}: segment {}: {} at byte {}; cut off {} record(s) after sequence {}", dir,
                        s.path.getFileName(), r.problem(), r.problemOffset(), r.cutRecords(), s.last());
            }
            // A segment's name alone proves that the sequence before it was used.
            lastSequence = Math.max(lastSequence, Math.max(s.last(), first - 1));
        }
        // Drop what holds nothing any more. The newest segment stays to be appended to only when the next sequence
        // follows its last record: sequences in a segment are consecutive, and recovery relies on it.
        Segment newest = segments.isEmpty() ? null : segments.lastEntry().getValue();
        for (Iterator<Segment> it = segments.values().iterator(); it.hasNext(); ) {
            Segment s = it.next();
            boolean keep = s == newest ? s.last() == lastSequence : !s.isEmpty() && s.last() > acked;
            if (!keep) {
                it.remove();
                discard(s);
            }
        }
        if (segments.isEmpty() || segments.lastEntry().getValue().last() != lastSequence) {
            Segment s = Segment.create(dir, lastSequence + 1);
            forceDirectory();
            segments.put(s.first, s);
        }
        active = segments.lastEntry().getValue();
        for (Segment s : segments.values()) {
            diskBytes += s.size();
            if (s != active) {
                s.seal();
            }
        }
        durableSequence = lastSequence;
        recomputeHead();
        if (durability == Durability.PERIODIC) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "numeter-spool-fsync-" + dir.getFileName());
                t.setDaemon(true);
                return t;
            });
            long nanos = fsyncInterval.toNanos();
            flusher.scheduleWithFixedDelay(this::flushQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
        }
        LOG.info("spool {} opened: {} unacknowledged record(s), {} bytes, last sequence {}, acknowledged up to {}, "
                + "{} corrupt record(s) cut off", dir, heldRecords, heldBytes, lastSequence, acked, corrupt);
    }

    private long readAck() throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(ACK_FILE), StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return 0;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        // Replaying everything is the safe side of not knowing: duplicates, never loss.
        LOG.warn("spool {}: ack file holds '{}', not a sequence; every record held will be read again", dir, text);
        return 0;
    }

    @Override
    public long append(byte[] payload) throws IOException {
        return appendAll(List.of(payload));
    }

    @Override
    public long appendAll(List<byte[]> payloads) throws IOException {
        return append(payloads, true);
    }

    /** Writes the records to the operating system at once and leaves the fsync to {@link #awaitDurable}. */
    @Override
    public long appendAllDeferred(List<byte[]> payloads) throws IOException {
        return append(payloads, false);
    }

    @Override
    public void awaitDurable(long sequence) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (durability == Durability.SYNC) {
                forceUpTo(Math.min(sequence, lastSequence));
            }
        } finally {
            lock.unlock();
        }
    }

    private long append(List<byte[]> payloads, boolean durable) throws IOException {
        for (byte[] p : payloads) {
            RecordFormat.requireSize(p);
        }
        lock.lock();
        try {
            ensureOpen();
            if (payloads.isEmpty()) {
                return lastSequence;
            }
            long now = clock.millis();
            int i = 0;
            while (i < payloads.size()) {
                if (!active.isEmpty() && active.size() + RecordFormat.recordSize(payloads.get(i)) > segmentBytes) {
                    roll();
                }
                long size = active.size() + RecordFormat.recordSize(payloads.get(i));
                int j = i + 1;
                while (j < payloads.size() && size + RecordFormat.recordSize(payloads.get(j)) <= segmentBytes) {
                    size += RecordFormat.recordSize(payloads.get(j));
                    j++;
                }
                List<byte[]> chunk = payloads.subList(i, j);
                ByteBuffer encoded = RecordFormat.encode(chunk, lastSequence + 1, now);
                int bytes = encoded.remaining();
                active.append(encoded, chunk);
                dirty = true;
                if (heldRecords == 0) {
                    oldestAppendedAt = now;
                }
                heldRecords += chunk.size();
                heldBytes += bytes;
                diskBytes += bytes;
                lastSequence += chunk.size();
                i = j;
            }
            long mine = lastSequence;
            dropOldestWhileFull();
            if (durable && durability == Durability.SYNC) {
                forceUpTo(mine);
            }
            return mine;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Group commit: one appender forces the file, outside the lock, for everything written so far; the others
     * that wrote meanwhile wait for it, and one of them forces again if their record came after it started.
     */
    private void forceUpTo(long sequence) throws IOException {
        while (durableSequence < sequence) {
            if (forcing) {
                forceDone.awaitUninterruptibly();
                continue;
            }
            forcing = true;
            long target = lastSequence;
            Segment segment = active;
            IOException failure = null;
            forces++;
            lock.unlock();
            try {
                segment.force();
            } catch (ClosedChannelException e) {
                // Rolled (and so forced) then deleted while we forced it: its records are on disk.
                if (!segment.sealed()) {
                    failure = e;
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                lock.lock();
                forcing = false;
                forceDone.signalAll();
            }
            if (failure != null) {
                throw failure;
            }
            durableSequence = Math.max(durableSequence, target);
        }
    }

    private void flushQuietly() {
        Segment segment;
        lock.lock();
        try {
            if (closed || !dirty) {
                return;
            }
            dirty = false;
            segment = active;
        } finally {
            lock.unlock();
        }
        try {
            segment.force();
        } catch (ClosedChannelException e) {
            // sealed and deleted, or the spool closed: both forced it already
        } catch (IOException e) {
            LOG.warn("spool {}: periodic fsync of {} failed, will retry: {}", dir, segment.path.getFileName(),
                    e.toString());
            lock.lock();
            try {
                dirty = true;
            } finally {
                lock.unlock();
            }
        }
    }

    private void roll() throws IOException {
        Segment old = active;
        old.force();
        old.seal();
        Segment next = Segment.create(dir, lastSequence + 1);
        if (durability == Durability.SYNC) {
            forceDirectory();
        }
        segments.put(next.first, next);
        active = next;
        diskBytes += next.size();
        if (old.last() <= acked) {
            remove(old);
        }
    }

    private void dropOldestWhileFull() throws IOException {
        boolean changed = false;
        while (diskBytes > maxBytes && segments.size() > 1) {
            Segment oldest = segments.firstEntry().getValue();
            long from = Math.max(oldest.first, acked + 1);
            long lost = Math.max(0, oldest.last() - from + 1);
            remove(oldest);
            changed = true;
            if (lost > 0) {
                dropped += lost;
                LOG.warn("spool {} is full ({} bytes on disk, at most {}): dropped {} unacknowledged record(s), "
                        + "sequences {}..{}", dir, diskBytes + oldest.size(), maxBytes, lost, from, oldest.last());
            }
        }
        if (changed) {
            recomputeHead();
        }
    }

    @Override
    public List<SpoolRecord> read(long from, int max) throws IOException {
        if (max <= 0) {
            throw new IllegalArgumentException("max " + max + " must be positive");
        }
        lock.lock();
        try {
            ensureOpen();
            long start = Math.max(from, acked + 1);
            List<SpoolRecord> out = new ArrayList<>(Math.min(max, 1024));
            Long key = segments.floorKey(start);
            for (Segment s : (key == null ? segments : segments.tailMap(key, true)).values()) {
                if (out.size() >= max) {
                    break;
                }
                if (!s.isEmpty() && s.last() >= start) {
                    s.read(Math.max(start, s.first), max, out);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ack(long upTo) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            // Never past the last record: a later append must not be born acknowledged.
            long target = Math.min(upTo, lastSequence);
            if (target <= acked) {
                return;
            }
            writeAck(target);
            acked = target;
            while (segments.size() > 1) {
                Segment oldest = segments.firstEntry().getValue();
                if (oldest == active || oldest.last() > acked) {
                    break;
                }
                remove(oldest);
            }
            recomputeHead();
        } finally {
            lock.unlock();
        }
    }

    private void writeAck(long sequence) throws IOException {
        Path temp = dir.resolve(ACK_TEMP);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap((sequence + "\n").getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (durability == Durability.SYNC) {
                ch.force(false);
            }
        }
        try {
            Files.move(temp, dir.resolve(ACK_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, dir.resolve(ACK_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Finds the oldest unacknowledged record again and recounts what is held, after an ack or a drop. */
    private void recomputeHead() throws IOException {
        heldRecords = 0;
        heldBytes = 0;
        oldestAppendedAt = 0;
        for (Segment s : segments.values()) {
            if (s.isEmpty() || s.last() <= acked) {
                continue;
            }
            long from = Math.max(s.first, acked + 1);
            if (heldRecords == 0) {
                heldBytes += s.size() - s.offsetOf(from);
                oldestAppendedAt = s.appendedAt(from);
            } else {
                heldBytes += s.size() - SEGMENT_HEADER;
            }
            heldRecords += s.last() - from + 1;
        }
    }

    private void remove(Segment s) {
        segments.remove(s.first);
        diskBytes -= s.size();
        discard(s);
    }

    private void discard(Segment s) {
        try {
            s.delete();
        } catch (IOException e) {
            LOG.warn("spool {}: could not delete {}: {}", dir, s.path.getFileName(), e.toString());
        }
    }

    /** Makes a new file's directory entry durable; some file systems refuse, and then there is nothing to do. */
    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("spool {}: directory fsync not supported: {}", dir, e.toString());
        }
    }

    @Override
    public SpoolStats stats() {
        lock.lock();
        try {
            return new SpoolStats(heldRecords, heldBytes, oldestAppendedAt, lastSequence, dropped, corrupt);
        } finally {
            lock.unlock();
        }
    }

    /** How many group-commit fsyncs appenders have made: lets tests see that concurrent appends share them. */
    long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    /** Where the spool keeps its files. */
    public Path directory() {
        return dir;
    }

    public Durability durability() {
        return durability;
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        if (flusher != null) {
            // Not shutdownNow: interrupting a thread inside FileChannel.force closes the channel.
            flusher.shutdown();
            try {
                flusher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            while (forcing) {
                forceDone.awaitUninterruptibly();
            }
            IOException failure = null;
            try {
                active.force();
            } catch (IOException e) {
                failure = e;
            }
            for (Segment s : segments.values()) {
                s.seal();
                try {
                    s.close();
                } catch (IOException e) {
                    failure = addTo(failure, e);
                }
            }
            try {
                releaseLockFile();
            } catch (IOException e) {
                failure = addTo(failure, e);
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private void releaseAfterFailedOpen() {
        for (Segment s : segments.values()) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("spool {}: closing {} after a failed open: {}", dir, s, e.toString());
            }
        }
        try {
            releaseLockFile();
        } catch (IOException e) {
            LOG.debug("spool {}: releasing the lock after a failed open: {}", dir, e.toString());
        }
    }

    private void releaseLockFile() throws IOException {
        if (fileLock != null) {
            fileLock.release();
        }
        if (lockChannel != null) {
            lockChannel.close();
        }
    }

    private static IOException addTo(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("spool " + dir + " is closed");
        }
    }

    @Override
    public String toString() {
        return "FileSpool{dir=" + dir + ", durability=" + durability + ", maxBytes=" + maxBytes + ", segmentBytes="
                + segmentBytes + "}";
    }
}
