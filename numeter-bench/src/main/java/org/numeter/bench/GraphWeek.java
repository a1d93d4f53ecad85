package org.numeter.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/**
 * The graph the PNG figures draw: plugin {@code week} of host {@code graph}, five stacked GAUGE fields, a point a
 * minute for eight days, each field a daily wave with noise (the same values at every run). Both sides of
 * {@link CompareBench} and the JMH {@code PngBenchmark} store these points.
 */
public final class GraphWeek {
    public static final String HOST = "graph";
    public static final String PLUGIN = "week";
    public static final int FIELDS = 5;
    public static final long STEP = 60;
    /** How far before its end the first point is, one step after this. */
    public static final long SPAN = 8 * 86400L;

    private GraphWeek() {}

    /** The points after {@code end - SPAN} up to {@code end}, the first with the plugin's metadata. */
    public static List<SampleBatch> batches(long end) {
        Plugin.Builder pb = Plugin.builder(PLUGIN).title("A week").category("bench");
        for (int f = 0; f < FIELDS; f++) {
            pb.field(Field.builder("f" + f).type(FieldType.GAUGE).draw(f == 0 ? "AREA" : "STACK").build());
        }
        Plugin meta = pb.build();
        List<SampleBatch> batches = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(1);
        for (long t = end - SPAN + STEP; t <= end; t += STEP) {
            Map<String, Double> values = new LinkedHashMap<>();
            double hour = Math.sin((t % 86400) / 86400.0 * 2 * Math.PI);
            for (int f = 0; f < FIELDS; f++) {
                values.put("f" + f, 10 + f * 3 + 8 * hour + random.nextDouble(0, 2));
            }
            batches.add(new SampleBatch(HOST, PLUGIN, t, values, batches.isEmpty() ? meta : null));
        }
        return batches;
    }
}
