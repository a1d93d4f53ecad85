package org.numeter.storage;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * How the store puts a file in place: complete under a temporary name ({@code <name>.tmp}), forced to the disk
 * when it replaces another, then renamed over the real name, so that a crash at any moment leaves the old file or
 * the new one, never half of one; the caller then syncs the directory ({@link #syncDirectory}), so that the new name
 * survives a power cut too.
 * A start finds a {@code .tmp} file only after a crash, and quarantines it.
 *
 * <p>A file that replaces nothing (a new plugin's) is made in place instead ({@link #createNew}): its first bytes say
 * "unfinished" until everything else is written, so that what a crash leaves under its name is either whole or
 * recognisably unfinished ({@link #unfinished}), and held nothing but the empty layout. Such a file is sparse: its
 * rows are left unwritten ({@link SparseRows}).
 */
final class RrdFiles {
    static final String TMP = ".tmp";
    /**
     * The first bytes of a file made in place until the rest is written: rrd4j's signature field (20 characters of
     * 2 bytes) with a text that no RRD file holds there.
     */
    static final ByteBuffer UNFINISHED = signature("NUMETER, unfinished");

    private RrdFiles() {}

    static Path tmpOf(Path target) {
        return target.resolveSibling(target.getFileName() + TMP);
    }

    /**
     * Writes {@code content} (from its start to its limit) as {@code target}, atomically. A file that replaces
     * another is forced to the disk before the rename, so that a power cut cannot trade the old content for an empty
     * file; a new file is not (as {@code rrdtool create} does not, and as updates are not): a power cut may leave it
     * empty or short, which a start quarantines, and it held nothing else. Forcing each new file made creating
     * 20,000 of them take minutes.
     */
    static void writeAtomically(Path target, ByteBuffer content) throws IOException {
        writeAtomically(target, new ByteBuffer[] {content});
    }

    /** {@link #writeAtomically(Path, ByteBuffer)} of the buffers one after the other, in one gathering write. */
    static void writeAtomically(Path target, ByteBuffer[] content) throws IOException {
        Path tmp = tmpOf(target);
        boolean replacing = Files.exists(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, CREATE, TRUNCATE_EXISTING, WRITE)) {
                ByteBuffer[] b = new ByteBuffer[content.length];
                long left = 0;
                for (int i = 0; i < b.length; i++) {
                    b[i] = content[i].duplicate();
                    left += b[i].remaining();
                }
                while (left > 0) {
                    left -= ch.write(b);
                }
                if (replacing) {
                    ch.force(true);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Makes {@code target}, which must not exist, with {@code content} (its first part at least as long as rrd4j's
     * signature field), in place: the content is written with {@link #UNFINISHED} over its first bytes, then those
     * bytes; a crash of the process at any moment leaves no file, an {@link #unfinished} one, or the whole one. Not
     * forced to the disk, as {@link #writeAtomically} does not force a new file. One open, one gathering write, one
     * positioned write, one close: a temporary name and a rename cost a file-system operation more each, on every
     * new plugin.
     *
     * @throws FileAlreadyExistsException when {@code target} exists: nothing was written
     */
    static void createNew(Path target, ByteBuffer[] content) throws IOException {
        createNew(target, content, new long[0]);
    }

    /**
     * {@link #createNew(Path, ByteBuffer[])} leaving the byte ranges {@code holes} of the content unwritten (pairs of
     * from and to, in increasing order, after the signature field): a sparse file of the same length, whose holes
     * the file system allocates when they are first written ({@link SparseRows}). A gathering write per written
     * range instead of one in all: a new plugin's file costs its few kilobytes of header and archive blocks instead
     * of its rows (more than a megabyte with the default archives).
     */
    static void createNew(Path target, ByteBuffer[] content, long[] holes) throws IOException {
        int sig = UNFINISHED.remaining();
        if (content.length == 0 || content[0].remaining() < sig) {
            throw new IllegalArgumentException(target + ": a first part of " + (content.length == 0 ? 0
                    : content[0].remaining()) + " bytes, shorter than the " + sig + " of the signature");
        }
        long size = 0;
        for (ByteBuffer c : content) {
            size += c.remaining();
        }
        if (holes.length % 2 != 0) {
            throw new IllegalArgumentException(target + ": " + holes.length + " hole bounds, not pairs");
        }
        for (int i = 0; i < holes.length; i += 2) {
            long before = i == 0 ? sig : holes[i - 1];
            if (holes[i] < before || holes[i + 1] < holes[i] || holes[i + 1] > size) {
                throw new IllegalArgumentException(target + ": a hole from " + holes[i] + " to " + holes[i + 1]
                        + " in a file of " + size + " bytes, after " + before);
            }
        }
        ByteBuffer head = content[0].duplicate();
        head.limit(head.position() + sig);
        FileChannel ch = FileChannel.open(target, CREATE_NEW, WRITE);
        try (ch) {
            long at = 0;
            for (int i = 0; i <= holes.length; i += 2) {
                long to = i < holes.length ? holes[i] : size;
                if (at < to) {
                    ByteBuffer[] b = slices(content, at, to);
                    if (at == 0) {
                        b[0].position(b[0].position() + sig);
                        b = prepend(UNFINISHED.duplicate(), b);
                    }
                    writeFully(ch, b, at, to - at);
                }
                if (i < holes.length) {
                    at = holes[i + 1];
                }
            }
            if (holes.length > 0 && holes[holes.length - 1] == size) {
                // the file ends in a hole: its length is its last byte, written as a zero (what the hole reads)
                writeFully(ch, new ByteBuffer[] {ByteBuffer.allocate(1)}, size - 1, 1);
            }
            while (head.hasRemaining()) {
                ch.write(head, head.position() - content[0].position());
            }
        } catch (IOException | RuntimeException e) {
            // made by this call (CREATE_NEW): it held nothing before
            try {
                Files.deleteIfExists(target);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** Bytes {@code from} to {@code to} of the buffers one after the other, as slices of them. */
    private static ByteBuffer[] slices(ByteBuffer[] content, long from, long to) {
        List<ByteBuffer> out = new ArrayList<>();
        long start = 0;
        for (ByteBuffer c : content) {
            long end = start + c.remaining();
            long a = Math.max(from, start);
            long b = Math.min(to, end);
            if (a < b) {
                out.add(c.slice(c.position() + (int) (a - start), (int) (b - a)));
            }
            start = end;
        }
        return out.toArray(ByteBuffer[]::new);
    }

    private static ByteBuffer[] prepend(ByteBuffer first, ByteBuffer[] rest) {
        ByteBuffer[] out = new ByteBuffer[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /** Writes the buffers from {@code at} on, {@code left} bytes in all. */
    private static void writeFully(FileChannel ch, ByteBuffer[] b, long at, long left) throws IOException {
        ch.position(at);
        while (left > 0) {
            left -= ch.write(b);
        }
    }

    /**
     * Whether a file is one that {@link #createNew} had not finished when the process stopped: empty, or beginning
     * with (a part of) {@link #UNFINISHED}. Such a file held nothing but the empty layout.
     */
    static boolean unfinished(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, READ)) {
            ByteBuffer b = ByteBuffer.allocate(UNFINISHED.remaining());
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // until the signature's length or the end of the file
            }
            return b.flip().equals(UNFINISHED.duplicate().limit(b.remaining()));
        }
    }

    private static ByteBuffer signature(String text) {
        ByteBuffer b = ByteBuffer.allocate(40);
        for (int i = 0; i < 20; i++) {
            b.putChar(i < text.length() ? text.charAt(i) : ' ');
        }
        return b.flip().asReadOnlyBuffer();
    }

    /** Forces a directory's entries (names created, renamed, removed) to the disk. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, READ)) {
            ch.force(true);
        }
    }
}
