package org.numeter.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the store puts the files it cannot use (a half-made file left by a crash, by this version or an older one,
 * or a file that is not a valid RRD or side file): {@code <dataDir>/quarantine/<host>/<file>}, so that nothing is
 * deleted and no file can stop the storage. Each move is one WARN line naming the file, why, and where it went.
 * Quarantined files sit one level down, in folders named after their hosts, so that a host actually called
 * "quarantine" keeps its own files apart.
 */
final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    static final String DIR = "quarantine";

    private final Path root;
    private final AtomicLong files = new AtomicLong();

    Quarantine(Path dataDir) {
        this.root = dataDir.resolve(DIR);
    }

    /**
     * Moves a file aside. Returns false, with a WARN line, when it cannot be moved (a read-only disk): the caller
     * then leaves it alone and goes on without it.
     */
    boolean move(Path file, String host, String why) {
        try {
            Path dir = root.resolve(host);
            Files.createDirectories(dir);
            Path target = dir.resolve(file.getFileName());
            for (int n = 2; Files.exists(target); n++) {
                target = dir.resolve(file.getFileName() + "." + n);
            }
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            files.incrementAndGet();
            LOG.warn("{}: {}; moved to {}, the storage goes on without it", file, why, target);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: {}; it cannot be moved to {} ({}), so it is left where it is and ignored", file, why, root,
                    e.toString());
            return false;
        }
    }

    /** Counts what the folder holds, earlier runs' files included. */
    void count() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            files.set(walk.filter(Files::isRegularFile).count());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot count the quarantined files: {}", root, e.toString());
        }
    }

    /** Files in quarantine, earlier runs' included (once counted). */
    long files() {
        return files.get();
    }

    Path root() {
        return root;
    }
}
