package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poller process killed with SIGKILL during a collector outage and started again: everything it had spooled
 * (every append it reported as done) reaches the store, in order, once.
 */
class PollerKillIT {
    @TempDir
    Path dir;
    private Process child;

    @AfterEach
    void kill() throws Exception {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A running poller process: its port, and the last index it reported appended. */
    private record Run(int port, int lastAppended) {}

    /** Starts the poller process, waits for {@code appends} more appends, then kills it if asked. */
    private Run runPoller(int untilIndex, boolean killThen) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), PollerProcess.class.getName(),
                dir.resolve("poller").toString(), "web1", "10")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process mine = child;
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> mine.toHandle().destroyForcibly(),
                CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS));
        int port = -1;
        int last = -1;
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("port ")) {
                port = Integer.parseInt(line.substring(5));
            } else if (line.startsWith("appended ")) {
                int index = Integer.parseInt(line.substring(9).trim());
                assertThat(index).as("appends follow each other").isEqualTo(last < 0 ? index : last + 1);
                last = index;
                if (index >= untilIndex) {
                    if (!killThen) {
                        // Keep reading, so that the child never blocks on a full pipe.
                        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                        break;
                    }
                    // SIGKILL through the handle, then read what it printed before dying.
                    child.toHandle().destroyForcibly();
                }
            }
        }
        watchdog.cancel(false);
        if (killThen) {
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            child = null;
        }
        return new Run(port, last);
    }

    @Test
    void whatAKilledPollerHadSpooledIsDeliveredAfterItsRestart() throws Exception {
        Run first = runPoller(60, true);
        assertThat(first.lastAppended()).isGreaterThanOrEqualTo(60);

        Run second = runPoller(first.lastAppended() + 30, false);
        int target = second.lastAppended();
        try (Rig rig = new Rig(dir)) {
            rig.remotePoller("web1", URI.create("http://127.0.0.1:" + second.port()));
            rig.startCollector(Duration.ofMillis(100), 100);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                rig.storageDrain();
                return rig.storedUpTo("web1", target);
            });
            rig.assertDelivered("web1", 0, target);
            System.out.printf("poller killed: appended before the kill up to %d, after the restart up to %d; "
                    + "stored %d, duplicates dropped by the store %d%n", first.lastAppended(), target,
                    rig.written().batches(), rig.written().duplicates());
        }
    }
}
