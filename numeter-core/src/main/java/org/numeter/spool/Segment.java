package org.numeter.spool;

import static org.numeter.spool.RecordFormat.RECORD_HEADER;
import static org.numeter.spool.RecordFormat.SEGMENT_HEADER;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * One segment file of a {@link FileSpool}: consecutive records from {@link #first}. It keeps the offset of every
 * {@value #STRIDE}th record in memory, so reading from any sequence reads at most that many record headers before
 * the first record wanted, and never rescans the file.
 *
 * <p>Not thread-safe: the spool calls it under its lock, except {@link #force()}, which the channel allows
 * concurrently.
 */
final class Segment implements Closeable {
    static final int STRIDE = 16;
    private static final String SUFFIX = ".seg";

    final Path path;
    final long first;
    private volatile FileChannel channel;
    private volatile boolean closed;
    private int count;
    private long size;
    private int[] sparse = new int[16];
    private volatile boolean sealed;

    private Segment(Path path, long first, FileChannel channel) {
        this.path = path;
        this.first = first;
        this.channel = channel;
    }

    static Path pathFor(Path dir, long first) {
        return dir.resolve(String.format("%020d%s", first, SUFFIX));
    }

    /** The first sequence a segment file is named for, or -1 when the name is not a segment's. */
    static long firstSequenceOf(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        long first = Long.parseLong(name.substring(0, 20));
        return first > 0 ? first : -1;
    }

    static Segment create(Path dir, long first) throws IOException {
        Path path = pathFor(dir, first);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment s = new Segment(path, first, ch);
        try {
            s.writeFully(RecordFormat.segmentHeader(), 0);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        s.size = SEGMENT_HEADER;
        return s;
    }

    /**
     * Opens an existing segment, validating every record, and cuts it after the last good one. Records must
     * carry consecutive sequences from {@code first} and stay below {@code nextFirst}, the next segment's first.
     */
    static Recovered recover(Path path, long first, long nextFirst) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment s = new Segment(path, first, ch);
        try {
            return s.validate(bytes, nextFirst);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The outcome of opening a segment: the segment, and what was cut from it (none when {@code problem} is null). */
    record Recovered(Segment segment, String problem, long problemOffset, int cutRecords) {}

    private Recovered validate(byte[] b, long nextFirst) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        if (b.length < SEGMENT_HEADER) {
            // A crash right after the file was created: nothing was ever in it.
            String problem = b.length == 0 ? null : "short segment header of " + b.length + " bytes";
            rewriteHeader();
            return new Recovered(this, problem, 0, 0);
        }
        int pos = SEGMENT_HEADER;
        String problem = null;
        if (buf.getInt(0) != RecordFormat.MAGIC) {
            problem = "not a spool segment (bad magic number)";
        } else if (buf.getInt(4) != RecordFormat.VERSION) {
            // Written by another Numeter version: refuse rather than cut what may be good data.
            throw new IOException(path + " has spool format version " + buf.getInt(4) + ", this Numeter reads "
                    + RecordFormat.VERSION);
        }
        while (problem == null && pos < b.length) {
            long expected = first + count;
            if (b.length - pos < RECORD_HEADER) {
                problem = "torn record header (" + (b.length - pos) + " bytes)";
                break;
            }
            int length = buf.getInt(pos);
            if (!RecordFormat.saneLength(length)) {
                problem = "bad record length " + length;
                break;
            }
            if (b.length - pos - RECORD_HEADER < length) {
                problem = "torn record: " + length + " payload bytes announced, " + (b.length - pos - RECORD_HEADER)
                        + " present";
                break;
            }
            if (buf.getInt(pos + 4) != RecordFormat.checksum(b, pos, length)) {
                problem = "bad checksum of the record expected to be sequence " + expected;
                break;
            }
            long sequence = buf.getLong(pos + 8);
            if (sequence != expected || sequence >= nextFirst) {
                problem = "sequence " + sequence + " where " + expected + " was expected";
                break;
            }
            index(pos);
            pos += RECORD_HEADER + length;
        }
        size = pos;
        if (problem == null) {
            return new Recovered(this, null, 0, 0);
        }
        int cut = nextFirst == Long.MAX_VALUE
                ? Math.max(1, framesFrom(buf, pos))
                : (int) Math.max(1, Math.min(Integer.MAX_VALUE, nextFirst - (first + count)));
        if (pos == SEGMENT_HEADER) {
            rewriteHeader();
        } else {
            ch().truncate(pos);
        }
        return new Recovered(this, problem, pos, cut);
    }

    /** How many records seem to follow {@code pos} by their length fields: an estimate of what a cut loses. */
    private static int framesFrom(ByteBuffer buf, int pos) {
        int frames = 0;
        while (pos < buf.limit()) {
            frames++;
            if (buf.limit() - pos < RECORD_HEADER) {
                break;
            }
            int length = buf.getInt(pos);
            if (!RecordFormat.saneLength(length) || buf.limit() - pos - RECORD_HEADER < length) {
                break;
            }
            pos += RECORD_HEADER + length;
        }
        return frames;
    }

    private void rewriteHeader() throws IOException {
        ch().truncate(0);
        writeFully(RecordFormat.segmentHeader(), 0);
        size = SEGMENT_HEADER;
    }

    /**
     * Writes already encoded records at the end. When the write fails half-way, the file is cut back so that it
     * still ends after a whole record.
     */
    void append(ByteBuffer records, List<byte[]> payloads) throws IOException {
        long start = size;
        try {
            writeFully(records, start);
        } catch (IOException e) {
            try {
                ch().truncate(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        long pos = start;
        for (byte[] p : payloads) {
            index(pos);
            pos += RecordFormat.recordSize(p);
        }
        size = pos;
    }

    private void index(long offset) {
        if (count % STRIDE == 0) {
            int slot = count / STRIDE;
            if (slot == sparse.length) {
                sparse = Arrays.copyOf(sparse, slot * 2);
            }
            sparse[slot] = Math.toIntExact(offset);
        }
        count++;
    }

    /** Reads records from {@code from} (which this segment holds) into {@code out} until it holds {@code max}. */
    void read(long from, int max, List<SpoolRecord> out) throws IOException {
        long pos = offsetOf(from);
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
        for (long seq = from; seq <= last() && out.size() < max; seq++) {
            readFully(header.clear(), pos);
            int length = header.getInt(0);
            if (header.getLong(8) != seq) {
                throw new IOException(path + ": sequence " + header.getLong(8) + " at byte " + pos + " where " + seq
                        + " was expected");
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, pos + RECORD_HEADER);
            out.add(new SpoolRecord(seq, header.getLong(16), payload.array()));
            pos += RECORD_HEADER + length;
        }
    }

    /** When the record {@code sequence} was appended. */
    long appendedAt(long sequence) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
        readFully(header, offsetOf(sequence));
        return header.getLong(16);
    }

    /** Byte offset of the record {@code sequence}, which this segment holds. */
    long offsetOf(long sequence) throws IOException {
        if (sequence < first || sequence > last()) {
            throw new IllegalArgumentException(path + " holds " + first + ".." + last() + ", not " + sequence);
        }
        int index = (int) (sequence - first);
        long pos = sparse[index / STRIDE];
        ByteBuffer length = ByteBuffer.allocate(4);
        for (int i = 0; i < index % STRIDE; i++) {
            readFully(length.clear(), pos);
            pos += RECORD_HEADER + length.getInt(0);
        }
        return pos;
    }

    private void readFully(ByteBuffer buf, long start) throws IOException {
        int mark = buf.position();
        retrying(() -> {
            buf.position(mark);
            long pos = start;
            while (buf.hasRemaining()) {
                int n = ch().read(buf, pos);
                if (n < 0) {
                    throw new EOFException(path + ": end of file at byte " + pos);
                }
                pos += n;
            }
        });
    }

    private void writeFully(ByteBuffer buf, long start) throws IOException {
        int mark = buf.position();
        retrying(() -> {
            buf.position(mark);
            long pos = start;
            while (buf.hasRemaining()) {
                pos += ch().write(buf, pos);
            }
        });
    }

    void force() throws IOException {
        retrying(() -> ch().force(false));
    }

    private interface Io {
        void run() throws IOException;
    }

    /**
     * Runs a positional read, write or force again when another thread's interrupt closed the channel under it;
     * this thread's own interrupt, and a close by the spool, fail the call as they should.
     */
    private void retrying(Io io) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                io.run();
                return;
            } catch (AsynchronousCloseException e) {
                if (e instanceof ClosedByInterruptException || closed || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Marks that no record will be added and all are on disk: a failed force of it later can be ignored. */
    void seal() {
        sealed = true;
    }

    boolean sealed() {
        return sealed;
    }

    long last() {
        return first + count - 1;
    }

    int count() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Bytes of the file, header included. */
    long size() {
        return size;
    }

    /**
     * The channel, opened again when an interrupt closed it: a thread interrupted in the middle of a read or write
     * closes a {@link FileChannel} for every thread, and that must fail only the interrupted call, not the spool.
     * Records are written at {@link #size}, which only moves after a whole write, so whatever such a write left
     * behind is overwritten by the next one.
     */
    private FileChannel ch() throws IOException {
        FileChannel c = channel;
        if (c.isOpen()) {
            return c;
        }
        synchronized (this) {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (!channel.isOpen()) {
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            return channel;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
        }
        channel.close();
    }

    void delete() throws IOException {
        close();
        Files.deleteIfExists(path);
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + first + ".." + last() + "]";
    }
}
