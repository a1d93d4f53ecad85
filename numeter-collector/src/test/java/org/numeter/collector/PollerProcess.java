package org.numeter.collector;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.numeter.codec.BatchCodec;
import org.numeter.link.PullServer;
import org.numeter.spool.FileSpool;

/**
 * A poller as a separate process, for the SIGKILL test: a file spool with SYNC durability, served by the pull
 * server, appending {@link TestPoller#batch} every few milliseconds. It prints {@code port <n>} once, then
 * {@code appended <index>} after each append has returned (so it is on disk). After a restart on the same
 * directory it goes on from the spool's last sequence.
 *
 * <p>Arguments: spool directory, host, period in milliseconds.
 */
public final class PollerProcess {

    private PollerProcess() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String host = args[1];
        long periodMillis = Long.parseLong(args[2]);
        FileSpool spool = FileSpool.builder(dir).maxBytes(64L << 20).durability(FileSpool.Durability.SYNC).open();
        PullServer server = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).token(TestPoller.TOKEN)
                .build();
        server.start();
        System.out.println("port " + server.port());
        System.out.flush();
        ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();
        schedule.scheduleAtFixedRate(() -> {
            try {
                // Sequences start at 1 and survive restarts: batch i is sequence i + 1.
                int index = (int) spool.stats().lastSequence();
                spool.append(BatchCodec.encode(TestPoller.batch(host, index)));
                System.out.println("appended " + index);
                System.out.flush();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
        new CountDownLatch(1).await(); // until killed
    }
}
