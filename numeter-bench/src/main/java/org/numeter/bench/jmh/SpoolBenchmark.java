package org.numeter.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.numeter.bench.Machine;
import org.numeter.spool.FileSpool;
import org.numeter.spool.FileSpool.Durability;
import org.numeter.spool.SpoolRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@link FileSpool} with records of 300 bytes (an encoded batch of a few fields), in records per second.
 *
 * <p>With {@link Durability#SYNC} an append returns only after fsync, so its rate is the disk's fsync latency, not
 * the code's: one appender makes one fsync per record, four appenders share them (group commit), and
 * {@code appendAll} makes one for its hundred. {@link Durability#PERIODIC} shows what the code itself costs.
 * {@code appendSyncBaseline} is the same write and {@code force(false)} on a plain file, without the spool: the
 * disk's own rate at the moment, to read the SYNC figures against.
 *
 * <p>Each trial works in its own temporary directory, deleted at the end. Everything appended is acknowledged after
 * each iteration, and every {@value #ACK_EVERY} records in the PERIODIC benchmarks (as a drain would, on another
 * thread; one ack, a small file renamed, is spread over those records), which keeps the spool under 40 MB, far
 * from its bound: a full spool would drop segments and log it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpoolBenchmark {
    static final int RECORD_BYTES = 300;
    static final int BATCH = 100;
    static final int PAGE = 500;
    static final long ACK_EVERY = 100_000;

    /** One spool in a temporary directory of its own, and the records appended to it. */
    abstract static class TempSpool {
        Path dir;
        FileSpool spool;
        final byte[] record = record();
        final List<byte[]> batch = Collections.nCopies(BATCH, record);

        void open(Durability durability) throws IOException {
            dir = Workload.tempDirectory("spool");
            spool = FileSpool.builder(dir.resolve("spool")).durability(durability).open();
        }

        /** Acknowledging what was appended deletes the sealed segments. */
        void ackAll() throws IOException {
            spool.ack(spool.stats().lastSequence());
        }

        void close() throws IOException {
            try {
                spool.close();
            } finally {
                Machine.deleteTree(dir);
            }
        }

        static byte[] record() {
            byte[] b = new byte[RECORD_BYTES];
            new SplittableRandom(3).nextBytes(b);
            return b;
        }
    }

    @State(Scope.Benchmark)
    public static class SyncSpool extends TempSpool {
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(Durability.SYNC);
        }

        @TearDown(Level.Iteration)
        public void acknowledge() throws IOException {
            ackAll();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            close();
        }
    }

    @State(Scope.Benchmark)
    public static class PeriodicSpool extends TempSpool {
        long acked;

        /** Called by one thread only: the PERIODIC benchmarks run one. */
        long ackNowAndThen(long sequence) throws IOException {
            if (sequence - acked >= ACK_EVERY) {
                spool.ack(sequence);
                acked = sequence;
            }
            return sequence;
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(Durability.PERIODIC);
        }

        @TearDown(Level.Iteration)
        public void acknowledge() throws IOException {
            ackAll();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            close();
        }
    }

    /** A plain file in a temporary directory, appended to with a positional write and fsync'd. */
    @State(Scope.Thread)
    public static class PlainFile {
        Path dir;
        FileChannel channel;
        long position;
        final ByteBuffer record = ByteBuffer.wrap(TempSpool.record());

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Workload.tempDirectory("fsync");
            channel = FileChannel.open(dir.resolve("plain"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                channel.close();
            } finally {
                Machine.deleteTree(dir);
            }
        }
    }

    /** A page of records appended before each read (not timed), so that every read finds a full page. */
    @State(Scope.Thread)
    public static class FilledSpool extends TempSpool {
        @Param({"SYNC", "PERIODIC"})
        public Durability durability;
        long next = 1;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(durability);
        }

        @Setup(Level.Invocation)
        public void fill() throws IOException {
            spool.appendAll(Collections.nCopies(PAGE, record));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            close();
        }
    }

    @Benchmark
    @Threads(1)
    public long appendSync(SyncSpool s) throws IOException {
        return s.spool.append(s.record);
    }

    @Benchmark
    @Threads(1)
    public long appendSyncBaseline(PlainFile f) throws IOException {
        f.record.clear();
        while (f.record.hasRemaining()) {
            f.position += f.channel.write(f.record, f.position);
        }
        f.channel.force(false);
        return f.position;
    }

    @Benchmark
    @Threads(4)
    public long appendSyncFourThreads(SyncSpool s) throws IOException {
        return s.spool.append(s.record);
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public long appendAllSync(SyncSpool s) throws IOException {
        return s.spool.appendAll(s.batch);
    }

    @Benchmark
    @Threads(1)
    public long appendPeriodic(PeriodicSpool s) throws IOException {
        return s.ackNowAndThen(s.spool.append(s.record));
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public long appendAllPeriodic(PeriodicSpool s) throws IOException {
        return s.ackNowAndThen(s.spool.appendAll(s.batch));
    }

    /** What a drain does for each page: read it, hand it on (here, nowhere), acknowledge it. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(PAGE)
    public List<SpoolRecord> readAndAck(FilledSpool s) throws IOException {
        List<SpoolRecord> page = s.spool.read(s.next, PAGE);
        if (page.size() != PAGE) {
            throw new IllegalStateException("read " + page.size() + " records from " + s.next + ", not " + PAGE);
        }
        long last = page.get(page.size() - 1).sequence();
        s.spool.ack(last);
        s.next = last + 1;
        return page;
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(SpoolBenchmark.class.getSimpleName()).build()).run();
    }
}
