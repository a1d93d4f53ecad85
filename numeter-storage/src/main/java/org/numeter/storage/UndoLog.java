package org.numeter.storage;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an update of a mapped RRD file all or nothing across a crash of the process. rrd4j writes an update in
 * place, a few dozen values one after the other; a process killed among them leaves the file half-updated, and
 * the update, which was not acknowledged upstream, comes again and is applied on top: its sums count twice and its
 * rows move by one. So before each update the bytes it will change ({@link UpdateRegions}) are copied into a slot
 * of {@code <dataDir>/.undo}, and the slot is marked busy; after the update it is marked free. A start finds the
 * busy slots of a crash and writes their bytes back: each file is then as before the cut update, which comes
 * again and is applied once. With write-behind an update of the file is the flush of its waiting updates
 * ({@code RrdStore}); after a rollback, the journal brings them again.
 *
 * <p>Both the file and this log are mapped, so what the process wrote survives its crash (the kernel holds it);
 * like the files' own updates, it does not survive a power cut before the kernel wrote it back. One slot per lock
 * stripe of the store: only one update at a time holds a stripe. The slots' busy marks sit together in the first
 * page, so that a start reads one page to find the work of a crash.
 */
final class UndoLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UndoLog.class);
    static final String FILE = ".undo";
    private static final int SLOT_BYTES = 64 * 1024;
    private static final int MARKS = 4096;
    private static final int FREE = 0;
    private static final int BUSY = 0x42555359;

    private final Path file;
    private final int slots;
    /** The slots written whole by this process ({@link #allocate}); each guarded by its stripe. */
    private final boolean[] allocated;
    private MappedByteBuffer map;

    UndoLog(Path dataDir, int slots) {
        this.file = dataDir.resolve(FILE);
        this.slots = slots;
        this.allocated = new boolean[slots];
    }

    /**
     * Writes back what busy slots hold (the updates a crash cut), frees them, and maps the log for use.
     *
     * @param fileOf the RRD file of a plugin key ({@code host/plugin})
     * @return the keys whose files were rolled back
     */
    List<String> open(Function<String, Path> fileOf) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = MARKS + (long) slots * SLOT_BYTES;
            if (ch.size() < size) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            map.order(ByteOrder.LITTLE_ENDIAN);
            List<String> rolledBack = new ArrayList<>();
            for (int s = 0; s < slots; s++) {
                if (map.getInt(4 * s) != BUSY) {
                    continue;
                }
                String key = rollBack(s, fileOf);
                if (key != null) {
                    rolledBack.add(key);
                }
                map.putInt(4 * s, FREE);
            }
            // every mark free: the page written with a positioned write, so that a full disk fails here (the log
            // is then not used) rather than fault the process when a mark is set through the mapping
            writeZeros(ch, 0, MARKS);
            return rolledBack;
        }
    }

    /**
     * Writes a slot whole with a positioned write before its first use by this process: the log is a sparse file,
     * and a write through the mapping into a hole on a full disk faults the process (SIGBUS) instead of failing.
     * A full disk fails this write instead, and with it the update it guards, which is tried again later.
     */
    private void allocate(int slot) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeZeros(ch, MARKS + (long) slot * SLOT_BYTES, SLOT_BYTES);
        }
        allocated[slot] = true;
    }

    private static void writeZeros(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(length);
        while (zeros.hasRemaining()) {
            ch.write(zeros, at + zeros.position());
        }
    }

    private String rollBack(int slot, Function<String, Path> fileOf) {
        ByteBuffer b = slotBuffer(slot);
        String key = null;
        try {
            byte[] k = new byte[b.getInt()];
            b.get(k);
            key = new String(k, StandardCharsets.UTF_8);
            int regions = b.getInt();
            Path rrd = fileOf.apply(key);
            try (FileChannel ch = FileChannel.open(rrd, StandardOpenOption.WRITE)) {
                for (int i = 0; i < regions; i++) {
                    long offset = b.getLong();
                    int length = b.getInt();
                    ByteBuffer bytes = b.slice(b.position(), length);
                    b.position(b.position() + length);
                    while (bytes.hasRemaining()) {
                        ch.write(bytes, offset + bytes.position());
                    }
                }
            }
            LOG.warn("{}: an update was cut by a crash; the file is put back as it was before it (the update comes"
                    + " again from upstream)", rrd);
            return key;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: an update of {} was cut by a crash and cannot be rolled back ({}); its next points may"
                    + " count twice", file, key, e.toString());
            return null;
        }
    }

    private ByteBuffer slotBuffer(int slot) {
        return map.slice(MARKS + slot * SLOT_BYTES, SLOT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Saves the regions of a mapped file before an update; false (nothing saved, the update goes on unguarded)
     * when they do not fit a slot. The caller holds the stripe whose slot this is.
     */
    boolean begin(int slot, String key, ByteBuffer mapped, UpdateRegions regions) throws IOException {
        return begin(slot, key, regions, mapped, r -> (int) regions.offsets[r]);
    }

    /**
     * Saves the regions of a file before an update, from {@code source}, where region {@code r} starts at
     * {@code sourceAt(r)} (an {@link RrdState}'s image of them); false when they do not fit a slot.
     *
     * @throws IOException when the slot cannot be written ({@link #allocate}: a full disk): nothing is saved, and
     *         the update must not go on
     */
    boolean begin(int slot, String key, UpdateRegions regions, ByteBuffer source, IntUnaryOperator sourceAt)
            throws IOException {
        if (map == null) {
            return false;
        }
        if (!allocated[slot]) {
            allocate(slot);
        }
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (8 + k.length + regions.offsets.length * 12L + regions.bytes > SLOT_BYTES) {
            return false;
        }
        ByteBuffer b = slotBuffer(slot);
        b.putInt(k.length).put(k).putInt(regions.offsets.length);
        for (int i = 0; i < regions.offsets.length; i++) {
            int length = regions.lengths[i];
            b.putLong(regions.offsets[i]).putInt(length).put(b.position(), source, sourceAt.applyAsInt(i), length);
            b.position(b.position() + length);
        }
        // the copy before the mark, the mark before the update's first write
        VarHandle.fullFence();
        map.putInt(4 * slot, BUSY);
        VarHandle.fullFence();
        return true;
    }

    /** The update is whole: the slot is free. */
    void end(int slot) {
        VarHandle.fullFence();
        if (map != null) {
            map.putInt(4 * slot, FREE);
        }
    }

    @Override
    public void close() {
        if (map != null) {
            MappedBackendFactory.unmap(map);
            map = null;
        }
    }
}
