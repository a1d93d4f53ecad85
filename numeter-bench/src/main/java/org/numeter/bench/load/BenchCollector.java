package org.numeter.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.numeter.collector.Collector;
import org.numeter.spool.FileSpool;

/**
 * The collector of a load run, in its own JVM so that its CPU and memory can be measured apart from the simulated
 * fleet: a file spool, a pollers file, the real pull link. Prints {@code port <n>} once listening.
 *
 * <p>Arguments: pollers file, spool directory, interval in seconds, parallelism, poller token, collector token.
 */
public final class BenchCollector {

    private BenchCollector() {}

    public static void main(String[] args) throws Exception {
        FileSpool spool = FileSpool.builder(Path.of(args[1])).maxBytes(8L << 30).open();
        Collector collector = Collector.builder().host("bench-collector").spool(spool)
                .pollersFile(Path.of(args[0])).interval(Duration.ofSeconds(Long.parseLong(args[2])))
                .parallelism(Integer.parseInt(args[3])).pollerToken(args[4]).token(args[5])
                .listen("127.0.0.1", 0).build();
        collector.start();
        System.out.println("port " + collector.port());
        System.out.flush();
        new CountDownLatch(1).await(); // until the load generator ends this process
    }
}
