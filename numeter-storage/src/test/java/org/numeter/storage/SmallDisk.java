package org.numeter.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A file system of a few megabytes that a test fills: a tmpfs mounted on a folder of the test's (as root, which CI
 * is), made larger, read-only or writable again while the store runs, and unmounted at the end.
 */
final class SmallDisk {
    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (e.g. "4m") on {@code dir}, made when missing. */
    static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString());
        return new SmallDisk(dir);
    }

    Path dir() {
        return dir;
    }

    void resize(String size) throws IOException, InterruptedException {
        run("mount", "-o", "remount,size=" + size, dir.toString());
    }

    void readOnly() throws IOException, InterruptedException {
        run("mount", "-o", "remount,ro", dir.toString());
    }

    void writable() throws IOException, InterruptedException {
        run("mount", "-o", "remount,rw", dir.toString());
    }

    void unmount() throws IOException, InterruptedException {
        run("umount", "-l", dir.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            List<String> shown = new ArrayList<>(List.of(command));
            throw new IOException(String.join(" ", shown) + " failed with " + p.exitValue() + ": " + out
                    + " (the test mounts a small file system of its own and needs root, as CI has)");
        }
    }
}
