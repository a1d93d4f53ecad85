package org.numeter.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.numeter.bench.IngestBench;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/** The data the JMH benchmarks work on, built in one place so that every class measures the same shapes. */
final class Workload {
    /** A Monday at 00:00 UTC, so that every tier's step divides it. */
    static final long T0 = 1_699_833_600L;

    private Workload() {}

    /** Munin's {@code cpu} plugin as a Linux poller sends it: eight DERIVE fields with their graph attributes. */
    static Plugin cpuPlugin() {
        String[] names = {"system", "user", "nice", "idle", "iowait", "irq", "softirq", "steal"};
        Plugin.Builder b = Plugin.builder("cpu").title("CPU usage").category("system").vlabel("%")
                .args("--base 1000 -r --lower-limit 0 --upper-limit 200").order(List.of(names))
                .info("This graph shows how CPU time is spent.").period("second").scale(false);
        for (int i = 0; i < names.length; i++) {
            b.field(Field.builder(names[i]).label(names[i]).type(FieldType.DERIVE).draw(i == 0 ? "AREA" : "STACK")
                    .min(0.0).max(5000.0).info("CPU time spent in " + names[i]).build());
        }
        return b.build();
    }

    /** One sample of {@link #cpuPlugin()}: counters of jiffies, the size a poller ships every interval. */
    static SampleBatch cpuBatch(boolean withMeta) {
        Plugin cpu = cpuPlugin();
        Map<String, Double> values = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (String f : cpu.fieldNames()) {
            values.put(f, (double) random.nextLong(1_000_000L, 900_000_000L));
        }
        return new SampleBatch("web-01.example.org", "cpu", T0, values, withMeta ? cpu : null);
    }

    /**
     * Rounds of {@code plugins} plugins of {@code fields} fields, one round per step from {@link #T0}, as
     * {@link IngestBench} makes them. The first round carries the metadata.
     */
    static final class Rounds {
        private final int plugins;
        private final int fields;
        private final long step;
        private final double[][] state;
        private final SplittableRandom random = new SplittableRandom(42);
        private int round;

        Rounds(int plugins, int fields, long step) {
            this.plugins = plugins;
            this.fields = fields;
            this.step = step;
            this.state = new double[plugins][fields];
        }

        List<SampleBatch> next() {
            return IngestBench.round(T0, round++, plugins, fields, step, random, state);
        }

        int pointsPerRound() {
            return plugins * fields;
        }
    }

    static Path tempDirectory(String what) throws IOException {
        return Files.createTempDirectory("numeter-jmh-" + what + "-");
    }
}
