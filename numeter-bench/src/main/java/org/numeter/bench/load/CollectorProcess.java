package org.numeter.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.numeter.bench.Machine;

/**
 * {@link BenchCollector} started as a child JVM with the launcher's options for a collector, and measured from
 * outside through /proc: CPU time used and resident memory.
 */
final class CollectorProcess implements AutoCloseable {
    private final Process process;
    private final ProcFigures figures;
    private final BufferedReader out;
    private final int port;
    private long rssMaxKib;

    CollectorProcess(Path pollersFile, Path spoolDir, long intervalSeconds, int parallelism, String pollerToken,
            String token, String heap) throws IOException {
        this(pollersFile, spoolDir, intervalSeconds, parallelism, pollerToken, token, heap, 2, List.of());
    }

    /**
     * @param intervalSeconds 0 for a collector that runs a cycle when told ({@link #cycle()})
     * @param linkVersion the pull link version it asks pollers for
     * @param jvmOptions more options for the child JVM (a flight recording to profile it), none by default
     */
    CollectorProcess(Path pollersFile, Path spoolDir, long intervalSeconds, int parallelism, String pollerToken,
            String token, String heap, int linkVersion, List<String> jvmOptions) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(Machine.launcherOptions("collector"));
        command.add("-Xmx" + heap);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchCollector.class.getName(),
                pollersFile.toString(), spoolDir.toString(), Long.toString(intervalSeconds),
                Integer.toString(parallelism), pollerToken, token, Integer.toString(linkVersion)));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        int found = -1;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("port ")) {
                found = Integer.parseInt(line.substring(5).trim());
                break;
            }
        }
        if (found < 0) {
            throw new IOException("the bench collector ended before listening (exit " + process.exitValue() + ")");
        }
        port = found;
        figures = new ProcFigures(process.pid());
        if (intervalSeconds > 0) {
            Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
        }
    }

    /** Runs one collector cycle (every poller drained once) and returns when it is over. */
    void cycle() throws IOException {
        process.getOutputStream().write('\n');
        process.getOutputStream().flush();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("done")) {
                return;
            }
        }
        throw new IOException("the bench collector ended during a cycle");
    }

    int port() {
        return port;
    }

    /** CPU seconds (user and system) the process has used. */
    double cpuSeconds() throws IOException {
        return figures.cpuSeconds();
    }

    /** CPU seconds the kernel spent for the process (system time: fsync, network). */
    double systemSeconds() throws IOException {
        return figures.systemSeconds();
    }

    /** Samples resident memory; returns the current figure in MiB. */
    long sampleRssMib() throws IOException {
        long kib = figures.statusKib("VmRSS");
        rssMaxKib = Math.max(rssMaxKib, kib);
        return kib >> 10;
    }

    long rssMaxMib() {
        return rssMaxKib >> 10;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
