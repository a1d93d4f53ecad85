package org.numeter.bench.jmh;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.numeter.store.Consolidation;
import org.numeter.store.Series;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@link Series#coarsen}: what a store does after reading a week of one plugin (5 fields, 10,080 points each at
 * 1 minute) for a graph of at most 800 points, i.e. joining 13 points into one (776 points). One point in a hundred
 * is unknown, as gaps in real data are.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class SeriesBenchmark {
    static final int FIELDS = 5;
    static final long STEP = 60;
    static final int WEEK = (int) (7 * 86_400 / STEP);
    static final int MAX_POINTS = 800;

    private Series week;
    private int factor;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(11);
        double[][] values = new double[FIELDS][WEEK];
        for (double[] field : values) {
            for (int i = 0; i < WEEK; i++) {
                field[i] = random.nextInt(100) == 0 ? Double.NaN : random.nextDouble(0, 100);
            }
        }
        week = new Series("web-01", "cpu", Consolidation.AVERAGE, Workload.T0 + STEP, STEP,
                List.of("user", "system", "iowait", "irq", "idle"), values);
        factor = (WEEK + MAX_POINTS - 1) / MAX_POINTS;
        int size = week.coarsen(factor).size();
        if (size > MAX_POINTS) {
            throw new IllegalStateException("a week joined " + factor + " by " + factor + " is " + size
                    + " points, more than " + MAX_POINTS);
        }
    }

    @Benchmark
    public Series coarsenWeekTo800() {
        return week.coarsen(factor);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(SeriesBenchmark.class.getSimpleName()).build()).run();
    }
}
