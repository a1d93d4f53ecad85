package org.numeter.munin;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the answer to munin's {@code fetch <plugin>}: {@code <field>.value <number>}, {@code <field>.value
 * <epoch>:<number>}, {@code U} for unknown, and {@code multigraph <name>} switching the graph the next values
 * belong to. A bad line is reported with the plugin and the line, and the other values are kept.
 */
public final class MuninValueParser {
    private MuninValueParser() {}

    // What a field may say besides its value (munin's plugin reference); with dirtyconfig, or from plugins that
    // print their extinfo on fetch, these come with the values and are legal.
    private static final java.util.Set<String> FIELD_KEYS = java.util.Set.of("label", "info", "extinfo", "type",
            "draw", "colour", "min", "max", "cdef", "negative", "graph", "warning", "critical", "line", "stack", "sum",
            "unknown_limit", "update_rate", "oldname", "graph_data_size", "printf", "notes");
    private static final java.util.Set<String> GRAPH_KEYS = java.util.Set.of("host_name", "update_rate",
            "create_args", "notes", "info");

    /** Whether {@code line} is {@code <field>.value ...}: a value, also where config lines are (dirtyconfig). */
    public static boolean isValueLine(String line) {
        String l = line.strip();
        int space = MuninLine.indexOfSpace(l);
        String key = space < 0 ? l : l.substring(0, space);
        return key.endsWith(".value") && key.length() > ".value".length();
    }

    /** Whether {@code key} is one a munin plugin may legally say in its config, as {@code graph_title} or {@code a.label}. */
    public static boolean isConfigKey(String key) {
        if (key.startsWith("graph_") || GRAPH_KEYS.contains(key)) {
            return true;
        }
        int dot = key.lastIndexOf('.');
        return dot > 0 && FIELD_KEYS.contains(key.substring(dot + 1));
    }

    /**
     * One value as munin gave it.
     *
     * @param plugin the graph it belongs to
     * @param field the field, cleaned as munin cleans names
     * @param timestamp the epoch second the plugin gave, or 0 for "now"
     * @param value the value, {@link Double#NaN} for unknown
     */
    public record Value(String plugin, String field, long timestamp, double value) {}

    public static List<Value> parse(String plugin, List<String> lines, Problems problems) {
        List<Value> out = new ArrayList<>();
        String current = MuninNames.plugin(plugin);
        for (String raw : lines) {
            String line = MuninLine.meaningful(raw);
            if (line == null) {
                continue;
            }
            if (line.startsWith("multigraph ")) {
                current = MuninNames.plugin(line.substring("multigraph ".length()).strip());
                continue;
            }
            int space = MuninLine.indexOfSpace(line);
            String key = space < 0 ? line : line.substring(0, space);
            if (space < 0 || !key.endsWith(".value") || key.length() == ".value".length()) {
                // extinfo, and with dirtyconfig any config line, may come with the values: legal, and not a value.
                if (space < 0 || !isConfigKey(key)) {
                    problems.report(current, "fetch: line '" + line + "' is not 'field.value number'");
                }
                continue;
            }
            String field = MuninNames.field(key.substring(0, key.length() - ".value".length()));
            String text = line.substring(space + 1).strip();
            long timestamp = 0;
            int colon = text.indexOf(':');
            if (colon > 0) {
                try {
                    timestamp = Long.parseLong(text.substring(0, colon));
                } catch (NumberFormatException e) {
                    problems.report(current, "fetch: line '" + line + "': timestamp '" + text.substring(0, colon)
                            + "' is not an epoch second");
                    continue;
                }
                text = text.substring(colon + 1);
            }
            double value;
            if (text.equals("U")) {
                value = Double.NaN;
            } else {
                try {
                    value = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    problems.report(current, "fetch: line '" + line + "': value '" + text + "' is not a number");
                    continue;
                }
                if (!Double.isFinite(value)) {
                    problems.report(current, "fetch: line '" + line + "': value '" + text + "' is not finite");
                    continue;
                }
            }
            out.add(new Value(current, field, timestamp, value));
        }
        return out;
    }
}
