package org.numeter.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.rrd4j.core.Archive;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.Robin;

/**
 * A new plugin's RRD file is sparse: only the blocks between its rows are written ({@link RrdFiles#createNew}), and
 * its rows are holes until an update writes them, as the file system makes them on the first write. A hole reads as
 * 0.0, not as unknown (NaN); but rrd4j writes every row from the last update on (NaN for a gap), so the only rows
 * never written are those at or before the file's start time, and a row there is unknown whatever it holds.
 *
 * <p>Such a file says so, and keeps its start time, in rrd4j's signature: {@code "RRD4J"}, the start time in four
 * characters (its 64 bits), {@code "version 0.2"}: 20 characters where rrd4j writes {@code "RRD4J, version 0.2"},
 * and rrd4j reads the signature only by its beginning (an rrd4j file) and its end (the layout version). The
 * signature is what {@link RrdFiles#createNew} writes last, so a file is whole and marked at once; it never changes
 * afterwards (a copy of the file, {@link HeapBackendFactory#copy}, is made whole and plain).
 *
 * <p>This class is the one place for the rule: {@link #mask} is applied to every row read through rrd4j (the API's
 * series, graphs and their legends, exports: {@code RrdStore.fetch}; a copy of the file). Writing into a hole can
 * fail for a full disk: with a positioned write that is an {@link IOException}, but through a mapping a fault
 * (SIGBUS) of the process, so nothing writes a sparse file through a mapping: the store makes it whole first.
 */
final class SparseRows {
    /** What {@link #start} says of a file that is not sparse: every row it holds was written. */
    static final long WHOLE = Long.MIN_VALUE;
    private static final String HEAD = "RRD4J";
    private static final String TAIL = "version 0.2";
    private static final int CHARS = 20;

    private SparseRows() {}

    /** The 40 bytes of the signature of a sparse file that starts at {@code start}. */
    static ByteBuffer signature(long start) {
        ByteBuffer b = ByteBuffer.allocate(2 * CHARS);
        for (int i = 0; i < HEAD.length(); i++) {
            b.putChar(HEAD.charAt(i));
        }
        b.putLong(start);
        for (int i = 0; i < TAIL.length(); i++) {
            b.putChar(TAIL.charAt(i));
        }
        return b.flip().asReadOnlyBuffer();
    }

    /**
     * The bytes of a new file as buffers one after the other ({@link HeapBackendFactory#parts}), with the signature
     * of a sparse file that starts at {@code start} instead of rrd4j's.
     */
    static ByteBuffer[] marked(ByteBuffer[] parts, long start) {
        ByteBuffer sig = signature(start);
        if (parts.length == 0 || parts[0].remaining() < sig.remaining()) {
            throw new IllegalArgumentException("a first part of " + (parts.length == 0 ? 0 : parts[0].remaining())
                    + " bytes, shorter than the " + sig.remaining() + " of the signature");
        }
        ByteBuffer[] out = new ByteBuffer[parts.length + 1];
        out[0] = sig;
        ByteBuffer rest = parts[0].duplicate();
        out[1] = rest.position(rest.position() + sig.remaining()).slice();
        System.arraycopy(parts, 1, out, 2, parts.length - 1);
        return out;
    }

    /** The start time of a sparse file from its signature as rrd4j reads it (trimmed), or {@link #WHOLE}. */
    static long start(String signature) {
        if (signature == null || signature.length() != CHARS || !signature.startsWith(HEAD)
                || !signature.endsWith(TAIL)) {
            return WHOLE;
        }
        long start = 0;
        for (int i = HEAD.length(); i < HEAD.length() + 4; i++) {
            start = start << 16 | signature.charAt(i);
        }
        return start;
    }

    /** Whether a signature as rrd4j reads it is a sparse file's. */
    static boolean isSparse(String signature) {
        return start(signature) != WHOLE;
    }

    /** The start time of the file open in {@code db} if it is sparse, or {@link #WHOLE}. */
    static long start(RrdDb db) throws IOException {
        return start(db.getHeader().getSignature());
    }

    /** The start time of a sparse file from its first bytes (a mapping of it), or {@link #WHOLE}. */
    static long start(ByteBuffer file) {
        if (file.capacity() < 2 * CHARS) {
            return WHOLE;
        }
        char[] c = new char[CHARS];
        for (int i = 0; i < CHARS; i++) {
            c[i] = file.getChar(2 * i);
        }
        return start(new String(c).trim());
    }

    /**
     * The rule: a row at or before the start of a sparse file was never written, and is unknown. {@code values[i]}
     * is the row of time {@code times[i]}; a file that is not sparse ({@code start} {@link #WHOLE}) keeps them all.
     */
    static void mask(long[] times, double[] values, long start) {
        if (start == WHOLE) {
            return;
        }
        for (int i = 0; i < times.length && i < values.length; i++) {
            if (times[i] <= start) {
                values[i] = Double.NaN;
            }
        }
    }

    /**
     * Writes NaN into every row of {@code db} that {@link #mask} would hide (a copy of a sparse file that started at
     * {@code start}, made whole).
     */
    static void fill(RrdDb db, long start) throws IOException {
        if (start == WHOLE) {
            return;
        }
        for (int a = 0; a < db.getArcCount(); a++) {
            Archive archive = db.getArchive(a);
            long from = archive.getStartTime();
            if (from > start) {
                continue; // wrapped: every row it holds was written
            }
            long step = archive.getArcStep();
            for (int d = 0; d < db.getDsCount(); d++) {
                Robin robin = archive.getRobin(d);
                double[] values = robin.getValues();
                long[] times = new long[values.length];
                for (int i = 0; i < times.length; i++) {
                    times[i] = from + i * step;
                }
                mask(times, values, start);
                robin.setValues(values);
            }
        }
    }
}
