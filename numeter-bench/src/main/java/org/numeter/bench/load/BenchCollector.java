package org.numeter.bench.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.numeter.collector.Collector;
import org.numeter.link.HttpSpoolReader;
import org.numeter.spool.FileSpool;

/**
 * The collector of a load run, in its own JVM so that its CPU and memory can be measured apart from the simulated
 * fleet: a file spool, a pollers file, the real pull link. Prints {@code port <n>} once listening.
 *
 * <p>Arguments: pollers file, spool directory, interval in seconds, parallelism, poller token, collector token,
 * and optionally the pull link version it asks pollers for (2, the default, or 1 as a collector older than the
 * compact records). With an interval of 0 it runs a cycle each time it reads a line on its input, and prints
 * {@code done} after it.
 */
public final class BenchCollector {

    private BenchCollector() {}

    public static void main(String[] args) throws Exception {
        FileSpool spool = FileSpool.builder(Path.of(args[1])).maxBytes(8L << 30).open();
        int version = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        // BENCH_ACK_ON_READ=0: the v2 collector acknowledges each page apart, as before ack-on-read (A/B runs)
        boolean ackOnRead = !"0".equals(System.getenv("BENCH_ACK_ON_READ"));
        Collector collector = Collector.builder().host("bench-collector").spool(spool)
                .pollersFile(Path.of(args[0])).interval(Duration.ofSeconds(Long.parseLong(args[2])))
                .parallelism(Integer.parseInt(args[3])).pollerToken(args[4]).token(args[5])
                // v2: the collector's own readers (null: its pull link, with the poller token); v1, or v2 with the
                // acknowledgement apart: a reader made here, asking for JSON, or acknowledging at once
                .readers(a -> version == 2 && ackOnRead ? null : HttpSpoolReader.builder(a.url()).token(args[4])
                        .linkVersion(version).checkRecords(false).build())
                .listen("127.0.0.1", 0).build();
        collector.start();
        System.out.println("port " + collector.port());
        System.out.flush();
        if (Long.parseLong(args[2]) == 0) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                collector.runOnce();
                System.out.println("done");
                System.out.flush();
            }
            collector.close();
            spool.close();
            return;
        }
        new CountDownLatch(1).await(); // until the load generator ends this process
    }
}
