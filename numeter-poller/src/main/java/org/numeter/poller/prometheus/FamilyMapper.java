package org.numeter.poller.prometheus;

import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * field {@code value}. A histogram's buckets, sum and count, and a summary's quantiles, sum and count, are fields
 * of the same plugin. The plugin's category is the family name's first word ({@code node}, {@code go},
 * {@code process}), as exporters prefix their metrics.
 */
final class FamilyMapper {
    private final String prefix;
    private final int maxFields;

    FamilyMapper(String prefix, int maxFields) {
        this.prefix = prefix;
        this.maxFields = maxFields;
    }

    SampleBatch map(ExpositionParser.Family family, String host, long timestamp, Problems problems) {
        String plugin = pluginName(family.name());
        String type = family.type().toLowerCase(Locale.ROOT);
        Plugin.Builder meta = Plugin.builder(plugin)
                .title(family.name())
                .category(category(family.name()))
                .vlabel(type.equals("counter") ? "per ${graph_period}" : null)
                .info(family.help() == null || family.help().isBlank() ? null : family.help())
                .extra("prometheus_type", type);
        Map<String, Double> values = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (ExpositionParser.Sample s : family.samples()) {
            if (values.size() == maxFields) {
                problems.report(plugin, family.samples().size() + " series, only the first " + maxFields
                        + " are kept");
                break;
            }
            String suffix = s.name().length() > family.name().length() && s.name().startsWith(family.name())
                    ? s.name().substring(family.name().length() + 1) : "";
            String field = unique(fieldName(suffix, s.labels()), used);
            FieldType fieldType = fieldType(type, suffix);
            Field.Builder f = Field.builder(field)
                    .label(label(suffix, s.labels()))
                    .type(fieldType);
            if (fieldType == FieldType.DERIVE) {
                f.min(0.0);
            }
            meta.field(f.build());
            double v = s.value();
            // rrd has no infinities: an empty +Inf bucket or a broken gauge is unknown for this point.
            values.put(field, Double.isInfinite(v) ? Double.NaN : v);
        }
        return new SampleBatch(host, plugin, timestamp, values, meta.build());
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
