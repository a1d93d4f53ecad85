package org.numeter.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.numeter.codec.CodecException;
import org.numeter.codec.RecordCodec;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-behind journal of a store: the batches a write stored in memory, appended before the write returns to
 * a segment file {@code <dataDir>/.journal.<n>}, so that an acknowledged point survives a crash of the process
 * before its file is written (a start replays it, as a write, into memory and a new segment). It promises what the
 * files' own positioned writes promised: what reached the kernel survives the process, not a power cut (no fsync).
 *
 * <p>A record is framed: its length (u32), the CRC-32C of its bytes (u32), then the batch as a v2 record of the
 * link ({@link RecordCodec}, without metadata: that is in the side file before the batch is stored, but for the first
 * record of a new plugin whose files are not made yet, which carries it). All
 * big-endian. A torn or corrupt tail (a crash during an append, a bad disk) is found by its frame, dropped and
 * counted in the log. A segment is deleted once every file that had points in it is flushed past them (the store
 * knows which: {@link #deleteBefore}); a new one starts when the current one passes {@code segmentBytes}.
 *
 * <p>An append that fails (a full disk) keeps its records, and the next append writes them first: a write returns
 * only once everything stored before it is in the journal, so that its retry, whose batches are then duplicates,
 * is not acknowledged with points held in memory alone.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final String PREFIX = ".journal.";
    private static final int FRAME = 8;
    /** No batch record comes near: a length above it is a torn frame. */
    private static final int MAX_RECORD = 16 << 20;

    private final Path dir;
    private final long segmentBytes;
    /** Segments on disk, the current one included. */
    private final TreeSet<Long> segments = new TreeSet<>();
    private final Records unwritten = new Records();
    private FileChannel channel;
    private volatile long segment;
    private long size;

    /**
     * A journal in {@code dir} whose next segment is numbered after every one there: {@link #segment()} is the
     * first of those (the ones a start replays) until {@link #start} opens the new one.
     */
    Journal(Path dir, long segmentBytes) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        segments.addAll(segments(dir));
        segment = segments.isEmpty() ? 1 : segments.first();
    }

    /** The segments of earlier runs, oldest first. */
    List<Path> existing() {
        return segments.stream().map(n -> path(dir, n)).toList();
    }

    /** The segments from {@code first} on, the current one included, oldest first. */
    synchronized List<Path> from(long first) {
        return segments.tailSet(first).stream().map(n -> path(dir, n)).toList();
    }

    /** Opens a new segment after every existing one; appends go there. */
    synchronized void start() throws IOException {
        long next = segments.isEmpty() ? 1 : segments.last() + 1;
        channel = FileChannel.open(path(dir, next), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        segments.add(next);
        size = 0;
        segment = next;
    }

    /** The segment that appends go to now: points stored from now on are in it or in a later one. */
    long segment() {
        return segment;
    }

    /** The segment appends go to, for messages. */
    Path path() {
        return path(dir, segment);
    }

    static Path path(Path dir, long n) {
        return dir.resolve(PREFIX + n);
    }

    private static List<Long> segments(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path f : files) {
                String n = f.getFileName().toString().substring(PREFIX.length());
                if (!n.isEmpty() && n.length() < 19 && n.chars().allMatch(Character::isDigit)) {
                    out.add(Long.parseLong(n));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Appends the records of a write, after those that earlier appends could not write. Nothing is forced to the
     * disk (see the class). A failure keeps every record for the next append.
     */
    synchronized void append(List<Records> parts) throws IOException {
        for (Records r : parts) {
            if (r != null) {
                unwritten.add(r);
            }
        }
        if (unwritten.size == 0) {
            return;
        }
        if (channel == null) {
            throw new IOException("the journal " + path() + " is closed");
        }
        ByteBuffer b = ByteBuffer.wrap(unwritten.buf, 0, unwritten.size);
        try {
            while (b.hasRemaining()) {
                channel.write(b, size + b.position());
            }
        } catch (IOException | RuntimeException e) {
            try {
                channel.truncate(size); // a part that reached the file is written again at the same place
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        size += unwritten.size;
        unwritten.clear();
        if (size >= segmentBytes) {
            rotate();
        }
    }

    private void rotate() {
        long next = segment + 1;
        try {
            FileChannel ch = FileChannel.open(path(dir, next), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            channel.close();
            channel = ch;
            segments.add(next);
            segment = next;
            size = 0;
        } catch (IOException e) {
            // the current segment goes on growing; the next append tries again
            LOG.debug("{}: no new journal segment yet ({})", dir, e.toString());
        }
    }

    /** Deletes the segments before {@code first} (never the current one): nothing in them is needed any more. */
    synchronized void deleteBefore(long first) {
        while (!segments.isEmpty() && segments.first() < Math.min(first, segment)) {
            long n = segments.first();
            try {
                Files.deleteIfExists(path(dir, n));
                segments.remove(n);
            } catch (IOException e) {
                LOG.warn("{}: cannot delete it ({}); it is tried again", path(dir, n), e.toString());
                return;
            }
        }
    }

    /** Closes the journal; {@code flushed}: every point in it is in the files, and the segments are deleted. */
    @Override
    public synchronized void close() {
        close(false);
    }

    synchronized void close(boolean flushed) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", path(), e.toString());
        }
        channel = null;
        if (flushed) {
            deleteBefore(Long.MAX_VALUE);
            try {
                Files.deleteIfExists(path(dir, segment));
                segments.remove(segment);
            } catch (IOException e) {
                LOG.warn("{}: cannot delete it ({}); the next start replays it", path(), e.toString());
            }
        }
    }

    /** What a batch read from the journal is handed to, with the offset just past its record. */
    interface Sink {
        void accept(SampleBatch batch, int end);
    }

    /**
     * What a read of a segment found: its whole {@code records}, those skipped as {@code corrupt} (a checksum that
     * does not match, in a record that other records follow: a bad disk, not a crash; or a sound frame whose batch
     * cannot be read), and the bytes of its torn tail ({@code torn}: the last record cut by a crash during an append,
     * never acknowledged).
     */
    record Read(long records, long corrupt, long torn) {}

    /** At most this many corrupt records of one segment are logged one by one; a summary line tells the rest. */
    private static final int LOGGED_PER_SEGMENT = 5;

    static Read read(Path file, Consumer<SampleBatch> sink) throws IOException {
        return scan(file, (b, end) -> sink.accept(b));
    }

    /**
     * Hands every batch of a segment to {@code sink}, in order. A torn or corrupt tail ends the segment there: it is
     * dropped, and its bytes returned as {@link Read#torn}. A corrupt record before the tail is skipped, counted,
     * and logged with the file and its offset.
     */
    static Read scan(Path file, Sink sink) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Read(0, 0, 0);
        }
        return read(all, all.length, file.toString(), sink);
    }

    /** The same over the first {@code size} bytes of {@code all}, named {@code where} in the log. */
    static Read read(byte[] all, int size, String where, Sink sink) {
        ByteBuffer b = ByteBuffer.wrap(all, 0, size).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        long records = 0;
        long corrupt = 0;
        while (b.remaining() >= FRAME) {
            int at = b.position();
            int length = b.getInt();
            int sum = b.getInt();
            if (length <= 0 || length > MAX_RECORD || length > b.remaining()) {
                return done(where, records, corrupt, size - at);
            }
            crc.reset();
            crc.update(all, b.position(), length);
            if ((int) crc.getValue() != sum) {
                if (at + FRAME + length == size) {
                    return done(where, records, corrupt, size - at); // the last record: a torn append
                }
                if (++corrupt <= LOGGED_PER_SEGMENT) {
                    LOG.warn("{}: the record at byte {} ({} bytes) does not match its checksum (a bad disk?);"
                            + " skipped, the records after it are read", where, at, length);
                }
                b.position(b.position() + length);
                continue;
            }
            byte[] record = new byte[length];
            b.get(record);
            SampleBatch batch;
            try {
                batch = RecordCodec.decode(record);
            } catch (CodecException e) {
                if (++corrupt <= LOGGED_PER_SEGMENT) {
                    LOG.warn("{}: the record at byte {} cannot be read ({}); skipped", where, at, e.getMessage());
                }
                continue;
            }
            records++;
            sink.accept(batch, b.position());
        }
        return done(where, records, corrupt, b.remaining());
    }

    private static Read done(String where, long records, long corrupt, long torn) {
        if (corrupt > LOGGED_PER_SEGMENT) {
            LOG.warn("{}: {} corrupt records skipped in all ({} logged above)", where, corrupt, LOGGED_PER_SEGMENT);
        }
        return new Read(records, corrupt, torn);
    }

    /** Hands the batches of appends that could not be written yet (see {@link #append}) to {@code sink}. */
    synchronized void readUnwritten(Consumer<SampleBatch> sink) {
        unwritten.read("the journal's unwritten records", sink);
    }

    /** Framed records of one write, made by one thread. */
    static final class Records {
        private final CRC32C crc = new CRC32C();
        private byte[] buf = new byte[0];
        private int size;

        void add(SampleBatch b) {
            add(b, null);
        }

        /**
         * A record of {@code b} with {@code meta} (the metadata of a plugin whose files wait to be made, which then
         * lives nowhere else), or without metadata when it is null: the side file holds it.
         */
        void add(SampleBatch b, Plugin meta) {
            SampleBatch kept = meta != null ? b.withMeta(meta) : b.meta() == null ? b : b.withoutMeta();
            byte[] record = RecordCodec.encode(kept);
            ensure(FRAME + record.length);
            crc.reset();
            crc.update(record);
            putInt(size, record.length);
            putInt(size + 4, (int) crc.getValue());
            System.arraycopy(record, 0, buf, size + FRAME, record.length);
            size += FRAME + record.length;
        }

        void add(Records other) {
            ensure(other.size);
            System.arraycopy(other.buf, 0, buf, size, other.size);
            size += other.size;
        }

        int size() {
            return size;
        }

        /** Hands the batches of these records to {@code sink}, in order. */
        void read(String where, Consumer<SampleBatch> sink) {
            Journal.read(buf, size, where, (b, end) -> sink.accept(b));
        }

        void clear() {
            size = 0;
            if (buf.length > 1 << 20) {
                buf = new byte[0]; // a large write's buffer is not kept
            }
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(size + more, Math.max(256, buf.length * 2)));
            }
        }

        private void putInt(int at, int v) {
            buf[at] = (byte) (v >>> 24);
            buf[at + 1] = (byte) (v >>> 16);
            buf[at + 2] = (byte) (v >>> 8);
            buf[at + 3] = (byte) v;
        }
    }
}
