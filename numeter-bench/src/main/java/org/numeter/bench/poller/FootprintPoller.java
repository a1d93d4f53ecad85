package org.numeter.bench.poller;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.numeter.poller.Poller;
import org.numeter.poller.Sources;
import org.numeter.spool.MemorySpool;

/**
 * The poller as {@link PollerFootprint} measures it, in its own JVM: the given sources at the given interval,
 * into a memory spool that a simulated collector drains every cycle, until killed.
 *
 * <p>Arguments: {@code <interval seconds> <exec dir or -> <munin address or ->}.
 */
public final class FootprintPoller {
    private FootprintPoller() {}

    public static void main(String[] args) throws Exception {
        Duration interval = Duration.ofSeconds(Long.parseLong(args[0]));
        MemorySpool spool = new MemorySpool();
        Poller.Builder b = Poller.builder().host("bench").spool(spool)
                .source(Sources.create("system", Map.of()), interval);
        if (!args[1].equals("-")) {
            b.source(Sources.create("exec", Map.of("dir", args[1])), interval);
        }
        if (!args[2].equals("-")) {
            b.source(Sources.create("munin", Map.of("address", args[2], "host", "bench-munin")), interval);
        }
        try (Poller poller = b.build()) {
            poller.start();
            Thread drain = Thread.ofVirtual().start(() -> {
                while (true) {
                    try {
                        Thread.sleep(interval);
                    } catch (InterruptedException e) {
                        return;
                    }
                    spool.ack(spool.stats().lastSequence());
                }
            });
            new CountDownLatch(1).await();
            drain.interrupt();
        }
    }
}
