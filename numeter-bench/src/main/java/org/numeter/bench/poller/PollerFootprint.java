package org.numeter.bench.poller;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.poller.Source;
import org.numeter.poller.Sources;

/**
 * The poller's footprint beside munin-node's, measured the same way: resident memory ({@code VmRSS}) and CPU
 * time ({@code utime+stime+cutime+cstime} of /proc/<pid>/stat, so plugin processes a program runs count as its
 * own) sampled every interval for a few minutes.
 *
 * <ul>
 *   <li>{@code poller system}: the poller JVM with the {@code system} source only;
 *   <li>{@code poller system+exec}: the same plus every munin plugin of /etc/munin/plugins run by {@code exec};
 *   <li>{@code munin-node}: munin-node serving those plugins, fetched every interval by a client in this JVM
 *       (whose own cost is not counted).
 * </ul>
 *
 * <p>Arguments (all optional): {@code <interval seconds, 10> <duration seconds, 300> <JVM options for the
 * poller, "-Xmx32m ...">}. Run from the repository root after {@code ./mvnw -pl numeter-bench -am package}:
 * {@code java -cp <numeter-bench classpath> org.numeter.bench.poller.PollerFootprint}.
 */
public final class PollerFootprint {
    /**
     * What the launcher should pass to a poller: a small heap given back when free, the serial collector, the
     * first JIT tier only. With {@code MALLOC_ARENA_MAX=2} in its environment (see {@link #POLLER_ENV}).
     */
    public static final String POLLER_JVM_OPTIONS = "-Xms4m -Xmx24m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10"
            + " -XX:MaxHeapFreeRatio=30 -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=8m"
            + " -XX:MaxMetaspaceSize=48m -Xss512k -XX:-UsePerfData";
    /** glibc gives each thread that mallocs an arena of its own; two are plenty for a poller. */
    public static final Map<String, String> POLLER_ENV = Map.of("MALLOC_ARENA_MAX", "2");
    private static final double TICKS = 100.0;

    private PollerFootprint() {}

    public static void main(String[] args) throws Exception {
        long interval = args.length > 0 ? Long.parseLong(args[0]) : 10;
        long duration = args.length > 1 ? Long.parseLong(args[1]) : 300;
        String jvmOptions = args.length > 2 ? args[2] : POLLER_JVM_OPTIONS;
        Path plugins = Path.of("/etc/munin/plugins");
        Path work = Files.createTempDirectory("numeter-footprint");

        List<Measured> measured = new ArrayList<>();
        measured.add(new Measured("poller system", poller(jvmOptions, interval, "-")));
        measured.add(new Measured("poller system+exec", poller(jvmOptions, interval, plugins.toString())));
        Process node = null;
        Source client = null;
        if (Files.isExecutable(Path.of("/usr/sbin/munin-node"))) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            node = muninNode(work, port);
            measured.add(new Measured("munin-node", node.toHandle()));
            client = Sources.create("munin", Map.of("address", "127.0.0.1:" + port));
        }
        try {
            Thread.sleep(Duration.ofSeconds(3));
            measured.forEach(Measured::start);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
            while (System.nanoTime() < end) {
                if (client != null) {
                    List<SampleBatch> got = client.collect(new Cycle("bench", System.currentTimeMillis() / 1000,
                            (p, m) -> {}));
                    if (got.isEmpty()) {
                        System.err.println("munin-node answered nothing");
                    }
                }
                Thread.sleep(Duration.ofSeconds(interval));
                measured.forEach(Measured::sample);
            }
            System.out.printf(Locale.ROOT, "interval %d s, %d s measured, %d CPUs, poller JVM options: %s%n",
                    interval, duration, Runtime.getRuntime().availableProcessors(), jvmOptions);
            System.out.println("| program | RSS max (MB) | RSS last (MB) | CPU per cycle (ms) | % of one core at "
                    + interval + " s | % of one core at 60 s |");
            System.out.println("|---|---|---|---|---|---|");
            for (Measured m : measured) {
                System.out.println(m.row(interval));
            }
        } finally {
            for (Measured m : measured) {
                m.process.descendants().forEach(ProcessHandle::destroy);
                m.process.destroy();
            }
            if (node != null) {
                node.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static ProcessHandle poller(String jvmOptions, long interval, String execDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FootprintPoller.class.getName(),
                String.valueOf(interval), execDir, "-"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(POLLER_ENV);
        return pb.start().toHandle();
    }

    private static Process muninNode(Path dir, int port) throws IOException {
        Path conf = dir.resolve("munin-node.conf");
        Files.write(conf, List.of("log_level 4", "log_file " + dir.resolve("munin-node.log"),
                "pid_file " + dir.resolve("munin-node.pid"), "background 0", "setsid 0", "user root",
                "group root", "allow ^127\\.0\\.0\\.1$", "host 127.0.0.1", "port " + port));
        return new ProcessBuilder("/usr/sbin/munin-node", "--config", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** One program's figures from /proc. */
    private static final class Measured {
        final String name;
        final ProcessHandle process;
        long startTicks;
        long lastTicks;
        int cycles;
        long maxRssKb;
        long lastRssKb;

        Measured(String name, ProcessHandle process) {
            this.name = name;
            this.process = process;
        }

        void start() {
            startTicks = ticks();
        }

        void sample() {
            lastTicks = ticks();
            lastRssKb = rssKb();
            maxRssKb = Math.max(maxRssKb, lastRssKb);
            cycles++;
        }

        String row(long interval) {
            double cpuMs = cycles == 0 ? 0 : (lastTicks - startTicks) / TICKS * 1000 / cycles;
            return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.2f | %.3f |", name, maxRssKb / 1024.0,
                    lastRssKb / 1024.0, cpuMs, cpuMs / 10.0 / interval, cpuMs / 10.0 / 60);
        }

        private long ticks() {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // After the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based).
                return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                        + Long.parseLong(f[14]);
            } catch (IOException e) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") is gone", e);
            }
        }

        private long rssKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
                return 0;
            } catch (IOException e) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") is gone", e);
            }
        }
    }
}
