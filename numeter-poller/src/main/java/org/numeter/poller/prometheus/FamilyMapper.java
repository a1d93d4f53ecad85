package org.numeter.poller.prometheus;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/**
 * Maps one Prometheus metric family to one plugin: counters become DERIVE fields (a rate, as munin draws
 * counters), gauges and untyped metrics GAUGE; each series is a field named after its label values
 * ({@code cpu="0",mode="idle"} → {@code _0_idle}) and labelled with its labels; a series with no label is the
 * field {@code value}. A histogram's buckets and count, and its sum; a summary's quantiles, its sum and its count:
 * plugins of their own, so that each plugin's fields share a unit. A plugin keeps at most {@code maxFields} series
 * over its life (the excess counted and told once). The plugin's category is the family name's first word ({@code node}, {@code go},
 * {@code process}), as exporters prefix their metrics.
 */
final class FamilyMapper {
    private final String prefix;
    private final int maxFields;
    // The fields each plugin has been given, in order: a family whose label sets keep changing gets no more than
    // maxFields over its life, not per scrape, so the storage does not add round-robin sources for ever.
    private final Map<String, Set<String>> admitted = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> refused = new java.util.concurrent.ConcurrentHashMap<>();

    FamilyMapper(String prefix, int maxFields) {
        this.prefix = prefix;
        this.maxFields = maxFields;
    }

    /** Series refused by plugin since start, for being past {@code maxFields}. */
    Map<String, Long> refused() {
        return Map.copyOf(refused);
    }

    /**
     * The family's batches: one per plugin and timestamp. A histogram is two plugins, its buckets and count (events
     * per second) and its sum ({@code _sum}, in its own unit); a summary three, its quantiles, its sum and its count:
     * each plugin's fields share a unit. A sample with its own timestamp is stored at it, the others at
     * {@code timestamp}.
     */
    List<SampleBatch> map(ExpositionParser.Family family, String host, long timestamp, Problems problems) {
        String type = family.type().toLowerCase(Locale.ROOT);
        Map<String, List<ExpositionParser.Sample>> parts = new LinkedHashMap<>();
        for (ExpositionParser.Sample s : family.samples()) {
            String suffix = suffix(family, s);
            String part = switch (type) {
                case "histogram" -> suffix.equals("sum") ? "_sum" : "";
                case "summary" -> suffix.equals("sum") ? "_sum" : suffix.equals("count") ? "_count" : "";
                default -> "";
            };
            parts.computeIfAbsent(part, x -> new java.util.ArrayList<>()).add(s);
        }
        List<SampleBatch> out = new java.util.ArrayList<>();
        for (Map.Entry<String, List<ExpositionParser.Sample>> part : parts.entrySet()) {
            out.addAll(plugin(family, type, part.getKey(), part.getValue(), host, timestamp, problems));
        }
        return out;
    }

    private List<SampleBatch> plugin(ExpositionParser.Family family, String type, String part,
            List<ExpositionParser.Sample> samples, String host, long timestamp, Problems problems) {
        String plugin = pluginName(family.name() + part);
        Plugin.Builder meta = Plugin.builder(plugin)
                .title(family.name() + part)
                .category(category(family.name()))
                .vlabel(type.equals("counter") ? "per ${graph_period}" : null)
                .info(family.help() == null || family.help().isBlank() ? null : family.help())
                .extra("prometheus_type", type);
        Map<Long, Map<String, Double>> byTime = new java.util.TreeMap<>();
        Set<String> used = new HashSet<>();
        Set<String> fields = admitted.computeIfAbsent(plugin, p -> java.util.Collections.synchronizedSet(
                new java.util.LinkedHashSet<>()));
        long excess = 0;
        for (ExpositionParser.Sample s : samples) {
            String suffix = suffix(family, s);
            String field = unique(fieldName(suffix, s.labels()), used);
            if (!fields.contains(field)) {
                if (fields.size() >= maxFields) {
                    excess++;
                    continue;
                }
                fields.add(field);
            }
            FieldType fieldType = fieldType(type, suffix);
            Field.Builder f = Field.builder(field)
                    .label(label(suffix, s.labels()))
                    .type(fieldType);
            if (fieldType == FieldType.DERIVE) {
                f.min(0.0);
            }
            meta.field(f.build());
            double v = s.value();
            long t = s.timestampMillis() > 0 ? Math.floorDiv(s.timestampMillis(), 1000) : timestamp;
            // rrd has no infinities: an empty +Inf bucket or a broken gauge is unknown for this point.
            byTime.computeIfAbsent(t, x -> new LinkedHashMap<>()).put(field, Double.isInfinite(v) ? Double.NaN : v);
        }
        if (excess > 0) {
            boolean first = !refused.containsKey(plugin);
            refused.merge(plugin, excess, Long::sum);
            if (first) {
                problems.report(plugin, "more than " + maxFields + " series (" + excess + " more in this scrape):"
                        + " the first " + maxFields + " seen are kept, the others refused and counted (told once)");
            }
        }
        Plugin described = meta.build();
        List<SampleBatch> out = new java.util.ArrayList<>();
        for (Map.Entry<Long, Map<String, Double>> e : byTime.entrySet()) {
            out.add(new SampleBatch(host, plugin, e.getKey(), e.getValue(), described));
        }
        return out;
    }

    private static String suffix(ExpositionParser.Family family, ExpositionParser.Sample s) {
        return s.name().length() > family.name().length() && s.name().startsWith(family.name())
                ? s.name().substring(family.name().length() + 1) : "";
    }

    private String pluginName(String family) {
        StringBuilder out = new StringBuilder(prefix.length() + family.length());
        String raw = prefix + family;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = c < 128 && Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
            out.append(ok ? c : '_');
        }
        String name = out.toString();
        return Names.requirePlugin(name.length() > 200 ? name.substring(0, 200) : name);
    }

    private static String category(String family) {
        int underscore = family.indexOf('_');
        String first = underscore > 0 ? family.substring(0, underscore) : family;
        return first.replace(':', '_').toLowerCase(Locale.ROOT);
    }

    private static FieldType fieldType(String type, String suffix) {
        return switch (type) {
            case "counter" -> FieldType.DERIVE;
            case "histogram" -> FieldType.DERIVE;
            case "summary" -> suffix.isEmpty() ? FieldType.GAUGE : FieldType.DERIVE;
            default -> FieldType.GAUGE;
        };
    }

    private static String fieldName(String suffix, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return suffix.isEmpty() ? "value" : Names.cleanField(suffix);
        }
        String joined = labels.values().stream().collect(Collectors.joining("_"));
        return Names.cleanField(suffix.isEmpty() ? joined : suffix + "_" + joined);
    }

    private static String label(String suffix, Map<String, String> labels) {
        String text = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        return suffix.isEmpty() ? (text.isEmpty() ? null : text) : (text.isEmpty() ? suffix : suffix + " " + text);
    }

    private static String unique(String field, Set<String> used) {
        String name = field;
        for (int n = 2; !used.add(name); n++) {
            String tail = "_" + n;
            name = (field.length() + tail.length() > 200 ? field.substring(0, 200 - tail.length()) : field) + tail;
        }
        return name;
    }
}
