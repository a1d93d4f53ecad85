package org.numeter.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An RRD file's update state held in memory, and its updates written later ({@link #flush}: write-behind, those of
 * many updates together) with positioned writes of just the bytes they change: the rows stored and the small
 * blocks between the rows (the header, each data source's state, each archive's states and row pointers:
 * {@link UpdateRegions}). This is rrd4j's own update ({@code RrdDb.store}: {@code Datasource.process},
 * {@code Archive.archive}) on the same file layout, byte for byte ({@code RrdStateTest} compares both), without
 * opening the file through rrd4j: an update of a file that is not open costs a descriptor and a few
 * {@code pwrite}s instead of a mapping, a parse of the whole header and an unmapping, and the process holds no
 * mapped pages of the files (see {@code docs/decisions.md}).
 *
 * <p>Only the layout version 2 of rrd4j (one row of every data source together, the default) whose data-source
 * names fit the header is read here; {@link #read} returns null for any other file, which rrd4j then updates. Not
 * thread-safe: its plugin's lock guards it.
 */
final class RrdState {
    private static final int HEADER = 64;
    private static final int DATA_SOURCE = 128;
    private static final int ARCHIVE = 56;
    private static final int PER_DS = 20;
    private static final int NAME_CHARS = 20;
    private static final String SIGNATURE = "RRD4J, version 0.2";
    private static final double MAX_32_BIT = Math.pow(2, 32);
    private static final double MAX_64_BIT = Math.pow(2, 64);

    private static final int GAUGE = 0;
    private static final int COUNTER = 1;
    private static final int DERIVE = 2;
    private static final int ABSOLUTE = 3;

    private static final int AVERAGE = 0;
    private static final int MIN = 1;
    private static final int MAX = 2;
    private static final int LAST = 3;
    private static final int FIRST = 4;
    private static final int TOTAL = 5;

    final UpdateRegions regions;
    private final long step;
    private final int n;
    private final String[] dsNames;
    private final int[] dsType;
    private final long[] heartbeat;
    private final double[] minValue;
    private final double[] maxValue;
    private final int[] consolFun;
    private final double[] xff;
    private final int[] steps;
    private final int[] rows;
    /** Where each archive's block (its definition, then pointers and states) starts in {@link #image}. */
    private final int[] arcAt;
    /** Where each archive's rows start in the file. */
    private final long[] rowsAt;
    /** Where each region starts in {@link #image}. */
    private final int[] regionAt;
    /** The regions, one after the other, as in the file after the last update. */
    private final ByteBuffer image;
    /** rrd4j keeps this in memory only: the last valid value of each data source's current step. */
    private final double[] accumLastValue;
    /**
     * The regions as the file holds them while updates are pending ({@link #flush} writes them), null when the file
     * is up to date: what a flush compares to write only the blocks that changed, and what the undo log saves.
     */
    private byte[] flushed;
    /** The rows the pending updates stored, in order: where in the file, and the value. */
    private int[] pendingAt;
    private double[] pendingValue;
    private int pending;

    private RrdState(UpdateRegions regions, ByteBuffer image, int[] regionAt, long step, int n, int arcs,
            long[] rowsAt) throws IOException {
        this.regions = regions;
        this.image = image;
        this.regionAt = regionAt;
        this.step = step;
        this.n = n;
        this.rowsAt = rowsAt;
        dsNames = new String[n];
        dsType = new int[n];
        heartbeat = new long[n];
        minValue = new double[n];
        maxValue = new double[n];
        accumLastValue = new double[n];
        Arrays.fill(accumLastValue, Double.NaN);
        for (int i = 0; i < n; i++) {
            int at = HEADER + DATA_SOURCE * i;
            dsNames[i] = string(image, at);
            dsType[i] = switch (string(image, at + 40)) {
                case "GAUGE" -> GAUGE;
                case "COUNTER" -> COUNTER;
                case "DERIVE" -> DERIVE;
                case "ABSOLUTE" -> ABSOLUTE;
                default -> throw new IOException("data source " + i + " of an unknown type '" + string(image, at + 40)
                        + "'");
            };
            heartbeat[i] = image.getLong(at + 80);
            minValue[i] = image.getDouble(at + 88);
            maxValue[i] = image.getDouble(at + 96);
        }
        consolFun = new int[arcs];
        xff = new double[arcs];
        steps = new int[arcs];
        rows = new int[arcs];
        arcAt = new int[arcs];
        for (int a = 0; a < arcs; a++) {
            int at = a == 0 ? HEADER + DATA_SOURCE * n : regionAt[a];
            arcAt[a] = at;
            consolFun[a] = switch (string(image, at)) {
                case "AVERAGE" -> AVERAGE;
                case "MIN" -> MIN;
                case "MAX" -> MAX;
                case "LAST" -> LAST;
                case "FIRST" -> FIRST;
                case "TOTAL" -> TOTAL;
                default -> throw new IOException("archive " + a + " of an unknown function '" + string(image, at)
                        + "'");
            };
            xff[a] = image.getDouble(at + 40);
            steps[a] = image.getInt(at + 48);
            rows[a] = image.getInt(at + 52);
        }
    }

    /**
     * Reads the state of a file through {@code ch}: its header and the blocks between its rows, a few positioned
     * reads. Null when the file is not one this updates (another layout version, a data-source name stored apart,
     * a length the layout does not explain): rrd4j then updates it.
     */
    static RrdState read(FileChannel ch) throws IOException {
        return read(ch.size(), (at, length) -> readFully(ch, at, length));
    }

    /** The same from a mapping of the whole file. */
    static RrdState read(ByteBuffer file) throws IOException {
        return read(file.capacity(), (at, length) -> {
            ByteBuffer b = ByteBuffer.allocate(length);
            b.put(0, file, Math.toIntExact(at), length);
            return b.order(ByteOrder.BIG_ENDIAN);
        });
    }

    /**
     * The state of a file not yet written, from its bytes as buffers one after the other
     * ({@link HeapBackendFactory#parts}); only its header and archive blocks are copied.
     */
    static RrdState read(ByteBuffer[] parts) throws IOException {
        long size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        return read(size, (at, length) -> {
            ByteBuffer b = ByteBuffer.allocate(length);
            long start = 0;
            for (ByteBuffer p : parts) {
                long end = start + p.remaining();
                long from = Math.max(at, start);
                long to = Math.min(at + length, end);
                if (from < to) {
                    b.put((int) (from - at), p, p.position() + (int) (from - start), (int) (to - from));
                }
                start = end;
            }
            return b.order(ByteOrder.BIG_ENDIAN);
        });
    }

    private interface Reader {
        ByteBuffer read(long at, int length) throws IOException;
    }

    private static RrdState read(long size, Reader ch) throws IOException {
        if (size < HEADER || size > Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer head = ch.read(0, HEADER);
        String signature = string(head, 0);
        if (!SIGNATURE.equals(signature) && !SparseRows.isSparse(signature)) {
            return null;
        }
        long step = head.getLong(40);
        int n = head.getInt(48);
        int arcs = head.getInt(52);
        if (step <= 0 || n <= 0 || arcs <= 0 || n > 4096 || arcs > 4096) {
            return null;
        }
        int block = ARCHIVE + PER_DS * n;
        long[] offsets = new long[arcs];
        int[] lengths = new int[arcs];
        long[] rowsAt = new long[arcs];
        int[] regionAt = new int[arcs];
        ByteBuffer[] parts = new ByteBuffer[arcs];
        int first = HEADER + DATA_SOURCE * n + block;
        if (first > size) {
            return null;
        }
        parts[0] = ch.read(0, first);
        lengths[0] = first;
        long at = first;
        int total = first;
        for (int a = 0; a < arcs; a++) {
            ByteBuffer arc = a == 0 ? parts[0].slice(first - block, block) : null;
            if (a > 0) {
                if (at + block > size) {
                    return null;
                }
                arc = ch.read(at, block);
                parts[a] = arc;
                offsets[a] = at;
                lengths[a] = block;
                regionAt[a] = total;
                total += block;
                at += block;
            }
            long r = arc.order(ByteOrder.BIG_ENDIAN).getInt(52);
            if (r <= 0) {
                return null;
            }
            rowsAt[a] = at;
            at += r * n * 8;
            if (at > size) {
                return null;
            }
        }
        if (at != size) {
            return null; // long data-source names are kept at the end of the file: rrd4j reads those
        }
        ByteBuffer image = ByteBuffer.allocate(total);
        for (int a = 0; a < arcs; a++) {
            image.put(regionAt[a], parts[a], 0, lengths[a]);
        }
        for (int i = 0; i < n; i++) {
            String name = string(image, HEADER + DATA_SOURCE * i);
            for (int c = 0; c < name.length(); c++) {
                if (name.charAt(c) >= '\ue000' && name.charAt(c) <= '\uf8ff') {
                    return null;
                }
            }
            if (name.endsWith("!")) {
                return null; // rrd4j stores zeros for NaN in such data sources: it updates them itself
            }
        }
        return new RrdState(new UpdateRegions(offsets, lengths), image, regionAt, step, n, arcs, rowsAt);
    }

    private static ByteBuffer readFully(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new EOFException("the file ends before byte " + (at + length));
            }
        }
        return b.clear().order(ByteOrder.BIG_ENDIAN);
    }

    private static String string(ByteBuffer b, int at) {
        char[] c = new char[NAME_CHARS];
        for (int i = 0; i < NAME_CHARS; i++) {
            c[i] = b.getChar(at + 2 * i);
        }
        return new String(c).trim();
    }

    /** The index of a data source by name, or -1. */
    int dsIndex(String name) {
        for (int i = 0; i < n; i++) {
            if (dsNames[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int dsCount() {
        return n;
    }

    long lastUpdate() {
        return image.getLong(56);
    }

    /** The file's heartbeat: the longest of its data sources' (they are made alike). */
    long heartbeat() {
        long most = 0;
        for (long h : heartbeat) {
            most = Math.max(most, h);
        }
        return most;
    }

    /**
     * Sets every data source's heartbeat to {@code seconds}, written with the next flush (the data sources'
     * definitions are in the first region).
     */
    void raiseHeartbeat(long seconds) {
        if (flushed == null) {
            flushed = new byte[image.capacity()];
            image.get(0, flushed);
        }
        for (int i = 0; i < n; i++) {
            heartbeat[i] = seconds;
            image.putLong(HEADER + DATA_SOURCE * i + 80, seconds);
        }
    }

    /** Where region {@code r} starts in {@link #image()}. */
    int regionAt(int r) {
        return regionAt[r];
    }

    /** The regions as they are in the file now (read-only; regions one after the other). */
    ByteBuffer image() {
        return image.asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * Applies an update in memory: {@code values[i]} for data source {@code i} (NaN when unknown). It is pending
     * until {@link #flush} writes it, with those before it. A time not after the last update is refused, as rrd4j
     * does.
     */
    void apply(long time, double[] values) {
        long oldTime = lastUpdate();
        if (oldTime >= time) {
            throw new IllegalArgumentException("Bad sample time: " + time + ". Last update time was " + oldTime
                    + ", at least one second step is required");
        }
        if (flushed == null) {
            flushed = new byte[image.capacity()];
            image.get(0, flushed);
        }
        for (int i = 0; i < n; i++) {
            process(i, oldTime, time, values[i]);
        }
        image.putLong(56, time);
    }

    /**
     * Why the file no longer holds what this state was read from (it was written over, cut or replaced under the
     * store: a bad disk, a hand), or null. One positioned read of the first block and the file's size: a flush
     * checks it first, so that pending updates are not written into a file they would only half repair.
     */
    String unlike(FileChannel ch) throws IOException {
        String size = unlikeSize(ch.size());
        if (size != null) {
            return size;
        }
        return unlikeHead(readFully(ch, regions.offsets[0], regions.lengths[0]), 0);
    }

    /** The same through a mapping of the whole file, whose length on the disk is {@code size}. */
    String unlike(ByteBuffer file, long size) {
        String s = unlikeSize(size);
        if (s != null) {
            return s;
        }
        return unlikeHead(file, Math.toIntExact(regions.offsets[0]));
    }

    private String unlikeSize(long size) {
        int last = rows.length - 1;
        long expected = rowsAt[last] + (long) rows[last] * n * 8;
        return size == expected ? null : "an RRD file of " + size + " bytes where the store wrote " + expected
                + " (cut or replaced under the storage)";
    }

    private String unlikeHead(ByteBuffer file, int at) {
        byte[] was = flushed != null ? flushed : image.array();
        int from = regionAt[0];
        int length = regions.lengths[0];
        for (int i = 0; i < length; i++) {
            if (file.get(at + i) != was[from + i]) {
                return "its header is not what the storage wrote (byte " + (regions.offsets[0] + i)
                        + " changed under it)";
            }
        }
        return null;
    }

    /** Whether updates are pending: applied here, not yet written to the file. */
    boolean dirty() {
        return flushed != null;
    }

    /** Row values the pending updates stored (a value written twice counts twice). */
    int pendingRows() {
        return pending;
    }

    /** The memory the pending updates hold: their rows, and the copy of the regions as the file has them. */
    long pendingBytes() {
        // an update within a step stores no row: the state changed, no row waits
        return flushed == null ? 0 : flushed.length + (pendingAt == null ? 0 : 12L * pendingAt.length);
    }

    /**
     * Writes the pending updates: every row they stored and the blocks that changed, adjacent ranges in one
     * positioned write each (rows that wrapped around an archive's end make two), from the end of the file to its
     * start, so that the header, and its last update, goes last. A failure leaves them pending: the next flush writes
     * the same bytes again.
     */
    void flush(FileChannel ch) throws IOException {
        if (flushed == null) {
            return;
        }
        List<ByteBuffer> writes = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        ranges(writes, at);
        for (int w = writes.size() - 1; w >= 0; w--) {
            writeFully(ch, writes.get(w), at.get(w));
        }
        clear();
    }

    /** The same into a mapping of the whole file: no system call. */
    void flush(ByteBuffer file) {
        if (flushed == null) {
            return;
        }
        writeTo(file);
        clear();
    }

    /**
     * Writes the pending updates into a copy of the whole file, and keeps them pending (a read of the file on a full
     * disk, where the file itself cannot take them).
     */
    void writeTo(ByteBuffer file) {
        if (flushed == null) {
            return;
        }
        for (int i = 0; i < pending; i++) {
            file.putDouble(pendingAt[i], pendingValue[i]);
        }
        byte[] now = image.array();
        for (int r = regionAt.length - 1; r >= 0; r--) {
            int from = regionAt[r];
            int to = from + regions.lengths[r];
            if (Arrays.mismatch(flushed, from, to, now, from, to) >= 0) {
                file.put(Math.toIntExact(regions.offsets[r]), now, from, to - from);
            }
        }
    }

    private void clear() {
        flushed = null;
        pendingAt = null;
        pendingValue = null;
        pending = 0;
    }

    /** The regions as the file holds them, before the pending updates (for the undo log); only while dirty. */
    ByteBuffer before() {
        return ByteBuffer.wrap(flushed).asReadOnlyBuffer();
    }

    /**
     * The byte ranges a flush writes, in the order of the file: runs of adjacent rows (of a cell written twice, the
     * later value) and the regions that changed, a range that ends where the next starts joined to it.
     */
    private void ranges(List<ByteBuffer> writes, List<Long> at) {
        // a stable order by position: the position above, the order of the write below
        long[] keys = new long[pending];
        for (int i = 0; i < pending; i++) {
            keys[i] = (long) pendingAt[i] << 32 | i;
        }
        Arrays.sort(keys);
        List<ByteBuffer> parts = new ArrayList<>();
        List<Long> partAt = new ArrayList<>();
        int i = 0;
        while (i < pending) {
            long start = keys[i] >>> 32;
            int j = i;
            long next = start;
            while (j < pending && (keys[j] >>> 32) <= next) {
                if ((keys[j] >>> 32) == next) {
                    next += 8;
                }
                j++;
            }
            ByteBuffer run = ByteBuffer.allocate((int) (next - start)).order(ByteOrder.BIG_ENDIAN);
            for (int k = i; k < j; k++) {
                // the same cell twice: the later write, last in the stable order, wins
                run.putDouble((int) ((keys[k] >>> 32) - start), pendingValue[(int) keys[k]]);
            }
            parts.add(run);
            partAt.add(start);
            i = j;
        }
        byte[] now = image.array();
        for (int r = 0; r < regionAt.length; r++) {
            int from = regionAt[r];
            int to = from + regions.lengths[r];
            if (Arrays.mismatch(flushed, from, to, now, from, to) >= 0) {
                long offset = regions.offsets[r];
                int k = 0;
                while (k < partAt.size() && partAt.get(k) < offset) {
                    k++;
                }
                parts.add(k, image.slice(from, to - from));
                partAt.add(k, offset);
            }
        }
        for (int k = 0; k < parts.size(); k++) {
            ByteBuffer b = parts.get(k);
            long start = partAt.get(k);
            int last = writes.size() - 1;
            if (last >= 0 && at.get(last) + writes.get(last).remaining() == start) {
                ByteBuffer prev = writes.get(last);
                ByteBuffer joined = ByteBuffer.allocate(prev.remaining() + b.remaining());
                joined.put(prev.duplicate()).put(b.duplicate()).flip();
                writes.set(last, joined);
            } else {
                writes.add(b.duplicate());
                at.add(start);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long start = at - b.position();
        while (b.hasRemaining()) {
            ch.write(b, start + b.position());
        }
    }

    // ---- rrd4j's update (Datasource.process, RrdDb.archive, Archive.archive), on the image

    private void process(int i, long oldTime, long newTime, double newValue) {
        int ds = HEADER + DATA_SOURCE * i;
        long startTime = oldTime - oldTime % step;
        long endTime = startTime + step;
        double updateValue = updateValue(i, ds, oldTime, newTime, newValue);
        if (newTime < endTime) {
            accumulate(i, ds, oldTime, newTime, updateValue);
            return;
        }
        long boundaryTime = newTime - newTime % step;
        accumulate(i, ds, oldTime, boundaryTime, updateValue);
        long nanSeconds = image.getLong(ds + 120);
        long validSeconds = boundaryTime - startTime - nanSeconds;
        boolean valid = nanSeconds <= heartbeat[i] && validSeconds > 0;
        double value = valid ? image.getDouble(ds + 112) / validSeconds : Double.NaN;
        double last = valid ? accumLastValue[i] : Double.NaN;
        long numSteps = (boundaryTime - endTime) / step + 1L;
        for (int a = 0; a < arcAt.length; a++) {
            archive(a, i, oldTime, consolFun[a] == AVERAGE ? value : last, numSteps);
        }
        image.putLong(ds + 120, 0);
        image.putDouble(ds + 112, 0.0);
        accumLastValue[i] = Double.NaN;
        accumulate(i, ds, boundaryTime, newTime, updateValue);
    }

    private double updateValue(int i, int ds, long oldTime, long newTime, double newValue) {
        double oldValue = image.getDouble(ds + 104);
        double updateValue = Double.NaN;
        if (newTime - oldTime <= heartbeat[i]) {
            switch (dsType[i]) {
                case GAUGE -> updateValue = newValue;
                case COUNTER -> {
                    if (!Double.isNaN(newValue) && !Double.isNaN(oldValue)) {
                        double diff = newValue - oldValue;
                        if (diff < 0) {
                            diff += MAX_32_BIT;
                        }
                        if (diff < 0) {
                            diff += MAX_64_BIT - MAX_32_BIT;
                        }
                        if (diff >= 0) {
                            updateValue = diff / (newTime - oldTime);
                        }
                    }
                }
                case ABSOLUTE -> {
                    if (!Double.isNaN(newValue)) {
                        updateValue = newValue / (newTime - oldTime);
                    }
                }
                default -> {
                    if (!Double.isNaN(newValue) && !Double.isNaN(oldValue)) {
                        updateValue = (newValue - oldValue) / (newTime - oldTime);
                    }
                }
            }
            if (!Double.isNaN(updateValue)) {
                if (!Double.isNaN(minValue[i]) && updateValue < minValue[i]) {
                    updateValue = Double.NaN;
                }
                if (!Double.isNaN(maxValue[i]) && updateValue > maxValue[i]) {
                    updateValue = Double.NaN;
                }
            }
        }
        image.putDouble(ds + 104, newValue);
        return updateValue;
    }

    private void accumulate(int i, int ds, long oldTime, long newTime, double updateValue) {
        if (Double.isNaN(updateValue)) {
            image.putLong(ds + 120, image.getLong(ds + 120) + (newTime - oldTime));
        } else {
            image.putDouble(ds + 112, image.getDouble(ds + 112) + updateValue * (newTime - oldTime));
            accumLastValue[i] = updateValue;
        }
    }

    private void archive(int a, int i, long lastUpdateTime, double value, long numUpdates) {
        int state = arcAt[a] + ARCHIVE + PER_DS * i;
        long updateTime = lastUpdateTime - lastUpdateTime % step + step;
        long arcStep = step * steps[a];
        long left = numUpdates;
        while (left > 0) {
            accumulate(a, state, value);
            left--;
            if (updateTime % arcStep == 0) {
                finalizeStep(a, i, state);
                break;
            }
            updateTime += step;
        }
        int bulk = (int) Math.min(left / steps[a], rows[a]);
        if (bulk > 0) {
            int position = image.getInt(state);
            int tail = Math.min(rows[a] - position, bulk);
            for (int k = 0; k < tail; k++) {
                row(a, position + k, i, value);
            }
            image.putInt(state, (position + tail) % rows[a]);
            int head = bulk - tail;
            if (head > 0) {
                for (int k = 0; k < head; k++) {
                    row(a, k, i, value);
                }
                image.putInt(state, head);
            }
        }
        long remaining = left % steps[a];
        for (long k = 0; k < remaining; k++) {
            accumulate(a, state, value);
        }
    }

    private void accumulate(int a, int state, double value) {
        if (Double.isNaN(value)) {
            image.putLong(state + 12, image.getLong(state + 12) + 1);
            return;
        }
        double accum = image.getDouble(state + 4);
        switch (consolFun[a]) {
            case MIN -> image.putDouble(state + 4, Double.isNaN(accum) ? value : Math.min(accum, value));
            case MAX -> image.putDouble(state + 4, Double.isNaN(accum) ? value : Math.max(accum, value));
            case FIRST -> {
                if (Double.isNaN(accum)) {
                    image.putDouble(state + 4, value);
                }
            }
            case LAST -> image.putDouble(state + 4, value);
            default -> image.putDouble(state + 4, Double.isNaN(accum) ? value : accum + value);
        }
    }

    private void finalizeStep(int a, int i, int state) {
        long nanSteps = image.getLong(state + 12);
        double accum = image.getDouble(state + 4);
        double stored;
        if (nanSteps <= xff[a] * steps[a] && !Double.isNaN(accum)) {
            stored = consolFun[a] == AVERAGE ? accum / (steps[a] - nanSteps) : accum;
        } else {
            stored = Double.NaN;
        }
        int position = image.getInt(state);
        row(a, position, i, stored);
        image.putInt(state, (position + 1) % rows[a]);
        image.putDouble(state + 4, Double.NaN);
        image.putLong(state + 12, 0);
    }

    private void row(int a, int row, int i, double value) {
        if (pendingAt == null) {
            pendingAt = new int[4 * n];
            pendingValue = new double[4 * n];
        } else if (pending == pendingAt.length) {
            pendingAt = Arrays.copyOf(pendingAt, pending * 2);
            pendingValue = Arrays.copyOf(pendingValue, pending * 2);
        }
        // an int: read() takes no file of 2 GiB or more
        pendingAt[pending] = (int) (rowsAt[a] + ((long) row * n + i) * 8);
        pendingValue[pending++] = value;
    }
}
