package org.numeter.poller.system;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** The seam for statfs: how full a mounted file system is. Tests answer from a table. */
@FunctionalInterface
public interface DiskSpace {

    /** Percent used as df shows it: used / (used + available to users), the reserved blocks left out. */
    double percentUsed(String mountPoint) throws IOException;

    /** Asks the file system, through {@link FileStore}. */
    static DiskSpace fileStores() {
        return mountPoint -> {
            FileStore store = Files.getFileStore(Path.of(mountPoint));
            long total = store.getTotalSpace();
            long used = total - store.getUnallocatedSpace();
            long usable = store.getUsableSpace();
            return used + usable == 0 ? 0.0 : 100.0 * used / (used + usable);
        };
    }
}
