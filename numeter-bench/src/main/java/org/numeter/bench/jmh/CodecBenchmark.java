package org.numeter.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.RecordCodec;
import org.numeter.model.SampleBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@link BatchCodec} on the batch every poller sends: munin's {@code cpu}, eight fields, alone (every interval)
 * or with its metadata (the first batch after a start or a change), in JSON (v1) and in the compact format (v2,
 * {@link RecordCodec}): a poller encodes, a collector reads the envelope, the storage decodes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class CodecBenchmark {
    @Param({"false", "true"})
    public boolean meta;

    private SampleBatch batch;
    private byte[] json;
    private byte[] compact;

    @Setup
    public void setUp() {
        batch = Workload.cpuBatch(meta);
        json = BatchCodec.encode(batch);
        if (!BatchCodec.decodeBatch(json).equals(batch)) {
            throw new IllegalStateException("the batch does not survive encoding: "
                    + new String(json, StandardCharsets.UTF_8));
        }
        compact = RecordCodec.encode(batch);
        if (!RecordCodec.decode(compact).equals(batch)) {
            throw new IllegalStateException("the batch does not survive the compact encoding");
        }
    }

    @Benchmark
    public byte[] encode() {
        return BatchCodec.encode(batch);
    }

    @Benchmark
    public SampleBatch decodeBatch() {
        return BatchCodec.decodeBatch(json);
    }

    /** What a poller of this version writes. */
    @Benchmark
    public byte[] encodeV2() {
        return RecordCodec.encode(batch);
    }

    /** What the storage does with each record. */
    @Benchmark
    public SampleBatch decodeV2() {
        return RecordCodec.decode(compact);
    }

    /** What a collector does with each record: the envelope, with the whole record checked. */
    @Benchmark
    public RecordCodec.Envelope envelopeV2() {
        return RecordCodec.envelope(compact);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(CodecBenchmark.class.getSimpleName()).build()).run();
    }
}
