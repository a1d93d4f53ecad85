package org.numeter.poller.munin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.numeter.model.Field;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;
import org.numeter.munin.MuninConfigParser;
import org.numeter.munin.MuninValueParser;

/**
 * Joins what a munin plugin said in {@code config} and in {@code fetch} into sample batches: one per graph and
 * per timestamp. Shared by the {@code munin} and {@code exec} sources, so both read plugins exactly alike.
 */
public final class MuninBatches {
    private MuninBatches() {}

    /**
     * @param config the graphs of the plugin, from {@link MuninConfigParser}
     * @param values its values, from {@link MuninValueParser}
     * @param timestamp the cycle's time, for values that carry none
     * @return batches in the order of {@code config}; a declared field that got no value is reported and sent as
     *     unknown; values for graphs the config did not declare are reported and dropped
     */
    public static List<SampleBatch> build(String host, long timestamp, Map<String, Plugin> config,
            List<MuninValueParser.Value> values, Problems problems) {
        Map<String, Map<Long, Map<String, Double>>> byGraph = new LinkedHashMap<>();
        for (MuninValueParser.Value v : values) {
            if (!config.containsKey(v.plugin())) {
                problems.report(v.plugin(), "fetch: value for field " + v.field()
                        + " of a graph its config did not declare");
                continue;
            }
            long t = v.timestamp() > 0 ? v.timestamp() : timestamp;
            byGraph.computeIfAbsent(v.plugin(), p -> new LinkedHashMap<>())
                    .computeIfAbsent(t, x -> new LinkedHashMap<>())
                    .put(v.field(), v.value());
        }
        List<SampleBatch> out = new ArrayList<>();
        for (Map.Entry<String, Plugin> e : config.entrySet()) {
            Plugin meta = e.getValue();
            Map<Long, Map<String, Double>> times = byGraph.get(e.getKey());
            if (times == null) {
                problems.report(meta.name(), "fetch: no value for any of the fields " + meta.fieldNames());
                continue;
            }
            Set<String> seen = new HashSet<>();
            times.values().forEach(m -> seen.addAll(m.keySet()));
            List<String> missing = meta.fieldNames().stream().filter(f -> !seen.contains(f)).toList();
            if (!missing.isEmpty()) {
                problems.report(meta.name(), "fetch: no value for field(s) " + missing + ", stored as unknown");
            }
            List<String> undeclared = seen.stream().filter(f -> meta.field(f).isEmpty()).sorted().toList();
            Plugin described = meta;
            if (!undeclared.isEmpty()) {
                // munin graphs a field its config forgot with default attributes; so do we.
                Plugin.Builder b = meta.toBuilder();
                undeclared.forEach(f -> b.field(Field.builder(f).build()));
                described = b.build();
            }
            boolean first = true;
            for (Map.Entry<Long, Map<String, Double>> t : times.entrySet()) {
                Map<String, Double> row = new LinkedHashMap<>();
                if (first) {
                    missing.forEach(f -> row.put(f, Double.NaN));
                }
                row.putAll(t.getValue());
                try {
                    out.add(new SampleBatch(host, meta.name(), t.getKey(), order(described, row), described));
                } catch (IllegalArgumentException bad) {
                    problems.report(meta.name(), "fetch: " + bad.getMessage());
                }
                first = false;
            }
        }
        return out;
    }

    /**
     * The same batches under plugin names starting with {@code prefix}, so that a munin-node on this host and the
     * {@code system} source do not write the same series ({@code cpu} becomes {@code munin_cpu}).
     */
    public static List<SampleBatch> prefixed(List<SampleBatch> batches, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return batches;
        }
        List<SampleBatch> out = new ArrayList<>(batches.size());
        for (SampleBatch b : batches) {
            String name = prefix + b.plugin();
            Plugin m = b.meta();
            Plugin meta = m == null ? null : Plugin.builder(name).title(m.title()).category(m.category())
                    .vlabel(m.vlabel()).args(m.args()).order(m.order()).info(m.info()).period(m.period())
                    .total(m.total()).scale(m.scale()).printf(m.printf()).width(m.width()).height(m.height())
                    .fields(m.fields()).build();
            if (meta != null) {
                Plugin.Builder withExtra = meta.toBuilder();
                m.extra().forEach(withExtra::extra);
                meta = withExtra.build();
            }
            out.add(new SampleBatch(b.host(), name, b.timestamp(), b.values(), meta));
        }
        return out;
    }

    private static Map<String, Double> order(Plugin meta, Map<String, Double> row) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String f : meta.fieldNames()) {
            if (row.containsKey(f)) {
                out.put(f, row.get(f));
            }
        }
        return out;
    }

    static String hostOrDefault(String host, String otherwise) {
        return host == null || host.isBlank() ? otherwise : Names.requireHost(host);
    }
}
