package org.numeter.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.numeter.store.Archives;

/**
 * One {@code rrdtool -} process (Debian's package), the anchor for file creation and graphs: commands on its
 * standard input, one at a time, each answered with {@code OK} or {@code ERROR}.
 */
final class Rrdtool implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    private Rrdtool(Process process) {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    static Rrdtool start() throws IOException {
        return new Rrdtool(new ProcessBuilder("rrdtool", "-").redirectErrorStream(true).start());
    }

    /**
     * The {@code RRA:} arguments of {@code rrdtool create} for {@code archives}, as the store lays them out: AVERAGE
     * for the finest tier, AVERAGE, MIN and MAX for the others.
     */
    static String rras(Archives archives) {
        StringBuilder out = new StringBuilder();
        for (Archives.Tier t : archives.tiers()) {
            for (String cf : t.steps() == 1 ? new String[] {"AVERAGE"} : new String[] {"AVERAGE", "MIN", "MAX"}) {
                out.append(" RRA:").append(cf).append(":0.5:").append(t.steps()).append(':').append(t.rows());
            }
        }
        return out.toString();
    }

    /** Runs {@code command} and waits for its {@code OK}; an {@code ERROR} answer is an exception quoting both. */
    void ask(String command) throws IOException {
        in.write(command);
        in.write('\n');
        in.flush();
        String answer;
        while ((answer = out.readLine()) != null) {
            if (answer.startsWith("OK")) {
                return;
            }
            if (answer.startsWith("ERROR")) {
                throw new IllegalStateException("rrdtool: " + answer + " for " + command.substring(0,
                        Math.min(120, command.length())));
            }
        }
        throw new IllegalStateException("rrdtool stopped");
    }

    /** The CPU time rrdtool has used so far. */
    long cpuNanos() throws IOException {
        return Machine.cpuNanos(process.pid());
    }

    /** Says quit and waits for rrdtool to exit. */
    @Override
    public void close() throws IOException {
        try {
            try {
                in.write("quit\n");
            } finally {
                in.close();
            }
        } finally {
            out.close();
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while rrdtool (pid " + process.pid() + ") stopped", e);
        }
    }
}
