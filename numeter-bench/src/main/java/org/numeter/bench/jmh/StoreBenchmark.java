package org.numeter.bench.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.numeter.bench.Machine;
import org.numeter.model.SampleBatch;
import org.numeter.storage.RrdStore;
import org.numeter.store.Archives;
import org.numeter.store.InMemoryStore;
import org.numeter.store.Store;
import org.numeter.store.WriteResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@link Store#write} of one round: 1,000 plugins (20 hosts of 50) × 5 fields, each one step after the last, with
 * the default archives, in points per second. The round is built before each call (not timed); the files, or the
 * in-memory plugins, are created before the clock starts, so what is measured is the steady state of an ingest.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StoreBenchmark {
    static final int PLUGINS = 1_000;
    static final int FIELDS = 5;
    static final int POINTS = PLUGINS * FIELDS;

    abstract static class Writing {
        Workload.Rounds rounds;
        List<SampleBatch> round;

        /** Writes the first round, with the metadata, so that every plugin exists before the clock starts. */
        void start(Store store) throws IOException {
            rounds = new Workload.Rounds(PLUGINS, FIELDS, Archives.DEFAULT.step());
            check(store.write(rounds.next()));
        }

        void nextRound() {
            round = rounds.next();
        }

        static WriteResult check(WriteResult w) {
            if (w.points() != POINTS || w.batches() != PLUGINS) {
                throw new IllegalStateException("wrote " + w + ", not " + PLUGINS + " batches of " + FIELDS
                        + " points");
            }
            return w;
        }
    }

    /** rrd4j files (one per plugin, 740 MB in all) in a temporary directory, created once per trial. */
    @State(Scope.Thread)
    public static class Rrd extends Writing {
        Path dir;
        RrdStore store;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Workload.tempDirectory("store");
            store = RrdStore.builder(dir).open();
            start(store);
        }

        @Setup(Level.Invocation)
        public void prepare() {
            nextRound();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                store.close();
            } finally {
                Machine.deleteTree(dir);
            }
        }
    }

    /**
     * {@link InMemoryStore} keeps every primary point, so a new one is started for each iteration: otherwise the
     * heap would grow by gigabytes over the run and the figure would measure the garbage collector.
     */
    @State(Scope.Thread)
    public static class Memory extends Writing {
        InMemoryStore store;

        @Setup(Level.Iteration)
        public void setUp() throws IOException {
            store = new InMemoryStore();
            start(store);
        }

        @Setup(Level.Invocation)
        public void prepare() {
            nextRound();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            store.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public WriteResult rrdStore(Rrd s) throws IOException {
        return Writing.check(s.store.write(s.round));
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public WriteResult inMemoryStore(Memory s) {
        return Writing.check(s.store.write(s.round));
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(StoreBenchmark.class.getSimpleName()).build()).run();
    }
}
