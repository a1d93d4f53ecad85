package org.numeter.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.numeter.store.Archives;

/**
 * The ingest workload of {@link IngestBench} written by rrdtool through rrdcached (Debian's packages), for the
 * ratio: the same plugins, fields, types and archives, one file per plugin. rrdcached is started here (two write
 * threads, no journal) and fed over its socket in BATCH mode. With {@code --flush round} every round ends with
 * FLUSHALL and waits until rrdcached has written every value, so each round is on disk in the files as it is with
 * the rrd4j store; with {@code --flush end} it only flushes after the last round, its most favourable mode.
 */
public final class RrdcachedBench {
    private static final long T0 = 1_699_920_000L;

    private RrdcachedBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "dir", "/tmp/numeter-bench-rrdtool", "plugins", "20000", "fields", "5",
                "rounds", "20", "warmup", "5", "flush", "round", "threads", "2");
        int plugins = args.integer("plugins");
        int fields = args.integer("fields");
        int rounds = args.integer("rounds");
        int warmup = args.integer("warmup");
        boolean flushEachRound = args.text("flush").equals("round");
        Path dir = Path.of(args.text("dir"));
        System.out.println("rrdcached: " + args);
        System.out.println("machine: " + Machine.describe());
        System.out.println("rrdtool: " + run("rrdtool", "--version").lines().findFirst().orElse("?"));
        Machine.deleteTree(dir);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        create(dir, plugins, fields, new long[1]);
        System.out.printf(Locale.ROOT, "created %d files in %.1f s%n", plugins, (System.nanoTime() - t0) / 1e9);

        Path socket = dir.resolve("rrdcached.sock");
        Process daemon = new ProcessBuilder("rrdcached", "-g", "-l", "unix:" + socket, "-w", "3600",
                "-f", "7200", "-t", args.text("threads"), "-B", "-b", dir.toString(), "-p",
                dir.resolve("rrdcached.pid").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rrdcached.log").toFile()).start();
        try {
            while (!Files.exists(socket)) {
                if (!daemon.isAlive()) {
                    throw new IllegalStateException("rrdcached stopped: " + Files.readString(dir.resolve("rrdcached.log")));
                }
                Thread.sleep(20);
            }
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                        StandardCharsets.US_ASCII));
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch),
                        StandardCharsets.US_ASCII), 1 << 16);
                SplittableRandom random = new SplittableRandom(42);
                double[][] state = new double[plugins][fields];
                long sent = 0;
                long points = 0;
                long nanos = 0;
                long cpu = 0;
                long measuredStart = 0;
                for (int r = 1; r <= warmup + rounds; r++) {
                    StringBuilder batch = new StringBuilder(plugins * 64);
                    for (int p = 0; p < plugins; p++) {
                        batch.append("UPDATE host").append(p / 50).append("/plugin").append(p % 50).append(".rrd ")
                                .append(T0 + 60L * r);
                        for (int f = 0; f < fields; f++) {
                            state[p][f] += f == 0 ? random.nextInt(1000) : random.nextDouble(-1, 1);
                            batch.append(':').append(f == 0 ? Long.toString((long) state[p][f])
                                    : String.format(Locale.ROOT, "%.6f", state[p][f]));
                        }
                        batch.append('\n');
                    }
                    long cpu0 = cpuNanos(daemon.pid());
                    long start = System.nanoTime();
                    command(out, in, "BATCH");
                    out.write(batch.toString());
                    out.write(".\n");
                    out.flush();
                    String result = in.readLine();
                    int errors = Integer.parseInt(result.split(" ")[0]);
                    for (int i = 0; i < errors; i++) {
                        String line = in.readLine();
                        if (i < 3) {
                            System.out.println("rrdcached: " + line);
                        }
                    }
                    sent += plugins;
                    if (flushEachRound || r == warmup + rounds) {
                        command(out, in, "FLUSHALL");
                        waitWritten(out, in, sent);
                    }
                    long took = System.nanoTime() - start;
                    long used = cpuNanos(daemon.pid()) - cpu0;
                    if (r > warmup) {
                        if (measuredStart == 0) {
                            measuredStart = start;
                        }
                        points += (long) plugins * fields;
                        nanos += took;
                        cpu += used;
                    }
                    System.out.printf(Locale.ROOT, "round %3d %-8s %,10d points in %8.1f ms = %,12.0f points/s,"
                            + " %.2f CPU-us per point (rrdcached)%s%n", r, r <= warmup ? "warm-up" : "measured",
                            (long) plugins * fields, took / 1e6, plugins * fields / (took / 1e9),
                            used / 1e3 / (plugins * fields), errors == 0 ? "" : ", " + errors + " errors");
                }
                System.out.printf(Locale.ROOT, "sustained: %,.0f points/s over %d rounds of %,d series (rrdtool"
                        + " through rrdcached, flush: %s, %s write threads)%n", points / (nanos / 1e9), rounds,
                        plugins * fields, args.text("flush"), args.text("threads"));
                System.out.printf(Locale.ROOT, "CPU: %.2f us per point in rrdcached, so %,.0f points/s per core"
                        + " fully used%n", cpu / 1e3 / points, points / (cpu / 1e9));
                out.write("QUIT\n");
                out.flush();
            }
        } finally {
            daemon.destroy();
            daemon.waitFor();
        }
    }

    /**
     * rrdtool's own create, one per plugin, through one {@code rrdtool -} process; {@code cpu[0]} gets the CPU time
     * that process used.
     */
    static void create(Path dir, int plugins, int fields, long[] cpu) throws Exception {
        Process rrdtool = new ProcessBuilder("rrdtool", "-").redirectErrorStream(true).start();
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(rrdtool.getOutputStream(),
                StandardCharsets.US_ASCII)); BufferedReader r = new BufferedReader(new InputStreamReader(
                        rrdtool.getInputStream(), StandardCharsets.US_ASCII))) {
            Archives a = Archives.DEFAULT;
            StringBuilder layout = new StringBuilder(" --start " + T0 + " --step " + a.step());
            for (int f = 0; f < fields; f++) {
                layout.append(" DS:f").append(f).append(f == 0 ? ":COUNTER:" : ":GAUGE:").append(a.heartbeat())
                        .append(f == 0 ? ":0:U" : ":U:U");
            }
            for (Archives.Tier t : a.tiers()) {
                for (String cf : t.steps() == 1 ? new String[] {"AVERAGE"} : new String[] {"AVERAGE", "MIN", "MAX"}) {
                    layout.append(" RRA:").append(cf).append(":0.5:").append(t.steps()).append(':').append(t.rows());
                }
            }
            Map<Integer, Boolean> made = new HashMap<>();
            for (int p = 0; p < plugins; p++) {
                if (made.putIfAbsent(p / 50, true) == null) {
                    Files.createDirectories(dir.resolve("host" + p / 50));
                }
                w.write("create " + dir.resolve("host" + p / 50).resolve("plugin" + p % 50 + ".rrd") + layout + "\n");
                w.flush();
                String answer = r.readLine();
                if (answer == null || !answer.startsWith("OK")) {
                    throw new IllegalStateException("rrdtool create: " + answer);
                }
            }
            cpu[0] = cpuNanos(rrdtool.pid());
            w.write("quit\n");
        }
        rrdtool.waitFor();
    }

    static String command(BufferedWriter out, BufferedReader in, String command) throws IOException {
        out.write(command + "\n");
        out.flush();
        String answer = in.readLine();
        if (answer == null || answer.startsWith("-")) {
            throw new IOException("rrdcached refused " + command + ": " + answer);
        }
        return answer;
    }

    /** Polls STATS until rrdcached has written every data set it was sent and its queue is empty. */
    static void waitWritten(BufferedWriter out, BufferedReader in, long sent) throws Exception {
        while (true) {
            String head = command(out, in, "STATS");
            int n = Integer.parseInt(head.split(" ")[0]);
            long written = -1;
            long queue = -1;
            for (int i = 0; i < n; i++) {
                String[] kv = in.readLine().split(":\\s*");
                if (kv[0].equals("DataSetsWritten")) {
                    written = Long.parseLong(kv[1].trim());
                } else if (kv[0].equals("QueueLength")) {
                    queue = Long.parseLong(kv[1].trim());
                }
            }
            if (written >= sent && queue == 0) {
                return;
            }
            Thread.sleep(2);
        }
    }

    static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10_000_000L;
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
