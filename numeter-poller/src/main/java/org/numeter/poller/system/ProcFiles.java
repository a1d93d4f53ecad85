package org.numeter.poller.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The seam between the system source and the kernel: tests hand it captured /proc files instead. */
@FunctionalInterface
public interface ProcFiles {

    /** The lines of a file under /proc, e.g. {@code stat} or {@code net/dev}. */
    List<String> lines(String relativePath) throws IOException;

    /** Files under {@code root}, usually {@code /proc}. */
    static ProcFiles under(Path root) {
        return relativePath -> Files.readAllLines(root.resolve(relativePath));
    }
}
