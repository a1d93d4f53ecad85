package org.numeter.bench.jmh;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.numeter.bench.GraphWeek;
import org.numeter.bench.Machine;
import org.numeter.graph.PngEncoder;
import org.numeter.storage.GraphRenderer;
import org.numeter.storage.RrdStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
 * The storage's PNG of CompareBench's graph (one week of a 5-field plugin of 1-minute points, 800x300, stacked,
 * with munin's legend) once the JVM has compiled its code, in the sampled time of one graph; and its parts: the
 * encoding of the drawn pixels by {@link PngEncoder} and, for scale, by ImageIO's PNG writer, which rrd4j uses.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PngBenchmark {
    static final long END = Workload.T0 + GraphWeek.SPAN;

    @State(Scope.Thread)
    public static class Week {
        Path dir;
        RrdStore store;
        GraphRenderer renderer;
        BufferedImage image;
        int[] pixels;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Workload.tempDirectory("png");
            store = RrdStore.builder(dir).open();
            store.write(GraphWeek.batches(END));
            renderer = new GraphRenderer(store);
            BufferedImage drawn = ImageIO.read(new ByteArrayInputStream(renderer.png(GraphWeek.HOST, GraphWeek.PLUGIN,
                    END - 7 * 86400L, END, 800, 300)));
            image = new BufferedImage(drawn.getWidth(), drawn.getHeight(), BufferedImage.TYPE_INT_RGB);
            image.createGraphics().drawImage(drawn, 0, 0, null);
            pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
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

    /** The whole graph: the week read from the store, laid out, drawn and encoded. */
    @Benchmark
    public byte[] graph(Week w) throws IOException {
        return w.renderer.png(GraphWeek.HOST, GraphWeek.PLUGIN, END - 7 * 86400L, END, 800, 300);
    }

    @Benchmark
    public byte[] encode(Week w) {
        return PngEncoder.encode(w.pixels, 0, w.image.getWidth(), w.image.getWidth(), w.image.getHeight());
    }

    @Benchmark
    public byte[] encodeWithImageIo(Week w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(w.image, "png", out);
        return out.toByteArray();
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(PngBenchmark.class.getSimpleName()).build()).run();
    }
}
