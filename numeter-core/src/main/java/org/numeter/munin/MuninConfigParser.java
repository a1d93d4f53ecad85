package org.numeter.munin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Names;
import org.numeter.model.Plugin;

/**
 * Turns the answer to munin's {@code config <plugin>} into Numeter plugin metadata: one {@link Plugin} for the
 * plugin itself and one per {@code multigraph} section. {@code graph_*} and {@code <field>.<key>} lines Numeter
 * knows become its attributes; every other key is kept, unchanged, in {@code extra}. A bad line is reported with
 * the plugin and the line, and the rest is kept.
 */
public final class MuninConfigParser {
    private MuninConfigParser() {}

    /**
     * @param plugin the plugin asked for; lines before the first {@code multigraph} line belong to it
     * @return graphs by name, in the order the answer gave them; graphs with no field are left out
     */
    public static Map<String, Plugin> parse(String plugin, List<String> lines, Problems problems) {
        Map<String, Section> sections = new LinkedHashMap<>();
        Section current = sections.computeIfAbsent(MuninNames.plugin(plugin), Section::new);
        for (String raw : lines) {
            String line = MuninLine.meaningful(raw);
            if (line == null) {
                continue;
            }
            int space = MuninLine.indexOfSpace(line);
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1).strip();
            if (key.equals("multigraph")) {
                if (value.isEmpty()) {
                    problems.report(current.name, "config: line '" + line + "' names no graph");
                    continue;
                }
                current = sections.computeIfAbsent(MuninNames.plugin(value), Section::new);
                continue;
            }
            if (space < 0) {
                problems.report(current.name, "config: line '" + line + "' is not 'key value'");
                continue;
            }
            int dot = key.indexOf('.');
            if (dot < 0) {
                current.graph.put(key, value);
            } else if (dot == 0 || dot == key.length() - 1) {
                problems.report(current.name, "config: line '" + line + "' is not 'field.key value'");
            } else {
                String field = MuninNames.field(key.substring(0, dot));
                current.fields.computeIfAbsent(field, f -> new LinkedHashMap<>()).put(key.substring(dot + 1), value);
            }
        }
        Map<String, Plugin> out = new LinkedHashMap<>();
        for (Section s : sections.values()) {
            if (!s.fields.isEmpty()) {
                out.put(s.name, s.build(problems));
            }
        }
        return out;
    }

    /** The lines of one graph, gathered before they become a plugin. */
    private static final class Section {
        final String name;
        final Map<String, String> graph = new LinkedHashMap<>();
        final Map<String, Map<String, String>> fields = new LinkedHashMap<>();

        Section(String name) {
            this.name = name;
        }

        Plugin build(Problems problems) {
            Plugin.Builder b = Plugin.builder(name);
            for (Map.Entry<String, String> e : graph.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "graph_title" -> b.title(v);
                    case "graph_category" -> b.category(v.toLowerCase(Locale.ROOT));
                    case "graph_vlabel" -> b.vlabel(v);
                    case "graph_args" -> b.args(v);
                    case "graph_order" -> b.order(List.of(v.split("\\s+")));
                    case "graph_info" -> b.info(v);
                    case "graph_period" -> b.period(v);
                    case "graph_total" -> b.total(v);
                    case "graph_scale" -> b.scale(!v.equalsIgnoreCase("no"));
                    case "graph_printf" -> b.printf(v);
                    case "graph_width" -> b.width(positive(e.getKey(), v, problems));
                    case "graph_height" -> b.height(positive(e.getKey(), v, problems));
                    default -> b.extra(e.getKey(), v);
                }
            }
            List<Field> list = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> f : fields.entrySet()) {
                list.add(field(f.getKey(), f.getValue(), problems));
            }
            return b.fields(list).build();
        }

        private Integer positive(String key, String value, Problems problems) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.report(name, "config: " + key + " '" + value + "' is not a positive whole number");
            return null;
        }

        private Field field(String fieldName, Map<String, String> attributes, Problems problems) {
            Field.Builder b = Field.builder(fieldName);
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "label" -> b.label(v);
                    case "type" -> {
                        try {
                            b.type(FieldType.parse(v));
                        } catch (IllegalArgumentException ex) {
                            problems.report(name, "config: field " + fieldName + ": " + ex.getMessage());
                        }
                    }
                    case "draw" -> b.draw(v.toUpperCase(Locale.ROOT));
                    case "colour" -> b.colour(v.startsWith("#") ? v.substring(1) : v);
                    case "min" -> b.min(limit(fieldName, "min", v, problems));
                    case "max" -> b.max(limit(fieldName, "max", v, problems));
                    case "cdef" -> b.cdef(v);
                    case "negative" -> b.negative(MuninNames.field(v));
                    case "graph" -> b.graph(!v.equalsIgnoreCase("no"));
                    case "warning" -> b.warning(v);
                    case "critical" -> b.critical(v);
                    case "info" -> b.info(v);
                    default -> b.extra(e.getKey(), v);
                }
            }
            return b.build();
        }

        private Double limit(String fieldName, String key, String value, Problems problems) {
            if (value.equals("U") || value.isEmpty()) {
                return null;
            }
            try {
                double d = Double.parseDouble(value);
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.report(name, "config: field " + fieldName + ": " + key + " '" + value + "' is not a number");
            return null;
        }
    }
}
