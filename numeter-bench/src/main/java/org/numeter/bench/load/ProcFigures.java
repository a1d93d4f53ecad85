package org.numeter.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process's figures as Linux gives them in /proc/&lt;pid&gt;: CPU time and resident memory, read from
 * outside so that the process measures nothing of itself.
 */
final class ProcFigures {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final long pid;

    ProcFigures(long pid) {
        this.pid = pid;
    }

    /** CPU seconds (user and system) the process has used. */
    double cpuSeconds() throws IOException {
        String[] f = stat();
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // utime, stime
    }

    /** CPU seconds the kernel spent for the process (system time: fsync, network, page faults). */
    double systemSeconds() throws IOException {
        return Long.parseLong(stat()[12]) / TICKS_PER_SECOND;
    }

    private String[] stat() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /**
     * One line of /proc/&lt;pid&gt;/status in KiB: {@code VmRSS}, {@code RssAnon} (heap, stacks, the JVM's own),
     * {@code RssFile} (mapped files resident, as the page cache holds them), {@code RssShmem}.
     */
    long statusKib(String name) throws IOException {
        String prefix = name + ":";
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("/proc/" + pid + "/status has no line '" + prefix + "'");
    }
}
