package org.numeter.storage;

import java.io.IOException;
import org.rrd4j.core.RrdDb;

/**
 * The bytes of an RRD file that an update changes, its rows aside: the header's last update, each data source's
 * state, each archive's states and row pointers. They sit in a few small blocks between the rows, at offsets that
 * follow from rrd4j's layout (a file is its primitives one after the other, with no padding: {@code RrdAllocator}).
 * The rows an update writes need no saving: with the pointers put back, the same update writes the same rows again.
 */
final class UpdateRegions {
    private static final int HEADER = 64;
    private static final int DATA_SOURCE = 128;
    private static final int ARCHIVE = 56;
    private static final int POINTER = 4;
    private static final int STATE = 16;
    private static final int VALUE = 8;

    /** A file whose layout is not known: its updates go unguarded. */
    static final UpdateRegions NONE = new UpdateRegions(new long[0], new int[0]);

    final long[] offsets;
    final int[] lengths;
    /** The sum of the lengths. */
    final int bytes;

    UpdateRegions(long[] offsets, int[] lengths) {
        this.offsets = offsets;
        this.lengths = lengths;
        int sum = 0;
        for (int l : lengths) {
            sum += l;
        }
        this.bytes = sum;
    }

    /**
     * The regions of an open file, or null when its layout is not the one this knows (a data source name longer
     * than rrd4j's 20 characters stores more; a file that does not end where the layout says).
     */
    static UpdateRegions of(RrdDb db, long fileLength) throws IOException {
        int n = db.getDsCount();
        int arcs = db.getArcCount();
        int version = db.getHeader().getVersion();
        long[] offsets = new long[version == 1 ? 1 + (arcs - 1) + arcs * (n - 1) : arcs];
        int[] lengths = new int[offsets.length];
        int r = 0;
        long at = HEADER + (long) DATA_SOURCE * n;
        long blockStart = 0;
        for (int a = 0; a < arcs; a++) {
            long rows = db.getArchive(a).getRows();
            at += ARCHIVE;
            if (version == 1) {
                for (int d = 0; d < n; d++) {
                    at += STATE + POINTER;
                    offsets[r] = blockStart;
                    lengths[r++] = (int) (at - blockStart);
                    at += VALUE * rows;
                    blockStart = at;
                }
            } else {
                at += (long) (POINTER + STATE) * n;
                offsets[r] = blockStart;
                lengths[r++] = (int) (at - blockStart);
                at += VALUE * rows * n;
                blockStart = at;
            }
        }
        return at == fileLength && r == offsets.length ? new UpdateRegions(offsets, lengths) : null;
    }
}
