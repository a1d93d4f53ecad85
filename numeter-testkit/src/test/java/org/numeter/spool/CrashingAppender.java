package org.numeter.spool;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link FileSpoolCrashIT}: appends {@link #payloadFor record n} with SYNC durability, from the
 * number given, and prints {@code appended <sequence> <n> .} once each append has returned, until it is killed. It
 * stops by itself after a while or when its parent is gone, so that a failed test never leaves it running.
 */
public final class CrashingAppender {
    static final long SEGMENT_BYTES = 1 << 20;
    private static final int MOST = 50_000;
    private static final long MOST_NANOS = 30_000_000_000L;

    private CrashingAppender() {}

    /** Record {@code n}: its number, then up to 12 KB of filler, so that a kill can tear a write of many pages. */
    static String payloadFor(long n) {
        return "rec-" + n + "|" + "f".repeat((int) (n * 7919 % 12_000));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long number = Long.parseLong(args[1]);
        // One write(2) per line, unbuffered: a line is either whole in the pipe when the kill comes, or absent.
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        long start = System.nanoTime();
        try (FileSpool spool = FileSpool.builder(dir).segmentBytes(SEGMENT_BYTES)
                .durability(FileSpool.Durability.SYNC).open()) {
            out.write("ready\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < MOST && System.nanoTime() - start < MOST_NANOS; i++, number++) {
                long sequence = spool.append(payloadFor(number).getBytes(StandardCharsets.UTF_8));
                out.write(("appended " + sequence + " " + number + " .\n").getBytes(StandardCharsets.US_ASCII));
                if (i % 256 == 0 && ProcessHandle.current().parent().map(p -> !p.isAlive()).orElse(true)) {
                    return;
                }
            }
        }
    }
}
