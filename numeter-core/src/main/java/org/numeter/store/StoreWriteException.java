package org.numeter.store;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A write that failed for a reason of the machine, not of the data: a full disk, a read-only file system, another
 * I/O error. The batches were not all stored; the caller leaves them unacknowledged upstream and tries again, and
 * says what and where ({@link #kind()}, {@link #path()}) in its status.
 */
public final class StoreWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as the status says it. */
    public enum Kind {
        DISK_FULL("disk full"),
        READ_ONLY("read-only file system"),
        IO_ERROR("I/O error");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final String path;
    private transient volatile WriteResult partial = WriteResult.NONE;

    private StoreWriteException(Kind kind, String path, IOException cause) {
        super(kind.label + " at " + path + ": " + cause.getMessage(), cause);
        this.kind = kind;
        this.path = path;
    }

    /**
     * Names a failed I/O: its kind from the operating system's reason, its path from the exception when it has one,
     * else {@code where}. A {@code StoreWriteException} is returned as it is.
     */
    public static StoreWriteException of(IOException e, Path where) {
        if (e instanceof StoreWriteException s) {
            return s;
        }
        String path = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : String.valueOf(where);
        return new StoreWriteException(classify(e), path, e);
    }

    static Kind classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t instanceof FileSystemException f ? f.getReason() + " " + f.getMessage()
                    : t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk quota exceeded")) {
                return Kind.DISK_FULL;
            }
            if (m.contains("read-only file system")) {
                return Kind.READ_ONLY;
            }
        }
        return Kind.IO_ERROR;
    }

    public Kind kind() {
        return kind;
    }

    /** What the failed write did store (the other plugins' batches), which a replay will find as duplicates. */
    public WriteResult partial() {
        WriteResult p = partial;
        return p == null ? WriteResult.NONE : p;
    }

    public StoreWriteException partial(WriteResult done) {
        this.partial = done;
        return this;
    }

    /** The file or directory the failure was about. */
    public String path() {
        return path;
    }
}
