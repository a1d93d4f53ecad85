package org.numeter.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * State that must survive, written the one safe way (DESIGN.md, "State that must survive"): a temporary name in the
 * same directory, fsync, rename over the old file, fsync of the directory. A crash at any moment leaves the old
 * version or the new one, never half of one. A file found unreadable at start is moved aside, not deleted, so that
 * an operator can look at it.
 */
public final class AtomicFiles {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private AtomicFiles() {}

    /**
     * Replaces {@code path} with {@code content}. With {@code ownerOnly} the file is readable by its owner only
     * (it holds secrets), from the moment it is created.
     */
    public static void write(Path path, byte[] content, boolean ownerOnly) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (ownerOnly && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(dir);
    }

    /**
     * Moves an unreadable file aside, to {@code <name>.corrupt-<UTC time>} beside it, and returns the new path, so
     * that a start goes on without it and nothing is destroyed.
     */
    public static Path quarantine(Path path, Instant now) throws IOException {
        Path target = path.resolveSibling(path.getFileName() + ".corrupt-" + STAMP.format(now));
        for (int i = 1; ; i++) {
            try {
                Files.move(path, target);
                return target;
            } catch (FileAlreadyExistsException e) {
                target = path.resolveSibling(path.getFileName() + ".corrupt-" + STAMP.format(now) + "-" + i);
            }
        }
    }

    /** Makes a rename in {@code dir} durable; a file system that cannot open a directory needs nothing more. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for reading; the rename is as durable as they make it.
        }
    }
}
