package org.numeter.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the numbers were measured on, printed with them. */
public final class Machine {
    private Machine() {}

    public static String describe() {
        String model = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: the JVM's figures below still say something
        }
        Runtime rt = Runtime.getRuntime();
        return String.format(Locale.ROOT, "%d cores (%s), %s %s, Java %s, heap max %d MiB", rt.availableProcessors(),
                model, System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"), rt.maxMemory() >> 20);
    }

    /**
     * The JVM options the launcher ({@code bin/run-jar}) gives a role, read from the script itself, so that a
     * benchmark that starts the role from a classpath runs it as shipped. Run from the repository's root (run.sh is).
     */
    public static List<String> launcherOptions(String role) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bin/run-jar", "numeter.jar", role).redirectErrorStream(true);
        pb.environment().put("NUMETER_PRINT_JVM_OPTIONS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IOException("bin/run-jar gave no JVM options for the role " + role + ": '" + out + "'");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading bin/run-jar's options for " + role, e);
        }
        return List.of(out.split("\\s+"));
    }

    /** The CPU time, user and system, a process has used so far, from its /proc/PID/stat (10 ms ticks). */
    public static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10_000_000L;
    }

    /** The load averages over 1, 5 and 15 minutes, as /proc/loadavg gives them. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
