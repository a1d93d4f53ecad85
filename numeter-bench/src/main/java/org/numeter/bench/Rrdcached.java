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
import java.util.ArrayList;
import java.util.List;

/**
 * rrdcached (Debian's package), the anchor the storage's ingest is measured against: started in the foreground on
 * the files under a folder, with no journal and values kept up to an hour unless flushed ({@code -w 3600 -f 7200}),
 * and fed over one connection to its UNIX socket in BATCH mode.
 */
final class Rrdcached implements AutoCloseable {
    private final Process daemon;
    private final SocketChannel channel;
    private final BufferedReader in;
    private final BufferedWriter out;
    private long sent;

    private Rrdcached(Process daemon, SocketChannel channel) {
        this.daemon = daemon;
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.US_ASCII));
        this.out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                StandardCharsets.US_ASCII), 1 << 16);
    }

    /**
     * Starts rrdcached on the files under {@code base} (its socket and pid file there too) with {@code threads}
     * write threads, its output to {@code log}, and connects once its socket is there.
     */
    static Rrdcached start(Path base, String threads, Path log) throws Exception {
        Path socket = base.resolve("rrdcached.sock");
        Process daemon = new ProcessBuilder("rrdcached", "-g", "-l", "unix:" + socket, "-w", "3600", "-f", "7200",
                "-t", threads, "-B", "-b", base.toString(), "-p", base.resolve("rrdcached.pid").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            while (!Files.exists(socket)) {
                if (!daemon.isAlive()) {
                    throw new IllegalStateException("rrdcached stopped: " + Files.readString(log));
                }
                Thread.sleep(20);
            }
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return new Rrdcached(daemon, channel);
        } catch (Exception e) {
            daemon.destroy();
            daemon.waitFor();
            throw e;
        }
    }

    long pid() {
        return daemon.pid();
    }

    /** The CPU time rrdcached has used so far. */
    long cpuNanos() throws IOException {
        return Machine.cpuNanos(daemon.pid());
    }

    /**
     * Sends {@code updates}, {@code count} {@code UPDATE} lines, as one BATCH; returns the lines of the errors
     * rrdcached answered, none when every update was taken.
     */
    List<String> batch(String updates, int count) throws IOException {
        command("BATCH");
        out.write(updates);
        out.write(".\n");
        out.flush();
        String result = in.readLine();
        if (result == null) {
            throw new IOException("rrdcached closed the connection after a BATCH of " + count + " updates");
        }
        int errors = Integer.parseInt(result.split(" ")[0]);
        List<String> lines = new ArrayList<>(errors);
        for (int i = 0; i < errors; i++) {
            lines.add(in.readLine());
        }
        sent += count;
        return lines;
    }

    /** FLUSHALL, then waits until rrdcached has written every data set it was sent and its queue is empty. */
    void flushAll() throws Exception {
        command("FLUSHALL");
        while (true) {
            String head = command("STATS");
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

    private String command(String command) throws IOException {
        out.write(command + "\n");
        out.flush();
        String answer = in.readLine();
        if (answer == null || answer.startsWith("-")) {
            throw new IOException("rrdcached refused " + command + ": " + answer);
        }
        return answer;
    }

    /** Says QUIT, then stops rrdcached and waits for it to exit. */
    @Override
    public void close() throws IOException {
        try {
            out.write("QUIT\n");
            out.flush();
        } catch (IOException e) {
            // already gone: it is stopped below all the same
        }
        channel.close();
        daemon.destroy();
        try {
            daemon.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while rrdcached (pid " + daemon.pid() + ") stopped", e);
        }
    }
}
