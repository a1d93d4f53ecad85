package org.numeter.storage;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How the store puts a file in place: complete under a temporary name ({@code <name>.tmp}), forced to the disk
 * when it replaces another, then renamed over the real name, so that a crash at any moment leaves the old file or
 * the new one, never half of one; the caller then syncs the directory ({@link #syncDirectory}), so that the new name
 * survives a power cut too.
 * A start finds a {@code .tmp} file only after a crash, and quarantines it.
 */
final class RrdFiles {
    static final String TMP = ".tmp";

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

    /** Forces a directory's entries (names created, renamed, removed) to the disk. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, READ)) {
            ch.force(true);
        }
    }
}
